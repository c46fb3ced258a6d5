// `strata new`: a compilable schema file per new entity type, ready to be filled in.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace strata::ent {

// The file `strata new` writes for `name` in `dir`: the name in lower case plus ".cpp", as ent
// names its schema files (User → user.cpp, PetOwner → petowner.cpp).
std::filesystem::path SchemaFilePath(const std::filesystem::path& dir, const std::string& name);

// Writes one schema file per name into `dir` (created if missing) and returns their paths. Checks
// everything before writing anything: a name that is not a valid type name (an upper-case ASCII
// letter, then letters and digits, and not a name the DSL or the generated client already uses),
// a name given twice, or a file that already exists is an InputError and nothing is written.
std::vector<std::filesystem::path> NewSchemaFiles(const std::filesystem::path& dir,
                                                  const std::vector<std::string>& names);

}  // namespace strata::ent
