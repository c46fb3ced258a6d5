// strata::Open, DB and its Lease over Pool (see pool.hpp).
#include "driver/pool.hpp"

#include <fmt/format.h>

#include <chrono>
#include <utility>

#include "strata/error.hpp"

namespace strata {
namespace {

bool IsMemory(const Url& url) {
  if (url.dialect != Dialect::kSqlite) return false;
  auto mode = url.params.find("mode");
  return url.database == ":memory:" || (mode != url.params.end() && mode->second == "memory");
}

}  // namespace

Pool::Pool(Url url, PoolOptions options) : url_(std::move(url)), options_(options) {
  if (options_.max_connections < 1) {
    throw InputError(
        fmt::format("opening {}: PoolOptions::max_connections must be at least 1 "
                    "(got {})",
                    url_.Redacted(), options_.max_connections));
  }
  if (options_.acquire_timeout.count() < 0) {
    throw InputError(
        fmt::format("opening {}: PoolOptions::acquire_timeout must not be negative "
                    "(got {} ms)",
                    url_.Redacted(), options_.acquire_timeout.count()));
  }
  memory_ = IsMemory(url_);
  limit_ = memory_ ? 1 : options_.max_connections;
  idle_.push_back(OpenOne());
  open_ = 1;
}

std::unique_ptr<Conn> Pool::OpenOne() const {
  std::unique_ptr<Conn> conn = Connect(url_);
  if (url_.dialect == Dialect::kSqlite && !memory_) {
    // Readers do not block the writer, nor it them; busy_timeout (the connection's, 5 s unless
    // the URL says otherwise) covers writers waiting for each other.
    auto mode = url_.params.find("mode");
    const bool read_only = mode != url_.params.end() && mode->second == "ro";
    if (!read_only) conn->Exec("PRAGMA journal_mode = WAL");
  }
  return conn;
}

void Pool::LendLocked() {
  ++in_use_;
  if (in_use_ > max_in_use_) max_in_use_ = in_use_;
}

std::unique_ptr<Conn> Pool::OpenReserved() {
  std::unique_ptr<Conn> conn;
  try {
    conn = OpenOne();
  } catch (...) {
    std::lock_guard lock(mu_);
    --opening_;
    --in_use_;
    cv_.notify_one();
    throw;
  }
  std::lock_guard lock(mu_);
  --opening_;
  ++open_;
  return conn;
}

std::unique_ptr<Conn> Pool::Acquire() {
  std::unique_lock lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  for (;;) {
    if (!idle_.empty()) {
      std::unique_ptr<Conn> conn = std::move(idle_.back());
      idle_.pop_back();
      LendLocked();
      lock.unlock();
      if (conn->Healthy()) return conn;
      conn.reset();  // broken while idle (the server went away): replace it
      lock.lock();
      --open_;
      ++replaced_;
      ++opening_;
      lock.unlock();
      return OpenReserved();
    }
    if (open_ + opening_ < limit_) {
      ++opening_;
      LendLocked();
      lock.unlock();
      return OpenReserved();
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ + opening_ >= limit_) {
      const auto ms = options_.acquire_timeout.count();
      if (memory_) {
        throw ConnectionError(fmt::format(
            "no connection to {} became free within {} ms: an in-memory SQLite database has "
            "exactly one connection (each would be a database of its own) and it stayed in use. "
            "Destroy each Lease as soon as its work is done, or use a database file for "
            "concurrent work",
            url_.Redacted(), ms));
      }
      throw ConnectionError(fmt::format(
          "no connection to {} became free within {} ms: all {} of {} connections are in use. "
          "Raise PoolOptions::max_connections (now {}) or acquire_timeout, or destroy each Lease "
          "as soon as its work is done",
          url_.Redacted(), ms, in_use_, limit_, options_.max_connections));
    }
  }
}

void Pool::Release(std::unique_ptr<Conn> conn) noexcept {
  bool keep = conn != nullptr;
  if (keep) {
    try {
      // A transaction left open (an exception skipped the Commit, a Lease dropped mid-way)
      // must not leak into the next borrower's work.
      if (conn->InTransaction()) conn->Exec("ROLLBACK");
      keep = conn->Healthy() && !conn->InTransaction();
    } catch (...) {
      keep = false;
    }
  }
  if (!keep) conn.reset();  // closes it, outside the lock
  std::lock_guard lock(mu_);
  --in_use_;
  if (keep) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
    ++replaced_;
  }
  cv_.notify_one();
}

PoolStats Pool::stats() const {
  std::lock_guard lock(mu_);
  return PoolStats{
      .open = open_, .in_use = in_use_, .max_in_use = max_in_use_, .replaced = replaced_};
}

// ---- DB and Lease --------------------------------------------------------------------------

namespace {

[[noreturn]] void ThrowClosed() {
  throw Error("using a DB that was never opened: get one from strata::Open(url)");
}

}  // namespace

DB::Lease::Lease(std::shared_ptr<Pool> pool, std::unique_ptr<Conn> conn)
    : pool_(std::move(pool)), conn_(std::move(conn)) {}

DB::Lease::Lease(Lease&& other) noexcept
    : pool_(std::move(other.pool_)), conn_(std::move(other.conn_)) {}

DB::Lease::~Lease() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Release(std::move(conn_));
}

Dialect DB::dialect() const { return url().dialect; }

std::string DB::Redacted() const { return url().Redacted(); }

const Url& DB::url() const {
  if (pool_ == nullptr) ThrowClosed();
  return pool_->url();
}

DB::Lease DB::Acquire() const {
  if (pool_ == nullptr) ThrowClosed();
  return Lease(pool_, pool_->Acquire());
}

PoolStats DB::stats() const { return pool_ == nullptr ? PoolStats{} : pool_->stats(); }

DB Open(std::string_view url, PoolOptions options) { return Open(Url::Parse(url), options); }

DB Open(const Url& url, PoolOptions options) {
  DB db;
  db.pool_ = std::make_shared<Pool>(url, options);
  return db;
}

}  // namespace strata
