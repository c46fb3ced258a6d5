// Splits SQL scripts into statements. Understands quotes ('…', E'…' with backslashes, "…"),
// comments (-- and nested /* */), dollar-quoted bodies ($$…$$, $tag$…$tag$), and bodies that
// contain semicolons: PostgreSQL's BEGIN ATOMIC … END and SQLite's CREATE TRIGGER … BEGIN … END.
// It sits in the driver layer because its lowest user does: the SQLite connection names the
// failing statement of a script with it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strata/driver.hpp"

namespace strata::driver {

struct ScriptStatement {
  std::string text;   // the statement without its terminating semicolon, trimmed
  int line = 0;       // 1-based line of its first character in the script
  size_t offset = 0;  // byte offset of its first character in the script
};

// Which quoting rules apply. SQLite also quotes identifiers with [brackets] and `backticks`;
// PostgreSQL does not (there `[` is an array subscript, as in ARRAY[']']). kAny, for scripts whose
// dialect is not known yet, follows SQLite's rules.
enum class SplitDialect { kAny, kPostgres, kSqlite };

// The rules of scripts that run on `dialect`.
inline SplitDialect SplitDialectOf(Dialect dialect) {
  return dialect == Dialect::kPostgres ? SplitDialect::kPostgres : SplitDialect::kSqlite;
}

// Statements holding nothing but comments and whitespace are left out. `$` inside a word is part
// of it (PostgreSQL identifiers may hold `$` after their first character: a$b$c is one name, not a
// dollar quote).
std::vector<ScriptStatement> SplitStatements(std::string_view script,
                                             SplitDialect dialect = SplitDialect::kAny);

// The 1-based line of byte `offset` in `text`.
int LineAt(std::string_view text, size_t offset);

}  // namespace strata::driver
