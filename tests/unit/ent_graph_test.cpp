// BuildGraph: how edges resolve (relation kinds, foreign-key placement, join tables, edge
// schemas), every validation error (each names the schema and the field, edge or index, and where
// the user declared it), and ToRealm/ToSql's schemas and scoping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ent/graph/graph.hpp"
#include "strata/ent/descriptor.hpp"
#include "strata/ent/schema.hpp"
#include "strata/error.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"

namespace strata::ent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A schema whose parts are given as values, so each test states its schemas in a few lines.
class Def : public Schema {
 public:
  Fields fields;
  Edges edges;
  Indexes indexes;
  Annotations annotations;
  Mixins mixins;
  Fields GetFields() const override { return fields; }
  Edges GetEdges() const override { return edges; }
  Indexes GetIndexes() const override { return indexes; }
  Annotations GetAnnotations() const override { return annotations; }
  Mixins GetMixins() const override { return mixins; }
};

SchemaDescriptor Describe(std::string_view name, Fields fields, Edges edges = {},
                          Indexes indexes = {}, Annotations annotations = {}) {
  Def d;
  d.fields = std::move(fields);
  d.edges = std::move(edges);
  d.indexes = std::move(indexes);
  d.annotations = std::move(annotations);
  SchemaDescriptor s = DescribeSchema(name, d);
  s.location = {"schemas/" + std::string(name) + ".cpp", 1};
  return s;
}

// The message of the InputError BuildGraph throws, or "" when it accepts the schemas.
std::string Problems(std::vector<SchemaDescriptor> schemas) {
  try {
    BuildGraph(std::move(schemas));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

SchemaDescriptor User(Edges edges = {}) { return Describe("User", {field::String("name")}, edges); }

// ---- resolution -----------------------------------------------------------------------------

TEST(EntGraphTest, ResolvesRelationKindsAndWhereForeignKeysLive) {
  const Graph g = BuildGraph({
      User({edge::To("pets", "Pet"), edge::To("spouse", "User").Unique(),
            edge::To("friends", "User"), edge::To("following", "User").From("followers"),
            edge::To("groups", "Group")}),
      Describe("Pet", {field::String("name")}, {edge::From("owner", "User").Ref("pets").Unique()}),
      Describe("Group", {}, {edge::From("members", "User").Ref("groups")}),
  });
  const Entity& user = *g.Find("User");
  EXPECT_EQ(user.table, "users");
  EXPECT_EQ(user.label, "user");
  const EntityEdge& pets = *user.FindEdge("pets");
  EXPECT_EQ(pets.relation, Relation::kO2M);
  EXPECT_EQ(pets.ref, "owner");
  EXPECT_EQ(pets.fk_entity, "Pet");
  EXPECT_EQ(pets.fk_column, "user_pets");
  const EntityEdge& owner = *g.Find("Pet")->FindEdge("owner");
  EXPECT_EQ(owner.relation, Relation::kM2O);
  EXPECT_TRUE(owner.inverse);
  EXPECT_EQ(owner.fk_column, "user_pets");
  const EntityEdge& spouse = *user.FindEdge("spouse");
  EXPECT_EQ(spouse.relation, Relation::kO2O);
  EXPECT_TRUE(spouse.bidi);
  EXPECT_EQ(spouse.fk_column, "user_spouse");
  const EntityEdge& friends = *user.FindEdge("friends");
  EXPECT_EQ(friends.relation, Relation::kM2M);
  EXPECT_TRUE(friends.bidi);
  EXPECT_EQ(friends.join_table, "user_friends");
  EXPECT_THAT(friends.join_columns, ElementsAre("user_id", "friend_id"));
  // To(…).From(…) declares the inverse first, then the assoc edge.
  ASSERT_GE(user.edges.size(), 5u);
  EXPECT_EQ(user.edges[3].name, "followers");
  EXPECT_EQ(user.edges[4].name, "following");
  EXPECT_THAT(user.FindEdge("followers")->join_columns, ElementsAre("user_id", "follower_id"));
  EXPECT_EQ(user.FindEdge("groups")->join_table, "user_groups");
  EXPECT_EQ(g.Find("Group")->FindEdge("members")->join_table, "user_groups");
  EXPECT_EQ(RelationName(g.Find("Group")->FindEdge("members")->relation), "M2M");

  ASSERT_EQ(g.Find("Pet")->foreign_keys.size(), 1u);
  const ForeignKeyColumn& fk = g.Find("Pet")->foreign_keys[0];
  EXPECT_EQ(fk.column, "user_pets");
  EXPECT_EQ(fk.symbol, "pets_users_pets");
  EXPECT_TRUE(fk.nullable);
  EXPECT_EQ(fk.on_delete, Action::kSetNull);
  ASSERT_EQ(g.join_tables.size(), 3u);
  EXPECT_EQ(g.join_tables[0].name, "user_friends");
  EXPECT_EQ(g.join_tables[1].name, "user_following");
  EXPECT_EQ(g.join_tables[2].name, "user_groups");
  EXPECT_THAT(g.join_tables[2].symbols, ElementsAre("user_groups_user_id", "user_groups_group_id"));
}

TEST(EntGraphTest, IdsAndCompositeKeys) {
  const Graph g = BuildGraph({
      Describe("Account", {field::String("email"), field::String("id")}),
      Describe("Like", {field::Int("a"), field::Int("b")}, {}, {}, {field::ID("b", "a")}),
      User(),
  });
  const Entity& account = *g.Find("Account");
  ASSERT_TRUE(account.id);
  EXPECT_EQ(account.id->type, FieldType::kString);
  EXPECT_FALSE(account.id->increment);
  ASSERT_EQ(account.fields.size(), 1u);  // the id is not among the fields
  EXPECT_FALSE(g.Find("Like")->id);
  EXPECT_THAT(g.Find("Like")->primary_key, ElementsAre("b", "a"));
  ASSERT_TRUE(g.Find("User")->id);
  EXPECT_EQ(g.Find("User")->id->type, FieldType::kInt);
  EXPECT_TRUE(g.Find("User")->id->increment);
  EXPECT_FALSE(g.Find("User")->id->field);
}

TEST(EntGraphTest, ThroughAddsTheEdgeToTheEdgeSchemaAfterTheM2MEdge) {
  const Graph g = BuildGraph({
      User({edge::To("friends", "User").Through("friendships", "Friendship"),
            edge::To("pets", "Pet")}),
      Describe("Friendship", {field::Int("user_id"), field::Int("friend_id")},
               {edge::To("user", "User").Unique().Required().Field("user_id"),
                edge::To("friend", "User").Unique().Required().Field("friend_id")}),
      Describe("Pet", {}),
  });
  const Entity& user = *g.Find("User");
  ASSERT_EQ(user.edges.size(), 3u);
  EXPECT_EQ(user.edges[1].name, "friendships");
  EXPECT_EQ(user.edges[1].type, "Friendship");
  EXPECT_EQ(user.edges[1].through_edge, "friends");
  EXPECT_EQ(user.edges[1].fk_column, "user_id");
  EXPECT_EQ(user.edges[0].through_type, "Friendship");
  EXPECT_EQ(user.edges[0].join_table, "");
  EXPECT_TRUE(g.join_tables.empty());
  const Entity& friendship = *g.Find("Friendship");
  EXPECT_EQ(friendship.edge_schema_for, "User.friends");
  ASSERT_EQ(friendship.indexes.size(), 1u);
  EXPECT_EQ(friendship.indexes[0].name, "friendship_user_id_friend_id");
  EXPECT_TRUE(friendship.indexes[0].unique);
  EXPECT_EQ(friendship.FindField("user_id")->edge, "user");
}

// ---- validation -----------------------------------------------------------------------------

TEST(EntGraphTest, ReportsEveryProblemAtOnceWithTheUsersFileAndLine) {
  const std::string message = Problems({
      User({edge::To("pets", "Pett")}),
      Describe("Pet", {field::Int8("age").Default(300)},
               {edge::From("owner", "User").Ref("animals").Unique()}),
  });
  EXPECT_THAT(message, HasSubstr("invalid entity schemas (3 problems):"));
  EXPECT_THAT(message, HasSubstr("ent_graph_test.cpp:"));
  EXPECT_THAT(message, HasSubstr("schema User, edge \"pets\": its type \"Pett\" is not a schema "
                                 "(the schemas are: Pet, User)"));
  EXPECT_THAT(
      message,
      HasSubstr("schema Pet, field \"age\": default 300 is out of range for int8 (-128..127)"));
  EXPECT_THAT(message, HasSubstr("schema Pet, edge \"owner\": Ref(\"animals\") names no edge of "
                                 "User (its edge::To edges: \"pets\")"));
}

TEST(EntGraphTest, SchemaNames) {
  EXPECT_THAT(Problems({Describe("", {})}),
              HasSubstr("schema \"\": a schema name must be an identifier"));
  EXPECT_THAT(Problems({Describe("Bad Name", {})}), HasSubstr("must be an identifier"));
  EXPECT_THAT(Problems({User(), User()}),
              HasSubstr("schemas/User.cpp:1: schema User: declared twice"));
}

TEST(EntGraphTest, FieldNames) {
  EXPECT_THAT(Problems({Describe("User", {field::String("")})}),
              HasSubstr("schema User, field \"\": a field name cannot be empty"));
  const std::string twice =
      Problems({Describe("User", {field::String("name"), field::Int("name")})});
  EXPECT_THAT(twice, HasSubstr("schema User, field \"name\": declared twice (first at "));
  EXPECT_THAT(Problems({Describe("User", {field::String("pets")}, {edge::To("pets", "User")})}),
              HasSubstr("schema User, edge \"pets\": a field has the same name"));
}

TEST(EntGraphTest, FieldsFromMixinsCountForDuplicates) {
  Def d;
  d.mixins = {mixin::Time()};
  d.fields = {field::Time("create_time")};
  EXPECT_THAT(Problems({DescribeSchema("Doc", d)}),
              HasSubstr("schema Doc, field \"create_time\": declared twice"));
}

TEST(EntGraphTest, DefaultsOfTheWrongTypeOrOutOfRange) {
  auto problems = [](Fields fields) { return Problems({Describe("T", std::move(fields))}); };
  EXPECT_THAT(problems({field::Int8("a").Default(300)}),
              HasSubstr("field \"a\": default 300 is out of range for int8 (-128..127)"));
  EXPECT_THAT(problems({field::Int16("a").Default(-40000)}),
              HasSubstr("default -40000 is out of range for int16"));
  EXPECT_THAT(problems({field::Int32("a").Default(std::int64_t{1} << 31)}),
              HasSubstr("out of range for int32"));
  EXPECT_THAT(problems({field::Uint8("a").Default(static_cast<std::uint64_t>(-1))}),
              HasSubstr("default 18446744073709551615 is out of range for uint8 (0..255)"));
  EXPECT_THAT(problems({field::Uint16("a").Default(65536)}), HasSubstr("out of range for uint16"));
  EXPECT_THAT(problems({field::Uint32("a").Default(std::uint64_t{1} << 32)}),
              HasSubstr("out of range for uint32"));
  EXPECT_THAT(problems({field::Uint64("a").Default(std::uint64_t{1} << 63)}),
              HasSubstr("its column is a signed 64-bit integer"));
  EXPECT_THAT(problems({field::Float32("a").Default(1e39)}),
              HasSubstr("is out of range for float32"));
  EXPECT_THAT(problems({field::Float("a").Default(std::nan(""))}),
              HasSubstr("its default must be a finite number"));
  EXPECT_EQ(problems({field::Int8("a").Default(-128), field::Uint8("b").Default(255),
                      field::Uint64("c").Default(9223372036854775807ULL)}),
            "");
  // Loaded schemas may carry any value: the type must match the field's.
  SchemaDescriptor s = Describe("T", {field::Int("n"), field::Time("t"), field::Bool("b")});
  s.fields[0].default_value = Value(true);
  s.fields[1].default_value = Value(std::string("now"));
  s.fields[2].default_value = Value(std::int64_t{1});
  const std::string message = Problems({s});
  EXPECT_THAT(message, HasSubstr("field \"n\": its default is a bool value, but the field is int"));
  EXPECT_THAT(message, HasSubstr("field \"t\": a time field cannot have a literal default"));
  EXPECT_THAT(message, HasSubstr("field \"b\": its default is a int value, but the field is bool"));
}

TEST(EntGraphTest, EnumsAndJson) {
  auto problems = [](Fields fields) { return Problems({Describe("T", std::move(fields))}); };
  EXPECT_THAT(problems({field::Enum("status")}),
              HasSubstr("field \"status\": an enum needs values: list them with Values"));
  EXPECT_THAT(problems({field::Enum("status").Values("a", "a")}),
              HasSubstr("field \"status\": enum value \"a\" is listed twice"));
  EXPECT_THAT(problems({field::Enum("status").Values("a", "")}),
              HasSubstr("field \"status\": an enum value cannot be empty"));
  EXPECT_THAT(problems({field::Enum("status").Values("a", "b").Default("c")}),
              HasSubstr("field \"status\": default \"c\" is not one of its values (\"a\", \"b\")"));
  EXPECT_THAT(problems({field::JSON("meta").Default("{oops")}),
              HasSubstr("field \"meta\": default {oops is not valid JSON"));
  EXPECT_THAT(problems({field::String("code").Unique().Default("x")}),
              HasSubstr("field \"code\": a Unique field cannot have a default value"));
  EXPECT_THAT(problems({field::String("s").SchemaType({{"mysql", "text"}})}),
              HasSubstr("SchemaType names dialect \"mysql\": use \"postgres\" or \"sqlite\""));
}

TEST(EntGraphTest, Ids) {
  EXPECT_THAT(Problems({Describe("T", {field::Int("id").Optional()})}),
              HasSubstr("schema T, field \"id\": the id field cannot be Optional"));
  EXPECT_THAT(Problems({Describe("T", {field::Bool("id")})}),
              HasSubstr("field \"id\": a bool field cannot be the id"));
  EXPECT_THAT(Problems({Describe("T", {field::Int("a")}, {}, {}, {field::ID("a", "b")})}),
              HasSubstr("schema T: field::ID names \"b\", which is not a field of T"));
  EXPECT_THAT(Problems({Describe("T", {field::Int("a")}, {}, {}, {field::ID("a", "a")})}),
              HasSubstr("field::ID lists \"a\" twice"));
  EXPECT_THAT(Problems({Describe("T", {field::Int("a").Optional(), field::Int("b")}, {}, {},
                                 {field::ID("a", "b")})}),
              HasSubstr("field \"a\": a primary-key field (field::ID) cannot be Optional"));
  // Foreign keys reference single-column ids.
  EXPECT_THAT(Problems({User({edge::To("like", "Like").Unique()}),
                        Describe("Like", {field::Int("a"), field::Int("b")}, {}, {},
                                 {field::ID("a", "b")})}),
              HasSubstr("schema User, edge \"like\": Like has a composite primary key"));
  // A table with a composite key may hold foreign keys.
  EXPECT_EQ(Problems({User({edge::To("likes", "Like")}),
                      Describe("Like", {field::Int("a"), field::Int("b")}, {}, {},
                               {field::ID("a", "b")})}),
            "");
}

TEST(EntGraphTest, Edges) {
  EXPECT_THAT(Problems({User({edge::To("", "User")})}),
              HasSubstr("edge \"\": an edge name cannot be empty"));
  EXPECT_THAT(Problems({User({edge::To("pets", "User"), edge::To("pets", "User")})}),
              HasSubstr("schema User, edge \"pets\": declared twice"));
  EXPECT_THAT(
      Problems({User({edge::From("owner", "User")})}),
      HasSubstr("edge \"owner\": an edge::From needs Ref(\"…\") naming the edge::To of User"));
  EXPECT_THAT(Problems({User({edge::To("pets", "Pet")}),
                        Describe("Pet", {}, {edge::From("owner", "User").Ref("animals")})}),
              HasSubstr("schema Pet, edge \"owner\": Ref(\"animals\") names no edge of User"));
  EXPECT_THAT(Problems({User({edge::From("pets", "Pet").Ref("owner")}),
                        Describe("Pet", {}, {edge::From("owner", "User").Ref("pets")})}),
              HasSubstr("Ref(\"pets\") names an edge::From of User"));
  EXPECT_THAT(Problems({User({edge::To("pets", "Car")}), Describe("Car", {}),
                        Describe("Pet", {}, {edge::From("owner", "User").Ref("pets")})}),
              HasSubstr("schema Pet, edge \"owner\": Ref(\"pets\") names User.pets, which points "
                        "at Car, not at Pet"));
  EXPECT_THAT(Problems({User({edge::To("pets", "Pet")}),
                        Describe("Pet", {},
                                 {edge::From("owner", "User").Ref("pets").Unique(),
                                  edge::From("keeper", "User").Ref("pets").Unique()})}),
              HasSubstr("edge \"keeper\": User.pets is already inverted by Pet.owner"));
  EXPECT_THAT(Problems({User({edge::To("card", "Card").Unique().Required()}),
                        Describe("Card", {},
                                 {edge::From("owner", "User").Ref("card").Unique().Required()})}),
              HasSubstr("edges cannot be Required in both directions: User.card <-> Card.owner"));
  EXPECT_THAT(Problems({User({edge::To("pets", "Pet").From("owner")}), Describe("Pet", {})}),
              HasSubstr("declares both edges on User, so it must point at User"));
  EXPECT_THAT(Problems({User({edge::To("users", "User")})}),
              HasSubstr("edge \"users\": both columns of its join table are named \"user_id\""));
}

TEST(EntGraphTest, OnDeleteOnlyWhereItTakesEffect) {
  EXPECT_THAT(
      Problems(
          {User({edge::To("pets", "Pet")}),
           Describe(
               "Pet", {},
               {edge::From("owner", "User").Ref("pets").Unique().OnDelete(Action::kCascade)})}),
      HasSubstr("edge \"owner\": OnDelete belongs on the edge::To \"pets\" of User"));
  EXPECT_THAT(Problems({User({edge::To("groups", "Group").OnDelete(Action::kCascade)}),
                        Describe("Group", {}, {edge::From("users", "User").Ref("groups")})}),
              HasSubstr("edge \"groups\": OnDelete has no effect on an M2M edge"));
}

TEST(EntGraphTest, EdgeStorageKeys) {
  EXPECT_THAT(
      Problems({User({edge::To("pets", "Pet").StorageKey(edge::Table("t"))}), Describe("Pet", {})}),
      HasSubstr("edge \"pets\": StorageKey(edge::Table(…)) is for M2M edges only (this "
                "one is O2M)"));
  EXPECT_THAT(Problems({User({edge::To("pets", "Pet").StorageKey(edge::Columns("a", "b"))}),
                        Describe("Pet", {})}),
              HasSubstr("an O2M edge has one foreign-key column"));
  EXPECT_THAT(Problems({User({edge::To("friends", "User").StorageKey(edge::Column("a"))})}),
              HasSubstr("an M2M edge has two join columns"));
  EXPECT_THAT(
      Problems(
          {User({edge::To("pets", "Pet").StorageKey(edge::Column("a"))}),
           Describe(
               "Pet", {},
               {edge::From("owner", "User").Ref("pets").Unique().StorageKey(edge::Column("b"))})}),
      HasSubstr("edge \"owner\": both it and User.pets have a StorageKey"));
  EXPECT_THAT(Problems({User({edge::To("pets", "Pet").StorageKey(edge::Symbol("fk")),
                              edge::To("cars", "Pet").StorageKey(edge::Symbol("fk"))}),
                        Describe("Pet", {})}),
              HasSubstr("schema User, edge \"cars\": foreign-key name \"fk\" is also used in "
                        "table \"pets\""));
}

TEST(EntGraphTest, EdgeFields) {
  auto pet = [](Fields fields, EdgeBuilder owner) {
    return std::vector<SchemaDescriptor>{User({edge::To("pets", "Pet")}),
                                         Describe("Pet", std::move(fields), {owner})};
  };
  auto owner = [] { return edge::From("owner", "User").Ref("pets").Unique(); };
  EXPECT_EQ(Problems(pet({field::Int("owner_id").Optional()}, owner().Field("owner_id"))), "");
  EXPECT_THAT(Problems(pet({}, owner().Field("owner_id"))),
              HasSubstr("schema Pet, edge \"owner\": Field(\"owner_id\") names no field of Pet"));
  EXPECT_THAT(Problems(pet({field::String("owner_id").Optional()}, owner().Field("owner_id"))),
              HasSubstr("edge field \"owner_id\" is a string field, but the id of User it "
                        "references is int"));
  EXPECT_THAT(Problems(pet({field::Int64("owner_id").Optional()}, owner().Field("owner_id"))),
              HasSubstr("is a int64 field, but the id of User it references is int"));
  EXPECT_THAT(Problems(pet({field::Int("owner_id")}, owner().Field("owner_id"))),
              HasSubstr("edge field \"owner_id\" is not Optional but the edge is not Required"));
  EXPECT_THAT(
      Problems(pet({field::Int("owner_id").Optional()}, owner().Required().Field("owner_id"))),
      HasSubstr("edge field \"owner_id\" is Optional but the edge is Required"));
  EXPECT_THAT(
      Problems(pet({field::Int("owner_id").Optional().Immutable()}, owner().Field("owner_id"))),
      HasSubstr("edge field \"owner_id\" is Immutable but the edge is not"));
  EXPECT_THAT(
      Problems(pet({field::Int("owner_id").Optional().Unique()}, owner().Field("owner_id"))),
      HasSubstr("edge field \"owner_id\" is Unique, which an M2O relation cannot be"));
  // The foreign key is in pets: User's edge cannot name it.
  EXPECT_THAT(
      Problems({Describe("User", {field::Int("pet_id")}, {edge::To("pets", "Pet").Field("pet_id")}),
                Describe("Pet", {})}),
      HasSubstr("edge \"pets\": Field(\"pet_id\") names a column of this schema, but the "
                "foreign key is in table pets"));
  EXPECT_THAT(Problems({User({edge::To("pets", "Pet").Field("x")}),
                        Describe("Pet", {field::Int("x").Optional()}, {owner()})}),
              HasSubstr("schema User, edge \"pets\": Field(\"x\") belongs on Pet.owner"));
}

TEST(EntGraphTest, EdgeSchemas) {
  auto friendship = [](Edges edges, Annotations annotations = {}) {
    return Describe("Friendship", {field::Int("user_id"), field::Int("friend_id")},
                    std::move(edges), {}, std::move(annotations));
  };
  auto friends = [] {
    return User({edge::To("friends", "User").Through("friendships", "Friendship")});
  };
  auto user_edge = [] { return edge::To("user", "User").Unique().Required().Field("user_id"); };
  auto friend_edge = [] {
    return edge::To("friend", "User").Unique().Required().Field("friend_id");
  };
  EXPECT_EQ(Problems({friends(), friendship({user_edge(), friend_edge()})}), "");
  EXPECT_THAT(Problems({friends(), friendship({user_edge()})}),
              HasSubstr("schema User, edge \"friends\": its edge schema Friendship needs an edge "
                        "to User that holds column \"friend_id\""));
  EXPECT_THAT(
      Problems({friends(),
                friendship({user_edge(), edge::To("friend", "User").Unique().Field("friend_id")})}),
      HasSubstr("schema Friendship, edge \"friend\": the edge schema's edge holding "
                "\"friend_id\" must be Required"));
  EXPECT_THAT(Problems({friends(), friendship({user_edge(), friend_edge()},
                                              {field::ID("friend_id", "user_id")})}),
              HasSubstr("schema Friendship: an edge schema's primary key is its id or "
                        "field::ID(\"user_id\", \"friend_id\"), in that order"));
  EXPECT_THAT(
      Problems({User({edge::To("pets", "Pet").Through("x", "Pet")}), Describe("Pet", {})}),
      HasSubstr("edge \"pets\": Through is allowed only on M2M edges, but this one is O2M"));
  EXPECT_THAT(Problems({User({edge::To("friends", "User").Through("x", "Nope")})}),
              HasSubstr("Through(…, \"Nope\"): Nope is not a schema"));
  EXPECT_THAT(Problems({User({edge::To("friends", "User").Through("name", "Friendship")}),
                        friendship({user_edge(), friend_edge()})}),
              HasSubstr("Through(\"name\", …): User already has a field or edge named \"name\""));
  EXPECT_THAT(
      Problems({User({edge::To("friends", "User").Through("links", "Friendship"),
                      edge::To("groups", "Group").Through("links", "UserGroup")}),
                friendship({user_edge(), friend_edge()}),
                Describe("Group", {}, {edge::From("users", "User").Ref("groups")}),
                Describe("UserGroup", {field::Int("user_id"), field::Int("group_id")},
                         {user_edge(),
                          edge::To("group", "Group").Unique().Required().Field("group_id")})}),
      HasSubstr("edge \"groups\": Through(\"links\", …): User already has a field or edge named "
                "\"links\""));
}

TEST(EntGraphTest, Indexes) {
  auto pet = [](Indexes indexes) {
    return std::vector<SchemaDescriptor>{
        User({edge::To("pets", "Pet"), edge::To("card", "Card").Unique()}), Describe("Card", {}),
        Describe("Pet", {field::String("name")}, {edge::From("owner", "User").Ref("pets").Unique()},
                 std::move(indexes))};
  };
  EXPECT_EQ(Problems(pet({index::Fields("name").Edges("owner")})), "");
  EXPECT_THAT(Problems(pet({index::Fields("nme")})),
              HasSubstr("schema Pet, index (nme): \"nme\" is not a field of Pet"));
  EXPECT_THAT(Problems(pet({index::Fields("name").Edges("keeper")})),
              HasSubstr("schema Pet, index (name, edge keeper): \"keeper\" is not an edge of Pet"));
  EXPECT_THAT(Problems(pet({IndexBuilder()})), HasSubstr("an index needs fields or edges"));
  const std::vector<SchemaDescriptor> user_indexes = {
      User({edge::To("pets", "Pet"), edge::To("spouse", "User").Unique()}), Describe("Pet", {})};
  auto with = [&](Indexes indexes) {
    auto schemas = user_indexes;
    for (const Index& i : indexes) schemas[0].indexes.push_back(i.Descriptor());
    return Problems(schemas);
  };
  EXPECT_THAT(with({index::Edges("pets")}),
              HasSubstr("edge \"pets\" is O2M, so User's table holds no foreign key for it"));
  EXPECT_THAT(with({index::Edges("spouse")}),
              HasSubstr("edge \"spouse\" is the edge::To of an O2O relation"));
  EXPECT_THAT(
      Problems({Describe("A", {field::String("x")}, {}, {index::Fields("x").StorageKey("i")}),
                Describe("B", {field::String("x")}, {}, {index::Fields("x").StorageKey("i")})}),
      HasSubstr("schema B: index name \"i\" is also used by A"));
}

TEST(EntGraphTest, Tables) {
  EXPECT_THAT(Problems({Describe("Person", {}, {}, {}, {entsql::Table("users")}), User()}),
              HasSubstr("schema User: table \"users\" is also the table of schema Person"));
  // A join table counts too.
  EXPECT_THAT(Problems({User({edge::To("groups", "Group")}),
                        Describe("Group", {}, {edge::From("users", "User").Ref("groups")}),
                        Describe("Membership", {}, {}, {}, {entsql::Table("user_groups")})}),
              HasSubstr("schema User, edge \"groups\", its join table: table \"user_groups\" is "
                        "also the table of schema Membership"));
  // Also in different PostgreSQL schemas: SQLite has one.
  EXPECT_THAT(
      Problems(
          {Describe("Person", {}, {}, {}, {entsql::Table("users"), entsql::Schema("hr")}), User()}),
      HasSubstr("table \"users\" is also the table of schema Person"));
  EXPECT_THAT(Problems({Describe("T", {field::Int("age")}, {}, {},
                                 {entsql::Checks({{"c", "age > 0"}, {"c", "age < 9"}})})}),
              HasSubstr("schema T: CHECK constraint \"c\" is declared twice"));
}

// ---- realms and scripts ---------------------------------------------------------------------

TEST(EntGraphTest, RealmsAreScopedUnlessEntitiesHaveSchemasOfTheirOwn) {
  const Graph plain = BuildGraph({User()});
  const schema::Realm pg = ToRealm(plain, Dialect::kPostgres);
  EXPECT_TRUE(pg.scoped);
  ASSERT_EQ(pg.schemas.size(), 1u);
  EXPECT_EQ(pg.schemas[0].name, "public");
  const schema::Realm sqlite = ToRealm(plain, Dialect::kSqlite);
  EXPECT_TRUE(sqlite.scoped);
  EXPECT_EQ(sqlite.schemas[0].name, "main");
  EXPECT_THAT(ToSql(plain, Dialect::kPostgres), HasSubstr("CREATE TABLE \"users\" ("));

  const Graph placed = BuildGraph({User(), Describe("Pet", {}, {}, {}, {entsql::Schema("zoo")})});
  const schema::Realm mixed = ToRealm(placed, Dialect::kPostgres);
  EXPECT_FALSE(mixed.scoped);
  ASSERT_EQ(mixed.schemas.size(), 2u);
  EXPECT_EQ(mixed.schemas[0].name, "public");
  EXPECT_EQ(mixed.schemas[1].name, "zoo");
  const std::string sql = ToSql(placed, Dialect::kPostgres);
  EXPECT_THAT(sql, HasSubstr("CREATE SCHEMA \"zoo\""));
  EXPECT_THAT(sql, HasSubstr("CREATE TABLE \"zoo\".\"pets\" ("));
  EXPECT_THAT(sql, HasSubstr("CREATE TABLE \"users\" ("));
  // SQLite has one schema: the annotation changes nothing there.
  EXPECT_TRUE(ToRealm(placed, Dialect::kSqlite).scoped);
}

TEST(EntGraphTest, HostileNamesAreQuoted) {
  const Graph g = BuildGraph({Describe(
      "User", {field::String("na\"me").Default("it's"), field::Int("x").StorageKey("a b; DROP")},
      {}, {index::Fields("x").StorageKey("i\"x")})});
  for (Dialect d : {Dialect::kPostgres, Dialect::kSqlite}) {
    const std::string sql = ToSql(g, d);
    EXPECT_THAT(sql, HasSubstr("\"na\"\"me\""));
    EXPECT_THAT(sql, HasSubstr("'it''s'"));
    EXPECT_THAT(sql, HasSubstr("\"a b; DROP\""));
    EXPECT_THAT(sql, HasSubstr("\"i\"\"x\""));
  }
  // …and the script runs.
  auto conn = Connect("sqlite://:memory:");
  migrate::ExecScript(*conn, ToSql(g, Dialect::kSqlite), "ToSql");
  const schema::Realm realm = migrate::Inspect(*conn);
  ASSERT_NE(realm.schemas[0].FindTable("users"), nullptr);
  EXPECT_NE(realm.schemas[0].FindTable("users")->FindColumn("na\"me"), nullptr);
}

TEST(EntGraphTest, ScriptsGoWhereTheSearchPathPoints) {
  testing::TempDatabase db(Dialect::kPostgres, "app");
  auto conn = db.Connect();
  conn->Exec("CREATE SCHEMA app");
  const Graph g =
      BuildGraph({User({edge::To("pets", "Pet")}),
                  Describe("Pet", {}, {edge::From("owner", "User").Ref("pets").Unique()})});
  migrate::ExecScript(*conn, ToSql(g, Dialect::kPostgres), "ToSql");
  const auto rows = conn->Query(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN "
      "('pg_catalog', 'information_schema') ORDER BY table_name");
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(*rows.rows[0][0], "app");
  EXPECT_EQ(*rows.rows[0][1], "pets");
  EXPECT_EQ(*rows.rows[1][0], "app");
}

}  // namespace
}  // namespace strata::ent
