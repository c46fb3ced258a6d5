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
  return {GolangMigrateLockKey(database, schema, kGolangTable),
          GolangMigrateLockKey("/" + database, schema, kGolangTable)};
}

MigrationLock::MigrationLock(Conn& conn, milliseconds timeout) : conn_(conn) {
  try {
    if (conn.dialect() == Dialect::kPostgres) {
      LockPostgres(timeout);
    } else {
      LockSqlite(timeout);
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
  for (std::int64_t key : PostgresLockKeys(conn)) {
    if (std::string holder = PostgresHolder(conn, key); !holder.empty()) return holder;
  }
  return {};
}

}  // namespace strata::migrate
