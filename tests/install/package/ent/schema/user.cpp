#include <strata/ent/schema.hpp>

using namespace strata::ent;

class User : public Schema {
 public:
  Fields GetFields() const override {
    return {field::String("name").NotEmpty(), field::Int("age").Positive().Optional()};
  }
};
STRATA_SCHEMA(User);
