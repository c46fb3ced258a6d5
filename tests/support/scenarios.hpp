// The schema-evolution scenarios of tests/scenarios/ (see its README), shared by the suites that
// run them: discovery, the folder layout, and the rows oracle.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "strata/driver.hpp"
#include "strata/schema.hpp"
#include "support/databases.hpp"

namespace strata::testing {

// One scenario folder on one dialect.
struct Scenario {
  Dialect dialect;
  std::string group;  // "common", "postgres" or "sqlite": the folder it sits in
  std::string name;
  std::filesystem::path dir;

  std::filesystem::path StatePath(int n) const;  // vN.sql
  std::filesystem::path DataPath(int n) const;   // dataN.sql, which may not exist
  // How many states v1.sql, v2.sql, … the folder holds.
  int StateCount() const;
  // The steps listed in the folder's `irreversible` file.
  std::set<int> Irreversible() const;
  // "scenario <group>/<name> on <dialect>", to start failure messages.
  std::string Label() const;
};

void PrintTo(const Scenario& s, std::ostream* os);

// The gtest name: <dialect>_[common_]<folder>, non-alphanumerics as '_'.
std::string ScenarioTestName(const ::testing::TestParamInfo<Scenario>& info);

// Every folder of tests/scenarios/, on each dialect its group runs on, in a stable order.
std::vector<Scenario> ListScenarios();

std::string ReadFile(const std::filesystem::path& path);

// A connection as applications open them: SQLite ones enforce foreign keys, so a table rebuild
// must not cascade.
std::unique_ptr<Conn> ConnectEnforcing(const TempDatabase& db);

// The rows of every table, each value in its text form, for the rows oracle.
struct TableRows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};
using TableKey = std::pair<std::string, std::string>;  // schema, table
using RowSnapshot = std::map<TableKey, TableRows>;

// The table's name as SQL: schema-qualified on PostgreSQL.
std::string Qualified(Dialect d, const TableKey& key);

// The rows of every table of `realm` (as inspected on `conn`).
RowSnapshot Snapshot(Conn& conn, const schema::Realm& realm);

// The rows oracle: every row of every table of `before` that still exists on `conn` survived,
// with the values of its unchanged columns; a column whose type changed holds its old value cast
// to the new type (PostgreSQL); a column that became generated, or whose expression changed, is
// recomputed and not compared. On SQLite, foreign_key_check must find nothing. Returns the
// problems found, one a line; empty when every row survived.
std::string LostRows(Conn& conn, const schema::Realm& before, const RowSnapshot& before_rows);

}  // namespace strata::testing
