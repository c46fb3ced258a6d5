// `strata migrate apply` of a generated 200-file golang-migrate directory, timed beside psql
// running the same files (one psql, one -f per file) on a fresh database each time.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "strata/driver.hpp"
#include "strata/migrate/dir.hpp"
#include "support.hpp"

namespace strata::bench {
namespace {

namespace fs = std::filesystem;

constexpr int kFiles = 200;

fs::path g_dir;
std::string g_strata, g_psql, g_psql_files;
int g_database = 0;

// Version k creates a table with 10 columns, two indexes and a foreign key to the previous table,
// and inserts three rows: about what a real service's history holds per file.
void WriteDirectory() {
  g_dir = fs::temp_directory_path() / fmt::format("strata_bench_migrations_{}", getpid());
  fs::remove_all(g_dir);
  fs::create_directories(g_dir);
  for (int k = 1; k <= kFiles; ++k) {
    std::string up = TableDdl(k) + fmt::format(
                                       "INSERT INTO t{} (id, name, email) VALUES (1, 'a', "
                                       "'a@example.com'), (2, 'b', NULL), (3, 'c', "
                                       "'c@example.com');\n",
                                       k);
    if (k > 1) up += ForeignKeyDdl(k);
    const std::string name = fmt::format("{:04}_table{}.up.sql", k, k);
    std::ofstream(g_dir / name) << up;
    std::ofstream(g_dir / fmt::format("{:04}_table{}.down.sql", k, k))
        << fmt::format("DROP TABLE t{};\n", k);
    g_psql_files += fmt::format(" -f '{}'", (g_dir / name).string());
  }
  migrate::Dir::Open(g_dir, migrate::DirFormat::kGolangMigrate).WriteSum();
}

void Setup() {
  WriteDirectory();
  g_strata = (fs::canonical("/proc/self/exe").parent_path().parent_path() / "strata").string();
  if (!fs::exists(g_strata)) {
    fmt::print(stderr, "{} not found: build the strata target first\n", g_strata);
    std::exit(1);
  }
  const char* bin = std::getenv("STRATA_TEST_PG_BIN");
  g_psql = fs::exists(fmt::format("{}/psql", bin ? bin : "")) ? fmt::format("{}/psql", bin)
                                                              : std::string("psql");
}

// Times `command(url)` on a fresh database; creating the database is not timed.
template <typename Command>
void TimeOnFreshDatabase(benchmark::State& state, Command command) {
  for (auto _ : state) {
    const std::string url = CreateDatabase(fmt::format("strata_bench_apply_{}", g_database++));
    const std::string line = command(url);
    const auto start = std::chrono::steady_clock::now();
    RunOrDie(line);
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  state.counters["files"] = kFiles;
}

void StrataMigrateApply(benchmark::State& state) {
  TimeOnFreshDatabase(state, [](const std::string& url) {
    return fmt::format("{} migrate apply --url '{}' --dir 'file://{}' > /dev/null", g_strata, url,
                       g_dir.string());
  });
}

void PsqlFiles(benchmark::State& state) {
  TimeOnFreshDatabase(state, [](const std::string& url) {
    return fmt::format("{} -X -q -v ON_ERROR_STOP=1 -d '{}'{} > /dev/null", g_psql, url,
                       g_psql_files);
  });
}

#define STRATA_BENCH(fn)              \
  BENCHMARK(fn)                       \
      ->Unit(benchmark::kMillisecond) \
      ->UseManualTime()               \
      ->Iterations(1)                 \
      ->Repetitions(5)                \
      ->ReportAggregatesOnly(true)
STRATA_BENCH(PsqlFiles);
STRATA_BENCH(StrataMigrateApply);

// Prints the ratio to psql, then drops the databases the runs made and the directory.
void Summarize(const MedianReporter& reporter) {
  const double strata_ms = reporter.MedianMs("StrataMigrateApply");
  const double psql_ms = reporter.MedianMs("PsqlFiles");
  const double ratio = strata_ms / psql_ms;
  fmt::print("\nSummary (medians of 5 repetitions, {} files, fresh database each):\n", kFiles);
  fmt::print(
      "  strata migrate apply {:.1f} ms vs psql -f per file {:.1f} ms: ratio {:.2f} "
      "(target <= 1.20), {}\n",
      strata_ms, psql_ms, ratio, ratio <= 1.2 ? "met" : "MISSED");
  auto admin = Connect(AdminUrl());
  for (int i = 0; i < g_database; ++i) {
    admin->Exec(fmt::format("DROP DATABASE IF EXISTS strata_bench_apply_{} WITH (FORCE)", i));
  }
  fs::remove_all(g_dir);
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  return strata::bench::RunBenchmarks(argc, argv, strata::bench::Setup, strata::bench::Summarize);
}
