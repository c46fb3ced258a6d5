// The migration lock (see lock.hpp): golang-migrate's advisory lock key on PostgreSQL, a lock file
// next to the database on SQLite.
#include "migrate/lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <random>
#include <thread>

#include "migrate/revisions.hpp"
#include "strata/error.hpp"
#include "strata/migrate/executor.hpp"

namespace strata::migrate {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::uint32_t kGolangMigrateSalt = 1486364155;
// How often a SQLite lock file is polled while another process holds it.
constexpr milliseconds kPollInterval{20};
// LockStrategy::kTable: a row unrenewed for this long is free to take, the holder renews it this
// often, and a waiting run polls it this often.
constexpr std::chrono::seconds kTableLockTtl{60};
constexpr std::chrono::seconds kTableLockRenew{10};
constexpr milliseconds kTablePollInterval{100};

std::string Value(const Rows& rows, size_t row, size_t col) {
  return rows.rows.size() > row && rows.rows[row].size() > col && rows.rows[row][col]
             ? *rows.rows[row][col]
             : std::string();
}

std::string SqliteLockPath(const Conn& conn) {
  const std::string& db = conn.url().database;
  if (db.empty() || db == ":memory:" || db.starts_with("file::memory:")) return {};
  return db + ".strata-migrate-lock";
}

// The holder of a PostgreSQL advisory lock key in this database, other than this session.
std::string PostgresHolder(Conn& conn, std::int64_t key) {
  const Rows rows = conn.Query(
      "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'), "
      "to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ'), coalesce(a.state, ''), "
      "left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 120) "
      "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
      "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
      "AND l.classid = ($1::bigint >> 32)::oid AND l.objid = ($1::bigint & 4294967295)::oid "
      "AND l.pid <> pg_backend_pid() LIMIT 1",
      {std::to_string(key)});
  if (rows.rows.empty()) return {};
  return fmt::format(
      "PostgreSQL backend pid {} (application \"{}\", client {}, connected {}, {}: {})",
      Value(rows, 0, 0), Value(rows, 0, 1), Value(rows, 0, 2), Value(rows, 0, 3), Value(rows, 0, 4),
      Value(rows, 0, 5));
}

// The live holder of the lock row `key` of strata_schema_lock, in words, or empty.
std::string TableHolder(Conn& conn, std::int64_t key) {
  const Rows rows =
      conn.Query(fmt::format("SELECT holder, to_char(acquired_at, 'YYYY-MM-DD HH24:MI:SS TZ'), "
                             "to_char(expires_at, 'YYYY-MM-DD HH24:MI:SS TZ') FROM {} "
                             "WHERE lock_id = $1 AND expires_at > now()",
                             kLockTable),
                 {std::to_string(key)});
  if (rows.rows.empty()) return {};
  return fmt::format("{} (row {} of {}, taken {}, renewed until {})", Value(rows, 0, 0), key,
                     kLockTable, Value(rows, 0, 1), Value(rows, 0, 2));
}

bool LockTableExists(Conn& conn) {
  return Value(conn.Query("SELECT to_regclass($1) IS NOT NULL", {std::string(kLockTable)}), 0, 0) ==
         "t";
}

// "strata pid 42 on host (a1b2c3d4)": who holds a lock row; the random part tells two runs of one
// process apart.
std::string HolderName() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::random_device random;
  return fmt::format("strata pid {} on {} ({:08x})", getpid(), host.data(), random());
}

std::string SqliteHolder(const std::string& path) {
  if (path.empty()) return {};
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string holder;
  if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
    std::array<char, 64> buf{};
    const ssize_t n = pread(fd, buf.data(), buf.size() - 1, 0);
    holder = n > 0 ? fmt::format("process {} (lock file {})", std::string(buf.data(), n), path)
                   : fmt::format("another process (lock file {})", path);
  }
  close(fd);
  return holder;
}

}  // namespace

std::uint32_t Crc32(std::string_view data) {
  static const std::array<std::uint32_t, 256> kTable = [] {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    return table;
  }();
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char ch : data) crc = kTable[(crc ^ ch) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

std::int64_t GolangMigrateLockKey(std::string_view database, std::string_view schema,
                                  std::string_view table) {
  std::string joined(database);
  for (std::string_view name : {schema, table}) {
    joined.push_back('\0');
    joined.append(name);
  }
  const std::uint32_t key = Crc32(joined) * kGolangMigrateSalt;  // wraps modulo 2^32, as in Go
  return static_cast<std::int64_t>(key);
}

std::vector<std::int64_t> PostgresLockKeys(Conn& conn) {
  const Rows rows = conn.Query("SELECT current_database(), current_schema()");
  if (rows.rows.empty() || !rows.rows[0][1]) {
    throw InputError(fmt::format(
        "{}: no current schema: the URL's search_path names a schema that does not exist; "
        "create it first (CREATE SCHEMA …) or fix the URL",
        conn.url().Redacted()));
  }
  const std::string database = Value(rows, 0, 0);
  const std::string schema = Value(rows, 0, 1);
  const std::string table = GolangTableName(conn.url());
  return {GolangMigrateLockKey(database, schema, table),
          GolangMigrateLockKey("/" + database, schema, table)};
}

LockStrategy ParseLockStrategy(std::string_view name) {
  if (name == "advisory") return LockStrategy::kAdvisory;
  if (name == "table") return LockStrategy::kTable;
  throw InputError(fmt::format("unknown lock strategy \"{}\": use advisory or table", name));
}

MigrationLock::MigrationLock(Conn& conn, milliseconds timeout, LockStrategy strategy)
    : conn_(conn) {
  if (strategy == LockStrategy::kTable && conn.dialect() != Dialect::kPostgres) {
    throw InputError(
        "the table lock strategy is for PostgreSQL (behind a transaction-pooling PgBouncer): "
        "SQLite runs lock a file next to the database; leave the lock strategy out");
  }
  try {
    if (conn.dialect() != Dialect::kPostgres) {
      LockSqlite(timeout);
    } else if (strategy == LockStrategy::kTable) {
      LockTable(timeout);
    } else {
      LockPostgres(timeout);
    }
  } catch (...) {
    Release();  // e.g. the first advisory key was taken, the second timed out
    throw;
  }
}

MigrationLock::~MigrationLock() { Release(); }

void MigrationLock::Release() {
  if (fd_ >= 0) close(fd_);  // releases the flock
  fd_ = -1;
  if (heartbeat_.joinable()) {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      stop_ = true;
    }
    stop_cv_.notify_all();
    heartbeat_.join();
  }
  if (table_key_) {
    const std::string sql =
        fmt::format("DELETE FROM {} WHERE lock_id = $1 AND holder = $2", kLockTable);
    const std::vector<std::optional<std::string>> params = {std::to_string(*table_key_),
                                                            table_holder_};
    try {
      conn_.Query(sql, params);
    } catch (const Error&) {
      try {
        if (heartbeat_conn_) heartbeat_conn_->Query(sql, params);
      } catch (const Error&) {
        // Both sessions are broken: the row expires kTableLockTtl after its last renewal.
      }
    }
    table_key_.reset();
  }
  heartbeat_conn_.reset();
  // An aborted transaction left on the session would make every unlock below fail, and the lock
  // would stay held until the session ends.
  if (!held_keys_.empty() && conn_.InTransaction()) {
    try {
      conn_.Exec("ROLLBACK");
    } catch (const Error&) {
      // The session is broken; the server releases session locks when it ends.
    }
  }
  for (auto it = held_keys_.rbegin(); it != held_keys_.rend(); ++it) {
    try {
      conn_.Query("SELECT pg_advisory_unlock($1)", {std::to_string(*it)});
    } catch (const Error&) {
      // The session is broken; the server releases session locks when it ends.
    }
  }
  held_keys_.clear();
}

void MigrationLock::LockPostgres(milliseconds timeout) {
  const std::vector<std::int64_t> keys = PostgresLockKeys(conn_);
  const auto deadline = Clock::now() + timeout;
  auto fail = [&](std::int64_t key) {
    std::string holder = PostgresHolder(conn_, key);
    throw LockError(fmt::format(
        "another migration run holds the migration lock of {} (advisory lock {}, shared with "
        "golang-migrate){}; waited {} ms. Wait for it to finish, or raise --lock-timeout{}",
        conn_.url().Redacted(), key, holder.empty() ? "" : ": " + holder, timeout.count(),
        holder.empty() ? ""
                       : "; if that process is gone but its session lingers, end the session "
                         "with SELECT pg_terminate_backend(<pid>)"));
  };
  if (timeout.count() <= 0) {
    for (std::int64_t key : keys) {
      const Rows r = conn_.Query("SELECT pg_try_advisory_lock($1)", {std::to_string(key)});
      if (Value(r, 0, 0) != "t") fail(key);
      held_keys_.push_back(key);
    }
    return;
  }
  // pg_advisory_lock waits in the server's lock queue and wakes as soon as the holder is done;
  // lock_timeout bounds the wait. The session's own setting is restored afterwards.
  const std::string saved = Value(conn_.Query("SELECT current_setting('lock_timeout')"), 0, 0);
  auto restore = [&] { conn_.Query("SELECT set_config('lock_timeout', $1, false)", {saved}); };
  for (std::int64_t key : keys) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    conn_.Query("SELECT set_config('lock_timeout', $1, false)",
                {fmt::format("{}ms", std::max<std::int64_t>(left.count(), 1))});
    try {
      conn_.Query("SELECT pg_advisory_lock($1)", {std::to_string(key)});
    } catch (const SqlError& e) {
      if (e.sqlstate != "55P03") throw;  // lock_not_available: the timeout expired
      restore();
      fail(key);
    }
    held_keys_.push_back(key);
  }
  restore();
}

void MigrationLock::LockTable(milliseconds timeout) {
  const std::int64_t key = PostgresLockKeys(conn_)[0];
  const std::string holder = HolderName();
  // Every statement stands alone (autocommit), so that a transaction-pooling PgBouncer may send
  // each to any server connection.
  const std::string create = fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (lock_id bigint PRIMARY KEY, holder text NOT NULL, "
      "acquired_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)",
      kLockTable);
  // Two runs creating the table at once may collide in the catalog (unique_violation,
  // duplicate_table, or duplicate_object for its row type): the loser finds it there next time.
  for (int attempt = 0; !LockTableExists(conn_); ++attempt) {
    try {
      conn_.Exec(create);
    } catch (const SqlError& e) {
      const bool collided = e.sqlstate == "23505" || e.sqlstate == "42P07" || e.sqlstate == "42710";
      if (!collided || attempt >= 5) throw;
    }
  }
  // Claims the row when nobody has it or its holder stopped renewing it.
  const std::string claim = fmt::format(
      "INSERT INTO {0} AS l (lock_id, holder, acquired_at, expires_at) "
      "VALUES ($1, $2, now(), now() + make_interval(secs => $3)) "
      "ON CONFLICT (lock_id) DO UPDATE SET holder = EXCLUDED.holder, acquired_at = now(), "
      "expires_at = EXCLUDED.expires_at WHERE l.expires_at <= now() RETURNING l.holder",
      kLockTable);
  const std::vector<std::optional<std::string>> params = {std::to_string(key), holder,
                                                          std::to_string(kTableLockTtl.count())};
  const auto deadline = Clock::now() + timeout;
  while (conn_.Query(claim, params).rows.empty()) {
    if (Clock::now() >= deadline) {
      const std::string other = TableHolder(conn_, key);
      throw LockError(fmt::format(
          "another migration run holds the migration lock of {} (table lock){}; waited {} ms. "
          "Wait for it to finish, or raise --lock-timeout; a holder that died frees the lock {} s "
          "after its last renewal",
          conn_.url().Redacted(), other.empty() ? "" : ": " + other, timeout.count(),
          kTableLockTtl.count()));
    }
    std::this_thread::sleep_for(std::min<milliseconds>(
        kTablePollInterval, std::max(milliseconds(1), std::chrono::duration_cast<milliseconds>(
                                                          deadline - Clock::now()))));
  }
  table_key_ = key;
  table_holder_ = holder;
  heartbeat_conn_ = Connect(conn_.url());
  heartbeat_ = std::thread([this] { Heartbeat(); });
}

void MigrationLock::Heartbeat() {
  const std::string renew = fmt::format(
      "UPDATE {} SET expires_at = now() + make_interval(secs => $3) "
      "WHERE lock_id = $1 AND holder = $2 RETURNING 1",
      kLockTable);
  const std::vector<std::optional<std::string>> params = {
      std::to_string(*table_key_), table_holder_, std::to_string(kTableLockTtl.count())};
  std::unique_lock<std::mutex> guard(mutex_);
  while (!stop_cv_.wait_for(guard, kTableLockRenew, [this] { return stop_; })) {
    guard.unlock();
    try {
      if (heartbeat_conn_->Query(renew, params).rows.empty()) lost_ = true;
    } catch (const Error&) {
      // A passing network or pooler problem: the next renewal tries again, well before expiry.
    }
    guard.lock();
  }
}

void MigrationLock::CheckHeld() const {
  if (!lost_) return;
  throw LockError(fmt::format(
      "the migration lock of {} was lost: its row in {} expired (not renewed for {} s: the "
      "database was unreachable) and another run may hold it now, so this run stopped between "
      "files. Check `strata migrate status`, then run again",
      conn_.url().Redacted(), kLockTable, kTableLockTtl.count()));
}

void MigrationLock::LockSqlite(milliseconds timeout) {
  const std::string path = SqliteLockPath(conn_);
  if (path.empty()) return;
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw InputError(
        fmt::format("cannot open the migration lock file {}: {}", path, std::strerror(errno)));
  }
  const auto deadline = Clock::now() + timeout;
  while (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      throw InputError(fmt::format("cannot lock {}: {}", path, std::strerror(errno)));
    }
    if (Clock::now() >= deadline) {
      const std::string holder = SqliteHolder(path);
      throw LockError(fmt::format(
          "another migration run holds the migration lock of {}{}; waited {} ms. Wait for it to "
          "finish, or raise --lock-timeout",
          conn_.url().Redacted(), holder.empty() ? "" : " (" + holder + ")", timeout.count()));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  const std::string pid = std::to_string(getpid());
  if (ftruncate(fd_, 0) != 0 || pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
    // The pid only improves messages; the flock is what excludes other runs.
  }
}

std::string LockHolder(Conn& conn) {
  if (conn.dialect() == Dialect::kSqlite) return SqliteHolder(SqliteLockPath(conn));
  const std::vector<std::int64_t> keys = PostgresLockKeys(conn);
  for (std::int64_t key : keys) {
    if (std::string holder = PostgresHolder(conn, key); !holder.empty()) return holder;
  }
  if (LockTableExists(conn)) return TableHolder(conn, keys[0]);
  return {};
}

}  // namespace strata::migrate
