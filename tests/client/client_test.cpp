// The generated client of tests/ent/client/schema against real PostgreSQL and SQLite: every
// generated method, its errors, eager loading in one query per edge level, transactions, hooks.
// This binary links the client's run time and the driver only (no planner): what a service links.
#include "ent/client.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "support/databases.hpp"

int UserCreatesSeen();  // tests/ent/client/schema/user.cpp

namespace {

using strata::Dialect;
using strata::testing::RunCommand;
using strata::testing::TempDatabase;
using ::testing::HasSubstr;

// Creates the schema's tables in `db` the way a user would, with `strata schema apply`.
void ApplySchema(const TempDatabase& db, Dialect dialect) {
  std::optional<TempDatabase> dev;
  if (dialect == Dialect::kPostgres) dev.emplace(Dialect::kPostgres);
  std::string output;
  const std::string command = std::string(STRATA_CLI) + " schema apply --auto-approve --url '" +
                              db.url() + "' --to 'ent://" + STRATA_CLIENT_SCHEMA + "' --dev-url '" +
                              (dev ? dev->url() : "sqlite://:memory:") + "'";
  ASSERT_EQ(RunCommand(command, &output), 0) << output;
}

class ClientTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TempDatabase>(GetParam());
    ApplySchema(*db_, GetParam());
    client_ = std::make_unique<ent::Client>(strata::Open(db_->url()));
  }

  // A client logging into `statements_`.
  ent::Client Logged() {
    return client_->Debug([this](std::string_view line) { statements_.emplace_back(line); });
  }

  ent::User NewUser(const std::string& name, int age) {
    return client_->User.Create().SetName(name).SetAge(age).Save();
  }

  std::unique_ptr<TempDatabase> db_;
  std::unique_ptr<ent::Client> client_;
  std::vector<std::string> statements_;
};

TEST_P(ClientTest, CreateFillsDefaultsAndGetReadsEveryField) {
  const strata::UUID token = strata::UUID::Parse("123e4567-e89b-12d3-a456-426614174000");
  const strata::Time seen = strata::Time(std::chrono::microseconds(1700000000123456));
  ent::User u = client_->User.Create()
                    .SetName("a8m")
                    .SetAge(30)
                    .SetEmail("a@x.io")
                    .SetPassword("hunter2")
                    .SetRatio(0.25f)
                    .SetLevel(3)
                    .SetBio("long text")
                    .SetAvatar(strata::Bytes{0, 1, 2, 255})
                    .SetToken(token)
                    .SetSettings(R"({"theme":"dark"})")
                    .SetLastSeen(seen)
                    .SetRole(ent::user::Role::kInReview)
                    .Save();
  EXPECT_GT(u.id, 0);
  EXPECT_EQ(u.name, "a8m");
  ASSERT_TRUE(u.age.has_value());
  EXPECT_EQ(*u.age, 30);
  EXPECT_EQ(u.role, ent::user::Role::kInReview);
  EXPECT_TRUE(u.active);           // Default(true)
  EXPECT_DOUBLE_EQ(u.score, 1.5);  // Default(1.5)
  EXPECT_EQ(u.visits, 0u);
  EXPECT_EQ(u.nickname, "~a8m");  // the schema's hook
  EXPECT_NE(u.create_time, strata::Time{});

  const ent::User got = client_->User.Get(u.id);
  EXPECT_EQ(got.email, "a@x.io");
  EXPECT_EQ(got.password, "hunter2");
  EXPECT_FLOAT_EQ(got.ratio, 0.25f);
  EXPECT_EQ(got.level, 3);
  EXPECT_EQ(got.bio, "long text");
  EXPECT_EQ(got.avatar, (strata::Bytes{0, 1, 2, 255}));
  EXPECT_EQ(got.token, token);
  EXPECT_THAT(got.settings, HasSubstr("dark"));
  ASSERT_TRUE(got.last_seen.has_value());
  EXPECT_EQ(*got.last_seen, seen);
  EXPECT_EQ(got.role, ent::user::Role::kInReview);
  EXPECT_EQ(got.create_time, u.create_time);

  const std::string text = got.String();
  EXPECT_THAT(text, HasSubstr("name=a8m"));
  EXPECT_THAT(text, HasSubstr("password=<sensitive>"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("hunter2")));
}

TEST_P(ClientTest, ValidatorsAndRequiredFieldsFailBeforeAnySql) {
  ent::Client logged = Logged();
  const auto field_of = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const strata::ValidationError& e) {
      return e.entity + "." + e.field;
    }
    return std::string("no error");
  };
  EXPECT_EQ(field_of([&] { logged.User.Create().SetName("").Save(); }), "User.name");
  EXPECT_EQ(field_of([&] { logged.User.Create().SetName(std::string(41, 'x')).Save(); }),
            "User.name");
  EXPECT_EQ(field_of([&] { logged.User.Create().SetName("a").SetAge(-1).Save(); }), "User.age");
  EXPECT_EQ(field_of([&] { logged.User.Create().SetName("a").SetLevel(11).Save(); }), "User.level");
  EXPECT_EQ(field_of([&] { logged.User.Create().SetName("a").SetCode("a b").Save(); }),
            "User.code");
  EXPECT_EQ(field_of([&] { logged.User.Create().Save(); }), "User.name");
  EXPECT_EQ(field_of([&] { logged.Card.Create().SetNumber("1").Save(); }), "Card.owner");
  EXPECT_TRUE(statements_.empty()) << statements_.front();
  const ent::User u = NewUser("b", 2);
  EXPECT_EQ(field_of([&] { logged.User.UpdateOneID(u.id).SetAge(0).Save(); }), "User.age");
  EXPECT_TRUE(statements_.empty());
}

TEST_P(ClientTest, ConstraintErrorsNameTheirKind) {
  client_->User.Create().SetName("a").SetEmail("same@x.io").Save();
  try {
    client_->User.Create().SetName("b").SetEmail("same@x.io").Save();
    FAIL() << "a duplicate email was accepted";
  } catch (const strata::ConstraintError& e) {
    EXPECT_EQ(e.kind, strata::ConstraintError::Kind::kUnique);
    EXPECT_THAT(e.what(), HasSubstr("User"));
    EXPECT_FALSE(e.constraint.empty());
  }
  try {
    client_->Pet.Create().SetName("ghost").SetOwnerID(999999).Save();
    FAIL() << "a pet of a missing owner was accepted";
  } catch (const strata::ConstraintError& e) {
    EXPECT_EQ(e.kind, strata::ConstraintError::Kind::kForeignKey);
  }
}

TEST_P(ClientTest, PredicatesOrderingAndPaging) {
  for (const auto& [name, age] : std::vector<std::pair<std::string, int>>{
           {"alice", 31}, {"bob", 25}, {"Carol", 40}, {"dave", 18}, {"a_b%", 50}}) {
    NewUser(name, age);
  }
  client_->User.Create().SetName("eve").Save();  // no age
  namespace u = ent::user;
  const auto names = [](const std::vector<ent::User>& users) {
    std::vector<std::string> out;
    for (const auto& x : users) out.push_back(x.name);
    return out;
  };
  using ::testing::ElementsAre;
  using ::testing::UnorderedElementsAre;
  auto q = [&] { return client_->User.Query(); };
  EXPECT_THAT(names(q().Where(u::NameEQ("bob")).All()), ElementsAre("bob"));
  EXPECT_THAT(names(q().Where(u::Name("bob")).All()), ElementsAre("bob"));
  EXPECT_EQ(q().Where(u::NameNEQ("bob")).Count(), 5);
  EXPECT_THAT(names(q().Where(u::NameIn("bob", "dave")).Order(u::ByName()).All()),
              ElementsAre("bob", "dave"));
  EXPECT_EQ(q().Where(u::NameNotIn(std::vector<std::string>{"bob", "dave"})).Count(), 4);
  EXPECT_THAT(names(q().Where(u::AgeGT(31)).Order(u::ByAge()).All()), ElementsAre("Carol", "a_b%"));
  EXPECT_EQ(q().Where(u::AgeGTE(31)).Count(), 3);
  EXPECT_EQ(q().Where(u::AgeLT(25)).Count(), 1);
  EXPECT_EQ(q().Where(u::AgeLTE(25)).Count(), 2);
  EXPECT_THAT(names(q().Where(u::NameContains("li")).All()), ElementsAre("alice"));
  EXPECT_THAT(names(q().Where(u::NameContains("_b%")).All()), ElementsAre("a_b%"));  // no wildcards
  EXPECT_EQ(q().Where(u::NameContains("CAROL")).Count(), 0);  // case-sensitive
  EXPECT_THAT(names(q().Where(u::NameHasPrefix("da")).All()), ElementsAre("dave"));
  EXPECT_THAT(names(q().Where(u::NameHasSuffix("ob")).All()), ElementsAre("bob"));
  EXPECT_THAT(names(q().Where(u::NameEqualFold("CAROL")).All()), ElementsAre("Carol"));
  EXPECT_THAT(names(q().Where(u::NameContainsFold("ARO")).All()), ElementsAre("Carol"));
  EXPECT_THAT(names(q().Where(u::AgeIsNil()).All()), ElementsAre("eve"));
  EXPECT_EQ(q().Where(u::AgeNotNil()).Count(), 5);
  EXPECT_THAT(names(q().Where(u::Or(u::NameEQ("bob"), u::AgeGT(45))).All()),
              UnorderedElementsAre("bob", "a_b%"));
  EXPECT_EQ(q().Where(u::And(u::AgeGT(20), u::AgeLT(35))).Count(), 2);
  EXPECT_EQ(q().Where(u::Not(u::AgeGT(20))).Count(), 1);  // NULL is neither
  EXPECT_EQ(q().Where(u::AgeGT(20), u::AgeLT(35)).Count(), 2);
  EXPECT_THAT(names(q().Where(u::AgeNotNil()).Order(u::ByAge(strata::Desc())).Limit(2).All()),
              ElementsAre("a_b%", "Carol"));
  EXPECT_THAT(names(q().Where(u::AgeNotNil()).Order(u::ByAge()).Offset(1).Limit(2).All()),
              ElementsAre("bob", "alice"));
  EXPECT_THAT(names(q().Where(u::AgeNotNil()).Order(u::ByAge()).Offset(4).All()),
              ElementsAre("a_b%"));
  EXPECT_EQ(q().Where(u::NameEQ("bob")).Only().name, "bob");
  EXPECT_EQ(q().Order(u::ByName()).First().name, "Carol");
  EXPECT_THROW(q().Where(u::NameEQ("nobody")).First(), strata::NotFoundError);
  EXPECT_THROW(q().Where(u::NameEQ("nobody")).Only(), strata::NotFoundError);
  EXPECT_THROW(q().Only(), strata::NotSingularError);
  EXPECT_THROW(q().OnlyID(), strata::NotSingularError);
  EXPECT_EQ(q().IDs().size(), 6u);
  EXPECT_EQ(q().Where(u::NameEQ("bob")).OnlyID(), q().Where(u::NameEQ("bob")).FirstID());
  EXPECT_TRUE(q().Where(u::NameEQ("bob")).Exist());
  EXPECT_FALSE(q().Where(u::NameEQ("zed")).Exist());
  EXPECT_THROW(client_->User.Get(987654), strata::NotFoundError);
  EXPECT_EQ(q().Where(u::IDIn(q().IDs())).Count(), 6);
  EXPECT_EQ(q().Where(u::RoleEQ(u::Role::kMember)).Count(), 6);
  EXPECT_EQ(q().Limit(2).Count(), 2);
  // Select: only the columns asked for are read.
  const ent::User partial = q().Where(u::NameEQ("bob")).Select(u::FieldName).Only();
  EXPECT_EQ(partial.name, "bob");
  EXPECT_FALSE(partial.age.has_value());
  EXPECT_EQ(partial.id, 0);
}

TEST_P(ClientTest, EdgesSetAddRemoveClearAndTraverse) {
  const ent::User a = NewUser("a", 40);
  const ent::User b = NewUser("b", 10);
  const ent::Pet rex = client_->Pet.Create().SetName("rex").SetOwner(a).Save();
  ASSERT_TRUE(rex.owner_id.has_value());
  EXPECT_EQ(*rex.owner_id, a.id);
  const ent::Pet tom = client_->Pet.Create().SetName("tom").Save();
  client_->User.UpdateOne(a).AddPets(tom).Save();
  EXPECT_EQ(client_->User.QueryPets(a).Count(), 2);
  EXPECT_EQ(client_->Pet.QueryOwner(tom).OnlyID(), a.id);

  const ent::Group g1 = client_->Group.Create().SetName("g1").Save();
  const ent::Group g2 = client_->Group.Create().SetName("g2").Save();
  client_->User.UpdateOneID(a.id).AddGroups(g1, g2).Save();
  client_->User.UpdateOneID(b.id).AddGroupIDs(g1.id).Save();
  EXPECT_EQ(client_->User.QueryGroups(a).Count(), 2);
  EXPECT_EQ(client_->Group.QueryUsers(g1).Count(), 2);
  client_->User.UpdateOneID(a.id).RemoveGroups(g1).Save();
  EXPECT_EQ(client_->User.QueryGroups(a).OnlyID(), g2.id);

  // Bidirectional M2M: one AddFriends makes both sides friends.
  client_->User.UpdateOneID(a.id).AddFriendIDs(b.id).Save();
  EXPECT_EQ(client_->User.QueryFriends(b).OnlyID(), a.id);
  EXPECT_EQ(client_->User.QueryFriends(a).OnlyID(), b.id);
  client_->User.UpdateOneID(b.id).ClearFriends().Save();
  EXPECT_EQ(client_->User.QueryFriends(a).Count(), 0);

  // O2O and the self O2M tree.
  const ent::Card card = client_->Card.Create().SetNumber("4242").SetOwner(a).Save();
  EXPECT_EQ(client_->User.QueryCard(a).OnlyID(), card.id);
  client_->User.UpdateOneID(b.id).SetParent(a).Save();
  EXPECT_EQ(client_->User.QueryChildren(a).OnlyID(), b.id);
  EXPECT_EQ(client_->User.QueryParent(b).OnlyID(), a.id);
  client_->User.UpdateOneID(b.id).ClearParent().Save();
  EXPECT_EQ(client_->User.QueryChildren(a).Count(), 0);

  // Traversal from a query, and edge predicates.
  namespace u = ent::user;
  EXPECT_EQ(client_->User.Query().Where(u::AgeGT(30)).QueryPets().Count(), 2);
  EXPECT_EQ(client_->User.Query().Where(u::HasPets()).OnlyID(), a.id);
  EXPECT_EQ(client_->User.Query().Where(u::HasPetsWith(ent::pet::NameEQ("rex"))).OnlyID(), a.id);
  EXPECT_EQ(client_->User.Query().Where(u::Not(u::HasPets())).OnlyID(), b.id);
  EXPECT_EQ(client_->User.Query().Where(u::HasGroupsWith(ent::group::NameEQ("g2"))).OnlyID(), a.id);
  EXPECT_EQ(client_->Pet.Query().Where(ent::pet::HasOwnerWith(u::NameEQ("a"))).Count(), 2);
  EXPECT_EQ(client_->User.Query().Order(u::ByPetsCount(strata::Desc())).FirstID(), a.id);

  client_->User.UpdateOneID(a.id).RemovePets(rex).Save();
  EXPECT_EQ(client_->User.QueryPets(a).OnlyID(), tom.id);
  client_->User.UpdateOneID(a.id).ClearPets().Save();
  EXPECT_EQ(client_->User.QueryPets(a).Count(), 0);
  EXPECT_THROW(client_->User.UpdateOneID(a.id).AddPetIDs(123456).Save(), strata::NotFoundError);
}

TEST_P(ClientTest, EagerLoadingSendsOneQueryPerEdgeLevel) {
  std::vector<ent::User> users;
  const ent::Group g = client_->Group.Create().SetName("g").Save();
  for (int i = 0; i < 20; ++i) {
    users.push_back(NewUser("u" + std::to_string(i), 20 + i));
    for (int p = 0; p < 3; ++p) {
      client_->Pet.Create().SetName(fmt::format("p{}_{}", i, p)).SetOwner(users.back()).Save();
    }
    if (i % 2 == 0) client_->User.UpdateOne(users.back()).AddGroups(g).Save();
    client_->Card.Create().SetNumber(std::to_string(i)).SetOwner(users.back()).Save();
  }
  ent::Client logged = Logged();
  const std::vector<ent::User> all =
      logged.User.Query()
          .Order(ent::user::ByID())
          .WithPets([](ent::PetQuery& q) { q.Order(ent::pet::ByName(strata::Desc())).WithOwner(); })
          .WithGroups()
          .WithCard()
          .All();
  // 1 (users) + pets + their owners + groups + cards.
  EXPECT_EQ(statements_.size(), 5u) << ::testing::PrintToString(statements_);
  ASSERT_EQ(all.size(), 20u);
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_TRUE(all[i].edges.pets.has_value());
    ASSERT_EQ(all[i].edges.pets->size(), 3u);
    EXPECT_EQ(all[i].edges.pets->front().name, fmt::format("p{}_2", i));
    ASSERT_NE(all[i].edges.pets->front().edges.owner, nullptr);
    EXPECT_EQ(all[i].edges.pets->front().edges.owner->id, all[i].id);
    ASSERT_TRUE(all[i].edges.groups.has_value());
    EXPECT_EQ(all[i].edges.groups->size(), i % 2 == 0 ? 1u : 0u);
    EXPECT_TRUE(all[i].edges.card_loaded);
    ASSERT_NE(all[i].edges.card, nullptr);
    EXPECT_EQ(all[i].edges.card->number, std::to_string(i));
  }
  EXPECT_FALSE(all[0].edges.friends.has_value());  // not asked for
}

TEST_P(ClientTest, UpdateDeleteAndTheirErrors) {
  const ent::User a = NewUser("a", 1);
  NewUser("b", 2);
  NewUser("c", 3);
  namespace u = ent::user;
  EXPECT_EQ(client_->User.Update().Where(u::AgeGT(1)).SetActive(false).Save(), 2);
  EXPECT_EQ(client_->User.Query().Where(u::ActiveEQ(false)).Count(), 2);
  ent::User a2 = client_->User.UpdateOneID(a.id).AddVisits(2).AddVisits(3).AddAge(10).Save();
  EXPECT_EQ(a2.visits, 5u);
  EXPECT_EQ(*a2.age, 11);
  EXPECT_GE(a2.update_time, a.update_time);  // UpdateDefault
  a2 = client_->User.UpdateOneID(a.id).ClearAge().SetNillableNickname(std::nullopt).Save();
  EXPECT_FALSE(a2.age.has_value());
  EXPECT_EQ(a2.nickname, "~a");
  EXPECT_THROW(client_->User.UpdateOneID(424242).SetName("x").Save(), strata::NotFoundError);
  EXPECT_EQ(client_->User.Delete().Where(u::ActiveEQ(false)).Exec(), 2);
  EXPECT_THROW(client_->User.DeleteOneID(424242).Exec(), strata::NotFoundError);
  client_->User.DeleteOne(a).Exec();
  EXPECT_EQ(client_->User.Query().Count(), 0);
}

TEST_P(ClientTest, GroupByAndAggregatesScanIntoStructs) {
  for (const auto& [name, age] : std::vector<std::pair<std::string, int>>{
           {"a", 10}, {"a", 20}, {"b", 5}, {"c", 1}, {"c", 2}, {"c", 3}}) {
    // Nicknames are unique among active users (a partial unique index).
    client_->User.Create().SetName(name).SetAge(age).SetNickname(name + std::to_string(age)).Save();
  }
  namespace u = ent::user;
  struct NameStats {
    std::string name;
    std::int64_t count;
    std::int64_t sum;
    double mean;
  };
  const std::vector<NameStats> rows =
      client_->User.Query()
          .Where(u::AgeGT(1))
          .GroupBy(u::FieldName)
          .Aggregate(strata::ent::Count(), strata::ent::Sum(u::FieldAge),
                     strata::ent::Mean(u::FieldAge))
          .Scan<NameStats>(&NameStats::name, &NameStats::count, &NameStats::sum, &NameStats::mean);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].name, "a");
  EXPECT_EQ(rows[0].count, 2);
  EXPECT_EQ(rows[0].sum, 30);
  EXPECT_DOUBLE_EQ(rows[0].mean, 15.0);
  EXPECT_EQ(rows[2].name, "c");
  EXPECT_EQ(rows[2].count, 2);  // age 1 is filtered out
  EXPECT_EQ(client_->User.Query().Aggregate(strata::ent::Max(u::FieldAge)).Int(), 20);
  EXPECT_EQ(client_->User.Query().Aggregate(strata::ent::Min(u::FieldAge)).Int(), 1);
  EXPECT_EQ(client_->User.Query().Aggregate(strata::ent::Count()).Int(), 6);
  EXPECT_DOUBLE_EQ(
      client_->User.Query().Where(u::NameEQ("a")).Aggregate(strata::ent::Mean(u::FieldAge)).Float(),
      15.0);
}

TEST_P(ClientTest, UpsertOnConflict) {
  const ent::User a = client_->User.Create().SetName("a").SetEmail("a@x").Save();
  const ent::User again = client_->User.Create()
                              .SetName("renamed")
                              .SetEmail("a@x")
                              .OnConflictColumns(ent::user::FieldEmail)
                              .UpdateNewValues()
                              .Save();
  EXPECT_EQ(again.id, a.id);
  EXPECT_EQ(again.name, "renamed");
  const ent::User kept = client_->User.Create()
                             .SetName("ignored")
                             .SetEmail("a@x")
                             .OnConflictColumns(ent::user::FieldEmail)
                             .Ignore()
                             .Save();
  EXPECT_EQ(kept.id, a.id);
  EXPECT_EQ(kept.name, "renamed");
  EXPECT_THROW(client_->User.Create()
                   .SetName("x")
                   .SetEmail("a@x")
                   .OnConflictColumns(ent::user::FieldEmail)
                   .DoNothing()
                   .Save(),
               strata::NotFoundError);
  EXPECT_EQ(client_->User.Query().Count(), 1);
  const ent::User name_only = client_->User.Create()
                                  .SetName("only-name")
                                  .SetEmail("a@x")
                                  .SetAge(99)
                                  .OnConflictColumns(ent::user::FieldEmail)
                                  .UpdateName()
                                  .Save();
  EXPECT_EQ(name_only.name, "only-name");
  EXPECT_FALSE(name_only.age.has_value());
}

TEST_P(ClientTest, CreateBulkInsertsInFewStatements) {
  std::vector<ent::UserCreate> builders;
  // About 11 arguments a row: more than libpq can describe (~7,500 parameters), so on PostgreSQL
  // the one INSERT is prepared undescribed and its first result read in text format.
  for (int i = 0; i < 1000; ++i) {
    builders.push_back(client_->User.Create().SetName("bulk" + std::to_string(i)).SetAge(i + 1));
  }
  ent::Client logged = Logged();
  const std::vector<ent::User> users = logged.User.CreateBulk(std::move(builders)).Save();
  ASSERT_EQ(users.size(), 1000u);
  EXPECT_EQ(users[999].name, "bulk999");
  EXPECT_EQ(*users[0].age, 1);
  EXPECT_EQ(statements_.size(), 1u);
  EXPECT_EQ(client_->User.Query().Count(), 1000);
  std::set<std::int64_t> ids;
  for (const auto& u : users) ids.insert(u.id);
  EXPECT_EQ(ids.size(), 1000u);
  // Two builders the variadic form takes.
  EXPECT_EQ(
      client_->User
          .CreateBulk(client_->User.Create().SetName("x"), client_->User.Create().SetName("y"))
          .Save()
          .size(),
      2u);
}

TEST_P(ClientTest, TransactionsCommitOrRollBack) {
  {
    ent::Tx tx = client_->Tx();
    tx.User.Create().SetName("kept").Save();
    tx.Commit();
  }
  {
    ent::Tx tx = client_->Tx();
    tx.User.Create().SetName("dropped").Save();
    EXPECT_EQ(tx.User.Query().Count(), 2);
  }  // rolled back
  EXPECT_EQ(client_->User.Query().Count(), 1);
  ent::Tx tx = client_->Tx();
  tx.User.Create().SetName("later").Save();
  tx.Rollback();
  EXPECT_THROW(tx.Commit(), strata::Error);
  EXPECT_EQ(client_->User.Query().Count(), 1);
}

TEST_P(ClientTest, HooksWrapMutationsInOrder) {
  std::vector<std::string> seen;
  ent::Client c = *client_;
  c.Use([&seen](strata::ent::Mutator next) {
    return [&seen, next](strata::ent::Mutation& m) {
      seen.push_back("client " + std::string(m.Type()));
      next(m);
    };
  });
  c.User.Use(strata::ent::hook::On(
      [&seen](strata::ent::Mutator next) {
        return [&seen, next](strata::ent::Mutation& m) {
          seen.push_back("user");
          auto* um = dynamic_cast<ent::UserMutation*>(&m);
          if (um != nullptr && um->Name() == std::optional<std::string>("rename-me")) {
            um->SetName("renamed");
          }
          next(m);
        };
      },
      strata::ent::Op::kCreate | strata::ent::Op::kUpdateOne));
  const int before = UserCreatesSeen();
  const ent::User u = c.User.Create().SetName("rename-me").Save();
  EXPECT_EQ(u.name, "renamed");
  EXPECT_EQ(UserCreatesSeen(), before + 1);
  c.Pet.Create().SetName("p").Save();
  c.User.Update().SetActive(false).Save();  // kUpdate: the user hook is not on it
  EXPECT_EQ(seen, (std::vector<std::string>{"client User", "user", "client Pet", "client User"}));
}

TEST_P(ClientTest, DebugLogMasksSensitiveValues) {
  ent::Client logged = Logged();
  logged.User.Create().SetName("a").SetPassword("hunter2").Save();
  ASSERT_FALSE(statements_.empty());
  for (const std::string& s : statements_) EXPECT_THAT(s, ::testing::Not(HasSubstr("hunter2")));
  EXPECT_THAT(statements_.back(), HasSubstr("xxxxx"));
}

TEST_P(ClientTest, EdgeSchemaRowsAreEntities) {
  const ent::User a = NewUser("a", 1);
  const ent::Tweet t = client_->Tweet.Create().SetText("hi").Save();
  client_->Like.Create().SetUserID(a.id).SetTweetID(t.id).Save();
  EXPECT_EQ(client_->User.QueryLikedTweets(a).OnlyID(), t.id);
  EXPECT_EQ(client_->Tweet.QueryLikedUsers(t).OnlyID(), a.id);
  EXPECT_EQ(client_->Like.Query().Count(), 1);
}

INSTANTIATE_TEST_SUITE_P(Dialects, ClientTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kSqlite),
                         [](const ::testing::TestParamInfo<Dialect>& info) {
                           return std::string(strata::DialectName(info.param));
                         });

// 16 threads share one client on PostgreSQL: no error, no lost row, the pool within its limit.
TEST(ClientConcurrencyTest, SixteenThreadsShareOneClient) {
  TempDatabase db(Dialect::kPostgres);
  ApplySchema(db, Dialect::kPostgres);
  strata::PoolOptions options;
  options.max_connections = 4;
  const strata::DB handle = strata::Open(db.url(), options);
  ent::Client client(handle);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < 25; ++i) {
          const ent::User u = client.User.Create().SetName(fmt::format("t{}_{}", t, i)).Save();
          client.Pet.Create().SetName("p").SetOwner(u).Save();
          if (client.User.QueryPets(u).Count() != 1) ++errors;
        }
      } catch (const std::exception& e) {
        ++errors;
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(client.User.Query().Count(), 16 * 25);
  EXPECT_EQ(client.Pet.Query().Count(), 16 * 25);
  EXPECT_LE(handle.stats().max_in_use, 4);
}

}  // namespace
