// Reverting the last applied versions of a migration directory (Down; see executor.hpp).
#include <fmt/format.h>

#include <optional>

#include "migrate/ledger.hpp"
#include "migrate/lock.hpp"
#include "migrate/part.hpp"
#include "migrate/revisions.hpp"
#include "strata/error.hpp"
#include "strata/migrate/executor.hpp"
#include "strata/migrate/plan.hpp"

namespace strata::migrate {
namespace {

// One version to revert.
struct DownStep {
  const Migration* migration;
  Part part;
  std::string after;  // the current version once this one is reverted
};

// The last `count` applied versions, highest first. Throws InputError, before anything runs, when
// a version is half-applied (reverting others could leave a state no file describes) or when one
// of them has no file or no down part.
std::vector<DownStep> StepsOf(const Ledger& ledger, const Dir& dir, int count) {
  std::string blocking;
  for (const Problem& p : ledger.Problems()) {
    const bool partial =
        p.kind == Problem::Kind::kForeignDirty ||
        ((p.kind == Problem::Kind::kFailed || p.kind == Problem::Kind::kInterrupted) &&
         ledger.Row(p.version) != nullptr && ledger.Row(p.version)->applied > 0);
    if (partial) blocking += "\n  - " + p.message;
  }
  if (!blocking.empty()) {
    throw InputError(fmt::format(
        "nothing was reverted: a version is half-applied, so reverting others could leave a "
        "state no file describes:{}",
        blocking));
  }
  const std::vector<std::string> applied = ledger.AppliedDescending();
  if (static_cast<int>(applied.size()) < count) {
    throw InputError(fmt::format(
        "nothing was reverted: asked to revert {}, but {} applied", Plural(count, "version"),
        applied.size() == 1 ? "only 1 is" : fmt::format("{} are", applied.size())));
  }
  std::vector<DownStep> steps;
  std::string problems;
  for (int i = 0; i < count; ++i) {
    const std::string& v = applied[i];
    const std::string after = i + 1 < static_cast<int>(applied.size()) ? applied[i + 1] : "";
    const Migration* m = ledger.File(v);
    if (m == nullptr) {
      problems += fmt::format("\n  - version {} is applied but {} has no file for it", v,
                              dir.path().string());
    } else if (m->down_file.empty()) {
      problems += fmt::format("\n  - version {} ({}) has no down part", v, m->up_file);
    } else {
      steps.push_back(DownStep{m, DownPart(*m, ledger.url().dialect), after});
    }
  }
  if (!problems.empty()) {
    throw InputError(fmt::format(
        "nothing was reverted: the last {} cannot all be reverted:{}\nWrite the missing down "
        "files (then `strata migrate hash`), or revert fewer versions",
        Plural(count, "applied version"), problems));
  }
  return steps;
}

// Where statement `index` of `step`'s down part failing leaves the database, and what to do. A
// part run statement by statement whose first statement failed changed nothing: its version is
// set back to clean in schema_migrations (which the run had marked dirty), and `tracking` says if
// that could not be recorded.
std::string Consequence(Conn& conn, Tracking& tracking, const DownStep& step, bool alone,
                        int index) {
  const Migration& m = *step.migration;
  if (alone && index > 0) {
    return fmt::format(
        "This down part runs outside a transaction and {} of it ran and stayed, so the database "
        "is between versions {} and {}. Complete or undo the revert by hand, then record where "
        "the database is with `strata migrate set VERSION`.",
        FirstStatements(index), m.version, VersionOrNone(step.after));
  }
  const std::string unrecorded =
      alone ? TryRecord(conn, tracking.SetGolang(GolangNumber(tracking, m.version), false)) : "";
  return fmt::format(
      "{}: version {} is still applied. Fix the down file (then `strata migrate hash`) and run "
      "`strata migrate down` again.{}",
      alone ? "Its first statement failed, so nothing of it ran"
            : "The down part's transaction was rolled back",
      m.version, unrecorded);
}

// Runs the down part of `step` and records the revert: in the transaction holding its
// statements, or right after them when they run outside one (then schema_migrations is marked
// dirty while they run, as golang-migrate does). A failing statement throws SqlError naming the
// file, line and statement, where the database is and what to do.
void Revert(Conn& conn, Tracking& tracking, const Dir& dir, const DownStep& step) {
  const Migration& m = *step.migration;
  const Part& part = step.part;
  const Part::Grouping grouping = part.GroupingFor(false, 0);
  const bool alone = grouping == Part::Grouping::kAlone;
  // golang-migrate writes no version for "nothing applied" but -1 (its NilVersion) while dirty.
  const std::optional<std::int64_t> after_number = GolangNumber(tracking, step.after);
  const std::string finish = tracking.Delete(m.version) + tracking.SetGolang(after_number, false) +
                             tracking.ToolReverted(m.version);
  if (alone) {
    if (std::string dirty = tracking.SetGolang(after_number.value_or(-1), true); !dirty.empty()) {
      Tracking::ExecAtomic(conn, dirty);
    }
  }
  bool finished = false;
  const ApplyHooks hooks{.before_commit = [&](size_t, size_t) {
    conn.Exec(finish);
    finished = true;
  }};
  try {
    ApplyStatements(conn, part.ToRun(grouping, 0), hooks);
  } catch (const StatementError& e) {
    // Only a rebuild's closing pragma runs after the part's transaction committed it; a failed
    // COMMIT rolled the record back with the statements.
    if (finished && !e.at_commit) throw;
    const int index = static_cast<int>(e.index);
    const std::string headline =
        e.at_commit
            ? fmt::format(
                  "{} failed at COMMIT, after its {} ran (down part of version {}): {}{}\n  A "
                  "constraint checked at commit (DEFERRABLE INITIALLY DEFERRED, or deferred with "
                  "SET CONSTRAINTS) is broken by the rows the statements left.",
                  (dir.path() / part.file).string(), Plural(part.size(), "statement"), m.version,
                  e.server_message, e.sqlstate.empty() ? "" : fmt::format(" ({})", e.sqlstate))
            : part.FailureAt(dir.path(), index, "down part of version " + m.version, e);
    throw SqlError(fmt::format("{}\n{}", headline, Consequence(conn, tracking, step, alone, index)),
                   e.sqlstate, e.server_message,
                   e.at_commit ? std::string("COMMIT") : part.statements[index].text,
                   e.at_commit ? 0 : e.position);
  }
  if (!finished) Tracking::ExecAtomic(conn, finish);
}

}  // namespace

DownResult Down(Conn& conn, const Dir& dir, const DownOptions& options) {
  if (options.count < 1) throw InputError("the number of versions to revert must be at least 1");
  std::optional<MigrationLock> lock;
  if (!options.dry_run) lock.emplace(conn, options.lock_timeout, options.lock_strategy);
  Ledger ledger(conn, dir);
  DownResult result;
  result.from_version = ledger.Current();
  const std::vector<DownStep> steps = StepsOf(ledger, dir, options.count);

  Tracking& tracking = ledger.tracking();
  if (!options.dry_run) {
    tracking.EnsureTables();
    if (std::string sql = ledger.ReconcileSql(); !sql.empty()) {
      Tracking::ExecAtomic(conn, sql);
    }
  }
  for (const DownStep& step : steps) {
    if (lock) lock->CheckHeld();
    const Part& part = step.part;
    FileReport report{.version = step.migration->version,
                      .description = step.migration->description,
                      .file = part.file,
                      .statements = part.size(),
                      .no_tx = part.GroupingFor(false, 0) == Part::Grouping::kAlone};
    if (options.dry_run) {
      for (const driver::ScriptStatement& st : part.statements) report.sql.push_back(st.text);
    } else {
      const auto start = Clock::now();
      Revert(conn, tracking, dir, step);
      report.ms = MsSince(start);
    }
    result.files.push_back(report);
    if (options.progress) options.progress(report);
  }
  result.to_version = options.dry_run ? result.from_version : steps.back().after;
  return result;
}

}  // namespace strata::migrate
