// The migration lock: golang-migrate's advisory lock key derived independently (Python's zlib) and
// checked against what a running `strata migrate apply` holds in pg_locks; lock timeouts on
// PostgreSQL and SQLite.
#include <fcntl.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "migrate/lock.hpp"
#include "strata/error.hpp"
#include "strata/migrate/executor.hpp"
#include "support/cli.hpp"
#include "support/databases.hpp"
#include "support/migration_files.hpp"

namespace strata {
namespace {

using ::testing::HasSubstr;
using testing::QueryValue;
using testing::RunCommand;
using testing::Spawn;
using testing::TableExists;
using testing::TempDatabase;
using testing::TempDir;
using testing::WriteMigrations;

// golang-migrate's key computed by Python's zlib.crc32, independently of strata's CRC-32.
std::int64_t PythonLockKey(const std::string& database, const std::string& schema) {
  std::string output;
  const int status = RunCommand(
      fmt::format(
          "python3 -c 'import sys, zlib; print((zlib.crc32(sys.argv[1].encode() + b\"\\0\" "
          "+ sys.argv[2].encode() + b\"\\0schema_migrations\") * 1486364155) & 0xffffffff)' "
          "'{}' '{}'",
          database, schema),
      &output);
  // A missing python3 (or any failure) fails the test with the shell's reason, not an exception.
  if (status != 0 || output.empty() || !std::isdigit(static_cast<unsigned char>(output[0]))) {
    ADD_FAILURE() << "python3 (installed by scripts/bootstrap) failed: " << output;
    return -1;
  }
  return std::stoll(output);
}

TEST(ExecutorLockTest, KeyEqualsGolangMigratesForKnownInputs) {
  // Values from Python: (zlib.crc32(b"db\0public\0schema_migrations") * 1486364155) & 0xffffffff.
  EXPECT_EQ(migrate::GolangMigrateLockKey("db", "public", "schema_migrations"), 4076486830);
  EXPECT_EQ(migrate::GolangMigrateLockKey("/db", "public", "schema_migrations"), 1759583337);
  EXPECT_EQ(migrate::Crc32("123456789"), 0xCBF43926u) << "the CRC-32 check value";
  for (const char* db : {"orders", "/orders", "ünïcode"}) {
    EXPECT_EQ(migrate::GolangMigrateLockKey(db, "app", "schema_migrations"),
              PythonLockKey(db, "app"))
        << db;
  }
}

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ExecutorLockTest, ApplyHoldsGolangMigratesAdvisoryLockKeysForTheWholeRun) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  TempDir dir;
  WriteMigrations(dir.path(), {{"1_slow.up.sql",
                                "CREATE TABLE a (id integer);\n"
                                "SELECT pg_sleep(2);\n"}});
  const pid_t pid = Spawn(fmt::format("{} migrate apply --url '{}' --dir '{}' >/dev/null 2>&1",
                                      STRATA_CLI, db.url(), dir.path().string()));
  std::set<std::int64_t> held;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (held.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    held.clear();
    for (const Row& r : conn->Query("SELECT (l.classid::bigint << 32) | l.objid::bigint FROM "
                                    "pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE "
                                    "l.locktype = 'advisory' AND l.granted AND "
                                    "a.application_name = 'strata' AND a.datname = $1",
                                    {db.name()})
                            .rows) {
      held.insert(std::stoll(*r[0]));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(Wait(pid), 0);
  EXPECT_EQ(held, (std::set<std::int64_t>{PythonLockKey(db.name(), "public"),
                                          PythonLockKey("/" + db.name(), "public")}));
  // Only this database's locks: tests running in parallel take advisory locks in theirs.
  EXPECT_EQ(QueryValue(*conn,
                       "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
                       "(SELECT oid FROM pg_database WHERE datname = current_database())"),
            "0")
      << "the lock outlived the run";
}

TEST(ExecutorLockTest, PostgresLockTimeoutNamesTheHolderAndRunsNothing) {
  TempDatabase db(Dialect::kPostgres);
  auto holder = db.Connect();
  auto conn = db.Connect();
  TempDir dir;
  const migrate::Dir mdir =
      WriteMigrations(dir.path(), {{"1_a.up.sql", "CREATE TABLE a (id int);"}});
  const std::int64_t key = migrate::PostgresLockKeys(*holder)[0];
  holder->Query("SELECT pg_advisory_lock($1)", {std::to_string(key)});
  const std::string holder_pid = QueryValue(*holder, "SELECT pg_backend_pid()");
  for (auto timeout : {std::chrono::milliseconds(0), std::chrono::milliseconds(300)}) {
    migrate::ApplyOptions options;
    options.lock_timeout = timeout;
    try {
      migrate::Apply(*conn, mdir, options);
      FAIL() << "applied while another session held the lock";
    } catch (const migrate::LockError& e) {
      EXPECT_THAT(e.what(), HasSubstr("pid " + holder_pid));
      EXPECT_THAT(e.what(), HasSubstr("--lock-timeout"));
    }
  }
  EXPECT_FALSE(TableExists(*conn, "a"));
  EXPECT_THAT(migrate::Status(*conn, mdir).Describe(), HasSubstr("in progress"));
  holder->Query("SELECT pg_advisory_unlock($1)", {std::to_string(key)});
  EXPECT_EQ(migrate::Apply(*conn, mdir).files.size(), 1u);
}

TEST(ExecutorLockTest, SqliteLockTimeoutNamesTheHolderAndRunsNothing) {
  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();
  TempDir dir;
  const migrate::Dir mdir =
      WriteMigrations(dir.path(), {{"1_a.up.sql", "CREATE TABLE a (id int);"}});
  const std::string lock_path = db.name() + ".strata-migrate-lock";
  const int fd = open(lock_path.c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX), 0);
  ASSERT_EQ(write(fd, "4242", 4), 4);
  migrate::ApplyOptions options;
  options.lock_timeout = std::chrono::milliseconds(200);
  try {
    migrate::Apply(*conn, mdir, options);
    FAIL() << "applied while another process held the lock";
  } catch (const migrate::LockError& e) {
    EXPECT_THAT(e.what(), HasSubstr("process 4242"));
  }
  EXPECT_FALSE(TableExists(*conn, "a"));
  close(fd);
  EXPECT_EQ(migrate::Apply(*conn, mdir).files.size(), 1u);
  std::filesystem::remove(lock_path);
}

// A lock row another run holds: `expires` is an SQL expression for its expiry.
void HoldTableLock(Conn& conn, const std::string& holder, const std::string& expires) {
  conn.Exec(
      "CREATE TABLE IF NOT EXISTS strata_schema_lock (lock_id bigint PRIMARY KEY, holder text NOT "
      "NULL, acquired_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)");
  conn.Query(
      "INSERT INTO strata_schema_lock VALUES ($1, $2, now() - interval '1 hour', " + expires + ")",
      {std::to_string(migrate::PostgresLockKeys(conn)[0]), holder});
}

// A one-file directory applied with the table lock strategy.
class ExecutorTableLockTest : public ::testing::Test {
 protected:
  ExecutorTableLockTest()
      : db_(Dialect::kPostgres),
        conn_(db_.Connect()),
        mdir_(WriteMigrations(dir_.path(), {{"1_a.up.sql", "CREATE TABLE a (id int);"}})) {
    options_.lock_strategy = migrate::LockStrategy::kTable;
  }

  TempDatabase db_;
  std::unique_ptr<Conn> conn_;
  TempDir dir_;
  migrate::Dir mdir_;
  migrate::ApplyOptions options_;
};

TEST_F(ExecutorTableLockTest, LiveRowOfAnotherRunBlocksAndIsNamed) {
  HoldTableLock(*conn_, "strata pid 4242 on elsewhere (cafe0001)", "now() + interval '1 minute'");
  options_.lock_timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  try {
    migrate::Apply(*conn_, mdir_, options_);
    FAIL() << "applied while another run held the lock row";
  } catch (const migrate::LockError& e) {
    EXPECT_THAT(e.what(), HasSubstr("strata pid 4242 on elsewhere (cafe0001)"));
    EXPECT_THAT(e.what(), HasSubstr("--lock-timeout"));
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  EXPECT_FALSE(TableExists(*conn_, "a"));
  EXPECT_THAT(migrate::Status(*conn_, mdir_).Describe(), HasSubstr("strata pid 4242 on elsewhere"));
  // Once the row is gone the run goes ahead, and removes its own row at the end.
  conn_->Exec("DELETE FROM strata_schema_lock");
  EXPECT_EQ(migrate::Apply(*conn_, mdir_, options_).files.size(), 1u);
  EXPECT_EQ(QueryValue(*conn_, "SELECT count(*) FROM strata_schema_lock"), "0");
}

TEST_F(ExecutorTableLockTest, ExpiredRowOfADeadRunIsTakenOver) {
  HoldTableLock(*conn_, "strata pid 4242 on elsewhere (dead0001)", "now() - interval '1 second'");
  options_.lock_timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(migrate::Apply(*conn_, mdir_, options_).files.size(), 1u);
  EXPECT_TRUE(TableExists(*conn_, "a"));
  EXPECT_EQ(QueryValue(*conn_, "SELECT count(*) FROM strata_schema_lock"), "0");
}

// Starts `strata migrate apply --lock-strategy table` on `dir` in the background, its output into
// the file `out`.
pid_t SpawnTableLockedApply(const TempDatabase& db, const TempDir& dir, const std::string& out) {
  return Spawn(
      fmt::format("{} migrate apply --lock-strategy table --url '{}' --dir 'file://{}' >'{}' 2>&1",
                  STRATA_CLI, db.url(), dir.path().string(), out));
}

// The first non-empty value `sql` gives once the lock table exists, polled for up to 5 s ("" if
// it never gives one).
std::string ValueOnceTheLockRowExists(Conn& conn, const std::string& sql) {
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!TableExists(conn, "strata_schema_lock")) continue;
    if (std::string value = QueryValue(conn, sql); !value.empty()) return value;
  }
  return {};
}

TEST(ExecutorTableLockRenewalTest, HolderRenewsItsRowWhileAFileRuns) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  TempDir dir;
  // The file outlasts one renewal period (10 s).
  WriteMigrations(dir.path(),
                  {{"1_slow.up.sql", "SELECT pg_sleep(12);\nCREATE TABLE a (id int);"}});
  const pid_t pid = SpawnTableLockedApply(db, dir, "/dev/null");
  const std::string first = ValueOnceTheLockRowExists(
      *conn, "SELECT coalesce(max(expires_at)::text, '') FROM strata_schema_lock");
  ASSERT_FALSE(first.empty()) << "the run never took the lock row";
  std::this_thread::sleep_for(std::chrono::seconds(11));
  EXPECT_EQ(QueryValue(*conn, "SELECT count(*) FROM strata_schema_lock WHERE expires_at > '" +
                                  first + "'::timestamptz"),
            "1")
      << "the row was not renewed";
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(TableExists(*conn, "a"));
  EXPECT_EQ(QueryValue(*conn, "SELECT count(*) FROM strata_schema_lock"), "0");
}

// A run whose row was taken over (as after a network partition longer than the row's life) stops
// before its next file instead of running beside the new holder.
TEST(ExecutorTableLockRenewalTest, RunWhoseRowWasTakenOverStopsBeforeTheNextFile) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  TempDir dir;
  // The first file outlasts one renewal period (10 s), which finds the row gone.
  WriteMigrations(dir.path(), {{"1_slow.up.sql", "SELECT pg_sleep(13);"},
                               {"2_next.up.sql", "CREATE TABLE next_file (id int);"}});
  const std::string out = (dir.path() / "out").string();
  const pid_t pid = SpawnTableLockedApply(db, dir, out);
  const bool taken = ValueOnceTheLockRowExists(
                         *conn,
                         "WITH gone AS (DELETE FROM strata_schema_lock RETURNING lock_id) "
                         "INSERT INTO strata_schema_lock SELECT lock_id, 'the new holder', now(), "
                         "now() + interval '1 minute' FROM gone RETURNING 'taken'") == "taken";
  ASSERT_TRUE(taken) << "the run never took the lock row";
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  std::ifstream in(out);
  const std::string output((std::istreambuf_iterator<char>(in)), {});
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << output;
  EXPECT_THAT(output, HasSubstr("the migration lock of"));
  EXPECT_THAT(output, HasSubstr("was lost"));
  EXPECT_FALSE(TableExists(*conn, "next_file"));
  // The new holder's row is left alone.
  EXPECT_EQ(QueryValue(*conn, "SELECT holder FROM strata_schema_lock"), "the new holder");
}

}  // namespace
}  // namespace strata
