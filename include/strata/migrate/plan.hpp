// Planning: changes → SQL statements for one dialect, with the statements that undo them.
#pragma once

#include <string>
#include <vector>

#include "strata/driver.hpp"
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
};

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

// Runs statements in one transaction, so a failure changes nothing. Statements marked no_tx run
// on their own, between transactions. A failure throws SqlError naming the failing statement.
void ApplyStatements(Conn& conn, const std::vector<Statement>& statements);

}  // namespace strata::migrate
