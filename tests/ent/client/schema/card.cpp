// Cards: the O2O inverse, required.
#include <strata/ent/schema.hpp>

using namespace strata::ent;

class Card : public Schema {
 public:
  Fields GetFields() const override { return {field::String("number")}; }
  Edges GetEdges() const override {
    return {edge::From("owner", "User").Ref("card").Unique().Required()};
  }
};
STRATA_SCHEMA(Card);
