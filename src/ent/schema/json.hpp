// The entity graph as JSON: what the loader program prints and strata reads back. Functions
// (default functions, validators, hooks) cannot travel; their presence does (has_default_func,
// validator names and arguments).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strata/ent/descriptor.hpp"

namespace strata::ent {

std::string SchemasToJson(const std::vector<SchemaDescriptor>& schemas);

// Throws InputError naming `origin` when `json` is not what SchemasToJson writes.
std::vector<SchemaDescriptor> SchemasFromJson(std::string_view json, std::string_view origin);

}  // namespace strata::ent
