// The edge schema of User.liked_tweets: a row per like, with its own field.
#include <chrono>
#include <strata/ent/schema.hpp>

using namespace strata::ent;

class Like : public Schema {
 public:
  Fields GetFields() const override {
    return {field::Time("liked_at").Default(std::chrono::system_clock::now), field::Int("user_id"),
            field::Int("tweet_id")};
  }
  Edges GetEdges() const override {
    return {edge::To("user", "User").Unique().Required().Field("user_id"),
            edge::To("tweet", "Tweet").Unique().Required().Field("tweet_id")};
  }
  Annotations GetAnnotations() const override { return {field::ID("user_id", "tweet_id")}; }
};
STRATA_SCHEMA(Like);
