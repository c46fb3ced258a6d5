// Working on a dev ("shadow") database: keeping it clean around temporary work, excluding other
// strata processes that use the same one, and timing the work.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "strata/driver.hpp"
#include "strata/schema.hpp"

namespace strata::migrate {

// Temporary work on a clean dev database. With `transactional`, the work runs in a transaction
// that is rolled back at the end; otherwise (a file must run outside a transaction) the database
// is emptied with Clean at the end. Either way the dev database is clean again afterwards.
class DevScope {
 public:
  DevScope(Conn& dev, bool transactional);
  // Ends the work; errors are swallowed here (the next RequireClean reports a dev database left
  // dirty), so call End() on the success path to see them.
  ~DevScope();
  DevScope(const DevScope&) = delete;
  DevScope& operator=(const DevScope&) = delete;
  // Rolls back or cleans now. Throws on failure.
  void End();

 private:
  Conn& dev_;
  bool transactional_;
  bool open_ = true;
};

// Excludes other strata processes from the dev database while alive: a session advisory lock on
// a strata-specific key (PostgreSQL), or an flock on "<file>.strata-lock" next to a SQLite file
// (nothing for :memory:, which no other process can see). Waits up to `timeout`, then throws Error.
class DevLock {
 public:
  DevLock(Conn& dev, std::chrono::milliseconds timeout);
  ~DevLock();
  DevLock(const DevLock&) = delete;
  DevLock& operator=(const DevLock&) = delete;

 private:
  Conn& dev_;
  bool pg_locked_ = false;
  int fd_ = -1;
  std::string lock_path_;
};

// Where the time of a dev-database job goes, in milliseconds.
struct DevTimings {
  double load = 0;     // producing desired-state scripts (ScriptSource: e.g. loading ent schemas)
  double replay = 0;   // executing SQL: migration files, desired-state scripts
  double inspect = 0;  // reading schemas back
};

// Adds the wall time of its lifetime to `*bucket`.
class Timer {
 public:
  explicit Timer(double* bucket) : bucket_(bucket), start_(std::chrono::steady_clock::now()) {}
  ~Timer() {
    *bucket_ += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
                    .count();
  }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

 private:
  double* bucket_;
  std::chrono::steady_clock::time_point start_;
};

// migrate::LoadState, recording where the time goes.
schema::Realm LoadState(std::string_view source, Conn* dev, DevTimings* timings);

// Work on top of a state LoadState executed on the dev database, before the scope that cleans it
// ends: `state` is what was inspected, `transactional` says whether that scope is a transaction
// (then what runs here is rolled back with it; else the dev database is emptied afterwards).
using InPlace = std::function<void(const schema::Realm& state, bool transactional)>;
// LoadState calling `in_place` while the state is on the dev database. A source LoadState does not
// execute there (a live database) never calls it.
schema::Realm LoadState(std::string_view source, Conn* dev, DevTimings* timings,
                        const InPlace& in_place);

}  // namespace strata::migrate
