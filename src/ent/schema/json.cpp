// Entity schemas to JSON and back (see json.hpp).
#include "ent/schema/json.hpp"

#include <nlohmann/json.hpp>

#include "strata/error.hpp"

namespace strata::ent {

namespace {

using nlohmann::json;

const FieldType kFieldTypes[] = {
    FieldType::kBool,    FieldType::kInt,    FieldType::kInt8,   FieldType::kInt16,
    FieldType::kInt32,   FieldType::kInt64,  FieldType::kUint,   FieldType::kUint8,
    FieldType::kUint16,  FieldType::kUint32, FieldType::kUint64, FieldType::kFloat,
    FieldType::kFloat32, FieldType::kString, FieldType::kText,   FieldType::kBytes,
    FieldType::kTime,    FieldType::kUUID,   FieldType::kJSON,   FieldType::kEnum,
};
const char* const kActions[] = {"NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"};

json LocationJson(const Location& l) { return {{"file", l.file}, {"line", l.line}}; }
Location LocationOf(const json& j) { return {j.at("file").get<std::string>(), j.at("line")}; }

// A literal default: {"bool": true}, {"int": -1}, {"uint": 1}, {"float": 0.5}, {"string": "x"}.
json ValueJson(const Value& v) {
  if (const auto* b = std::get_if<bool>(&v)) return {{"bool", *b}};
  if (const auto* i = std::get_if<std::int64_t>(&v)) return {{"int", *i}};
  if (const auto* u = std::get_if<std::uint64_t>(&v)) return {{"uint", *u}};
  if (const auto* d = std::get_if<double>(&v)) return {{"float", *d}};
  if (const auto* s = std::get_if<std::string>(&v)) return {{"string", *s}};
  return nullptr;
}
Value ValueOf(const json& j) {
  if (j.contains("bool")) return j["bool"].get<bool>();
  if (j.contains("int")) return j["int"].get<std::int64_t>();
  if (j.contains("uint")) return j["uint"].get<std::uint64_t>();
  if (j.contains("float")) return j["float"].get<double>();
  if (j.contains("string")) return j["string"].get<std::string>();
  return std::monostate{};
}

json FieldJson(const FieldDescriptor& f) {
  json j = {{"name", f.name},
            {"type", FieldTypeName(f.type)},
            {"location", LocationJson(f.location)},
            {"storage_key", f.storage_key},
            {"optional", f.optional},
            {"nillable", f.nillable},
            {"unique", f.unique},
            {"immutable", f.immutable},
            {"sensitive", f.sensitive},
            {"default_func", f.has_default_func},
            {"update_default", f.has_update_default},
            {"comment", f.comment},
            {"enum_values", f.enum_values},
            {"schema_type", json::object()},
            {"validators", json::array()}};
  if (f.default_value) j["default"] = ValueJson(*f.default_value);
  for (const auto& [dialect, type] : f.schema_type) j["schema_type"][dialect] = type;
  for (const Validator& v : f.validators)
    j["validators"].push_back({{"name", v.name}, {"arg", v.arg}});
  return j;
}

FieldDescriptor FieldOf(const json& j) {
  FieldDescriptor f;
  f.name = j.at("name");
  const std::string type = j.at("type");
  for (FieldType t : kFieldTypes) {
    if (type == FieldTypeName(t)) f.type = t;
  }
  f.location = LocationOf(j.at("location"));
  f.storage_key = j.at("storage_key");
  f.optional = j.at("optional");
  f.nillable = j.at("nillable");
  f.unique = j.at("unique");
  f.immutable = j.at("immutable");
  f.sensitive = j.at("sensitive");
  f.has_default_func = j.at("default_func");
  f.has_update_default = j.at("update_default");
  f.comment = j.at("comment");
  f.enum_values = j.at("enum_values").get<std::vector<std::string>>();
  if (j.contains("default")) f.default_value = ValueOf(j["default"]);
  for (const auto& [dialect, t] : j.at("schema_type").items()) {
    f.schema_type.emplace_back(dialect, t.get<std::string>());
  }
  for (const json& v : j.at("validators")) f.validators.push_back({v.at("name"), v.at("arg"), {}});
  return f;
}

json EdgeJson(const EdgeDescriptor& e) {
  json j = {{"name", e.name},
            {"type", e.type},
            {"location", LocationJson(e.location)},
            {"inverse", e.inverse},
            {"ref", e.ref},
            {"unique", e.unique},
            {"required", e.required},
            {"immutable", e.immutable},
            {"field", e.field},
            {"storage_table", e.storage_table},
            {"storage_columns", e.storage_columns},
            {"storage_symbols", e.storage_symbols},
            {"through_name", e.through_name},
            {"through_type", e.through_type},
            {"comment", e.comment}};
  if (e.on_delete) j["on_delete"] = kActions[static_cast<int>(*e.on_delete)];
  if (e.assoc) j["assoc"] = EdgeJson(*e.assoc);
  return j;
}

EdgeDescriptor EdgeOf(const json& j) {
  EdgeDescriptor e;
  e.name = j.at("name");
  e.type = j.at("type");
  e.location = LocationOf(j.at("location"));
  e.inverse = j.at("inverse");
  e.ref = j.at("ref");
  e.unique = j.at("unique");
  e.required = j.at("required");
  e.immutable = j.at("immutable");
  e.field = j.at("field");
  e.storage_table = j.at("storage_table");
  e.storage_columns = j.at("storage_columns").get<std::vector<std::string>>();
  e.storage_symbols = j.at("storage_symbols").get<std::vector<std::string>>();
  e.through_name = j.at("through_name");
  e.through_type = j.at("through_type");
  e.comment = j.at("comment");
  if (j.contains("on_delete")) {
    const std::string action = j["on_delete"];
    for (int i = 0; i < 5; ++i) {
      if (action == kActions[i]) e.on_delete = static_cast<Action>(i);
    }
  }
  if (j.contains("assoc")) e.assoc = std::make_shared<const EdgeDescriptor>(EdgeOf(j["assoc"]));
  return e;
}

}  // namespace

std::string SchemasToJson(const std::vector<SchemaDescriptor>& schemas) {
  json out = json::array();
  for (const SchemaDescriptor& s : schemas) {
    json j = {{"name", s.name},
              {"location", LocationJson(s.location)},
              {"fields", json::array()},
              {"edges", json::array()},
              {"indexes", json::array()},
              {"hooks", s.hooks.size()},
              {"table", s.annotation.table},
              {"schema", s.annotation.schema},
              {"id_fields", s.annotation.id_fields},
              {"checks", json::array()}};
    for (const FieldDescriptor& f : s.fields) j["fields"].push_back(FieldJson(f));
    for (const EdgeDescriptor& e : s.edges) j["edges"].push_back(EdgeJson(e));
    for (const IndexDescriptor& i : s.indexes) {
      j["indexes"].push_back({{"fields", i.fields},
                              {"edges", i.edges},
                              {"unique", i.unique},
                              {"storage_key", i.storage_key},
                              {"where", i.where}});
    }
    for (const CheckDescriptor& c : s.annotation.checks) {
      j["checks"].push_back({{"name", c.name}, {"expr", c.expr}});
    }
    out.push_back(std::move(j));
  }
  return out.dump();
}

std::vector<SchemaDescriptor> SchemasFromJson(std::string_view text, std::string_view origin) {
  std::vector<SchemaDescriptor> schemas;
  try {
    for (const json& j : json::parse(text)) {
      SchemaDescriptor s;
      s.name = j.at("name");
      s.location = LocationOf(j.at("location"));
      for (const json& f : j.at("fields")) s.fields.push_back(FieldOf(f));
      for (const json& e : j.at("edges")) s.edges.push_back(EdgeOf(e));
      for (const json& i : j.at("indexes")) {
        s.indexes.push_back({i.at("fields").get<std::vector<std::string>>(),
                             i.at("edges").get<std::vector<std::string>>(), i.at("unique"),
                             i.at("storage_key"), i.at("where")});
      }
      // Hooks run in the user's program only; the count tells `strata describe` they exist.
      s.hooks.resize(j.at("hooks").get<size_t>());
      s.annotation.table = j.at("table");
      s.annotation.schema = j.at("schema");
      s.annotation.id_fields = j.at("id_fields").get<std::vector<std::string>>();
      for (const json& c : j.at("checks"))
        s.annotation.checks.push_back({c.at("name"), c.at("expr")});
      schemas.push_back(std::move(s));
    }
  } catch (const json::exception& e) {
    throw InputError(std::string(origin) + ": not an entity graph this strata can read (" +
                     e.what() + "); was it written by another strata version?");
  }
  return schemas;
}

namespace detail {
int PrintRegisteredSchemas() {
  try {
    const std::string out = SchemasToJson(RegisteredSchemas());
    std::fwrite(out.data(), 1, out.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "a schema threw while being described: %s\n", e.what());
    return 1;
  }
}
}  // namespace detail

}  // namespace strata::ent
