// The Pet entity's schema: its fields, edges and indexes.
#include <strata/ent/schema.hpp>

using namespace strata::ent;

class Pet : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name").NotEmpty()}; }

  // The inverse of User's "pets": each pet has at most one owner.
  Edges GetEdges() const override { return {edge::From("owner", "User").Ref("pets").Unique()}; }
};
STRATA_SCHEMA(Pet);
