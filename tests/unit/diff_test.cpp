// The differ, reverse and descriptions, on hand-built realms (no database needed).
#include <gtest/gtest.h>

#include "strata/migrate/changes.hpp"

namespace strata::migrate {
namespace {
using namespace strata::schema;

Table Users() {
  Table t{.schema = "public", .name = "users"};
  t.columns = {Column{.name = "id", .type = "bigint", .nullable = false},
               Column{.name = "name", .type = "text", .nullable = false},
               Column{.name = "age", .type = "integer"}};
  t.primary_key = PrimaryKey{.name = "users_pkey", .columns = {"id"}};
  t.indexes = {Index{.name = "users_name_idx", .parts = {IndexPart{.column = "name"}}}};
  return t;
}

Realm RealmOf(std::vector<Table> tables, std::vector<Enum> enums = {}) {
  Realm r;
  r.schemas.push_back(
      Schema{.name = "public", .tables = std::move(tables), .enums = std::move(enums)});
  return r;
}

TEST(DiffTest, EqualRealmsHaveNoChanges) {
  EXPECT_TRUE(Diff(RealmOf({Users()}), RealmOf({Users()})).empty());
}

TEST(DiffTest, AddAndDropTables) {
  Table pets{.schema = "public", .name = "pets"};
  auto changes = Diff(RealmOf({Users()}), RealmOf({pets}));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(std::get<DropTable>(changes[0]).table.name, "users");
  EXPECT_EQ(std::get<AddTable>(changes[1]).table.name, "pets");
  EXPECT_EQ(Describe(changes[0]), "drop \"users\" table");
  EXPECT_EQ(Describe(changes[1]), "create \"pets\" table");
}

TEST(DiffTest, ColumnChangesCarryWhatChanged) {
  Table to = Users();
  to.columns[2].type = "bigint";
  to.columns[2].nullable = false;
  to.columns[2].default_expr = "0";
  to.columns.push_back(Column{.name = "email", .type = "text"});
  to.columns.erase(to.columns.begin() + 1);  // drop name
  to.indexes.clear();
  auto changes = Diff(RealmOf({Users()}), RealmOf({to}));
  ASSERT_EQ(changes.size(), 1u);
  const auto& m = std::get<ModifyTable>(changes[0]);
  ASSERT_EQ(m.changes.size(), 4u);
  EXPECT_EQ(std::get<DropColumn>(m.changes[0]).column.name, "name");
  const auto& mc = std::get<ModifyColumn>(m.changes[1]);
  EXPECT_EQ(mc.what, kColumnType | kColumnNull | kColumnDefault);
  EXPECT_EQ(std::get<AddColumn>(m.changes[2]).column.name, "email");
  EXPECT_EQ(std::get<DropIndex>(m.changes[3]).index.name, "users_name_idx");
  EXPECT_EQ(Describe(changes[0]), "modify \"users\" table");
}

TEST(DiffTest, CaseInsensitiveTypesForSqlite) {
  Table to = Users();
  to.columns[1].type = "TEXT";
  EXPECT_EQ(Diff(RealmOf({Users()}), RealmOf({to})).size(), 1u);
  EXPECT_TRUE(Diff(RealmOf({Users()}), RealmOf({to}), DiffOptions{true}).empty());
}

TEST(DiffTest, KeysChecksAndComments) {
  Table to = Users();
  to.primary_key->columns = {"id", "name"};
  to.checks = {Check{.name = "age_positive", .expr = "(age > 0)"}};
  to.foreign_keys = {ForeignKey{.name = "fk",
                                .columns = {"id"},
                                .ref_schema = "public",
                                .ref_table = "users",
                                .ref_columns = {"id"}}};
  to.comment = "people";
  auto changes = Diff(RealmOf({Users()}), RealmOf({to}));
  const auto& m = std::get<ModifyTable>(changes.at(0));
  ASSERT_EQ(m.changes.size(), 4u);
  EXPECT_TRUE(std::holds_alternative<ModifyPrimaryKey>(m.changes[0]));
  EXPECT_TRUE(std::holds_alternative<AddForeignKey>(m.changes[1]));
  EXPECT_TRUE(std::holds_alternative<AddCheck>(m.changes[2]));
  EXPECT_EQ(std::get<ModifyTableComment>(m.changes[3]).to, "people");
}

TEST(DiffTest, SchemasAndEnums) {
  Realm from = RealmOf({Users()}, {Enum{.schema = "public", .name = "mood", .values = {"sad"}}});
  Realm to =
      RealmOf({Users()}, {Enum{.schema = "public", .name = "mood", .values = {"sad", "ok"}}});
  to.schemas.push_back(Schema{.name = "billing",
                              .tables = {Table{.schema = "billing", .name = "invoices"}},
                              .enums = {Enum{.schema = "billing", .name = "state"}}});
  auto changes = Diff(from, to);
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(std::get<ModifyEnum>(changes[0]).to.values.size(), 2u);
  EXPECT_EQ(std::get<AddSchema>(changes[1]).schema.name, "billing");
  EXPECT_TRUE(std::get<AddSchema>(changes[1]).schema.tables.empty());
  EXPECT_EQ(std::get<AddEnum>(changes[2]).type.name, "state");
  EXPECT_EQ(Describe(changes[3]), "create \"billing\".\"invoices\" table");
}

// A changed enum type carries the tables on both sides with a column of it (format_type's
// spellings: qualified, quoted, arrays; bare in a scoped realm unless a built-in type has the
// name) and the names its schema uses, for a planner that re-creates the type.
TEST(DiffTest, ModifiedEnumsCarryTheirTablesAndTheNamesInUse) {
  auto with = [](Enum e, std::vector<Table> tables, std::vector<Unsupported> unsupported) {
    Realm r = RealmOf(std::move(tables), {std::move(e)});
    r.unsupported = std::move(unsupported);
    return r;
  };
  const Enum mood{.schema = "public", .name = "mood", .values = {"a", "b"}};
  Enum fewer = mood;
  fewer.values = {"a"};
  Table plain{
      .schema = "public", .name = "plain", .columns = {{.name = "m", .type = "public.mood"}}};
  Table quoted{
      .schema = "public",
      .name = "quoted",
      .columns = {{.name = "ms", .type = "\"public\".mood[]"}, {.name = "t", .type = "text"}}};
  Table other{
      .schema = "public", .name = "other", .columns = {{.name = "m", .type = "public.moods"}}};
  Table later = plain;  // uses the type in `to` only
  later.name = "later";
  Table later_from = later;
  later_from.columns[0].type = "text";
  Table gone = plain;  // dropped: the rebuild comes after it
  gone.name = "gone";
  const auto changes =
      Diff(with(mood, {gone, later_from, other, plain, quoted}, {{"view", "public", "v"}}),
           with(fewer, {later, other, plain, quoted}, {}));
  ASSERT_FALSE(changes.empty());
  const auto& m = std::get<ModifyEnum>(changes[0]);
  ASSERT_EQ(m.tables.size(), 3u);
  EXPECT_EQ(m.tables[0].from.name, "later");
  EXPECT_TRUE(m.tables[0].from_columns.empty());
  EXPECT_EQ(m.tables[0].to_columns, std::vector<std::string>{"m"});
  EXPECT_EQ(m.tables[1].from.name, "plain");
  EXPECT_EQ(m.tables[2].from_columns, std::vector<std::string>{"ms"});
  EXPECT_EQ(m.names,
            (std::vector<std::string>{"gone", "later", "mood", "other", "plain", "quoted", "v"}));
  const std::vector<Change> reverse = Reverse({m});
  const auto& r = std::get<ModifyEnum>(reverse[0]);
  EXPECT_EQ(r.to.values, mood.values);
  EXPECT_EQ(r.tables[0].from_columns, std::vector<std::string>{"m"});
  EXPECT_TRUE(r.tables[0].to_columns.empty());
  EXPECT_EQ(r.tables[0].from.columns[0].type, "public.mood");

  // Scoped: the bare name is the type, but not when it names a built-in type (which shadows it).
  for (const std::string name : {"mood", "text"}) {
    Enum e{.schema = "public", .name = name, .values = {"a", "b"}};
    Enum f = e;
    f.values = {"b", "a"};
    Table t{.schema = "public",
            .name = "t",
            .columns = {{.name = "bare", .type = name},
                        {.name = "q", .type = "public." + name + "[]"}}};
    Realm from = with(e, {t}, {});
    Realm to = with(f, {t}, {});
    from.scoped = to.scoped = true;
    const auto scoped = Diff(from, to);
    ASSERT_EQ(scoped.size(), 1u);
    ASSERT_EQ(std::get<ModifyEnum>(scoped[0]).tables.size(), 1u);
    const std::vector<std::string> expected =
        name == "text" ? std::vector<std::string>{"q"} : std::vector<std::string>{"bare", "q"};
    EXPECT_EQ(std::get<ModifyEnum>(scoped[0]).tables[0].from_columns, expected) << name;
  }
}

TEST(DiffTest, ScopedRealmsCompareWhateverTheSchemaName) {
  Realm a = RealmOf({Users()});
  a.scoped = true;
  Realm b = RealmOf({Users()});
  b.scoped = true;
  b.schemas[0].name = "dev";
  for (auto& t : b.schemas[0].tables) t.schema = "dev";
  EXPECT_TRUE(Diff(a, b).empty());
  // A scoped realm against a whole database compares the schema of the same name only.
  Realm whole = RealmOf({Users()});
  whole.schemas.push_back(
      Schema{.name = "other", .tables = {Table{.schema = "other", .name = "x"}}});
  EXPECT_TRUE(Diff(a, whole).empty());
}

TEST(DiffTest, ReverseUndoesInReverseOrder) {
  Table to = Users();
  to.columns[2].type = "bigint";
  to.columns.push_back(Column{.name = "email", .type = "text"});
  Table pets{.schema = "public", .name = "pets"};
  auto changes = Diff(RealmOf({Users()}), RealmOf({to, pets}));
  ASSERT_EQ(changes.size(), 2u);
  auto reverse = Reverse(changes);
  ASSERT_EQ(reverse.size(), 2u);
  EXPECT_EQ(std::get<DropTable>(reverse[0]).table.name, "pets");
  const auto& m = std::get<ModifyTable>(reverse[1]);
  EXPECT_EQ(m.to, Users());
  EXPECT_EQ(std::get<DropColumn>(m.changes[0]).column.name, "email");
  EXPECT_EQ(std::get<ModifyColumn>(m.changes[1]).to.type, "integer");
  // Reversing twice gives the original changes back.
  auto twice = Reverse(reverse);
  EXPECT_EQ(Describe(twice[0]), Describe(changes[0]));
  EXPECT_EQ(std::get<ModifyTable>(twice[0]).changes.size(), 2u);
  // And diffing the other way round agrees with the reverse.
  EXPECT_EQ(Diff(RealmOf({to, pets}), RealmOf({Users()})).size(), reverse.size());
}

TEST(FormatTest, JsonAndMermaid) {
  Table pets{.schema = "public", .name = "pets"};
  pets.columns = {Column{.name = "id", .type = "bigint", .nullable = false},
                  Column{.name = "owner id", .type = "bigint"}};
  pets.primary_key = PrimaryKey{.name = "pets_pkey", .columns = {"id"}};
  pets.foreign_keys = {ForeignKey{.name = "pets_owner_fkey",
                                  .columns = {"owner id"},
                                  .ref_schema = "public",
                                  .ref_table = "users",
                                  .ref_columns = {"id"},
                                  .on_delete = FkAction::kCascade}};
  Realm r = RealmOf({pets, Users()});
  r.unsupported = {Unsupported{.kind = "view", .schema = "public", .name = "v"}};
  const std::string json = ToJson(r);
  EXPECT_NE(json.find("\"on_delete\": \"CASCADE\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"kind\": \"view\""), std::string::npos) << json;
  const std::string mermaid = ToMermaid(r);
  EXPECT_NE(mermaid.find("erDiagram\n  pets {\n    bigint id PK\n"), std::string::npos) << mermaid;
  EXPECT_NE(mermaid.find("bigint owner_id FK \"owner id\""), std::string::npos) << mermaid;
  EXPECT_NE(mermaid.find("users |o--o{ pets : \"pets_owner_fkey\""), std::string::npos) << mermaid;
}

}  // namespace
}  // namespace strata::migrate
