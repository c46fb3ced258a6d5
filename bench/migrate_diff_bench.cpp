// `strata migrate diff` (migrate::DiffDir) on PostgreSQL: a 200-file directory reaching 1,000 (and
// 500) tables, and a desired state that changes 10% of them; time split into DiffDir's phases.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "strata/driver.hpp"
#include "strata/migrate/diff_dir.hpp"
#include "support.hpp"

namespace strata::bench {
namespace {

namespace fs = std::filesystem;

constexpr int kFiles = 200;
// Later files each add a column to this many tables (and an index on the first one's column).
constexpr int kColumnsPerFile = 5;

fs::path g_root;  // one folder per table count (template directory, desired.sql), the work copy
std::string g_dev_url;

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out.flush()) {
    fmt::print(stderr, "cannot write {}\n", path.string());
    std::exit(1);
  }
}

// Writes, in g_root/<tables>, the directory `template` reaching `tables` tables and the desired
// state `desired.sql`. Version 1 creates all tables but 20; version k adds kColumnsPerFile
// columns (types in turn integer, text, boolean with a default), an index on the first, and,
// every 10th version, a table. Down files undo each. The desired state is the directory's state
// with every 10th table changed (a new column, a wider numeric, an index dropped, a check added).
void WriteWorkload(int tables) {
  const fs::path dir = g_root / std::to_string(tables) / "template";
  fs::create_directories(dir);
  const int initial = tables - kFiles / 10;
  std::vector<TableVariant> state(tables);

  std::string up;
  for (int i = 0; i < initial; ++i) up += TableDdl(i);
  for (int i = 1; i < initial; ++i) up += ForeignKeyDdl(i);
  WriteFile(dir / "0001_initial.up.sql", up);
  std::string down = "DROP TABLE";
  for (int i = initial - 1; i >= 0; --i)
    down += fmt::format("{} t{}", i == initial - 1 ? "" : ",", i);
  WriteFile(dir / "0001_initial.down.sql", down + ";\n");

  std::string indexes;  // the later files' indexes, for the desired state
  constexpr const char* kTypes[] = {"integer", "text", "boolean NOT NULL DEFAULT false"};
  for (int k = 2; k <= kFiles; ++k) {
    up.clear();
    down.clear();
    for (int j = 0; j < kColumnsPerFile; ++j) {
      const int t = ((k - 2) * kColumnsPerFile + j) % initial;
      const std::string column = fmt::format("c{} {}", k, kTypes[(k + j) % 3]);
      up += fmt::format("ALTER TABLE t{} ADD COLUMN {};\n", t, column);
      down = fmt::format("ALTER TABLE t{} DROP COLUMN c{};\n", t, k) + down;
      state[t].extra_columns.push_back(column);
      if (j == 0) {
        const std::string index = fmt::format("CREATE INDEX t{0}_c{1}_idx ON t{0} (c{1});\n", t, k);
        up += index;
        indexes += index;
        down = fmt::format("DROP INDEX t{}_c{}_idx;\n", t, k) + down;
      }
    }
    if (k % 10 == 0) {
      const int t = initial + k / 10 - 1;
      up += TableDdl(t) + ForeignKeyDdl(t);
      down = fmt::format("DROP TABLE t{};\n", t) + down;
    }
    WriteFile(dir / fmt::format("{:04}_change{}.up.sql", k, k), up);
    WriteFile(dir / fmt::format("{:04}_change{}.down.sql", k, k), down);
  }
  migrate::Dir::Open(dir, migrate::DirFormat::kGolangMigrate).WriteSum();

  std::string desired;
  for (int i = 0; i < tables; ++i) {
    TableVariant variant = state[i];
    if (i % 10 == 0) {
      variant.extra_columns.push_back("note text");
      variant.score_type = "numeric(12,2)";
      variant.name_index = false;
      variant.checks.push_back(fmt::format("CONSTRAINT t{}_score_check CHECK (score >= 0)", i));
    }
    desired += TableDdl(i, variant);
  }
  desired += indexes;
  for (int i = 1; i < tables; ++i) desired += ForeignKeyDdl(i);
  WriteFile(g_root / std::to_string(tables) / "desired.sql", desired);
}

void Setup() {
  g_root = fs::temp_directory_path() / fmt::format("strata_bench_diff_{}", getpid());
  fs::remove_all(g_root);
  WriteWorkload(500);
  WriteWorkload(1000);
  g_dev_url = CreateDatabase("strata_bench_dev");
}

// CPU time (user + system, ms) the server process `pid` has used so far: on a shared, loaded
// machine it shows the work the server did, which wall time mixes with waiting for a core.
double ServerCpuMs(const std::string& pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the parenthesized command name; utime and stime are the 12th and 13th of them.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 1; i <= 13 && fields >> field; ++i) {
    if (i >= 12) ticks += std::stod(field);
  }
  return ticks * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

void MigrateDiff(benchmark::State& state) {
  auto dev = Connect(g_dev_url);
  const std::string pid = *dev->Query("SELECT pg_backend_pid()").rows.at(0).at(0);
  const fs::path workload = g_root / std::to_string(state.range(0));
  const fs::path work = g_root / "migrations";
  const migrate::DiffDirOptions options{
      .to = "file://" + (workload / "desired.sql").string(), .name = "change", .sequence = true};
  migrate::DiffDirTimings t;
  double server_cpu = 0;
  double round_trips = 0;
  for (auto _ : state) {
    fs::remove_all(work);
    fs::copy(workload / "template", work);
    migrate::Dir dir = migrate::Dir::Open(work, migrate::DirFormat::kGolangMigrate);
    const uint64_t trips_start = dev->round_trips();
    const double server_start = ServerCpuMs(pid);
    const auto start = std::chrono::steady_clock::now();
    const migrate::DiffDirResult result = migrate::DiffDir(*dev, dir, options);
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    server_cpu = ServerCpuMs(pid) - server_start;
    round_trips = static_cast<double>(dev->round_trips() - trips_start);
    if (result.files.size() != 2) {
      state.SkipWithError("migrate diff wrote no up and down file: the states did not differ");
      break;
    }
    t = result.timings;
  }
  state.counters["replay_ms"] = t.replay;
  state.counters["inspect_ms"] = t.inspect;
  state.counters["diff_ms"] = t.diff;
  state.counters["write_ms"] = t.write;
  state.counters["total_ms"] = t.total;
  state.counters["server_cpu_ms"] = server_cpu;
  state.counters["round_trips"] = round_trips;
}

BENCHMARK(MigrateDiff)
    ->Arg(500)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

// Prints the phases of each table count and the comparison with peers, then drops the dev
// database and the workloads.
void Summarize(const MedianReporter& reporter) {
  fmt::print("\nSummary (medians of 3 repetitions, {} files, 10% of tables changed):\n", kFiles);
  for (const char* tables : {"500", "1000"}) {
    const std::string name = fmt::format("MigrateDiff/{}", tables);
    auto counter = [&](const char* counter) { return reporter.MedianCounter(name, counter); };
    const double total = reporter.MedianMs(name);
    const double phases =
        counter("replay_ms") + counter("inspect_ms") + counter("diff_ms") + counter("write_ms");
    fmt::print(
        "  {} tables: strata migrate diff {:.0f} ms = replay {:.0f} + inspect {:.0f} + diff {:.0f} "
        "+ write {:.0f} + other (lock, sum check, rollbacks) {:.0f} ms; dev server CPU {:.0f} ms; "
        "{:.0f} round trips\n",
        tables, total, counter("replay_ms"), counter("inspect_ms"), counter("diff_ms"),
        counter("write_ms"), total - phases, counter("server_cpu_ms"), counter("round_trips"));
  }
  const double total = reporter.MedianMs("MigrateDiff/500");
  fmt::print(
      "  peers (tried here, not run by this benchmark) took 1,300-11,500 ms on 500 tables: {}\n",
      total > 0 && total < 1300 ? "faster than every one" : "NOT faster than every one");
  Connect(AdminUrl())->Exec("DROP DATABASE IF EXISTS strata_bench_dev WITH (FORCE)");
  fs::remove_all(g_root);
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  return strata::bench::RunBenchmarks(argc, argv, strata::bench::Setup, strata::bench::Summarize);
}
