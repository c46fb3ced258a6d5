// The PostgreSQL dialect: inspection, planning, script execution and cleaning, put together behind
// the DialectImpl interface.
#include "dialect/postgres/postgres.hpp"

#include <fmt/format.h>

#include "dialect/dialect.hpp"
#include "driver/split.hpp"
#include "strata/error.hpp"

namespace strata::dialect {
namespace postgres {
namespace {

// Builds one script dropping everything in scope, by kind, so that it runs in one request: with
// $1 = '' every non-system schema but public is dropped and public is emptied (it is kept, with
// its owner and privileges, as a fresh database has it); with $1 = a schema, that schema is
// emptied. Objects belonging to an extension go with their extension.
constexpr std::string_view kCleanQuery = R"sql(
WITH target AS (
  SELECT oid FROM pg_namespace WHERE nspname = CASE WHEN $1 = '' THEN 'public' ELSE $1 END
),
ext_member AS (
  SELECT d.classid, d.objid FROM pg_depend d
  WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
),
-- Every object of the target schemas, with the code (relkind, prokind, typtype) of its catalog.
obj AS (
  SELECT 'pg_class'::regclass AS catalog, c.oid, c.relkind::text AS code,
         format('%I.%I', n.nspname, c.relname) AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relnamespace IN (SELECT oid FROM target)
  UNION ALL
  SELECT 'pg_proc', p.oid, p.prokind::text,
         format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE p.pronamespace IN (SELECT oid FROM target)
  UNION ALL
  SELECT 'pg_type', t.oid, t.typtype::text, format('%I.%I', n.nspname, t.typname)
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE t.typnamespace IN (SELECT oid FROM target)
    AND (t.typtype IN ('e', 'd', 'r')
         OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
         OR (t.typtype = 'b' AND t.typcategory <> 'A'))
  UNION ALL
  SELECT 'pg_collation', co.oid, '', format('%I.%I', n.nspname, co.collname)
  FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace
  WHERE co.collnamespace IN (SELECT oid FROM target)
),
-- The kinds of object dropped, one statement each, in this order after extensions and schemas.
kind(ord, catalog, code, keyword) AS (
  VALUES (3, 'pg_class'::regclass, 'v', 'VIEW'), (4, 'pg_class', 'm', 'MATERIALIZED VIEW'),
         (5, 'pg_class', 'f', 'FOREIGN TABLE'), (6, 'pg_class', 'r', 'TABLE'),
         (6, 'pg_class', 'p', 'TABLE'), (7, 'pg_class', 'S', 'SEQUENCE'),
         (8, 'pg_proc', 'a', 'AGGREGATE'), (9, 'pg_proc', 'f', 'ROUTINE'),
         (9, 'pg_proc', 'p', 'ROUTINE'), (9, 'pg_proc', 'w', 'ROUTINE'),
         (10, 'pg_type', 'd', 'DOMAIN'), (11, 'pg_type', 'e', 'TYPE'), (11, 'pg_type', 'r', 'TYPE'),
         (11, 'pg_type', 'c', 'TYPE'), (11, 'pg_type', 'b', 'TYPE'),
         (12, 'pg_collation', '', 'COLLATION')
),
stmt AS (
  SELECT 1 AS ord, 'DROP EXTENSION IF EXISTS '
         || string_agg(quote_ident(x.extname), ', ' ORDER BY x.extname) || ' CASCADE' AS sql
  FROM pg_extension x
  WHERE x.extname <> 'plpgsql' AND ($1 = '' OR x.extnamespace IN (SELECT oid FROM target))
  UNION ALL
  SELECT 2, 'DROP SCHEMA IF EXISTS ' || string_agg(quote_ident(nspname), ', ' ORDER BY nspname)
         || ' CASCADE'
  FROM pg_namespace
  WHERE $1 = '' AND left(nspname, 3) <> 'pg_' AND nspname NOT IN ('information_schema', 'public')
  UNION ALL
  SELECT k.ord, 'DROP ' || k.keyword || ' IF EXISTS ' || string_agg(o.name, ', ') || ' CASCADE'
  FROM obj o JOIN kind k USING (catalog, code)
  WHERE (o.oid, o.catalog) NOT IN (SELECT objid, classid FROM ext_member)
  GROUP BY k.ord, k.keyword
)
SELECT string_agg(sql, E';\n' ORDER BY ord) FROM stmt WHERE sql IS NOT NULL
)sql";

// The byte offset of the 1-based character `position` in UTF-8 `text` (server error positions
// count characters).
size_t ByteOffset(std::string_view text, int position) {
  size_t offset = 0;
  for (int chars = 1; offset < text.size(); ++offset) {
    if ((static_cast<unsigned char>(text[offset]) & 0xC0) != 0x80 && chars++ == position) break;
  }
  return offset;
}

}  // namespace

void ExecScript(Conn& conn, std::string_view script, std::string_view source_name) {
  for (const driver::ScriptStatement& stmt :
       driver::SplitStatements(script, driver::SplitDialect::kPostgres)) {
    try {
      conn.Exec(stmt.text);
    } catch (const SqlError& e) {
      // The line of the error position when the server gives one, else the statement's first.
      int line = stmt.line;
      if (e.position > 0) {
        line = driver::LineAt(script, stmt.offset + ByteOffset(stmt.text, e.position));
      }
      std::string message = fmt::format("{}:{}: {}", source_name, line, e.what());
      // A missing type or function most often belongs to an extension: a dev database holds
      // only what the file creates.
      if (e.sqlstate == "42704" || e.sqlstate == "42883") {
        message +=
            "\nIf it comes from an extension (citext, hstore, uuid-ossp, postgis…), create the "
            "extension first, in this file: CREATE EXTENSION IF NOT EXISTS <name>;";
      }
      if (const auto* c = dynamic_cast<const ConstraintError*>(&e); c != nullptr) {
        ConstraintError error(std::move(message), e.sqlstate, e.server_message, e.statement,
                              e.position);
        error.kind = c->kind;
        error.constraint = c->constraint;
        throw error;
      }
      throw SqlError(std::move(message), e.sqlstate, e.server_message, e.statement, e.position);
    }
  }
}

void Clean(driver::postgres::PgConn& conn) {
  Rows script = conn.Query(kCleanQuery, {conn.url().SearchPath()});
  if (const auto& sql = script.rows.at(0).at(0); sql.has_value()) conn.Exec(*sql);
}

}  // namespace postgres

namespace {

class PostgresDialect : public DialectImpl {
 public:
  schema::Realm Inspect(Conn& conn) const override {
    return postgres::Inspect(driver::postgres::AsPg(conn));
  }

  void ExecScript(Conn& conn, std::string_view script,
                  std::string_view source_name) const override {
    postgres::ExecScript(conn, script, source_name);
  }

  void Clean(Conn& conn) const override { postgres::Clean(driver::postgres::AsPg(conn)); }

  migrate::Plan PlanChanges(const std::vector<migrate::Change>& changes,
                            const migrate::PlanOptions& options) const override {
    return postgres::PlanChanges(changes, options);
  }

  migrate::DiffOptions diff_options() const override {
    return {.case_insensitive_types = false, .rebind_foreign_keys = true};
  }
};

}  // namespace

const DialectImpl& Postgres() {
  static const PostgresDialect dialect;
  return dialect;
}

}  // namespace strata::dialect
