// The integration suite's main entity: every field type and option, every kind of edge.
#include <stdexcept>
#include <strata/ent/mutation.hpp>
#include <strata/ent/schema.hpp>
#include <string>

using namespace strata::ent;

namespace {

// Counts the creates the schema hook saw, and fills "nickname" from the name when it is unset.
int creates_seen = 0;

}  // namespace

int UserCreatesSeen() { return creates_seen; }

class User : public Schema {
 public:
  Fields GetFields() const override {
    return {field::String("name").NotEmpty().MaxLen(40),
            field::Int("age").Positive().Optional().Nillable(),
            field::String("email").Unique().Optional(),
            field::String("password").Sensitive().Optional(),
            field::String("nickname").Optional(),
            field::Enum("role").Values("admin", "member", "in-review").Default("member"),
            field::Bool("active").Default(true),
            field::Float("score").Optional().Default(1.5),
            field::Float32("ratio").Optional(),
            field::Int8("level").Optional().Range(0, 10),
            field::Uint32("visits").Default(0),
            field::Int64("balance").Default(0),
            field::Text("bio").Optional(),
            field::Bytes("avatar").Optional(),
            field::UUID("token").Default(NewUUID),
            field::JSON("settings").Optional(),
            field::Time("last_seen").Optional().Nillable(),
            field::String("code").Optional().Immutable().Validate([](const std::string& v) {
              if (v.find(' ') != std::string::npos) throw std::invalid_argument("no spaces");
            })};
  }
  Edges GetEdges() const override {
    return {edge::To("pets", "Pet"),
            edge::To("card", "Card").Unique(),
            edge::To("groups", "Group"),
            edge::To("friends", "User"),
            edge::To("children", "User").From("parent").Unique(),
            edge::To("liked_tweets", "Tweet").Through("likes", "Like")};
  }
  Indexes GetIndexes() const override {
    return {index::Fields("nickname").Unique().Where("active")};
  }
  Mixins GetMixins() const override { return {mixin::Time()}; }
  Hooks GetHooks() const override {
    return {hook::On(
        [](Mutator next) {
          return [next](Mutation& m) {
            ++creates_seen;
            if (!m.Field("nickname") && m.Field("name")) {
              m.SetField("nickname", "~" + std::get<std::string>(*m.Field("name")));
            }
            next(m);
          };
        },
        Op::kCreate)};
  }
};
STRATA_SCHEMA(User);
