#include <strata/ent/schema.hpp>

using namespace strata::ent;

class Pet : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override { return {edge::From("owner", "User").Ref("pets").Unique()}; }
};
STRATA_SCHEMA(Pet);
