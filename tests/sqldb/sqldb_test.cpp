// The sqldb run time (strata/sqldb.hpp) on real PostgreSQL and SQLite: declarations and their
// errors, Open (resolve, migrate, the one-round-trip check, recovery from a failed file, several
// processes at once), the handles, embedded migrations and test databases.
#include "strata/sqldb.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "sqldb/cluster.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/migrate/executor.hpp"
#include "support/databases.hpp"
#include "support/migration_files.hpp"

namespace strata {
namespace {

namespace fs = std::filesystem;
using strata::testing::QueryValue;
using strata::testing::TempDatabase;
using strata::testing::TempDir;
using strata::testing::WriteMigrations;
using ::testing::HasSubstr;

// Sets an environment variable for the scope of a test.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::string& value) : name_(std::move(name)) {
    ::setenv(name_.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name_.c_str()); }

 private:
  std::string name_;
};

// Runs a test from another working directory (Open looks for strata.toml and .strata/ there).
class ScopedCwd {
 public:
  explicit ScopedCwd(const fs::path& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~ScopedCwd() { fs::current_path(old_); }

 private:
  fs::path old_;
};

std::string EnvName(const std::string& name) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "STRATA_DB_" + upper + "_URL";
}

// A name no other test declares: the registry lives as long as the process.
std::string UniqueName(std::string_view base) {
  static std::atomic<int> counter{0};
  return fmt::format("{}_{}_{}", base, ::getpid(), counter++);
}

const testing::Files kThreeFiles = {
    {"1_users.up.sql", "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);\n"},
    {"1_users.down.sql", "DROP TABLE users;\n"},
    {"2_pets.up.sql", "CREATE TABLE pets (id integer PRIMARY KEY, owner integer);\n"},
    {"2_pets.down.sql", "DROP TABLE pets;\n"},
    {"3_seed.up.sql", "INSERT INTO users (id, name) VALUES (1, 'a');\n"},
};

std::string Count(Conn& conn, const std::string& table) {
  return QueryValue(conn, "SELECT count(*) FROM " + table);
}

// ---- declarations ---------------------------------------------------------------------------

TEST(SqldbDeclareTest, BadNameIsReportedAtFirstUseWithTheDeclaringLine) {
  const int line = __LINE__ + 1;
  sqldb::Database& db = sqldb::NewDatabase("User-DB");  // never throws: static initialisation
  try {
    db.Open();
    FAIL() << "Open accepted a bad name";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("\"User-DB\""));
    EXPECT_THAT(e.what(), HasSubstr(fmt::format("sqldb_test.cpp:{}", line)));
    EXPECT_THAT(e.what(), HasSubstr("lower snake_case"));
  }
  EXPECT_THROW(db.Driver(), InputError);
  EXPECT_THROW(db.ConnString(), InputError);
  EXPECT_THROW(sqldb::NewDatabase(std::string(64, 'a')).Open(), InputError);
}

TEST(SqldbDeclareTest, SameNameWithOtherSettingsIsRefusedNamingBothDeclarations) {
  TempDir dir;
  WriteMigrations(dir.path() / "a", kThreeFiles);
  WriteMigrations(dir.path() / "b", kThreeFiles);
  const std::string name = UniqueName("twice");
  const int first = __LINE__ + 1;
  sqldb::Database& a = sqldb::NewDatabase(name, {.migrations = (dir.path() / "a").string()});
  sqldb::Database& same = sqldb::NewDatabase(name, {.migrations = (dir.path() / "a").string()});
  EXPECT_EQ(&a, &same);
  EXPECT_EQ(&sqldb::Named(name), &a);
  const int second = __LINE__ + 1;
  sqldb::Database& b = sqldb::NewDatabase(name, {.migrations = (dir.path() / "b").string()});
  EXPECT_EQ(&a, &b);
  try {
    a.Open();
    FAIL() << "Open accepted two declarations with different settings";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("declared twice with different settings: migrations"));
    EXPECT_THAT(e.what(), HasSubstr(fmt::format("sqldb_test.cpp:{}", first)));
    EXPECT_THAT(e.what(), HasSubstr(fmt::format("sqldb_test.cpp:{}", second)));
  }
  const std::string pool = UniqueName("pool");
  sqldb::NewDatabase(pool, {.pool = {.max_connections = 2}});
  EXPECT_THAT([&] { sqldb::NewDatabase(pool, {.pool = {.max_connections = 3}}).Open(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("pool.max_connections 2 and 3")));
}

TEST(SqldbDeclareTest, MissingMigrationsFolderNamesTheDeclarationAndTheFolder) {
  TempDir dir;
  const std::string name = UniqueName("nofolder");
  ScopedEnv env(EnvName(name), "sqlite://" + (dir.path() / "x.db").string());
  const int line = __LINE__ + 1;
  sqldb::Database& db = sqldb::NewDatabase(name, {.migrations = "./no_such_migrations"});
  try {
    db.Open();
    FAIL() << "Open accepted a missing folder";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no_such_migrations does not exist"));
    EXPECT_THAT(e.what(), HasSubstr(fmt::format("sqldb_test.cpp:{}", line)));
    EXPECT_THAT(e.what(), HasSubstr("strata_embed_migrations"));
  }
}

TEST(SqldbDeclareTest, NamedUnknownListsTheDeclaredOnes) {
  const std::string name = UniqueName("known");
  sqldb::NewDatabase(name);
  EXPECT_THAT([] { sqldb::Named("not_declared"); },
              ::testing::ThrowsMessage<InputError>(HasSubstr(name)));
}

TEST(SqldbDeclareTest, EditedDirectoryIsRefusedBySum) {
  TempDir dir;
  WriteMigrations(dir.path() / "m", kThreeFiles);
  std::ofstream(dir.path() / "m" / "3_seed.up.sql", std::ios::app) << "-- edited\n";
  const std::string name = UniqueName("edited");
  ScopedEnv env(EnvName(name), "sqlite://" + (dir.path() / "x.db").string());
  EXPECT_THAT([&] { sqldb::NewDatabase(name, {.migrations = (dir.path() / "m").string()}).Open(); },
              ::testing::ThrowsMessage<ChecksumError>(HasSubstr("does not match its strata.sum")));
}

TEST(SqldbDeclareTest, InMemoryDirectoryChecksItsSum) {
  TempDir dir;
  const migrate::Dir disk = WriteMigrations(dir.path(), kThreeFiles);
  std::vector<std::pair<std::string, std::string>> files(kThreeFiles.begin(), kThreeFiles.end());
  files.emplace_back("strata.sum", *disk.Read("strata.sum"));
  const migrate::Dir good =
      migrate::Dir::FromFiles("embedded", migrate::DirFormat::kGolangMigrate, files);
  EXPECT_NO_THROW(good.VerifySum());
  EXPECT_EQ(good.migrations().size(), 3u);
  EXPECT_EQ(good.ComputeSum(), disk.ComputeSum());
  files[0].second += "-- edited\n";
  const migrate::Dir edited =
      migrate::Dir::FromFiles("embedded", migrate::DirFormat::kGolangMigrate, files);
  EXPECT_THROW(edited.VerifySum(), ChecksumError);
  EXPECT_THROW(edited.WriteSum(), InputError);
}

// ---- Open, on both dialects -------------------------------------------------------------------

class SqldbOpenTest : public ::testing::TestWithParam<Dialect> {};

TEST_P(SqldbOpenTest, OpenMigratesAndTheNextStartChecksInOneRoundTrip) {
  TempDatabase target(GetParam());
  TempDir dir;
  WriteMigrations(dir.path(), kThreeFiles);
  const std::string first = UniqueName("start");
  ScopedEnv env(EnvName(first), target.url());
  sqldb::Database& db = sqldb::NewDatabase(first, {.migrations = dir.path().string()});
  const sqldb::OpenReport& report = db.Open();
  EXPECT_EQ(report.source, EnvName(first));
  EXPECT_EQ(report.to_version, "3");
  EXPECT_THAT(report.applied,
              ::testing::ElementsAre("1_users.up.sql", "2_pets.up.sql", "3_seed.up.sql"));
  EXPECT_THAT(report.url, ::testing::Not(HasSubstr("secret")));
  EXPECT_EQ(&db.Open(), &report);  // runs once
  EXPECT_EQ(db.Dialect(), GetParam());
  {
    DB::Lease conn = db.Driver().Acquire();
    EXPECT_EQ(Count(*conn, "users"), "1");
    EXPECT_EQ(QueryValue(*conn, "SELECT version FROM schema_migrations"), "3");
  }

  // A second start (another process, here another declaration of the same database).
  const std::string second = UniqueName("restart");
  ScopedEnv env2(EnvName(second), target.url());
  const sqldb::OpenReport& again =
      sqldb::NewDatabase(second, {.migrations = dir.path().string()}).Open();
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.from_version, "3");
  EXPECT_EQ(again.round_trips, 1u);
}

TEST_P(SqldbOpenTest, FailingFileStopsStartUpAndTheFixedFileIsRetriedWithNoManualStep) {
  TempDatabase target(GetParam());
  TempDir dir;
  testing::Files files = {
      {"1_users.up.sql", "CREATE TABLE users (id integer PRIMARY KEY);\n"},
      {"2_broken.up.sql", "CREATE TABLE pets (id integer);\nINSERT INTO nope VALUES (1);\n"},
  };
  WriteMigrations(dir.path(), files);
  const std::string name = UniqueName("failing");
  ScopedEnv env(EnvName(name), target.url());
  sqldb::Database& db = sqldb::NewDatabase(name, {.migrations = dir.path().string()});
  try {
    db.Open();
    FAIL() << "a failing migration did not stop Open";
  } catch (const SqlError& e) {
    EXPECT_THAT(e.what(), HasSubstr(fmt::format("database \"{}\"", name)));
    EXPECT_THAT(e.what(), HasSubstr("2_broken.up.sql failed at line 2"));
    EXPECT_THAT(e.what(), HasSubstr("INSERT INTO nope VALUES (1)"));
    EXPECT_EQ(e.statement, "INSERT INTO nope VALUES (1)");
  }
  EXPECT_THROW(db.Driver(), SqlError);  // still failing: each use retries

  files[1].second = "CREATE TABLE pets (id integer);\nINSERT INTO users VALUES (1);\n";
  WriteMigrations(dir.path(), files);
  const sqldb::OpenReport& report = db.Open();
  EXPECT_THAT(report.applied, ::testing::ElementsAre("2_broken.up.sql"));
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_THAT(report.notes[0], HasSubstr("version 2 (2_broken.up.sql) failed in an earlier run"));
  EXPECT_THAT(report.notes[0], HasSubstr("nothing of it was left applied"));
  DB::Lease conn = db.Driver().Acquire();
  EXPECT_EQ(Count(*conn, "pets"), "0");
  EXPECT_EQ(Count(*conn, "users"), "1");
}

TEST_P(SqldbOpenTest, ThreadsOpeningAtOnceShareOneOpen) {
  TempDatabase target(GetParam());
  TempDir dir;
  WriteMigrations(dir.path(), kThreeFiles);
  const std::string name = UniqueName("threads");
  ScopedEnv env(EnvName(name), target.url());
  sqldb::Database& db = sqldb::NewDatabase(name, {.migrations = dir.path().string()});
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      DB handle = db.Driver();
      if (handle.Acquire()->Query("SELECT count(*) FROM users").rows.size() == 1) ++ok;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok, 8);
  EXPECT_EQ(db.Open().applied.size(), 3u);
}

TEST_P(SqldbOpenTest, RawHandlesAndConnStringServeOtherLibraries) {
  TempDatabase target(GetParam());
  const std::string name = UniqueName("raw");
  ScopedEnv env(EnvName(name), target.url());
  sqldb::Database& db = sqldb::NewDatabase(name);
  sqldb::Database::RawConn raw = db.Raw();
  if (GetParam() == Dialect::kPostgres) {
    ASSERT_NE(raw.Postgres(), nullptr);
    EXPECT_EQ(raw.Sqlite(), nullptr);
    EXPECT_EQ(std::string(PQdb(raw.Postgres())), target.name());
    PGresult* r = PQexec(raw.Postgres(), "SELECT 40 + 2");
    EXPECT_EQ(std::string(PQgetvalue(r, 0, 0)), "42");
    PQclear(r);
    PGconn* other = PQconnectdb(db.ConnString().c_str());
    EXPECT_EQ(PQstatus(other), CONNECTION_OK) << PQerrorMessage(other);
    EXPECT_EQ(std::string(PQdb(other)), target.name());
    PQfinish(other);
  } else {
    ASSERT_NE(raw.Sqlite(), nullptr);
    EXPECT_EQ(raw.Postgres(), nullptr);
    EXPECT_EQ(fs::path(sqlite3_db_filename(raw.Sqlite(), "main")), fs::path(target.name()));
    sqlite3* other = nullptr;
    EXPECT_EQ(sqlite3_open(db.ConnString().c_str(), &other), SQLITE_OK);
    EXPECT_EQ(fs::path(sqlite3_db_filename(other, "main")), fs::path(target.name()));
    sqlite3_close(other);
  }
}

TEST_P(SqldbOpenTest, ExternallyManagedDatabaseIsConnectedToButNotMigrated) {
  TempDatabase target(GetParam());
  TempDir dir;
  WriteMigrations(dir.path() / "migrations", kThreeFiles);
  const std::string name = UniqueName("external");
  std::ofstream(dir.path() / "strata.toml")
      << fmt::format("[databases.{}]\nurl = \"{}\"\nmigrations = \"migrations\"\nmanaged = false\n",
                     name, target.url());
  ScopedCwd cwd(dir.path());
  sqldb::Database& db = sqldb::NewDatabase(name);
  const sqldb::OpenReport& report = db.Open();
  EXPECT_FALSE(report.managed);
  EXPECT_TRUE(report.applied.empty());
  EXPECT_EQ(report.source, fmt::format("strata.toml [databases.{}]", name));
  auto conn = target.Connect();
  EXPECT_FALSE(testing::TableExists(*conn, "users"));
  EXPECT_FALSE(testing::TableExists(*conn, "strata_schema_revisions"));
}

TEST_P(SqldbOpenTest, EnvironmentVariableWinsOverStrataToml) {
  TempDatabase from_env(GetParam());
  TempDatabase from_toml(GetParam());
  TempDir dir;
  WriteMigrations(dir.path() / "migrations", kThreeFiles);
  const std::string name = UniqueName("precedence");
  std::ofstream(dir.path() / "strata.toml") << fmt::format(
      "[databases.{}]\nurl = \"{}\"\nmigrations = \"migrations\"\n", name, from_toml.url());
  ScopedCwd cwd(dir.path());
  ScopedEnv env(EnvName(name), from_env.url());
  // No migrations in code: the [databases.NAME] folder is used.
  const sqldb::OpenReport& report = sqldb::NewDatabase(name).Open();
  EXPECT_EQ(report.source, EnvName(name));
  EXPECT_EQ(report.applied.size(), 3u);
  EXPECT_TRUE(testing::TableExists(*from_env.Connect(), "users"));
  EXPECT_FALSE(testing::TableExists(*from_toml.Connect(), "users"));
}

TEST_P(SqldbOpenTest, UpToDateIsTrueOnlyWhenApplyWouldFindNothing) {
  TempDatabase target(GetParam());
  TempDir dir;
  auto conn = target.Connect();
  migrate::Dir d = WriteMigrations(dir.path(), kThreeFiles);
  EXPECT_FALSE(migrate::UpToDate(*conn, d));  // no tracking tables yet
  migrate::Apply(*conn, d);
  const std::uint64_t before = conn->round_trips();
  EXPECT_TRUE(migrate::UpToDate(*conn, d));
  EXPECT_EQ(conn->round_trips() - before, 1u);

  testing::Files more = kThreeFiles;
  more.emplace_back("4_more.up.sql", "CREATE TABLE more (id integer);\n");
  EXPECT_FALSE(migrate::UpToDate(*conn, WriteMigrations(dir.path(), more)));  // pending
  more.pop_back();
  std::filesystem::remove(dir.path() / "4_more.up.sql");
  more[4].second += "-- edited\n";
  EXPECT_FALSE(migrate::UpToDate(*conn, WriteMigrations(dir.path(), more)));  // Apply notes it
  more[4].second = kThreeFiles[4].second;
  d = WriteMigrations(dir.path(), more);
  EXPECT_TRUE(migrate::UpToDate(*conn, d));
  conn->Exec("UPDATE schema_migrations SET dirty = true");
  EXPECT_FALSE(migrate::UpToDate(*conn, d));  // golang-migrate stopped midway
  conn->Exec("UPDATE schema_migrations SET dirty = false");
  conn->Exec("UPDATE strata_schema_revisions SET error = 'boom' WHERE version = '2'");
  EXPECT_FALSE(migrate::UpToDate(*conn, d));
}

INSTANTIATE_TEST_SUITE_P(Dialects, SqldbOpenTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kSqlite),
                         [](const auto& info) { return std::string(DialectName(info.param)); });

TEST(SqldbSqliteTest, DefaultIsAFileUnderDotStrata) {
  TempDir dir;
  WriteMigrations(dir.path() / "migrations", kThreeFiles);
  ScopedCwd cwd(dir.path());
  const std::string name = UniqueName("local");
  const sqldb::OpenReport& report =
      sqldb::NewDatabase(name, {.migrations = (dir.path() / "migrations").string()}).Open();
  EXPECT_EQ(report.source, "default SQLite file");
  EXPECT_TRUE(report.created);
  EXPECT_EQ(report.applied.size(), 3u);
  EXPECT_TRUE(fs::exists(dir.path() / ".strata" / "sqlite" / (name + ".db")));
}

TEST(SqldbPostgresTest, DevelopmentClusterIsStartedAndTheDatabaseCreated) {
  TempDir dir;
  WriteMigrations(dir.path() / "migrations", kThreeFiles);
  const std::string name = UniqueName("devdb");
  std::ofstream(dir.path() / "strata.toml")
      << fmt::format("[databases.{}]\ndialect = \"postgres\"\nmigrations = \"migrations\"\n", name);
  ScopedCwd cwd(dir.path());
  struct Down {  // no server left behind, whatever the test's outcome
    ~Down() {
      try {
        sqldb::DevCluster(fs::current_path() / ".strata").Down();
      } catch (const Error& e) {
        ADD_FAILURE() << e.what();
      }
    }
  } down;
  const sqldb::OpenReport& report = sqldb::NewDatabase(name).Open();
  EXPECT_EQ(report.source, "development cluster");
  EXPECT_TRUE(report.created);
  EXPECT_EQ(report.applied.size(), 3u);
  const sqldb::OpenReport& second = sqldb::NewDatabase(name).Open();
  EXPECT_EQ(&second, &report);  // one declaration, one open
  DB::Lease conn = sqldb::Named(name).Driver().Acquire();
  EXPECT_EQ(QueryValue(*conn, "SELECT current_database()"), name);
  EXPECT_EQ(Count(*conn, "users"), "1");
}

// ---- several processes at once ------------------------------------------------------------------

// Starts `processes` copies of sqldb_open_once on database `url` (reached through `via`, a URL of
// the same database), and checks that each of 10 files was applied exactly once.
void StartAtOnceAndCheck(const TempDatabase& target, const std::string& via, int processes,
                         const std::string& lock) {
  TempDir dir;
  testing::Files files = {{"1_log.up.sql",
                           "CREATE TABLE applied_log (file text NOT NULL);\n"
                           "INSERT INTO applied_log VALUES ('1');\n"}};
  for (int i = 2; i <= 10; ++i) {
    files.emplace_back(fmt::format("{}_t{}.up.sql", i, i),
                       fmt::format("CREATE TABLE t{} (id integer);\nSELECT pg_sleep(0.02);\n"
                                   "INSERT INTO applied_log VALUES ('{}');\n",
                                   i, i));
  }
  WriteMigrations(dir.path(), files);
  const std::string name = UniqueName("many");
  ScopedEnv env(EnvName(name), via);
  std::vector<std::thread> threads;
  std::vector<int> status(processes);
  std::vector<std::string> output(processes);
  for (int i = 0; i < processes; ++i) {
    threads.emplace_back([&, i] {
      status[i] = testing::RunCommand(
          fmt::format("{} {} {} {}", STRATA_SQLDB_OPEN_ONCE, name, dir.path().string(), lock),
          &output[i]);
    });
  }
  for (std::thread& t : threads) t.join();
  int applied = 0;
  for (int i = 0; i < processes; ++i) {
    EXPECT_EQ(status[i], 0) << output[i];
    int n = 0;
    if (std::sscanf(output[i].c_str(), "applied %d", &n) == 1) applied += n;
  }
  EXPECT_EQ(applied, 10);  // every file by exactly one of them
  auto conn = target.Connect();
  EXPECT_EQ(Count(*conn, "applied_log"), "10");
  EXPECT_EQ(QueryValue(*conn, "SELECT count(DISTINCT file) FROM applied_log"), "10");
  EXPECT_EQ(Count(*conn, "strata_schema_revisions"), "10");
  EXPECT_EQ(QueryValue(*conn, "SELECT version || ' ' || dirty FROM schema_migrations"), "10 false");
}

TEST(SqldbPostgresTest, EightProcessesStartingAtOnceApplyEachFileOnce) {
  TempDatabase target(Dialect::kPostgres);
  StartAtOnceAndCheck(target, target.url(), 8, "advisory");
}

TEST(SqldbPostgresTest, SixProcessesThroughPgBouncerWithTheTableLockApplyEachFileOnce) {
  TempDatabase target(Dialect::kPostgres);
  const char* bouncer = std::getenv("STRATA_TEST_PGBOUNCER_URL");
  ASSERT_NE(bouncer, nullptr)
      << "STRATA_TEST_PGBOUNCER_URL is not set: run with scripts/with-postgres";
  Url via = Url::Parse(bouncer);
  via.database = target.name();
  StartAtOnceAndCheck(target, via.ToString(), 6, "table");
}

// ---- embedded migrations ------------------------------------------------------------------------

TEST(SqldbEmbeddedTest, ProgramWithEmbeddedMigrationsNeedsNoFilesOnDisk) {
  TempDir dir;
  const fs::path db = dir.path() / "embedded.db";
  std::string output;
  const int status =
      testing::RunCommand(fmt::format("cd {} && STRATA_DB_EMBEDDED_DB_URL=sqlite://{} {}",
                                      dir.path().string(), db.string(), STRATA_SQLDB_EMBEDDED),
                          &output);
  ASSERT_EQ(status, 0) << output;
  EXPECT_THAT(output, HasSubstr("applied 2, at version 2"));
  EXPECT_THAT(output, HasSubstr("user 1: embedded"));
  EXPECT_EQ(
      testing::RunCommand(fmt::format("cd {} && STRATA_DB_EMBEDDED_DB_URL=sqlite://{} {}",
                                      dir.path().string(), db.string(), STRATA_SQLDB_EMBEDDED),
                          &output),
      0)
      << output;
  EXPECT_THAT(output, HasSubstr("applied 0, at version 2"));
}

// ---- test databases -----------------------------------------------------------------------------

class SqldbTestDatabaseTest : public ::testing::TestWithParam<Dialect> {};

TEST_P(SqldbTestDatabaseTest, EightTestsInParallelEachGetTheirOwnMigratedDatabase) {
  TempDatabase run(GetParam());
  TempDir dir;
  WriteMigrations(dir.path() / "migrations", kThreeFiles);
  ScopedCwd cwd(dir.path());
  const std::string name = UniqueName("tdb");
  ScopedEnv env(EnvName(name), run.url());
  sqldb::NewDatabase(name, {.migrations = (dir.path() / "migrations").string()});
  std::vector<std::string> names(8);
  std::vector<std::string> seen(8);
  std::vector<std::string> errors(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      try {
        sqldb::testing::TestDatabase t = sqldb::testing::NewTestDatabase(name);
        names[i] = t.Name();
        DB::Lease conn = t.Driver().Acquire();
        // Migrated (the seed row of 3_seed is there), and only this test's rows are.
        conn->Exec(fmt::format("INSERT INTO pets (id, owner) VALUES ({}, 1)", i));
        seen[i] = QueryValue(*conn, "SELECT count(*) || ' ' || min(id) FROM pets") + " / " +
                  Count(*conn, "users");
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(errors[i], "");
    EXPECT_EQ(seen[i], fmt::format("1 {} / 1", i));
  }
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 8u);
  // Dropped with the objects; the run database is untouched.
  if (GetParam() == Dialect::kPostgres) {
    auto admin = Connect(testing::PostgresAdminUrl());
    for (const std::string& n : names) {
      EXPECT_EQ(
          QueryValue(*admin, "SELECT count(*) FROM pg_database WHERE datname = " + QuoteLiteral(n)),
          "0");
    }
  } else {
    for (const std::string& n : names) {
      EXPECT_FALSE(fs::exists(dir.path() / ".strata" / "sqlite" / (n + ".db"))) << n;
    }
  }
  EXPECT_FALSE(testing::TableExists(*run.Connect(), "users"));
}

INSTANTIATE_TEST_SUITE_P(Dialects, SqldbTestDatabaseTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kSqlite),
                         [](const auto& info) { return std::string(DialectName(info.param)); });

}  // namespace
}  // namespace strata
