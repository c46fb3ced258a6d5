// End-to-end tests of `strata schema …`: the real binary, driven as a user would, on real SQLite
// and PostgreSQL databases.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "strata/migrate/changes.hpp"
#include "strata/migrate/state.hpp"
#include "support/cli.hpp"
#include "support/databases.hpp"

namespace strata {
namespace {

using testing::CliResult;
using testing::Q;
using testing::Strata;
using testing::TempDatabase;
using testing::TempDir;

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

class CliSchemaTest : public ::testing::TestWithParam<Dialect> {};

TEST_P(CliSchemaTest, ApplyDiffInspectClean) {
  TempDatabase db(GetParam());
  TempDatabase dev(GetParam());
  TempDir dir;
  WriteFile(
      dir.path() / "v1.sql",
      "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);\n"
      "CREATE TABLE pets (id integer PRIMARY KEY, owner_id integer REFERENCES users (id));\n");
  WriteFile(
      dir.path() / "v2.sql",
      "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, email text);\n"
      "CREATE UNIQUE INDEX users_email ON users (email);\n"
      "CREATE TABLE pets (id integer PRIMARY KEY, owner_id integer REFERENCES users (id));\n");
  const std::string v1 = Q("file://" + (dir.path() / "v1.sql").string());
  const std::string v2 = Q("file://" + (dir.path() / "v2.sql").string());
  const std::string common = " --url " + Q(db.url()) + " --dev-url " + Q(dev.url());

  // Without a terminal and without --auto-approve nothing is applied, and the exit is not 0.
  CliResult refused = Strata("schema apply" + common + " --to " + v1);
  EXPECT_EQ(refused.status, 1) << refused.output;
  EXPECT_NE(refused.output.find("--auto-approve"), std::string::npos) << refused.output;
  {
    auto conn = db.Connect();
    EXPECT_TRUE(migrate::Inspect(*conn).schemas.empty() ||
                migrate::Inspect(*conn).schemas[0].tables.empty());
  }

  CliResult applied = Strata("schema apply" + common + " --to " + v1 + " --auto-approve");
  ASSERT_EQ(applied.status, 0) << applied.output;
  EXPECT_NE(applied.output.find("create \"users\" table"), std::string::npos) << applied.output;

  CliResult dry = Strata("schema apply" + common + " --to " + v2 + " --dry-run");
  ASSERT_EQ(dry.status, 0) << dry.output;
  EXPECT_NE(dry.output.find("modify \"users\" table"), std::string::npos) << dry.output;

  CliResult diff =
      Strata("schema diff --from " + Q(db.url()) + " --to " + v2 + " --dev-url " + Q(dev.url()));
  ASSERT_EQ(diff.status, 0) << diff.output;
  EXPECT_NE(diff.output.find("users_email"), std::string::npos) << diff.output;

  ASSERT_EQ(Strata("schema apply" + common + " --to " + v2 + " --auto-approve").status, 0);
  CliResult synced =
      Strata("schema diff --from " + Q(db.url()) + " --to " + v2 + " --dev-url " + Q(dev.url()));
  EXPECT_EQ(synced.status, 0);
  EXPECT_NE(synced.output.find("Schemas are synced"), std::string::npos) << synced.output;

  // The SQL inspect output recreates an equal schema on an empty database.
  CliResult sql = Strata("schema inspect --url " + Q(db.url()));
  ASSERT_EQ(sql.status, 0) << sql.output;
  WriteFile(dir.path() / "inspected.sql", sql.output);
  CliResult same =
      Strata("schema diff --from " + Q(db.url()) + " --to " +
             Q("file://" + (dir.path() / "inspected.sql").string()) + " --dev-url " + Q(dev.url()));
  EXPECT_NE(same.output.find("Schemas are synced"), std::string::npos) << same.output << sql.output;

  CliResult json = Strata("schema inspect --format json --url " + Q(db.url()));
  ASSERT_EQ(json.status, 0);
  EXPECT_NE(json.output.find("\"name\": \"users\""), std::string::npos) << json.output;
  CliResult mermaid = Strata("schema inspect --format mermaid --url " + Q(db.url()));
  ASSERT_EQ(mermaid.status, 0);
  EXPECT_NE(mermaid.output.find("users |o--o{ pets"), std::string::npos) << mermaid.output;

  ASSERT_EQ(Strata("schema clean --auto-approve --url " + Q(db.url())).status, 0);
  auto conn = db.Connect();
  EXPECT_NO_THROW(migrate::RequireClean(*conn, "cleaned"));
}

TEST_P(CliSchemaTest, LogJsonPrintsOneObjectPerCommand) {
  TempDatabase db(GetParam());
  TempDatabase dev(GetParam());
  TempDir dir;
  WriteFile(dir.path() / "schema.sql", "CREATE TABLE users (id integer PRIMARY KEY, name text);\n");
  const std::string to = " --to " + Q("file://" + (dir.path() / "schema.sql").string());
  const std::string dev_url = " --dev-url " + Q(dev.url());

  CliResult diff = Strata("schema diff --from " + Q(db.url()) + to + dev_url + " --log json");
  ASSERT_EQ(diff.status, 0) << diff.output;
  const auto plan = nlohmann::json::parse(diff.output);
  EXPECT_EQ(plan["command"], "schema diff");
  EXPECT_EQ(plan["in_sync"], false);
  ASSERT_EQ(plan["statements"].size(), 1u) << diff.output;
  EXPECT_EQ(plan["statements"][0]["comment"], "create \"users\" table");
  EXPECT_EQ(plan["reverse"][0]["comment"], "drop \"users\" table");

  CliResult apply =
      Strata("schema apply --url " + Q(db.url()) + to + dev_url + " --auto-approve --log json");
  ASSERT_EQ(apply.status, 0) << apply.output;
  const auto applied = nlohmann::json::parse(apply.output);
  EXPECT_EQ(applied["applied"], true);
  EXPECT_EQ(applied["statements"].size(), 1u);

  const std::string migrations = " --dir " + Q("file://" + (dir.path() / "migrations").string());
  CliResult written = Strata("migrate diff init" + to + dev_url + migrations + " --log json");
  ASSERT_EQ(written.status, 0) << written.output;
  const auto result = nlohmann::json::parse(written.output);
  EXPECT_EQ(result["in_sync"], false);
  EXPECT_EQ(result["files"].size(), 2u);
  EXPECT_FALSE(result["version"].get<std::string>().empty());
  EXPECT_GT(result["ms"]["total"].get<double>(), 0);

  CliResult synced = Strata("schema diff --from " + Q(db.url()) + to + dev_url + " --log json");
  ASSERT_EQ(synced.status, 0) << synced.output;
  EXPECT_EQ(nlohmann::json::parse(synced.output)["in_sync"], true);

  // A failure is an object too (and the message on stderr, here mixed in), exit 1.
  CliResult failed = Strata("schema diff --from " + Q(db.url()) +
                            " --to file:///no/such/schema.sql" + dev_url + " --log json");
  EXPECT_EQ(failed.status, 1);
  const size_t open = failed.output.find('{'), close = failed.output.rfind('}');
  ASSERT_NE(open, std::string::npos) << failed.output;
  const auto error = nlohmann::json::parse(failed.output.substr(open, close - open + 1));
  EXPECT_EQ(error["command"], "schema diff");
  EXPECT_NE(error["error"].get<std::string>().find("does not exist"), std::string::npos);
}

// Colour only on a terminal (script(1) gives the command one), and never with NO_COLOR.
TEST(CliOutputTest, ColourOnlyOnATerminal) {
  TempDir dir;
  WriteFile(dir.path() / "schema.sql", "CREATE TABLE users (id integer PRIMARY KEY);\n");
  const std::string diff = std::string(STRATA_CLI) + " schema diff --from sqlite://" +
                           (dir.path() / "a.db").string() + " --to file://" +
                           (dir.path() / "schema.sql").string() + " --dev-url sqlite://:memory:";
  const std::string missing = std::string(STRATA_CLI) + " schema diff --from sqlite://" +
                              (dir.path() / "a.db").string() +
                              " --to file:///no/such.sql --dev-url sqlite://:memory:";
  std::string out;
  testing::RunCommand("script -qec " + Q(diff) + " /dev/null", &out);
  EXPECT_NE(out.find("\033[2m-- create \"users\" table\033[0m"), std::string::npos) << out;
  testing::RunCommand("script -qec " + Q(missing) + " /dev/null", &out);
  EXPECT_NE(out.find("\033[1;31mError:\033[0m"), std::string::npos) << out;
  testing::RunCommand("NO_COLOR=1 script -qec " + Q(diff) + " /dev/null", &out);
  EXPECT_EQ(out.find('\033'), std::string::npos) << out;
  testing::RunCommand(diff, &out);  // a pipe
  EXPECT_EQ(out.find('\033'), std::string::npos) << out;
  EXPECT_NE(out.find("-- create \"users\" table"), std::string::npos) << out;
}

TEST_P(CliSchemaTest, SqlErrorInStateFileNamesFileLineAndLeavesDevClean) {
  TempDatabase db(GetParam());
  TempDatabase dev(GetParam());
  TempDir dir;
  WriteFile(dir.path() / "bad.sql",
            "CREATE TABLE a (id integer);\n\nCREATE TABLE b (id integer, nosuch integer, nosuch "
            "text);\n");
  CliResult r = Strata("schema apply --auto-approve --url " + Q(db.url()) + " --dev-url " +
                       Q(dev.url()) + " --to " + Q("file://" + (dir.path() / "bad.sql").string()));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("bad.sql:3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("nosuch"), std::string::npos) << r.output;
  auto dev_conn = dev.Connect();
  EXPECT_NO_THROW(migrate::RequireClean(*dev_conn, "dev"));
  auto db_conn = db.Connect();
  EXPECT_NO_THROW(migrate::RequireClean(*db_conn, "target"));
}

TEST_P(CliSchemaTest, DirtyDevDatabaseIsRefused) {
  TempDatabase dev(GetParam());
  dev.Connect()->Exec("CREATE TABLE leftover (id integer)");
  TempDir dir;
  WriteFile(dir.path() / "s.sql", "CREATE TABLE a (id integer);\n");
  CliResult r =
      Strata("schema diff --from " + Q(dev.url()) + " --to " +
             Q("file://" + (dir.path() / "s.sql").string()) + " --dev-url " + Q(dev.url()));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("not clean"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("leftover"), std::string::npos) << r.output;
}

INSTANTIATE_TEST_SUITE_P(Dialects, CliSchemaTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kSqlite),
                         [](const auto& info) { return std::string(DialectName(info.param)); });

// A target scoped to a schema (search_path=public) and a dev database URL without a scope: the
// dev side is inspected with the target's scope, so that type names and expressions read alike
// (`mood`, not `public.mood`) and a schema just applied diffs as synced.
TEST(CliScopeTest, ScopedTargetAndUnscopedDevCompareAlike) {
  TempDatabase db(Dialect::kPostgres, "public");
  TempDatabase dev(Dialect::kPostgres);
  TempDir dir;
  WriteFile(
      dir.path() / "schema.sql",
      "CREATE TYPE mood AS ENUM ('sad', 'ok');\n"
      "CREATE TABLE people (id serial PRIMARY KEY, m mood NOT NULL DEFAULT 'ok', "
      "tags mood[], CHECK (m <> 'sad'::mood));\n"
      "CREATE TABLE pets (id bigserial PRIMARY KEY, owner integer REFERENCES people (id));\n");
  const std::string schema = Q("file://" + (dir.path() / "schema.sql").string());
  const std::string target = " --url " + Q(db.url()) + " --dev-url " + Q(dev.url());

  CliResult r = Strata("schema apply --auto-approve" + target + " --to " + schema);
  ASSERT_EQ(r.status, 0) << r.output;
  // What the CLI avoids: normalized on the unscoped dev database, the desired state names its
  // types qualified (public.mood) and differs from the scoped target.
  {
    auto dev_conn = dev.Connect();
    auto db_conn = db.Connect();
    const schema::Realm desired =
        migrate::LoadState("file://" + (dir.path() / "schema.sql").string(), dev_conn.get());
    EXPECT_FALSE(migrate::Diff(migrate::Inspect(*db_conn), desired).empty());
  }
  r = Strata("schema apply --dry-run" + target + " --to " + schema);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Schemas are synced"), std::string::npos) << r.output;
  r = Strata("schema diff --from " + Q(db.url()) + " --to " + schema + " --dev-url " +
             Q(dev.url()));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Schemas are synced"), std::string::npos) << r.output;

  // The same database, once scoped and once whole.
  Url whole = Url::Parse(db.url());
  whole.params.erase("search_path");
  r = Strata("schema diff --from " + Q(db.url()) + " --to " + Q(whole.ToString()));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Schemas are synced"), std::string::npos) << r.output;

  // A migration directory written from the scoped database replays to it on the dev database.
  TempDir migrations;
  const std::string diff = "migrate diff --to " + Q(db.url()) + " --dev-url " + Q(dev.url()) +
                           " --dir " + Q("file://" + migrations.path().string());
  r = Strata(diff + " init");
  ASSERT_EQ(r.status, 0) << r.output;
  r = Strata(diff + " again");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("in sync"), std::string::npos) << r.output;
}

TEST(CliErrorsTest, BadUrlsAndServers) {
  CliResult unsupported = Strata("schema inspect --url 'mysql://root:hunter2@localhost/db'");
  EXPECT_EQ(unsupported.status, 1);
  EXPECT_NE(unsupported.output.find("unsupported database URL scheme"), std::string::npos);
  EXPECT_EQ(unsupported.output.find("hunter2"), std::string::npos) << unsupported.output;

  CliResult malformed = Strata("schema inspect --url 'localhost:5432'");
  EXPECT_EQ(malformed.status, 1);
  EXPECT_NE(malformed.output.find("cannot read database URL"), std::string::npos)
      << malformed.output;

  // A port nothing listens on: unreachable server.
  CliResult unreachable =
      Strata("schema inspect --url 'postgres://u:hunter2@127.0.0.1:1/db?sslmode=disable'");
  EXPECT_EQ(unreachable.status, 1);
  EXPECT_NE(unreachable.output.find("127.0.0.1"), std::string::npos) << unreachable.output;
  EXPECT_EQ(unreachable.output.find("hunter2"), std::string::npos) << unreachable.output;

  // Wrong password for a real role on the test cluster.
  auto admin = Connect(testing::PostgresAdminUrl());
  admin->Exec(
      "DROP ROLE IF EXISTS strata_cli_user; "
      "CREATE ROLE strata_cli_user LOGIN PASSWORD 'right-password'");
  Url url = Url::Parse(testing::PostgresAdminUrl());
  url.user = "strata_cli_user";
  url.password = "wrong-password";
  CliResult denied = Strata("schema inspect --url " + Q(url.ToString()));
  EXPECT_EQ(denied.status, 1);
  EXPECT_NE(denied.output.find("password authentication failed"), std::string::npos)
      << denied.output;
  EXPECT_EQ(denied.output.find("wrong-password"), std::string::npos) << denied.output;

  CliResult usage = Strata("schema inspect --no-such-flag");
  EXPECT_EQ(usage.status, 2) << usage.output;
  CliResult missing = Strata("schema inspect");
  EXPECT_EQ(missing.status, 2) << missing.output;
}

}  // namespace
}  // namespace strata
