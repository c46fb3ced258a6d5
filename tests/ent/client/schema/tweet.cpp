// Tweets, liked by users through the Like edge schema.
#include <strata/ent/schema.hpp>

using namespace strata::ent;

class Tweet : public Schema {
 public:
  Fields GetFields() const override { return {field::Text("text")}; }
  Edges GetEdges() const override {
    return {edge::From("liked_users", "User").Ref("liked_tweets").Through("likes", "Like")};
  }
};
STRATA_SCHEMA(Tweet);
