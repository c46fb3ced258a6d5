// Named databases a service declares: resolved, created (in development) and migrated at start-up,
// then handed out as a driver for the generated client or as a raw handle for any other SQL
// library (docs/sqldb.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "strata/driver.hpp"
#include "strata/error.hpp"
#include "strata/migrate/executor.hpp"

struct pg_conn;
struct sqlite3;

namespace strata::sqldb {

// Where a declaration is, for messages: the caller's file and line when current() is a default
// argument. std::source_location would do, but it is missing from clang 14 with libstdc++ 12;
// these builtins are in g++ and clang alike, and the type is the same whichever compiles.
struct SourceLocation {
  static constexpr SourceLocation current(const char* file = __builtin_FILE(),
                                          std::uint_least32_t line = __builtin_LINE()) noexcept {
    return SourceLocation{file, line};
  }
  const char* file = "";
  std::uint_least32_t line = 0;
};

struct DatabaseConfig {
  // Folder of migration files. A relative path is taken from the folder of the source file that
  // calls NewDatabase when that folder exists (so a service finds its migrations wherever it is
  // started from), else from the working directory. Files embedded into the program with the
  // CMake function strata_embed_migrations(...) for this database name take precedence; the
  // directory's strata.sum is checked either way. Empty: the database has no migrations.
  std::string migrations;
  // The directory's format (as --dir-format): golang-migrate (default), atlas, goose, flyway,
  // dbmate.
  std::string format = "golang-migrate";
  // Pool settings of Driver().
  PoolOptions pool{};
  // How start-ups running at once exclude each other while migrating (PostgreSQL): kAdvisory
  // (session advisory locks, shared with golang-migrate), or kTable behind PgBouncer in
  // transaction pooling mode (docs/migrate-apply.md#pgbouncer). SQLite always locks a file.
  migrate::LockStrategy lock_strategy = migrate::LockStrategy::kAdvisory;
  // How long a start-up waits for another one that is migrating.
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(60)};
};

// What Open() did, for logs and tests.
struct OpenReport {
  std::string url;       // where the database was found, password masked
  std::string source;    // which setting named it: "STRATA_DB_USER_URL", "strata.toml
                         // [databases.user]", "development cluster", "default SQLite file"
  bool created = false;  // the database did not exist and was created
  bool managed = true;   // false: connected to, never created or migrated
  std::string from_version, to_version;
  std::vector<std::string> applied;  // files applied at this start-up
  std::vector<std::string> notes;    // e.g. a failed file recovered from and retried
  // Requests sent to the database to check and migrate it: 1 when nothing was pending.
  std::uint64_t round_trips = 0;
};

class Database {
 public:
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  const std::string& Name() const;

  // Resolves the database's connection settings, creates the database when it is missing (in
  // development), and applies every pending migration under the migration lock, so that N
  // instances starting at once apply each file exactly once. Thread-safe; runs once; later calls
  // (and Driver(), ConnString(), Raw()) return at once. Throws the migration's error (naming the
  // file, line and statement) when a file fails; the next call retries, and a file that failed
  // inside its own transaction runs again from the start (OpenReport::notes says so). Every
  // error names the database and where it was declared; a refused declaration (see
  // NewDatabase) is thrown here, and by every other member, as InputError.
  const OpenReport& Open();

  // A shareable pooled handle: what ent::Client takes. Calls Open() first.
  DB Driver();
  // A URL libpq (PostgreSQL) or sqlite3 (SQLite) accepts, credentials included (never logged).
  std::string ConnString();
  strata::Dialect Dialect();

  // A connection leased from Driver()'s pool, for another C++ SQL library. Returned to the pool
  // (rolled back first if a transaction is open) when destroyed.
  class RawConn {
   public:
    pg_conn* Postgres() const;  // PGconn*; nullptr on SQLite
    sqlite3* Sqlite() const;    // nullptr on PostgreSQL
    Conn& conn() const { return *lease_; }

   private:
    friend class Database;
    explicit RawConn(DB::Lease lease) : lease_(std::move(lease)) {}
    DB::Lease lease_;
  };
  RawConn Raw();

  struct Impl;  // defined by the run time (src/sqldb), opaque to users

 private:
  friend struct Access;
  friend Database& NewDatabase(std::string_view, DatabaseConfig, SourceLocation);
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Declares database `name` (lower snake_case, at most 63 characters). Meant for namespace scope:
//   strata::sqldb::Database& user_db = strata::sqldb::NewDatabase("user", {.migrations =
//   "./migrations"});
// Nothing is connected until first use. Declaring the same name again with the same settings
// returns the same Database. A bad name or a second declaration with different settings is
// refused, and a missing migrations folder found at first use (when embedded files would have
// registered): the InputError names the name, the setting and the declaring file:line. Since
// declarations run during static initialisation, where an exception could only terminate the
// program with no message, NewDatabase never throws: a refused declaration returns a Database
// whose every use (Open, Driver, ConnString, Dialect, Raw, NewTestDatabase) throws that error.
Database& NewDatabase(std::string_view name, DatabaseConfig config = {},
                      SourceLocation where = SourceLocation::current());

// The database declared elsewhere as `name`; throws InputError naming the declared ones if none.
Database& Named(std::string_view name);

// Every migration file embedded into the program for one database (written by the CMake function
// strata_embed_migrations; not for hand use).
struct EmbeddedFile {
  const char* name;  // file name inside the directory, e.g. "20240101000000_init.up.sql"
  const char* data;
  std::size_t size;
};
// Registers embedded files at static initialisation; returns true.
bool RegisterEmbeddedMigrations(std::string_view database, const EmbeddedFile* files,
                                std::size_t count);

namespace testing {

// A database of its own for one test: a copy of database `name`'s migrated template
// (`CREATE DATABASE … TEMPLATE` on PostgreSQL, a file copy on SQLite), dropped when destroyed.
class TestDatabase {
 public:
  TestDatabase(TestDatabase&&) noexcept;
  TestDatabase& operator=(TestDatabase&&) = delete;
  ~TestDatabase();

  const std::string& Name() const;  // the copy's own name, e.g. "user_t_3f9a01c2"
  DB Driver();
  std::string ConnString() const;

 private:
  struct Impl;
  friend TestDatabase NewTestDatabase(std::string_view name);
  explicit TestDatabase(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The template is created and migrated on first use in a process (and re-migrated when the
// migration directory changed); copies are cheap after that. `name` must be declared.
TestDatabase NewTestDatabase(std::string_view name);

}  // namespace testing
}  // namespace strata::sqldb
