// The pool behind strata::DB: connections opened on demand up to a limit, lent one at a time,
// checked when they come back (rolled back inside a transaction, closed when broken).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "strata/driver.hpp"

namespace strata {

class Pool {
 public:
  // Opens the first connection (so that a bad URL fails here). Throws InputError for options
  // out of range, and whatever Connect throws.
  Pool(Url url, PoolOptions options);
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  const Url& url() const { return url_; }
  // An idle connection (checked with Healthy, replaced when broken), a new one while fewer than
  // the limit are open, else the first one returned within acquire_timeout. Throws
  // ConnectionError on timeout, saying how many are in use and how to raise the limit.
  std::unique_ptr<Conn> Acquire();
  // Takes a connection back: rolled back first when inside a transaction, closed when broken
  // (or when the rollback fails). Never throws.
  void Release(std::unique_ptr<Conn> conn) noexcept;
  PoolStats stats() const;

 private:
  // Connect, then the pool's set-up (SQLite files: WAL journal mode).
  std::unique_ptr<Conn> OpenOne() const;
  // Opens a connection for a slot already counted in opening_ and in_use_.
  std::unique_ptr<Conn> OpenReserved();
  void LendLocked();

  const Url url_;
  const PoolOptions options_;
  bool memory_ = false;  // SQLite :memory:, exactly one connection
  int limit_ = 1;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;  // most recently returned last
  int open_ = 0;                             // connections that exist (idle or lent)
  int opening_ = 0;                          // slots reserved by an Acquire that is connecting
  int in_use_ = 0;
  int max_in_use_ = 0;
  std::uint64_t replaced_ = 0;
};

}  // namespace strata
