// The schema engine at scale: inspect, diff and plan a 1,000-table PostgreSQL schema (10 columns,
// 2 indexes, 1 foreign key per table), timed beside `pg_dump --schema-only` of the same database.
#include <fmt/format.h>

#include <cstdlib>

#include "strata/migrate/changes.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/migrate/state.hpp"
#include "support.hpp"

namespace strata::bench {
namespace {

std::string g_url_small, g_url_large;
schema::Realm g_current, g_desired;
std::vector<migrate::Change> g_changes;
std::map<int64_t, double> g_round_trips;  // tables → round trips of one inspection

// A realistic desired state: every 10th table gains a column, changes a type, loses an index and
// gains a check; 10 tables are dropped and 10 added.
schema::Realm Evolve(schema::Realm realm) {
  auto& tables = realm.schemas.at(0).tables;
  for (size_t i = 0; i < tables.size(); i += 10) {
    schema::Table& t = tables[i];
    t.columns.push_back(schema::Column{.name = "note", .type = "text"});
    t.columns[4].type = "numeric(12,2)";
    t.indexes.erase(t.indexes.begin());
    t.checks.push_back(
        schema::Check{.name = t.name + "_score_check", .expr = "(score >= (0)::numeric)"});
  }
  tables.erase(tables.end() - 10, tables.end());
  for (int i = 0; i < 10; ++i) {
    schema::Table t = tables[i];
    t.name = fmt::format("extra{}", i);
    t.indexes.clear();
    t.foreign_keys.clear();
    t.primary_key->name = t.name + "_pkey";
    tables.push_back(t);
  }
  return realm;
}

void Setup() {
  g_url_small = CreateDatabase("strata_bench_100");
  g_url_large = CreateDatabase("strata_bench_1000");
  Connect(g_url_small)->Exec(GeneratedSchema(100));
  Connect(g_url_large)->Exec(GeneratedSchema(1000));
  auto conn = Connect(g_url_large);
  g_current = migrate::Inspect(*conn);
  g_desired = Evolve(g_current);
  g_changes = migrate::Diff(g_current, g_desired);
}

void PgDumpSchemaOnly(benchmark::State& state) {
  const char* bin = std::getenv("STRATA_TEST_PG_BIN");
  const std::string command = fmt::format("{}/pg_dump --schema-only --dbname='{}' > /dev/null",
                                          bin ? bin : "/usr/lib/postgresql/15/bin", g_url_large);
  for (auto _ : state) RunOrDie(command);
}

void Inspect(benchmark::State& state) {
  auto conn = Connect(state.range(0) == 1000 ? g_url_large : g_url_small);
  uint64_t trips = 0;
  for (auto _ : state) {
    const uint64_t before = conn->round_trips();
    schema::Realm realm = migrate::Inspect(*conn);
    trips = conn->round_trips() - before;
    benchmark::DoNotOptimize(realm);
  }
  state.counters["round_trips"] = static_cast<double>(trips);
  g_round_trips[state.range(0)] = static_cast<double>(trips);
}

void Diff(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(migrate::Diff(g_current, g_desired));
  state.counters["changes"] = static_cast<double>(g_changes.size());
}

void Plan(benchmark::State& state) {
  size_t statements = 0;
  for (auto _ : state)
    statements = migrate::PlanChanges(Dialect::kPostgres, g_changes).statements.size();
  state.counters["statements"] = static_cast<double>(statements);
}

#define STRATA_BENCH(fn)              \
  BENCHMARK(fn)                       \
      ->Unit(benchmark::kMillisecond) \
      ->UseRealTime()                 \
      ->Repetitions(5)                \
      ->ReportAggregatesOnly(true)
STRATA_BENCH(PgDumpSchemaOnly)->Iterations(2);
STRATA_BENCH(Inspect)->Arg(100)->Arg(1000)->Iterations(2);
STRATA_BENCH(Diff);
STRATA_BENCH(Plan);

// Prints the figures against their targets.
void Summarize(const MedianReporter& reporter) {
  const double dump = reporter.MedianMs("PgDumpSchemaOnly");
  const double inspect = reporter.MedianMs("Inspect/1000");
  const double diff_plan = reporter.MedianMs("Diff") + reporter.MedianMs("Plan");
  fmt::print("\nSummary (medians of 5 repetitions, 1,000 tables):\n");
  fmt::print(
      "  inspect {:.1f} ms vs pg_dump --schema-only {:.1f} ms: ratio {:.2f} (target <= 0.50), "
      "{}\n",
      inspect, dump, inspect / dump, inspect / dump <= 0.5 && inspect <= 1000 ? "met" : "MISSED");
  fmt::print("  diff {:.1f} ms + plan {:.1f} ms = {:.1f} ms (target <= 100 ms), {}\n",
             reporter.MedianMs("Diff"), reporter.MedianMs("Plan"), diff_plan,
             diff_plan <= 100 ? "met" : "MISSED");
  fmt::print("  round trips per inspection: {} at 100 tables, {} at 1,000 tables ({})\n",
             g_round_trips[100], g_round_trips[1000],
             g_round_trips[100] == g_round_trips[1000] ? "independent of table count" : "GROWS");
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  return strata::bench::RunBenchmarks(argc, argv, strata::bench::Setup, strata::bench::Summarize);
}
