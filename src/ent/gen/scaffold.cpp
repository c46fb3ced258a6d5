// `strata new` (see scaffold.hpp).
#include "ent/gen/scaffold.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "migrate/file_io.hpp"
#include "strata/error.hpp"

namespace strata::ent {

namespace {

// Names a schema class cannot take: with `using namespace strata::ent;` in the schema file they
// would clash with the DSL's own types, and the generated client defines the others.
constexpr std::array<std::string_view, 27> kReserved = {
    "Action", "Annotation", "Annotations", "BoolBuilder", "Client",    "Edge",    "EdgeBuilder",
    "Edges",  "Field",      "Fields",      "Hook",        "Hooks",     "Index",   "Indexes",
    "Mixin",  "MixinRef",   "Mixins",      "Mutation",    "Mutator",   "Op",      "Schema",
    "Time",   "Tx",         "UUID",        "Value",       "FieldType", "Location"};

// Why `name` cannot be a schema type name, or empty when it can.
std::string Problem(const std::string& name) {
  if (name.empty()) return "a type name cannot be empty";
  if (!std::isupper(static_cast<unsigned char>(name[0]))) {
    return "a type name starts with an upper-case letter (as ent requires), e.g. User or PetOwner";
  }
  if (!std::all_of(name.begin(), name.end(),
                   [](unsigned char c) { return std::isalnum(c) && c < 0x80; })) {
    return "a type name holds only ASCII letters and digits";
  }
  if (std::find(kReserved.begin(), kReserved.end(), name) != kReserved.end()) {
    return "this name is taken by strata::ent or the generated client; pick another";
  }
  return "";
}

std::string SchemaFile(const std::string& name) {
  return fmt::format(R"(// The {0} entity's schema: its fields, edges and indexes.
#include <strata/ent/schema.hpp>

using namespace strata::ent;

class {0} : public Schema {{
 public:
  // Fields of the {0}: field::String("name"), field::Int("age").Positive(), …
  Fields GetFields() const override {{ return {{}}; }}

  // Edges of the {0}: edge::To("pets", "Pet"), edge::From("owner", "User").Ref("pets"), …
  Edges GetEdges() const override {{ return {{}}; }}
}};
STRATA_SCHEMA({0});
)",
                     name);
}

}  // namespace

std::filesystem::path SchemaFilePath(const std::filesystem::path& dir, const std::string& name) {
  std::string file = name;
  std::transform(file.begin(), file.end(), file.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return dir / (file + ".cpp");
}

std::vector<std::filesystem::path> NewSchemaFiles(const std::filesystem::path& dir,
                                                  const std::vector<std::string>& names) {
  if (names.empty()) throw InputError("no type names given: e.g. `strata new --target DIR User`");
  std::vector<std::string> problems;
  std::vector<std::filesystem::path> paths;
  for (const std::string& name : names) {
    const std::filesystem::path path = SchemaFilePath(dir, name);
    if (const std::string why = Problem(name); !why.empty()) {
      problems.push_back(fmt::format("\"{}\": {}", name, why));
    } else if (std::find(paths.begin(), paths.end(), path) != paths.end()) {
      problems.push_back(
          fmt::format("\"{}\": given twice (or differs only in case from another "
                      "name: both would be {})",
                      name, path.filename().string()));
    } else if (std::error_code ec; std::filesystem::exists(path, ec)) {
      problems.push_back(
          fmt::format("\"{}\": {} already exists; strata new never overwrites a "
                      "schema (edit it, or remove it first)",
                      name, path.string()));
    }
    paths.push_back(path);
  }
  if (!problems.empty()) {
    std::string list;
    for (const std::string& p : problems) list += "\n  " + p;
    throw InputError(fmt::format("nothing written:{}", list));
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw InputError(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  }
  for (size_t i = 0; i < names.size(); ++i) {
    try {
      migrate::WriteFileAtomically(paths[i], SchemaFile(names[i]));
    } catch (...) {
      for (size_t j = 0; j < i; ++j) std::filesystem::remove(paths[j], ec);  // all or none
      throw;
    }
  }
  return paths;
}

}  // namespace strata::ent
