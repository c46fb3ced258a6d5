// Views, materialized views and SQLite triggers: the differ (which views a change forces to be
// re-created), the planners' order, and what the inspectors read from real databases. The
// round trips with rows are the scenario folders' (tests/scenarios/*/views*).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "strata/driver.hpp"
#include "strata/migrate/changes.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"

namespace strata {
namespace {

using migrate::Change;
using migrate::Describe;
using migrate::Diff;
using schema::Column;
using schema::Realm;
using schema::Table;
using schema::View;
using ::testing::HasSubstr;
using testing::TempDatabase;

Table Users(std::string name_type = "character varying(50)") {
  return Table{.schema = "public",
               .name = "users",
               .columns = {Column{.name = "id", .type = "integer", .nullable = false},
                           Column{.name = "name", .type = std::move(name_type)}}};
}

View ViewOn(std::string name, std::vector<schema::ObjectRef> depends, std::string definition) {
  return View{.schema = "public",
              .name = std::move(name),
              .definition = std::move(definition),
              .columns = {Column{.name = "name", .type = "character varying(50)"}},
              .depends = std::move(depends)};
}

Realm RealmOf(std::vector<Table> tables, std::vector<View> views) {
  Realm r;
  r.schemas.push_back(
      schema::Schema{.name = "public", .tables = std::move(tables), .views = std::move(views)});
  return r;
}

// a reads users, b reads a, c reads orders only.
std::vector<View> Chain() {
  return {ViewOn("a", {{"public", "users"}}, " SELECT users.name FROM users"),
          ViewOn("b", {{"public", "a"}}, " SELECT a.name FROM a"),
          ViewOn("c", {{"public", "orders"}}, " SELECT orders.id FROM orders")};
}

const migrate::ModifyView* FindModifyView(const std::vector<Change>& changes,
                                          std::string_view name) {
  for (const Change& c : changes) {
    if (const auto* m = std::get_if<migrate::ModifyView>(&c); m && m->to.name == name) return m;
  }
  return nullptr;
}

TEST(ViewDiffTest, AddedDroppedAndModifiedViews) {
  View changed = Chain()[0];
  changed.definition = " SELECT users.name FROM users WHERE users.id > 0";
  const auto changes = Diff(
      RealmOf({Users()}, {Chain()[0], Chain()[2]}),
      RealmOf({Users()}, {changed, View{.schema = "public", .name = "m", .materialized = true}}));
  std::vector<std::string> described;
  for (const Change& c : changes) described.push_back(Describe(c));
  // b does not exist on either side; a is redefined; c goes; m is new.
  EXPECT_THAT(described, ::testing::UnorderedElementsAre("modify \"a\" view", "drop \"c\" view",
                                                         "create \"m\" materialized view"));
  EXPECT_FALSE(FindModifyView(changes, "a")->recreate);  // the planner decides how
}

TEST(ViewDiffTest, AColumnTypeChangeReCreatesTheViewsReadingItTransitively) {
  const auto changes = Diff(RealmOf({Users()}, Chain()), RealmOf({Users("text")}, Chain()));
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<migrate::ModifyTable>(changes[0]));
  const auto* a = FindModifyView(changes, "a");
  const auto* b = FindModifyView(changes, "b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(a->recreate && b->recreate);
  EXPECT_EQ(a->from, a->to);
  EXPECT_EQ(FindModifyView(changes, "c"), nullptr);
  EXPECT_EQ(Describe(Change{*a}), "re-create \"a\" view");

  // The reverse changes the type back: the same views are re-created around it.
  const auto reverse = migrate::Reverse(changes);
  ASSERT_EQ(reverse.size(), 3u);
  EXPECT_TRUE(FindModifyView(reverse, "a")->recreate);
  EXPECT_TRUE(FindModifyView(reverse, "b")->recreate);
}

TEST(ViewDiffTest, ChangesViewsDoNotCareAboutLeaveThemAlone) {
  // An added column, a new default, or a comment on a view that others read.
  Table to = Users();
  to.columns.push_back(Column{.name = "email", .type = "text"});
  to.columns[1].default_expr = "'x'::character varying";
  std::vector<View> views = Chain();
  views[0].comment = "readers of users";
  const auto changes = Diff(RealmOf({Users()}, Chain()), RealmOf({to}, views));
  ASSERT_EQ(changes.size(), 2u);
  const auto* a = FindModifyView(changes, "a");
  ASSERT_NE(a, nullptr);
  EXPECT_FALSE(a->recreate);
  EXPECT_EQ(FindModifyView(changes, "b"), nullptr);
}

TEST(ViewDiffTest, ARedefinedViewReCreatesTheViewsReadingIt) {
  std::vector<View> views = Chain();
  views[0].definition = " SELECT users.name FROM users WHERE users.id > 0";
  const auto changes = Diff(RealmOf({Users()}, Chain()), RealmOf({Users()}, views));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_FALSE(FindModifyView(changes, "a")->recreate);
  EXPECT_TRUE(FindModifyView(changes, "b")->recreate);
}

TEST(ViewDiffTest, DescriptionsQuoteHostileNames) {
  View v = Chain()[0];
  v.name = "x\nDROP TABLE victim; --";
  const auto changes = Diff(RealmOf({Users()}, {}), RealmOf({Users()}, {v}));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(Describe(changes[0]), "create \"x\\x0aDROP TABLE victim; --\" view");
}

std::vector<std::string> Sqls(const std::vector<migrate::Statement>& statements) {
  std::vector<std::string> out;
  for (const auto& s : statements) out.push_back(s.sql);
  return out;
}

size_t IndexOf(const std::vector<std::string>& sqls, std::string_view prefix) {
  for (size_t i = 0; i < sqls.size(); ++i) {
    if (sqls[i].starts_with(prefix)) return i;
  }
  ADD_FAILURE() << "no statement starts with " << prefix;
  return sqls.size();
}

TEST(PostgresViewPlanTest, ViewsGoBeforeTheColumnChangeAndComeBackAfterInDependencyOrder) {
  const auto plan = migrate::PlanChanges(
      Dialect::kPostgres, Diff(RealmOf({Users()}, Chain()), RealmOf({Users("text")}, Chain())));
  const auto sqls = Sqls(plan.statements);
  const size_t drop_b = IndexOf(sqls, "DROP VIEW \"public\".\"b\"");
  const size_t drop_a = IndexOf(sqls, "DROP VIEW \"public\".\"a\"");
  const size_t alter = IndexOf(sqls, "ALTER TABLE \"public\".\"users\"");
  const size_t create_a = IndexOf(sqls, "CREATE VIEW \"public\".\"a\" AS\n SELECT users.name");
  const size_t create_b = IndexOf(sqls, "CREATE VIEW \"public\".\"b\" AS\n SELECT a.name");
  EXPECT_LT(drop_b, drop_a);
  EXPECT_LT(drop_a, alter);
  EXPECT_LT(alter, create_a);
  EXPECT_LT(create_a, create_b);
  EXPECT_EQ(sqls.size(), 5u);
}

TEST(PostgresViewPlanTest, AppendedColumnsReplaceInPlaceOtherChangesDropAndCreate) {
  View appended = Chain()[0];
  appended.definition = " SELECT users.name, users.id FROM users";
  appended.columns.push_back(Column{.name = "id", .type = "integer"});
  appended.options = {"security_barrier=true"};
  auto plan = migrate::PlanChanges(
      Dialect::kPostgres, Diff(RealmOf({Users()}, {Chain()[0]}), RealmOf({Users()}, {appended})));
  EXPECT_EQ(Sqls(plan.statements),
            std::vector<std::string>{"CREATE OR REPLACE VIEW \"public\".\"a\" WITH "
                                     "(security_barrier=true) AS\n SELECT users.name, users.id "
                                     "FROM users"});
  // Back again, the column goes: CREATE OR REPLACE cannot remove one.
  EXPECT_EQ(Sqls(plan.reverse),
            (std::vector<std::string>{"DROP VIEW \"public\".\"a\"",
                                      "CREATE VIEW \"public\".\"a\" AS\n SELECT users.name FROM "
                                      "users"}));

  // A materialized view's index and comment change in place.
  View mv{.schema = "public", .name = "mv", .definition = " SELECT 1 AS one", .materialized = true};
  View indexed = mv;
  indexed.comment = "one row";
  indexed.indexes = {schema::Index{.name = "mv_one", .unique = true, .parts = {{.column = "one"}}}};
  plan = migrate::PlanChanges(Dialect::kPostgres, Diff(RealmOf({}, {mv}), RealmOf({}, {indexed})));
  EXPECT_EQ(
      Sqls(plan.statements),
      (std::vector<std::string>{"CREATE UNIQUE INDEX \"mv_one\" ON \"public\".\"mv\" (\"one\")",
                                "COMMENT ON MATERIALIZED VIEW \"public\".\"mv\" IS 'one row'"}));
  EXPECT_EQ(Sqls(plan.reverse),
            (std::vector<std::string>{"DROP INDEX \"public\".\"mv_one\"",
                                      "COMMENT ON MATERIALIZED VIEW \"public\".\"mv\" IS NULL"}));
}

TEST(PostgresViewInspectTest, ReadsDefinitionsOptionsColumnsIndexesAndDependencies) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  migrate::ExecScript(*conn, R"sql(
    CREATE TABLE t (id integer PRIMARY KEY, label text);
    CREATE VIEW "Odd ""name""" WITH (check_option = cascaded, security_barrier) AS
      SELECT id, label FROM t WHERE id > 0;
    COMMENT ON VIEW "Odd ""name""" IS 'positive';
    COMMENT ON COLUMN "Odd ""name""".label IS 'shown';
    CREATE VIEW on_view AS SELECT label FROM "Odd ""name""";
    CREATE MATERIALIZED VIEW counts AS SELECT count(*) AS n FROM t;
    CREATE UNIQUE INDEX counts_n ON counts (n);
  )sql",
                      "views.sql");
  const Realm realm = migrate::Inspect(*conn);
  EXPECT_TRUE(realm.unsupported.empty()) << schema::ToJson(realm);
  const auto& s = realm.schemas.at(0);
  ASSERT_EQ(s.views.size(), 3u);
  const View* odd = s.FindView("Odd \"name\"");
  ASSERT_NE(odd, nullptr);
  EXPECT_EQ(odd->options,
            (std::vector<std::string>{"check_option=cascaded", "security_barrier=true"}));
  EXPECT_THAT(odd->definition, HasSubstr("t.id > 0"));
  EXPECT_FALSE(odd->definition.ends_with(";"));
  EXPECT_EQ(odd->comment, "positive");
  ASSERT_EQ(odd->columns.size(), 2u);
  EXPECT_EQ(odd->columns[1], (Column{.name = "label", .type = "text", .comment = "shown"}));
  EXPECT_EQ(odd->depends, (std::vector<schema::ObjectRef>{{"public", "t"}}));
  EXPECT_EQ(s.FindView("on_view")->depends,
            (std::vector<schema::ObjectRef>{{"public", "Odd \"name\""}}));
  const View* counts = s.FindView("counts");
  ASSERT_NE(counts, nullptr);
  EXPECT_TRUE(counts->materialized);
  ASSERT_EQ(counts->indexes.size(), 1u);
  EXPECT_EQ(counts->indexes[0].name, "counts_n");
  EXPECT_TRUE(counts->indexes[0].unique);

  // The statements that create the realm build an equal one, views after what they read.
  TempDatabase copy(Dialect::kPostgres);
  auto out = copy.Connect();
  std::string script;
  for (const auto& st : migrate::CreateStatements(Dialect::kPostgres, realm)) {
    script += st.sql + ";\n";
  }
  migrate::ExecScript(*out, script, "created.sql");
  EXPECT_EQ(migrate::Inspect(*out), realm) << script;
}

TEST(SqliteViewInspectTest, ViewsTheirTriggersAndWhatTheyRead) {
  auto conn = Connect("sqlite://:memory:");
  conn->Exec(R"sql(
    CREATE TABLE Items (id INTEGER PRIMARY KEY, name TEXT);
    CREATE VIEW named AS SELECT id, name FROM "items" WHERE name IS NOT NULL;
    CREATE VIEW names AS SELECT name FROM [Named];
    CREATE TRIGGER named_insert INSTEAD OF INSERT ON named BEGIN INSERT INTO items (name) VALUES (new.name); END;
  )sql");
  const Realm realm = migrate::Inspect(*conn);
  EXPECT_TRUE(realm.unsupported.empty()) << schema::ToJson(realm);
  const auto& s = realm.schemas.at(0);
  ASSERT_EQ(s.views.size(), 2u);
  EXPECT_EQ(s.views[0].name, "named");
  EXPECT_EQ(s.views[0].depends, (std::vector<schema::ObjectRef>{{"main", "Items"}}));
  ASSERT_EQ(s.views[0].triggers.size(), 1u);
  EXPECT_EQ(s.views[0].triggers[0].name, "named_insert");
  EXPECT_EQ(s.views[1].depends, (std::vector<schema::ObjectRef>{{"main", "named"}}));
  EXPECT_TRUE(s.FindTable("Items")->triggers.empty());

  // Created from nothing, views after the views they read, the trigger with its view.
  auto copy = Connect("sqlite://:memory:");
  std::string script;
  for (const auto& st : migrate::CreateStatements(Dialect::kSqlite, realm)) {
    script += st.sql + ";\n";
  }
  migrate::ExecScript(*copy, script, "created.sql");
  EXPECT_EQ(migrate::Inspect(*copy), realm) << script;
  EXPECT_LT(script.find("CREATE VIEW named"), script.find("CREATE VIEW names"));
}

TEST(SqliteViewPlanTest, TriggersAreDiffedAndAViewReadingADroppedColumnIsReCreated) {
  auto conn = Connect("sqlite://:memory:");
  conn->Exec(R"sql(
    CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);
    CREATE VIEW v AS SELECT id, a, b FROM t;
    CREATE TRIGGER t_a AFTER INSERT ON t BEGIN SELECT 1; END;
  )sql");
  conn->Exec("INSERT INTO t VALUES (1, 'x', 'y')");
  auto desired_conn = Connect("sqlite://:memory:");
  desired_conn->Exec(R"sql(
    CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);
    CREATE VIEW v AS SELECT id, a FROM t;
    CREATE TRIGGER t_b AFTER DELETE ON t BEGIN SELECT 2; END;
  )sql");
  const Realm desired = migrate::Inspect(*desired_conn);
  const auto plan = migrate::PlanChanges(
      Dialect::kSqlite,
      Diff(migrate::Inspect(*conn), desired, migrate::DiffOptionsFor(Dialect::kSqlite)));
  const auto sqls = Sqls(plan.statements);
  // DROP COLUMN fails while a view names the column: the view goes first.
  EXPECT_LT(IndexOf(sqls, "DROP VIEW \"v\""), IndexOf(sqls, "ALTER TABLE \"t\" DROP COLUMN \"b\""));
  EXPECT_LT(IndexOf(sqls, "DROP TRIGGER \"t_a\""), IndexOf(sqls, "CREATE TRIGGER t_b"));
  migrate::ApplyStatements(*conn, plan.statements);
  EXPECT_EQ(migrate::Inspect(*conn), desired);
  EXPECT_EQ(*conn->Query("SELECT a FROM v").rows.at(0).at(0), "x");
  migrate::ApplyStatements(*conn, plan.reverse);
  conn->Exec("UPDATE t SET b = 'y'");
  EXPECT_EQ(*conn->Query("SELECT b FROM v").rows.at(0).at(0), "y");
  EXPECT_EQ(*conn->Query("SELECT group_concat(name) FROM sqlite_schema WHERE type = 'trigger'")
                 .rows.at(0)
                 .at(0),
            "t_a");
}

}  // namespace
}  // namespace strata
