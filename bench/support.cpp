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

std::string GeneratedSchema(int tables) {
  std::string sql;
  for (int i = 0; i < tables; ++i) {
    sql += fmt::format(
        "CREATE TABLE t{0} (id bigint PRIMARY KEY, parent_id bigint, name varchar(100) NOT NULL, "
        "email text, score numeric(10,2) DEFAULT 0, active boolean NOT NULL DEFAULT true, "
        "created_at timestamptz NOT NULL DEFAULT now(), payload jsonb, tags text[], "
        "code char(8));\n"
        "CREATE INDEX t{0}_name_idx ON t{0} (name);\n"
        "CREATE UNIQUE INDEX t{0}_email_idx ON t{0} (email) WHERE email IS NOT NULL;\n",
        i);
  }
  for (int i = 1; i < tables; ++i) {
    sql += fmt::format(
        "ALTER TABLE t{0} ADD CONSTRAINT t{0}_parent_fk FOREIGN KEY (parent_id) REFERENCES "
        "t{1} (id) ON DELETE SET NULL;\n",
        i, i - 1);
  }
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
    if (run.aggregate_name == "median") {
      std::string name = run.run_name.function_name;
      if (!run.run_name.args.empty()) name += "/" + run.run_name.args;
      median_ms_[name] =
          run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit) * 1e3;
    }
  }
  ConsoleReporter::ReportRuns(runs);
}

double MedianReporter::MedianMs(const std::string& name) const {
  auto it = median_ms_.find(name);
  return it == median_ms_.end() ? 0 : it->second;
}

}  // namespace strata::bench
