// Pets: an M2O edge with an edge field.
#include <strata/ent/schema.hpp>

using namespace strata::ent;

class Pet : public Schema {
 public:
  Fields GetFields() const override {
    return {field::String("name"), field::Int("owner_id").Optional()};
  }
  Edges GetEdges() const override {
    return {edge::From("owner", "User").Ref("pets").Unique().Field("owner_id")};
  }
};
STRATA_SCHEMA(Pet);
