// The migration state of a database against a directory (see ledger.hpp).
#include "migrate/ledger.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "migrate/part.hpp"
#include "strata/error.hpp"

namespace strata::migrate {

std::string VersionOrNone(const std::string& version) {
  return version.empty() ? "none (nothing applied)" : version;
}

Revision AppliedWithoutRunning(const Migration& m, std::string kind, Dialect dialect) {
  return Revision{.version = m.version,
                  .description = m.description,
                  .kind = std::move(kind),
                  .total = UpPart(m, dialect).size(),
                  .executed_at = Tracking::Now(),
                  .execution_ms = 0,
                  .hash = HashOf(m.up_sql)};
}

std::optional<std::int64_t> GolangNumber(const Tracking& tracking, const std::string& version) {
  if (!tracking.golang_migrate() || version.empty()) return std::nullopt;
  return GolangVersionNumber(version);
}

std::string TryRecord(Conn& conn, const std::string& sql) {
  try {
    Tracking::ExecAtomic(conn, sql);
    return {};
  } catch (const Error& e) {
    return fmt::format("\n(The failure could not be recorded in strata_schema_revisions: {})",
                       e.what());
  }
}

void Ledger::RequireRunnable(bool allow_out_of_order) const {
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

std::string Ledger::Describe(const std::string& version) const {
  const Migration* m = File(version);
  return m != nullptr ? fmt::format("version {} ({})", version, m->up_file)
                      : fmt::format("version {}", version);
}

void Ledger::Reconcile() {
  if (tracking_.golang_migrate()) {
    ReconcileGolang();
  } else if (const ToolTable* tool = tracking_.tool()) {
    ReconcileTool(*tool);
  }
}

const Migration* Ledger::FileRecorded(const ToolTable& tool, const std::string& recorded) const {
  for (const auto& [version, m] : files_) {
    if (tool.Matches(recorded, version)) return m;
  }
  return nullptr;
}

// dbmate, goose and flyway record every applied version. strata writes their table in step with
// its own revisions, so a version only one side records was applied by the tool since (taken
// over) or reverted by it (pending again).
void Ledger::ReconcileTool(const ToolTable& tool) {
  if (!tool.exists()) {
    // The tool never ran here: strata creates its table holding what strata applied.
    for (const auto& [version, r] : rows_) {
      if (r.finished() && File(version) != nullptr) backfill_.push_back(version);
    }
    if (!backfill_.empty()) {
      notes_.push_back(
          fmt::format("{}'s table {} does not exist yet: strata creates it, recording "
                      "the {} strata applied",
                      tool.tool(), tool.name(), Plural(backfill_.size(), "version")));
    }
    return;
  }
  if (!tool.failed().empty()) {
    std::string list;
    for (const std::string& v : tool.failed()) list += (list.empty() ? "" : ", ") + v;
    foreign_dirty_ = fmt::format(
        "{} ({}) records version {} as failed (success = false): a {} run stopped in the middle "
        "of it, so the database may hold part of it. Check the database against that file and "
        "complete or undo it by hand, then record the version the database is at with `strata "
        "migrate set VERSION` ({}: `{} repair`)",
        tool.name(), tool.tool(), list, tool.tool(), tool.tool(), tool.tool());
  }
  const auto records = [&](const std::string& version) {
    const auto matches = [&](const std::string& r) { return tool.Matches(r, version); };
    return std::any_of(tool.applied().begin(), tool.applied().end(), matches) ||
           std::any_of(tool.failed().begin(), tool.failed().end(), matches) ||
           (tool.baseline() && CompareVersions(version, *tool.baseline()) <= 0);
  };
  for (const std::string& v : tool.applied()) {
    if (FileRecorded(tool, v) == nullptr) tool_missing_.push_back(v);
  }
  for (const auto& entry : files_) {
    const std::string& version = entry.first;
    const auto& m = entry.second;
    if (!records(version) || Applied(version)) continue;
    const bool failed = std::any_of(tool.failed().begin(), tool.failed().end(),
                                    [&](const std::string& r) { return tool.Matches(r, version); });
    if (failed) continue;
    rows_[version] = AppliedWithoutRunning(*m, "adopted", conn_.dialect());
    adopted_.push_back(version);
  }
  for (auto it = rows_.begin(); it != rows_.end();) {
    if (it->second.finished() && !records(it->first)) {
      reverted_.push_back(it->first);
      it = rows_.erase(it);
    } else {
      ++it;
    }
  }
  const auto list = [](const std::vector<std::string>& versions) {
    std::string out;
    for (const std::string& v : versions) out += (out.empty() ? "" : ", ") + v;
    return out;
  };
  if (!adopted_.empty()) {
    notes_.push_back(fmt::format(
        "{} ({}) records {} that strata had not applied ({}): they are "
        "taken as applied by {}",
        tool.name(), tool.tool(), Plural(adopted_.size(), "version"), list(adopted_), tool.tool()));
  }
  if (!reverted_.empty()) {
    notes_.push_back(
        fmt::format("{} ({}) does not record {} that strata applied ({}): they were "
                    "reverted by {} and are pending again",
                    tool.name(), tool.tool(), Plural(reverted_.size(), "version"), list(reverted_),
                    tool.tool()));
  }
}

// golang-migrate keeps schema_migrations as "every version up to V is applied". strata writes it
// in step with its own revisions, so a difference means another tool ran since: versions up to a
// higher V were applied by it (taken over), versions above a lower V were reverted by it.
void Ledger::ReconcileGolang() {
  if (!tracking_.has_golang_table()) return;
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
      rows_[version] = AppliedWithoutRunning(*m, "adopted", conn_.dialect());
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
  const ToolTable* tool = tracking_.tool();
  if (!foreign_dirty_.empty()) {
    out.push_back({Kind::kForeignDirty,
                   tracking_.golang() ? std::to_string(tracking_.golang()->version)
                   : tool != nullptr && !tool->failed().empty() ? tool->failed().front()
                                                                : "",
                   foreign_dirty_});
  }
  auto missing = [&](const std::string& version, std::string_view what) {
    const std::string stops =
        tracking_.golang_migrate()
            ? fmt::format(". golang-migrate stops here with \"no migration found for version {}\":",
                          version)
            : std::string(":");
    out.push_back(
        {Kind::kMissingFile, version,
         fmt::format("{} {}, but {} has no file for it{} the file was deleted or renamed, the "
                     "wrong --dir was given, or the tracking table was edited by hand. Restore "
                     "the file, or record the version the database is really at with `strata "
                     "migrate set VERSION`",
                     Describe(version), what, dir_.path().string(), stops)});
  };
  if (!golang_missing_.empty()) {
    missing(golang_missing_, "is recorded as applied in " + tracking_.golang_table_name());
  }
  for (const std::string& v : tool_missing_) {
    if (Row(v) == nullptr) missing(v, "is recorded as applied in " + tool->name());
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
    const Part part = UpPart(*m, conn_.dialect());
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

}  // namespace strata::migrate
