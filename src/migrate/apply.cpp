// Applying a migration directory (Apply; see executor.hpp).
//
// Progress is recorded per file, never per statement inside a transaction: a file's revision row
// is written when it starts (committed, so an interrupted run is visible), and finished in the
// file's own transaction. Only statements that run outside a transaction (tx-mode none) record
// progress one by one, and then in the same round trip and implicit transaction as the statement
// itself, as a fixed-size update of one row (Atlas's per-statement rewrite of a growing array
// bloated its table to 30 GB).
#include <fmt/format.h>

#include <optional>

#include "migrate/ledger.hpp"
#include "migrate/lock.hpp"
#include "migrate/part.hpp"
#include "migrate/revisions.hpp"
#include "migrate/sha256.hpp"
#include "strata/error.hpp"
#include "strata/migrate/executor.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/migrate/state.hpp"

namespace strata::migrate {
namespace {

constexpr std::string_view kSqlstateActiveTransaction = "25001";

// A database with no history must be empty (Inspect leaves the tracking tables out): files run
// on top of existing objects would fail half-way or, worse, succeed on a schema they were not
// written for.
void RequireCleanTarget(Conn& conn) {
  // Extensions are installed by administrators and providers ahead of any migration.
  const std::string list = ListObjects(Inspect(conn), false, false);
  if (list.empty()) return;
  throw InputError(fmt::format(
      "nothing was run: {} is not clean (it holds {}) but has no migration history (no "
      "strata_schema_revisions or schema_migrations rows). If its schema already matches the "
      "directory up to some version, record that with `--baseline VERSION`: versions up to "
      "VERSION are marked applied without running them, and later ones are applied. Otherwise "
      "apply to an empty database",
      conn.url().Redacted(), list));
}

// One pending file of a run, with where to start in it.
struct Step {
  const Migration* migration;
  Part part;
  int start = 0;  // statements an interrupted tx-mode none run already applied
};

// A pending file that an earlier run left half-applied resumes after its applied statements,
// provided those statements are still the same in the file.
Step MakeStep(const Ledger& ledger, const Migration& m) {
  Step step{&m, UpPart(m, ledger.url().dialect)};
  const Revision* r = ledger.Row(m.version);
  if (r == nullptr || r->applied == 0) return step;
  if (r->applied > step.part.size() || !r->applied_hash ||
      step.part.PrefixHash(r->applied) != *r->applied_hash) {
    throw InputError(fmt::format(
        "nothing was run: an earlier run applied {} of version {} ({}) outside a "
        "transaction, but those statements are not the same in the file any more, so strata "
        "cannot tell where to resume. Restore them as they were (change only the statements "
        "after them), or bring the database to the state you want by hand and record it with "
        "`strata migrate set {}`",
        FirstStatements(r->applied), m.version, m.up_file, m.version));
  }
  step.start = r->applied;
  return step;
}

// The revisions --baseline `version` records: every version of `dir` up to it, as applied without
// running. Throws InputError when the database has history or `dir` has no such version.
std::vector<Revision> BaselineRevisions(const Ledger& ledger, const Dir& dir,
                                        const std::string& version) {
  if (ledger.HasHistory()) {
    throw InputError(fmt::format(
        "nothing was run: --baseline is for a database with no migration history, and {} has "
        "one (current version {}); drop --baseline",
        ledger.url().Redacted(), VersionOrNone(ledger.Current())));
  }
  const Migration* b = ledger.File(version);
  if (b == nullptr) {
    throw InputError(fmt::format("nothing was run: --baseline {}: {} has no such version", version,
                                 dir.path().string()));
  }
  std::vector<Revision> out;
  for (const Migration& m : dir.migrations()) {
    if (CompareVersions(m.version, b->version) > 0) break;
    out.push_back(AppliedWithoutRunning(m, "baseline", ledger.url().dialect));
  }
  return out;
}

// The files a run applies: the pending ones above any baseline, at most `options.limit`. Throws
// InputError for a --tx-mode all run holding a file that must run outside a transaction.
std::vector<Step> StepsOf(const Ledger& ledger, const Dir& dir, const ApplyOptions& options) {
  std::vector<Step> steps;
  for (const Migration* m : ledger.Pending()) {
    if (!options.baseline.empty() && CompareVersions(m->version, options.baseline) <= 0) continue;
    if (options.limit > 0 && static_cast<int>(steps.size()) == options.limit) break;
    steps.push_back(MakeStep(ledger, *m));
  }
  if (options.tx_mode != TxMode::kAll) return steps;
  for (const Step& step : steps) {
    if (!step.part.no_tx) continue;
    throw InputError(fmt::format(
        "nothing was run: {} must run outside a transaction ({}), so it cannot be part of "
        "--tx-mode all. Apply the files before it with `strata migrate apply N --tx-mode all`, "
        "then the rest with --tx-mode file",
        (dir.path() / step.part.file).string(),
        step.migration->no_tx ? "it says `-- strata:txmode none`"
                              : "it opens or commits transactions itself"));
  }
  return steps;
}

// What a run does about a file an earlier run left failed or interrupted, for the run's notes.
// Nothing needs a manual step: what ran in the file's transaction was rolled back, what ran
// outside one is resumed after (MakeStep checked it is unchanged).
std::string RetryNote(const Revision& r, const Step& step) {
  const std::string what = r.failed()
                               ? fmt::format("failed in an earlier run ({})", r.error.value_or(""))
                               : std::string("was interrupted in an earlier run");
  const std::string how =
      step.start == 0
          ? std::string("nothing of it was left applied, so it runs again from the start")
          : fmt::format("{} stayed applied, so it resumes at statement {}",
                        FirstStatements(step.start), step.start + 1);
  return fmt::format("version {} ({}) {}: {}", step.migration->version, step.part.file, what, how);
}

FileReport ReportOf(const Step& step, double ms) {
  return FileReport{.version = step.migration->version,
                    .description = step.migration->description,
                    .file = step.part.file,
                    .statements = step.part.size() - step.start,
                    .skipped = step.start,
                    .ms = ms,
                    .no_tx = step.part.no_tx};
}

// Runs the steps of one Apply with the migration lock held.
class Applier {
 public:
  Applier(Conn& conn, const Dir& dir, Tracking& tracking, const ApplyOptions& options,
          std::string current, ApplyResult& result)
      : conn_(conn),
        dir_(dir),
        tracking_(tracking),
        options_(options),
        current_(std::move(current)),
        result_(result) {}

  // `lock` (null in a dry run) is checked before each file.
  void RunEach(const std::vector<Step>& steps, const MigrationLock* lock) {
    for (const Step& step : steps) {
      if (lock != nullptr) lock->CheckHeld();
      RunFile(step);
    }
  }
  // --tx-mode all: every statement of the run in one transaction, each file recorded in it once
  // its statements ran. Apply refuses a run holding a no_tx file before anything runs, so there
  // is nothing to group around (ApplyStatements' work), only the one transaction.
  void RunAll(const std::vector<Step>& steps);
  const std::string& current() const { return current_; }

 private:
  // Runs one file through ApplyStatements, grouped as Part::GroupingFor says, and records it.
  void RunFile(const Step& step);
  // Runs statement `index` of a file outside a transaction, recording progress with it.
  void ExecTracked(const Step& step, int index, const Sha256& prefix);
  [[noreturn]] void Fail(const Step& step, int index, int in_effect, bool transactional,
                         const SqlError& e, std::string_view consequence,
                         const std::string& record);
  // Fail's first lines for a file whose statements all ran but whose COMMIT failed.
  std::string CommitFailure(const Step& step, const SqlError& e) const;
  void Advance(const std::string& version) {
    if (current_.empty() || CompareVersions(version, current_) > 0) current_ = version;
  }
  void Report(const Step& step, double ms, bool no_tx) {
    result_.files.push_back(ReportOf(step, ms));
    result_.files.back().no_tx = no_tx;
    if (options_.progress) options_.progress(result_.files.back());
  }

  Conn& conn_;
  const Dir& dir_;
  Tracking& tracking_;
  const ApplyOptions& options_;
  std::string current_;
  ApplyResult& result_;
};

void Applier::RunFile(const Step& step) {
  const Migration& m = *step.migration;
  const Part& part = step.part;
  const Part::Grouping grouping = part.GroupingFor(options_.tx_mode == TxMode::kNone, step.start);
  const bool one_tx = grouping != Part::Grouping::kAlone;
  const std::string before = current_;
  Revision marker{.version = m.version,
                  .description = m.description,
                  .applied = step.start,
                  .total = part.size(),
                  .executed_at = Tracking::Now(),
                  .hash = HashOf(m.up_sql)};
  if (step.start > 0) marker.applied_hash = part.PrefixHash(step.start);
  // golang-migrate's order: the version is marked dirty before the file runs, clean after.
  Tracking::ExecAtomic(conn_, tracking_.Upsert(marker) +
                                  tracking_.SetGolang(GolangNumber(tracking_, m.version), true));
  const auto start = Clock::now();
  // The file is recorded as done in the transaction holding its statements, or on its own right
  // after them when they ran outside one.
  bool finished = false;
  const auto finish = [&] {
    Advance(m.version);
    finished = true;
    const auto ms = static_cast<std::int64_t>(MsSince(start));
    return tracking_.Finish(m.version, part.size(), ms) +
           tracking_.SetGolang(GolangNumber(tracking_, current_), false) +
           tracking_.ToolApplied(m, ms);
  };
  ApplyHooks hooks{.before_commit = [&](size_t, size_t) { conn_.Exec(finish()); }};
  Sha256 prefix;  // of the statements applied outside a transaction, for ExecTracked
  if (!one_tx) {
    for (int i = 0; i < step.start; ++i) prefix.Update(part.statements[i].text + '\0');
    hooks.run_alone = [&](size_t i) {
      const int index = step.start + static_cast<int>(i);
      prefix.Update(part.statements[index].text + '\0');
      ExecTracked(step, index, prefix);
    };
  }
  try {
    ApplyStatements(conn_, part.ToRun(grouping, step.start), hooks);
  } catch (const StatementError& e) {
    // Only a rebuild's closing pragma runs after the file's transaction committed it; a failed
    // COMMIT rolled the file's record back with its statements.
    if (finished && !e.at_commit) throw;
    finished = false;
    const int index = step.start + static_cast<int>(e.index);
    // Outside a transaction, every statement before the failing one stays applied.
    const int in_effect = one_tx ? step.start : index;
    current_ = before;
    // With nothing of the file left in the database, schema_migrations goes back to the version
    // before it, clean; otherwise it stays dirty, as golang-migrate leaves it.
    std::string record = tracking_.Fail(
        m.version, in_effect,
        in_effect > 0 ? std::optional<std::string>(part.PrefixHash(in_effect)) : std::nullopt,
        e.server_message, e.at_commit ? std::string("COMMIT") : part.statements[index].text);
    if (in_effect == 0) record += tracking_.SetGolang(GolangNumber(tracking_, before), false);
    std::string consequence;
    if (in_effect == 0) {
      consequence = fmt::format(
          "{} nothing of this file is applied; the database is at version {}.",
          one_tx ? "The file's transaction was rolled back:" : "It was the first statement:",
          VersionOrNone(before));
    } else if (one_tx) {
      consequence = fmt::format(
          "The file's transaction was rolled back; what an earlier run applied outside a "
          "transaction ({}) stays applied.",
          FirstStatements(in_effect));
    } else {
      consequence = fmt::format("This file runs outside a transaction ({}): {} stay{} applied.",
                                part.no_tx ? "the file asks for it" : "--tx-mode none",
                                FirstStatements(in_effect), in_effect == 1 ? "s" : "");
    }
    Fail(step, index, in_effect, one_tx, e, consequence, record);
  }
  if (!finished) Tracking::ExecAtomic(conn_, finish());
  Report(step, MsSince(start), !one_tx);
}

void Applier::ExecTracked(const Step& step, int index, const Sha256& prefix) {
  const std::string& text = step.part.statements[index].text;
  const std::string progress =
      tracking_.Progress(step.migration->version, index + 1, Base64(prefix.Sum()));
  try {
    // One round trip; on PostgreSQL also one implicit transaction, so the progress row is
    // exact even if the process dies. The newline keeps a trailing line comment from swallowing
    // the separator.
    conn_.Exec(text + "\n;\n" + progress);
  } catch (const SqlError& e) {
    // CREATE INDEX CONCURRENTLY, VACUUM and the like refuse to share an implicit transaction
    // (and the failed string changed nothing): they run alone, the progress right after.
    if (conn_.dialect() != Dialect::kPostgres || e.sqlstate != kSqlstateActiveTransaction) throw;
    conn_.Exec(text);
    conn_.Exec(progress);
  }
}

void Applier::RunAll(const std::vector<Step>& steps) {
  const std::string before = current_;
  size_t failing_step = 0;
  int index = -1;
  std::vector<std::pair<size_t, double>> done;
  try {
    Transaction tx(conn_);
    for (failing_step = 0; failing_step < steps.size(); ++failing_step) {
      const Step& step = steps[failing_step];
      const Migration& m = *step.migration;
      const auto start = Clock::now();
      const std::string executed_at = Tracking::Now();
      for (index = step.start; index < step.part.size(); ++index) {
        conn_.Exec(step.part.statements[index].text);
      }
      index = -1;
      Advance(m.version);
      const auto ms = static_cast<std::int64_t>(MsSince(start));
      conn_.Exec(tracking_.Upsert(Revision{.version = m.version,
                                           .description = m.description,
                                           .applied = step.part.size(),
                                           .total = step.part.size(),
                                           .executed_at = executed_at,
                                           .execution_ms = ms,
                                           .hash = HashOf(m.up_sql)}) +
                 tracking_.ToolApplied(m, ms));
      done.emplace_back(failing_step, MsSince(start));
    }
    conn_.Exec(tracking_.SetGolang(GolangNumber(tracking_, current_), false));
    try {
      tx.Commit();
    } catch (const SqlError& e) {
      std::string files;
      for (const Step& step : steps) files += "\n  " + (dir_.path() / step.part.file).string();
      throw SqlError(
          fmt::format(
              "the run's transaction (--tx-mode all) failed at COMMIT, after the statements of "
              "its {} ran: {}{}\n  A constraint checked at commit (DEFERRABLE INITIALLY DEFERRED, "
              "or deferred with SET CONSTRAINTS) is broken by the rows one of them left:{}\nThe "
              "whole run was rolled back: none of its files was applied; the database is at "
              "version {}. Fix the file and run `strata migrate apply` again.",
              Plural(steps.size(), "file"), e.server_message,
              e.sqlstate.empty() ? "" : fmt::format(" ({})", e.sqlstate), files,
              VersionOrNone(before)),
          e.sqlstate, e.server_message, "COMMIT", 0);
    }
  } catch (const SqlError& e) {
    if (index < 0) throw;
    current_ = before;
    const Step& step = steps[failing_step];
    const Migration& m = *step.migration;
    Revision failed{.version = m.version,
                    .description = m.description,
                    .applied = step.start,
                    .total = step.part.size(),
                    .executed_at = Tracking::Now(),
                    .error = e.server_message,
                    .error_stmt = step.part.statements[index].text,
                    .hash = HashOf(m.up_sql)};
    if (step.start > 0) failed.applied_hash = step.part.PrefixHash(step.start);
    Fail(step, index, step.start, true, e,
         fmt::format("The whole run was rolled back (--tx-mode all): none of its {} was applied; "
                     "the database is at version {}.",
                     Plural(steps.size(), "file"), VersionOrNone(before)),
         tracking_.Upsert(failed));
  }
  for (const auto& [i, ms] : done) Report(steps[i], ms, false);
}

std::string Applier::CommitFailure(const Step& step, const SqlError& e) const {
  return fmt::format(
      "{} failed at COMMIT, after its {} ran (version {}): {}{}\n  A constraint checked at "
      "commit (DEFERRABLE INITIALLY DEFERRED, or deferred with SET CONSTRAINTS) is broken by the "
      "rows the file's statements left.",
      (dir_.path() / step.part.file).string(), Plural(step.part.size(), "statement"),
      step.migration->version, e.server_message,
      e.sqlstate.empty() ? "" : fmt::format(" ({})", e.sqlstate));
}

void Applier::Fail(const Step& step, int index, int in_effect, bool transactional,
                   const SqlError& e, std::string_view consequence, const std::string& record) {
  const Part& part = step.part;
  const Migration& m = *step.migration;
  const auto* statement_error = dynamic_cast<const StatementError*>(&e);
  const bool at_commit = statement_error != nullptr && statement_error->at_commit;
  const std::string recorded = TryRecord(conn_, record);
  const std::string recovery =
      !transactional && in_effect > 0
          ? fmt::format(
                "Fix the failing statement, leaving the {} before it unchanged (then `strata "
                "migrate hash`), and run `strata migrate apply` again: it resumes at statement "
                "{}. If you repair the database by hand instead, record it with `strata migrate "
                "set {}`.",
                Plural(in_effect, "statement"), index + 1, m.version)
          : "Fix the file (then `strata migrate hash`) and run `strata migrate apply` again; "
            "`strata migrate status` shows the state.";
  throw SqlError(
      fmt::format("{}\n{}\n{}{}",
                  at_commit ? CommitFailure(step, e)
                            : part.FailureAt(dir_.path(), index, "version " + m.version, e),
                  consequence, recovery, recorded),
      e.sqlstate, e.server_message, at_commit ? "COMMIT" : part.statements[index].text,
      at_commit ? 0 : e.position);
}

}  // namespace

std::string_view TxModeName(TxMode mode) {
  switch (mode) {
    case TxMode::kFile:
      return "file";
    case TxMode::kAll:
      return "all";
    case TxMode::kNone:
      return "none";
  }
  return "file";
}

TxMode ParseTxMode(std::string_view name) {
  for (TxMode mode : {TxMode::kFile, TxMode::kAll, TxMode::kNone}) {
    if (name == TxModeName(mode)) return mode;
  }
  throw InputError(fmt::format("unknown transaction mode \"{}\": use file, all or none", name));
}

ApplyResult Apply(Conn& conn, const Dir& dir, const ApplyOptions& options) {
  if (options.limit < 0) {
    throw InputError("the number of files to apply must be positive (or 0 for all of them)");
  }
  std::optional<MigrationLock> lock;
  if (!options.dry_run) lock.emplace(conn, options.lock_timeout, options.lock_strategy);
  Ledger ledger(conn, dir);
  ApplyResult result;
  result.from_version = ledger.Current();
  result.notes = ledger.notes();
  ledger.RequireRunnable(options.allow_out_of_order);
  for (const Problem& p : ledger.Problems()) {
    if (p.kind == Problem::Kind::kEdited) result.notes.push_back(p.message);
  }

  std::vector<Revision> baseline;
  if (!options.baseline.empty()) {
    baseline = BaselineRevisions(ledger, dir, options.baseline);
    result.notes.push_back(
        fmt::format("baseline: {} up to {} recorded as applied without running them",
                    Plural(baseline.size(), "version"), baseline.back().version));
  } else if (!ledger.HasHistory()) {
    RequireCleanTarget(conn);
  }
  const std::vector<Step> steps = StepsOf(ledger, dir, options);
  for (const Step& step : steps) {
    const Revision* r = ledger.Row(step.migration->version);
    if (r != nullptr && !r->finished()) result.notes.push_back(RetryNote(*r, step));
  }

  if (options.dry_run) {
    for (const Step& step : steps) {
      result.files.push_back(ReportOf(step, 0));
      for (int i = step.start; i < step.part.size(); ++i) {
        result.files.back().sql.push_back(step.part.statements[i].text);
      }
      if (options.progress) options.progress(result.files.back());
    }
    result.to_version = result.from_version;
    return result;
  }

  Tracking& tracking = ledger.tracking();
  tracking.EnsureTables();
  std::string setup = ledger.ReconcileSql();
  for (const Revision& r : baseline) {
    setup += tracking.Upsert(r) + tracking.ToolApplied(*ledger.File(r.version), 0);
  }
  if (!baseline.empty()) {
    setup += tracking.SetGolang(GolangNumber(tracking, baseline.back().version), false);
  }
  if (!setup.empty()) Tracking::ExecAtomic(conn, setup);

  const std::string current =
      baseline.empty() || !ledger.Current().empty() ? ledger.Current() : baseline.back().version;
  Applier applier(conn, dir, tracking, options, current, result);
  if (options.tx_mode == TxMode::kAll) {
    if (!steps.empty()) applier.RunAll(steps);
  } else {
    applier.RunEach(steps, lock ? &*lock : nullptr);
  }
  result.to_version = applier.current();
  return result;
}

}  // namespace strata::migrate
