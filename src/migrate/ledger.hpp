// The migration state of a database against a directory (Ledger), which Apply, Down, Status and
// SetVersion (apply.cpp, down.cpp, status.cpp) read before they act, and what they share about
// versions and the tracking tables.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "migrate/revisions.hpp"
#include "strata/driver.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/migrate/executor.hpp"

namespace strata::migrate {

// Orders versions as the directory does (CompareVersions).
struct VersionLess {
  bool operator()(const std::string& a, const std::string& b) const {
    return CompareVersions(a, b) < 0;
  }
};

// The version for a message: "none (nothing applied)" when empty.
std::string VersionOrNone(const std::string& version);

// The revision of `m` recorded as applied without running it: `kind` is "baseline", "adopted" or
// "set" (see Revision).
Revision AppliedWithoutRunning(const Migration& m, std::string kind, Dialect dialect);

// The number golang-migrate's schema_migrations records for `version`; nullopt when the directory
// is of another format (no such table) or for "nothing applied" (empty).
std::optional<std::int64_t> GolangNumber(const Tracking& tracking, const std::string& version);

// Records a failure with `sql`; when that fails too (the connection is gone), returns a sentence
// saying so for the message, rather than hiding the first error. Empty when it was recorded.
std::string TryRecord(Conn& conn, const std::string& sql);

// The migration state of a database against a directory: the tracking tables, reconciled with
// what the format's tool (golang-migrate, dbmate, goose, flyway) may have done to its own table
// since strata last wrote it.
class Ledger {
 public:
  Ledger(Conn& conn, const Dir& dir)
      : conn_(conn), dir_(dir), tracking_(conn, dir.format(), dir.path()) {
    for (const Migration& m : dir.migrations()) files_.emplace(m.version, &m);
    tracking_.Load();
    for (const Revision& r : tracking_.revisions()) rows_.emplace(r.version, r);
    Reconcile();
  }

  Tracking& tracking() { return tracking_; }
  const Url& url() const { return conn_.url(); }
  const std::vector<std::string>& notes() const { return notes_; }

  // Any trace of an earlier run: a revision, or a row in the tool's table.
  bool HasHistory() const {
    const ToolTable* tool = tracking_.tool();
    return !tracking_.revisions().empty() || tracking_.golang_rows() > 0 ||
           (tool != nullptr &&
            (!tool->applied().empty() || !tool->failed().empty() || tool->baseline().has_value()));
  }

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

  // SQL that records the reconciliation (versions taken over from, or reverted by, the tool; the
  // versions strata applied written into a tool's table strata is creating now).
  std::string ReconcileSql() const {
    std::string sql;
    for (const std::string& v : adopted_) sql += tracking_.Upsert(rows_.at(v));
    for (const std::string& v : reverted_) sql += tracking_.Delete(v);
    for (const std::string& v : backfill_) sql += tracking_.ToolApplied(*File(v), 0);
    return sql;
  }

  std::vector<Problem> Problems() const;

  // Throws InputError for the problems a run must not go past; see Apply.
  void RequireRunnable(bool allow_out_of_order) const;

 private:
  void Reconcile();
  void ReconcileGolang();
  void ReconcileTool(const ToolTable& tool);
  // The directory's version the tool's `recorded` version names, or nullptr.
  const Migration* FileRecorded(const ToolTable& tool, const std::string& recorded) const;
  // A version with no file stops a run when something of it is in the database.
  bool MissingBlocks(const std::string& version) const {
    const Revision* r = Row(version);
    return r == nullptr || r->finished() || r->applied > 0;
  }
  // "version 3 (3_pets.up.sql)", or "version 3" when the directory has no such file.
  std::string Describe(const std::string& version) const;

  Conn& conn_;
  const Dir& dir_;
  Tracking tracking_;
  std::map<std::string, const Migration*, VersionLess> files_;
  std::map<std::string, Revision, VersionLess> rows_;
  std::vector<std::string> adopted_, reverted_, backfill_;
  std::vector<std::string> notes_;
  std::string foreign_dirty_;              // why the tool's table needs a human, when it does
  std::string golang_missing_;             // schema_migrations' version when the directory lacks it
  std::vector<std::string> tool_missing_;  // versions the tool's table records without a file
};

}  // namespace strata::migrate
