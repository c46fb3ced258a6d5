// The relational schema model (IR) shared by every part of strata: inspectors produce it, the
// differ compares two of them, planners turn the differences into DDL, and (later) entity schemas
// compile to it. Values are as the database itself reports them after normalization (types, default
// and check expressions), so two models from the same dialect compare by plain equality.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace strata::schema {

enum class Identity { kNone, kAlways, kByDefault };

struct Column {
  std::string name;
  // The type as the dialect spells it after normalization, e.g. "integer", "character varying(20)",
  // "numeric(10,2)", "timestamp(3) with time zone", "text[]", "public.mood" (PostgreSQL), or the
  // declared type (SQLite, compared case-insensitively). PostgreSQL serial columns are reported as
  // "serial"/"bigserial"/"smallserial" with no default: their sequence belongs to the column.
  std::string type;
  bool nullable = true;
  std::optional<std::string> default_expr;  // normalized expression text
  Identity identity = Identity::kNone;
  // START WITH and INCREMENT BY of an identity column's sequence (PostgreSQL). Its other options
  // (MINVALUE, MAXVALUE, CACHE, CYCLE, SEQUENCE NAME) are reported as unsupported when not the
  // defaults.
  std::int64_t identity_start = 1;
  std::int64_t identity_increment = 1;
  std::optional<std::string> generated;  // expression of a STORED generated column
  bool generated_virtual = false;        // SQLite VIRTUAL generated column
  std::string collation;                 // empty: the type's default collation
  std::string comment;

  bool operator==(const Column&) const = default;
};

struct IndexPart {
  std::string column;  // set for a plain column part
  std::string expr;    // set for an expression part (normalized text, without outer parentheses)
  bool desc = false;
  // Only set when not the default for the direction (NULLS LAST for ASC, NULLS FIRST for DESC).
  std::optional<bool> nulls_first;
  // PostgreSQL: the part's COLLATE and operator class when not the defaults for its column or
  // expression, as the server prints them (e.g. "\"C\"", "text_pattern_ops"); an operator class
  // keeps its parameters: "gist_trgm_ops (siglen='32')".
  std::string collation;
  std::string opclass;
  bool operator==(const IndexPart&) const = default;
};

struct Index {
  std::string name;
  bool unique = false;
  // A UNIQUE constraint (PostgreSQL ADD CONSTRAINT … UNIQUE, SQLite inline UNIQUE) rather than a
  // CREATE [UNIQUE] INDEX.
  bool constraint = false;
  bool nulls_not_distinct = false;
  std::vector<IndexPart> parts;
  std::vector<std::string> include;  // INCLUDE columns (PostgreSQL)
  std::string where;                 // partial index predicate, normalized, empty if none
  std::string method;                // access method when not the default (btree), e.g. "gin"
  std::string comment;
  bool operator==(const Index&) const = default;
};

struct PrimaryKey {
  std::string name;  // constraint name (PostgreSQL); may be empty on SQLite
  std::vector<std::string> columns;
  // SQLite: per column, whether the key's index orders it DESC; empty when all are ascending. A
  // one-column `INTEGER PRIMARY KEY DESC` is a real key index, not an alias of the rowid.
  std::vector<bool> desc;
  bool autoincrement = false;  // SQLite AUTOINCREMENT
  bool operator==(const PrimaryKey&) const = default;
};

enum class FkAction { kNoAction, kRestrict, kCascade, kSetNull, kSetDefault };

struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  std::string ref_schema;  // empty on SQLite
  std::string ref_table;
  std::vector<std::string> ref_columns;
  FkAction on_update = FkAction::kNoAction;
  FkAction on_delete = FkAction::kNoAction;
  bool match_full = false;  // MATCH FULL (PostgreSQL); else MATCH SIMPLE
  bool deferrable = false;
  bool initially_deferred = false;
  // PostgreSQL NOT VALID: rows present when the key was added were not checked.
  bool not_valid = false;
  bool operator==(const ForeignKey&) const = default;
};

struct Check {
  std::string name;
  std::string expr;  // normalized boolean expression, without the CHECK keyword
  bool no_inherit = false;
  // PostgreSQL NOT VALID: rows present when the check was added were not checked.
  bool not_valid = false;
  bool operator==(const Check&) const = default;
};

// A SQLite trigger, kept verbatim and compared by its text (SQLite stores the statement as it was
// written). PostgreSQL triggers are not modelled yet: its inspector reports them as unsupported.
struct Trigger {
  std::string name;
  std::string definition;  // the CREATE TRIGGER statement, as the database stores it
  bool operator==(const Trigger&) const = default;
};

struct Table {
  std::string schema;  // owning schema ("main" on SQLite)
  std::string name;
  std::vector<Column> columns;  // in ordinal order
  std::optional<PrimaryKey> primary_key;
  std::vector<Index> indexes;            // sorted by name
  std::vector<ForeignKey> foreign_keys;  // sorted by name
  std::vector<Check> checks;             // sorted by name
  std::string comment;
  bool without_rowid = false;     // SQLite
  bool strict = false;            // SQLite
  std::vector<Trigger> triggers;  // sorted by name; SQLite only, see Trigger

  const Column* FindColumn(std::string_view name) const;
  bool operator==(const Table&) const = default;
};

// A relation a view reads: a table or another view.
struct ObjectRef {
  std::string schema;
  std::string name;
  auto operator<=>(const ObjectRef&) const = default;
};

// A view or materialized view. Two views compare by the definition the server gives back, so both
// sides must come from servers of the same kind (the desired state is always built on a dev
// database for that reason).
//   definition  PostgreSQL: the SELECT as pg_get_viewdef deparses it, without the trailing `;`;
//               SQLite: the whole CREATE VIEW statement as stored in sqlite_master
//   columns     the output columns (name, type, comment; PostgreSQL only): CREATE OR REPLACE VIEW
//               may only append columns to those
//   options     PostgreSQL reloptions as the server prints them ("check_option=local",
//               "security_barrier=true"; storage parameters of a materialized view), sorted
//   depends     the tables and views the definition reads, sorted; a view is created after them
//               and dropped (and re-created) when a column of one is dropped or changes type
struct View {
  std::string schema;
  std::string name;
  std::string definition;
  bool materialized = false;
  std::vector<Column> columns;
  std::vector<std::string> options;
  std::vector<Index> indexes;  // a materialized view's, sorted by name
  std::vector<ObjectRef> depends;
  std::vector<Trigger> triggers;  // SQLite INSTEAD OF triggers, sorted by name
  std::string comment;

  bool operator==(const View&) const = default;
};

// Whether `a` and `b` differ at most in what changes in place: comments (the view's and its
// columns') and a materialized view's indexes. Otherwise the view is redefined.
bool SameDefinition(const View& a, const View& b);

struct Enum {
  std::string schema;
  std::string name;
  std::vector<std::string> values;  // in sort order
  std::string comment;
  bool operator==(const Enum&) const = default;
};

struct Schema {
  std::string name;
  std::vector<Table> tables;  // sorted by name
  std::vector<Enum> enums;    // sorted by name
  std::vector<View> views;    // sorted by name
  std::string comment;

  const Table* FindTable(std::string_view name) const;
  const Enum* FindEnum(std::string_view name) const;
  const View* FindView(std::string_view name) const;
  bool operator==(const Schema&) const = default;
};

// A PostgreSQL extension (CREATE EXTENSION): its objects (types such as citext, functions) are
// the extension's, not the user's schema, so only the extension itself is modelled.
struct Extension {
  std::string name;
  std::string schema;  // where its objects live
  bool operator==(const Extension&) const = default;
};

// A database object that exists but that the IR does not model yet (a function, a PostgreSQL
// trigger, a sequence no column owns…). Reported, never silently dropped.
struct Unsupported {
  std::string kind;    // "function", "trigger", "sequence", "domain", …
  std::string schema;  // empty for database-wide objects
  std::string name;
  bool operator==(const Unsupported&) const = default;
};

// Everything inspected from one database (or the part its URL is scoped to).
struct Realm {
  std::vector<Schema> schemas;        // sorted by name
  std::vector<Extension> extensions;  // sorted by name; PostgreSQL, without plpgsql
  std::vector<Unsupported> unsupported;
  // True when the source was scoped to a single schema (URL search_path, or SQLite): object names
  // in rendered SQL are then left unqualified so files apply to whatever schema the target uses.
  bool scoped = false;

  const Schema* FindSchema(std::string_view name) const;
  bool operator==(const Realm&) const = default;
};

std::string_view FkActionSql(FkAction a);  // "NO ACTION", "CASCADE", …

// Machine-readable form of a realm (`strata schema inspect --format json`).
std::string ToJson(const Realm& realm);
// An ER diagram in Mermaid syntax (`strata schema inspect --format mermaid`).
std::string ToMermaid(const Realm& realm);

}  // namespace strata::schema
