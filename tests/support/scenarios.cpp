// Scenario discovery and the rows oracle shared by the scenario suites (see scenarios.hpp).
#include "support/scenarios.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "strata/error.hpp"
#include "strata/migrate/state.hpp"

namespace strata::testing {
namespace {

namespace fs = std::filesystem;

const schema::Table* FindTable(const schema::Realm& realm, const TableKey& key) {
  const schema::Schema* s = realm.FindSchema(key.first);
  return s == nullptr ? nullptr : s->FindTable(key.second);
}

// PostgreSQL type names a value can be cast to: serial columns are integers with a sequence.
std::string CastableType(const std::string& type) {
  if (type == "serial") return "integer";
  if (type == "bigserial") return "bigint";
  if (type == "smallserial") return "smallint";
  return type;
}

std::string RowText(const Row& row) {
  std::string out = "(";
  for (size_t i = 0; i < row.size(); ++i) out += (i ? ", " : "") + row[i].value_or("NULL");
  return out + ")";
}

// The old value as the new type would hold it (PostgreSQL), through the server's own cast.
std::optional<std::string> CastValue(Conn& conn, const std::optional<std::string>& value,
                                     const std::string& type) {
  if (!value || type.empty()) return value;
  try {
    return conn.Query("SELECT CAST(CAST($1 AS text) AS " + CastableType(type) + ")", {value})
        .rows.at(0)
        .at(0);
  } catch (const Error&) {
    return value;  // not castable through text: compare the text forms
  }
}

}  // namespace

fs::path Scenario::StatePath(int n) const { return dir / fmt::format("v{}.sql", n); }

fs::path Scenario::DataPath(int n) const { return dir / fmt::format("data{}.sql", n); }

int Scenario::StateCount() const {
  int states = 0;
  while (fs::exists(StatePath(states + 1))) ++states;
  return states;
}

std::set<int> Scenario::Irreversible() const {
  std::set<int> steps;
  if (!fs::exists(dir / "irreversible")) return steps;
  std::istringstream in(ReadFile(dir / "irreversible"));
  for (int step; in >> step;) steps.insert(step);
  return steps;
}

std::string Scenario::Label() const {
  return fmt::format("scenario {}/{} on {}", group, name, DialectName(dialect));
}

void PrintTo(const Scenario& s, std::ostream* os) {
  *os << DialectName(s.dialect) << ":" << s.group << "/" << s.name;
}

std::string ScenarioTestName(const ::testing::TestParamInfo<Scenario>& info) {
  const Scenario& s = info.param;
  std::string name = std::string(DialectName(s.dialect)) + "_";
  if (s.group == "common") name += "common_";
  for (char c : s.name) name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return name;
}

std::vector<Scenario> ListScenarios() {
  const fs::path root = fs::path(STRATA_SOURCE_DIR) / "tests" / "scenarios";
  const std::vector<std::pair<std::string, std::vector<Dialect>>> groups = {
      {"common", {Dialect::kPostgres, Dialect::kSqlite}},
      {"postgres", {Dialect::kPostgres}},
      {"sqlite", {Dialect::kSqlite}},
  };
  std::vector<Scenario> out;
  for (const auto& [group, dialects] : groups) {
    std::error_code ec;
    if (!fs::is_directory(root / group, ec)) continue;
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(root / group)) {
      if (entry.is_directory()) dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    for (Dialect d : dialects) {
      for (const fs::path& dir : dirs) out.push_back({d, group, dir.filename().string(), dir});
    }
  }
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::unique_ptr<Conn> ConnectEnforcing(const TempDatabase& db) {
  auto conn = db.Connect();
  if (conn->dialect() == Dialect::kSqlite) conn->Exec("PRAGMA foreign_keys = ON");
  return conn;
}

std::string Qualified(Dialect d, const TableKey& key) {
  return d == Dialect::kPostgres ? QuoteIdent(key.first) + "." + QuoteIdent(key.second)
                                 : QuoteIdent(key.second);
}

RowSnapshot Snapshot(Conn& conn, const schema::Realm& realm) {
  RowSnapshot out;
  for (const auto& s : realm.schemas) {
    for (const auto& t : s.tables) {
      TableRows& rows = out[{s.name, t.name}];
      std::string select;
      for (const auto& c : t.columns) {
        rows.columns.push_back(c.name);
        select += (select.empty() ? "" : ", ") + QuoteIdent(c.name);
      }
      if (select.empty()) select = "1";
      rows.rows =
          conn.Query("SELECT " + select + " FROM " + Qualified(conn.dialect(), {s.name, t.name}))
              .rows;
    }
  }
  return out;
}

std::string LostRows(Conn& conn, const schema::Realm& before, const RowSnapshot& before_rows) {
  const Dialect dialect = conn.dialect();
  const schema::Realm after = migrate::Inspect(conn);
  const RowSnapshot after_rows = Snapshot(conn, after);
  std::string problems;
  for (const auto& [key, old_rows] : before_rows) {
    auto it = after_rows.find(key);
    if (it == after_rows.end()) continue;
    const TableRows& new_rows = it->second;
    if (old_rows.rows.size() != new_rows.rows.size()) {
      problems += fmt::format("{}: {} rows before, {} after\n", Qualified(dialect, key),
                              old_rows.rows.size(), new_rows.rows.size());
      continue;
    }
    const schema::Table* old_table = FindTable(before, key);
    const schema::Table* new_table = FindTable(after, key);
    std::vector<std::pair<size_t, size_t>> common;  // column index before, after
    std::vector<std::string> cast_to;               // new type, when it changed (PostgreSQL)
    for (size_t i = 0; i < old_rows.columns.size(); ++i) {
      const schema::Column* from = old_table->FindColumn(old_rows.columns[i]);
      const schema::Column* to = new_table->FindColumn(old_rows.columns[i]);
      if (to == nullptr) continue;
      // A column that became generated, or whose expression changed, is recomputed.
      if (to->generated && to->generated != from->generated) continue;
      const size_t j = std::find(new_rows.columns.begin(), new_rows.columns.end(), to->name) -
                       new_rows.columns.begin();
      common.emplace_back(i, j);
      cast_to.push_back(dialect == Dialect::kPostgres && from->type != to->type ? to->type : "");
    }
    std::vector<Row> expected, actual;
    for (const Row& row : old_rows.rows) {
      Row projected;
      for (size_t k = 0; k < common.size(); ++k) {
        projected.push_back(CastValue(conn, row[common[k].first], cast_to[k]));
      }
      expected.push_back(std::move(projected));
    }
    for (const Row& row : new_rows.rows) {
      Row projected;
      for (const auto& [i, j] : common) projected.push_back(row[j]);
      actual.push_back(std::move(projected));
    }
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
    for (size_t r = 0; r < expected.size(); ++r) {
      if (expected[r] != actual[r]) {
        problems += fmt::format("{}: expected row {}, found {}\n", Qualified(dialect, key),
                                RowText(expected[r]), RowText(actual[r]));
        break;
      }
    }
  }
  if (dialect == Dialect::kSqlite) {
    for (const Row& r : conn.Query("PRAGMA foreign_key_check").rows) {
      problems += "foreign_key_check: " + RowText(r) + "\n";
    }
  }
  return problems;
}

}  // namespace strata::testing
