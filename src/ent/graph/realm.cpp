// ToRealm and ToSql: the entity graph as the tables ent v0.14 creates (entc/gen graph.go Tables(),
// dialect/sql/schema atlas.go, postgres.go and sqlite.go, and Atlas's rendering of them).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "dialect/postgres/postgres.hpp"
#include "dialect/sqlite/parse.hpp"
#include "ent/graph/graph.hpp"
#include "ent/graph/names.hpp"
#include "strata/migrate/plan.hpp"

namespace strata::ent {

namespace {

using schema::Column;

// Longest index and foreign-key names before ent shortens them (Atlas's symbol()).
size_t NameLimit(Dialect d) { return d == Dialect::kPostgres ? 63 : 64; }

std::string DefaultSchema(Dialect d) { return d == Dialect::kPostgres ? "public" : "main"; }

// The schema of an entity's tables: its entsql::Schema on PostgreSQL, else the default one.
std::string SchemaOf(const std::string& annotated, Dialect d) {
  return d == Dialect::kPostgres && !annotated.empty() ? annotated : DefaultSchema(d);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The validator bound of a String field's MaxLen, or 0.
std::size_t MaxLen(const FieldDescriptor& f) {
  for (const Validator& v : f.validators) {
    if (v.name == "max_len") return std::stoull(v.arg);
  }
  return 0;
}

// A SchemaType for the dialect, as ent hands it to Atlas: lower-cased; SQLite drops the size of
// string types ("varchar(255)" → "varchar"). The dev database normalizes the rest.
std::optional<std::string> SchemaType(const FieldDescriptor& f, Dialect d) {
  const std::string key = d == Dialect::kPostgres ? "postgres" : "sqlite";
  for (const auto& [dialect, type] : f.schema_type) {
    if (dialect != key) continue;
    std::string t = Lower(type);
    const size_t open = t.find('(');
    if (d == Dialect::kSqlite && open != std::string::npos) {
      const std::string base = t.substr(0, open);
      if (base.find("char") != std::string::npos || base.find("text") != std::string::npos ||
          base.find("clob") != std::string::npos) {
        t = base;
        while (!t.empty() && t.back() == ' ') t.pop_back();
      }
    }
    return t;
  }
  return std::nullopt;
}

// ent's column type for a field type (postgres.go / sqlite.go atTypeC, as Atlas prints them).
std::string BaseType(FieldType type, std::size_t max_len, Dialect d) {
  const bool pg = d == Dialect::kPostgres;
  switch (type) {
    case FieldType::kBool:
      return pg ? "boolean" : "bool";
    case FieldType::kInt8:
    case FieldType::kInt16:
    case FieldType::kUint8:
      return pg ? "smallint" : "integer";
    case FieldType::kInt32:
    case FieldType::kUint16:
      return "integer";
    case FieldType::kInt:
    case FieldType::kInt64:
    case FieldType::kUint:
    case FieldType::kUint32:
    case FieldType::kUint64:
      return pg ? "bigint" : "integer";
    case FieldType::kFloat32:
      return "real";
    case FieldType::kFloat:
      return pg ? "double precision" : "real";
    case FieldType::kString:
      // Longer than 10 MiB is text; any other size is an unbounded character varying.
      return !pg ? "text" : max_len > (std::size_t{10} << 20) ? "text" : "character varying";
    case FieldType::kText:
      return "text";
    case FieldType::kBytes:
      return pg ? "bytea" : "blob";
    case FieldType::kTime:
      return pg ? "timestamptz" : "datetime";
    case FieldType::kUUID:
      return "uuid";
    case FieldType::kJSON:
      return pg ? "jsonb" : "json";
    case FieldType::kEnum:
      return pg ? "character varying" : "text";
  }
  return "";
}

std::string FieldColumnType(const FieldDescriptor& f, Dialect d) {
  if (auto t = SchemaType(f, d)) return *t;
  return BaseType(f.type, MaxLen(f), d);
}

bool IsSerial(std::string_view t) {
  return t == "serial" || t == "bigserial" || t == "smallserial";
}

// A column referencing `id` (a foreign key or join column) has its type, SchemaType included;
// serial types become the integer they stand for.
std::string ReferenceType(const EntityId& id, Dialect d) {
  const std::string t = id.field ? FieldColumnType(*id.field, d) : BaseType(id.type, 0, d);
  if (t == "serial") return "integer";
  if (t == "bigserial") return "bigint";
  if (t == "smallserial") return "smallint";
  return t;
}

// Go's fmt.Sprint of a float64 (or float32): the shortest digits that read back as the value, in
// %e form when the exponent is below -4 or at least 6 ("1e+06", "1.5e-07"), else plain ("0.25").
std::string GoFloat(double v, bool f32) {
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[64];
  const auto res = f32 ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v),
                                       std::chars_format::scientific)
                       : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  const std::string sci(buf, res.ptr);  // "-1.2345e+06"
  const size_t e = sci.find('e');
  const bool neg = sci[0] == '-';
  std::string digits;
  for (char c : sci.substr(neg ? 1 : 0, e - (neg ? 1 : 0))) {
    if (c != '.') digits += c;
  }
  const int exp = std::stoi(sci.substr(e + 1));
  std::string out = neg ? "-" : "";
  if (exp < -4 || exp >= 6) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    return out + fmt::format("e{}{:02}", exp < 0 ? '-' : '+', std::abs(exp));
  }
  if (exp < 0) return out + "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  const size_t point = static_cast<size_t>(exp) + 1;
  if (digits.size() <= point) return out + digits + std::string(point - digits.size(), '0');
  return out + digits.substr(0, point) + "." + digits.substr(point);
}

// The DEFAULT ent writes for a field's literal default: numbers, bools, strings and enums only
// (functions, and Time, UUID, JSON and Bytes defaults, write none). Strings are quoted; ent's
// SQLite DDL wraps the value in parentheses, which SQLite does not keep, so the planner decides.
std::optional<std::string> DefaultExpr(const FieldDescriptor& f) {
  if (!f.default_value || f.type == FieldType::kBytes || f.type == FieldType::kJSON) {
    return std::nullopt;
  }
  const Value& v = *f.default_value;
  const bool is_float = f.type == FieldType::kFloat || f.type == FieldType::kFloat32;
  const bool f32 = f.type == FieldType::kFloat32;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    return is_float ? GoFloat(static_cast<double>(*i), f32) : std::to_string(*i);
  }
  if (const auto* u = std::get_if<std::uint64_t>(&v)) {
    return is_float ? GoFloat(static_cast<double>(*u), f32) : std::to_string(*u);
  }
  if (const auto* x = std::get_if<double>(&v)) return GoFloat(*x, f32);
  if (const auto* s = std::get_if<std::string>(&v)) return QuoteLiteral(*s);
  return std::nullopt;
}

Column FieldColumn(const EntityField& f, Dialect d) {
  Column c{.name = f.column, .type = FieldColumnType(f.desc, d), .nullable = f.desc.optional};
  c.default_expr = DefaultExpr(f.desc);
  if (d == Dialect::kPostgres) c.comment = f.desc.comment;
  return c;
}

Column IdColumn(const EntityId& id, Dialect d) {
  Column c{.name = id.column, .nullable = false};
  if (id.field) {
    c = FieldColumn({*id.field, id.column, ""}, d);
    c.nullable = false;
  } else {
    c.type = BaseType(id.type, 0, d);
  }
  if (d == Dialect::kPostgres && id.increment && !IsSerial(c.type)) {
    c.identity = schema::Identity::kByDefault;
  }
  return c;
}

schema::FkAction FkAction(Action a) {
  switch (a) {
    case Action::kNoAction:
      return schema::FkAction::kNoAction;
    case Action::kRestrict:
      return schema::FkAction::kRestrict;
    case Action::kCascade:
      return schema::FkAction::kCascade;
    case Action::kSetNull:
      return schema::FkAction::kSetNull;
    case Action::kSetDefault:
      return schema::FkAction::kSetDefault;
  }
  return schema::FkAction::kNoAction;
}

schema::Index MakeIndex(std::string name, const std::vector<std::string>& columns, bool unique,
                        std::string where = "") {
  schema::Index i{.name = std::move(name), .unique = unique, .where = std::move(where)};
  for (const std::string& c : columns) i.parts.push_back({.column = c});
  return i;
}

// The identifiers in a CHECK expression that name columns of `t` (PostgreSQL folds unquoted ones
// to lower case; strings are skipped).
std::set<std::string> MentionedColumns(std::string_view expr, const schema::Table& t) {
  std::set<std::string> found;
  auto add = [&](const std::string& name) {
    if (t.FindColumn(name) != nullptr) found.insert(name);
  };
  for (size_t i = 0; i < expr.size();) {
    const char c = expr[i];
    if (c == '\'') {
      for (++i; i < expr.size(); ++i) {
        if (expr[i] == '\'' && (i + 1 >= expr.size() || expr[i + 1] != '\'')) break;
        if (expr[i] == '\'') ++i;
      }
      ++i;
    } else if (c == '"') {
      std::string name;
      for (++i; i < expr.size(); ++i) {
        if (expr[i] == '"' && (i + 1 >= expr.size() || expr[i + 1] != '"')) break;
        if (expr[i] == '"') ++i;
        name += expr[i];
      }
      ++i;
      add(name);
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
               static_cast<unsigned char>(c) >= 0x80) {
      std::string name;
      while (i < expr.size() &&
             (std::isalnum(static_cast<unsigned char>(expr[i])) || expr[i] == '_' ||
              expr[i] == '$' || static_cast<unsigned char>(expr[i]) >= 0x80)) {
        name += expr[i++];
      }
      add(Lower(name));
    } else {
      ++i;
    }
  }
  return found;
}

// PostgreSQL's makeObjectName(name, NULL, label): `name` cut to fit NAMEDATALEN - 1 bytes with
// "_label", never inside a UTF-8 character.
std::string PgObjectName(std::string_view name, std::string_view label) {
  size_t n = std::min(name.size(), 63 - label.size() - 1);
  while (n > 0 && n < name.size() && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
  return fmt::format("{}_{}", name.substr(0, n), label);
}

// The names the database gives unnamed CHECK constraints: PostgreSQL <table>_<column>_check when
// the expression uses one column, else <table>_check, numbered when taken (ChooseConstraintName);
// SQLite keeps them unnamed, and strata's inspector numbers them <table>_chk_<n>.
void AddChecks(schema::Table& t, const std::vector<CheckDescriptor>& checks, Dialect d) {
  std::set<std::string> taken;
  for (const CheckDescriptor& c : checks) {
    if (!c.name.empty()) taken.insert(c.name);
  }
  int unnamed = 0;
  for (const CheckDescriptor& c : checks) {
    std::string name = c.name;
    if (name.empty() && d == Dialect::kSqlite) name = dialect::sqlite::CheckName(t.name, ++unnamed);
    if (name.empty()) {
      const std::set<std::string> columns = MentionedColumns(c.expr, t);
      const std::string column = columns.size() == 1 ? *columns.begin() : "";
      for (int n = 0; name.empty() || taken.count(name) > 0; ++n) {
        const std::string label = n == 0 ? "check" : fmt::format("check{}", n);
        name = !column.empty() ? dialect::postgres::MakeObjectName(t.name, column, label)
                               : PgObjectName(t.name, label);
      }
      taken.insert(name);
    }
    t.checks.push_back({.name = name, .expr = c.expr});
  }
}

class RealmBuilder {
 public:
  RealmBuilder(const Graph& g, Dialect d) : g_(g), d_(d) {}

  schema::Realm Build() {
    for (const Entity& e : g_.entities) AddEntity(e);
    for (const JoinTable& j : g_.join_tables) AddJoinTable(j);
    // The default schema is there even when every table is elsewhere: public always exists.
    schemas_[DefaultSchema(d_)];
    schema::Realm realm;
    realm.scoped = schemas_.size() == 1;
    for (auto& [name, tables] : schemas_) {
      schema::Schema s{.name = name};
      for (schema::Table& t : tables) {
        auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
        std::sort(t.indexes.begin(), t.indexes.end(), by_name);
        std::sort(t.foreign_keys.begin(), t.foreign_keys.end(), by_name);
        std::sort(t.checks.begin(), t.checks.end(), by_name);
        s.tables.push_back(std::move(t));
      }
      std::sort(s.tables.begin(), s.tables.end(),
                [](const auto& a, const auto& b) { return a.name < b.name; });
      realm.schemas.push_back(std::move(s));
    }
    return realm;
  }

 private:
  const Entity& EntityNamed(const std::string& name) const { return *g_.Find(name); }

  schema::ForeignKey Reference(std::string name, const std::string& column,
                               const Entity& ref) const {
    return {.name = ShortenName(name, NameLimit(d_)),
            .columns = {column},
            .ref_schema = d_ == Dialect::kPostgres ? SchemaOf(ref.schema, d_) : "",
            .ref_table = ref.table,
            .ref_columns = {ref.id->column}};
  }

  void AddEntity(const Entity& e) {
    schema::Table t{.schema = SchemaOf(e.schema, d_), .name = e.table};
    if (e.id) t.columns.push_back(IdColumn(*e.id, d_));
    for (const EntityField& f : e.fields) {
      if (f.edge.empty()) t.columns.push_back(FieldColumn(f, d_));
    }
    for (const ForeignKeyColumn& fk : e.foreign_keys) {
      const Entity& ref = EntityNamed(fk.ref_entity);
      // ent's mayAddColumn: a column of that name already there is not added again.
      if (t.FindColumn(fk.column) == nullptr) {
        Column c{.name = fk.column, .type = ReferenceType(*ref.id, d_), .nullable = fk.nullable};
        if (fk.field) {
          c.default_expr = DefaultExpr(*fk.field);
          if (d_ == Dialect::kPostgres) c.comment = fk.field->comment;
        }
        t.columns.push_back(std::move(c));
      }
      schema::ForeignKey key = Reference(fk.symbol, fk.column, ref);
      key.on_delete = FkAction(fk.on_delete);
      t.foreign_keys.push_back(std::move(key));
    }
    for (const std::string& column : e.primary_key) {
      for (Column& c : t.columns) {
        if (c.name == column) c.nullable = false;
      }
    }
    t.primary_key = schema::PrimaryKey{.columns = e.primary_key};
    if (d_ == Dialect::kSqlite && e.id && e.id->increment) t.primary_key->autoincrement = true;
    AddUniqueIndexes(t, e);
    for (const EntityIndex& i : e.indexes) {
      t.indexes.push_back(
          MakeIndex(ShortenName(i.name, NameLimit(d_)), i.columns, i.unique, i.where));
    }
    AddChecks(t, e.checks, d_);
    schemas_[t.schema].push_back(std::move(t));
  }

  // Unique fields and O2O foreign keys: a <table>_<column>_key unique index each (atUniqueC), in
  // column order, unless the column is the whole primary key or an explicit unique index of the
  // name the dialect would give it stands in.
  void AddUniqueIndexes(schema::Table& t, const Entity& e) const {
    std::set<std::string> unique;
    for (const EntityField& f : e.fields) {
      if (f.desc.unique && f.edge.empty()) unique.insert(f.column);
    }
    for (const ForeignKeyColumn& fk : e.foreign_keys) {
      if (fk.unique) unique.insert(fk.column);
    }
    for (const Column& c : t.columns) {
      if (unique.count(c.name) == 0) continue;
      if (e.primary_key.size() == 1 && e.primary_key[0] == c.name) continue;
      const std::string name = t.name + "_" + c.name + "_key";
      const bool explicit_index = std::any_of(e.indexes.begin(), e.indexes.end(), [&](auto& i) {
        if (!i.unique) return false;
        if (d_ == Dialect::kSqlite) {
          return i.name == c.name || i.name.starts_with("sqlite_autoindex_" + t.name + "_");
        }
        return i.name == name ||
               (i.name.starts_with(name) && i.name.size() > name.size() &&
                std::all_of(i.name.begin() + static_cast<std::ptrdiff_t>(name.size()), i.name.end(),
                            [](char ch) { return std::isdigit(ch) != 0; }));
      });
      if (!explicit_index) t.indexes.push_back(MakeIndex(name, {c.name}, true));
    }
  }

  void AddJoinTable(const JoinTable& j) {
    schema::Table t{.schema = SchemaOf(j.schema, d_), .name = j.name};
    for (size_t i = 0; i < 2; ++i) {
      const Entity& ref = EntityNamed(j.ref_entities[i]);
      t.columns.push_back(
          {.name = j.columns[i], .type = ReferenceType(*ref.id, d_), .nullable = false});
      schema::ForeignKey key = Reference(j.symbols[i], j.columns[i], ref);
      key.on_delete = schema::FkAction::kCascade;
      t.foreign_keys.push_back(std::move(key));
    }
    t.primary_key = schema::PrimaryKey{.columns = {j.columns[0], j.columns[1]}};
    schemas_[t.schema].push_back(std::move(t));
  }

  const Graph& g_;
  Dialect d_;
  std::map<std::string, std::vector<schema::Table>> schemas_;
};

}  // namespace

schema::Realm ToRealm(const Graph& graph, Dialect dialect) {
  return RealmBuilder(graph, dialect).Build();
}

std::string ToSql(const Graph& graph, Dialect dialect) {
  const schema::Realm realm = ToRealm(graph, dialect);
  migrate::PlanOptions options{.unqualified = true};
  for (const schema::Schema& s : realm.schemas) {
    if (s.name != DefaultSchema(dialect)) options.qualified_schemas.push_back(s.name);
  }
  return migrate::FormatScript(migrate::CreateStatements(dialect, realm, options));
}

}  // namespace strata::ent
