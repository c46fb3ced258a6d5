// Shared pieces of the benchmark binaries: the test cluster, generated schemas, and a reporter
// that keeps each benchmark's median so a binary can print ratios measured in the same run.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace strata::bench {

// The throwaway cluster `make bench` starts (STRATA_TEST_PG_URL); exits with a message if absent.
std::string AdminUrl();

// Creates (or re-creates) database `name` on the cluster and returns its URL.
std::string CreateDatabase(const std::string& name);

// How a generated table departs from the common shape (see TableDdl).
struct TableVariant {
  std::string score_type = "numeric(10,2)";
  std::vector<std::string> extra_columns;  // "name type …", after the 10 common columns
  std::vector<std::string> checks;         // table constraints, after the columns
  bool name_index = true;                  // whether t<i>_name_idx exists
};

// CREATE TABLE t<i> with 10 columns (a bigint primary key "id", a "parent_id", text, numeric,
// boolean, timestamptz, jsonb, array and char columns) and its 2 indexes (one partial, unique).
std::string TableDdl(int i, const TableVariant& variant = {});

// The foreign key t<i>.parent_id → t<i-1>.id (ON DELETE SET NULL), as an ALTER TABLE statement.
std::string ForeignKeyDdl(int i);

// DDL for `tables` tables t0… as TableDdl, then their foreign keys to the previous table.
std::string GeneratedSchema(int tables);

// Runs `command` through the shell and aborts the benchmark binary if it fails.
void RunOrDie(const std::string& command);

// Console output as usual, plus the median real time and counters of every benchmark by name.
class MedianReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override;
  // Median real time in milliseconds of benchmark `name` ("Function/args", e.g. "Inspect/1000").
  double MedianMs(const std::string& name) const;
  // Median of counter `counter` of benchmark `name`; 0 when either is unknown.
  double MedianCounter(const std::string& name, const std::string& counter) const;
  // Whether a benchmark stopped with an error (State::SkipWithError): the binary must then fail.
  bool failed() const { return failed_; }

 private:
  std::map<std::string, double> median_ms_;
  std::map<std::string, std::map<std::string, double>> median_counters_;
  bool failed_ = false;
};

// The main() of a benchmark binary: parses the benchmark flags, runs `setup`, the benchmarks the
// flags select, then `summarize` with their medians (which also removes what setup made).
// Returns the exit code: 1 when a benchmark failed.
int RunBenchmarks(int argc, char** argv, void (*setup)(),
                  void (*summarize)(const MedianReporter& reporter));

}  // namespace strata::bench
