// Shared pieces of the benchmark binaries (see support.hpp).
#include "support.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "strata/driver.hpp"

namespace strata::bench {

std::string AdminUrl() {
  const char* url = std::getenv("STRATA_TEST_PG_URL");
  if (url == nullptr) {
    fmt::print(stderr, "STRATA_TEST_PG_URL is not set: run the benchmarks with `make bench`\n");
    std::exit(1);
  }
  return url;
}

std::string CreateDatabase(const std::string& name) {
  auto admin = Connect(AdminUrl());
  // Two requests: PostgreSQL runs a multi-statement string in one transaction, and DROP/CREATE
  // DATABASE refuse to run inside one.
  admin->Exec(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", QuoteIdent(name)));
  admin->Exec(fmt::format("CREATE DATABASE {}", QuoteIdent(name)));
  Url url = Url::Parse(AdminUrl());
  url.database = name;
  return url.ToString();
}

std::string TableDdl(int i, const TableVariant& variant) {
  std::string body = fmt::format(
      "id bigint PRIMARY KEY, parent_id bigint, name varchar(100) NOT NULL, email text, "
      "score {} DEFAULT 0, active boolean NOT NULL DEFAULT true, created_at timestamptz NOT NULL "
      "DEFAULT now(), payload jsonb, tags text[], code char(8)",
      variant.score_type);
  for (const std::string& column : variant.extra_columns) body += ", " + column;
  for (const std::string& check : variant.checks) body += ", " + check;
  std::string sql = fmt::format("CREATE TABLE t{} ({});\n", i, body);
  if (variant.name_index) sql += fmt::format("CREATE INDEX t{0}_name_idx ON t{0} (name);\n", i);
  sql += fmt::format(
      "CREATE UNIQUE INDEX t{0}_email_idx ON t{0} (email) WHERE email IS NOT NULL;\n", i);
  return sql;
}

std::string ForeignKeyDdl(int i) {
  return fmt::format(
      "ALTER TABLE t{0} ADD CONSTRAINT t{0}_parent_fk FOREIGN KEY (parent_id) REFERENCES t{1} (id) "
      "ON DELETE SET NULL;\n",
      i, i - 1);
}

std::string GeneratedSchema(int tables) {
  std::string sql;
  for (int i = 0; i < tables; ++i) sql += TableDdl(i);
  for (int i = 1; i < tables; ++i) sql += ForeignKeyDdl(i);
  return sql;
}

void RunOrDie(const std::string& command) {
  if (std::system(command.c_str()) != 0) {
    fmt::print(stderr, "benchmark setup failed: {}\n", command);
    std::exit(1);
  }
}

void MedianReporter::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    failed_ = failed_ || run.error_occurred;
    if (run.aggregate_name == "median") {
      std::string name = run.run_name.function_name;
      if (!run.run_name.args.empty()) name += "/" + run.run_name.args;
      median_ms_[name] =
          run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit) * 1e3;
      for (const auto& [counter, value] : run.counters)
        median_counters_[name][counter] = value.value;
    }
  }
  ConsoleReporter::ReportRuns(runs);
}

double MedianReporter::MedianMs(const std::string& name) const {
  auto it = median_ms_.find(name);
  return it == median_ms_.end() ? 0 : it->second;
}

double MedianReporter::MedianCounter(const std::string& name, const std::string& counter) const {
  auto it = median_counters_.find(name);
  if (it == median_counters_.end()) return 0;
  auto value = it->second.find(counter);
  return value == it->second.end() ? 0 : value->second;
}

int RunBenchmarks(int argc, char** argv, void (*setup)(),
                  void (*summarize)(const MedianReporter& reporter)) {
  benchmark::Initialize(&argc, argv);
  setup();
  MedianReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  summarize(reporter);
  benchmark::Shutdown();
  return reporter.failed() ? 1 : 0;
}

}  // namespace strata::bench
