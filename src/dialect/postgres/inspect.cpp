// The PostgreSQL inspector: one catalog query builds the whole schema as JSON (so the cost does not
// grow with the number of tables), which is then assembled into the IR.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "dialect/postgres/postgres.hpp"
#include "strata/error.hpp"

namespace strata::dialect::postgres {
namespace {

using nlohmann::json;

// $1 is the schema the URL is scoped to, or '' for every non-system schema. Expressions and type
// names come from the server's own deparsers (format_type, pg_get_expr, pg_get_indexdef), so they
// are qualified according to the search_path in force: '' in realm mode, the scope otherwise.
// @NND@ stands for pg_index.indnullsnotdistinct, which only exists from PostgreSQL 15 on.
constexpr std::string_view kInspectQuery = R"sql(
WITH ns AS (
  SELECT n.oid, n.nspname
  FROM pg_namespace n
  WHERE CASE WHEN $1 = '' THEN left(n.nspname, 3) <> 'pg_' AND n.nspname <> 'information_schema'
             ELSE n.nspname = $1 END
),
ext_member AS (
  SELECT d.classid, d.objid FROM pg_depend d
  WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
),
rel AS (
  SELECT c.oid, c.relname, c.relkind, c.relispartition, c.relnamespace, ns.nspname
  FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    AND (c.oid, 'pg_class'::regclass) NOT IN (SELECT objid, classid FROM ext_member)
),
tbl AS (
  SELECT oid, relname, nspname, relnamespace FROM rel WHERE relkind = 'r' AND NOT relispartition
)
SELECT json_build_object(
'schemas', (
  SELECT coalesce(json_agg(json_build_object(
    'name', ns.nspname, 'comment', obj_description(ns.oid, 'pg_namespace'))), '[]')
  FROM ns),
'tables', (
  SELECT coalesce(json_agg(json_build_object(
    'oid', tbl.oid, 'schema', tbl.nspname, 'name', tbl.relname)), '[]')
  FROM tbl),
-- Rows are arrays (cheaper to build and parse than objects); the field order is the one of the
-- k* constants below. Column numbers are resolved to names by the caller.
'columns', (
  SELECT coalesce(json_agg(json_build_array(
    a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
    a.attidentity, a.attgenerated,
    -- Defaults cannot refer to columns, so they deparse without opening the table.
    CASE WHEN a.attgenerated = 's' THEN pg_get_expr(ad.adbin, ad.adrelid)
         ELSE pg_get_expr(ad.adbin, 0) END,
    CASE WHEN co.collnamespace = 'pg_catalog'::regnamespace OR cn.nspname = $1
         THEN quote_ident(co.collname)
         ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,
    -- A sequence owned by the column ('a') with the options serial gives it: the column is a
    -- serial if its default is nextval of it (checked by the caller). A subquery per integer
    -- column with a default, so that it goes through the index.
    CASE WHEN ad.oid IS NOT NULL
          AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN (
      SELECT json_build_array(s.relname, s.oid::regclass::text)
      FROM pg_depend d
      JOIN pg_class s ON s.oid = d.objid
      JOIN pg_sequence sq ON sq.seqrelid = s.oid
      WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid
        AND d.refobjsubid = a.attnum AND d.classid = 'pg_class'::regclass AND d.deptype = 'a'
        AND s.relkind = 'S' AND s.relnamespace = tbl.relnamespace AND sq.seqtypid = a.atttypid
        AND sq.seqstart = 1 AND sq.seqincrement = 1 AND sq.seqmin = 1 AND sq.seqcache = 1
        AND NOT sq.seqcycle
        AND sq.seqmax = CASE sq.seqtypid WHEN 'int2'::regtype THEN 32767
                                         WHEN 'int4'::regtype THEN 2147483647
                                         ELSE 9223372036854775807 END
      LIMIT 1)
    END,
    -- The sequence of an identity column (dependency 'i') and its options.
    CASE WHEN a.attidentity <> '' THEN (
      SELECT json_build_array(s.relname, sq.seqstart, sq.seqincrement, sq.seqmin, sq.seqmax,
                              sq.seqcache, sq.seqcycle)
      FROM pg_depend d
      JOIN pg_class s ON s.oid = d.objid
      JOIN pg_sequence sq ON sq.seqrelid = s.oid
      WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid
        AND d.refobjsubid = a.attnum AND d.classid = 'pg_class'::regclass AND d.deptype = 'i'
      LIMIT 1)
    END) ORDER BY a.attrelid, a.attnum), '[]')
  FROM pg_attribute a
  JOIN tbl ON tbl.oid = a.attrelid
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation
  LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
  WHERE a.attnum > 0 AND NOT a.attisdropped),
'constraints', (
  SELECT coalesce(json_agg(json_build_array(
    con.conrelid, con.oid, con.conname, con.contype, con.conkey, rn.nspname, rc.relname,
    con.confrelid, con.confkey, con.confupdtype, con.confdeltype, con.condeferrable,
    con.condeferred, CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END,
    con.connoinherit, @NND@, i.indkey::int2[], i.indnkeyatts, con.convalidated,
    con.confmatchtype)), '[]')
  FROM pg_constraint con
  JOIN tbl ON tbl.oid = con.conrelid
  LEFT JOIN pg_class rc ON rc.oid = con.confrelid
  LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
  LEFT JOIN pg_index i ON i.indexrelid = con.conindid AND con.contype IN ('p', 'u')
  WHERE con.contype IN ('p', 'u', 'f', 'c')),
-- Column names of tables outside the inspected ones that foreign keys reference, by attnum.
'referenced', (
  SELECT coalesce(json_agg(json_build_array(r.confrelid, (
    SELECT json_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a
    WHERE a.attrelid = r.confrelid AND a.attnum > 0))), '[]')
  FROM (SELECT DISTINCT confrelid FROM pg_constraint
        WHERE contype = 'f' AND conrelid IN (SELECT oid FROM tbl)
          AND confrelid NOT IN (SELECT oid FROM tbl)) r),
'indexes', (
  SELECT coalesce(json_agg(json_build_array(
    i.indrelid, i.indexrelid, ic.relname, i.indisunique, @NND@, am.amname, i.indkey::int2[],
    i.indnkeyatts, i.indoption::int2[],
    CASE WHEN 0 = ANY (i.indkey::int2[]) THEN (
      SELECT json_agg(pg_get_indexdef(i.indexrelid, k + 1, true) ORDER BY k)
      FROM generate_series(0, i.indnkeyatts - 1) k WHERE i.indkey[k] = 0) END,
    pg_get_expr(i.indpred, i.indrelid),
    -- Per-part COLLATE and operator class exist only in the whole definition, where the server
    -- prints them when they are not the defaults. It is fetched, with each key part's text (to
    -- find where the parts end in it), for indexes that may have such a part: a non-default
    -- operator class, opclass parameters, or a collation that differs from the column's or
    -- belongs to an expression (whose own collation the catalog does not hold).
    CASE WHEN EXISTS (
      SELECT 1 FROM generate_series(0, i.indnkeyatts - 1) k
      JOIN pg_opclass oc ON oc.oid = i.indclass[k]
      LEFT JOIN pg_attribute ta ON ta.attrelid = i.indrelid AND ta.attnum = i.indkey[k]
      WHERE NOT oc.opcdefault
         OR (i.indcollation[k] <> 0
             AND (ta.attnum IS NULL OR ta.attcollation <> i.indcollation[k])))
      OR EXISTS (SELECT 1 FROM pg_attribute ia
                 WHERE ia.attrelid = i.indexrelid AND ia.attoptions IS NOT NULL)
    THEN json_build_array(pg_get_indexdef(i.indexrelid, 0, true), (
      SELECT json_agg(pg_get_indexdef(i.indexrelid, k + 1, true) ORDER BY k)
      FROM generate_series(0, i.indnkeyatts - 1) k)) END)), '[]')
  FROM pg_index i
  JOIN tbl ON tbl.oid = i.indrelid
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_am am ON am.oid = ic.relam
  WHERE i.indexrelid NOT IN (SELECT conindid FROM pg_constraint
                             WHERE contype IN ('p', 'u', 'x'))),
-- Comments of tables, columns (objsubid), indexes ('r') and constraints ('c'), fetched at once:
-- a lookup per object costs more than the whole list.
'comments', (
  SELECT coalesce(json_agg(json_build_array(
    CASE d.classoid WHEN 'pg_class'::regclass THEN 'r' ELSE 'c' END,
    d.objoid, d.objsubid, d.description)), '[]')
  FROM pg_description d
  WHERE (d.classoid = 'pg_class'::regclass
         AND d.objoid IN (SELECT oid FROM tbl UNION ALL
                          SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT oid FROM tbl)))
     OR (d.classoid = 'pg_constraint'::regclass
         AND d.objoid IN (SELECT oid FROM pg_constraint WHERE conrelid IN (SELECT oid FROM tbl)))),
'enums', (
  SELECT coalesce(json_agg(json_build_object(
    'schema', ns.nspname, 'name', t.typname,
    'values', (SELECT coalesce(json_agg(e.enumlabel ORDER BY e.enumsortorder), '[]')
               FROM pg_enum e WHERE e.enumtypid = t.oid),
    'comment', obj_description(t.oid, 'pg_type'))), '[]')
  FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
  WHERE t.typtype = 'e'
    AND (t.oid, 'pg_type'::regclass) NOT IN (SELECT objid, classid FROM ext_member)),
'sequences', (
  SELECT coalesce(json_agg(json_build_object('schema', rel.nspname, 'name', rel.relname)), '[]')
  FROM rel WHERE rel.relkind = 'S' AND NOT EXISTS (
    SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = rel.oid
      AND d.deptype = 'i')),
'unsupported', (
  SELECT coalesce(json_agg(json_build_object(
    'kind', u.kind, 'schema', u.schema, 'name', u.name)), '[]')
  FROM (
    SELECT CASE rel.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                            WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table'
                            ELSE 'partition' END AS kind,
           rel.nspname AS schema, rel.relname AS name
    FROM rel
    WHERE rel.relkind IN ('v', 'm', 'f', 'p') OR (rel.relkind = 'r' AND rel.relispartition)
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                          WHEN 'w' THEN 'window function' ELSE 'function' END,
           ns.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
    FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
    WHERE (p.oid, 'pg_proc'::regclass) NOT IN (SELECT objid, classid FROM ext_member)
    UNION ALL
    SELECT 'trigger', rel.nspname, tg.tgname
    FROM pg_trigger tg JOIN rel ON rel.oid = tg.tgrelid WHERE NOT tg.tgisinternal
    UNION ALL
    SELECT CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type'
                          WHEN 'c' THEN 'composite type' ELSE 'base type' END,
           ns.nspname, t.typname
    FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
    WHERE (t.typtype IN ('d', 'r')
           OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
           OR (t.typtype = 'b' AND t.typcategory <> 'A'))
      AND (t.oid, 'pg_type'::regclass) NOT IN (SELECT objid, classid FROM ext_member)
    UNION ALL
    SELECT 'extension', '', x.extname FROM pg_extension x
    WHERE x.extname <> 'plpgsql' AND ($1 = '' OR x.extnamespace IN (SELECT oid FROM ns))
    UNION ALL
    SELECT 'collation', ns.nspname, co.collname
    FROM pg_collation co JOIN ns ON ns.oid = co.collnamespace
    WHERE (co.oid, 'pg_collation'::regclass) NOT IN (SELECT objid, classid FROM ext_member)
    UNION ALL
    SELECT CASE con.contype WHEN 'x' THEN 'exclusion constraint'
                            ELSE 'deferrable constraint' END,
           tbl.nspname, con.conname
    FROM pg_constraint con JOIN tbl ON tbl.oid = con.conrelid
    WHERE con.contype = 'x' OR (con.contype IN ('p', 'u') AND con.condeferrable)
    UNION ALL
    SELECT 'table inheritance', tbl.nspname, tbl.relname
    FROM pg_inherits ih JOIN tbl ON tbl.oid = ih.inhrelid
    UNION ALL
    SELECT 'rule', rel.nspname, rw.rulename
    FROM pg_rewrite rw JOIN rel ON rel.oid = rw.ev_class WHERE rw.rulename <> '_RETURN'
    UNION ALL
    SELECT 'policy', tbl.nspname, pol.polname
    FROM pg_policy pol JOIN tbl ON tbl.oid = pol.polrelid
  ) u)
)::text
)sql";

// Field positions in the rows of the query's "columns", "constraints" and "indexes" lists.
enum ColumnField {
  kColRel,
  kColNum,
  kColName,
  kColType,
  kColNotNull,
  kColIdentity,
  kColGenerated,
  kColExpr,
  kColCollation,
  kColSerialSeq,
  kColIdentitySeq
};
enum ConstraintField {
  kConRel,
  kConOid,
  kConName,
  kConType,
  kConKey,
  kConRefSchema,
  kConRefTable,
  kConRefRel,
  kConRefKey,
  kConOnUpdate,
  kConOnDelete,
  kConDeferrable,
  kConDeferred,
  kConExpr,
  kConNoInherit,
  kConNullsNotDistinct,
  kConIndexKey,
  kConIndexKeyCount,
  kConValidated,
  kConMatchType
};
enum IndexField {
  kIdxRel,
  kIdxOid,
  kIdxName,
  kIdxUnique,
  kIdxNullsNotDistinct,
  kIdxMethod,
  kIdxKey,
  kIdxKeyCount,
  kIdxOptions,
  kIdxExprs,
  kIdxWhere,
  kIdxDefinition
};

// The PostgreSQL 15 template gives public this comment; it counts as no comment, so that a fresh
// database and one built from strata's output compare equal.
constexpr std::string_view kPublicSchemaComment = "standard public schema";

std::string Str(const json& v) { return v.is_null() ? std::string() : v.get<std::string>(); }

std::string Str(const json& j, const char* key) { return Str(j.at(key)); }

// Comments by object: "r/<oid>/<subid>" for relations and their columns, "c/<oid>/0" for
// constraints.
using Comments = std::map<std::string, std::string>;

std::string CommentOf(const Comments& comments, char kind, const json& oid, int subid = 0) {
  auto it = comments.find(fmt::format("{}/{}/{}", kind, oid.get<std::string>(), subid));
  return it == comments.end() ? std::string() : it->second;
}

// Column names by table oid and attnum.
using AttNames = std::map<std::string, std::map<int, std::string>>;

std::vector<std::string> NamesOf(const AttNames& names, const json& rel, const json& attnums) {
  std::vector<std::string> out;
  if (attnums.is_null()) return out;
  const auto& table = names.at(rel.get<std::string>());
  for (const json& n : attnums) out.push_back(table.at(n.get<int>()));
  return out;
}

schema::FkAction FkActionOf(const std::string& code) {
  switch (code.empty() ? 'a' : code[0]) {
    case 'r':
      return schema::FkAction::kRestrict;
    case 'c':
      return schema::FkAction::kCascade;
    case 'n':
      return schema::FkAction::kSetNull;
    case 'd':
      return schema::FkAction::kSetDefault;
    default:
      return schema::FkAction::kNoAction;
  }
}

// "(a + 1)" → "a + 1": drops one pair of parentheses enclosing the whole expression, skipping over
// string literals and quoted identifiers.
std::string StripOuterParens(std::string expr) {
  if (expr.size() < 2 || expr.front() != '(' || expr.back() != ')') return expr;
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < expr.size(); ++i) {
    char c = expr[i];
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: same result
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0 && i + 1 < expr.size()) {
      return expr;  // the first parenthesis closes before the end: "(a) + (b)"
    }
  }
  return expr.substr(1, expr.size() - 2);
}

// The serial type standing for `type` when its default is nextval of an owned sequence.
std::string_view SerialFor(std::string_view type) {
  if (type == "integer") return "serial";
  if (type == "bigint") return "bigserial";
  if (type == "smallint") return "smallserial";
  return {};
}

// The range of a PostgreSQL integer type, as format_type names it.
std::pair<std::int64_t, std::int64_t> IntegerRange(std::string_view type) {
  if (type == "smallint") return {-32768, 32767};
  if (type == "integer") return {-2147483648LL, 2147483647};
  return {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()};
}

// Reads the identity sequence `seq` (name, start, increment, min, max, cache, cycle) into `c`.
// The options the IR does not model are reported when they are not what `GENERATED … AS
// IDENTITY` with c's start and increment gives.
void ReadIdentity(const json& seq, const schema::Table& table, schema::Column& c,
                  std::vector<schema::Unsupported>* unsupported) {
  c.identity_start = seq[1].get<std::int64_t>();
  c.identity_increment = seq[2].get<std::int64_t>();
  const auto [type_min, type_max] = IntegerRange(c.type);
  const bool ascending = c.identity_increment > 0;
  std::string options;
  if (const auto min = seq[3].get<std::int64_t>(); min != (ascending ? 1 : type_min)) {
    options += fmt::format(" MINVALUE {}", min);
  }
  if (const auto max = seq[4].get<std::int64_t>(); max != (ascending ? type_max : -1)) {
    options += fmt::format(" MAXVALUE {}", max);
  }
  if (const auto cache = seq[5].get<std::int64_t>(); cache != 1) {
    options += fmt::format(" CACHE {}", cache);
  }
  if (seq[6].get<bool>()) options += " CYCLE";
  // The name PostgreSQL gives it unless that name is taken.
  if (const auto name = seq[0].get<std::string>();
      name != MakeObjectName(table.name, c.name, "seq")) {
    options += " SEQUENCE NAME " + name;
  }
  if (!options.empty()) {
    unsupported->push_back({.kind = "identity option",
                            .schema = table.schema,
                            .name = fmt::format("{}.{}{}", table.name, c.name, options)});
  }
}

schema::Column ColumnOf(const json& row, const schema::Table& table, const Comments& comments,
                        std::set<std::string>* serial_seqs,
                        std::vector<schema::Unsupported>* unsupported) {
  schema::Column c;
  c.name = row[kColName].get<std::string>();
  c.type = row[kColType].get<std::string>();
  c.nullable = !row[kColNotNull].get<bool>();
  const std::string identity = Str(row[kColIdentity]);
  c.identity = identity == "a"   ? schema::Identity::kAlways
               : identity == "d" ? schema::Identity::kByDefault
                                 : schema::Identity::kNone;
  std::string expr = Str(row[kColExpr]);
  if (Str(row[kColGenerated]) == "s") {
    c.generated = expr;
  } else if (!expr.empty()) {
    c.default_expr = expr;
  }
  c.collation = Str(row[kColCollation]);
  c.comment = CommentOf(comments, 'r', row[kColRel], row[kColNum].get<int>());
  if (const json& seq = row[kColIdentitySeq]; !seq.is_null()) {
    ReadIdentity(seq, table, c, unsupported);
  }
  // A serial column is one whose sequence `CREATE TABLE … serial` would re-create exactly: owned
  // by the column, with serial's options (checked by the query), serial's name, and the column's
  // default calling it.
  if (const json& seq = row[kColSerialSeq]; !seq.is_null()) {
    const std::string name = seq[0].get<std::string>();
    const std::string nextval =
        fmt::format("nextval({}::regclass)", QuoteLiteral(seq[1].get<std::string>()));
    if (!c.nullable && !SerialFor(c.type).empty() && c.default_expr == nextval &&
        name == MakeObjectName(table.name, c.name, "seq")) {
      c.type = SerialFor(c.type);
      c.default_expr.reset();
      serial_seqs->insert(table.schema + "." + name);
    }
  }
  return c;
}

// The columns after the key columns of an index: its INCLUDE list.
std::vector<std::string> IncludeOf(const AttNames& names, const json& rel, const json& row,
                                   size_t key_field, size_t count_field) {
  if (row[key_field].is_null()) return {};
  json include = json::array();
  const json& key = row[key_field];
  for (size_t i = row[count_field].get<size_t>(); i < key.size(); ++i) include.push_back(key[i]);
  return NamesOf(names, rel, include);
}

// The first position of `needle` in `text` at or after `from` that is outside double quotes.
size_t FindUnquoted(std::string_view text, std::string_view needle, size_t from = 0) {
  bool quoted = false;
  for (size_t i = from; i < text.size(); ++i) {
    if (text[i] == '"') {
      quoted = !quoted;  // a doubled quote inside a name toggles twice
    } else if (!quoted && text.compare(i, needle.size(), needle) == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Where the index part starting at `from` in a definition ends: the next ',' or ')' outside
// quotes and parentheses.
size_t PartEnd(std::string_view def, size_t from) {
  int depth = 0;
  char quote = 0;
  for (size_t i = from; i < def.size(); ++i) {
    const char c = def[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (depth == 0) return i;
      --depth;
    } else if (c == ',' && depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Fills in the COLLATE and operator class of idx's parts from its definition `def` and `texts`,
// each key part as the definition spells it: pg_get_indexdef writes "… USING <method> (<part>
// [COLLATE <collation>] [<opclass> [(<parameters>)]] [DESC] [NULLS FIRST|LAST], …) …". Returns
// false when `def` does not have that form.
bool ReadPartOptions(std::string_view def, const json& texts, const std::string& method,
                     schema::Index& idx) {
  const size_t open =
      FindUnquoted(def, fmt::format(" USING {} (", method.empty() ? "btree" : method));
  if (open == std::string_view::npos || texts.size() != idx.parts.size()) return false;
  size_t at = def.find('(', open) + 1;
  for (size_t k = 0; k < idx.parts.size(); ++k) {
    const std::string text = texts[k].get<std::string>();
    if (def.compare(at, text.size(), text) != 0) return false;
    const size_t end = PartEnd(def, at + text.size());
    if (end == std::string_view::npos) return false;
    std::string_view rest = def.substr(at + text.size(), end - at - text.size());
    for (std::string_view suffix : {" NULLS LAST", " NULLS FIRST", " DESC"}) {
      if (rest.ends_with(suffix)) rest.remove_suffix(suffix.size());
    }
    schema::IndexPart& part = idx.parts[k];
    if (constexpr std::string_view kCollate = " COLLATE "; rest.starts_with(kCollate)) {
      rest.remove_prefix(kCollate.size());
      const size_t space = std::min(FindUnquoted(rest, " "), rest.size());
      part.collation = rest.substr(0, space);
      rest.remove_prefix(space);
    }
    if (!rest.empty()) part.opclass = rest.substr(1);
    at = end + 2;  // past ", "
  }
  return true;
}

schema::Index IndexOf(const json& row, const AttNames& names, const Comments& comments,
                      const schema::Table& table, std::vector<schema::Unsupported>* unsupported) {
  schema::Index idx;
  idx.name = row[kIdxName].get<std::string>();
  idx.unique = row[kIdxUnique].get<bool>();
  idx.nulls_not_distinct = row[kIdxNullsNotDistinct].get<bool>();
  if (std::string method = Str(row[kIdxMethod]); method != "btree") idx.method = method;
  const json& key = row[kIdxKey];
  const json& options = row[kIdxOptions];
  size_t next_expr = 0;
  for (size_t k = 0; k < row[kIdxKeyCount].get<size_t>(); ++k) {
    schema::IndexPart part;
    if (const int attnum = key[k].get<int>(); attnum == 0) {
      part.expr = StripOuterParens(row[kIdxExprs].at(next_expr++).get<std::string>());
    } else {
      part.column = names.at(row[kIdxRel].get<std::string>()).at(attnum);
    }
    // indoption bits: 1 = DESC, 2 = NULLS FIRST. The default is NULLS FIRST only for DESC.
    const int option = options[k].get<int>();
    part.desc = (option & 1) != 0;
    const bool nulls_first = (option & 2) != 0;
    if (nulls_first != part.desc) part.nulls_first = nulls_first;
    idx.parts.push_back(std::move(part));
  }
  idx.include = IncludeOf(names, row[kIdxRel], row, kIdxKey, kIdxKeyCount);
  idx.where = Str(row[kIdxWhere]);
  idx.comment = CommentOf(comments, 'r', row[kIdxOid]);
  if (const json& def = row[kIdxDefinition];
      !def.is_null() && !ReadPartOptions(def[0].get<std::string>(), def[1], idx.method, idx)) {
    unsupported->push_back(
        {.kind = "index collation or operator class", .schema = table.schema, .name = idx.name});
  }
  return idx;
}

void AddConstraint(const json& row, const AttNames& names, const Comments& comments,
                   schema::Table& t) {
  const std::string type = Str(row[kConType]);
  const std::string name = Str(row[kConName]);
  const json& rel = row[kConRel];
  if (type == "p") {
    t.primary_key = schema::PrimaryKey{.name = name, .columns = NamesOf(names, rel, row[kConKey])};
  } else if (type == "u") {
    schema::Index idx{.name = name,
                      .unique = true,
                      .constraint = true,
                      .nulls_not_distinct = row[kConNullsNotDistinct].get<bool>(),
                      .include = IncludeOf(names, rel, row, kConIndexKey, kConIndexKeyCount),
                      .comment = CommentOf(comments, 'c', row[kConOid])};
    for (auto& col : NamesOf(names, rel, row[kConKey])) idx.parts.push_back({.column = col});
    t.indexes.push_back(std::move(idx));
  } else if (type == "f") {
    t.foreign_keys.push_back({.name = name,
                              .columns = NamesOf(names, rel, row[kConKey]),
                              .ref_schema = Str(row[kConRefSchema]),
                              .ref_table = Str(row[kConRefTable]),
                              .ref_columns = NamesOf(names, row[kConRefRel], row[kConRefKey]),
                              .on_update = FkActionOf(Str(row[kConOnUpdate])),
                              .on_delete = FkActionOf(Str(row[kConOnDelete])),
                              .match_full = Str(row[kConMatchType]) == "f",
                              .deferrable = row[kConDeferrable].get<bool>(),
                              .initially_deferred = row[kConDeferred].get<bool>(),
                              .not_valid = !row[kConValidated].get<bool>()});
  } else if (type == "c") {
    t.checks.push_back({.name = name,
                        .expr = Str(row[kConExpr]),
                        .no_inherit = row[kConNoInherit].get<bool>(),
                        .not_valid = !row[kConValidated].get<bool>()});
  }
}

template <typename T>
void SortByName(std::vector<T>& v) {
  std::sort(v.begin(), v.end(), [](const T& a, const T& b) { return a.name < b.name; });
}

schema::Realm Assemble(const json& doc, bool scoped) {
  schema::Realm realm;
  realm.scoped = scoped;
  std::map<std::string, schema::Schema> schemas;
  for (const json& s : doc.at("schemas")) {
    schema::Schema& out = schemas[s.at("name").get<std::string>()];
    out.name = s.at("name").get<std::string>();
    out.comment = Str(s, "comment");
    if (out.name == "public" && out.comment == kPublicSchemaComment) out.comment.clear();
  }
  Comments comments;
  for (const json& c : doc.at("comments")) {
    comments[fmt::format("{}/{}/{}", c[0].get<std::string>(), c[1].get<std::string>(),
                         c[2].get<int>())] = c[3].get<std::string>();
  }
  // Tables are filled by oid, then moved into their schemas.
  std::map<std::string, schema::Table> tables;
  for (const json& t : doc.at("tables")) {
    schema::Table& out = tables[t.at("oid").get<std::string>()];
    out.schema = t.at("schema").get<std::string>();
    out.name = t.at("name").get<std::string>();
    out.comment = CommentOf(comments, 'r', t.at("oid"));
  }
  AttNames names;
  std::set<std::string> serial_seqs;
  for (const json& row : doc.at("columns")) {
    const std::string rel = row[kColRel].get<std::string>();
    schema::Table& t = tables.at(rel);
    t.columns.push_back(ColumnOf(row, t, comments, &serial_seqs, &realm.unsupported));
    names[rel][row[kColNum].get<int>()] = t.columns.back().name;
  }
  for (const json& r : doc.at("referenced")) {
    auto& table = names[r[0].get<std::string>()];
    for (size_t i = 0; i < r[1].size(); ++i) table[static_cast<int>(i) + 1] = r[1][i];
  }
  for (const json& row : doc.at("constraints")) {
    AddConstraint(row, names, comments, tables.at(row[kConRel].get<std::string>()));
  }
  for (const json& row : doc.at("indexes")) {
    schema::Table& t = tables.at(row[kIdxRel].get<std::string>());
    t.indexes.push_back(IndexOf(row, names, comments, t, &realm.unsupported));
  }
  for (auto& [oid, t] : tables) {
    SortByName(t.indexes);
    SortByName(t.foreign_keys);
    SortByName(t.checks);
    schemas.at(t.schema).tables.push_back(std::move(t));
  }
  for (const json& e : doc.at("enums")) {
    schemas.at(Str(e, "schema"))
        .enums.push_back({.schema = Str(e, "schema"),
                          .name = Str(e, "name"),
                          .values = e.at("values").get<std::vector<std::string>>(),
                          .comment = Str(e, "comment")});
  }
  for (auto& [name, s] : schemas) {
    SortByName(s.tables);
    SortByName(s.enums);
    realm.schemas.push_back(std::move(s));
  }
  for (const json& s : doc.at("sequences")) {
    if (serial_seqs.count(Str(s, "schema") + "." + Str(s, "name")) == 0) {
      realm.unsupported.push_back({"sequence", Str(s, "schema"), Str(s, "name")});
    }
  }
  for (const json& u : doc.at("unsupported")) {
    realm.unsupported.push_back({Str(u, "kind"), Str(u, "schema"), Str(u, "name")});
  }
  std::sort(realm.unsupported.begin(), realm.unsupported.end(), [](const auto& a, const auto& b) {
    return std::tie(a.schema, a.kind, a.name) < std::tie(b.schema, b.kind, b.name);
  });
  return realm;
}

}  // namespace

std::string MakeObjectName(std::string_view name1, std::string_view name2, std::string_view label) {
  // As PostgreSQL's makeObjectName: shorten the longer name first until "name1_name2_label" fits
  // in NAMEDATALEN - 1 bytes, never cutting a UTF-8 character in two.
  constexpr size_t kMaxName = 63;
  const size_t available = kMaxName - label.size() - 2;
  size_t n1 = name1.size(), n2 = name2.size();
  while (n1 + n2 > available) {
    if (n1 > n2) {
      --n1;
    } else {
      --n2;
    }
  }
  auto clip = [](std::string_view s, size_t n) {
    while (n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n);
  };
  return fmt::format("{}_{}_{}", clip(name1, n1), clip(name2, n2), label);
}

schema::Realm Inspect(PgConn& conn) {
  if (conn.server_version() < 120000) {
    throw Error(fmt::format("{}: PostgreSQL {} is too old: strata needs PostgreSQL 12 or later",
                            conn.url().Redacted(), conn.server_version() / 10000));
  }
  std::string query(kInspectQuery);
  const std::string nnd =
      conn.server_version() >= 150000 ? "coalesce(i.indnullsnotdistinct, false)" : "false";
  for (size_t at; (at = query.find("@NND@")) != std::string::npos;) query.replace(at, 5, nnd);

  const std::string scope = conn.url().SearchPath();
  // The deparsers qualify names that are not on the search_path: '' qualifies everything, the
  // scope leaves its own objects unqualified. set_config(…, true) lasts until the transaction
  // ends, so the inspection runs in one: ours, or the caller's (restoring its search_path).
  const std::string path = scope.empty() ? std::string() : QuoteIdent(scope);
  Rows result;
  if (!conn.InTransaction()) {
    conn.Exec("BEGIN READ ONLY; SELECT set_config('search_path', " + QuoteLiteral(path) +
              ", true)");
    try {
      result = conn.Query(query, {scope});
      conn.Exec("COMMIT");
    } catch (...) {
      try {
        conn.Exec("ROLLBACK");
      } catch (const Error&) {
        // The connection is broken; the original error says why.
      }
      throw;
    }
  } else {
    Rows saved = conn.Query(
        "SELECT current_setting('search_path'), set_config('search_path', $1, true)", {path});
    result = conn.Query(query, {scope});
    conn.Query("SELECT set_config('search_path', $1, true)", {saved.rows.at(0).at(0)});
  }
  return Assemble(json::parse(result.rows.at(0).at(0).value()), !scope.empty());
}

}  // namespace strata::dialect::postgres
