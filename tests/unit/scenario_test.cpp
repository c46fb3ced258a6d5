// The schema-evolution scenario suite: every folder of tests/scenarios/ (see its README) is a
// series of desired states, migrated step by step on real databases and checked against the
// databases.
//
// A scenario folder holds v1.sql, v2.sql, … (each a complete schema), optional dataN.sql (rows
// inserted once state N is reached) and an optional `irreversible` file listing the steps whose
// reverse the engine documents as impossible. Folders under common/ run on both dialects.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <set>

#include "strata/error.hpp"
#include "strata/migrate/changes.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"
#include "support/scenarios.hpp"
#include "support/schema_dump.hpp"

namespace strata {
namespace {

namespace fs = std::filesystem;
using testing::DumpDiff;
using testing::ReadFile;
using testing::Scenario;
using testing::SchemaDump;
using testing::TempDatabase;

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

// One scenario on one dialect. Every check reports the scenario, the step and the oracle.
class ScenarioRun {
 public:
  explicit ScenarioRun(const Scenario& scenario)
      : scenario_(scenario),
        dialect_(scenario.dialect),
        states_(scenario.StateCount()),
        irreversible_(scenario.Irreversible()),
        dev_(dialect_) {
    diff_options_ = migrate::DiffOptionsFor(dialect_);
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
      auto conn = testing::ConnectEnforcing(*fresh);
      migrate::ExecScript(*conn, ReadFile(StatePath(n)), StatePath(n).string());
      fresh_dumps_.push_back(SchemaDump(*fresh, *conn));
      if (n == 1) {  // the database built from v1.sql goes on to hold the rows
        data_ = std::move(fresh);
        data_conn_ = std::move(conn);
      }
    }
    if (!CreateFromEmpty()) return;

    bare_ = std::make_unique<TempDatabase>(dialect_);
    bare_conn_ = testing::ConnectEnforcing(*bare_);
    migrate::ExecScript(*bare_conn_, ReadFile(StatePath(1)), StatePath(1).string());
    if (!ExpectSynced(1, *data_conn_, "state loaded through the dev database")) return;
    InsertData(1);
    for (int n = 2; n <= states_; ++n) {
      if (!Step(n) || ::testing::Test::HasFailure()) return;
    }
  }

 private:
  fs::path StatePath(int n) const { return scenario_.StatePath(n); }
  fs::path DataPath(int n) const { return scenario_.DataPath(n); }
  const schema::Realm& Desired(int n) const { return desired_.at(n - 1); }
  const std::vector<std::string>& FreshDump(int n) const { return fresh_dumps_.at(n - 1); }

  // Where a failure happened: the scenario, the step (0 for the scenario as a whole) and what was
  // being checked.
  std::string Where(int step, std::string_view what) const {
    std::string where = scenario_.Label();
    if (step > 0) {
      where += fmt::format(", step {} ({} -> v{})", step,
                           step == 1 ? "empty" : fmt::format("v{}", step - 1), step);
    }
    return fmt::format("{}, {}:\n", where, what);
  }

  migrate::Plan PlanTo(Conn& conn, int n) const {
    return migrate::PlanChanges(dialect_,
                                migrate::Diff(migrate::Inspect(conn), Desired(n), diff_options_));
  }

  void InsertData(int n) {
    if (!fs::exists(DataPath(n))) return;
    migrate::ExecScript(*data_conn_, ReadFile(DataPath(n)), DataPath(n).string());
  }

  // Applies `statements` as `schema apply` does, reporting a failure with the plan. Returns whether
  // they all ran.
  bool ApplyOrReport(Conn& conn, const std::vector<migrate::Statement>& statements, int step,
                     std::string_view what, const migrate::Plan& plan) {
    try {
      migrate::ApplyStatements(conn, statements);
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
    auto conn = testing::ConnectEnforcing(db);
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
    const auto before_rows = testing::Snapshot(*data_conn_, before);
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

  // Oracle 3: every row survived (see testing::LostRows).
  bool ExpectRowsSurvived(int n, const schema::Realm& before,
                          const testing::RowSnapshot& before_rows, const migrate::Plan& plan) {
    const std::string problems = testing::LostRows(*data_conn_, before, before_rows);
    if (problems.empty()) return true;
    ADD_FAILURE() << Where(n, "oracle 3 (rows survived)") << problems << PlanText(plan);
    return false;
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
  const int states_;
  const std::set<int> irreversible_;
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

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioTest, ::testing::ValuesIn(testing::ListScenarios()),
                         testing::ScenarioTestName);

}  // namespace
}  // namespace strata
