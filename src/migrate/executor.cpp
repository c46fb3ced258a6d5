// Applying, reverting and repairing a migration directory on a database (see executor.hpp).
//
// Progress is recorded per file, never per statement inside a transaction: a file's revision row
// is written when it starts (committed, so an interrupted run is visible), and finished in the
// file's own transaction. Only statements that run outside a transaction (tx-mode none) record
// progress one by one, and then in the same round trip and implicit transaction as the statement
// itself, as a fixed-size update of one row (DESIGN.md §7: Atlas's per-statement rewrite of a
// growing array bloated its table to 30 GB).
#include "strata/migrate/executor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <map>
#include <optional>

#include "migrate/lock.hpp"
#include "migrate/revisions.hpp"
#include "migrate/sha256.hpp"
#include "migrate/split.hpp"
#include "strata/migrate/state.hpp"
#include "strata/schema.hpp"

namespace strata::migrate {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxStatementShown = 1000;
constexpr std::string_view kSqlstateActiveTransaction = "25001";

struct VersionLess {
  bool operator()(const std::string& a, const std::string& b) const {
    return CompareVersions(a, b) < 0;
  }
};

std::string Plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// "statement 1" or "statements 1–n": the first n statements of a file.
std::string FirstStatements(int n) {
  return n == 1 ? std::string("statement 1") : fmt::format("statements 1–{}", n);
}

std::string Shown(std::string_view sql) {
  if (sql.size() <= kMaxStatementShown) return std::string(sql);
  return std::string(sql.substr(0, kMaxStatementShown)) + " …";
}

std::string VersionOrNone(const std::string& version) {
  return version.empty() ? "none (nothing applied)" : version;
}

std::string HashOf(std::string_view text) {
  Sha256 h;
  h.Update(text);
  return Base64(h.Sum());
}

std::string UpperWord(std::string_view text, size_t* pos) {
  while (*pos < text.size() && std::isspace(static_cast<unsigned char>(text[*pos]))) ++*pos;
  std::string word;
  while (*pos < text.size() && std::isalpha(static_cast<unsigned char>(text[*pos]))) {
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[(*pos)++]))));
  }
  return word;
}

// A statement that opens or ends a transaction at top level (BEGIN, COMMIT, …; not ROLLBACK TO
// SAVEPOINT, and not BEGIN ATOMIC, which only appears inside a function body).
bool IsTransactionControl(std::string_view statement) {
  size_t pos = 0;
  const std::string first = UpperWord(statement, &pos);
  if (first == "ROLLBACK") return UpperWord(statement, &pos) != "TO";
  return first == "BEGIN" || first == "START" || first == "COMMIT" || first == "END" ||
         first == "ABORT";
}

// Lines from the start of `statement` to its `position`-th character (1-based, in characters as
// PostgreSQL counts them), so an error can point at the line inside a multi-line statement.
int LinesBefore(std::string_view statement, int position) {
  int chars = 0, lines = 0;
  for (char c : statement) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && ++chars >= position) break;
    if (c == '\n') ++lines;
  }
  return position > 0 ? lines : 0;
}

// The up or down part of a migration, split into statements.
struct Part {
  std::string file;
  int first_line = 1;  // line of `file` where the part starts
  std::vector<ScriptStatement> statements;
  // Runs outside a transaction: the file says so, or it opens and commits transactions itself
  // (golang-migrate files often do), which a surrounding transaction would break.
  bool no_tx = false;
  // A SQLite table rebuild, as strata's planner writes it: the file opens with `PRAGMA
  // foreign_keys = off` and closes with `= on`, which SQLite ignores inside a transaction, hence
  // its `-- strata:txmode none`. The statements between them still run in one transaction, so
  // that a failure rolls the whole rebuild back instead of leaving it half done.
  bool fk_pragma_edges = false;

  int size() const { return static_cast<int>(statements.size()); }
  int LineOf(int index) const { return first_line + statements[index].line - 1; }
  // SHA-256 over the first `count` statements, each followed by a NUL byte.
  std::string PrefixHash(int count) const {
    Sha256 h;
    for (int i = 0; i < count; ++i) h.Update(statements[i].text + '\0');
    return Base64(h.Sum());
  }
};

// True for `PRAGMA foreign_keys = <value>` in any case and spacing, with `value` one of the
// spellings SQLite accepts for it (lower case).
bool IsForeignKeysPragma(std::string_view statement,
                         std::initializer_list<std::string_view> values) {
  std::string compact;
  for (char c : statement) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      compact.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  while (!compact.empty() && compact.back() == ';') compact.pop_back();
  for (std::string_view value : values) {
    if (compact == fmt::format("pragmaforeign_keys={}", value)) return true;
  }
  return false;
}

Part MakePart(std::string file, int first_line, std::string_view sql, bool no_tx) {
  Part part{std::move(file), first_line, SplitStatements(sql), no_tx};
  const bool controls_transactions =
      std::any_of(part.statements.begin(), part.statements.end(),
                  [](const auto& s) { return IsTransactionControl(s.text); });
  part.no_tx = no_tx || controls_transactions;
  part.fk_pragma_edges =
      part.no_tx && !controls_transactions && part.size() >= 2 &&
      IsForeignKeysPragma(part.statements.front().text, {"off", "0", "false", "no"}) &&
      IsForeignKeysPragma(part.statements.back().text, {"on", "1", "true", "yes"});
  return part;
}

// Runs `sql` (when not empty) when it goes out of scope, however the scope is left: the closing
// PRAGMA of a rebuild file must run after its transaction commits or rolls back.
class PragmaAfter {
 public:
  PragmaAfter(Conn& conn, std::string sql) : conn_(conn), sql_(std::move(sql)) {}
  PragmaAfter(const PragmaAfter&) = delete;
  PragmaAfter& operator=(const PragmaAfter&) = delete;
  ~PragmaAfter() {
    if (sql_.empty()) return;
    try {
      conn_.Exec(sql_);
    } catch (const Error&) {
      // Only the session's setting is lost; the connection closes when the command ends.
    }
  }

 private:
  Conn& conn_;
  std::string sql_;
};

Part UpPart(const Migration& m) { return MakePart(m.up_file, m.up_line, m.up_sql, m.no_tx); }
Part DownPart(const Migration& m) {
  return MakePart(m.down_file, m.down_line, m.down_sql, m.down_no_tx);
}

std::optional<std::int64_t> GolangNumber(const Tracking& tracking, const std::string& version) {
  if (!tracking.golang_migrate() || version.empty()) return std::nullopt;
  return GolangVersionNumber(version);
}

// Records a failure; when that fails too (the connection is gone), says so in the message rather
// than hiding the first error.
std::string TryRecord(Conn& conn, const std::string& sql) {
  try {
    conn.Exec(Tracking::Atomic(sql));
    return {};
  } catch (const Error& e) {
    return fmt::format("\n(The failure could not be recorded in strata_schema_revisions: {})",
                       e.what());
  }
}

// The migration state of a database against a directory: the tracking tables, reconciled with
// what golang-migrate may have done to schema_migrations since strata last wrote it.
class Ledger {
 public:
  Ledger(Conn& conn, const Dir& dir)
      : conn_(conn), dir_(dir), tracking_(conn, dir.format() == DirFormat::kGolangMigrate) {
    for (const Migration& m : dir.migrations()) files_.emplace(m.version, &m);
    tracking_.Load();
    for (const Revision& r : tracking_.revisions()) rows_.emplace(r.version, r);
    Reconcile();
  }

  Tracking& tracking() { return tracking_; }
  const std::vector<std::string>& notes() const { return notes_; }

  // Any trace of an earlier run: a revision, or a schema_migrations row.
  bool HasHistory() const { return !tracking_.revisions().empty() || tracking_.golang_rows() > 0; }

  const Migration* File(const std::string& version) const {
    auto it = files_.find(version);
    return it == files_.end() ? nullptr : it->second;
  }
  const Revision* Row(const std::string& version) const {
    auto it = rows_.find(version);
    return it == rows_.end() ? nullptr : &it->second;
  }
  bool Applied(const std::string& version) const {
    const Revision* r = Row(version);
    return r != nullptr && r->finished();
  }

  // The highest applied version, "" when none.
  std::string Current() const {
    for (auto it = rows_.rbegin(); it != rows_.rend(); ++it) {
      if (it->second.finished()) return it->first;
    }
    return {};
  }
  // Applied versions, highest first.
  std::vector<std::string> AppliedDescending() const {
    std::vector<std::string> out;
    for (auto it = rows_.rbegin(); it != rows_.rend(); ++it) {
      if (it->second.finished()) out.push_back(it->first);
    }
    return out;
  }
  int AppliedCount() const {
    return static_cast<int>(std::count_if(rows_.begin(), rows_.end(),
                                          [](const auto& kv) { return kv.second.finished(); }));
  }
  // Files not applied, in version order.
  std::vector<const Migration*> Pending() const {
    std::vector<const Migration*> out;
    for (const auto& [version, m] : files_) {
      if (!Applied(version)) out.push_back(m);
    }
    return out;
  }

  // SQL that records the reconciliation (versions taken over from, or reverted by, golang-migrate).
  std::string ReconcileSql() const {
    std::string sql;
    for (const std::string& v : adopted_) sql += tracking_.Upsert(rows_.at(v));
    for (const std::string& v : reverted_) sql += tracking_.Delete(v);
    return sql;
  }

  std::vector<Problem> Problems() const;

  // Throws InputError for the problems a run must not go past; see Apply.
  void RequireRunnable(bool allow_out_of_order) const {
    std::string blocking;
    for (const Problem& p : Problems()) {
      const bool blocks = p.kind == Problem::Kind::kForeignDirty ||
                          (p.kind == Problem::Kind::kMissingFile && MissingBlocks(p.version)) ||
                          (p.kind == Problem::Kind::kOutOfOrder && !allow_out_of_order);
      if (blocks) blocking += "\n  - " + p.message;
    }
    if (!blocking.empty()) {
      throw InputError(fmt::format("nothing was run: the migration state of {} needs attention:{}",
                                   conn_.url().Redacted(), blocking));
    }
  }

 private:
  void Reconcile();
  // A version with no file stops a run when something of it is in the database.
  bool MissingBlocks(const std::string& version) const {
    const Revision* r = Row(version);
    return r == nullptr || r->finished() || r->applied > 0;
  }
  std::string Describe(const std::string& version) const {
    const Migration* m = File(version);
    return m != nullptr ? fmt::format("version {} ({})", version, m->up_file)
                        : fmt::format("version {}", version);
  }

  Conn& conn_;
  const Dir& dir_;
  Tracking tracking_;
  std::map<std::string, const Migration*, VersionLess> files_;
  std::map<std::string, Revision, VersionLess> rows_;
  std::vector<std::string> adopted_, reverted_;
  std::vector<std::string> notes_;
  std::string foreign_dirty_;   // why schema_migrations needs a human, when it does
  std::string golang_missing_;  // schema_migrations' version when the directory lacks it
};

// golang-migrate keeps schema_migrations as "every version up to V is applied". strata writes it
// in step with its own revisions, so a difference means another tool ran since: versions up to a
// higher V were applied by it (taken over), versions above a lower V were reverted by it.
void Ledger::Reconcile() {
  if (!tracking_.golang_migrate() || !tracking_.has_golang_table()) return;
  const auto& golang = tracking_.golang();
  if (tracking_.golang_rows() > 1) {
    foreign_dirty_ = fmt::format(
        "{} holds {} rows; golang-migrate keeps exactly one. Record the version the database is "
        "really at with `strata migrate set VERSION`",
        tracking_.golang_table_name(), tracking_.golang_rows());
    return;
  }
  if (golang && golang->dirty) {
    const std::string v = std::to_string(golang->version);
    const Revision* r = golang->version >= 0 ? Row(v) : nullptr;
    if (r == nullptr || r->finished()) {
      foreign_dirty_ = fmt::format(
          "{} marks version {} dirty, and strata's history does not say why: a "
          "golang-migrate run (or a strata down outside a transaction) stopped in the middle of "
          "a file, so the database may hold part of it. Check the database against that file "
          "and complete or undo it by hand, then record the version it is at with `strata "
          "migrate set VERSION` (golang-migrate: `migrate force VERSION`)",
          tracking_.golang_table_name(), golang->version);
    }
    return;
  }
  const std::string current = Current();
  if (!golang) {
    for (auto it = rows_.begin(); it != rows_.end();) {
      if (it->second.finished()) {
        reverted_.push_back(it->first);
        it = rows_.erase(it);
      } else {
        ++it;
      }
    }
    if (!reverted_.empty()) {
      notes_.push_back(fmt::format(
          "{} is empty, so another tool (golang-migrate) reverted every version; strata forgets "
          "its records of {}",
          tracking_.golang_table_name(), Plural(reverted_.size(), "version")));
    }
    return;
  }
  const std::string recorded = std::to_string(golang->version);
  const int order = current.empty() ? 1 : CompareVersions(recorded, current);
  if (order > 0) {
    if (File(recorded) == nullptr) golang_missing_ = recorded;
    for (const auto& [version, m] : files_) {
      if (CompareVersions(version, recorded) > 0) break;
      if ((!current.empty() && CompareVersions(version, current) <= 0) || Applied(version)) {
        continue;
      }
      rows_[version] = Revision{.version = version,
                                .description = m->description,
                                .kind = "adopted",
                                .total = UpPart(*m).size(),
                                .executed_at = Tracking::Now(),
                                .execution_ms = 0,
                                .hash = HashOf(m->up_sql)};
      adopted_.push_back(version);
    }
    if (!adopted_.empty()) {
      notes_.push_back(
          fmt::format("{} (golang-migrate) records version {}: {} up to it are taken as applied by "
                      "golang-migrate",
                      tracking_.golang_table_name(), recorded, Plural(adopted_.size(), "version")));
    }
  } else if (order < 0) {
    for (auto it = rows_.begin(); it != rows_.end();) {
      if (it->second.finished() && CompareVersions(it->first, recorded) > 0) {
        reverted_.push_back(it->first);
        it = rows_.erase(it);
      } else {
        ++it;
      }
    }
    notes_.push_back(fmt::format(
        "{} (golang-migrate) records version {}, below strata's {}: {} above it were reverted "
        "by golang-migrate and are pending again",
        tracking_.golang_table_name(), recorded, current, Plural(reverted_.size(), "version")));
  }
}

std::vector<Problem> Ledger::Problems() const {
  std::vector<Problem> out;
  using Kind = Problem::Kind;
  if (!foreign_dirty_.empty()) {
    out.push_back({Kind::kForeignDirty,
                   tracking_.golang() ? std::to_string(tracking_.golang()->version) : "",
                   foreign_dirty_});
  }
  auto missing = [&](const std::string& version, std::string_view what) {
    out.push_back(
        {Kind::kMissingFile, version,
         fmt::format("{} {}, but {} has no file for it. golang-migrate stops here with \"no "
                     "migration found for version {}\": the file was deleted or renamed, the "
                     "wrong --dir was given, or the tracking table was edited by hand. Restore "
                     "the file, or record the version the database is really at with `strata "
                     "migrate set VERSION`",
                     Describe(version), what, dir_.path().string(), version)});
  };
  if (!golang_missing_.empty()) {
    missing(golang_missing_, "is recorded as applied in " + tracking_.golang_table_name());
  }
  const std::string current = Current();
  for (const auto& [version, row] : rows_) {
    const Revision& r = row;  // a reference, not a binding: lambdas below capture it
    const Migration* m = File(version);
    if (m == nullptr) {
      missing(version, r.finished() ? "is recorded as applied"
                       : r.failed() ? "is recorded as failed"
                                    : "is recorded as interrupted");
      continue;
    }
    if (r.finished()) {
      if (!r.hash.empty() && r.hash != HashOf(m->up_sql)) {
        out.push_back({Kind::kEdited, version,
                       fmt::format("{} was edited after it was applied: the database does not "
                                   "have the edit. Undo the edit, or put the change in a new "
                                   "migration (`strata migrate diff` or `strata migrate new`)",
                                   Describe(version))});
      }
      continue;
    }
    const Part part = UpPart(*m);
    const std::string kept =
        r.applied > 0
            ? fmt::format("{} of {} ran outside a transaction and stay{} applied",
                          FirstStatements(r.applied), part.size(), r.applied == 1 ? "s" : "")
            : "nothing of it is applied";
    if (r.failed()) {
      const auto it = std::find_if(part.statements.begin(), part.statements.end(),
                                   [&](const auto& s) { return s.text == r.error_stmt; });
      const std::string where =
          it == part.statements.end()
              ? ""
              : fmt::format(" at line {} (statement {} of {})",
                            part.LineOf(static_cast<int>(it - part.statements.begin())),
                            it - part.statements.begin() + 1, part.size());
      out.push_back(
          {Kind::kFailed, version,
           fmt::format(
               "{} failed{}: {}\n    statement: {}\n    {}. Fix the file (then `strata "
               "migrate hash`) and run `strata migrate apply` again{}; if you repaired "
               "the database by hand instead, record it with `strata migrate set {}`",
               Describe(version), where, r.error.value_or(""), Shown(r.error_stmt.value_or("")),
               kept,
               r.applied > 0 ? fmt::format(": it resumes at statement {}", r.applied + 1) : "",
               version)});
    } else {
      out.push_back(
          {Kind::kInterrupted, version,
           fmt::format(
               "{} was interrupted: a run stopped in the middle of it (killed, or its "
               "connection was lost) after {} of its {} statements had run; {}. `strata "
               "migrate apply` {}",
               Describe(version), r.applied, part.size(),
               r.applied > 0 ? kept
                             : "statements run in a transaction were rolled back by the "
                               "server",
               r.applied > 0
                   ? fmt::format("resumes at statement {} (line {}); if that statement "
                                 "had completed before the run stopped, it fails and "
                                 "you record the file as done with `strata migrate set "
                                 "{}`",
                                 r.applied + 1,
                                 r.applied < part.size() ? part.LineOf(r.applied) : 0, version)
                   : "runs it again from the start")});
    }
  }
  if (!current.empty()) {
    for (const Migration* m : Pending()) {
      if (CompareVersions(m->version, current) >= 0) break;
      out.push_back(
          {Kind::kOutOfOrder, m->version,
           fmt::format("{} is pending but numbered below the current version {} (non-linear "
                       "history: it was added after {} was applied, e.g. merged from another "
                       "branch; golang-migrate would skip it silently). Give it a version above "
                       "{} (rename the files, then `strata migrate hash`), or apply it where it "
                       "is with `strata migrate apply --allow-out-of-order`",
                       Describe(m->version), current, current, current)});
    }
  }
  return out;
}

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
  Step step{&m, UpPart(m)};
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
  void RunAll(const std::vector<Step>& steps);
  const std::string& current() const { return current_; }

 private:
  void RunFile(const Step& step);
  // Runs statement `index` of a file outside a transaction, recording progress with it.
  void ExecTracked(const Step& step, int index, const Sha256& prefix);
  [[noreturn]] void Fail(const Step& step, int index, int in_effect, bool transactional,
                         const SqlError& e, std::string_view consequence,
                         const std::string& record);
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
  const bool transactional = !part.no_tx && options_.tx_mode != TxMode::kNone;
  // A rebuild file resumed after an interruption goes on statement by statement.
  const bool edges = part.fk_pragma_edges && step.start == 0 && options_.tx_mode != TxMode::kNone;
  const bool one_tx = transactional || edges;
  const std::string before = current_;
  Revision marker{.version = m.version,
                  .description = m.description,
                  .applied = step.start,
                  .total = part.size(),
                  .executed_at = Tracking::Now(),
                  .hash = HashOf(m.up_sql)};
  if (step.start > 0) marker.applied_hash = part.PrefixHash(step.start);
  // golang-migrate's order: the version is marked dirty before the file runs, clean after.
  conn_.Exec(Tracking::Atomic(tracking_.Upsert(marker) +
                              tracking_.SetGolang(GolangNumber(tracking_, m.version), true)));
  const auto start = Clock::now();
  int index = -1;  // the statement running, -1 outside statements
  int in_effect = step.start;
  try {
    if (one_tx) {
      if (edges) conn_.Exec(part.statements.front().text);
      PragmaAfter restore(conn_, edges ? part.statements.back().text : std::string());
      Transaction tx(conn_);
      const int end = edges ? part.size() - 1 : part.size();
      for (index = edges ? 1 : step.start; index < end; ++index) {
        conn_.Exec(part.statements[index].text);
      }
      index = -1;
      Advance(m.version);
      conn_.Exec(
          tracking_.Finish(m.version, part.size(), static_cast<std::int64_t>(MsSince(start))) +
          tracking_.SetGolang(GolangNumber(tracking_, current_), false));
      tx.Commit();
    } else {
      Sha256 prefix;
      for (int i = 0; i < step.start; ++i) prefix.Update(part.statements[i].text + '\0');
      for (index = step.start; index < part.size(); ++index) {
        prefix.Update(part.statements[index].text + '\0');
        ExecTracked(step, index, prefix);
        in_effect = index + 1;
      }
      index = -1;
      Advance(m.version);
      conn_.Exec(Tracking::Atomic(
          tracking_.Finish(m.version, part.size(), static_cast<std::int64_t>(MsSince(start))) +
          tracking_.SetGolang(GolangNumber(tracking_, current_), false)));
    }
  } catch (const SqlError& e) {
    if (index < 0) throw;
    current_ = before;
    // With nothing of the file left in the database, schema_migrations goes back to the version
    // before it, clean; otherwise it stays dirty, as golang-migrate leaves it.
    std::string record = tracking_.Fail(
        m.version, in_effect,
        in_effect > 0 ? std::optional<std::string>(part.PrefixHash(in_effect)) : std::nullopt,
        e.server_message, part.statements[index].text);
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
      conn_.Exec(
          tracking_.Upsert(Revision{.version = m.version,
                                    .description = m.description,
                                    .applied = step.part.size(),
                                    .total = step.part.size(),
                                    .executed_at = executed_at,
                                    .execution_ms = static_cast<std::int64_t>(MsSince(start)),
                                    .hash = HashOf(m.up_sql)}));
      done.emplace_back(failing_step, MsSince(start));
    }
    conn_.Exec(tracking_.SetGolang(GolangNumber(tracking_, current_), false));
    tx.Commit();
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

void Applier::Fail(const Step& step, int index, int in_effect, bool transactional,
                   const SqlError& e, std::string_view consequence, const std::string& record) {
  const Part& part = step.part;
  const Migration& m = *step.migration;
  const ScriptStatement& st = part.statements[index];
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
      fmt::format("{} failed at line {} (statement {} of {}, version {}): {}{}\n  statement: "
                  "{}\n{}\n{}{}",
                  (dir_.path() / part.file).string(),
                  part.LineOf(index) + LinesBefore(st.text, e.position), index + 1, part.size(),
                  m.version, e.server_message,
                  e.sqlstate.empty() ? "" : fmt::format(" ({})", e.sqlstate), Shown(st.text),
                  consequence, recovery, recorded),
      e.sqlstate, e.server_message, st.text, e.position);
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
    if (ledger.HasHistory()) {
      throw InputError(fmt::format(
          "nothing was run: --baseline is for a database with no migration history, and {} has "
          "one (current version {}); drop --baseline",
          conn.url().Redacted(), VersionOrNone(ledger.Current())));
    }
    const Migration* b = ledger.File(options.baseline);
    if (b == nullptr) {
      throw InputError(fmt::format("nothing was run: --baseline {}: {} has no such version",
                                   options.baseline, dir.path().string()));
    }
    for (const Migration& m : dir.migrations()) {
      if (CompareVersions(m.version, b->version) > 0) break;
      baseline.push_back(Revision{.version = m.version,
                                  .description = m.description,
                                  .kind = "baseline",
                                  .total = UpPart(m).size(),
                                  .executed_at = Tracking::Now(),
                                  .execution_ms = 0,
                                  .hash = HashOf(m.up_sql)});
    }
    result.notes.push_back(
        fmt::format("baseline: {} up to {} recorded as applied without running them",
                    Plural(baseline.size(), "version"), b->version));
  } else if (!ledger.HasHistory()) {
    RequireCleanTarget(conn);
  }

  std::vector<Step> steps;
  for (const Migration* m : ledger.Pending()) {
    if (!options.baseline.empty() && CompareVersions(m->version, options.baseline) <= 0) continue;
    if (options.limit > 0 && static_cast<int>(steps.size()) == options.limit) break;
    steps.push_back(MakeStep(ledger, *m));
  }
  if (options.tx_mode == TxMode::kAll) {
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
  for (const Revision& r : baseline) setup += tracking.Upsert(r);
  if (!baseline.empty()) {
    setup += tracking.SetGolang(GolangNumber(tracking, baseline.back().version), false);
  }
  if (!setup.empty()) conn.Exec(Tracking::Atomic(setup));

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

DownResult Down(Conn& conn, const Dir& dir, const DownOptions& options) {
  if (options.count < 1) throw InputError("the number of versions to revert must be at least 1");
  std::optional<MigrationLock> lock;
  if (!options.dry_run) lock.emplace(conn, options.lock_timeout, options.lock_strategy);
  Ledger ledger(conn, dir);
  DownResult result;
  result.from_version = ledger.Current();

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
  if (static_cast<int>(applied.size()) < options.count) {
    throw InputError(
        fmt::format("nothing was reverted: asked to revert {}, but {} applied",
                    Plural(options.count, "version"),
                    applied.size() == 1 ? "only 1 is" : fmt::format("{} are", applied.size())));
  }
  struct DownStep {
    const Migration* migration;
    Part part;
    std::string after;  // the current version once this one is reverted
  };
  std::vector<DownStep> steps;
  std::string problems;
  for (int i = 0; i < options.count; ++i) {
    const std::string& v = applied[i];
    const std::string after = i + 1 < static_cast<int>(applied.size()) ? applied[i + 1] : "";
    const Migration* m = ledger.File(v);
    if (m == nullptr) {
      problems += fmt::format("\n  - version {} is applied but {} has no file for it", v,
                              dir.path().string());
    } else if (m->down_file.empty()) {
      problems += fmt::format("\n  - version {} ({}) has no down part", v, m->up_file);
    } else {
      steps.push_back(DownStep{m, DownPart(*m), after});
    }
  }
  if (!problems.empty()) {
    throw InputError(fmt::format(
        "nothing was reverted: the last {} cannot all be reverted:{}\nWrite the missing down "
        "files (then `strata migrate hash`), or revert fewer versions",
        Plural(options.count, "applied version"), problems));
  }

  Tracking& tracking = ledger.tracking();
  if (!options.dry_run) {
    tracking.EnsureTables();
    if (std::string sql = ledger.ReconcileSql(); !sql.empty()) {
      conn.Exec(Tracking::Atomic(sql));
    }
  }
  for (const DownStep& step : steps) {
    if (lock) lock->CheckHeld();
    const Migration& m = *step.migration;
    const Part& part = step.part;
    FileReport report{.version = m.version,
                      .description = m.description,
                      .file = part.file,
                      .statements = part.size(),
                      .no_tx = part.no_tx && !part.fk_pragma_edges};
    if (options.dry_run) {
      for (const ScriptStatement& st : part.statements) report.sql.push_back(st.text);
      result.files.push_back(report);
      if (options.progress) options.progress(report);
      continue;
    }
    // golang-migrate writes no version for "nothing applied" but -1 (its NilVersion) while dirty.
    const std::optional<std::int64_t> after_number = GolangNumber(tracking, step.after);
    const std::string finish = tracking.Delete(m.version) + tracking.SetGolang(after_number, false);
    const auto start = Clock::now();
    int index = -1;
    const bool edges = part.fk_pragma_edges;
    try {
      if (edges) {
        conn.Exec(part.statements.front().text);
        PragmaAfter restore(conn, part.statements.back().text);
        Transaction tx(conn);
        for (index = 1; index + 1 < part.size(); ++index) conn.Exec(part.statements[index].text);
        index = -1;
        conn.Exec(finish);
        tx.Commit();
      } else if (part.no_tx) {
        if (std::string dirty = tracking.SetGolang(after_number.value_or(-1), true);
            !dirty.empty()) {
          conn.Exec(Tracking::Atomic(dirty));
        }
        for (index = 0; index < part.size(); ++index) conn.Exec(part.statements[index].text);
        index = -1;
        conn.Exec(Tracking::Atomic(finish));
      } else {
        Transaction tx(conn);
        for (index = 0; index < part.size(); ++index) conn.Exec(part.statements[index].text);
        index = -1;
        conn.Exec(finish);
        tx.Commit();
      }
    } catch (const SqlError& e) {
      if (index < 0) throw;
      const ScriptStatement& st = part.statements[index];
      std::string consequence;
      if (part.no_tx && !edges && index > 0) {
        consequence = fmt::format(
            "This down part runs outside a transaction and {} of it ran and stayed, so the "
            "database is between versions {} and {}. Complete or undo the revert by hand, then "
            "record where the database is with `strata migrate set VERSION`.",
            FirstStatements(index), m.version, VersionOrNone(step.after));
      } else {
        // Nothing of the down part is left: the version is still applied, and still clean.
        if (part.no_tx && !edges) {
          consequence =
              TryRecord(conn, tracking.SetGolang(GolangNumber(tracking, m.version), false));
        }
        consequence = fmt::format(
            "{}: version {} is still applied. Fix the down file (then `strata migrate hash`) and "
            "run `strata migrate down` again.{}",
            part.no_tx && !edges ? "Its first statement failed, so nothing of it ran"
                                 : "The down part's transaction was rolled back",
            m.version, consequence);
      }
      throw SqlError(
          fmt::format("{} failed at line {} (statement {} of {}, down part of version {}): {}{}\n  "
                      "statement: {}\n{}",
                      (dir.path() / part.file).string(),
                      part.LineOf(index) + LinesBefore(st.text, e.position), index + 1, part.size(),
                      m.version, e.server_message,
                      e.sqlstate.empty() ? "" : fmt::format(" ({})", e.sqlstate), Shown(st.text),
                      consequence),
          e.sqlstate, e.server_message, st.text, e.position);
    }
    report.ms = MsSince(start);
    result.files.push_back(report);
    if (options.progress) options.progress(report);
  }
  result.to_version = options.dry_run ? result.from_version : steps.back().after;
  return result;
}

bool StatusReport::dirty() const {
  return std::any_of(problems.begin(), problems.end(), [](const Problem& p) {
    return p.kind == Problem::Kind::kFailed || p.kind == Problem::Kind::kInterrupted ||
           p.kind == Problem::Kind::kForeignDirty;
  });
}

std::string_view StatusReport::State() const {
  if (dirty()) return "DIRTY";
  return pending > 0 ? "PENDING" : "OK";
}

std::string StatusReport::Describe() const {
  std::string out = fmt::format("Migration status: {}\n", State());
  auto version = [](const std::string& v, const std::string& description) {
    if (v.empty()) return std::string("none");
    return description.empty() ? v : fmt::format("{} ({})", v, description);
  };
  out += fmt::format("  current version: {}\n", version(current, current_description));
  out += fmt::format("  next version:    {}\n", version(next, next_description));
  out += fmt::format("  executed:        {}\n", Plural(executed, "file"));
  out += fmt::format("  pending:         {}\n", Plural(pending, "file"));
  for (const std::string& note : notes) out += fmt::format("note: {}\n", note);
  if (!problems.empty()) {
    out += "Problems:\n";
    for (const Problem& p : problems) out += fmt::format("  - {}\n", p.message);
  } else if (pending > 0) {
    out += "Run `strata migrate apply` to apply the pending files.\n";
  } else {
    out += "The database is up to date.\n";
  }
  return out;
}

StatusReport Status(Conn& conn, const Dir& dir) {
  Ledger ledger(conn, dir);
  StatusReport report;
  report.current = ledger.Current();
  if (const Migration* m = report.current.empty() ? nullptr : ledger.File(report.current)) {
    report.current_description = m->description;
  }
  const std::vector<const Migration*> pending = ledger.Pending();
  if (!pending.empty()) {
    report.next = pending.front()->version;
    report.next_description = pending.front()->description;
  }
  report.executed = ledger.AppliedCount();
  report.pending = static_cast<int>(pending.size());
  for (const Migration* m : pending) report.pending_versions.push_back(m->version);
  report.notes = ledger.notes();
  const std::string holder = LockHolder(conn);
  for (Problem& p : ledger.Problems()) {
    // An unfinished file is not interrupted while a run is going on: it is that run's file.
    if (!holder.empty() && p.kind == Problem::Kind::kInterrupted) continue;
    report.problems.push_back(std::move(p));
  }
  if (!holder.empty()) {
    report.problems.push_back(
        {Problem::Kind::kRunning, "",
         fmt::format("a migration run is in progress: {} holds the migration lock", holder)});
  }
  return report;
}

SetResult SetVersion(Conn& conn, const Dir& dir, std::string_view version,
                     LockStrategy lock_strategy, std::chrono::milliseconds lock_timeout) {
  MigrationLock lock(conn, lock_timeout, lock_strategy);
  Ledger ledger(conn, dir);
  std::string target(version);
  const bool none = target == "none" || (target == "0" && ledger.File(target) == nullptr);
  const Migration* m = none ? nullptr : ledger.File(target);
  if (!none && m == nullptr) {
    std::string known;
    for (const Migration& f : dir.migrations()) known += (known.empty() ? "" : ", ") + f.version;
    throw InputError(fmt::format(
        "cannot set version {}: {} has no such version (it has: {}); use \"none\" for nothing "
        "applied",
        target, dir.path().string(), known.empty() ? "no migrations" : known));
  }
  if (m != nullptr) target = m->version;

  Tracking& tracking = ledger.tracking();
  SetResult result;
  result.from_version = ledger.Current();
  result.to_version = target;
  std::string sql;
  std::map<std::string, const Revision*, VersionLess> rows;
  for (const Revision& r : tracking.revisions()) rows.emplace(r.version, &r);
  for (const Migration& f : dir.migrations()) {
    auto it = rows.find(f.version);
    const bool should_apply = !none && CompareVersions(f.version, target) <= 0;
    const bool is_applied = it != rows.end() && it->second->finished();
    if (should_apply && !is_applied) {
      sql += tracking.Upsert(Revision{.version = f.version,
                                      .description = f.description,
                                      .kind = "set",
                                      .total = UpPart(f).size(),
                                      .executed_at = Tracking::Now(),
                                      .execution_ms = 0,
                                      .hash = HashOf(f.up_sql)});
      result.marked_applied.push_back(f.version);
    } else if (!should_apply && it != rows.end()) {
      sql += tracking.Delete(it->second->version);
      result.marked_pending.push_back(f.version);
    }
    if (it != rows.end()) rows.erase(it);
  }
  for (const auto& [v, r] : rows) {
    sql += tracking.Delete(r->version);
    result.forgotten.push_back(v);
  }
  sql += tracking.SetGolang(none ? std::nullopt : GolangNumber(tracking, target), false);
  tracking.EnsureTables();
  if (!sql.empty()) conn.Exec(Tracking::Atomic(sql));
  if (none) result.to_version.clear();
  return result;
}

}  // namespace strata::migrate
