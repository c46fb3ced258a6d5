// Normalized schema dumps for tests: the database's own view of a schema (pg_dump --schema-only,
// SQLite pragmas), made comparable between a migrated database and one built from scratch.
#pragma once

#include <string>
#include <vector>

#include "strata/driver.hpp"
#include "support/databases.hpp"

namespace strata::testing {

// The schema of `db` as sorted, normalized lines. `conn` is an open connection to `db` (SQLite
// dumps are read through it; PostgreSQL ones come from pg_dump, found in STRATA_TEST_PG_BIN).
//
// PostgreSQL: pg_dump --schema-only without comments, blank lines and session settings; the lines
// inside each CREATE TABLE are sorted (ADD COLUMN appends, so column order may differ).
// SQLite: per table (by name), the pragma view of columns (by name), indexes (auto-indexes named
// by their columns), foreign keys and table options, plus what pragmas do not expose (CHECK
// constraints, collations, generated-column expressions, DEFERRABLE) as migrate::Inspect reports
// it.
// Tables named in `exclude_tables` (in any schema) are left out, with their indexes and
// constraints.
std::vector<std::string> SchemaDump(const TempDatabase& db, Conn& conn,
                                    const std::vector<std::string>& exclude_tables = {});

// A line diff of two dumps ("- " only in `a`, "+ " only in `b`), at most `max_lines` lines.
std::string DumpDiff(const std::vector<std::string>& a, const std::vector<std::string>& b,
                     size_t max_lines = 40);

}  // namespace strata::testing
