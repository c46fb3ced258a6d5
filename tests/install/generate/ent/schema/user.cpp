#include <strata/ent/schema.hpp>

using namespace strata::ent;

class User : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override { return {edge::To("pets", "Pet")}; }
};
STRATA_SCHEMA(User);
