// The migration lock: one migration run per database scope at a time, across processes, and
// across strata and golang-migrate on PostgreSQL (both lock with golang-migrate's key).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "strata/driver.hpp"
#include "strata/migrate/executor.hpp"

namespace strata::migrate {

// CRC-32 with the IEEE 802.3 polynomial, as Go's crc32.ChecksumIEEE and zlib's crc32().
std::uint32_t Crc32(std::string_view data);

// golang-migrate's advisory lock key (database.GenerateAdvisoryLockId(database, schema, table)):
// the CRC-32 of the names joined by NUL bytes, multiplied by the salt 1486364155 in 32-bit
// unsigned arithmetic. golang-migrate prints it in decimal and hands it to
// pg_advisory_lock(bigint), so the key is always in [0, 2^32).
std::int64_t GolangMigrateLockKey(std::string_view database, std::string_view schema,
                                  std::string_view table);

// The advisory lock keys strata takes on a PostgreSQL connection, in the order it takes them:
// golang-migrate's key for (current_database(), current_schema(), "schema_migrations") — what
// golang-migrate uses as a library (Encore) — then the same with "/" before the database name,
// which is what the golang-migrate command derives from a URL's path. Holding both excludes
// golang-migrate however it is run; strata processes exclude each other on the first.
std::vector<std::int64_t> PostgresLockKeys(Conn& conn);

// Holds the migration lock of the connection's database scope until destroyed.
//   PostgreSQL, LockStrategy::kAdvisory: session advisory locks on PostgresLockKeys(), waited for
//   with lock_timeout.
//   PostgreSQL, LockStrategy::kTable: the row PostgresLockKeys()[0] of strata_schema_lock (in the
//   current schema), claimed by one INSERT … ON CONFLICT and polled for; a thread renews its
//   expiry on a connection of its own, and deletes it at the end.
//   SQLite: an exclusive flock() on "<database file>.strata-migrate-lock" holding the owner's pid,
//   released by the kernel if the process dies. In-memory databases need no lock.
class MigrationLock {
 public:
  // Waits at most `timeout` (zero: not at all). Throws LockError naming the holder when it can.
  MigrationLock(Conn& conn, std::chrono::milliseconds timeout,
                LockStrategy strategy = LockStrategy::kAdvisory);
  ~MigrationLock();
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

  // Throws LockError when the lock was lost: a table lock row that another run took over after it
  // expired (its holder could not renew it for kTableLockTtl). Callers check between files.
  void CheckHeld() const;

 private:
  void LockPostgres(std::chrono::milliseconds timeout);
  void LockTable(std::chrono::milliseconds timeout);
  void Heartbeat();
  void LockSqlite(std::chrono::milliseconds timeout);
  // Gives up whatever is held; never throws.
  void Release();

  Conn& conn_;
  std::vector<std::int64_t> held_keys_;
  int fd_ = -1;
  // LockStrategy::kTable: the row held (its key and holder text), the heartbeat's connection and
  // thread, and how the thread is told to stop.
  std::optional<std::int64_t> table_key_;
  std::string table_holder_;
  std::unique_ptr<Conn> heartbeat_conn_;
  std::thread heartbeat_;
  std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::atomic<bool> lost_{false};
};

// Who holds the migration lock right now, in words ("PostgreSQL backend pid 42 (application …)"),
// or empty when nobody else does.
std::string LockHolder(Conn& conn);

}  // namespace strata::migrate
