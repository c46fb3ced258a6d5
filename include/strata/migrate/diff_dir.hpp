// Writing and checking migration directories on a dev database: `strata migrate diff` (plan the
// changes from a directory's state to a desired state, write them as a verified new migration)
// and the replay behind `strata migrate validate --dev-url`.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "strata/driver.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/schema.hpp"

namespace strata::migrate {

struct DiffDirOptions {
  // The desired state: a database URL, file://schema.sql, a folder of .sql files or a migration
  // directory (see LoadState).
  std::string to;
  // The new migration's name: letters, digits, '_' and '-'.
  std::string name = "migration";
  // Version the new migration with the next sequence number instead of a UTC timestamp.
  bool sequence = false;
  // Indentation for multi-line CREATE TABLE statements; empty writes one line per statement.
  std::string indent;
  // How long to wait for another strata process to release the dev database.
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(60)};
  // Folder of the replay cache (`strata migrate diff` passes its default, see
  // docs/migrate-diff.md); empty: no cache, every diff replays the directory.
  std::filesystem::path cache_dir;
};

// Wall time per phase, in milliseconds. Verification is counted in the phases it consists of.
struct DiffDirTimings {
  double load = 0;     // producing the desired state's SQL (ent:// schemas loaded)
  double replay = 0;   // executing the directory's files and the desired state's SQL
  double inspect = 0;  // reading schemas back from the dev database
  double diff = 0;     // diffing and planning
  double write = 0;    // rendering and writing the files and strata.sum
  double cache = 0;    // reading and writing replay cache entries
  double total = 0;
};

struct DiffDirResult {
  // The new versions, in order: one, or more when the change must be committed in steps (see
  // DiffDir); empty when in sync.
  std::vector<std::string> versions;
  std::string version;             // the last of `versions`; empty when in sync
  std::vector<std::string> files;  // names written in the directory; empty when in sync
  // Changes the down part cannot undo (it then says so in its first line).
  std::vector<std::string> irreversible;
  // For the user: objects left out because strata does not model them, risky changes.
  std::vector<std::string> warnings;
  DiffDirTimings timings;
  // The replay cache: "hit" (the directory was not replayed), "miss", or "off" (no cache_dir, or
  // a dev database the cache does not serve).
  std::string cache = "off";
  bool in_sync() const { return files.empty(); }
};

// The replay cache's folder for `strata migrate diff`: $STRATA_CACHE_DIR, else
// $XDG_CACHE_HOME/strata, else $HOME/.cache/strata (a relative XDG_CACHE_HOME is ignored, as the
// XDG specification says). Empty when none of them is set: then there is no cache.
std::filesystem::path DefaultCacheDir();

// `strata migrate diff`:
//  1. verifies the directory's strata.sum (ChecksumError naming what was changed);
//  2. locks the dev database against other strata processes (see options.lock_timeout);
//  3. requires it clean, replays the directory on it and inspects the result (current state);
//  4. loads the desired state (options.to), normalized on the dev database;
//  5. diffs and plans; with no changes returns an in-sync result and writes nothing; else writes
//     the up part (a `-- <change>` comment line above each change's statements) and, where the
//     format has one, the down part (reverse statements in reverse order), and rewrites strata.sum.
//     On PostgreSQL a change that uses a value it adds to an enum type is written as two versions,
//     the values added first, since every tool but strata's runs a file in one transaction, where
//     the value cannot be used yet (and a change whose down part would, as three);
//  6. verifies before returning: the new files, run after the directory on the dev database the
//     way the format's own tool runs them (golang-migrate: each file in one request; see
//     RunAsTool), must reach the desired state, and their down parts, last first, must give back
//     the current state (as far as no change is irreversible). On failure the new files are
//     removed, strata.sum is restored, and Error lists the differences left or the failure.
// With options.cache_dir on a PostgreSQL dev database, steps 3 and 6 use the replay cache: when
// it holds the state the directory replays to (same strata.sum, server version, scope, strata
// version), nothing is replayed; the new files are verified from the desired state instead: their
// down parts, run on it the way the format's tool runs them, must give the cached state, and their
// up parts, run after, the desired state again. Where that cannot be checked (no down part, an
// irreversible change, several versions, a file outside a transaction) or does not hold, and on a
// miss, the directory is replayed as above. Either way the entry for the directory as it is now is
// written.
// The dev database is left clean, also on failure. `dir` then lists the new migration.
DiffDirResult DiffDir(Conn& dev, Dir& dir, const DiffDirOptions& options);

// `strata migrate validate --dev-url`: locks the dev database, requires it clean, replays every
// migration of `dir` on it (a failure names the file, line and statement) and returns the state
// reached. The dev database is left clean. Does not check strata.sum (Dir::VerifySum does).
schema::Realm ReplayDir(Conn& dev, const Dir& dir,
                        std::chrono::milliseconds lock_timeout = std::chrono::seconds(60));

}  // namespace strata::migrate
