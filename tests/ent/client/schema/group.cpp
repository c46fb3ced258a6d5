// Groups: the M2M inverse.
#include <strata/ent/schema.hpp>

using namespace strata::ent;

class Group : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override { return {edge::From("users", "User").Ref("groups")}; }
};
STRATA_SCHEMA(Group);
