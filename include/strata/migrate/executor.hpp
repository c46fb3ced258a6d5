// Running a migration directory against a database: apply, down, status and set, with the
// tracking tables, the migration lock and the transaction modes (docs/migrate-apply.md).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/driver.hpp"
#include "strata/error.hpp"
#include "strata/migrate/dir.hpp"

namespace strata::migrate {

// How statements are grouped into transactions.
//   kFile  one transaction per file (the default); a failure rolls back that file only.
//   kAll   one transaction for the whole run; a failure rolls back every file of the run.
//   kNone  no transaction: each statement commits on its own, and a re-run resumes after the
//          last statement that succeeded.
// A file marked `-- strata:txmode none` (Migration::no_tx) always runs as kNone; such a file
// cannot be part of a kAll run, which is refused before anything runs.
enum class TxMode { kFile, kAll, kNone };

// "file", "all", "none".
std::string_view TxModeName(TxMode mode);
// Throws InputError listing the valid names.
TxMode ParseTxMode(std::string_view name);

// The migration lock could not be taken within the lock timeout. The message names the holder
// when the server can tell (PostgreSQL: backend pid, application, client, since when).
class LockError : public Error {
 public:
  using Error::Error;
};

// One file run (or, in a dry run, about to run).
struct FileReport {
  std::string version;
  std::string description;
  std::string file;    // the file the statements come from, relative to the directory
  int statements = 0;  // statements run this time
  int skipped = 0;     // statements an earlier, interrupted run had applied (tx-mode none resume)
  double ms = 0;       // wall time of the file, 0 in a dry run
  bool no_tx = false;  // ran outside a transaction
  std::vector<std::string> sql;  // dry run only: the statements that would run
};

using ProgressFn = std::function<void(const FileReport&)>;

// How concurrent migration runs on one PostgreSQL database exclude each other.
enum class LockStrategy {
  // Session advisory locks with golang-migrate's keys (the default): released by the server if
  // the process dies; excludes golang-migrate too. Needs a session of its own (no PgBouncer
  // transaction pooling).
  kAdvisory,
  // A row in strata_schema_lock, claimed with one INSERT, kept alive by a heartbeat on a second
  // connection and taken over once it expires (60 s after its holder stops renewing it): works
  // through PgBouncer in transaction pooling mode. SQLite always locks a file instead.
  kTable,
};

// "advisory" or "table"; throws InputError for anything else.
LockStrategy ParseLockStrategy(std::string_view name);

struct ApplyOptions {
  int limit = 0;  // apply at most this many pending files; 0 applies all of them
  TxMode tx_mode = TxMode::kFile;
  // For a database holding objects but no migration history: versions up to and including
  // `baseline` are recorded as applied without running them. Must name a version of the
  // directory. Refused on a database that has history.
  std::string baseline;
  // Report what would run; nothing is written and no lock is taken.
  bool dry_run = false;
  // Apply files whose version is below the current one but that were never applied (merged from
  // another branch). Without it they are reported as a non-linear history error.
  bool allow_out_of_order = false;
  // How long to wait for another migration run to finish. Zero: fail at once if one is running.
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(60)};
  LockStrategy lock_strategy = LockStrategy::kAdvisory;
  // Called after each file (before each file in a dry run).
  ProgressFn progress;
};

struct ApplyResult {
  std::string from_version;  // current version before the run ("" = none)
  std::string to_version;    // current version after it (unchanged in a dry run)
  std::vector<FileReport> files;
  // Things the user should know that did not stop the run: versions recorded by --baseline or
  // taken over from golang-migrate's schema_migrations, applied files edited since.
  std::vector<std::string> notes;
};

// Applies the pending files of `dir` in version order. Holds the migration lock for the whole run.
// Callers check the directory first (Dir::VerifySum), as `strata migrate apply` does.
// Throws InputError before anything runs for: a non-clean database without history and without
// `baseline`; files out of order without `allow_out_of_order`; applied versions missing from the
// directory; a dirty state that needs a human (a tx-mode none file whose applied statements were
// edited since, a dirty schema_migrations left by another tool). A failing statement throws
// SqlError whose message names the file, line and statement and how to recover; the failure is
// recorded in strata_schema_revisions.
ApplyResult Apply(Conn& conn, const Dir& dir, const ApplyOptions& options = {});

// Whether every migration of `dir` is applied and Apply would find nothing to run or report, read
// with one statement (one round trip), no lock and no writes: every version is recorded as
// finished in strata_schema_revisions with its file's hash (or none), no revision is failed,
// interrupted or without a file, and (golang-migrate format) schema_migrations holds one clean
// row at the directory's highest version. False whenever it cannot tell (no tracking tables
// yet): Apply then checks everything under the lock. For start-up checks (strata::sqldb).
bool UpToDate(Conn& conn, const Dir& dir);

struct DownOptions {
  int count = 1;  // how many applied versions to revert, highest first
  bool dry_run = false;
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(60)};
  LockStrategy lock_strategy = LockStrategy::kAdvisory;
  ProgressFn progress;
};

struct DownResult {
  std::string from_version, to_version;
  std::vector<FileReport> files;
};

// Runs the down parts of the last `count` applied versions in reverse version order, each in its
// own transaction (unless the file says `-- strata:txmode none`), updating the tracking tables.
// A version without a down part, or without a file, is an InputError raised before anything runs.
DownResult Down(Conn& conn, const Dir& dir, const DownOptions& options = {});

struct Problem {
  enum class Kind {
    kFailed,        // a file failed; its revision records the error
    kInterrupted,   // a run stopped in the middle of a file (killed, connection lost)
    kForeignDirty,  // schema_migrations is dirty and strata's history does not explain why
    kMissingFile,   // an applied version has no file ("no migration found for version N")
    kEdited,        // an applied file changed since it was applied
    kOutOfOrder,    // a pending file is numbered below the current version
    kRunning,       // another process holds the migration lock right now
  };
  Kind kind;
  std::string version;
  std::string message;  // what happened and the command that fixes it
};

struct StatusReport {
  std::string current;  // highest applied version ("" = none)
  std::string current_description;
  std::string next;  // first pending version ("" = none)
  std::string next_description;
  int executed = 0;
  int pending = 0;
  std::vector<std::string> pending_versions;
  // Facts that need no action, e.g. versions taken over from golang-migrate's schema_migrations.
  std::vector<std::string> notes;
  std::vector<Problem> problems;

  // True when a file failed or was interrupted, or schema_migrations is dirty.
  bool dirty() const;
  // "OK", "PENDING" or "DIRTY".
  std::string_view State() const;
  // The report in words a user can act on, one fact per line.
  std::string Describe() const;
};

// Reads the database's migration state against `dir`. Writes nothing and takes no lock.
StatusReport Status(Conn& conn, const Dir& dir);

struct SetResult {
  std::string from_version, to_version;
  std::vector<std::string> marked_applied;  // versions now recorded as applied without running
  std::vector<std::string> marked_pending;  // versions whose records were removed
  std::vector<std::string> forgotten;       // records of versions that have no file
};

// Repairs the tracking state without running any migration: every version of `dir` up to and
// including `version` is recorded as applied, every later one as not applied, records of versions
// with no file are removed, and dirty/failed states are cleared. `version` must be a version of
// `dir`, or "none" (or "0" when the directory has no version 0) for "nothing applied". Holds the
// migration lock, as Apply does.
SetResult SetVersion(Conn& conn, const Dir& dir, std::string_view version,
                     LockStrategy lock_strategy = LockStrategy::kAdvisory,
                     std::chrono::milliseconds lock_timeout = std::chrono::seconds(60));

}  // namespace strata::migrate
