// The User entity's schema: its fields, edges and indexes.
#include <strata/ent/schema.hpp>

using namespace strata::ent;

class User : public Schema {
 public:
  Fields GetFields() const override {
    return {field::String("name").NotEmpty(), field::Int("age").Positive()};
  }

  // A user owns any number of pets (pets.user_pets references users.id).
  Edges GetEdges() const override { return {edge::To("pets", "Pet")}; }
};
STRATA_SCHEMA(User);
