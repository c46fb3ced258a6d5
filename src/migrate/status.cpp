// Where a database stands against a migration directory (Status), and recording where it stands
// without running anything (SetVersion); see executor.hpp.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "migrate/ledger.hpp"
#include "migrate/lock.hpp"
#include "migrate/part.hpp"
#include "migrate/revisions.hpp"
#include "strata/error.hpp"
#include "strata/migrate/executor.hpp"

namespace strata::migrate {
namespace {

// The SQL that makes the tool's table record exactly the versions up to `target` (none: nothing),
// keeping the rows of versions it already records as applied (and a flyway baseline at or below
// `target`), so the history the tool shows stays what it was.
std::string SetToolTable(const ToolTable& tool, const Dir& dir, bool none,
                         const std::string& target) {
  std::string sql;
  const auto& baseline = tool.baseline();
  const bool keep_baseline = baseline && !none && CompareVersions(*baseline, target) <= 0;
  if (baseline && !keep_baseline) sql += tool.Delete(*baseline);
  const auto any = [&](const std::vector<std::string>& recorded, const std::string& version) {
    return std::any_of(recorded.begin(), recorded.end(),
                       [&](const std::string& r) { return tool.Matches(r, version); });
  };
  for (const Migration& f : dir.migrations()) {
    const bool should_apply = !none && CompareVersions(f.version, target) <= 0;
    const bool failed = any(tool.failed(), f.version);
    const bool applied = !failed && (any(tool.applied(), f.version) ||
                                     (keep_baseline && CompareVersions(f.version, *baseline) <= 0));
    if (should_apply && !applied) {
      sql += tool.Delete(f.version) + tool.Insert(f, 0);
    } else if (!should_apply && (applied || failed)) {
      sql += tool.Delete(f.version);
    }
  }
  for (const std::string& v : tool.applied()) {
    const bool has_file =
        std::any_of(dir.migrations().begin(), dir.migrations().end(),
                    [&](const Migration& f) { return tool.Matches(v, f.version); });
    if (!has_file) sql += tool.Delete(v);
  }
  return sql;
}

}  // namespace

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
      sql += tracking.Upsert(AppliedWithoutRunning(f, "set", conn.dialect()));
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
  if (const ToolTable* tool = tracking.tool()) sql += SetToolTable(*tool, dir, none, target);
  tracking.EnsureTables();
  if (!sql.empty()) Tracking::ExecAtomic(conn, sql);
  if (none) result.to_version.clear();
  return result;
}

}  // namespace strata::migrate
