// Look-ups on the schema model, and its JSON and Mermaid renderings.
#include "strata/schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

namespace strata::schema {
namespace {

template <typename T>
const T* FindByName(const std::vector<T>& items, std::string_view name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.name == name; });
  return it == items.end() ? nullptr : &*it;
}

std::string_view IdentityName(Identity i) {
  switch (i) {
    case Identity::kAlways:
      return "ALWAYS";
    case Identity::kByDefault:
      return "BY DEFAULT";
    case Identity::kNone:
      break;
  }
  return "";
}

// Sets `key` only when the value differs from its default, so the JSON stays readable.
template <typename T>
void SetIf(nlohmann::ordered_json& j, const char* key, const T& value, const T& absent = T{}) {
  if (!(value == absent)) j[key] = value;
}

nlohmann::ordered_json ColumnJson(const Column& c) {
  nlohmann::ordered_json j;
  j["name"] = c.name;
  j["type"] = c.type;
  j["null"] = c.nullable;
  if (c.default_expr) j["default"] = *c.default_expr;
  if (c.identity != Identity::kNone) {
    j["identity"] = IdentityName(c.identity);
    SetIf(j, "identity_start", c.identity_start, std::int64_t{1});
    SetIf(j, "identity_increment", c.identity_increment, std::int64_t{1});
  }
  if (c.generated) {
    j["generated"] = {{"expr", *c.generated}, {"type", c.generated_virtual ? "VIRTUAL" : "STORED"}};
  }
  SetIf(j, "collation", c.collation);
  SetIf(j, "comment", c.comment);
  return j;
}

nlohmann::ordered_json IndexJson(const Index& ix) {
  nlohmann::ordered_json j;
  j["name"] = ix.name;
  SetIf(j, "unique", ix.unique);
  SetIf(j, "constraint", ix.constraint);
  SetIf(j, "nulls_not_distinct", ix.nulls_not_distinct);
  auto& parts = j["parts"] = nlohmann::ordered_json::array();
  for (const IndexPart& p : ix.parts) {
    nlohmann::ordered_json pj;
    if (!p.column.empty()) pj["column"] = p.column;
    if (!p.expr.empty()) pj["expr"] = p.expr;
    SetIf(pj, "desc", p.desc);
    if (p.nulls_first) pj["nulls_first"] = *p.nulls_first;
    SetIf(pj, "collation", p.collation);
    SetIf(pj, "opclass", p.opclass);
    parts.push_back(pj);
  }
  if (!ix.include.empty()) j["include"] = ix.include;
  SetIf(j, "where", ix.where);
  SetIf(j, "method", ix.method);
  SetIf(j, "comment", ix.comment);
  return j;
}

nlohmann::ordered_json TriggersJson(const std::vector<Trigger>& list) {
  auto out = nlohmann::ordered_json::array();
  for (const Trigger& tr : list) out.push_back({{"name", tr.name}, {"definition", tr.definition}});
  return out;
}

nlohmann::ordered_json TableJson(const Table& t) {
  nlohmann::ordered_json j;
  j["name"] = t.name;
  auto& columns = j["columns"] = nlohmann::ordered_json::array();
  for (const Column& c : t.columns) columns.push_back(ColumnJson(c));
  if (t.primary_key) {
    nlohmann::ordered_json pk;
    SetIf(pk, "name", t.primary_key->name);
    pk["columns"] = t.primary_key->columns;
    if (!t.primary_key->desc.empty()) pk["desc"] = t.primary_key->desc;
    SetIf(pk, "autoincrement", t.primary_key->autoincrement);
    j["primary_key"] = pk;
  }
  if (!t.indexes.empty()) {
    auto& indexes = j["indexes"] = nlohmann::ordered_json::array();
    for (const Index& ix : t.indexes) indexes.push_back(IndexJson(ix));
  }
  if (!t.foreign_keys.empty()) {
    auto& fks = j["foreign_keys"] = nlohmann::ordered_json::array();
    for (const ForeignKey& fk : t.foreign_keys) {
      nlohmann::ordered_json f;
      f["name"] = fk.name;
      f["columns"] = fk.columns;
      nlohmann::ordered_json ref;
      SetIf(ref, "schema", fk.ref_schema);
      ref["table"] = fk.ref_table;
      ref["columns"] = fk.ref_columns;
      f["references"] = ref;
      f["on_update"] = FkActionSql(fk.on_update);
      f["on_delete"] = FkActionSql(fk.on_delete);
      SetIf(f, "match_full", fk.match_full);
      SetIf(f, "deferrable", fk.deferrable);
      SetIf(f, "initially_deferred", fk.initially_deferred);
      SetIf(f, "not_valid", fk.not_valid);
      fks.push_back(f);
    }
  }
  if (!t.checks.empty()) {
    auto& checks = j["checks"] = nlohmann::ordered_json::array();
    for (const Check& c : t.checks) {
      nlohmann::ordered_json cj{{"name", c.name}, {"expr", c.expr}};
      SetIf(cj, "no_inherit", c.no_inherit);
      SetIf(cj, "not_valid", c.not_valid);
      checks.push_back(cj);
    }
  }
  SetIf(j, "comment", t.comment);
  SetIf(j, "without_rowid", t.without_rowid);
  SetIf(j, "strict", t.strict);
  if (!t.triggers.empty()) j["triggers"] = TriggersJson(t.triggers);
  return j;
}

nlohmann::ordered_json ViewJson(const View& v) {
  nlohmann::ordered_json j;
  j["name"] = v.name;
  SetIf(j, "materialized", v.materialized);
  j["definition"] = v.definition;
  if (!v.columns.empty()) {
    auto& columns = j["columns"] = nlohmann::ordered_json::array();
    for (const Column& c : v.columns) {
      nlohmann::ordered_json cj{{"name", c.name}, {"type", c.type}};
      SetIf(cj, "comment", c.comment);
      columns.push_back(cj);
    }
  }
  if (!v.options.empty()) j["options"] = v.options;
  if (!v.indexes.empty()) {
    auto& indexes = j["indexes"] = nlohmann::ordered_json::array();
    for (const Index& ix : v.indexes) indexes.push_back(IndexJson(ix));
  }
  if (!v.depends.empty()) {
    auto& depends = j["depends"] = nlohmann::ordered_json::array();
    for (const ObjectRef& r : v.depends)
      depends.push_back({{"schema", r.schema}, {"name", r.name}});
  }
  if (!v.triggers.empty()) j["triggers"] = TriggersJson(v.triggers);
  SetIf(j, "comment", v.comment);
  return j;
}

// Mermaid entity and attribute names allow letters, digits, '_' and '-' only.
std::string MermaidWord(std::string_view s) {
  std::string out;
  for (char c : s) {
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ? c : '_');
  }
  return out.empty() ? std::string("_") : out;
}

// Mermaid attribute types additionally allow brackets and parentheses.
std::string MermaidType(std::string_view s) {
  std::string out;
  for (char c : s) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '(' ||
              c == ')' || c == '[' || c == ']';
    out.push_back(ok ? c : '_');
  }
  return out;
}

std::string MermaidText(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(c == '"' ? '\'' : c);
  return out;
}

}  // namespace

const Column* Table::FindColumn(std::string_view n) const { return FindByName(columns, n); }
const Table* Schema::FindTable(std::string_view n) const { return FindByName(tables, n); }
const Enum* Schema::FindEnum(std::string_view n) const { return FindByName(enums, n); }
const View* Schema::FindView(std::string_view n) const { return FindByName(views, n); }

bool SameDefinition(const View& a, const View& b) {
  auto shape = [](View v) {
    v.comment.clear();
    v.indexes.clear();
    for (Column& c : v.columns) c.comment.clear();
    return v;
  };
  return shape(a) == shape(b);
}
const Schema* Realm::FindSchema(std::string_view n) const { return FindByName(schemas, n); }

std::string_view FkActionSql(FkAction a) {
  switch (a) {
    case FkAction::kNoAction:
      return "NO ACTION";
    case FkAction::kRestrict:
      return "RESTRICT";
    case FkAction::kCascade:
      return "CASCADE";
    case FkAction::kSetNull:
      return "SET NULL";
    case FkAction::kSetDefault:
      return "SET DEFAULT";
  }
  return "NO ACTION";
}

std::string ToJson(const Realm& realm) {
  nlohmann::ordered_json j;
  auto& schemas = j["schemas"] = nlohmann::ordered_json::array();
  for (const Schema& s : realm.schemas) {
    nlohmann::ordered_json sj;
    sj["name"] = s.name;
    SetIf(sj, "comment", s.comment);
    auto& tables = sj["tables"] = nlohmann::ordered_json::array();
    for (const Table& t : s.tables) tables.push_back(TableJson(t));
    if (!s.enums.empty()) {
      auto& enums = sj["enums"] = nlohmann::ordered_json::array();
      for (const Enum& e : s.enums) {
        nlohmann::ordered_json ej{{"name", e.name}, {"values", e.values}};
        SetIf(ej, "comment", e.comment);
        enums.push_back(ej);
      }
    }
    if (!s.views.empty()) {
      auto& views = sj["views"] = nlohmann::ordered_json::array();
      for (const View& v : s.views) views.push_back(ViewJson(v));
    }
    schemas.push_back(sj);
  }
  if (!realm.extensions.empty()) {
    auto& extensions = j["extensions"] = nlohmann::ordered_json::array();
    for (const Extension& e : realm.extensions) {
      extensions.push_back({{"name", e.name}, {"schema", e.schema}});
    }
  }
  if (!realm.unsupported.empty()) {
    auto& un = j["unsupported"] = nlohmann::ordered_json::array();
    for (const Unsupported& u : realm.unsupported) {
      nlohmann::ordered_json uj{{"kind", u.kind}};
      SetIf(uj, "schema", u.schema);
      uj["name"] = u.name;
      un.push_back(uj);
    }
  }
  return j.dump(2) + "\n";
}

std::string ToMermaid(const Realm& realm) {
  // Entities are named by table, prefixed by schema when the realm spans several schemas.
  const bool qualify = !realm.scoped && realm.schemas.size() > 1;
  auto entity = [&](std::string_view schema, std::string_view table) {
    return MermaidWord(qualify ? fmt::format("{}.{}", schema, table) : std::string(table));
  };
  std::string out = "erDiagram\n";
  for (const Schema& s : realm.schemas) {
    for (const Table& t : s.tables) {
      const std::string id = entity(s.name, t.name);
      const std::string label = qualify ? fmt::format("{}.{}", s.name, t.name) : t.name;
      out += id == label ? fmt::format("  {} {{\n", id)
                         : fmt::format("  {}[\"{}\"] {{\n", id, MermaidText(label));
      std::set<std::string> pk, fk, uk;
      if (t.primary_key) pk.insert(t.primary_key->columns.begin(), t.primary_key->columns.end());
      for (const ForeignKey& f : t.foreign_keys) fk.insert(f.columns.begin(), f.columns.end());
      for (const Index& ix : t.indexes) {
        if (ix.unique && ix.parts.size() == 1 && !ix.parts[0].column.empty()) {
          uk.insert(ix.parts[0].column);
        }
      }
      for (const Column& c : t.columns) {
        std::vector<std::string> keys;
        if (pk.count(c.name)) keys.push_back("PK");
        if (fk.count(c.name)) keys.push_back("FK");
        if (uk.count(c.name)) keys.push_back("UK");
        out += fmt::format("    {} {}", MermaidType(c.type), MermaidWord(c.name));
        if (!keys.empty()) out += " " + fmt::format("{}", fmt::join(keys, ", "));
        if (c.name != MermaidWord(c.name) || !c.comment.empty()) {
          std::string note = c.name != MermaidWord(c.name) ? c.name : "";
          if (!c.comment.empty()) note += (note.empty() ? "" : ": ") + c.comment;
          out += fmt::format(" \"{}\"", MermaidText(note));
        }
        out += "\n";
      }
      out += "  }\n";
    }
  }
  for (const Schema& s : realm.schemas) {
    for (const Table& t : s.tables) {
      for (const ForeignKey& f : t.foreign_keys) {
        const std::string ref_schema = f.ref_schema.empty() ? s.name : f.ref_schema;
        bool nullable = std::any_of(f.columns.begin(), f.columns.end(), [&](const std::string& n) {
          const Column* c = t.FindColumn(n);
          return c != nullptr && c->nullable;
        });
        bool unique = std::any_of(t.indexes.begin(), t.indexes.end(),
                                  [&](const Index& ix) {
                                    if (!ix.unique || ix.parts.size() != f.columns.size())
                                      return false;
                                    for (size_t i = 0; i < ix.parts.size(); ++i) {
                                      if (ix.parts[i].column != f.columns[i]) return false;
                                    }
                                    return true;
                                  }) ||
                      (t.primary_key && t.primary_key->columns == f.columns);
        out += fmt::format("  {} {}--{} {} : \"{}\"\n", entity(ref_schema, f.ref_table),
                           nullable ? "|o" : "||", unique ? "o|" : "o{", entity(s.name, t.name),
                           MermaidText(f.name));
      }
    }
  }
  return out;
}

}  // namespace strata::schema
