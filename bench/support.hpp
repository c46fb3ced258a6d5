// Shared pieces of the benchmark binaries: the test cluster, generated schemas, and a reporter
// that keeps each benchmark's median so a binary can print ratios measured in the same run.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>

namespace strata::bench {

// The throwaway cluster `make bench` starts (STRATA_TEST_PG_URL); exits with a message if absent.
std::string AdminUrl();

// Creates (or re-creates) database `name` on the cluster and returns its URL.
std::string CreateDatabase(const std::string& name);

// DDL for `tables` tables of 10 columns, 2 indexes and 1 foreign key each (to the previous table).
std::string GeneratedSchema(int tables);

// Runs `command` through the shell and aborts the benchmark binary if it fails.
void RunOrDie(const std::string& command);

// Console output as usual, plus the median real time (ns) of every benchmark by name.
class MedianReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override;
  // Median real time in milliseconds of benchmark `name` ("Function/args", e.g. "Inspect/1000").
  double MedianMs(const std::string& name) const;

 private:
  std::map<std::string, double> median_ms_;
};

}  // namespace strata::bench
