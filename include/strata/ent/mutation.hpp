// The mutation a hook sees: one create, update or delete of one entity type, as the generated
// client performs it.
#pragma once

#include <string_view>

#include "strata/ent/schema.hpp"

namespace strata::ent {

class Mutation {
 public:
  virtual ~Mutation() = default;
  // What is being done: kCreate, kUpdate, kUpdateOne, kDelete or kDeleteOne.
  virtual Op op() const = 0;
  // The entity's type name, as registered with STRATA_SCHEMA ("User").
  virtual std::string_view Type() const = 0;
};

}  // namespace strata::ent
