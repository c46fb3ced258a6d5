// The mutation a hook sees: one create, update or delete of one entity type, as the generated
// client performs it. The generated <Entity>Mutation derives from it with typed accessors; hooks
// written in schema files use this generic face.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/ent/descriptor.hpp"
#include "strata/ent/schema.hpp"

namespace strata::ent {

class Mutation {
 public:
  virtual ~Mutation() = default;
  // What is being done: kCreate, kUpdate, kUpdateOne, kDelete or kDeleteOne.
  virtual Op op() const = 0;
  // The entity's type name, as registered with STRATA_SCHEMA ("User").
  virtual std::string_view Type() const = 0;
  // The fields this mutation sets, by their schema names.
  virtual std::vector<std::string> Fields() const = 0;
  // The value the mutation sets field `name` to; nullopt when it does not set it.
  virtual std::optional<Value> Field(std::string_view name) const = 0;
  // Sets field `name`. Throws Error for an unknown field, a value of the wrong kind, or an
  // immutable field on an update.
  virtual void SetField(std::string_view name, const Value& value) = 0;
};

}  // namespace strata::ent
