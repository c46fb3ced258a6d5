// The PostgreSQL inspector: one request of catalog SELECTs reads the whole schema (so the cost
// does not grow with the number of tables in round trips), and the rows are assembled into the IR.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <unordered_map>

#include "dialect/postgres/postgres.hpp"
#include "strata/error.hpp"

namespace strata::dialect::postgres {
namespace {

using nlohmann::json;

// The inspection is one request of several SELECTs, each returning plain rows (cheaper to build
// and to read than one JSON document: the server's JSON functions cost more than the catalog
// scans). @SCOPE@ stands for the schema the URL is scoped to, as a literal, or '' for every
// non-system schema; each statement starts with the same CTEs, which the server computes only
// where they are used. Expressions and type names come from the server's own deparsers
// (format_type, pg_get_expr, pg_get_indexdef), so they are qualified according to the search_path
// in force: '' in realm mode, the scope otherwise. @NND@ stands for pg_index.indnullsnotdistinct,
// which only exists from PostgreSQL 15 on. Field orders are those of the k* constants below.
constexpr std::string_view kScopeCtes = R"sql(
WITH ns AS (
  SELECT n.oid, n.nspname
  FROM pg_namespace n
  WHERE CASE WHEN @SCOPE@ = '' THEN left(n.nspname, 3) <> 'pg_' AND n.nspname <> 'information_schema'
             ELSE n.nspname = @SCOPE@ END
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
),
vw AS (
  SELECT oid, relname, nspname, relkind FROM rel WHERE relkind IN ('v', 'm')
)
)sql";

constexpr std::string_view kInspectStatements[] = {
    // Schemas.
    R"sql(SELECT ns.nspname, obj_description(ns.oid, 'pg_namespace') FROM ns)sql",
    // Tables, with the storage parameters and tablespace the IR does not model.
    R"sql(SELECT tbl.oid, tbl.nspname, tbl.relname, array_to_string(c.reloptions, ', '),
       (SELECT spcname FROM pg_tablespace WHERE oid = c.reltablespace)
FROM tbl JOIN pg_class c ON c.oid = tbl.oid)sql",
    // Columns. Defaults cannot refer to columns, so they deparse without opening the table.
    R"sql(SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       a.attidentity, a.attgenerated,
       CASE WHEN a.attgenerated = 's' THEN pg_get_expr(ad.adbin, ad.adrelid)
            ELSE pg_get_expr(ad.adbin, 0) END,
       CASE WHEN co.collnamespace = 'pg_catalog'::regnamespace OR cn.nspname = @SCOPE@
            THEN quote_ident(co.collname)
            ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
FROM pg_attribute a
JOIN tbl ON tbl.oid = a.attrelid
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
WHERE a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum)sql",
    // Sequences owned by columns: automatically ('a', serial's kind) or as identity ('i'), with
    // their options and whether they live in their table's schema.
    R"sql(SELECT d.refobjid, d.refobjsubid, d.deptype, s.relname, s.oid::regclass::text,
       s.relnamespace = tbl.relnamespace, format_type(sq.seqtypid, NULL), sq.seqstart,
       sq.seqincrement, sq.seqmin, sq.seqmax, sq.seqcache, sq.seqcycle
FROM pg_depend d
JOIN tbl ON tbl.oid = d.refobjid
JOIN pg_class s ON s.oid = d.objid
JOIN pg_sequence sq ON sq.seqrelid = s.oid
WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
  AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i') AND s.relkind = 'S'
ORDER BY d.refobjid, d.refobjsubid, s.oid)sql",
    // Primary keys, unique constraints, foreign keys and checks.
    R"sql(SELECT con.conrelid, con.oid, con.conname, con.contype, con.conkey, rn.nspname, rc.relname,
       con.confrelid, con.confkey, con.confupdtype, con.confdeltype, con.condeferrable,
       con.condeferred, CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END,
       con.connoinherit, @NND@, i.indkey, i.indnkeyatts, con.convalidated, con.confmatchtype
FROM pg_constraint con
JOIN tbl ON tbl.oid = con.conrelid
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_index i ON i.indexrelid = con.conindid AND con.contype IN ('p', 'u')
WHERE con.contype IN ('p', 'u', 'f', 'c'))sql",
    // Column names of the tables outside the inspected ones that foreign keys reference.
    R"sql(SELECT a.attrelid, a.attnum, a.attname FROM pg_attribute a
WHERE a.attnum > 0 AND a.attrelid IN (
  SELECT confrelid FROM pg_constraint
  WHERE contype = 'f' AND conrelid IN (SELECT oid FROM tbl)
    AND confrelid NOT IN (SELECT oid FROM tbl)))sql",
    // Indexes that are not constraints (of tables and materialized views).
    R"sql(SELECT i.indrelid, i.indexrelid, ic.relname, i.indisunique, @NND@, am.amname, i.indkey,
       i.indnkeyatts, i.indoption,
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
         FROM generate_series(0, i.indnkeyatts - 1) k)) END,
       array_to_string(ic.reloptions, ', '),
       (SELECT spcname FROM pg_tablespace WHERE oid = ic.reltablespace)
FROM pg_index i
JOIN (SELECT oid FROM tbl UNION ALL SELECT oid FROM vw WHERE relkind = 'm') r ON r.oid = i.indrelid
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE i.indexrelid NOT IN (SELECT conindid FROM pg_constraint
                           WHERE contype IN ('p', 'u', 'x')))sql",
    // Comments of tables, views, their columns (objsubid), indexes ('r') and constraints ('c'),
    // fetched at
    // once: a lookup per object costs more than the whole list.
    R"sql(SELECT CASE d.classoid WHEN 'pg_class'::regclass THEN 'r' ELSE 'c' END,
       d.objoid, d.objsubid, d.description
FROM pg_description d
WHERE (d.classoid = 'pg_class'::regclass
       AND d.objoid IN (SELECT oid FROM tbl UNION ALL SELECT oid FROM vw UNION ALL
                        SELECT indexrelid FROM pg_index
                        WHERE indrelid IN (SELECT oid FROM tbl UNION ALL SELECT oid FROM vw)))
   OR (d.classoid = 'pg_constraint'::regclass
       AND d.objoid IN (SELECT oid FROM pg_constraint WHERE conrelid IN (SELECT oid FROM tbl))))sql",
    // Enum types, their labels in order (a JSON array) and comments.
    R"sql(SELECT ns.nspname, t.typname,
       (SELECT coalesce(json_agg(e.enumlabel ORDER BY e.enumsortorder), '[]')
        FROM pg_enum e WHERE e.enumtypid = t.oid),
       obj_description(t.oid, 'pg_type')
FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
WHERE t.typtype = 'e'
  AND (t.oid, 'pg_type'::regclass) NOT IN (SELECT objid, classid FROM ext_member))sql",
    // Extensions (plpgsql comes with every database), and the schema of their objects. Scoped,
    // only those whose objects live in the scope.
    R"sql(SELECT x.extname, n.nspname FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
WHERE x.extname <> 'plpgsql' AND (@SCOPE@ = '' OR x.extnamespace IN (SELECT oid FROM ns))
ORDER BY x.extname)sql",
    // Sequences that are not an identity's (a serial's are told apart by the caller).
    R"sql(SELECT rel.nspname, rel.relname FROM rel
WHERE rel.relkind = 'S' AND NOT EXISTS (
  SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = rel.oid
    AND d.deptype = 'i'))sql",
    // Views and materialized views: the definition as the server deparses it, options, and the
    // tablespace the IR does not model.
    R"sql(SELECT vw.oid, vw.nspname, vw.relname, vw.relkind = 'm', pg_get_viewdef(vw.oid),
       coalesce(array_to_json(c.reloptions), '[]'),
       (SELECT spcname FROM pg_tablespace WHERE oid = c.reltablespace)
FROM vw JOIN pg_class c ON c.oid = vw.oid)sql",
    // Their columns, and whether one has a default (ALTER VIEW … SET DEFAULT, not modelled).
    R"sql(SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),
       EXISTS (SELECT 1 FROM pg_attrdef ad WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum)
FROM pg_attribute a JOIN vw ON vw.oid = a.attrelid
WHERE a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum)sql",
    // The relations each view's rule reads (pg_depend of its _RETURN rule).
    R"sql(SELECT DISTINCT rw.ev_class, rn.nspname, r.relname
FROM pg_rewrite rw
JOIN vw ON vw.oid = rw.ev_class
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
                AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> rw.ev_class
JOIN pg_class r ON r.oid = d.refobjid
JOIN pg_namespace rn ON rn.oid = r.relnamespace
WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f'))sql",
    // Objects the IR does not model: kind, schema, name.
    R"sql(SELECT CASE rel.relkind WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table'
                        ELSE 'partition' END,
       rel.nspname, rel.relname
FROM rel
WHERE rel.relkind IN ('f', 'p') OR (rel.relkind = 'r' AND rel.relispartition)
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
FROM pg_policy pol JOIN tbl ON tbl.oid = pol.polrelid)sql",
};

// The results of kInspectStatements, by position.
enum Section {
  kSchemas,
  kTables,
  kColumns,
  kOwnedSequences,
  kConstraints,
  kReferenced,
  kIndexes,
  kComments,
  kEnums,
  kExtensions,
  kSequences,
  kViews,
  kViewColumns,
  kViewDepends,
  kUnsupported,
  kSectionCount
};
static_assert(std::size(kInspectStatements) == kSectionCount);

// Field positions in the rows of the sections.
enum TableField { kTblOid, kTblSchema, kTblName, kTblOptions, kTblSpace };
enum ColumnField {
  kColRel,
  kColNum,
  kColName,
  kColType,
  kColNotNull,
  kColIdentity,
  kColGenerated,
  kColExpr,
  kColCollation
};
enum OwnedSequenceField {
  kSeqRel,
  kSeqColumn,
  kSeqDependency,
  kSeqName,
  kSeqRegclass,
  kSeqSameSchema,
  kSeqType,
  kSeqStart,
  kSeqIncrement,
  kSeqMin,
  kSeqMax,
  kSeqCache,
  kSeqCycle
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
enum ViewField {
  kViewOid,
  kViewSchema,
  kViewName,
  kViewMaterialized,
  kViewDef,
  kViewOptions,
  kViewSpace
};
enum ViewColumnField { kVcRel, kVcNum, kVcName, kVcType, kVcDefault };
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
  kIdxDefinition,
  kIdxStorage,
  kIdxSpace
};

// The PostgreSQL 15 template gives public this comment; it counts as no comment, so that a fresh
// database and one built from strata's output compare equal.
constexpr std::string_view kPublicSchemaComment = "standard public schema";

// Cells of a row, by position. Booleans are 't'/'f', arrays '{1,2}' or int2vector's '1 2'.
const std::string& Text(const Row& row, size_t k) {
  static const std::string kNone;
  return row[k] ? *row[k] : kNone;
}

bool Bool(const Row& row, size_t k) { return row[k] && *row[k] == "t"; }

bool IsNull(const Row& row, size_t k) { return !row[k].has_value(); }

std::int64_t Int(const Row& row, size_t k) {
  const std::string& text = Text(row, k);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw Error(fmt::format("unexpected number '{}' in PostgreSQL's catalog", text));
  }
  return value;
}

// Object ids key the rows to each other.
using Oid = std::uint32_t;
Oid OidOf(const Row& row, size_t k) { return static_cast<Oid>(Int(row, k)); }

std::vector<int> Ints(const Row& row, size_t k) {
  std::vector<int> out;
  const std::string& text = Text(row, k);
  for (size_t at = 0; at < text.size();) {
    if (text[at] == '-' || std::isdigit(static_cast<unsigned char>(text[at]))) {
      int value = 0;
      auto [end, ec] = std::from_chars(text.data() + at, text.data() + text.size(), value);
      if (ec != std::errc()) break;
      out.push_back(value);
      at = static_cast<size_t>(end - text.data());
    } else {
      ++at;  // '{', '}', ',' or ' '
    }
  }
  return out;
}

// Comments of relations and their columns ('r', oid, attnum or 0) and of constraints ('c', oid, 0).
using CommentKey = std::tuple<char, Oid, int>;
using Comments = std::map<CommentKey, std::string>;

std::string CommentOf(const Comments& comments, char kind, Oid oid, int subid = 0) {
  auto it = comments.find({kind, oid, subid});
  return it == comments.end() ? std::string() : it->second;
}

// Column names by table oid, indexed by attnum.
using AttNames = std::unordered_map<Oid, std::vector<std::string>>;

void AddName(AttNames& names, Oid rel, int attnum, const std::string& name) {
  auto& table = names[rel];
  if (table.size() <= static_cast<size_t>(attnum)) table.resize(attnum + 1);
  table[attnum] = name;
}

std::vector<std::string> NamesOf(const AttNames& names, Oid rel, const std::vector<int>& attnums,
                                 size_t from = 0, size_t to = std::string::npos) {
  std::vector<std::string> out;
  auto table = names.find(rel);
  for (size_t i = from; i < std::min(to, attnums.size()); ++i) {
    const int n = attnums[i];
    if (table == names.end() || n <= 0 || static_cast<size_t>(n) >= table->second.size()) {
      throw Error(
          fmt::format("column {} of relation {} is missing from PostgreSQL's catalog", n, rel));
    }
    out.push_back(table->second[n]);
  }
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

// pg_get_viewdef's text without the `;` it ends with (and the blanks around it).
std::string ViewDefinition(std::string text) {
  while (!text.empty() &&
         (std::isspace(static_cast<unsigned char>(text.back())) || text.back() == ';')) {
    text.pop_back();
  }
  return text;
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

// Reads an identity sequence's row (see OwnedSequenceField) into `c`. The options the IR does not
// model are reported when they are not what `GENERATED … AS IDENTITY` with c's start and increment
// gives.
void ReadIdentity(const Row& seq, const schema::Table& table, schema::Column& c,
                  std::vector<schema::Unsupported>* unsupported) {
  c.identity_start = Int(seq, kSeqStart);
  c.identity_increment = Int(seq, kSeqIncrement);
  const auto [type_min, type_max] = IntegerRange(c.type);
  const bool ascending = c.identity_increment > 0;
  std::string options;
  if (const auto min = Int(seq, kSeqMin); min != (ascending ? 1 : type_min)) {
    options += fmt::format(" MINVALUE {}", min);
  }
  if (const auto max = Int(seq, kSeqMax); max != (ascending ? type_max : -1)) {
    options += fmt::format(" MAXVALUE {}", max);
  }
  if (const auto cache = Int(seq, kSeqCache); cache != 1)
    options += fmt::format(" CACHE {}", cache);
  if (Bool(seq, kSeqCycle)) options += " CYCLE";
  // The name PostgreSQL gives it unless that name is taken.
  if (const std::string& name = Text(seq, kSeqName);
      name != MakeObjectName(table.name, c.name, "seq")) {
    options += " SEQUENCE NAME " + name;
  }
  if (!options.empty()) {
    unsupported->push_back({.kind = "identity option",
                            .schema = table.schema,
                            .name = fmt::format("{}.{}{}", table.name, c.name, options)});
  }
}

// Whether `seq` (see OwnedSequenceField), owned by column c, is the sequence `CREATE TABLE …
// serial` would create for it: in the table's schema, of the column's type, with serial's options
// and name, and the column's default calling it.
bool IsSerialSequence(const Row& seq, const schema::Table& table, const schema::Column& c) {
  if (Text(seq, kSeqDependency) != "a" || !Bool(seq, kSeqSameSchema) ||
      Text(seq, kSeqType) != c.type || SerialFor(c.type).empty() || c.nullable) {
    return false;
  }
  const auto [type_min, type_max] = IntegerRange(c.type);
  return Int(seq, kSeqStart) == 1 && Int(seq, kSeqIncrement) == 1 && Int(seq, kSeqMin) == 1 &&
         Int(seq, kSeqMax) == type_max && Int(seq, kSeqCache) == 1 && !Bool(seq, kSeqCycle) &&
         Text(seq, kSeqName) == MakeObjectName(table.name, c.name, "seq") &&
         c.default_expr ==
             fmt::format("nextval({}::regclass)", QuoteLiteral(Text(seq, kSeqRegclass)));
}

// The sequences owned by each column, by table oid and attnum.
using OwnedSequences = std::map<std::pair<Oid, int>, std::vector<const Row*>>;

schema::Column ColumnOf(const Row& row, const schema::Table& table, const Comments& comments,
                        const OwnedSequences& owned, std::set<std::string>* serial_seqs,
                        std::vector<schema::Unsupported>* unsupported) {
  schema::Column c;
  c.name = Text(row, kColName);
  c.type = Text(row, kColType);
  c.nullable = !Bool(row, kColNotNull);
  const std::string& identity = Text(row, kColIdentity);
  c.identity = identity == "a"   ? schema::Identity::kAlways
               : identity == "d" ? schema::Identity::kByDefault
                                 : schema::Identity::kNone;
  const std::string& expr = Text(row, kColExpr);
  if (Text(row, kColGenerated) == "s") {
    c.generated = expr;
  } else if (!expr.empty()) {
    c.default_expr = expr;
  }
  c.collation = Text(row, kColCollation);
  const Oid rel = OidOf(row, kColRel);
  const int attnum = static_cast<int>(Int(row, kColNum));
  c.comment = CommentOf(comments, 'r', rel, attnum);
  auto seqs = owned.find({rel, attnum});
  if (seqs == owned.end()) return c;
  for (const Row* seq : seqs->second) {
    if (c.identity != schema::Identity::kNone && Text(*seq, kSeqDependency) == "i") {
      ReadIdentity(*seq, table, c, unsupported);
      break;
    }
    if (c.identity == schema::Identity::kNone && IsSerialSequence(*seq, table, c)) {
      serial_seqs->insert(table.schema + "." + Text(*seq, kSeqName));
      c.type = SerialFor(c.type);
      c.default_expr.reset();
      break;
    }
  }
  return c;
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

schema::Index IndexOf(const Row& row, const AttNames& names, const Comments& comments,
                      const schema::Table& table, std::vector<schema::Unsupported>* unsupported) {
  schema::Index idx;
  idx.name = Text(row, kIdxName);
  idx.unique = Bool(row, kIdxUnique);
  idx.nulls_not_distinct = Bool(row, kIdxNullsNotDistinct);
  if (const std::string& method = Text(row, kIdxMethod); method != "btree") idx.method = method;
  const Oid rel = OidOf(row, kIdxRel);
  const std::vector<int> key = Ints(row, kIdxKey);
  const std::vector<int> options = Ints(row, kIdxOptions);
  const size_t key_count = static_cast<size_t>(Int(row, kIdxKeyCount));
  const json exprs = IsNull(row, kIdxExprs) ? json::array() : json::parse(Text(row, kIdxExprs));
  size_t next_expr = 0;
  for (size_t k = 0; k < key_count; ++k) {
    schema::IndexPart part;
    if (key.at(k) == 0) {
      part.expr = StripOuterParens(exprs.at(next_expr++).get<std::string>());
    } else {
      part.column = NamesOf(names, rel, {key[k]}).front();
    }
    // indoption bits: 1 = DESC, 2 = NULLS FIRST. The default is NULLS FIRST only for DESC.
    const int option = options.at(k);
    part.desc = (option & 1) != 0;
    const bool nulls_first = (option & 2) != 0;
    if (nulls_first != part.desc) part.nulls_first = nulls_first;
    idx.parts.push_back(std::move(part));
  }
  idx.include = NamesOf(names, rel, key, key_count);
  idx.where = Text(row, kIdxWhere);
  idx.comment = CommentOf(comments, 'r', OidOf(row, kIdxOid));
  if (!IsNull(row, kIdxDefinition)) {
    const json def = json::parse(Text(row, kIdxDefinition));
    if (!ReadPartOptions(def[0].get<std::string>(), def[1], idx.method, idx)) {
      unsupported->push_back(
          {.kind = "index collation or operator class", .schema = table.schema, .name = idx.name});
    }
  }
  return idx;
}

void AddConstraint(const Row& row, const AttNames& names, const Comments& comments,
                   schema::Table& t) {
  const std::string& type = Text(row, kConType);
  const std::string& name = Text(row, kConName);
  const Oid rel = OidOf(row, kConRel);
  const std::vector<int> key = Ints(row, kConKey);
  if (type == "p") {
    t.primary_key = schema::PrimaryKey{.name = name, .columns = NamesOf(names, rel, key)};
  } else if (type == "u") {
    schema::Index idx{.name = name,
                      .unique = true,
                      .constraint = true,
                      .nulls_not_distinct = Bool(row, kConNullsNotDistinct),
                      .include = IsNull(row, kConIndexKey)
                                     ? std::vector<std::string>{}
                                     : NamesOf(names, rel, Ints(row, kConIndexKey),
                                               static_cast<size_t>(Int(row, kConIndexKeyCount))),
                      .comment = CommentOf(comments, 'c', OidOf(row, kConOid))};
    for (auto& col : NamesOf(names, rel, key)) idx.parts.push_back({.column = col});
    t.indexes.push_back(std::move(idx));
  } else if (type == "f") {
    t.foreign_keys.push_back(
        {.name = name,
         .columns = NamesOf(names, rel, key),
         .ref_schema = Text(row, kConRefSchema),
         .ref_table = Text(row, kConRefTable),
         .ref_columns = NamesOf(names, OidOf(row, kConRefRel), Ints(row, kConRefKey)),
         .on_update = FkActionOf(Text(row, kConOnUpdate)),
         .on_delete = FkActionOf(Text(row, kConOnDelete)),
         .match_full = Text(row, kConMatchType) == "f",
         .deferrable = Bool(row, kConDeferrable),
         .initially_deferred = Bool(row, kConDeferred),
         .not_valid = !Bool(row, kConValidated)});
  } else if (type == "c") {
    t.checks.push_back({.name = name,
                        .expr = Text(row, kConExpr),
                        .no_inherit = Bool(row, kConNoInherit),
                        .not_valid = !Bool(row, kConValidated)});
  }
}

// Storage parameters and tablespaces are not modelled: they are reported, never dropped silently.
void ReportStorage(const Row& row, size_t options, size_t space, const std::string& schema,
                   const std::string& name, std::vector<schema::Unsupported>* unsupported) {
  if (!Text(row, options).empty()) {
    unsupported->push_back({.kind = "storage parameters",
                            .schema = schema,
                            .name = fmt::format("{} ({})", name, Text(row, options))});
  }
  if (!Text(row, space).empty()) {
    unsupported->push_back({.kind = "tablespace",
                            .schema = schema,
                            .name = fmt::format("{} (in {})", name, Text(row, space))});
  }
}

template <typename T>
void SortByName(std::vector<T>& v) {
  std::sort(v.begin(), v.end(), [](const T& a, const T& b) { return a.name < b.name; });
}

schema::Realm Assemble(const std::vector<Rows>& sections, bool scoped) {
  schema::Realm realm;
  realm.scoped = scoped;
  std::map<std::string, schema::Schema> schemas;
  for (const Row& row : sections[kSchemas].rows) {
    schema::Schema& out = schemas[Text(row, 0)];
    out.name = Text(row, 0);
    out.comment = Text(row, 1);
    if (out.name == "public" && out.comment == kPublicSchemaComment) out.comment.clear();
  }
  Comments comments;
  for (const Row& row : sections[kComments].rows) {
    comments[{Text(row, 0).front(), OidOf(row, 1), static_cast<int>(Int(row, 2))}] = Text(row, 3);
  }
  // Tables are filled by oid, then moved into their schemas.
  std::unordered_map<Oid, schema::Table> tables;
  for (const Row& row : sections[kTables].rows) {
    schema::Table& out = tables[OidOf(row, kTblOid)];
    out.schema = Text(row, kTblSchema);
    out.name = Text(row, kTblName);
    out.comment = CommentOf(comments, 'r', OidOf(row, kTblOid));
    ReportStorage(row, kTblOptions, kTblSpace, out.schema, out.name, &realm.unsupported);
  }
  // The sections are read in one snapshot, so every row's table is known; `at` guards it anyway.
  OwnedSequences owned;
  for (const Row& row : sections[kOwnedSequences].rows) {
    owned[{OidOf(row, kSeqRel), static_cast<int>(Int(row, kSeqColumn))}].push_back(&row);
  }
  AttNames names;
  std::set<std::string> serial_seqs;
  for (const Row& row : sections[kColumns].rows) {
    const Oid rel = OidOf(row, kColRel);
    schema::Table& t = tables.at(rel);
    t.columns.push_back(ColumnOf(row, t, comments, owned, &serial_seqs, &realm.unsupported));
    AddName(names, rel, static_cast<int>(Int(row, kColNum)), t.columns.back().name);
  }
  for (const Row& row : sections[kReferenced].rows) {
    AddName(names, OidOf(row, 0), static_cast<int>(Int(row, 1)), Text(row, 2));
  }
  for (const Row& row : sections[kConstraints].rows) {
    AddConstraint(row, names, comments, tables.at(OidOf(row, kConRel)));
  }
  std::unordered_map<Oid, schema::View> views;
  for (const Row& row : sections[kViews].rows) {
    const Oid oid = OidOf(row, kViewOid);
    schema::View& v = views[oid];
    v.schema = Text(row, kViewSchema);
    v.name = Text(row, kViewName);
    v.materialized = Bool(row, kViewMaterialized);
    v.definition = ViewDefinition(Text(row, kViewDef));
    v.options = json::parse(Text(row, kViewOptions)).get<std::vector<std::string>>();
    std::sort(v.options.begin(), v.options.end());
    v.comment = CommentOf(comments, 'r', oid);
    if (!Text(row, kViewSpace).empty()) {
      realm.unsupported.push_back(
          {.kind = "tablespace",
           .schema = v.schema,
           .name = fmt::format("{} (in {})", v.name, Text(row, kViewSpace))});
    }
  }
  for (const Row& row : sections[kViewColumns].rows) {
    const Oid rel = OidOf(row, kVcRel);
    schema::View& v = views.at(rel);
    const int attnum = static_cast<int>(Int(row, kVcNum));
    v.columns.push_back({.name = Text(row, kVcName),
                         .type = Text(row, kVcType),
                         .comment = CommentOf(comments, 'r', rel, attnum)});
    AddName(names, rel, attnum, v.columns.back().name);
    if (Bool(row, kVcDefault)) {
      realm.unsupported.push_back({.kind = "view column default",
                                   .schema = v.schema,
                                   .name = v.name + "." + v.columns.back().name});
    }
  }
  for (const Row& row : sections[kViewDepends].rows) {
    views.at(OidOf(row, 0)).depends.push_back({Text(row, 1), Text(row, 2)});
  }
  for (const Row& row : sections[kIndexes].rows) {
    const Oid rel = OidOf(row, kIdxRel);
    if (auto t = tables.find(rel); t != tables.end()) {
      t->second.indexes.push_back(IndexOf(row, names, comments, t->second, &realm.unsupported));
      ReportStorage(row, kIdxStorage, kIdxSpace, t->second.schema, t->second.indexes.back().name,
                    &realm.unsupported);
      continue;
    }
    schema::View& v = views.at(rel);
    const schema::Table owner{.schema = v.schema, .name = v.name};
    v.indexes.push_back(IndexOf(row, names, comments, owner, &realm.unsupported));
    ReportStorage(row, kIdxStorage, kIdxSpace, v.schema, v.indexes.back().name, &realm.unsupported);
  }
  for (auto& [oid, v] : views) {
    SortByName(v.indexes);
    std::sort(v.depends.begin(), v.depends.end());
    schemas.at(v.schema).views.push_back(std::move(v));
  }
  for (auto& [oid, t] : tables) {
    SortByName(t.indexes);
    SortByName(t.foreign_keys);
    SortByName(t.checks);
    schemas.at(t.schema).tables.push_back(std::move(t));
  }
  for (const Row& row : sections[kEnums].rows) {
    schemas.at(Text(row, 0))
        .enums.push_back({.schema = Text(row, 0),
                          .name = Text(row, 1),
                          .values = json::parse(Text(row, 2)).get<std::vector<std::string>>(),
                          .comment = Text(row, 3)});
  }
  for (auto& [name, s] : schemas) {
    SortByName(s.tables);
    SortByName(s.enums);
    SortByName(s.views);
    realm.schemas.push_back(std::move(s));
  }
  for (const Row& row : sections[kExtensions].rows) {
    realm.extensions.push_back({.name = Text(row, 0), .schema = Text(row, 1)});
  }
  for (const Row& row : sections[kSequences].rows) {
    if (serial_seqs.count(Text(row, 0) + "." + Text(row, 1)) == 0) {
      realm.unsupported.push_back({"sequence", Text(row, 0), Text(row, 1)});
    }
  }
  for (const Row& row : sections[kUnsupported].rows) {
    realm.unsupported.push_back({Text(row, 0), Text(row, 1), Text(row, 2)});
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

schema::Realm Inspect(driver::postgres::PgConn& conn) {
  if (conn.server_version() < 120000) {
    throw Error(fmt::format("{}: PostgreSQL {} is too old: strata needs PostgreSQL 12 or later",
                            conn.url().Redacted(), conn.server_version() / 10000));
  }
  const std::string scope = conn.url().SearchPath();
  const std::string nnd =
      conn.server_version() >= 150000 ? "coalesce(i.indnullsnotdistinct, false)" : "false";
  // The deparsers qualify names that are not on the search_path: '' qualifies everything, the
  // scope leaves its own objects unqualified. set_config(…, true) lasts until the transaction
  // ends, so the inspection runs in one: its own (repeatable read, so that every section sees the
  // same catalog), or the caller's, whose search_path is put back at the end.
  std::string sections;
  for (std::string_view statement : kInspectStatements) {
    sections += kScopeCtes;
    sections += statement;
    sections += ";\n";
  }
  for (const auto& [placeholder, value] :
       {std::pair<std::string_view, std::string>{"@NND@", nnd}, {"@SCOPE@", QuoteLiteral(scope)}}) {
    // Searching on after each replacement: a schema may well be named "@SCOPE@".
    for (size_t at = 0; (at = sections.find(placeholder, at)) != std::string::npos;
         at += value.size()) {
      sections.replace(at, placeholder.size(), value);
    }
  }
  const bool own = !conn.InTransaction();
  const std::string path = QuoteLiteral(scope.empty() ? std::string() : QuoteIdent(scope));
  const std::string request =
      own ? fmt::format(
                "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n"
                "SELECT set_config('search_path', {}, true);\n{}COMMIT",
                path, sections)
          : fmt::format(
                "SELECT set_config('strata.saved_search_path', current_setting('search_path'), "
                "true);\nSELECT set_config('search_path', {}, true);\n{}"
                "SELECT set_config('search_path', current_setting('strata.saved_search_path'), "
                "true)",
                path, sections);
  std::vector<Rows> results;
  try {
    results = conn.QueryAll(request);
  } catch (...) {
    if (own && conn.InTransaction()) {
      try {
        conn.Exec("ROLLBACK");
      } catch (const Error&) {
        // The connection is broken; the original error says why.
      }
    }
    throw;
  }
  // The results of the two leading statements and the trailing one are not sections.
  results.erase(results.begin(), results.begin() + 2);
  results.pop_back();
  try {
    return Assemble(results, !scope.empty());
  } catch (const std::exception& e) {
    if (dynamic_cast<const Error*>(&e) != nullptr) throw;
    // A row naming a table, schema or column the other sections lack, or a JSON aggregate that
    // does not parse: the catalog is not what the inspection queries expect of this server.
    throw Error(fmt::format(
        "inspecting {} (PostgreSQL {}.{}): the catalog holds rows strata cannot read ({}). This "
        "is a bug in strata: please report it with the server version and the output of "
        "`strata schema inspect`.",
        conn.url().Redacted(), conn.server_version() / 10000, conn.server_version() % 10000,
        e.what()));
  }
}

}  // namespace strata::dialect::postgres
