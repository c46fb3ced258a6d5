// The conventions suite: for each case, entity schemas and the DDL ent v0.14 creates for them on
// PostgreSQL and SQLite (tests/ent/conventions/<case>/{postgres,sqlite}.sql, each statement
// annotated with where its expectation comes from). The expected DDL and strata's ToSql are each
// executed on a fresh database and inspected back; the two must be the same schema.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ent/graph/graph.hpp"
#include "strata/ent/descriptor.hpp"
#include "strata/ent/schema.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"

namespace strata::ent {
namespace {

Time Now() { return std::chrono::system_clock::now(); }

// ---- start: ent's getting-started schema (examples/start) ------------------------------------

namespace start {
class User : public Schema {
 public:
  Fields GetFields() const override {
    return {field::Int("age"), field::String("name").Default("unknown")};
  }
  Edges GetEdges() const override {
    return {edge::To("cars", "Car"), edge::From("groups", "Group").Ref("users")};
  }
};
class Car : public Schema {
 public:
  Fields GetFields() const override {
    return {field::String("model"), field::Time("registered_at")};
  }
  Edges GetEdges() const override { return {edge::From("owner", "User").Ref("cars").Unique()}; }
};
class Group : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override { return {edge::To("users", "User")}; }
};
std::vector<SchemaDescriptor> Schemas() {
  return {DescribeSchema("User", User()), DescribeSchema("Car", Car()),
          DescribeSchema("Group", Group())};
}
}  // namespace start

// ---- field_types: every field type and option ------------------------------------------------

namespace field_types {
class Sample : public Schema {
 public:
  Fields GetFields() const override {
    return {
        field::Bool("enabled").Default(true),
        field::Bool("archived").Optional(),
        field::Int("quantity").Default(-3),
        field::Int8("tiny").Default(-128),
        field::Int16("small").Optional(),
        field::Int32("medium").Default(2147483647),
        field::Int64("big").Default(9223372036854775807),
        field::Uint("u").Default(7),
        field::Uint8("u8").Default(255),
        field::Uint16("u16").Default(65535),
        field::Uint32("u32").Default(4294967295),
        field::Uint64("u64").Optional().Nillable(),
        field::Float("ratio").Default(1.5),
        field::Float("big_ratio").Default(1e6),
        field::Float("tiny_ratio").Default(0.00001),
        field::Float32("score").Default(0.1),
        field::Float("zero").Default(0),
        field::String("name").NotEmpty(),
        field::String("nick").Optional().Unique(),
        field::String("quote").Default("it's"),
        field::String("empty").Default(""),
        field::String("code").MaxLen(20),
        field::String("huge").MaxLen(std::size_t{20} << 20),
        field::Text("body").Optional(),
        field::Bytes("payload").Optional(),
        field::Bytes("raw").Default("abc"),
        field::Time("created_at").Default(Now).Immutable(),
        field::Time("deleted_at").Optional().Nillable(),
        field::UUID("token").Default(NewUUID).Unique(),
        field::JSON("meta").Optional(),
        field::JSON("tags").Default(R"(["a", "b"])"),
        field::Enum("status").Values("active", "blocked").Default("active"),
        field::Enum("level").Values("low", "high").Optional(),
        field::String("display").StorageKey("display_name"),
        field::String("email").SchemaType(
            {{"postgres", "VARCHAR(255)"}, {"sqlite", "varchar(255)"}}),
        field::Float("price").SchemaType({{"postgres", "numeric(10,2)"}}),
        field::String("secret").Sensitive().Immutable(),
        field::String("described").Comment("shown to users"),
        field::Int("camelCase").Positive(),
        field::Int("counter").DefaultFunc([] { return std::int64_t{1}; }).UpdateDefault([] {
          return std::int64_t{2};
        }),
    };
  }
};
std::vector<SchemaDescriptor> Schemas() { return {DescribeSchema("Sample", Sample())}; }
}  // namespace field_types

// ---- custom_ids: string, UUID, int32 and bigserial ids, referenced by foreign keys and join
// tables

namespace custom_ids {
class Account : public Schema {
 public:
  Fields GetFields() const override {
    return {field::String("email"),
            field::String("id").MaxLen(64).SchemaType({{"postgres", "varchar(64)"}})};
  }
  Edges GetEdges() const override { return {edge::To("sessions", "Session")}; }
};
class Session : public Schema {
 public:
  Fields GetFields() const override { return {field::UUID("id").Default(NewUUID)}; }
  Edges GetEdges() const override {
    return {edge::From("account", "Account").Ref("sessions").Unique().Required(),
            edge::To("tags", "Tag"), edge::To("gadget", "Gadget").Unique()};
  }
};
class Gadget : public Schema {
 public:
  Fields GetFields() const override {
    return {field::Int64("id").SchemaType({{"postgres", "bigserial"}})};
  }
};
class Tag : public Schema {
 public:
  Fields GetFields() const override { return {field::Int32("id"), field::String("label")}; }
  Edges GetEdges() const override { return {edge::From("sessions", "Session").Ref("tags")}; }
};
std::vector<SchemaDescriptor> Schemas() {
  return {DescribeSchema("Account", Account()), DescribeSchema("Session", Session()),
          DescribeSchema("Tag", Tag()), DescribeSchema("Gadget", Gadget())};
}
}  // namespace custom_ids

// ---- o2o: two types, self without inverse, self with inverse ---------------------------------

namespace o2o {
class User : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override {
    return {edge::To("card", "Card").Unique(), edge::To("spouse", "User").Unique()};
  }
};
class Card : public Schema {
 public:
  Fields GetFields() const override { return {field::String("number")}; }
  Edges GetEdges() const override {
    return {edge::From("owner", "User").Ref("card").Unique().Required()};
  }
};
class Node : public Schema {
 public:
  Fields GetFields() const override { return {field::Int("value")}; }
  Edges GetEdges() const override {
    return {edge::To("next", "Node").Unique().From("prev").Unique()};
  }
};
std::vector<SchemaDescriptor> Schemas() {
  return {DescribeSchema("User", User()), DescribeSchema("Card", Card()),
          DescribeSchema("Node", Node())};
}
}  // namespace o2o

// ---- o2m: with and without inverse, M2O without inverse, self both ways ---------------------

namespace o2m {
class User : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override {
    return {edge::To("pets", "Pet"), edge::To("children", "User").From("parent").Unique()};
  }
};
class Pet : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override { return {edge::From("owner", "User").Ref("pets").Unique()}; }
};
class Group : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override {
    return {edge::To("blocked", "User"), edge::To("info", "GroupInfo").Unique().Required()};
  }
};
class GroupInfo : public Schema {
 public:
  Fields GetFields() const override { return {field::String("description")}; }
};
class Category : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override {
    return {edge::To("parent", "Category").Unique().From("children")};
  }
};
std::vector<SchemaDescriptor> Schemas() {
  return {DescribeSchema("User", User()), DescribeSchema("Pet", Pet()),
          DescribeSchema("Group", Group()), DescribeSchema("GroupInfo", GroupInfo()),
          DescribeSchema("Category", Category())};
}
}  // namespace o2m

// ---- m2m: two types, self without inverse, self with inverse, storage keys ------------------

namespace m2m {
class User : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override {
    return {edge::To("groups", "Group"), edge::To("friends", "User"),
            edge::To("following", "User").From("followers")};
  }
};
class Group : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override { return {edge::From("users", "User").Ref("groups")}; }
};
class Post : public Schema {
 public:
  Fields GetFields() const override { return {field::String("title")}; }
  Edges GetEdges() const override {
    return {edge::To("tags", "Tag")
                .StorageKey(edge::Table("post_tag_links"), edge::Columns("post", "tag"),
                            edge::Symbols("links_post", "links_tag"))};
  }
};
class Tag : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override { return {edge::From("posts", "Post").Ref("tags")}; }
};
std::vector<SchemaDescriptor> Schemas() {
  return {DescribeSchema("User", User()), DescribeSchema("Group", Group()),
          DescribeSchema("Post", Post()), DescribeSchema("Tag", Tag())};
}
}  // namespace m2m

// ---- edge_schema: M2M edges Through edge schemas, with an id or a composite key -------------

namespace edge_schema {
class User : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override {
    return {edge::To("friends", "User").Through("friendships", "Friendship"),
            edge::To("liked_tweets", "Tweet").Through("likes", "TweetLike"),
            edge::To("groups", "Group").Through("joined_groups", "UserGroup")};
  }
};
class Friendship : public Schema {
 public:
  Fields GetFields() const override {
    return {field::Int("weight").Default(1), field::Time("created_at").Default(Now),
            field::Int("user_id"), field::Int("friend_id")};
  }
  Edges GetEdges() const override {
    return {edge::To("user", "User").Required().Unique().Field("user_id"),
            edge::To("friend", "User").Required().Unique().Field("friend_id")};
  }
  Indexes GetIndexes() const override { return {index::Fields("created_at")}; }
};
class Tweet : public Schema {
 public:
  Fields GetFields() const override { return {field::Text("text")}; }
  Edges GetEdges() const override {
    return {edge::From("liked_users", "User").Ref("liked_tweets").Through("likes", "TweetLike")};
  }
};
class TweetLike : public Schema {
 public:
  Annotations GetAnnotations() const override { return {field::ID("user_id", "tweet_id")}; }
  Fields GetFields() const override {
    return {field::Time("liked_at").Default(Now), field::Int("user_id"), field::Int("tweet_id")};
  }
  Edges GetEdges() const override {
    return {edge::To("tweet", "Tweet").Unique().Required().Field("tweet_id"),
            edge::To("user", "User").Unique().Required().Field("user_id")};
  }
};
class Group : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override {
    return {edge::From("users", "User").Ref("groups").Through("joined_users", "UserGroup")};
  }
};
class UserGroup : public Schema {
 public:
  Fields GetFields() const override {
    return {field::Time("joined_at").Default(Now), field::Int("user_id"), field::Int("group_id")};
  }
  Edges GetEdges() const override {
    return {edge::To("user", "User").Unique().Required().Field("user_id"),
            edge::To("group", "Group").Unique().Required().Field("group_id")};
  }
};
std::vector<SchemaDescriptor> Schemas() {
  return {DescribeSchema("User", User()),   DescribeSchema("Friendship", Friendship()),
          DescribeSchema("Tweet", Tweet()), DescribeSchema("TweetLike", TweetLike()),
          DescribeSchema("Group", Group()), DescribeSchema("UserGroup", UserGroup())};
}
}  // namespace edge_schema

// ---- mixins: mixin::Time and a user mixin with fields, an edge and an index -----------------

namespace mixins {
class Audited : public Mixin {
 public:
  Fields GetFields() const override { return {field::String("created_by").Optional()}; }
  Edges GetEdges() const override { return {edge::To("owner", "User").Unique()}; }
  Indexes GetIndexes() const override { return {index::Fields("created_by")}; }
};
class Document : public Schema {
 public:
  Mixins GetMixins() const override { return {mixin::Time(), Audited()}; }
  Fields GetFields() const override { return {field::String("title")}; }
};
class User : public Schema {
 public:
  Mixins GetMixins() const override { return {mixin::CreateTime()}; }
  Fields GetFields() const override { return {field::String("name")}; }
};
std::vector<SchemaDescriptor> Schemas() {
  return {DescribeSchema("Document", Document()), DescribeSchema("User", User())};
}
}  // namespace mixins

// ---- indexes: multi-column, unique, edge, partial, StorageKey --------------------------------

namespace indexes {
class Pet : public Schema {
 public:
  Fields GetFields() const override {
    return {field::String("name"), field::String("nickname").Optional(), field::Int("age"),
            field::Float("weight")};
  }
  Edges GetEdges() const override { return {edge::From("owner", "User").Ref("pets").Unique()}; }
  Indexes GetIndexes() const override {
    return {index::Fields("name", "age"),
            index::Fields("nickname").Unique(),
            index::Fields("name").Edges("owner"),
            index::Fields("age").Where("age > 0"),
            index::Fields("weight").StorageKey("pets_by_weight"),
            index::Edges("owner").Unique().StorageKey("one_pet_per_owner")};
  }
};
class User : public Schema {
 public:
  Fields GetFields() const override { return {field::String("email").Unique()}; }
  Edges GetEdges() const override { return {edge::To("pets", "Pet")}; }
  Indexes GetIndexes() const override { return {index::Fields("id", "email")}; }
};
std::vector<SchemaDescriptor> Schemas() {
  return {DescribeSchema("Pet", Pet()), DescribeSchema("User", User())};
}
}  // namespace indexes

// ---- annotations: table names and CHECK constraints ------------------------------------------

namespace annotations {
class Person : public Schema {
 public:
  Annotations GetAnnotations() const override {
    return {entsql::Table("people"), entsql::Check("age >= 0"),
            entsql::Checks({{"name_not_empty", "name <> ''"},
                            {"adult_or_guardian", "age >= 18 OR guardian IS NOT NULL"}})};
  }
  Fields GetFields() const override {
    return {field::String("name"), field::Int("age"), field::String("guardian").Optional()};
  }
  Edges GetEdges() const override { return {edge::To("cars", "Car")}; }
};
class Car : public Schema {
 public:
  Annotations GetAnnotations() const override {
    return {entsql::Check("length(model) > 0 AND year > 1900")};
  }
  Fields GetFields() const override { return {field::String("model"), field::Int("year")}; }
};
std::vector<SchemaDescriptor> Schemas() {
  return {DescribeSchema("Person", Person()), DescribeSchema("Car", Car())};
}
}  // namespace annotations

// ---- schemas: entsql::Schema puts tables in PostgreSQL schemas of their own -----------------

namespace schemas {
class Customer : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override { return {edge::To("invoices", "Invoice")}; }
};
class Invoice : public Schema {
 public:
  Annotations GetAnnotations() const override { return {entsql::Schema("billing")}; }
  Fields GetFields() const override { return {field::Float("amount")}; }
  Edges GetEdges() const override {
    return {edge::From("customer", "Customer").Ref("invoices").Unique().Required(),
            edge::To("items", "Item")};
  }
};
class Item : public Schema {
 public:
  Annotations GetAnnotations() const override { return {entsql::Schema("catalog")}; }
  Fields GetFields() const override { return {field::String("name").Unique()}; }
  Edges GetEdges() const override { return {edge::From("invoices", "Invoice").Ref("items")}; }
};
std::vector<SchemaDescriptor> Schemas() {
  return {DescribeSchema("Customer", Customer()), DescribeSchema("Invoice", Invoice()),
          DescribeSchema("Item", Item())};
}
}  // namespace schemas

// ---- long_names: names past the dialect's limit ----------------------------------------------

namespace long_names {
class OrganizationMembershipInvitation : public Schema {
 public:
  Fields GetFields() const override {
    return {field::String("notification_preference_identifier").Unique(),
            field::Time("invitation_acceptance_deadline_timestamp")};
  }
  Edges GetEdges() const override {
    return {edge::From("inviting_organization_administrator", "OrganizationAdministrator")
                .Ref("sent_organization_membership_invitations")
                .Unique(),
            edge::From("supervising_administrators", "OrganizationAdministrator")
                .Ref("supervised_organization_membership_invitations")};
  }
  Indexes GetIndexes() const override {
    return {index::Fields("notification_preference_identifier",
                          "invitation_acceptance_deadline_timestamp")};
  }
};
class OrganizationAdministrator : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override {
    return {
        edge::To("sent_organization_membership_invitations", "OrganizationMembershipInvitation"),
        edge::To("supervised_organization_membership_invitations",
                 "OrganizationMembershipInvitation")};
  }
};
std::vector<SchemaDescriptor> Schemas() {
  return {DescribeSchema("OrganizationMembershipInvitation", OrganizationMembershipInvitation()),
          DescribeSchema("OrganizationAdministrator", OrganizationAdministrator())};
}
}  // namespace long_names

// ---- edge_fields: Field(…) columns, edge StorageKey, OnDelete -------------------------------

namespace edge_fields {
class Car : public Schema {
 public:
  Fields GetFields() const override { return {field::String("model")}; }
  Edges GetEdges() const override {
    return {edge::To("rentals", "Rental"),
            edge::To("garage", "Garage")
                .Unique()
                .StorageKey(edge::Column("garage_ref"), edge::Symbol("car_garage_fk"))};
  }
};
class Garage : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
};
class Rental : public Schema {
 public:
  Fields GetFields() const override {
    return {field::Time("date").Default(Now), field::Int("user_id"), field::Int("car_id")};
  }
  Edges GetEdges() const override {
    return {edge::From("car", "Car").Ref("rentals").Unique().Required().Field("car_id"),
            edge::From("user", "User").Ref("rentals").Unique().Required().Field("user_id")};
  }
};
class Post : public Schema {
 public:
  Fields GetFields() const override {
    return {field::Int("author_id").Default(1).Comment("who wrote it"), field::String("title")};
  }
  Edges GetEdges() const override {
    return {edge::From("author", "User").Ref("posts").Unique().Required().Field("author_id")};
  }
};
class User : public Schema {
 public:
  Fields GetFields() const override {
    return {field::Int("parent_id").Optional(), field::String("name")};
  }
  Edges GetEdges() const override {
    return {edge::To("rentals", "Rental"), edge::To("posts", "Post").OnDelete(Action::kCascade),
            edge::To("children", "User").From("parent").Unique().Field("parent_id")};
  }
};
std::vector<SchemaDescriptor> Schemas() {
  return {DescribeSchema("Car", Car()), DescribeSchema("Garage", Garage()),
          DescribeSchema("Rental", Rental()), DescribeSchema("Post", Post()),
          DescribeSchema("User", User())};
}
}  // namespace edge_fields

// ---- composite_key: field::ID on an entity that is not an edge schema (beyond ent) ----------

namespace composite_key {
class Membership : public Schema {
 public:
  Annotations GetAnnotations() const override { return {field::ID("org", "user_id")}; }
  Fields GetFields() const override {
    return {field::String("org"), field::Int("user_id"),
            field::Enum("role").Values("member", "admin").Default("member")};
  }
  Edges GetEdges() const override {
    return {edge::To("user", "User").Unique().Required().Field("user_id")};
  }
};
class User : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
};
std::vector<SchemaDescriptor> Schemas() {
  return {DescribeSchema("Membership", Membership()), DescribeSchema("User", User())};
}
}  // namespace composite_key

// ---- the suite ------------------------------------------------------------------------------

struct Case {
  const char* name;
  std::vector<SchemaDescriptor> (*schemas)();
};

const Case kCases[] = {
    {"start", start::Schemas},
    {"field_types", field_types::Schemas},
    {"custom_ids", custom_ids::Schemas},
    {"o2o", o2o::Schemas},
    {"o2m", o2m::Schemas},
    {"m2m", m2m::Schemas},
    {"edge_schema", edge_schema::Schemas},
    {"mixins", mixins::Schemas},
    {"indexes", indexes::Schemas},
    {"annotations", annotations::Schemas},
    {"schemas", schemas::Schemas},
    {"long_names", long_names::Schemas},
    {"edge_fields", edge_fields::Schemas},
    {"composite_key", composite_key::Schemas},
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// `script` executed on a fresh database of `dialect`, inspected.
schema::Realm Materialize(Dialect dialect, const std::string& script, const std::string& name) {
  testing::TempDatabase db(dialect);
  auto conn = db.Connect();
  migrate::ExecScript(*conn, script, name);
  return migrate::Inspect(*conn);
}

// What turns `from` into `to`, as the planner writes it.
std::string Difference(Dialect dialect, const schema::Realm& from, const schema::Realm& to) {
  try {
    std::string out;
    const auto plan = migrate::PlanChanges(
        dialect, migrate::Diff(from, to, migrate::DiffOptionsFor(dialect)), {.unqualified = true});
    for (const auto& st : plan.statements) out += "  " + st.sql + ";\n";
    return out.empty() ? "  (no changes: the realms differ in what the differ does not compare)\n"
                       : out;
  } catch (const std::exception& e) {
    return std::string("  (cannot plan the difference: ") + e.what() + ")\n";
  }
}

class EntConventionsTest : public ::testing::TestWithParam<std::tuple<Case, Dialect>> {};

TEST_P(EntConventionsTest, SameSchemaAsEnt) {
  const auto& [c, dialect] = GetParam();
  const std::filesystem::path file =
      std::filesystem::path(STRATA_SOURCE_DIR) / "tests/ent" / "conventions" / c.name /
      (dialect == Dialect::kPostgres ? "postgres.sql" : "sqlite.sql");
  const schema::Realm ent = Materialize(dialect, ReadFile(file), file.string());
  const std::string sql = ToSql(BuildGraph(c.schemas()), dialect);
  const schema::Realm strata = Materialize(dialect, sql, "ToSql");
  if (ent != strata) {
    ADD_FAILURE() << "strata's tables differ from ent's (" << file.string()
                  << ").\nWhat turns ent's into strata's:\n"
                  << Difference(dialect, ent, strata) << "strata's script:\n"
                  << sql << "ent's schema:\n"
                  << schema::ToJson(ent) << "strata's schema:\n"
                  << schema::ToJson(strata);
  }
}

INSTANTIATE_TEST_SUITE_P(Ent, EntConventionsTest,
                         ::testing::Combine(::testing::ValuesIn(kCases),
                                            ::testing::Values(Dialect::kSqlite,
                                                              Dialect::kPostgres)),
                         [](const ::testing::TestParamInfo<std::tuple<Case, Dialect>>& info) {
                           return fmt::format("{}_{}", std::get<0>(info.param).name,
                                              DialectName(std::get<1>(info.param)));
                         });

}  // namespace
}  // namespace strata::ent
