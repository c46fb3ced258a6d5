// Dev-database scopes and locks (see dev.hpp).
#include "migrate/dev.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "strata/error.hpp"
#include "strata/migrate/state.hpp"

namespace strata::migrate {
namespace {

// "STRATADV" in ASCII: the advisory-lock key of dev-database work. Distinct from the key
// `migrate apply` shares with golang-migrate, so a diff never waits for an apply.
constexpr std::int64_t kDevLockKey = 0x5354524154414456;
constexpr std::chrono::milliseconds kPollInterval{50};
// The catalogs that creating tables, columns, indexes, constraints and types writes to.
constexpr std::string_view kVacuumCatalogs =
    "VACUUM (TRUNCATE false) pg_catalog.pg_class, pg_catalog.pg_attribute, pg_catalog.pg_attrdef, "
    "pg_catalog.pg_index, pg_catalog.pg_constraint, pg_catalog.pg_type, pg_catalog.pg_depend, "
    "pg_catalog.pg_description, pg_catalog.pg_trigger, pg_catalog.pg_enum, pg_catalog.pg_sequence";

Error LockTimeout(const Conn& dev, std::chrono::milliseconds timeout) {
  return Error(fmt::format(
      "the dev database {} is in use by another strata process (waited {} s for its lock): wait "
      "for it to finish, or use another dev database",
      dev.url().Redacted(), timeout.count() / 1000.0));
}

}  // namespace

DevScope::DevScope(Conn& dev, bool transactional) : dev_(dev), transactional_(transactional) {
  if (transactional_) {
    dev_.Exec("BEGIN");
  } else if (dev_.dialect() == Dialect::kPostgres) {
    // Every statement commits on its own here, and waiting for each commit to reach the disk buys
    // nothing on a database that is emptied afterwards.
    dev_.Exec("SET synchronous_commit = off");
  }
}

DevScope::~DevScope() {
  if (!open_) return;
  try {
    End();
  } catch (const Error&) {
    // See the header: a dev database left dirty is reported by the next RequireClean.
  }
}

void DevScope::End() {
  open_ = false;
  if (transactional_) {
    dev_.Exec("ROLLBACK");
  } else {
    Clean(dev_);
  }
  // The work's catalog rows are dead now, and until autovacuum comes by every later inspection on
  // the dev database wades through them (after 1,000 tables were replayed and rolled back,
  // inspections took twice as long). The pages are kept for the next replay to fill. Without
  // ownership of the database the server skips the catalogs with a warning.
  if (dev_.dialect() != Dialect::kPostgres) return;
  try {
    dev_.Exec(kVacuumCatalogs);
  } catch (const SqlError&) {
    // Only a speed-up (it fails inside a transaction the caller holds): never a reason to fail.
  }
}

DevLock::DevLock(Conn& dev, std::chrono::milliseconds timeout) : dev_(dev) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (dev.dialect() == Dialect::kPostgres) {
    const std::vector<std::optional<std::string>> key = {std::to_string(kDevLockKey)};
    while (dev.Query("SELECT pg_try_advisory_lock($1::bigint)", key).rows.at(0).at(0) != "t") {
      if (std::chrono::steady_clock::now() >= deadline) throw LockTimeout(dev, timeout);
      std::this_thread::sleep_for(kPollInterval);
    }
    pg_locked_ = true;
    return;
  }
  const std::string& file = dev.url().database;
  if (file.empty() || file == ":memory:" || file.starts_with("file::memory:")) return;
  lock_path_ = file + ".strata-lock";
  // The holder removes the lock file when done; a waiter that locked a file already removed
  // retries on the new one (the inode check), so two processes never both hold the lock.
  while (true) {
    fd_ = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      throw Error(
          fmt::format("cannot create the lock file {}: {}", lock_path_, std::strerror(errno)));
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) {
      struct stat held {
      }, named{};
      if (::fstat(fd_, &held) == 0 && ::stat(lock_path_.c_str(), &named) == 0 &&
          held.st_ino == named.st_ino && held.st_dev == named.st_dev) {
        return;
      }
    }
    ::close(fd_);
    fd_ = -1;
    if (std::chrono::steady_clock::now() >= deadline) throw LockTimeout(dev, timeout);
    std::this_thread::sleep_for(kPollInterval);
  }
}

DevLock::~DevLock() {
  if (pg_locked_) {
    try {
      dev_.Query("SELECT pg_advisory_unlock($1::bigint)", {std::to_string(kDevLockKey)});
    } catch (const Error&) {
      // The lock ends with the session anyway.
    }
  }
  if (fd_ >= 0) {
    ::unlink(lock_path_.c_str());
    ::close(fd_);
  }
}

}  // namespace strata::migrate
