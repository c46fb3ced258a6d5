// The SQLite connection: a RAII layer over sqlite3 behind strata::Conn.
//
// URL parameters (sqlite://path.db?…):
//   mode=ro|rw|rwc|memory   open read-only, read-write, read-write-create (default), or in memory
//   cache=shared|private    SQLite's shared-cache mode (lets connections share a named memory db)
//   _fk=0|1 (foreign_keys)  enforce foreign keys; ON by default, as most tools expect
//   _busy_timeout=MS (busy_timeout)  how long to wait for a lock held by another connection or
//                           process before failing with "database is locked"; default 5000
// Unknown parameters are rejected, so a typo never goes unnoticed.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "strata/driver.hpp"

namespace strata::driver::sqlite {

// Typed statements (Execute) are prepared once per connection for each SQL text
// (sqlite3_prepare_v3 with SQLITE_PREPARE_PERSISTENT), reset and rebound on reuse. Values bind as
// their SQLite types: bool as integer 0/1, Time as RFC 3339 text in UTC with microseconds
// ("2006-01-02T15:04:05.000000Z", fixed width so that it sorts), UUID as its canonical text.
class SqliteConn final : public Conn {
 public:
  // A statement Execute prepared, kept for the next execution of the same text.
  struct Cached {
    explicit Cached(sqlite3_stmt* s) : stmt(s) {}
    ~Cached() { sqlite3_finalize(stmt); }
    Cached(const Cached&) = delete;
    Cached& operator=(const Cached&) = delete;
    sqlite3_stmt* stmt;
    bool busy = false;  // a live Result is stepping it: another execution prepares its own
    int users = 0;      // live Results reading it (its column names): not evicted meanwhile
  };

  // Opens the database. Throws InputError for bad parameters, ConnectionError when the file cannot
  // be opened (e.g. its directory does not exist) or is not a SQLite database.
  explicit SqliteConn(Url url);

  Dialect dialect() const override { return Dialect::kSqlite; }

  // Runs every statement of `sql`, discarding results, with one exception: `PRAGMA
  // foreign_key_check` fails with ConstraintError when it reports violations, so that the check
  // closing a table rebuild aborts the migration instead of passing silently.
  void Exec(std::string_view sql) override { Run(sql, {}); }
  Rows Query(std::string_view sql,
             const std::vector<std::optional<std::string>>& params = {}) override;

  // Exec, with failures reported as `source_name:line: …` (line of the error inside `sql` when
  // SQLite gives its offset, else of the failing statement's start).
  void Run(std::string_view sql, std::string_view source_name);

  // Runs one statement (a trailing semicolon allowed) with typed parameters. The first step
  // runs here, so that a statement whose Result is never read still takes effect; an INSERT,
  // UPDATE or DELETE … RETURNING runs to completion here (SQLite makes its changes in the first
  // step anyway), its rows kept for the Result.
  Result Execute(std::string_view sql, std::span<const Value> params = {}) override;

  // Whether a transaction is open (SQLite ignores PRAGMA foreign_keys inside one).
  bool in_transaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }
  bool InTransaction() const override { return in_transaction(); }
  bool Healthy() const override { return db_ != nullptr; }
  // Statements prepared by Execute since the connection opened (a cache miss each).
  std::uint64_t prepares() const { return prepares_; }
  void* native_handle() const override { return db_.get(); }

  // Throws the SqlError (ConstraintError) for result code `rc` of the one statement `sql`.
  [[noreturn]] void ThrowStatementError(int rc, std::string_view sql) const {
    Fail(rc, sql, 0, sql.size(), {});
  }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  // Throws the SqlError (ConstraintError) for result code `rc` of the statement at
  // [begin, end) of `sql`; `end` == npos when the statement did not even compile.
  [[noreturn]] void Fail(int rc, std::string_view sql, size_t begin, size_t end,
                         std::string_view source_name) const;

  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  std::unique_ptr<sqlite3, Closer> db_;
  // Declared after db_: finalized before the database closes.
  std::unordered_map<std::string, std::unique_ptr<Cached>, TextHash, std::equal_to<>> statements_;
  // The entry Execute found last: a service runs the same few statements over and over, and
  // comparing the text is cheaper than hashing it.
  std::string_view last_text_;
  Cached* last_ = nullptr;
  std::uint64_t prepares_ = 0;
};

// The connection behind a Conn of the SQLite dialect. Throws Error for any other.
SqliteConn& AsSqlite(Conn& conn);

}  // namespace strata::driver::sqlite
