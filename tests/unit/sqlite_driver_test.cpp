// The SQLite driver: URLs and their parameters, Exec/Query, errors (SqlError fields, script lines),
// round-trip counting, busy waiting and the foreign_key_check contract.
#include <gtest/gtest.h>

#include <fstream>

#include "strata/driver.hpp"
#include "strata/error.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"

namespace strata {
namespace {

using testing::TempDatabase;
using testing::TempDir;

std::string One(Conn& conn, std::string_view sql) { return *conn.Query(sql).rows.at(0).at(0); }

TEST(SqliteDriverTest, ExecAndQuery) {
  auto conn = Connect("sqlite://:memory:");
  EXPECT_EQ(conn->dialect(), Dialect::kSqlite);
  conn->Exec(
      "CREATE TABLE t (a INTEGER, b TEXT);\n"
      "-- a comment between statements\n"
      "INSERT INTO t VALUES (1, 'x'); INSERT INTO t VALUES (2, NULL);");
  const std::uint64_t before = conn->round_trips();
  Rows rows =
      conn->Query("SELECT a, b FROM t WHERE a >= ?1 OR b IS ?2 ORDER BY a", {"1", std::nullopt});
  EXPECT_EQ(conn->round_trips(), before + 1);
  EXPECT_EQ(rows.columns, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(rows.rows[0], (Row{"1", "x"}));
  EXPECT_EQ(rows.rows[1], (Row{"2", std::nullopt}));
  conn->Exec("SELECT 1; SELECT 2");
  EXPECT_EQ(conn->round_trips(), before + 3);
  EXPECT_THROW(conn->Query("SELECT ?1", {}), Error);
  EXPECT_THROW(conn->Query("SELECT 1; SELECT 2"), Error);
}

TEST(SqliteDriverTest, FileDatabaseAndTransactions) {
  TempDatabase db(Dialect::kSqlite);
  {
    auto conn = db.Connect();
    conn->Exec("CREATE TABLE t (a INTEGER)");
    Transaction tx(*conn);
    conn->Exec("INSERT INTO t VALUES (1)");
  }  // rolled back
  auto conn = db.Connect();
  EXPECT_EQ(One(*conn, "SELECT count(*) FROM t"), "0");
}

TEST(SqliteDriverTest, RelativeAndAbsolutePaths) {
  TempDir dir;
  const auto relative = std::filesystem::relative(dir.path() / "rel.db");
  ASSERT_TRUE(relative.is_relative());
  Connect("sqlite://" + relative.string())->Exec("CREATE TABLE t (a)");
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "rel.db"));
  auto absolute = Connect("sqlite://" + (dir.path() / "rel.db").string());
  EXPECT_EQ(One(*absolute, "SELECT count(*) FROM sqlite_schema"), "1");
}

TEST(SqliteDriverTest, ForeignKeysAreEnforcedUnlessTurnedOff) {
  EXPECT_EQ(One(*Connect("sqlite://:memory:"), "PRAGMA foreign_keys"), "1");
  EXPECT_EQ(One(*Connect("sqlite://:memory:?_fk=0"), "PRAGMA foreign_keys"), "0");
  EXPECT_EQ(One(*Connect("sqlite://:memory:?foreign_keys=off"), "PRAGMA foreign_keys"), "0");
  EXPECT_EQ(One(*Connect("sqlite://:memory:?_busy_timeout=250"), "PRAGMA busy_timeout"), "250");
  EXPECT_EQ(One(*Connect("sqlite://:memory:"), "PRAGMA busy_timeout"), "5000");
}

TEST(SqliteDriverTest, MissingDirectoryIsAConnectionError) {
  try {
    Connect("sqlite:///no/such/strata/dir/app.db");
    FAIL() << "opened a database in a missing directory";
  } catch (const ConnectionError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("directory \"/no/such/strata/dir\" does not exist"), std::string::npos)
        << msg;
  }
}

TEST(SqliteDriverTest, BadParametersAndFiles) {
  EXPECT_THROW(Connect("sqlite://:memory:?mode=bogus"), InputError);
  EXPECT_THROW(Connect("sqlite://:memory:?_fk=maybe"), InputError);
  EXPECT_THROW(Connect("sqlite://:memory:?_busy_timeout=soon"), InputError);
  try {
    Connect("sqlite://:memory:?sslmode=disable");
    FAIL() << "unknown parameter accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown parameter \"sslmode\""), std::string::npos);
  }
  TempDir dir;
  const std::string missing = (dir.path() / "missing.db").string();
  EXPECT_THROW(Connect("sqlite://" + missing + "?mode=ro"), ConnectionError);
  EXPECT_FALSE(std::filesystem::exists(missing));

  const std::string garbage = (dir.path() / "garbage.db").string();
  std::ofstream(garbage) << std::string(4096, 'x');
  try {
    Connect("sqlite://" + garbage);
    FAIL() << "opened a file that is not a database";
  } catch (const ConnectionError& e) {
    EXPECT_NE(std::string(e.what()).find("not a database"), std::string::npos) << e.what();
  }
}

TEST(SqliteDriverTest, ReadOnlyMode) {
  TempDatabase db(Dialect::kSqlite);
  db.Connect()->Exec("CREATE TABLE t (a)");
  auto ro = Connect(db.url() + "?mode=ro");
  EXPECT_EQ(One(*ro, "SELECT count(*) FROM t"), "0");
  try {
    ro->Exec("INSERT INTO t VALUES (1)");
    FAIL() << "wrote through a read-only connection";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate, "SQLITE_READONLY");
  }
}

TEST(SqliteDriverTest, SqlErrorCarriesCodeMessageStatementAndPosition) {
  auto conn = Connect("sqlite://:memory:");
  try {
    conn->Exec("SELECT 1;\n  CREAT TABLE t (a)");
    FAIL() << "syntax error accepted";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate, "SQLITE_ERROR");
    EXPECT_EQ(e.server_message, "near \"CREAT\": syntax error");
    EXPECT_EQ(e.statement, "CREAT TABLE t (a)");
    EXPECT_EQ(e.position, 1);
    EXPECT_EQ(std::string(e.what()),
              "SQL logic error: near \"CREAT\": syntax error\n  statement: CREAT TABLE t (a)");
  }
  try {
    conn->Query("SELECT 'é', nosuch FROM (SELECT 1)");
    FAIL() << "unknown column accepted";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.server_message, "no such column: nosuch");
    EXPECT_EQ(e.position, 13);  // characters, not bytes
  }
}

TEST(SqliteDriverTest, ConstraintViolationsAreConstraintErrors) {
  auto conn = Connect("sqlite://:memory:");
  conn->Exec(
      "CREATE TABLE p (id INTEGER PRIMARY KEY, email TEXT UNIQUE);"
      "CREATE TABLE c (pid INTEGER REFERENCES p (id));"
      "INSERT INTO p VALUES (1, 'a')");
  try {
    conn->Exec("INSERT INTO p VALUES (2, 'a')");
    FAIL() << "duplicate accepted";
  } catch (const ConstraintError& e) {
    EXPECT_EQ(e.sqlstate, "SQLITE_CONSTRAINT_UNIQUE");
    EXPECT_EQ(e.server_message, "UNIQUE constraint failed: p.email");
    EXPECT_EQ(e.statement, "INSERT INTO p VALUES (2, 'a')");
  }
  try {
    conn->Exec("INSERT INTO c VALUES (7)");
    FAIL() << "dangling reference accepted";
  } catch (const ConstraintError& e) {
    EXPECT_EQ(e.sqlstate, "SQLITE_CONSTRAINT_FOREIGNKEY");
  }
}

TEST(SqliteDriverTest, ForeignKeyCheckWithViolationsFails) {
  auto conn = Connect("sqlite://:memory:?_fk=0");
  conn->Exec(
      "CREATE TABLE p (id INTEGER PRIMARY KEY);"
      "CREATE TABLE c (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p (id));"
      "PRAGMA foreign_key_check;"
      "INSERT INTO c VALUES (10, 7), (11, 8)");
  EXPECT_EQ(conn->Query("PRAGMA foreign_key_check").rows.size(), 2u);  // Query just returns rows
  try {
    conn->Exec("PRAGMA main.foreign_key_check");
    FAIL() << "violations passed";
  } catch (const ConstraintError& e) {
    EXPECT_EQ(e.sqlstate, "SQLITE_CONSTRAINT_FOREIGNKEY");
    EXPECT_NE(std::string(e.what()).find(
                  "row 10 of \"c\" references a missing row of \"p\" (2 violations)"),
              std::string::npos)
        << e.what();
  }
}

TEST(SqliteDriverTest, ScriptErrorsNameFileAndLine) {
  auto conn = Connect("sqlite://:memory:");
  const std::string script =
      "-- schema\n"
      "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
      "CREATE TRIGGER a_t AFTER INSERT ON a BEGIN\n"
      "  SELECT 1; SELECT 2;\n"
      "END;\n"
      "CREATE TABLE b (\n"
      "  id INTEGER PRIMARY KEY,\n"
      "  x INTEGER NOT NUL\n"
      ");\n";
  try {
    migrate::ExecScript(*conn, script, "schema.sql");
    FAIL() << "syntax error accepted";
  } catch (const SqlError& e) {
    EXPECT_EQ(std::string(e.what()),
              "schema.sql:8: SQL logic error: near \"NUL\": syntax error\n"
              "  statement: CREATE TABLE b (\n"
              "  id INTEGER PRIMARY KEY,\n"
              "  x INTEGER NOT NUL\n"
              ")");
    EXPECT_EQ(e.position, 60);
  }
  // Statements before the failure ran, trigger bodies included.
  EXPECT_EQ(One(*conn, "SELECT count(*) FROM sqlite_schema WHERE name IN ('a', 'a_t')"), "2");

  // Errors without an offset point at the statement's first line.
  try {
    migrate::ExecScript(*conn, "INSERT INTO a VALUES (1);\n\nINSERT INTO a VALUES (1);",
                        "data.sql");
    FAIL() << "duplicate key accepted";
  } catch (const ConstraintError& e) {
    EXPECT_EQ(std::string(e.what()).substr(0, 46),
              "data.sql:3: constraint failed: UNIQUE constrai");
  }
}

TEST(SqliteDriverTest, BusyTimeoutWaitsThenFails) {
  TempDatabase db(Dialect::kSqlite);
  auto holder = db.Connect();
  holder->Exec("CREATE TABLE t (a); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)");
  auto waiter = Connect(db.url() + "?_busy_timeout=50");
  try {
    waiter->Exec("INSERT INTO t VALUES (2)");
    FAIL() << "wrote while another connection held the lock";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate, "SQLITE_BUSY");
    EXPECT_NE(std::string(e.what()).find("database is locked"), std::string::npos);
  }
  holder->Exec("COMMIT");
  waiter->Exec("INSERT INTO t VALUES (2)");
  EXPECT_EQ(One(*waiter, "SELECT count(*) FROM t"), "2");
}

}  // namespace
}  // namespace strata
