// Loading entity schemas (ent://): a generated 300-entity folder (8 fields and 2 edges each)
// loaded cold (compiled and run) and warm (from the cache), against the baseline of compiling the
// same files as one plain translation unit; and `migrate diff` from it on SQLite and PostgreSQL,
// its time split into load, normalize and diff.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "ent/load/load.hpp"
#include "strata/driver.hpp"
#include "strata/ent/source.hpp"
#include "strata/migrate/diff_dir.hpp"
#include "support.hpp"

namespace strata::bench {
namespace {

namespace fs = std::filesystem;

constexpr int kEntities = 300;

fs::path g_root;  // schema/ (the folder), cache/ (the warm cache), work/ (migrations, cold caches)
std::string g_pg_dev_url;

double Ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// Entity<i>: 8 fields of 6 types, an edge to the next entity and the inverse of the previous
// one's.
void WriteSchemas() {
  const fs::path dir = g_root / "schema";
  fs::create_directories(dir);
  for (int i = 0; i < kEntities; ++i) {
    std::ofstream(dir / fmt::format("entity{}.cpp", i)) << fmt::format(
        R"(#include <strata/ent/schema.hpp>
using namespace strata::ent;
class Entity{0} : public Schema {{
 public:
  Fields GetFields() const override {{
    return {{field::String("name").NotEmpty(), field::Int("age").Positive().Optional(),
            field::Bool("active").Default(true), field::Float("score"),
            field::Text("bio").Optional(), field::Time("created_at"),
            field::Enum("status").Values("on", "off").Default("on"), field::Int64("rank").Default(0)}};
  }}
  Edges GetEdges() const override {{
    return {{edge::To("next", "Entity{1}").Unique(), edge::From("prev", "Entity{2}").Ref("next").Unique()}};
  }}
}};
STRATA_SCHEMA(Entity{0});
)",
        i, (i + 1) % kEntities, (i + kEntities - 1) % kEntities);
  }
}

void Setup() {
  g_root = fs::temp_directory_path() / fmt::format("strata_bench_ent_{}", getpid());
  fs::remove_all(g_root);
  WriteSchemas();
  ent::RegisterSources();
  g_pg_dev_url = CreateDatabase("strata_bench_ent_dev");
}

ent::LoadOptions Options(const fs::path& cache) {
  ent::LoadOptions o;
  o.cache_dir = cache;
  return o;
}

// Arg: the number of translation units (0: one per core, the default; 1: one for all files).
void LoadCold(benchmark::State& state) {
  ent::LoadTimings t;
  for (auto _ : state) {
    const fs::path cache = g_root / "work" / "cold-cache";
    fs::remove_all(cache);
    ent::LoadOptions options = Options(cache);
    options.chunks = static_cast<unsigned>(state.range(0));
    const auto start = std::chrono::steady_clock::now();
    const auto schemas = ent::LoadSchemas(g_root / "schema", options, &t);
    state.SetIterationTime(Ms(start) / 1000);
    if (schemas.size() != kEntities || t.cache_hit) {
      state.SkipWithError("a cold load did not compile, or lost schemas");
      break;
    }
  }
  state.counters["compile_ms"] = t.compile_ms;
  state.counters["run_ms"] = t.run_ms;
  state.counters["compiler_runs"] = t.compiler_runs;
}
BENCHMARK(LoadCold)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

void LoadWarm(benchmark::State& state) {
  const fs::path cache = g_root / "cache";
  ent::LoadSchemas(g_root / "schema", Options(cache));  // primes the cache
  ent::LoadTimings t;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const auto schemas = ent::LoadSchemas(g_root / "schema", Options(cache), &t);
    state.SetIterationTime(Ms(start) / 1000);
    if (!t.cache_hit || schemas.size() != kEntities) {
      state.SkipWithError("a warm load missed the cache");
      break;
    }
  }
}
BENCHMARK(LoadWarm)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(10)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

// The floor a loader cannot beat with one compiler process: the 300 files as one translation
// unit, compiled (-O0, no linking) by the same compiler.
void CompileBaseline(benchmark::State& state) {
  const fs::path unity = g_root / "work" / "unity.cpp";
  fs::create_directories(unity.parent_path());
  {
    std::ofstream out(unity);
    for (int i = 0; i < kEntities; ++i) {
      out << "#include \"" << (g_root / "schema" / fmt::format("entity{}.cpp", i)).string()
          << "\"\n";
    }
  }
  const ent::EntToolchain tools = ent::FindEntToolchain(ent::RunningExecutable());
  const std::string command =
      fmt::format("{} -std=c++20 -O0 -I'{}' -c '{}' -o '{}.o'", STRATA_BENCH_CXX,
                  tools.include_dir.string(), unity.string(), unity.string());
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    RunOrDie(command);
    state.SetIterationTime(Ms(start) / 1000);
  }
}
BENCHMARK(CompileBaseline)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

// `migrate diff` from the folder into an empty directory (the cache warm, as in the usual edit
// and diff loop); arg 0: SQLite, 1: PostgreSQL.
void MigrateDiff(benchmark::State& state) {
  setenv("STRATA_CACHE_DIR", (g_root / "cache").c_str(), 1);
  const bool pg = state.range(0) == 1;
  auto dev = Connect(pg ? g_pg_dev_url : std::string("sqlite://:memory:"));
  const fs::path work = g_root / "work" / "migrations";
  const migrate::DiffDirOptions options{
      .to = "ent://" + (g_root / "schema").string(), .name = "init", .sequence = true};
  migrate::DiffDirTimings t;
  for (auto _ : state) {
    fs::remove_all(work);
    fs::create_directories(work);
    migrate::Dir dir = migrate::Dir::Open(work, migrate::DirFormat::kGolangMigrate);
    const auto start = std::chrono::steady_clock::now();
    const migrate::DiffDirResult result = migrate::DiffDir(*dev, dir, options);
    state.SetIterationTime(Ms(start) / 1000);
    if (result.files.size() != 2) {
      state.SkipWithError("migrate diff wrote no up and down file");
      break;
    }
    t = result.timings;
  }
  state.counters["load_ms"] = t.load;
  state.counters["normalize_ms"] = t.replay + t.inspect;
  state.counters["diff_ms"] = t.diff;
  state.counters["write_ms"] = t.write;
}
BENCHMARK(MigrateDiff)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

void Summarize(const MedianReporter& reporter) {
  const double cold = reporter.MedianMs("LoadCold/0");
  const double one_unit = reporter.MedianMs("LoadCold/1");
  const double warm = reporter.MedianMs("LoadWarm");
  const double floor = reporter.MedianMs("CompileBaseline");
  fmt::print("\nSummary ({} entities, 8 fields and 2 edges each; medians of 3 repetitions):\n",
             kEntities);
  fmt::print(
      "  cold load {:.0f} ms (target <= 5000: {}); {:.2f}x one plain translation unit "
      "({:.0f} ms); {:.0f} compiler runs\n",
      cold, cold <= 5000 ? "met" : "MISSED", floor > 0 ? cold / floor : 0, floor,
      reporter.MedianCounter("LoadCold/0", "compiler_runs"));
  fmt::print("  cold load as one translation unit {:.0f} ms: one per core is {:.2f}x that\n",
             one_unit, one_unit > 0 ? cold / one_unit : 0);
  fmt::print("  warm load {:.1f} ms (target <= 100: {}); {:.3f}x the cold load\n", warm,
             warm <= 100 ? "met" : "MISSED", cold > 0 ? warm / cold : 0);
  for (const auto& [arg, name] : {std::pair{"0", "SQLite"}, std::pair{"1", "PostgreSQL"}}) {
    const std::string b = fmt::format("MigrateDiff/{}", arg);
    fmt::print(
        "  migrate diff on {}: {:.0f} ms = load {:.0f} + normalize {:.0f} + diff {:.0f} + "
        "write {:.0f} + other\n",
        name, reporter.MedianMs(b), reporter.MedianCounter(b, "load_ms"),
        reporter.MedianCounter(b, "normalize_ms"), reporter.MedianCounter(b, "diff_ms"),
        reporter.MedianCounter(b, "write_ms"));
  }
  Connect(AdminUrl())->Exec("DROP DATABASE IF EXISTS strata_bench_ent_dev WITH (FORCE)");
  fs::remove_all(g_root);
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  return strata::bench::RunBenchmarks(argc, argv, strata::bench::Setup, strata::bench::Summarize);
}
