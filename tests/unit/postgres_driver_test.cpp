// The PostgreSQL driver and script runner: connection errors (never showing a password), server
// errors as SqlError/ConstraintError, search_path handling, and error lines in scripts.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "driver/postgres/conn.hpp"
#include "strata/driver.hpp"
#include "strata/error.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"

namespace strata {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::PostgresAdminUrl;
using testing::TempDatabase;

// A TCP port on 127.0.0.1 that nothing listens on.
int UnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string ConnectError(const std::string& url) {
  try {
    Connect(url);
  } catch (const ConnectionError& e) {
    return e.what();
  }
  ADD_FAILURE() << "connecting to " << Url::Parse(url).Redacted() << " did not fail";
  return "";
}

TEST(PostgresDriverTest, UnreachableServerNamesHostAndHidesPassword) {
  const int port = UnusedPort();
  const std::string message = ConnectError(
      fmt::format("postgres://app:TopSecret42@127.0.0.1:{}/shop?sslmode=disable", port));
  EXPECT_THAT(message, HasSubstr(fmt::format("postgres://app:xxxxx@127.0.0.1:{}/shop", port)));
  EXPECT_THAT(message, HasSubstr("is the server running"));
  EXPECT_THAT(message, Not(HasSubstr("TopSecret42")));
}

TEST(PostgresDriverTest, WrongPasswordIsRejectedWithoutShowingIt) {
  Url admin = Url::Parse(PostgresAdminUrl());
  const std::string role = fmt::format("strata_pw_{}", getpid());
  auto conn = Connect(admin);
  conn->Exec(fmt::format("DROP ROLE IF EXISTS {0}; CREATE ROLE {0} LOGIN PASSWORD 'right-pass'",
                         QuoteIdent(role)));
  Url url = admin;
  url.user = role;
  url.password = "Wr0ngPassw0rd";
  const std::string message = ConnectError(url.ToString());
  url.password = "right-pass";
  EXPECT_NO_THROW(Connect(url)) << "the role itself can log in";
  conn->Exec("DROP ROLE " + QuoteIdent(role));

  EXPECT_THAT(message, HasSubstr("password authentication failed"));
  EXPECT_THAT(message, HasSubstr(role + ":xxxxx@"));
  EXPECT_THAT(message, HasSubstr("check the user name and password"));
  EXPECT_THAT(message, Not(HasSubstr("Wr0ngPassw0rd")));
}

TEST(PostgresDriverTest, UnknownDatabaseIsAConnectionError) {
  Url url = Url::Parse(PostgresAdminUrl());
  url.database = "strata_no_such_database";
  const std::string message = ConnectError(url.ToString());
  EXPECT_THAT(message, HasSubstr("\"strata_no_such_database\" does not exist"));
  EXPECT_THAT(message, HasSubstr("check the database name"));
}

TEST(PostgresDriverTest, ServerErrorsCarrySqlstateMessageAndPosition) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  try {
    conn->Exec("SELECT * FROM missing_table");
    FAIL() << "no error";
  } catch (const ConstraintError&) {
    FAIL() << "not a constraint error";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate, "42P01");
    EXPECT_EQ(e.server_message, "relation \"missing_table\" does not exist");
    EXPECT_EQ(e.statement, "SELECT * FROM missing_table");
    EXPECT_EQ(e.position, 15);
    EXPECT_EQ(std::string(e.what()),
              "ERROR: relation \"missing_table\" does not exist (42P01)\n"
              "  statement: SELECT * FROM missing_table");
  }
}

TEST(PostgresDriverTest, ConstraintViolationsAreConstraintErrorsWithDetail) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  conn->Exec("CREATE TABLE t (id integer PRIMARY KEY); INSERT INTO t VALUES (1)");
  try {
    conn->Query("INSERT INTO t VALUES ($1)", {"1"});
    FAIL() << "no error";
  } catch (const ConstraintError& e) {
    EXPECT_EQ(e.sqlstate, "23505");
    EXPECT_THAT(e.server_message, HasSubstr("duplicate key value violates unique constraint"));
    EXPECT_THAT(e.server_message, HasSubstr("\nDETAIL: Key (id)=(1) already exists."));
  }
}

TEST(PostgresDriverTest, QueryPassesTextParametersAndNulls) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  const auto before = conn->round_trips();
  Rows rows = conn->Query("SELECT $1::integer + 1 AS n, $2::text AS missing, 'é' AS word",
                          {"41", std::nullopt});
  EXPECT_EQ(conn->round_trips(), before + 1);
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(rows.columns, (std::vector<std::string>{"n", "missing", "word"}));
  EXPECT_EQ(rows.rows[0][0], "42");
  EXPECT_EQ(rows.rows[0][1], std::nullopt);
  EXPECT_EQ(rows.rows[0][2], "é");
}

TEST(PostgresDriverTest, QueryAllReturnsEveryStatementsRowsInOneRequest) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  auto& pg = driver::postgres::AsPg(*conn);
  const auto before = conn->round_trips();
  std::vector<Rows> results = pg.QueryAll(
      "CREATE TEMP TABLE n (v integer); SELECT 1 AS a, NULL AS b; SELECT 'x' "
      "UNION ALL SELECT 'y'");
  EXPECT_EQ(conn->round_trips(), before + 1);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].rows.empty());
  EXPECT_EQ(results[1].rows, (std::vector<Row>{{"1", std::nullopt}}));
  EXPECT_EQ(results[2].rows, (std::vector<Row>{{"x"}, {"y"}}));
}

TEST(PostgresDriverTest, QueryAllStopsAtTheFailingStatementAndLeavesTheConnectionUsable) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  auto& pg = driver::postgres::AsPg(*conn);
  try {
    pg.QueryAll("CREATE TABLE kept (v integer); SELECT 1 / 0; CREATE TABLE never (v integer)");
    ADD_FAILURE() << "the division by zero passed";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate, "22012");
  }
  // A multi-statement request runs as one transaction: nothing of it is left.
  EXPECT_EQ(
      conn->Query("SELECT count(*) FROM pg_class WHERE relname IN ('kept', 'never')").rows[0][0],
      "0");
}

TEST(PostgresDriverTest, SearchPathIsSetWithSqlAfterConnecting) {
  TempDatabase db(Dialect::kPostgres, "Tenant One");
  Url url = Url::Parse(db.url());
  ASSERT_EQ(url.SearchPath(), "Tenant One");
  url.params.erase("search_path");
  Connect(url)->Exec("CREATE SCHEMA \"Tenant One\"");
  auto conn = db.Connect();
  EXPECT_EQ(conn->Query("SELECT current_schema()").rows[0][0], "Tenant One");
}

TEST(PostgresDriverTest, NoticesAreNotPrinted) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  ::testing::internal::CaptureStderr();
  conn->Exec("DO $$ BEGIN RAISE NOTICE 'noisy'; END $$; DROP TABLE IF EXISTS nothing_here");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

std::string ScriptError(Conn& conn, const std::string& script) {
  try {
    migrate::ExecScript(conn, script, "schema.sql");
  } catch (const SqlError& e) {
    return e.what();
  }
  ADD_FAILURE() << "the script ran";
  return "";
}

TEST(PostgresExecScriptTest, NamesTheLineOfTheErrorPosition) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  const std::string message = ScriptError(*conn,
                                          "-- two tables\n"
                                          "CREATE TABLE a (id integer);\n"
                                          "\n"
                                          "CREATE TABLE b (\n"
                                          "  id integer,\n"
                                          "  x no_such_type\n"
                                          ");\n");
  EXPECT_EQ(message,
            "schema.sql:6: ERROR: type \"no_such_type\" does not exist (42704)\n"
            "  statement: CREATE TABLE b (\n  id integer,\n  x no_such_type\n)\n"
            "If it comes from an extension (citext, hstore, uuid-ossp, postgis…), create the "
            "extension first, in this file: CREATE EXTENSION IF NOT EXISTS <name>;");
}

TEST(PostgresExecScriptTest, CountsPositionsInCharactersNotBytes) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  // Two-byte characters on line 2: a position taken as bytes would land on line 2.
  const std::string message =
      ScriptError(*conn, "SELECT 1;\nSELECT 'ééééééééééééééééééééééééééééé',\n  no_such_column;\n");
  EXPECT_THAT(message, HasSubstr("schema.sql:3: ERROR: column \"no_such_column\" does not exist"));
}

TEST(PostgresExecScriptTest, ErrorsWithoutPositionNameTheStatementLine) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  const std::string message = ScriptError(*conn, "SELECT 1;\n\nSELECT\n  1 / 0;\n");
  EXPECT_THAT(message, HasSubstr("schema.sql:3: ERROR: division by zero (22012)"));
}

TEST(PostgresExecScriptTest, ConstraintViolationsStayConstraintErrors) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  EXPECT_THROW(migrate::ExecScript(*conn,
                                   "CREATE TABLE t (id integer PRIMARY KEY);\n"
                                   "INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (1);\n",
                                   "data.sql"),
               ConstraintError);
}

TEST(PostgresExecScriptTest, RunsDollarQuotedBodies) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  migrate::ExecScript(*conn,
                      "CREATE FUNCTION one() RETURNS integer LANGUAGE plpgsql AS $$\n"
                      "BEGIN RETURN 1; END;\n$$;\nSELECT one();\n",
                      "f.sql");
  EXPECT_EQ(conn->Query("SELECT one()").rows[0][0], "1");
}

}  // namespace
}  // namespace strata
