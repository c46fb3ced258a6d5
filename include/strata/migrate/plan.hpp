// Planning: changes → SQL statements for one dialect, with the statements that undo them.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "strata/driver.hpp"
#include "strata/error.hpp"
#include "strata/migrate/changes.hpp"

namespace strata::migrate {

struct Statement {
  std::string sql;      // one statement, without the trailing semicolon
  std::string comment;  // what it does, e.g. `create "users" table`
  // The statement cannot run inside a transaction (e.g. ALTER TYPE … ADD VALUE used in the same
  // file on old servers, CREATE INDEX CONCURRENTLY). SQLite plans that rebuild tables start with
  // `PRAGMA foreign_keys = off` and end with `PRAGMA foreign_keys = on`, both no_tx: run them
  // before opening and after committing the transaction of the statements between (SQLite ignores
  // that pragma inside a transaction, and a rebuild under enforcement fires ON DELETE actions).
  bool no_tx = false;
};

struct Plan {
  std::vector<Statement> statements;
  // Statements that undo `statements`, in the order they must run.
  std::vector<Statement> reverse;
  // Changes whose reverse cannot be expressed (e.g. removing again a value added to a PostgreSQL
  // enum type that a generated column uses); the reverse plan then does not restore the previous
  // state and says so in a comment.
  std::vector<std::string> irreversible;
  // Warnings for the user, e.g. objects the IR does not model, or a change that may fail on data.
  std::vector<std::string> warnings;
};

struct PlanOptions {
  // Leave object names unqualified by their schema (set when both realms are scoped).
  bool unqualified = false;
  // With `unqualified`: schemas whose objects keep their qualification all the same (PostgreSQL;
  // entity schemas placed in a schema of their own), so that only the others are left to the
  // search path.
  std::vector<std::string> qualified_schemas;
  // Indentation for multi-line CREATE TABLE; empty writes each statement on one line.
  std::string indent;
  // Names of every table and view of the realms diffed (TableNames), those the changes do not
  // touch included: temporary tables of a plan (SQLite's rebuild copies) get names none of them
  // has.
  std::vector<std::string> taken_names;
};

// The table and view names of both realms, for PlanOptions::taken_names.
std::vector<std::string> TableNames(const schema::Realm& a, const schema::Realm& b);

Plan PlanChanges(Dialect dialect, const std::vector<Change>& changes,
                 const PlanOptions& options = {});

// The options to Diff realms of `dialect` with, so that PlanChanges can plan the changes: type
// comparison as the dialect declares types, and foreign keys rebound where the dialect needs it.
DiffOptions DiffOptionsFor(Dialect dialect);

// The statements that create `realm` from nothing (schema inspect --format sql).
std::vector<Statement> CreateStatements(Dialect dialect, const schema::Realm& realm,
                                        const PlanOptions& options = {});

// Renders statements as a SQL script: a `-- comment` line above each run of statements with the
// same comment, every statement terminated by ";" and a newline.
std::string FormatScript(const std::vector<Statement>& statements);

// A statement run by ApplyStatements failed: the server's error (sqlstate, server_message and
// position as in the SqlError it threw), `statement` the statement as the list holds it, and
// `index` its position in the list. The message names the statement and its number.
class StatementError : public SqlError {
 public:
  StatementError(const SqlError& cause, std::string statement, size_t index, size_t count);
  // COMMIT failed (a deferred constraint, a serialization failure): `index` is then the last
  // statement of the transaction that was rolled back, `tx_begin` its first, and `statement`
  // is "COMMIT".
  static StatementError AtCommit(const SqlError& cause, size_t tx_begin, size_t index,
                                 size_t count);
  size_t index;
  size_t tx_begin = 0;
  bool at_commit = false;
};

// What ApplyStatements does besides running the statements, for callers that record progress with
// them (the migration executor). Either may be empty.
struct ApplyHooks {
  // Runs statement `index`, which is marked no_tx, in place of `conn.Exec(sql)`. A SqlError it
  // throws is the statement's failure.
  std::function<void(size_t index)> run_alone;
  // Runs inside each transaction ApplyStatements opens, right before it commits, given the
  // statements [begin, end) it holds: what it writes commits with them, or rolls back with them.
  std::function<void(size_t begin, size_t end)> before_commit;
};

// Runs statements in order, in as few transactions as their no_tx marks allow. This is the one way
// strata runs a list of statements: `schema apply`, and the migration executor's files.
//   - Consecutive statements not marked no_tx share one transaction, committed before the next
//     no_tx statement and at the end; a failure rolls it back, so it changes nothing.
//   - A statement marked no_tx runs alone, outside any transaction; what ran before it stays.
//   - A no_tx `PRAGMA foreign_keys = off` (how a SQLite plan opens a table rebuild: SQLite ignores
//     the pragma inside a transaction) is undone however the run ends: when something fails after
//     it, the no_tx `PRAGMA foreign_keys = on` the list holds after it still runs, after the
//     rollback, so the connection enforces foreign keys as the list would have left it.
// A failing statement throws StatementError, and so does a failing COMMIT (at_commit set; the
// transaction is rolled back and the session left with none open); an exception of
// `hooks.before_commit` is passed on as it is, after the same rollback and pragma.
void ApplyStatements(Conn& conn, const std::vector<Statement>& statements,
                     const ApplyHooks& hooks = {});

}  // namespace strata::migrate
