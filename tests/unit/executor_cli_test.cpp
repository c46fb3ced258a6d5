// End-to-end tests of `strata migrate apply | down | status | set`: the real binary, as a user or
// a deployment runs it — concurrent processes, processes killed mid-file, and bad input.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "strata/migrate/state.hpp"
#include "support/cli.hpp"
#include "support/databases.hpp"
#include "support/migration_files.hpp"

namespace strata {
namespace {

using testing::CliResult;
using testing::Files;
using ::testing::HasSubstr;
using testing::Q;
using testing::QueryValue;
using testing::RunCommand;
using testing::Spawn;
using testing::Strata;
using testing::TableExists;
using testing::TempDatabase;
using testing::TempDir;
using testing::WriteMigrations;

// Versions 1..n: version 1 creates `log`; every version logs its number.
Files Logging(int n) {
  Files files;
  files.emplace_back("1_log.up.sql",
                     "CREATE TABLE log (v integer);\nINSERT INTO log VALUES (1);\n");
  files.emplace_back("1_log.down.sql", "DROP TABLE log;\n");
  for (int k = 2; k <= n; ++k) {
    files.emplace_back(
        fmt::format("{}_v{}.up.sql", k, k),
        fmt::format("CREATE TABLE t{} (id integer);\nINSERT INTO log VALUES ({});\n", k, k));
    files.emplace_back(fmt::format("{}_v{}.down.sql", k, k),
                       fmt::format("DROP TABLE t{};\nDELETE FROM log WHERE v = {};\n", k, k));
  }
  return files;
}

class ExecutorCliTest : public ::testing::TestWithParam<Dialect> {
 protected:
  ExecutorCliTest() : db_(GetParam()), conn_(db_.Connect()) {}
  std::string Flags() const { return fmt::format("--url {} --dir {}", Q(db_.url()), Q(Dir())); }
  std::string Dir() const { return "file://" + dir_.path().string(); }
  std::string Value(const std::string& sql) { return QueryValue(*conn_, sql); }

  TempDatabase db_;
  std::unique_ptr<Conn> conn_;
  TempDir dir_;
};

TEST_P(ExecutorCliTest, ApplyStatusDownSetPrintALinePerFileAndExitZero) {
  WriteMigrations(dir_.path(), Logging(3));
  // Each step runs on what the steps before it left; t3 is the table version 3 creates.
  const struct {
    std::string command;
    std::vector<std::string> says;  // in the output
    bool t3_after = false;
    std::function<void(const std::string& output)> more_checks;
  } steps[] = {
      {"migrate apply 2",
       {"applied 1_log.up.sql (version 1): 2 statements in", "applied 2_v2.up.sql (version 2)",
        "the database is at version 2"}},
      {"migrate status", {"PENDING", "next version:    3 (v3)"}},
      {"migrate apply --dry-run", {"CREATE TABLE t3 (id integer);"}},
      {"migrate apply --log json",
       {},
       true,
       [](const std::string& output) {
         const nlohmann::json j = nlohmann::json::parse(output);
         EXPECT_EQ(j["command"], "migrate apply");
         EXPECT_EQ(j["to"], "3");
         EXPECT_EQ(j["files"].size(), 1u);
         EXPECT_EQ(j["files"][0]["statements"], 2);
       }},
      {"migrate down", {"reverted 3_v3.down.sql"}},
      {"migrate set 3", {"recorded at version 3"}},  // records only: t3 stays absent
  };
  for (const auto& step : steps) {
    SCOPED_TRACE(step.command);
    const CliResult r = Strata(step.command + " " + Flags());
    ASSERT_EQ(r.status, 0) << r.output;
    for (const std::string& text : step.says) EXPECT_THAT(r.output, HasSubstr(text));
    EXPECT_EQ(TableExists(*conn_, "t3"), step.t3_after);
    if (step.more_checks) step.more_checks(r.output);
  }
}

TEST_P(ExecutorCliTest, TamperedSumIsRefusedAndNothingRuns) {
  WriteMigrations(dir_.path(), Logging(2));
  std::ofstream(dir_.path() / "2_v2.up.sql", std::ios::app) << "DROP TABLE log;\n";
  const CliResult r = Strata("migrate apply " + Flags());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("2_v2.up.sql"));
  EXPECT_THAT(r.output, HasSubstr("strata migrate hash"));
  EXPECT_FALSE(TableExists(*conn_, "log"));
}

TEST_P(ExecutorCliTest, MalformedFileNamesAreRefused) {
  WriteMigrations(dir_.path(), Logging(1));
  std::ofstream(dir_.path() / "two_oops.up.sql") << "CREATE TABLE x (id integer);\n";
  const CliResult r = Strata("migrate apply " + Flags());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("two_oops.up.sql"));
  EXPECT_FALSE(TableExists(*conn_, "log"));
}

TEST_P(ExecutorCliTest, DuplicateVersionsAreRefused) {
  Files files = Logging(1);
  files.emplace_back("1_other.up.sql", "CREATE TABLE x (id integer);\n");
  for (const auto& [name, text] : files) std::ofstream(dir_.path() / name) << text;
  const CliResult r = Strata("migrate apply " + Flags());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("1_other.up.sql"));
  EXPECT_FALSE(TableExists(*conn_, "log"));
}

TEST_P(ExecutorCliTest, MissingDirectoryIsAClearError) {
  const CliResult r = Strata(
      fmt::format("migrate apply --url {} --dir file:///nonexistent/migrations", Q(db_.url())));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("/nonexistent/migrations"));
}

TEST_P(ExecutorCliTest, SqlErrorNamesFileLineAndStatementAndLeavesNothingHalfApplied) {
  Files files = Logging(2);
  files.emplace_back("3_bad.up.sql",
                     "CREATE TABLE t3 (id integer);\n\n-- the next one fails\nINSERT INTO nowhere "
                     "VALUES (1);\n");
  WriteMigrations(dir_.path(), files);
  CliResult r = Strata("migrate apply " + Flags());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("3_bad.up.sql failed at line 4"));
  EXPECT_THAT(r.output, HasSubstr("INSERT INTO nowhere VALUES (1)"));
  EXPECT_THAT(r.output, HasSubstr("strata migrate status"));
  EXPECT_FALSE(TableExists(*conn_, "t3")) << "the failing file was half-applied";
  EXPECT_EQ(Value("SELECT count(*) FROM log"), "2");
  r = Strata("migrate status " + Flags());
  EXPECT_THAT(r.output, HasSubstr("DIRTY"));
  EXPECT_THAT(r.output, HasSubstr("3_bad.up.sql"));
}

TEST_P(ExecutorCliTest, NonCleanDatabaseWithoutBaselineIsRefused) {
  // The database already has what version 1 creates, plus a table of its own.
  conn_->Exec("CREATE TABLE legacy (id integer)");
  conn_->Exec("CREATE TABLE log (v integer)");
  WriteMigrations(dir_.path(), Logging(2));
  CliResult r = Strata("migrate apply " + Flags());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("legacy"));
  EXPECT_THAT(r.output, HasSubstr("--baseline VERSION"));
  EXPECT_FALSE(TableExists(*conn_, "t2"));
  EXPECT_FALSE(TableExists(*conn_, "strata_schema_revisions"));
  r = Strata("migrate apply --baseline 1 " + Flags());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("baseline: 1 version up to 1"));
  EXPECT_TRUE(TableExists(*conn_, "t2"));
  EXPECT_EQ(Value("SELECT count(*) FROM log"), "1") << "the baseline version ran";
}

TEST_P(ExecutorCliTest, UsageErrorsExitTwo) {
  WriteMigrations(dir_.path(), Logging(1));
  EXPECT_EQ(Strata("migrate apply --tx-mode sometimes " + Flags()).status, 2);
  EXPECT_EQ(Strata("migrate apply --lock-timeout soon " + Flags()).status, 2);
  for (const char* bad : {"inf", "nan", "1e300h", "-1s", "8d"}) {
    const CliResult r = Strata(std::string("migrate apply --lock-timeout ") + bad + " " + Flags());
    EXPECT_EQ(r.status, 2) << bad << ": " << r.output;
    EXPECT_THAT(r.output, HasSubstr("--lock-timeout")) << bad;
  }
  EXPECT_EQ(Strata("migrate apply --dir " + Q(Dir())).status, 2) << "no --url";
}

TEST_P(ExecutorCliTest, HandEditedTrackingVersionIsExplainedAndSetRepairsIt) {
  WriteMigrations(dir_.path(), Logging(3));
  ASSERT_EQ(Strata("migrate apply " + Flags()).status, 0);
  conn_->Exec("UPDATE schema_migrations SET version = 7");
  CliResult r = Strata("migrate status " + Flags());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("no migration found for version 7"));
  EXPECT_THAT(r.output, HasSubstr("strata migrate set"));
  EXPECT_EQ(Strata("migrate apply " + Flags()).status, 1);
  ASSERT_EQ(Strata("migrate set 3 " + Flags()).status, 0);
  r = Strata("migrate status " + Flags());
  EXPECT_THAT(r.output, HasSubstr("Migration status: OK"));
  EXPECT_EQ(Strata("migrate apply " + Flags()).status, 0);
}

// After `migrate apply` the database holds strata_schema_revisions and schema_migrations; they
// belong to the tools, so inspecting and diffing the database must not see them.
TEST_P(ExecutorCliTest, TrackingTablesAreNotPartOfTheSchema) {
  WriteMigrations(dir_.path(), Logging(2));
  ASSERT_EQ(Strata("migrate apply " + Flags()).status, 0);
  ASSERT_TRUE(TableExists(*conn_, "schema_migrations"));
  ASSERT_TRUE(TableExists(*conn_, "strata_schema_revisions"));

  CliResult r = Strata("schema inspect --format json --url " + Q(db_.url()));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("\"t2\""));
  EXPECT_THAT(r.output, ::testing::Not(HasSubstr("schema_migrations")));
  EXPECT_THAT(r.output, ::testing::Not(HasSubstr("strata_schema_revisions")));

  TempDatabase dev(GetParam());
  std::ofstream(dir_.path() / "schema.sql")
      << "CREATE TABLE log (v integer);\nCREATE TABLE t2 (id integer);\n";
  r = Strata("schema diff --from " + Q(db_.url()) + " --to " +
             Q("file://" + (dir_.path() / "schema.sql").string()) + " --dev-url " + Q(dev.url()));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("Schemas are synced"));

  TempDir fresh;
  r = Strata("migrate diff init --to " + Q(db_.url()) + " --dev-url " + Q(dev.url()) + " --dir " +
             Q("file://" + fresh.path().string()));
  ASSERT_EQ(r.status, 0) << r.output;
  std::string written;
  for (const auto& entry : std::filesystem::directory_iterator(fresh.path())) {
    std::ifstream in(entry.path());
    written.append(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_THAT(written, HasSubstr("t2"));
  EXPECT_THAT(written, ::testing::Not(HasSubstr("schema_migrations")));
  EXPECT_THAT(written, ::testing::Not(HasSubstr("strata_schema_revisions")));
}

// Only a schema_migrations shaped as golang-migrate's is a tracking table: a user's table of that
// name stays part of the schema.
TEST_P(ExecutorCliTest, AUserTableNamedSchemaMigrationsIsKept) {
  conn_->Exec("CREATE TABLE schema_migrations (version bigint, dirty boolean, note text)");
  const schema::Realm realm = migrate::Inspect(*conn_);
  ASSERT_EQ(realm.schemas.size(), 1u);
  ASSERT_EQ(realm.schemas[0].tables.size(), 1u);
  EXPECT_EQ(realm.schemas[0].tables[0].name, "schema_migrations");
  WriteMigrations(dir_.path(), Logging(1));
  const CliResult r = Strata("migrate apply " + Flags());
  EXPECT_EQ(r.status, 1) << "a database holding a user table is not clean";
  EXPECT_THAT(r.output, HasSubstr(".\"schema_migrations\""));
}

// Starts `processes` runs of `strata migrate apply <flags>` at once on 20 files and checks that
// every file was applied exactly once, by one of them, and that all exit 0.
void ExpectConcurrentRunsApplyEachFileOnce(const std::filesystem::path& dir,
                                           const std::string& flags, int processes, Conn& conn) {
  WriteMigrations(dir, Logging(20));
  std::string script;
  for (int i = 0; i < processes; ++i) {
    script += fmt::format("( {} migrate apply {} >{}/out{} 2>&1; echo $? >{}/rc{} ) &\n",
                          STRATA_CLI, flags, dir.string(), i, dir.string(), i);
  }
  script += "wait\n";
  std::ofstream(dir / "run.sh") << script;
  std::string output;
  ASSERT_EQ(RunCommand("sh " + (dir / "run.sh").string(), &output), 0) << output;
  int applied_lines = 0;
  for (int i = 0; i < processes; ++i) {
    std::string rc, out;
    std::ifstream(dir / fmt::format("rc{}", i)) >> rc;
    std::ifstream in(dir / fmt::format("out{}", i));
    out.assign(std::istreambuf_iterator<char>(in), {});
    EXPECT_EQ(rc, "0") << "process " << i << ":\n" << out;
    for (size_t at = 0; (at = out.find("  applied ", at)) != std::string::npos; ++at) {
      ++applied_lines;
    }
  }
  EXPECT_EQ(applied_lines, 20) << "files were applied more than once, or not at all";
  EXPECT_EQ(QueryValue(conn, "SELECT count(*) FROM log"), "20");
  EXPECT_EQ(QueryValue(conn, "SELECT count(DISTINCT v) FROM log"), "20");
  EXPECT_EQ(QueryValue(conn,
                       "SELECT count(*) FROM strata_schema_revisions WHERE error IS NULL "
                       "AND execution_time IS NOT NULL AND applied = total"),
            "20");
  EXPECT_EQ(QueryValue(conn, "SELECT count(*) FROM schema_migrations"), "1");
}

TEST_P(ExecutorCliTest, ConcurrentProcessesApplyEachFileExactlyOnce) {
  ExpectConcurrentRunsApplyEachFileOnce(dir_.path(), Flags(),
                                        GetParam() == Dialect::kPostgres ? 8 : 4, *conn_);
}

TEST_P(ExecutorCliTest, TableLockStrategyExcludesConcurrentRunsOnPostgresOnly) {
  if (GetParam() == Dialect::kSqlite) {
    // SQLite always locks a file: asking for the table strategy is a mistake worth saying.
    WriteMigrations(dir_.path(), Logging(2));
    const CliResult r = Strata("migrate apply --lock-strategy table " + Flags());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_THAT(r.output, HasSubstr("the table lock strategy is for PostgreSQL"));
    EXPECT_FALSE(TableExists(*conn_, "log"));
    return;
  }
  ExpectConcurrentRunsApplyEachFileOnce(dir_.path(), "--lock-strategy table " + Flags(), 8, *conn_);
  // The lock row is gone, and the table stays out of the schema strata shows.
  EXPECT_EQ(Value("SELECT count(*) FROM strata_schema_lock"), "0");
  const CliResult inspect = Strata("schema inspect --url " + Q(db_.url()));
  EXPECT_EQ(inspect.status, 0) << inspect.output;
  EXPECT_THAT(inspect.output, ::testing::Not(HasSubstr("strata_schema_lock")));
}

TEST_P(ExecutorCliTest, LockStrategyComesFromStrataToml) {
  if (GetParam() == Dialect::kSqlite) {
    // On SQLite the table strategy is refused wherever it comes from.
    WriteMigrations(dir_.path(), Logging(1));
    std::ofstream(dir_.path() / "strata.toml") << "[env.ci.migration]\nlock = \"table\"\n";
    const CliResult r = Strata("migrate apply --config " +
                               Q((dir_.path() / "strata.toml").string()) + " --env ci " + Flags());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_THAT(r.output, HasSubstr("the table lock strategy is for PostgreSQL"));
    return;
  }
  WriteMigrations(dir_.path(), Logging(2));
  const std::string config = (dir_.path() / "strata.toml").string();
  std::ofstream(config) << "[env.ci.migration]\nlock = \"tabel\"\n";
  const CliResult bad = Strata("migrate apply --config " + Q(config) + " --env ci " + Flags());
  EXPECT_EQ(bad.status, 1) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("[env.ci.migration] lock must be \"advisory\" or \"table\""));
  EXPECT_FALSE(TableExists(*conn_, "log"));

  std::ofstream(config) << "[env.ci.migration]\nlock = \"table\"\n";
  const CliResult r = Strata("migrate apply --config " + Q(config) + " --env ci " + Flags());
  EXPECT_EQ(r.status, 0) << r.output;
  // Only the table strategy creates its table.
  EXPECT_EQ(Value("SELECT to_regclass('strata_schema_lock') IS NOT NULL"), "t");
}

// Through PgBouncer in transaction pooling mode, where each transaction may run on another server
// connection and session advisory locks cannot work, the table lock keeps concurrent runs apart.
TEST(ExecutorPgBouncerTest, TableLockKeepsRunsApartThroughTransactionPooling) {
  const char* bouncer = std::getenv("STRATA_TEST_PGBOUNCER_URL");
  ASSERT_NE(bouncer, nullptr) << "STRATA_TEST_PGBOUNCER_URL is not set: run the tests with "
                                 "scripts/with-postgres (make test)";
  TempDatabase db(Dialect::kPostgres);
  Url url = Url::Parse(bouncer);
  url.database = Url::Parse(db.url()).database;
  TempDir dir;
  auto conn = db.Connect();
  const std::string flags =
      "--url " + Q(url.ToString()) + " --dir " + Q("file://" + dir.path().string());
  ExpectConcurrentRunsApplyEachFileOnce(dir.path(), "--lock-strategy table " + flags, 6, *conn);
  // The inspector's single request (its own transaction) goes through the pool as well.
  const CliResult inspect = Strata("schema inspect --url " + Q(url.ToString()));
  EXPECT_EQ(inspect.status, 0) << inspect.output;
  EXPECT_THAT(inspect.output, HasSubstr("CREATE TABLE \"public\".\"log\""));
  const CliResult status = Strata("migrate status " + flags);
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_THAT(status.output, HasSubstr("The database is up to date."));
  const CliResult down = Strata("migrate down 2 --lock-strategy table " + flags);
  EXPECT_EQ(down.status, 0) << down.output;
  EXPECT_EQ(QueryValue(*conn, "SELECT count(*) FROM log"), "18");
  const CliResult set = Strata("migrate set 20 --lock-strategy table " + flags);
  EXPECT_EQ(set.status, 0) << set.output;
  EXPECT_EQ(QueryValue(*conn, "SELECT version FROM schema_migrations"), "20");
  EXPECT_EQ(QueryValue(*conn, "SELECT count(*) FROM strata_schema_lock"), "0");
}

std::string DialectParamName(const ::testing::TestParamInfo<Dialect>& info) {
  return std::string(DialectName(info.param));
}

INSTANTIATE_TEST_SUITE_P(Executor, ExecutorCliTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kSqlite), DialectParamName);

// Kills `strata migrate apply` with SIGKILL once its session runs pg_sleep, then ends the orphaned
// server session (the server would notice the dead client only when the sleep ends).
void KillDuringSleep(Conn& conn, const TempDatabase& db, const TempDir& dir) {
  const pid_t pid = Spawn(fmt::format("{} migrate apply --url '{}' --dir '{}' >/dev/null 2>&1",
                                      STRATA_CLI, db.url(), dir.path().string()));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (QueryValue(conn, "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db.name() +
                              "' AND query LIKE 'SELECT pg_sleep%' AND state = 'active'") != "1") {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the sleep never started";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  conn.Query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid "
      "<> pg_backend_pid()",
      {db.name()});
  while (QueryValue(conn, "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db.name() +
                              "' AND pid <> pg_backend_pid()") != "0") {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// A PostgreSQL database on which `migrate apply` was killed in version 2, 2_long.up.sql.
class ExecutorFaultTest : public ::testing::Test {
 protected:
  ExecutorFaultTest() : conn_(db_.Connect()) {}

  // Writes version 1 and version 2 = `long_sql`, which must sleep, and kills the run in the sleep.
  void KillInVersion2(const std::string& long_sql) {
    files_ = Logging(1);
    files_.emplace_back("2_long.up.sql", long_sql);
    WriteMigrations(dir_.path(), files_);
    KillDuringSleep(*conn_, db_, dir_);
  }
  std::string Flags() const {
    return fmt::format("--url '{}' --dir '{}'", db_.url(), dir_.path().string());
  }

  TempDatabase db_{Dialect::kPostgres};
  std::unique_ptr<Conn> conn_;
  TempDir dir_;
  Files files_;
};

TEST_F(ExecutorFaultTest, KilledInANoTxFileLeavesADirtyStateStatusExplainsAndARerunCompletes) {
  KillInVersion2(
      "-- strata:txmode none\n"
      "CREATE TABLE k1 (id integer);\n"
      "SELECT pg_sleep(3);\n"
      "CREATE TABLE k2 (id integer);\n");
  CliResult r = Strata("migrate status " + Flags());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("DIRTY"));
  EXPECT_THAT(r.output, HasSubstr("was interrupted"));
  EXPECT_THAT(r.output, HasSubstr("resumes at statement 2 (line 3)"));
  EXPECT_EQ(QueryValue(*conn_, "SELECT dirty FROM schema_migrations"), "t");
  EXPECT_TRUE(TableExists(*conn_, "k1"));

  r = Strata("migrate apply " + Flags());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("resumed after 1 already applied"));
  EXPECT_TRUE(TableExists(*conn_, "k2"));
  EXPECT_THAT(Strata("migrate status " + Flags()).output, HasSubstr("Migration status: OK"));
  EXPECT_EQ(QueryValue(*conn_, "SELECT version || '/' || dirty FROM schema_migrations"), "2/false");
}

TEST_F(ExecutorFaultTest, KilledInATransactionalFileIsRolledBackAndARerunCompletes) {
  KillInVersion2(
      "CREATE TABLE k1 (id integer);\n"
      "SELECT pg_sleep(30);\n");
  CliResult r = Strata("migrate status " + Flags());
  EXPECT_THAT(r.output, HasSubstr("DIRTY"));
  EXPECT_THAT(r.output, HasSubstr("rolled back by the server"));
  EXPECT_FALSE(TableExists(*conn_, "k1"));

  files_.back().second = "CREATE TABLE k1 (id integer);\nSELECT pg_sleep(0.1);\n";
  WriteMigrations(dir_.path(), files_);
  r = Strata("migrate apply " + Flags());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(TableExists(*conn_, "k1"));
  EXPECT_THAT(Strata("migrate status " + Flags()).output, HasSubstr("Migration status: OK"));
}

}  // namespace
}  // namespace strata
