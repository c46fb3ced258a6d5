// The sqldb run time on PostgreSQL: a service's start-up with 50 pending migrations against one
// with none (the check is one round trip), pool acquire/release throughput under 16 threads
// against a connection per use, and a test database copied from its template against a fresh
// database migrated from the same directory.
#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "strata/driver.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/migrate/executor.hpp"
#include "strata/sqldb.hpp"
#include "support.hpp"

namespace strata::bench {
namespace {

namespace fs = std::filesystem;

constexpr int kFiles = 50;

fs::path g_dir, g_cwd;
int g_database = 0;
std::string g_migrated_url;  // a database with every file applied
std::uint64_t g_check_round_trips = 0;
DB g_pool;
std::string g_pool_url;

// Version k: a 10-column table with two indexes, a foreign key to the previous one, three rows.
void WriteDirectory() {
  g_dir = fs::temp_directory_path() / fmt::format("strata_bench_sqldb_{}", getpid());
  fs::remove_all(g_dir);
  fs::create_directories(g_dir / "migrations");
  for (int k = 1; k <= kFiles; ++k) {
    std::string up = TableDdl(k) + fmt::format(
                                       "INSERT INTO t{} (id, name) VALUES (1, 'a'), (2, 'b'), "
                                       "(3, 'c');\n",
                                       k);
    if (k > 1) up += ForeignKeyDdl(k);
    std::ofstream(g_dir / "migrations" / fmt::format("{:04}_table{}.up.sql", k, k)) << up;
  }
  migrate::Dir::Open(g_dir / "migrations", migrate::DirFormat::kGolangMigrate).WriteSum();
}

std::string NextDatabase() {
  return CreateDatabase(fmt::format("strata_bench_sqldb_{}", g_database++));
}

// A database declared under a new name (Open runs once per declaration), reaching `url`.
sqldb::Database& Declare(const std::string& base, const std::string& url) {
  static int n = 0;
  const std::string name = fmt::format("{}_{}", base, n++);
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ::setenv(fmt::format("STRATA_DB_{}_URL", upper).c_str(), url.c_str(), 1);
  return sqldb::NewDatabase(
      name, {.migrations = (g_dir / "migrations").string(), .pool = {.max_connections = 16}});
}

void Setup() {
  WriteDirectory();
  g_cwd = fs::current_path();
  fs::current_path(g_dir);  // test templates and state go under g_dir/.strata
  g_migrated_url = NextDatabase();
  Declare("migrated", g_migrated_url).Open();
  g_pool_url = NextDatabase();
  g_pool = Open(g_pool_url, {.max_connections = 16});
  // The template of the test databases is made on first use: once here, not in the timing.
  ::setenv("STRATA_DB_TEMPLATED_URL", NextDatabase().c_str(), 1);
  sqldb::NewDatabase("templated", {.migrations = (g_dir / "migrations").string()});
  sqldb::testing::NewTestDatabase("templated");
}

template <typename Fn>
void Timed(benchmark::State& state, Fn fn) {
  for (auto _ : state) {
    const std::string url = NextDatabase();  // not timed
    const auto start = std::chrono::steady_clock::now();
    fn(url);
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
}

void StartupNonePending(benchmark::State& state) {
  for (auto _ : state) {
    sqldb::Database& db = Declare("none", g_migrated_url);
    const auto start = std::chrono::steady_clock::now();
    const sqldb::OpenReport& report = db.Open();
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    g_check_round_trips = report.round_trips;
    if (!report.applied.empty()) state.SkipWithError("files were pending");
  }
  state.counters["round_trips"] = static_cast<double>(g_check_round_trips);
}

// What StartupNonePending does besides connecting: the check itself, on an open connection.
void UpToDateCheck(benchmark::State& state) {
  const migrate::Dir dir =
      migrate::Dir::Open(g_dir / "migrations", migrate::DirFormat::kGolangMigrate);
  std::unique_ptr<Conn> conn = Connect(g_migrated_url);
  const std::uint64_t before = conn->round_trips();
  for (auto _ : state) {
    if (!migrate::UpToDate(*conn, dir)) state.SkipWithError("not up to date");
  }
  state.counters["round_trips"] =
      static_cast<double>(conn->round_trips() - before) / static_cast<double>(state.iterations());
}

void StartupPending50(benchmark::State& state) {
  Timed(state, [&](const std::string& url) {
    if (Declare("pending", url).Open().applied.size() != kFiles) {
      state.SkipWithError("not every file was applied");
    }
  });
}

// Acquire and release one pooled connection, `state.threads()` threads at once.
void PoolAcquireRelease(benchmark::State& state) {
  for (auto _ : state) {
    DB::Lease lease = g_pool.Acquire();
    benchmark::DoNotOptimize(&lease.conn());
  }
  state.SetItemsProcessed(state.iterations());
}

// The baseline: a new connection per use, as code without a pool does.
void ConnectPerUse(benchmark::State& state) {
  for (auto _ : state) {
    std::unique_ptr<Conn> conn = Connect(g_pool_url);
    benchmark::DoNotOptimize(conn.get());
  }
  state.SetItemsProcessed(state.iterations());
}

void NewTestDatabase(benchmark::State& state) {
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    {
      sqldb::testing::TestDatabase t = sqldb::testing::NewTestDatabase("templated");
      state.SetIterationTime(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }  // dropping it is not timed
  }
}

// The baseline of NewTestDatabase: create an empty database and migrate it from the directory.
void FreshMigrate(benchmark::State& state) {
  const migrate::Dir dir =
      migrate::Dir::Open(g_dir / "migrations", migrate::DirFormat::kGolangMigrate);
  int n = 0;
  for (auto _ : state) {
    const std::string name = fmt::format("strata_bench_sqldb_fresh_{}", n++);
    const auto start = std::chrono::steady_clock::now();
    const std::string url = CreateDatabase(name);
    dir.VerifySum();
    migrate::Apply(*Connect(url), dir);
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    Connect(AdminUrl())->Exec(fmt::format("DROP DATABASE {} WITH (FORCE)", QuoteIdent(name)));
  }
}

#define STRATA_BENCH_TIMED(fn)        \
  BENCHMARK(fn)                       \
      ->Unit(benchmark::kMillisecond) \
      ->UseManualTime()               \
      ->Iterations(5)                 \
      ->Repetitions(5)                \
      ->ReportAggregatesOnly(true)
STRATA_BENCH_TIMED(StartupNonePending);
STRATA_BENCH_TIMED(StartupPending50);
STRATA_BENCH_TIMED(FreshMigrate);
STRATA_BENCH_TIMED(NewTestDatabase);
BENCHMARK(UpToDateCheck)->Unit(benchmark::kMicrosecond)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(ConnectPerUse)
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(0.5)
    ->UseRealTime()
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK(PoolAcquireRelease)
    ->Unit(benchmark::kMicrosecond)
    ->Threads(16)
    ->MinTime(0.5)
    ->UseRealTime()
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);

void Summarize(const MedianReporter& reporter) {
  const double none = reporter.MedianMs("StartupNonePending");
  const double pending = reporter.MedianMs("StartupPending50");
  const double fresh = reporter.MedianMs("FreshMigrate");
  const double copy = reporter.MedianMs("NewTestDatabase");
  const double connects = reporter.MedianCounter("ConnectPerUse", "items_per_second");
  const double acquires = reporter.MedianCounter("PoolAcquireRelease", "items_per_second");
  fmt::print("\nSummary (medians of 5 repetitions; PostgreSQL, {} migration files):\n", kFiles);
  fmt::print(
      "  start-up, nothing pending {:.2f} ms ({} round trip{}) vs {} pending {:.1f} ms: "
      "ratio {:.3f}\n",
      none, g_check_round_trips, g_check_round_trips == 1 ? "" : "s", kFiles, pending,
      none / pending);
  fmt::print("  of which the check (migrate::UpToDate on an open connection): {:.3f} ms\n",
             reporter.MedianMs("UpToDateCheck"));
  fmt::print("  NewTestDatabase {:.1f} ms vs a fresh database migrated {:.1f} ms: ratio {:.2f}\n",
             copy, fresh, copy / fresh);
  fmt::print(
      "  pool acquire+release, 16 threads: {:.0f} per second vs a connection per use "
      "{:.0f} per second: {:.0f} times as many\n",
      acquires, connects, acquires / connects);
  fs::current_path(g_cwd);
  g_pool = DB();
  auto admin = Connect(AdminUrl());
  for (int i = 0; i < g_database; ++i) {
    admin->Exec(fmt::format("DROP DATABASE IF EXISTS strata_bench_sqldb_{} WITH (FORCE)", i));
  }
  admin->Exec("DROP DATABASE IF EXISTS templated_test WITH (FORCE)");
  fs::remove_all(g_dir);
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  return strata::bench::RunBenchmarks(argc, argv, strata::bench::Setup, strata::bench::Summarize);
}
