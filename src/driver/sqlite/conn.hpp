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

#include <memory>
#include <string_view>

#include "strata/driver.hpp"

namespace strata::driver::sqlite {

class SqliteConn final : public Conn {
 public:
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

  // Whether a transaction is open (SQLite ignores PRAGMA foreign_keys inside one).
  bool in_transaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  // Throws the SqlError (ConstraintError) for result code `rc` of the statement at
  // [begin, end) of `sql`; `end` == npos when the statement did not even compile.
  [[noreturn]] void Fail(int rc, std::string_view sql, size_t begin, size_t end,
                         std::string_view source_name) const;

  std::unique_ptr<sqlite3, Closer> db_;
};

// The connection behind a Conn of the SQLite dialect. Throws Error for any other.
SqliteConn& AsSqlite(Conn& conn);

}  // namespace strata::driver::sqlite
