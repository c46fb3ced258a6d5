// The SQLite dialect's entry point, scripts and Clean, on the connection of src/driver/sqlite.
#include "dialect/sqlite/sqlite.hpp"

#include <fmt/format.h>

#include "driver/sqlite/conn.hpp"
#include "strata/error.hpp"

namespace strata::dialect {
namespace sqlite {

using driver::sqlite::AsSqlite;
using driver::sqlite::SqliteConn;

void SqliteDialect::ExecScript(Conn& conn, std::string_view script,
                               std::string_view source_name) const {
  AsSqlite(conn).Run(script, source_name);
}

// Everything is dropped in one transaction. Dropping a table also drops its indexes and triggers,
// and a view's triggers go with the view. Enforced foreign keys would turn each DROP TABLE into a
// DELETE that can fail or cascade, so enforcement is switched off around the drops; inside a
// caller's transaction, where that switch is ignored, checks are deferred to its commit instead (by
// then no table is left to violate them).
void SqliteDialect::Clean(Conn& conn) const {
  SqliteConn& sqlite = AsSqlite(conn);
  const Rows objects = conn.Query(
      "SELECT type, name, (SELECT foreign_keys FROM pragma_foreign_keys) FROM main.sqlite_schema "
      "WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
      "ORDER BY type = 'table', name");
  if (objects.rows.empty()) return;
  const bool enforced = objects.rows.front()[2] == "1";
  const bool in_transaction = sqlite.in_transaction();
  std::string drops = enforced && in_transaction ? "PRAGMA defer_foreign_keys = ON;\n" : "";
  for (const Row& row : objects.rows) {
    // The shadow tables of a virtual table go with it: IF EXISTS.
    drops += fmt::format("DROP {} IF EXISTS {};\n", *row[0] == "table" ? "TABLE" : "VIEW",
                         QuoteIdent(*row[1]));
  }
  const bool switch_off = enforced && !in_transaction;
  if (switch_off) conn.Exec("PRAGMA foreign_keys = OFF");
  try {
    if (in_transaction) {
      conn.Exec(drops);
    } else {
      Transaction tx(conn);
      conn.Exec(drops);
      tx.Commit();
    }
  } catch (const Error&) {
    if (switch_off) conn.Exec("PRAGMA foreign_keys = ON");
    throw;
  }
  if (switch_off) conn.Exec("PRAGMA foreign_keys = ON");
}

migrate::DiffOptions SqliteDialect::diff_options() const {
  return {.case_insensitive_types = true};
}

}  // namespace sqlite

const DialectImpl& Sqlite() {
  static const sqlite::SqliteDialect kDialect;
  return kDialect;
}

}  // namespace strata::dialect
