// strata::Open and DB: a thread-safe pool of connections. Many threads on few connections,
// the acquire timeout, leases returned inside a transaction, broken connections replaced, the one
// connection of a SQLite :memory: database, SQLite files in WAL mode.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "strata/driver.hpp"
#include "strata/error.hpp"
#include "support/databases.hpp"

namespace strata {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::PostgresAdminUrl;
using testing::TempDatabase;
using testing::TempDir;

std::int64_t One(Conn& conn, const std::string& sql) {
  Result r = conn.Execute(sql);
  if (!r.Next()) throw Error("no row from " + sql);
  return r.Int(0);
}

TEST(DriverPoolTest, ManyThreadsShareFewPostgresConnections) {
  TempDatabase db(Dialect::kPostgres);
  db.Connect()->Exec("CREATE TABLE hits (thread integer, n integer, PRIMARY KEY (thread, n))");
  DB pool = Open(db.url(), {.max_connections = 4, .acquire_timeout = std::chrono::seconds(60)});
  EXPECT_EQ(pool.dialect(), Dialect::kPostgres);
  constexpr int kThreads = 16;
  constexpr int kPerThread = 150;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < kPerThread; ++n) {
        try {
          DB::Lease conn = pool.Acquire();
          const Value params[] = {std::int64_t{t}, std::int64_t{n}};
          Result r = conn->Execute("INSERT INTO hits (thread, n) VALUES ($1, $2)", params);
          if (r.affected() != 1) ++errors;
          if (n % 10 == 0) {
            // A transaction now and then, committed.
            Transaction tx(*conn);
            conn->Execute("UPDATE hits SET n = n WHERE thread = $1",
                          std::vector<Value>{std::int64_t{t}});
            tx.Commit();
          }
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
          ++errors;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  const PoolStats stats = pool.stats();
  EXPECT_LE(stats.max_in_use, 4);
  EXPECT_GE(stats.max_in_use, 2);
  EXPECT_LE(stats.open, 4);
  EXPECT_EQ(stats.in_use, 0);
  EXPECT_EQ(stats.replaced, 0u);
  auto check = db.Connect();
  EXPECT_EQ(One(*check, "SELECT count(*) FROM hits"), kThreads * kPerThread);
  EXPECT_EQ(One(*check,
                "SELECT count(DISTINCT (thread, n)) FROM hits WHERE thread BETWEEN 0 AND 15 "
                "AND n BETWEEN 0 AND 149"),
            kThreads * kPerThread);
}

TEST(DriverPoolTest, AcquireTimesOutSayingHowManyAreInUse) {
  TempDatabase db(Dialect::kPostgres);
  Url url = Url::Parse(db.url());
  url.password = "TopSecret42";  // the test cluster trusts local connections: it is ignored
  DB pool = Open(url, {.max_connections = 2, .acquire_timeout = std::chrono::milliseconds(200)});
  DB::Lease a = pool.Acquire();
  DB::Lease b = pool.Acquire();
  const auto start = std::chrono::steady_clock::now();
  try {
    pool.Acquire();
    ADD_FAILURE() << "a third lease of two connections";
  } catch (const ConnectionError& e) {
    EXPECT_THAT(e.what(), HasSubstr("2 of 2 connections are in use"));
    EXPECT_THAT(e.what(), HasSubstr("max_connections"));
    EXPECT_THAT(e.what(), HasSubstr("200 ms"));
    EXPECT_THAT(e.what(), HasSubstr("xxxxx"));
    EXPECT_THAT(e.what(), Not(HasSubstr("TopSecret42")));
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(190));
  EXPECT_EQ(pool.stats().in_use, 2);
  // A lease returned while another thread waits goes to it.
  std::thread waiter([&] {
    DB::Lease c = pool.Acquire();
    EXPECT_EQ(One(*c, "SELECT 1"), 1);
  });
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    DB::Lease gone = std::move(a);
  }
  waiter.join();
  EXPECT_EQ(pool.stats().max_in_use, 2);
}

TEST(DriverPoolTest, BadUrlsFailInOpen) {
  EXPECT_THROW(Open("mysql://localhost/x"), InputError);
  TempDir dir;
  EXPECT_THROW(Open("sqlite://" + (dir.path() / "missing" / "x.db").string()), ConnectionError);
  Url url = Url::Parse(PostgresAdminUrl());
  url.database = "strata_no_such_database";
  url.password = "TopSecret42";
  try {
    Open(url);
    ADD_FAILURE() << "opened a missing database";
  } catch (const ConnectionError& e) {
    EXPECT_THAT(e.what(), Not(HasSubstr("TopSecret42")));
  }
  EXPECT_THROW(Open("sqlite://:memory:", {.max_connections = 0}), InputError);
  DB never;
  EXPECT_FALSE(never);
  EXPECT_THROW(never.Acquire(), Error);
}

class DriverPoolDialectTest : public ::testing::TestWithParam<Dialect> {};

TEST_P(DriverPoolDialectTest, LeaseReturnedInsideATransactionIsRolledBack) {
  TempDatabase db(GetParam());
  db.Connect()->Exec("CREATE TABLE t (a integer)");
  DB pool = Open(db.url(), {.max_connections = 1});
  {
    DB::Lease conn = pool.Acquire();
    conn->Exec("BEGIN");
    conn->Execute("INSERT INTO t VALUES (1)");
    EXPECT_TRUE(conn->InTransaction());
  }                                 // returned without COMMIT
  DB::Lease conn = pool.Acquire();  // the same connection: there is one
  EXPECT_FALSE(conn->InTransaction());
  EXPECT_EQ(One(*conn, "SELECT count(*) FROM t"), 0);
  EXPECT_EQ(pool.stats().open, 1);
  EXPECT_EQ(pool.stats().replaced, 0u);
  // A failed transaction too (PostgreSQL keeps it open until rolled back).
  {
    DB::Lease moved = std::move(conn);
    moved->Exec("BEGIN");
    EXPECT_THROW(moved->Execute("SELECT * FROM no_such_table"), SqlError);
  }
  DB::Lease again = pool.Acquire();
  EXPECT_FALSE(again->InTransaction());
  EXPECT_EQ(One(*again, "SELECT 2"), 2);
}

TEST_P(DriverPoolDialectTest, StatsCountOpenAndLeased) {
  TempDatabase db(GetParam());
  DB pool = Open(db.url(), {.max_connections = 3});
  EXPECT_EQ(pool.stats().open, 1);  // opened eagerly
  EXPECT_EQ(pool.stats().in_use, 0);
  {
    DB::Lease a = pool.Acquire();
    DB::Lease b = pool.Acquire();
    EXPECT_EQ(pool.stats().open, 2);
    EXPECT_EQ(pool.stats().in_use, 2);
    DB copy = pool;  // copies share the pool
    DB::Lease c = copy.Acquire();
    EXPECT_EQ(pool.stats().in_use, 3);
  }
  const PoolStats stats = pool.stats();
  EXPECT_EQ(stats.open, 3);
  EXPECT_EQ(stats.in_use, 0);
  EXPECT_EQ(stats.max_in_use, 3);
  EXPECT_EQ(pool.Redacted(), Url::Parse(db.url()).Redacted());
}

INSTANTIATE_TEST_SUITE_P(Dialects, DriverPoolDialectTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kSqlite),
                         [](const auto& info) { return std::string(DialectName(info.param)); });

// The backend serving `conn`, terminated from another session; returns once it is gone.
void Terminate(Conn& conn, Conn& admin) {
  const std::int64_t pid = One(conn, "SELECT pg_backend_pid()");
  admin.Execute("SELECT pg_terminate_backend($1::int4)", std::vector<Value>{pid});
  for (int i = 0; i < 200; ++i) {
    Result r = admin.Execute("SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int4",
                             std::vector<Value>{pid});
    if (r.Next() && r.Int(0) == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // The backend leaves pg_stat_activity before its goodbye reaches this client's socket: wait
  // until the session can see that it is gone, as a pool finds it later.
  for (int i = 0; i < 200; ++i) {
    if (!conn.Healthy()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "backend " << pid << " did not go away";
}

TEST(DriverPoolTest, BrokenConnectionsAreReplaced) {
  TempDatabase db(Dialect::kPostgres);
  auto admin = db.Connect();
  DB pool = Open(db.url(), {.max_connections = 1});
  std::int64_t first_pid;
  {
    DB::Lease conn = pool.Acquire();
    first_pid = One(*conn, "SELECT pg_backend_pid()");
    Terminate(*conn, *admin);
  }  // returned idle, its server gone: noticed now or at the next Acquire
  {
    DB::Lease conn = pool.Acquire();
    EXPECT_TRUE(conn->Healthy());
    EXPECT_NE(One(*conn, "SELECT pg_backend_pid()"), first_pid);
  }
  EXPECT_EQ(pool.stats().replaced, 1u);
  EXPECT_EQ(pool.stats().open, 1);
  // Broken while leased: the statement fails, the lease comes back unhealthy and is replaced.
  {
    DB::Lease conn = pool.Acquire();
    Terminate(*conn, *admin);
    EXPECT_THROW(conn->Execute("SELECT 1"), Error);
    EXPECT_FALSE(conn->Healthy());
  }
  {
    DB::Lease conn = pool.Acquire();
    EXPECT_EQ(One(*conn, "SELECT 3"), 3);
  }
  const PoolStats stats = pool.stats();
  EXPECT_EQ(stats.replaced, 2u);
  EXPECT_EQ(stats.open, 1);
  EXPECT_EQ(stats.in_use, 0);
}

TEST(DriverPoolTest, MemoryDatabaseIsOneConnectionSharedByEveryLease) {
  DB pool = Open("sqlite://:memory:",
                 {.max_connections = 8, .acquire_timeout = std::chrono::seconds(30)});
  {
    DB::Lease conn = pool.Acquire();
    conn->Exec("CREATE TABLE t (thread integer, n integer)");
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 50; ++n) {
        DB::Lease conn = pool.Acquire();
        conn->Execute("INSERT INTO t VALUES (?1, ?2)",
                      std::vector<Value>{std::int64_t{t}, std::int64_t{n}});
      }
    });
  }
  for (auto& th : threads) th.join();
  DB::Lease conn = pool.Acquire();
  EXPECT_EQ(One(*conn, "SELECT count(*) FROM t"), 200);
  const PoolStats stats = pool.stats();
  EXPECT_EQ(stats.open, 1);
  EXPECT_EQ(stats.max_in_use, 1);
  // While the one connection is leased, another Acquire waits and then says why it failed.
  DB quick = Open("sqlite://:memory:", {.acquire_timeout = std::chrono::milliseconds(50)});
  DB::Lease held = quick.Acquire();
  try {
    quick.Acquire();
    ADD_FAILURE() << "two leases of :memory:";
  } catch (const ConnectionError& e) {
    EXPECT_THAT(e.what(), HasSubstr("exactly one connection"));
  }
}

TEST(DriverPoolTest, SqliteFilesUseWalBusyTimeoutAndForeignKeys) {
  TempDatabase db(Dialect::kSqlite);
  DB pool = Open(db.url(), {.max_connections = 4, .acquire_timeout = std::chrono::seconds(60)});
  {
    DB::Lease conn = pool.Acquire();
    Result mode = conn->Execute("PRAGMA journal_mode");
    ASSERT_TRUE(mode.Next());
    EXPECT_EQ(mode.Text(0), "wal");
    EXPECT_EQ(One(*conn, "PRAGMA foreign_keys"), 1);
    EXPECT_EQ(One(*conn, "PRAGMA busy_timeout"), 5000);
    conn->Exec("CREATE TABLE t (thread integer, n integer)");
  }
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 40; ++n) {
        try {
          DB::Lease conn = pool.Acquire();
          conn->Execute("INSERT INTO t VALUES (?1, ?2)",
                        std::vector<Value>{std::int64_t{t}, std::int64_t{n}});
          One(*conn, "SELECT count(*) FROM t");
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
          ++errors;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  DB::Lease conn = pool.Acquire();
  EXPECT_EQ(One(*conn, "SELECT count(*) FROM t"), 320);
  EXPECT_LE(pool.stats().max_in_use, 4);
  EXPECT_EQ(One(*conn, "PRAGMA busy_timeout"), 5000);
}

}  // namespace
}  // namespace strata
