// The schemas a program registers with STRATA_SCHEMA, described with their mixins applied.
#include <algorithm>
#include <mutex>

#include "strata/ent/descriptor.hpp"

namespace strata::ent {

namespace {

struct Registered {
  std::string name;
  Location location;
  Schema* (*make)();
};

std::vector<Registered>& Registry() {
  static std::vector<Registered> registry;
  return registry;
}

// Later annotations win for the table and schema names; checks and key fields accumulate.
void Merge(AnnotationDescriptor& into, const AnnotationDescriptor& a) {
  if (!a.table.empty()) into.table = a.table;
  if (!a.schema.empty()) into.schema = a.schema;
  into.checks.insert(into.checks.end(), a.checks.begin(), a.checks.end());
  if (!a.id_fields.empty()) into.id_fields = a.id_fields;
}

// What `part` (a mixin or the schema itself) adds to `d`.
template <class Part>
void Add(SchemaDescriptor& d, const Part& part) {
  for (const Field& f : part.GetFields()) d.fields.push_back(f.Descriptor());
  for (const Edge& e : part.GetEdges()) d.edges.push_back(e.Descriptor());
  for (const Index& i : part.GetIndexes()) d.indexes.push_back(i.Descriptor());
  for (const Annotation& a : part.GetAnnotations()) Merge(d.annotation, a.Descriptor());
  for (Hook& h : part.GetHooks()) d.hooks.push_back(std::move(h));
}

}  // namespace

SchemaDescriptor DescribeSchema(std::string_view name, const Schema& schema) {
  SchemaDescriptor d;
  d.name = std::string(name);
  for (const MixinRef& m : schema.GetMixins()) Add(d, *m);
  Add(d, schema);
  return d;
}

namespace detail {
Registration::Registration(const char* name, const char* file, unsigned line, Schema* (*make)()) {
  Registry().push_back({name, {file, line}, make});
}
}  // namespace detail

const std::vector<SchemaDescriptor>& RegisteredSchemas() {
  static std::once_flag once;
  static std::vector<SchemaDescriptor> schemas;
  std::call_once(once, [] {
    for (const Registered& r : Registry()) {
      const std::unique_ptr<Schema> schema(r.make());
      schemas.push_back(DescribeSchema(r.name, *schema));
      schemas.back().location = r.location;
    }
    std::sort(schemas.begin(), schemas.end(),
              [](const SchemaDescriptor& a, const SchemaDescriptor& b) { return a.name < b.name; });
  });
  return schemas;
}

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kBool:
      return "bool";
    case FieldType::kInt:
      return "int";
    case FieldType::kInt8:
      return "int8";
    case FieldType::kInt16:
      return "int16";
    case FieldType::kInt32:
      return "int32";
    case FieldType::kInt64:
      return "int64";
    case FieldType::kUint:
      return "uint";
    case FieldType::kUint8:
      return "uint8";
    case FieldType::kUint16:
      return "uint16";
    case FieldType::kUint32:
      return "uint32";
    case FieldType::kUint64:
      return "uint64";
    case FieldType::kFloat:
      return "float";
    case FieldType::kFloat32:
      return "float32";
    case FieldType::kString:
      return "string";
    case FieldType::kText:
      return "text";
    case FieldType::kBytes:
      return "bytes";
    case FieldType::kTime:
      return "time";
    case FieldType::kUUID:
      return "uuid";
    case FieldType::kJSON:
      return "json";
    case FieldType::kEnum:
      return "enum";
  }
  return "?";
}

}  // namespace strata::ent
