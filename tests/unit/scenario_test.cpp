// The schema-evolution scenario suite (DESIGN.md §6): every folder of tests/scenarios/ is a series
// of desired states, migrated step by step on real databases and checked against the databases.
//
// A scenario folder holds v1.sql, v2.sql, … (each a complete schema), optional dataN.sql (rows
// inserted once state N is reached) and an optional `irreversible` file listing the steps whose
// reverse the engine documents as impossible. Folders under common/ run on both dialects.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "strata/error.hpp"
#include "strata/migrate/changes.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"
#include "support/schema_dump.hpp"

namespace strata {
namespace {

namespace fs = std::filesystem;
using testing::DumpDiff;
using testing::SchemaDump;
using testing::TempDatabase;

struct Scenario {
  Dialect dialect;
  std::string group;  // "common", "postgres" or "sqlite": the folder it sits in
  std::string name;
  fs::path dir;
};

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

std::string PlanText(const migrate::Plan& plan) {
  std::string out = "plan:\n";
  auto statements = [&out](const std::vector<migrate::Statement>& list) {
    for (const auto& s : list) {
      out += fmt::format("  {};{}{}\n", s.sql, s.no_tx ? "  -- no_tx" : "",
                         s.comment.empty() ? "" : "  -- " + s.comment);
    }
  };
  statements(plan.statements);
  out += "reverse:\n";
  statements(plan.reverse);
  for (const auto& i : plan.irreversible) out += "irreversible: " + i + "\n";
  for (const auto& w : plan.warnings) out += "warning: " + w + "\n";
  return out;
}

// Runs statements as `schema apply` does: consecutive statements share one transaction; a
// statement marked no_tx runs on its own, outside any transaction.
void Apply(Conn& conn, const std::vector<migrate::Statement>& statements) {
  size_t i = 0;
  while (i < statements.size()) {
    if (statements[i].no_tx) {
      conn.Exec(statements[i++].sql);
      continue;
    }
    Transaction tx(conn);
    for (; i < statements.size() && !statements[i].no_tx; ++i) conn.Exec(statements[i].sql);
    tx.Commit();
  }
}

// The rows of every table, each value in its text form, for the data oracle.
struct TableRows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};
using TableKey = std::pair<std::string, std::string>;  // schema, table

std::string Qualified(Dialect d, const TableKey& key) {
  return d == Dialect::kPostgres ? QuoteIdent(key.first) + "." + QuoteIdent(key.second)
                                 : QuoteIdent(key.second);
}

std::map<TableKey, TableRows> Snapshot(Conn& conn, const schema::Realm& realm) {
  std::map<TableKey, TableRows> out;
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

// One scenario on one dialect. Every check reports the scenario, the step and the oracle.
class ScenarioRun {
 public:
  explicit ScenarioRun(const Scenario& scenario)
      : scenario_(scenario), dialect_(scenario.dialect), dev_(dialect_) {
    for (int n = 1; fs::exists(StatePath(n)); ++n) ++states_;
    if (fs::exists(scenario_.dir / "irreversible")) {
      std::istringstream in(ReadFile(scenario_.dir / "irreversible"));
      for (int step; in >> step;) irreversible_.insert(step);
    }
    diff_options_.case_insensitive_types = dialect_ == Dialect::kSqlite;
  }

  void Run() {
    ASSERT_GE(states_, 2) << Where(0, "layout") << "a scenario needs v1.sql and v2.sql at least";
    dev_conn_ = dev_.Connect();
    for (int n = 1; n <= states_; ++n) {
      const std::string source = "file://" + StatePath(n).string();
      desired_.push_back(migrate::LoadState(source, dev_conn_.get()));
      EXPECT_TRUE(desired_.back().unsupported.empty())
          << Where(n, "load state") << "v" << n << ".sql holds objects the IR does not model";
      auto fresh = std::make_unique<TempDatabase>(dialect_);
      auto conn = Connect(*fresh);
      migrate::ExecScript(*conn, ReadFile(StatePath(n)), StatePath(n).string());
      fresh_dumps_.push_back(SchemaDump(*fresh, *conn));
      if (n == 1) {  // the database built from v1.sql goes on to hold the rows
        data_ = std::move(fresh);
        data_conn_ = std::move(conn);
      }
    }
    if (!CreateFromEmpty()) return;

    bare_ = std::make_unique<TempDatabase>(dialect_);
    bare_conn_ = Connect(*bare_);
    migrate::ExecScript(*bare_conn_, ReadFile(StatePath(1)), StatePath(1).string());
    if (!ExpectSynced(1, *data_conn_, "state loaded through the dev database")) return;
    InsertData(1);
    for (int n = 2; n <= states_; ++n) {
      if (!Step(n) || ::testing::Test::HasFailure()) return;
    }
  }

 private:
  fs::path StatePath(int n) const { return scenario_.dir / fmt::format("v{}.sql", n); }
  fs::path DataPath(int n) const { return scenario_.dir / fmt::format("data{}.sql", n); }
  const schema::Realm& Desired(int n) const { return desired_.at(n - 1); }
  const std::vector<std::string>& FreshDump(int n) const { return fresh_dumps_.at(n - 1); }

  // Where a failure happened: the scenario, the step (0 for the scenario as a whole) and what was
  // being checked.
  std::string Where(int step, std::string_view what) const {
    std::string where =
        fmt::format("scenario {}/{} on {}", scenario_.group, scenario_.name, DialectName(dialect_));
    if (step > 0) {
      where += fmt::format(", step {} ({} -> v{})", step,
                           step == 1 ? "empty" : fmt::format("v{}", step - 1), step);
    }
    return fmt::format("{}, {}:\n", where, what);
  }

  // SQLite connections enforce foreign keys, as applications do: a rebuild must not cascade.
  std::unique_ptr<Conn> Connect(const TempDatabase& db) const {
    auto conn = db.Connect();
    if (dialect_ == Dialect::kSqlite) conn->Exec("PRAGMA foreign_keys = ON");
    return conn;
  }

  migrate::Plan PlanTo(Conn& conn, int n) const {
    return migrate::PlanChanges(dialect_,
                                migrate::Diff(migrate::Inspect(conn), Desired(n), diff_options_));
  }

  void InsertData(int n) {
    if (!fs::exists(DataPath(n))) return;
    migrate::ExecScript(*data_conn_, ReadFile(DataPath(n)), DataPath(n).string());
  }

  // Applies `statements`, reporting a failure with the plan. Returns whether they all ran.
  bool ApplyOrReport(Conn& conn, const std::vector<migrate::Statement>& statements, int step,
                     std::string_view what, const migrate::Plan& plan) {
    try {
      Apply(conn, statements);
      return true;
    } catch (const Error& e) {
      ADD_FAILURE() << Where(step, what) << e.what() << "\n" << PlanText(plan);
      return false;
    }
  }

  // Oracle 1: the database dumps exactly as the reference dump.
  bool ExpectDump(int step, std::string_view oracle, const TempDatabase& db, Conn& conn,
                  const std::vector<std::string>& expected, const migrate::Plan& plan) {
    const std::vector<std::string> actual = SchemaDump(db, conn);
    if (actual == expected) return true;
    ADD_FAILURE() << Where(step, oracle) << "dump differs (- expected, + migrated database):\n"
                  << DumpDiff(expected, actual) << PlanText(plan);
    return false;
  }

  // Oracle 2: a second diff against the desired state finds nothing.
  bool ExpectSynced(int step, Conn& conn, std::string_view oracle,
                    const migrate::Plan* plan = nullptr) {
    const auto changes = migrate::Diff(migrate::Inspect(conn), Desired(step), diff_options_);
    if (changes.empty()) return true;
    std::string described;
    for (const auto& c : changes) described += "  " + migrate::Describe(c) + "\n";
    const auto again = migrate::PlanChanges(dialect_, changes);
    std::string sql;
    for (const auto& s : again.statements) sql += "  " + s.sql + ";\n";
    ADD_FAILURE() << Where(step, oracle) << "a second diff is not empty:\n"
                  << described << "it plans:\n"
                  << sql << (plan ? PlanText(*plan) : "");
    return false;
  }

  // Step 1 from nothing: an empty database migrated to v1 dumps as v1, and back to empty.
  bool CreateFromEmpty() {
    TempDatabase db(dialect_);
    auto conn = Connect(db);
    const std::vector<std::string> empty = SchemaDump(db, *conn);
    const migrate::Plan plan = PlanTo(*conn, 1);
    if (!ApplyOrReport(*conn, plan.statements, 1, "create v1 on an empty database", plan)) {
      return false;
    }
    bool ok = ExpectDump(1, "oracle 1 (dump, v1 created on an empty database)", db, *conn,
                         FreshDump(1), plan);
    ok = ExpectSynced(1, *conn, "oracle 2 (second diff after creating v1)", &plan) && ok;
    if (!ApplyOrReport(*conn, plan.reverse, 1, "reverse of creating v1", plan)) return false;
    return ExpectDump(1, "oracle 4 (reverse of creating v1 leaves an empty database)", db, *conn,
                      empty, plan) &&
           ok;
  }

  bool Step(int n) {
    const schema::Realm before = migrate::Inspect(*data_conn_);
    const auto before_rows = Snapshot(*data_conn_, before);
    const migrate::Plan plan =
        migrate::PlanChanges(dialect_, migrate::Diff(before, Desired(n), diff_options_));
    if (!ApplyOrReport(*data_conn_, plan.statements, n, "applying the plan (with rows)", plan)) {
      return false;
    }
    bool ok = ExpectDump(n, "oracle 1 (dump equals a fresh database built from vN.sql)", *data_,
                         *data_conn_, FreshDump(n), plan);
    ok = ExpectSynced(n, *data_conn_, "oracle 2 (second diff)", &plan) && ok;
    ok = ExpectRowsSurvived(n, before, before_rows, plan) && ok;
    try {
      InsertData(n);
    } catch (const Error& e) {
      ADD_FAILURE() << Where(n, "inserting dataN.sql") << e.what() << "\n" << PlanText(plan);
      return false;
    }
    return ExpectReverse(n, plan) && ok;
  }

  // Oracle 3: every row of every table that exists before and after survived, with the values
  // of its unchanged columns; a column whose type changed holds its old value cast to the new type.
  bool ExpectRowsSurvived(int n, const schema::Realm& before,
                          const std::map<TableKey, TableRows>& before_rows,
                          const migrate::Plan& plan) {
    const schema::Realm after = migrate::Inspect(*data_conn_);
    const auto after_rows = Snapshot(*data_conn_, after);
    std::string problems;
    for (const auto& [key, old_rows] : before_rows) {
      auto it = after_rows.find(key);
      if (it == after_rows.end()) continue;
      const TableRows& new_rows = it->second;
      if (old_rows.rows.size() != new_rows.rows.size()) {
        problems += fmt::format("{}: {} rows before, {} after\n", Qualified(dialect_, key),
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
        cast_to.push_back(dialect_ == Dialect::kPostgres && from->type != to->type ? to->type : "");
      }
      std::vector<Row> expected, actual;
      for (const Row& row : old_rows.rows) {
        Row projected;
        for (size_t k = 0; k < common.size(); ++k) {
          projected.push_back(CastValue(row[common[k].first], cast_to[k]));
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
          problems += fmt::format("{}: expected row {}, found {}\n", Qualified(dialect_, key),
                                  RowText(expected[r]), RowText(actual[r]));
          break;
        }
      }
    }
    if (dialect_ == Dialect::kSqlite) {
      for (const Row& r : data_conn_->Query("PRAGMA foreign_key_check").rows) {
        problems += "foreign_key_check: " + RowText(r) + "\n";
      }
    }
    if (problems.empty()) return true;
    ADD_FAILURE() << Where(n, "oracle 3 (rows survived)") << problems << PlanText(plan);
    return false;
  }

  // The old value as the new type would hold it (PostgreSQL), through the server's own cast.
  std::optional<std::string> CastValue(const std::optional<std::string>& value,
                                       const std::string& type) {
    if (!value || type.empty()) return value;
    try {
      return data_conn_
          ->Query("SELECT CAST(CAST($1 AS text) AS " + CastableType(type) + ")", {value})
          .rows.at(0)
          .at(0);
    } catch (const Error&) {
      return value;  // not castable through text: compare the text forms
    }
  }

  // Oracle 4: on the database without rows, the plan's reverse brings state N-1 back; the plan is
  // then applied again so that the next step starts from state N.
  bool ExpectReverse(int n, const migrate::Plan& plan) {
    if (!ApplyOrReport(*bare_conn_, plan.statements, n, "applying the plan (without rows)", plan)) {
      return false;
    }
    if (irreversible_.count(n)) {
      if (!plan.irreversible.empty()) return true;
      ADD_FAILURE() << Where(n, "oracle 4 (reverse)")
                    << "the scenario marks this step irreversible, but the plan lists no "
                       "irreversible change\n"
                    << PlanText(plan);
      return false;
    }
    if (!ApplyOrReport(*bare_conn_, plan.reverse, n, "applying the reverse plan", plan)) {
      return false;
    }
    const bool ok = ExpectDump(n, "oracle 4 (the reverse brings back v(N-1))", *bare_, *bare_conn_,
                               FreshDump(n - 1), plan);
    return ApplyOrReport(*bare_conn_, plan.statements, n, "re-applying the plan after its reverse",
                         plan) &&
           ok;
  }

  const Scenario& scenario_;
  const Dialect dialect_;
  int states_ = 0;
  std::set<int> irreversible_;
  migrate::DiffOptions diff_options_;
  TempDatabase dev_;
  std::unique_ptr<Conn> dev_conn_;
  std::vector<schema::Realm> desired_;
  std::vector<std::vector<std::string>> fresh_dumps_;
  std::unique_ptr<TempDatabase> data_, bare_;
  std::unique_ptr<Conn> data_conn_, bare_conn_;
};

class ScenarioTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(ScenarioTest, Run) {
  try {
    ScenarioRun(GetParam()).Run();
  } catch (const std::exception& e) {
    FAIL() << "scenario " << GetParam().group << "/" << GetParam().name << " on "
           << DialectName(GetParam().dialect) << ": " << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioTest, ::testing::ValuesIn(ListScenarios()),
                         ScenarioTestName);

}  // namespace
}  // namespace strata
