// The replay cache of `migrate diff`: the state a migration directory replays to on a dev server,
// kept between runs so that a diff of a directory strata wrote itself need not replay it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "strata/driver.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/schema.hpp"

namespace strata::migrate {

// An exact, lossless text form of a realm, and its inverse. FromCacheJson throws Error on text
// that is not one (truncated, hand-edited, written by another layout version).
std::string ToCacheJson(const schema::Realm& realm);
schema::Realm FromCacheJson(const std::string& text);

// The dev server's full version string (PostgreSQL's version(), SQLite's sqlite_version()).
std::string ServerVersion(Conn& dev);

// One entry of the cache: what `dir` replays to on the server of `dev`, in `dev`'s scope. The key
// is the directory's strata.sum (so any edit, added or removed file misses), its format, the
// dialect and version of the dev server, the scope (the dev URL's search_path) and strata's
// version. A directory without strata.sum has no entry.
class ReplayCacheEntry {
 public:
  // `server` is ServerVersion(dev).
  ReplayCacheEntry(const std::filesystem::path& cache_dir, const std::string& server,
                   const Conn& dev, const Dir& dir);

  // The cached state, or nothing on a miss. An entry that cannot be read or parsed, or whose
  // recorded key differs from this one, is a miss too and sets `*warning` to say so.
  std::optional<schema::Realm> Read(std::string* warning) const;
  // Stores `state` (temporary file, then rename: concurrent readers see an entry whole or not at
  // all). Returns a warning when it cannot be written; never throws for that.
  std::string Write(const schema::Realm& state) const;

  bool usable() const { return !path_.empty(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::string key_;
  std::filesystem::path path_;  // empty: the directory has no strata.sum
};

}  // namespace strata::migrate
