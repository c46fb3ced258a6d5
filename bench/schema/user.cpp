// client_bench's users: two plain fields and the pets they own (bench/client_bench.cpp).
#include <strata/ent/schema.hpp>

using namespace strata::ent;

class User : public Schema {
 public:
  Fields GetFields() const override {
    return {field::String("name"), field::Int("age").Optional().Nillable()};
  }
  Edges GetEdges() const override { return {edge::To("pets", "Pet")}; }
};
STRATA_SCHEMA(User);
