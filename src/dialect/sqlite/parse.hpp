// Reading CREATE TABLE / CREATE INDEX text (sqlite_schema.sql) for what SQLite's pragmas do not
// report, and the names strata gives to constraints SQLite leaves unnamed. The inspector derives
// those names and the planner omits a CONSTRAINT clause exactly when the name would be derived
// again, so both must use these functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strata/schema.hpp"

namespace strata::dialect::sqlite {

struct ParsedColumn {
  std::string name;
  std::string collation;  // COLLATE name, empty if none
  std::string generated;  // expression of GENERATED ALWAYS AS (…), empty if none
};

struct ParsedUnique {
  std::string name;  // CONSTRAINT name, empty if none
  std::vector<std::string> columns;
};

struct ParsedForeignKey {
  std::string name;  // CONSTRAINT name, empty if none
  std::vector<std::string> columns;
  std::string ref_table;
  bool deferrable = false;
  bool initially_deferred = false;
};

struct ParsedCheck {
  std::string name;  // CONSTRAINT name, empty if none
  std::string expr;
};

struct ParsedOnConflict {
  std::string column;  // of a column constraint; empty for a table constraint
  std::string clause;  // "NOT NULL ON CONFLICT IGNORE", "UNIQUE (a, b) ON CONFLICT REPLACE"
};

// Constraints appear in the order they are written, column constraints before those of later
// columns and table constraints in place.
struct ParsedTable {
  std::vector<ParsedColumn> columns;
  std::string pk_name;
  bool autoincrement = false;
  std::vector<ParsedUnique> uniques;
  std::vector<ParsedForeignKey> foreign_keys;
  std::vector<ParsedCheck> checks;
  // Constraints with an ON CONFLICT clause other than the default ABORT, which the IR does not
  // model. (SQLite ignores the clause on CHECK constraints.)
  std::vector<ParsedOnConflict> on_conflict;
};

struct ParsedIndex {
  // Each indexed column as written, layout-normalized, without ASC/DESC.
  std::vector<std::string> parts;
  // Whether each part carries its own COLLATE clause.
  std::vector<bool> collated;
  std::string where;
};

// `sql` is text SQLite accepted; anything the parser does not need is skipped.
ParsedTable ParseCreateTable(std::string_view sql);
ParsedIndex ParseCreateIndex(std::string_view sql);

// `expr` without parentheses that enclose all of it: "((a + b))" → "a + b".
std::string StripOuterParens(std::string_view expr);

// Whether `expr` names `column` (as a bare or quoted identifier, in any case).
bool MentionsColumn(std::string_view expr, std::string_view column);

// Names for unnamed constraints, as PostgreSQL would give them where it has a rule:
// <table>_<col>[_<col>…]_key for UNIQUE, <table>_<col>…_fkey for FOREIGN KEY (suffixed 1, 2, …
// when the table already has that name), <table>_chk_<n> for the n-th unnamed CHECK.
std::string UniqueName(std::string_view table, const std::vector<std::string>& columns);
std::string ForeignKeyName(std::string_view table, const std::vector<std::string>& columns);
std::string CheckName(std::string_view table, int n);

// Whether the inspector would derive `fk`'s name for `table` if no CONSTRAINT clause named it: it
// is the base name and no other foreign key of `table` (which holds `fk`) has the same base.
bool IsDerivedForeignKeyName(const schema::Table& table, const schema::ForeignKey& fk);

}  // namespace strata::dialect::sqlite
