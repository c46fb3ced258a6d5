// What the schema builders record: one descriptor per field, edge, index and annotation, and per
// registered schema the whole of it with its mixins applied. The loader prints these as JSON for
// strata to read; the generated client reads defaults, validators and hooks from them.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "strata/ent/schema.hpp"

namespace strata::ent {

// One field value as defaults, default functions and validators see it. Int* fields hold
// std::int64_t, Uint* std::uint64_t, Float* double; String, Text, Enum, Bytes and JSON (its text)
// hold std::string.
using Value = std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double, std::string,
                           Time, UUID>;

// "bool", "int", …, "enum": the builder's name in lower case.
const char* FieldTypeName(FieldType type);

// A validator runs on every value the client writes to its field, before any SQL is sent, and
// throws (any std::exception) to reject it. `name` and `arg` describe it: "min_len" "3", "match"
// the pattern, "range" "1..10", "custom" for Validate.
struct Validator {
  std::string name;
  std::string arg;
  std::function<void(const Value&)> check;
};

// Where a builder was called in the user's schema file.
struct Location {
  std::string file;
  unsigned line = 0;
};

struct FieldDescriptor {
  std::string name;
  FieldType type = FieldType::kString;
  Location location;
  std::string storage_key;  // column name; empty: the field name in snake case
  bool optional = false;
  bool nillable = false;
  bool unique = false;
  bool immutable = false;
  bool sensitive = false;
  std::optional<Value> default_value;  // a literal default
  std::function<Value()> default_func;
  std::function<Value()> update_default;
  // Column type per dialect ("postgres", "sqlite"), overriding the field type's mapping.
  std::vector<std::pair<std::string, std::string>> schema_type;
  std::string comment;
  std::vector<std::string> enum_values;  // Enum: in declaration order
  std::vector<Validator> validators;
  // Set when default_func / update_default are; unlike them, these survive the trip from the
  // schema program to strata as JSON.
  bool has_default_func = false;
  bool has_update_default = false;
};

struct EdgeDescriptor {
  std::string name;
  std::string type;  // the target schema's type name
  Location location;
  bool inverse = false;  // edge::From
  std::string ref;       // edge::From: the edge::To of `type` this edge inverts
  bool unique = false;
  bool required = false;
  bool immutable = false;
  std::string field;  // the field of this schema holding the foreign key, if declared
  std::string storage_table;
  std::vector<std::string> storage_columns;
  std::vector<std::string> storage_symbols;
  std::optional<Action> on_delete;
  std::string through_name;  // Through(name, type)
  std::string through_type;
  std::string comment;
  // edge::To(…).From(…) on the From edge: the To edge declared with it.
  std::shared_ptr<const EdgeDescriptor> assoc;
};

struct IndexDescriptor {
  std::vector<std::string> fields;
  std::vector<std::string> edges;
  bool unique = false;
  std::string storage_key;  // index name; empty: ent's default
  std::string where;        // partial index predicate (SQL)
};

struct CheckDescriptor {
  std::string name;  // empty: unnamed
  std::string expr;
  bool operator==(const CheckDescriptor&) const = default;
};

struct AnnotationDescriptor {
  std::string table;                    // entsql::Table
  std::string schema;                   // entsql::Schema (PostgreSQL)
  std::vector<CheckDescriptor> checks;  // entsql::Check, entsql::Checks
  std::vector<std::string> id_fields;   // field::ID: a composite primary key
};

// A registered schema with its mixins applied: mixin fields first (in mixin order), then the
// schema's own; the same for edges, indexes and hooks; annotations merged (later ones win).
struct SchemaDescriptor {
  std::string name;
  Location location;  // the STRATA_SCHEMA line
  std::vector<FieldDescriptor> fields;
  std::vector<EdgeDescriptor> edges;
  std::vector<IndexDescriptor> indexes;
  AnnotationDescriptor annotation;
  std::vector<Hook> hooks;
};

// `schema` described under the type name `name`, its mixins applied.
SchemaDescriptor DescribeSchema(std::string_view name, const Schema& schema);

// Every schema registered with STRATA_SCHEMA in this program, sorted by name. Built on first use.
const std::vector<SchemaDescriptor>& RegisteredSchemas();

namespace detail {
// The main of the loader program strata builds from a schema folder: prints RegisteredSchemas()
// as JSON on stdout. Returns the exit code (1, with the reason on stderr, if a schema throws).
int PrintRegisteredSchemas();
}  // namespace detail

}  // namespace strata::ent
