// The PostgreSQL planner: statement order for dependencies (cyclic foreign keys, dropped tables
// referenced by others), enum value additions, enum types re-created to remove or reorder values,
// rendering options; and migrations between two states applied on a real server with rows present,
// checked by inspecting the result and by applying the reverse plan.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "strata/driver.hpp"
#include "strata/error.hpp"
#include "strata/migrate/diff_dir.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/migrate/executor.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"

namespace strata {
namespace {

using migrate::Change;
using schema::Column;
using schema::ForeignKey;
using schema::Table;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempDatabase;

std::vector<std::string> Sqls(const std::vector<migrate::Statement>& statements) {
  std::vector<std::string> out;
  for (const auto& s : statements) out.push_back(s.sql);
  return out;
}

Table MakeTable(std::string name, std::vector<ForeignKey> fks = {}) {
  return Table{.schema = "public",
               .name = std::move(name),
               .columns = {Column{.name = "id", .type = "integer", .nullable = false},
                           Column{.name = "ref", .type = "integer"}},
               .primary_key = schema::PrimaryKey{.name = "pk", .columns = {"id"}},
               .foreign_keys = std::move(fks)};
}

ForeignKey Fk(std::string name, std::string table) {
  return ForeignKey{.name = std::move(name),
                    .columns = {"ref"},
                    .ref_schema = "public",
                    .ref_table = std::move(table),
                    .ref_columns = {"id"}};
}

TEST(PostgresPlanTest, CyclicForeignKeysAreAddedAfterBothTables) {
  const std::vector<Change> changes = {migrate::AddTable{MakeTable("a", {Fk("a_b", "b")})},
                                       migrate::AddTable{MakeTable("b", {Fk("b_a", "a")})}};
  const auto plan = migrate::PlanChanges(Dialect::kPostgres, changes);
  EXPECT_THAT(
      Sqls(plan.statements),
      ElementsAre(
          R"(CREATE TABLE "public"."a" ("id" integer NOT NULL, "ref" integer, CONSTRAINT "pk" PRIMARY KEY ("id")))",
          R"(CREATE TABLE "public"."b" ("id" integer NOT NULL, "ref" integer, CONSTRAINT "pk" PRIMARY KEY ("id")))",
          R"(ALTER TABLE "public"."a" ADD CONSTRAINT "a_b" FOREIGN KEY ("ref") REFERENCES "public"."b" ("id"))",
          R"(ALTER TABLE "public"."b" ADD CONSTRAINT "b_a" FOREIGN KEY ("ref") REFERENCES "public"."a" ("id"))"));
  EXPECT_EQ(plan.statements[0].comment, migrate::Describe(changes[0]));
  EXPECT_EQ(plan.statements[3].comment, migrate::Describe(changes[1]));
  EXPECT_THAT(Sqls(plan.reverse),
              ElementsAre(R"(ALTER TABLE "public"."a" DROP CONSTRAINT "a_b")",
                          R"(ALTER TABLE "public"."b" DROP CONSTRAINT "b_a")",
                          R"(DROP TABLE "public"."a")", R"(DROP TABLE "public"."b")"));
}

TEST(PostgresPlanTest, ReferencingTablesAreDroppedFirst) {
  const std::vector<Change> changes = {
      migrate::DropTable{MakeTable("parent")},
      migrate::DropTable{MakeTable("child", {Fk("child_parent", "parent")})},
      migrate::DropTable{MakeTable("grandchild", {Fk("gc_child", "child")})}};
  EXPECT_THAT(Sqls(migrate::PlanChanges(Dialect::kPostgres, changes).statements),
              ElementsAre(R"(DROP TABLE "public"."grandchild")", R"(DROP TABLE "public"."child")",
                          R"(DROP TABLE "public"."parent")"));
}

TEST(PostgresPlanTest, ForeignKeysOfAKeptTableAreDroppedBeforeTheTableTheyReference) {
  const Table child = MakeTable("child", {Fk("child_parent", "parent")});
  Table child_after = child;
  child_after.foreign_keys.clear();
  const std::vector<Change> changes = {
      migrate::DropTable{MakeTable("parent")},
      migrate::ModifyTable{child, child_after, {migrate::DropForeignKey{child.foreign_keys[0]}}}};
  EXPECT_THAT(Sqls(migrate::PlanChanges(Dialect::kPostgres, changes).statements),
              ElementsAre(R"(ALTER TABLE "public"."child" DROP CONSTRAINT "child_parent")",
                          R"(DROP TABLE "public"."parent")"));
}

TEST(PostgresPlanTest, DroppedTablesInACycleLoseTheirForeignKeysFirst) {
  const std::vector<Change> changes = {migrate::DropTable{MakeTable("a", {Fk("a_b", "b")})},
                                       migrate::DropTable{MakeTable("b", {Fk("b_a", "a")})}};
  EXPECT_THAT(Sqls(migrate::PlanChanges(Dialect::kPostgres, changes).statements),
              ElementsAre(R"(ALTER TABLE "public"."a" DROP CONSTRAINT "a_b")",
                          R"(ALTER TABLE "public"."b" DROP CONSTRAINT "b_a")",
                          R"(DROP TABLE "public"."a")", R"(DROP TABLE "public"."b")"));
}

TEST(PostgresPlanTest, SchemasAndTypesComeFirstAndGoLast) {
  const schema::Enum mood{.schema = "s", .name = "mood", .values = {"a"}};
  Table t = MakeTable("t");
  t.schema = "s";
  t.columns.push_back(Column{.name = "m", .type = "s.mood"});
  const std::vector<Change> changes = {migrate::AddSchema{schema::Schema{.name = "s"}},
                                       migrate::AddEnum{mood}, migrate::AddTable{t}};
  const auto plan = migrate::PlanChanges(Dialect::kPostgres, changes);
  EXPECT_THAT(Sqls(plan.statements),
              ElementsAre(R"(CREATE SCHEMA "s")", R"(CREATE TYPE "s"."mood" AS ENUM ('a'))",
                          HasSubstr(R"("m" s.mood,)")));
  EXPECT_THAT(Sqls(plan.reverse), ElementsAre(R"(DROP TABLE "s"."t")", R"(DROP TYPE "s"."mood")",
                                              R"(DROP SCHEMA "s")"));
}

TEST(PostgresPlanTest, EnumValuesAreAddedWhereTheyBelong) {
  const schema::Enum from{.schema = "public", .name = "e", .values = {"b", "d"}};
  schema::Enum to = from;
  to.values = {"a", "b", "c", "d", "e", "f"};
  const auto plan = migrate::PlanChanges(Dialect::kPostgres, {migrate::ModifyEnum{from, to}});
  EXPECT_THAT(Sqls(plan.statements),
              ElementsAre(R"(ALTER TYPE "public"."e" ADD VALUE IF NOT EXISTS 'a' BEFORE 'b')",
                          R"(ALTER TYPE "public"."e" ADD VALUE IF NOT EXISTS 'c' AFTER 'b')",
                          R"(ALTER TYPE "public"."e" ADD VALUE IF NOT EXISTS 'e')",
                          R"(ALTER TYPE "public"."e" ADD VALUE IF NOT EXISTS 'f')"));
  EXPECT_TRUE(std::none_of(plan.statements.begin(), plan.statements.end(),
                           [](const auto& st) { return st.no_tx; }));
  // Removing the values again re-creates the type (no column uses it here).
  EXPECT_THAT(Sqls(plan.reverse), ElementsAre(R"(CREATE TYPE "public"."e_new" AS ENUM ('b', 'd'))",
                                              R"(DROP TYPE "public"."e")",
                                              R"(ALTER TYPE "public"."e_new" RENAME TO "e")"));
  EXPECT_TRUE(plan.irreversible.empty());
}

// A new value cannot be used in the transaction that adds it: its ADD VALUE runs on its own.
TEST(PostgresPlanTest, EnumValuesUsedByThePlanAreAddedOutsideTheTransaction) {
  const schema::Enum from{.schema = "public", .name = "e", .values = {"a"}};
  schema::Enum to = from;
  to.values = {"a", "b", "c"};
  Table t = MakeTable("t");
  t.columns.push_back(Column{.name = "m", .type = "public.e", .default_expr = "'c'::public.e"});
  const auto plan = migrate::PlanChanges(Dialect::kPostgres,
                                         {migrate::ModifyEnum{from, to}, migrate::AddTable{t}});
  ASSERT_EQ(plan.statements.size(), 3u);
  EXPECT_FALSE(plan.statements[0].no_tx) << plan.statements[0].sql;
  EXPECT_TRUE(plan.statements[1].no_tx) << plan.statements[1].sql;
  EXPECT_FALSE(plan.statements[2].no_tx);
}

// A table using enum type public.e (values a, b, c) as every rebuild test has it: a column with a
// default, an array column, a check and a partial index comparing with values, an index on the
// column (which the conversion carries over by itself).
Table EnumTable() {
  Table t = MakeTable("t");
  t.columns.push_back(
      Column{.name = "m", .type = "public.e", .nullable = false, .default_expr = "'a'::public.e"});
  t.columns.push_back(Column{.name = "ms", .type = "public.e[]"});
  t.checks.push_back(schema::Check{.name = "t_m", .expr = "(m <> 'c'::public.e)"});
  t.indexes.push_back(schema::Index{.name = "t_by_m", .parts = {{.column = "m"}}});
  t.indexes.push_back(schema::Index{.name = "t_p",
                                    .parts = {{.column = "id"}},
                                    .where = "(m <> 'a'::public.e)",
                                    .comment = "partial"});
  return t;
}

migrate::ModifyEnum EnumChange(std::vector<std::string> to_values, Table from, Table to) {
  const schema::Enum e{.schema = "public", .name = "e", .values = {"a", "b", "c"}};
  schema::Enum changed = e;
  changed.values = std::move(to_values);
  return migrate::ModifyEnum{.from = e,
                             .to = changed,
                             .tables = {{std::move(from), std::move(to), {"m", "ms"}, {"m", "ms"}}},
                             .names = {"e", "e_new", "t"}};
}

// Values removed and reordered: a check per converted column first, then the new type under a
// free name, the conversion with the default dropped and the dependents that cannot follow
// dropped, the old type dropped and its name taken, and everything put back.
TEST(PostgresPlanTest, RemovingOrReorderingEnumValuesRecreatesTheType) {
  const auto plan =
      migrate::PlanChanges(Dialect::kPostgres, {EnumChange({"c", "a"}, EnumTable(), EnumTable())});
  EXPECT_THAT(
      Sqls(plan.statements),
      ElementsAre(
          R"(DO $strata$DECLARE held text; BEGIN SELECT r."m"::text INTO held FROM "public"."t" AS r WHERE r."m"::text IN ('b') LIMIT 1; IF held IS NOT NULL THEN RAISE EXCEPTION USING MESSAGE = 'enum type "public"."e" loses value ' || quote_literal(held) || ', which column "public"."t"."m" still holds', HINT = 'update or delete those rows first, or keep the value in the type'; END IF; END$strata$)",
          R"(DO $strata$DECLARE held text; BEGIN SELECT a.v INTO held FROM "public"."t" AS r, unnest(r."ms"::text[]) AS a(v) WHERE a.v IN ('b') LIMIT 1; IF held IS NOT NULL THEN RAISE EXCEPTION USING MESSAGE = 'enum type "public"."e" loses value ' || quote_literal(held) || ', which column "public"."t"."ms" still holds', HINT = 'update or delete those rows first, or keep the value in the type'; END IF; END$strata$)",
          R"(CREATE TYPE "public"."e_new2" AS ENUM ('c', 'a'))", R"(DROP INDEX "public"."t_p")",
          R"(ALTER TABLE "public"."t" DROP CONSTRAINT "t_m", ALTER COLUMN "m" DROP DEFAULT, ALTER COLUMN "m" TYPE "public"."e_new2" USING "m"::text::"public"."e_new2", ALTER COLUMN "ms" TYPE "public"."e_new2"[] USING "ms"::text[]::"public"."e_new2"[])",
          R"(DROP TYPE "public"."e")", R"(ALTER TYPE "public"."e_new2" RENAME TO "e")",
          R"(ALTER TABLE "public"."t" ALTER COLUMN "m" SET DEFAULT 'a'::public.e, ADD CONSTRAINT "t_m" CHECK ((m <> 'c'::public.e)))",
          R"(CREATE INDEX "t_p" ON "public"."t" ("id") WHERE (m <> 'a'::public.e))",
          R"(COMMENT ON INDEX "public"."t_p" IS 'partial')"));
  EXPECT_TRUE(std::none_of(plan.statements.begin(), plan.statements.end(),
                           [](const auto& st) { return st.no_tx; }));
  // Back to a, b, c: a reorder and an addition, which re-creates the type too; nothing to check.
  ASSERT_FALSE(plan.reverse.empty());
  EXPECT_EQ(plan.reverse[0].sql, R"(CREATE TYPE "public"."e_new2" AS ENUM ('a', 'b', 'c'))");
  EXPECT_TRUE(plan.irreversible.empty());
}

// What the table's own changes alter or drop is dropped once, by the rebuild, and comes back in
// its new form only: the check is dropped, the partial index changes, a default changes.
TEST(PostgresPlanTest, DependentsTheTableChangesAlterAreDroppedOnce) {
  const schema::Enum e{.schema = "public", .name = "e", .values = {"a", "b", "c"}};
  schema::Enum changed = e;
  changed.values = {"a", "c"};
  const Table from = EnumTable();
  Table to = from;
  to.checks.clear();
  to.indexes[1].where = "(m <> 'c'::public.e)";
  to.columns[2].default_expr = "'c'::public.e";
  const schema::Realm before{.schemas = {{.name = "public", .tables = {from}, .enums = {e}}}};
  const schema::Realm after{.schemas = {{.name = "public", .tables = {to}, .enums = {changed}}}};
  const auto plan = migrate::PlanChanges(Dialect::kPostgres, migrate::Diff(before, after));
  std::string all;
  for (const auto& st : plan.statements) all += st.sql + ";\n";
  auto count = [&](std::string_view what) {
    size_t n = 0;
    for (size_t at = all.find(what); at != std::string::npos; at = all.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(R"(DROP CONSTRAINT "t_m")"), 1u) << all;
  EXPECT_EQ(count(R"(ADD CONSTRAINT "t_m")"), 0u) << all;
  EXPECT_EQ(count(R"(DROP INDEX "public"."t_p")"), 1u) << all;
  EXPECT_EQ(count(R"(CREATE INDEX "t_p")"), 1u) << all;
  EXPECT_EQ(count(R"(WHERE (m <> 'c'::public.e))"), 1u) << all;
  EXPECT_EQ(count(R"("m" SET DEFAULT 'a'::public.e)"), 0u) << all;
  EXPECT_EQ(count(R"("m" SET DEFAULT 'c'::public.e)"), 1u) << all;
}

// The new type's name is one the schema does not use, in 63 bytes without cutting a character.
TEST(PostgresPlanTest, TheNewTypesNameIsFreeAndFits) {
  const std::string name = std::string(58, 'a') + "\xc3\xa9\xc3\xa9";  // 62 bytes
  const schema::Enum from{.schema = "public", .name = name, .values = {"x", "y"}};
  schema::Enum to = from;
  to.values = {"y", "x"};
  const std::string first = std::string(58, 'a') + "_new";
  const auto free = migrate::PlanChanges(Dialect::kPostgres, {migrate::ModifyEnum{from, to}});
  ASSERT_FALSE(free.statements.empty());
  EXPECT_EQ(free.statements[0].sql, "CREATE TYPE \"public\".\"" + first + "\" AS ENUM ('y', 'x')");
  const auto taken =
      migrate::PlanChanges(Dialect::kPostgres, {migrate::ModifyEnum{from, to, {}, {first, name}}});
  ASSERT_FALSE(taken.statements.empty());
  EXPECT_EQ(taken.statements[0].sql,
            "CREATE TYPE \"public\".\"" + std::string(58, 'a') + "_new2\" AS ENUM ('y', 'x')");
}

// Names and values are quoted; the DO block's dollar quote is one its body does not hold.
TEST(PostgresPlanTest, EnumRebuildQuotesHostileNames) {
  const schema::Enum from{.schema = "s\"", .name = "e'", .values = {"$strata$", "o'k"}};
  schema::Enum to = from;
  to.values = {"o'k"};
  Table t = MakeTable("t\"");
  t.schema = "s\"";
  t.columns.push_back(Column{.name = "held", .type = "\"s\"\"\".\"e'\""});
  const auto plan = migrate::PlanChanges(
      Dialect::kPostgres, {migrate::ModifyEnum{from, to, {{t, t, {"held"}, {"held"}}}, {}}});
  EXPECT_THAT(
      Sqls(plan.statements),
      ElementsAre(
          ::testing::StartsWith(
              R"(DO $strata1$DECLARE held text; BEGIN SELECT r."held"::text INTO held FROM "s"""."t""" AS r WHERE r."held"::text IN ('$strata$') LIMIT 1; IF held IS NOT NULL THEN RAISE EXCEPTION USING MESSAGE = 'enum type "s"""."e''" loses value ')"),
          R"(CREATE TYPE "s"""."e'_new" AS ENUM ('o''k'))",
          R"(ALTER TABLE "s"""."t""" ALTER COLUMN "held" TYPE "s"""."e'_new" USING "held"::text::"s"""."e'_new")",
          R"(DROP TYPE "s"""."e'")", R"(ALTER TYPE "s"""."e'_new" RENAME TO "e'")"));
}

// PostgreSQL cannot convert a column a generated column uses: removing values is refused with a
// way out, and undoing an addition is irreversible.
TEST(PostgresPlanTest, EnumUsedByAGeneratedColumnIsNotRecreated) {
  const schema::Enum small{.schema = "public", .name = "e", .values = {"a"}};
  schema::Enum big = small;
  big.values = {"a", "b"};
  Table t = MakeTable("t");
  t.columns.push_back(Column{.name = "m", .type = "public.e"});
  t.columns.push_back(Column{.name = "g", .type = "boolean", .generated = "(m IS NOT NULL)"});
  const migrate::EnumTable use{t, t, {"m"}, {"m"}};
  try {
    migrate::PlanChanges(Dialect::kPostgres, {migrate::ModifyEnum{big, small, {use}, {}}});
    FAIL() << "the rebuild was planned";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(R"(generated column "public"."t"."g")"));
    EXPECT_THAT(e.what(), HasSubstr("Split the migration"));
  }
  const auto plan =
      migrate::PlanChanges(Dialect::kPostgres, {migrate::ModifyEnum{small, big, {use}, {}}});
  EXPECT_THAT(Sqls(plan.statements),
              ElementsAre(R"(ALTER TYPE "public"."e" ADD VALUE IF NOT EXISTS 'b')"));
  EXPECT_TRUE(plan.reverse.empty());
  ASSERT_EQ(plan.irreversible.size(), 1u);
  EXPECT_THAT(plan.irreversible[0], HasSubstr(R"(generated column "public"."t"."g")"));
}

TEST(PostgresPlanTest, UnqualifiedPlansLeaveSchemasOutIncludingEnumTypes) {
  Table t = MakeTable("t", {Fk("t_t", "t"), Fk("t_u", "users")});
  t.schema = "app";
  t.foreign_keys[0].ref_schema = "app";
  t.columns.push_back(Column{.name = "m", .type = "app.mood[]"});
  t.columns.push_back(Column{.name = "n", .type = "\"app\".\"Mood\""});
  const auto plan = migrate::PlanChanges(Dialect::kPostgres, {migrate::AddTable{t}},
                                         {.unqualified = true, .indent = "  "});
  EXPECT_THAT(
      Sqls(plan.statements),
      ElementsAre("CREATE TABLE \"t\" (\n"
                  "  \"id\" integer NOT NULL,\n"
                  "  \"ref\" integer,\n"
                  "  \"m\" mood[],\n"
                  "  \"n\" \"Mood\",\n"
                  "  CONSTRAINT \"pk\" PRIMARY KEY (\"id\")\n"
                  ")",
                  "ALTER TABLE \"t\"\n"
                  "  ADD CONSTRAINT \"t_t\" FOREIGN KEY (\"ref\") REFERENCES \"t\" (\"id\"),\n"
                  "  ADD CONSTRAINT \"t_u\" FOREIGN KEY (\"ref\") REFERENCES "
                  "\"public\".\"users\" (\"id\")"));
}

// --- migrations on a real server ---

struct Migration {
  std::string name;
  std::string from, to;  // complete schemas
  std::string rows;      // inserted in state `from`
  bool reversible = true;
};

void PrintTo(const Migration& m, std::ostream* os) { *os << m.name; }

class PostgresMigrateTest : public ::testing::TestWithParam<Migration> {};

// Migrates a database holding `from` (and its rows) to `to`: the result must inspect equal to a
// fresh `to`, a second diff must be empty, and the reverse plan must bring `from` back.
TEST_P(PostgresMigrateTest, ReachesTheTargetAndComesBack) {
  const Migration& m = GetParam();
  TempDatabase db(Dialect::kPostgres), want(Dialect::kPostgres);
  auto conn = db.Connect();
  auto want_conn = want.Connect();
  migrate::ExecScript(*conn, m.from, "from.sql");
  if (!m.rows.empty()) migrate::ExecScript(*conn, m.rows, "rows.sql");
  migrate::ExecScript(*want_conn, m.to, "to.sql");
  const schema::Realm from = migrate::Inspect(*conn);
  const schema::Realm to = migrate::Inspect(*want_conn);

  const auto changes = migrate::Diff(from, to);
  ASSERT_FALSE(changes.empty());
  const migrate::Plan plan = migrate::PlanChanges(Dialect::kPostgres, changes);
  std::string shown;
  for (const auto& s : plan.statements) shown += s.sql + ";\n";
  SCOPED_TRACE("plan:\n" + shown);
  migrate::ApplyStatements(*conn, plan.statements);
  const schema::Realm reached = migrate::Inspect(*conn);
  EXPECT_EQ(reached, to);
  EXPECT_TRUE(migrate::Diff(reached, to).empty());
  if (!m.rows.empty()) {
    EXPECT_NE(conn->Query("SELECT count(*) FROM t").rows[0][0], "0") << "rows were lost";
  }
  if (!m.reversible) {
    EXPECT_FALSE(plan.irreversible.empty());
    return;
  }
  std::string reverse;
  for (const auto& s : plan.reverse) reverse += s.sql + ";\n";
  SCOPED_TRACE("reverse:\n" + reverse);
  EXPECT_TRUE(plan.irreversible.empty());
  migrate::ApplyStatements(*conn, plan.reverse);
  EXPECT_EQ(migrate::Inspect(*conn), from);
}

const Migration kMigrations[] = {
    {.name = "TextToIntegerNeedsUsing",
     .from = "CREATE TABLE t (a text DEFAULT '1', b varchar(10));",
     .to = "CREATE TABLE t (a integer DEFAULT 2, b varchar(20));",
     .rows = "INSERT INTO t VALUES ('42', 'x');"},
    {.name = "VarcharToTextAndBack",
     .from = "CREATE TABLE t (a varchar(5) NOT NULL, b numeric(5,2));",
     .to = "CREATE TABLE t (a text, b numeric(8,2) DEFAULT 0);",
     .rows = "INSERT INTO t VALUES ('abc', 1.5);"},
    {.name = "IntegerToSerialKeepsNumbering",
     .from = "CREATE TABLE t (id integer NOT NULL PRIMARY KEY, n text);",
     .to = "CREATE TABLE t (id serial PRIMARY KEY, n text);",
     .rows = "INSERT INTO t VALUES (1, 'a'), (7, 'b');"},
    {.name = "SerialToBigserial",
     .from = "CREATE TABLE t (id serial PRIMARY KEY, n text DEFAULT 'x');",
     .to = "CREATE TABLE t (id bigserial PRIMARY KEY, n text);",
     .rows = "INSERT INTO t (n) VALUES ('a');"},
    {.name = "SerialToIntegerWithDefault",
     .from = "CREATE TABLE t (id serial, n integer);",
     .to = "CREATE TABLE t (id integer NOT NULL DEFAULT 0, n integer);",
     .rows = "INSERT INTO t (n) VALUES (1);"},
    {.name = "IdentityAddChangeDrop",
     .from = "CREATE TABLE t (a integer NOT NULL DEFAULT 1, b integer GENERATED ALWAYS AS "
             "IDENTITY, c integer GENERATED BY DEFAULT AS IDENTITY);",
     .to = "CREATE TABLE t (a integer GENERATED BY DEFAULT AS IDENTITY, b integer GENERATED BY "
           "DEFAULT AS IDENTITY, c bigint);",
     .rows = "INSERT INTO t (a) VALUES (5);"},
    {.name = "GeneratedExpressionWithIndexAndCheck",
     .from = "CREATE TABLE t (a integer, g integer GENERATED ALWAYS AS (a * 2) STORED "
             "CHECK (g >= 0)); CREATE INDEX t_g ON t (g); COMMENT ON COLUMN t.g IS 'twice';",
     .to = "CREATE TABLE t (a integer, g integer GENERATED ALWAYS AS (a * 3) STORED "
           "CHECK (g >= 0)); CREATE INDEX t_g ON t (g); COMMENT ON COLUMN t.g IS 'twice';",
     .rows = "INSERT INTO t (a) VALUES (1);"},
    {.name = "NullabilityDefaultsCollationComments",
     .from = "CREATE TABLE t (a text, b text NOT NULL DEFAULT 'x', c text COLLATE \"C\"); "
             "COMMENT ON TABLE t IS 'old';",
     .to = "CREATE TABLE t (a text NOT NULL DEFAULT 'y', b text, c text COLLATE \"POSIX\"); "
           "COMMENT ON TABLE t IS 'new'; COMMENT ON COLUMN t.a IS 'A';",
     .rows = "INSERT INTO t VALUES ('1', '2', '3');"},
    {.name = "ColumnsAddedAndDroppedWithConstraints",
     .from = "CREATE TABLE t (id integer PRIMARY KEY, old text UNIQUE, CHECK (old <> ''));"
             "CREATE INDEX t_old ON t (lower(old));",
     .to = "CREATE TABLE t (id integer PRIMARY KEY, new text NOT NULL DEFAULT 'n', "
           "CONSTRAINT new_uq UNIQUE (new) INCLUDE (id), CHECK (new <> ''));"
           "CREATE INDEX t_new ON t (new DESC NULLS LAST) WHERE new <> 'x';"},
    {.name = "IndexAndConstraintChanges",
     .from = "CREATE TABLE t (a integer, b integer, CONSTRAINT t_u UNIQUE (a), "
             "CONSTRAINT t_c CHECK (a > 0)); CREATE INDEX t_i ON t (a); "
             "COMMENT ON INDEX t_i IS 'old';",
     .to = "CREATE TABLE t (a integer, b integer, CONSTRAINT t_u UNIQUE NULLS NOT DISTINCT (a, b), "
           "CONSTRAINT t_c CHECK (a > 1)); CREATE INDEX t_i ON t (a); "
           "COMMENT ON INDEX t_i IS 'new';",
     .rows = "INSERT INTO t VALUES (5, 5);"},
    {.name = "PrimaryAndForeignKeyChanges",
     .from = "CREATE TABLE p (id integer PRIMARY KEY, k integer UNIQUE);"
             "CREATE TABLE t (id integer PRIMARY KEY, p integer REFERENCES p (id));",
     .to = "CREATE TABLE p (id integer PRIMARY KEY, k integer UNIQUE);"
           "CREATE TABLE t (id integer, p integer, CONSTRAINT t_pkey PRIMARY KEY (id, p), "
           "CONSTRAINT t_p_fkey FOREIGN KEY (p) REFERENCES p (k) ON DELETE CASCADE DEFERRABLE);",
     .rows = "INSERT INTO p VALUES (1, 1); INSERT INTO t VALUES (1, 1);"},
    {.name = "DropReferencedTableAndCycles",
     .from = "CREATE TABLE a (id integer PRIMARY KEY, b integer);"
             "CREATE TABLE b (id integer PRIMARY KEY, a integer REFERENCES a (id));"
             "ALTER TABLE a ADD FOREIGN KEY (b) REFERENCES b (id);"
             "CREATE TABLE t (id integer PRIMARY KEY, a integer REFERENCES a (id));",
     .to = "CREATE TABLE t (id integer PRIMARY KEY, a integer);"
           "CREATE TABLE c (id integer PRIMARY KEY REFERENCES c (id), d integer);"
           "CREATE TABLE d (id integer PRIMARY KEY REFERENCES c (id));"
           "ALTER TABLE c ADD FOREIGN KEY (d) REFERENCES d (id);",
     .rows = "INSERT INTO t VALUES (1, NULL);"},
    {.name = "EnumsAndSchemas",
     .from = "CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE t (m mood);",
     .to = "CREATE SCHEMA \"Extra\"; COMMENT ON SCHEMA \"Extra\" IS 'more';"
           "CREATE TYPE \"Extra\".kind AS ENUM ('x', 'y');"
           "CREATE TABLE \"Extra\".\"order\" (k \"Extra\".kind DEFAULT 'y');"
           "CREATE TYPE mood AS ENUM ('bad', 'ok', 'good'); COMMENT ON TYPE mood IS 'm';"
           "CREATE TABLE t (m mood, n text);",
     .rows = "INSERT INTO t VALUES ('ok');"},
    {.name = "EnumToAnotherEnum",
     .from = "CREATE TYPE a AS ENUM ('x', 'y'); CREATE TABLE t (c a DEFAULT 'x', d a[]);",
     .to = "CREATE TYPE b AS ENUM ('x', 'y'); CREATE TABLE t (c b DEFAULT 'y', d b[]);",
     .rows = "INSERT INTO t VALUES ('y', '{x,y}');"},
    {.name = "CollationKeptOnTypeChange",
     .from = "CREATE TABLE t (a varchar(10) COLLATE \"C\", b integer);",
     .to = "CREATE TABLE t (a text COLLATE \"C\", b text COLLATE \"C\");",
     .rows = "INSERT INTO t VALUES ('a', 1);"},
    {.name = "ManyColumnChangesInOneStatement",
     .from = "CREATE TABLE t (id integer NOT NULL PRIMARY KEY, a text DEFAULT '1', s serial, "
             "c integer GENERATED BY DEFAULT AS IDENTITY, g integer GENERATED ALWAYS AS (id * 2) "
             "STORED CHECK (g >= 0)); CREATE INDEX t_g ON t (g);",
     .to = "CREATE TABLE t (id serial PRIMARY KEY, a integer DEFAULT 2, s bigserial, c bigint, "
           "g integer GENERATED ALWAYS AS (id * 3) STORED CHECK (g >= 0)); "
           "CREATE INDEX t_g ON t (g);",
     .rows = "INSERT INTO t (id, a) VALUES (3, '4');"},
    {.name = "EnumValueUsedInTheSamePlan",
     .from = "CREATE TYPE mood AS ENUM ('a'); CREATE TABLE t (m mood);",
     .to = "CREATE TYPE mood AS ENUM ('a', 'b'); "
           "CREATE TABLE t (m mood DEFAULT 'b' CHECK (m <> 'b' OR m IS NOT NULL));",
     .rows = "INSERT INTO t VALUES ('a');"},
    {.name = "EnumValuesRemovedAndReorderedWithDependents",
     .from = "CREATE TYPE mood AS ENUM ('a', 'b', 'c', 'd'); COMMENT ON TYPE mood IS 'feelings';"
             "CREATE TABLE p (id integer, m mood, PRIMARY KEY (id, m));"
             "CREATE TABLE t (id integer, m mood NOT NULL DEFAULT 'a', ms mood[] DEFAULT '{a}', "
             "CONSTRAINT t_c CHECK (m <> 'b'), CONSTRAINT t_d CHECK (m <> 'd'), "
             "CONSTRAINT t_p FOREIGN KEY (id, m) REFERENCES p (id, m));"
             "CREATE INDEX t_q ON t (id) WHERE m <> 'c'; CREATE INDEX t_r ON t (id) WHERE m <> 'd';"
             "CREATE INDEX t_m ON t (m); COMMENT ON INDEX t_m IS 'by mood';",
     .to = "CREATE TYPE mood AS ENUM ('c', 'a', 'b'); COMMENT ON TYPE mood IS 'feelings';"
           "CREATE TABLE p (id integer, m mood, PRIMARY KEY (id, m));"
           "CREATE TABLE t (id integer, m mood NOT NULL DEFAULT 'c', ms mood[] DEFAULT '{a}', "
           "CONSTRAINT t_c CHECK (m <> 'b'), "
           "CONSTRAINT t_p FOREIGN KEY (id, m) REFERENCES p (id, m));"
           "CREATE INDEX t_q ON t (id) WHERE m <> 'c'; CREATE INDEX t_r ON t (id) WHERE m <> 'b';"
           "CREATE INDEX t_m ON t (m); COMMENT ON INDEX t_m IS 'by mood';",
     .rows = "INSERT INTO p VALUES (1, 'a'), (2, 'c'); INSERT INTO t VALUES (1, 'a', '{a,c}'), "
             "(2, 'c', NULL);"},
    // The rows of a column dropped, or given another type, hold the removed value: they are no
    // obstacle, the column becomes text on the way.
    {.name = "EnumValueRemovedFromColumnsLeavingTheType",
     .from = "CREATE TYPE mood AS ENUM ('a', 'b', 'c');"
             "CREATE TABLE t (id integer, m mood, was mood[] DEFAULT '{c}', "
             "old mood CHECK (old <> 'a'));",
     .to = "CREATE TYPE mood AS ENUM ('b', 'a');"
           "CREATE TABLE t (id integer, m mood, was text[] DEFAULT '{c}');",
     .rows = "INSERT INTO t VALUES (1, 'a', '{c,a}', 'c');"},
    // Two types re-created in one plan share a table: what both rebuilds drop goes once.
    {.name = "TwoEnumTypesRecreatedInOneTable",
     .from = "CREATE TYPE e1 AS ENUM ('x', 'y'); CREATE TYPE e2 AS ENUM ('x', 'y');"
             "CREATE TABLE p (a e1, b e2, UNIQUE (a, b));"
             "CREATE TABLE t (a e1, b e2, CONSTRAINT t_ab CHECK (a <> 'x' OR b <> 'x'), "
             "CONSTRAINT t_p FOREIGN KEY (a, b) REFERENCES p (a, b));"
             "CREATE INDEX t_w ON t (a) WHERE a <> 'y' AND b <> 'x';",
     .to = "CREATE TYPE e1 AS ENUM ('y', 'x'); CREATE TYPE e2 AS ENUM ('y', 'x');"
           "CREATE TABLE p (a e1, b e2, UNIQUE (a, b));"
           "CREATE TABLE t (a e1, b e2, CONSTRAINT t_ab CHECK (a <> 'y' OR b <> 'y'), "
           "CONSTRAINT t_p FOREIGN KEY (a, b) REFERENCES p (a, b));"
           "CREATE INDEX t_w ON t (a) WHERE a <> 'y' AND b <> 'x';",
     .rows = "INSERT INTO p VALUES ('x', 'y'), ('y', 'y'); INSERT INTO t VALUES ('x', 'y');"},
    {.name = "EnumUsedByAGeneratedColumn",
     .from = "CREATE TYPE mood AS ENUM ('a');"
             "CREATE TABLE t (m mood, g boolean GENERATED ALWAYS AS (m IS NOT NULL) STORED);",
     .to = "CREATE TYPE mood AS ENUM ('a', 'b');"
           "CREATE TABLE t (m mood, g boolean GENERATED ALWAYS AS (m IS NOT NULL) STORED);",
     .rows = "INSERT INTO t (m) VALUES ('a');",
     .reversible = false},
    {.name = "SerialAndIdentitySwap",
     .from = "CREATE TABLE t (id serial PRIMARY KEY, n integer NOT NULL DEFAULT 5, "
             "k integer GENERATED ALWAYS AS IDENTITY);",
     .to = "CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
           "n integer GENERATED ALWAYS AS IDENTITY, k serial);",
     .rows = "INSERT INTO t (n) VALUES (1), (2);"},
    {.name = "RetypedColumnUsedByGeneratedColumns",
     .from = "CREATE TABLE t (q integer NOT NULL, p integer, a integer GENERATED ALWAYS AS (q * p) "
             "STORED, b integer GENERATED ALWAYS AS (q + 1) STORED); CREATE INDEX t_a ON t (a);",
     .to = "CREATE TABLE t (q bigint NOT NULL, p integer, a integer GENERATED ALWAYS AS (q * p) "
           "STORED, b bigint GENERATED ALWAYS AS (q + 1) STORED); CREATE INDEX t_a ON t (a DESC);",
     .rows = "INSERT INTO t (q, p) VALUES (2, 3);"},
    {.name = "IdentityOptionsAndDirection",
     .from = "CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
             "n bigint NOT NULL, k integer GENERATED ALWAYS AS IDENTITY (INCREMENT BY 3));",
     .to = "CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY (START WITH 100 "
           "INCREMENT BY 5) PRIMARY KEY, n bigint GENERATED ALWAYS AS IDENTITY (START WITH 10), "
           "k integer GENERATED BY DEFAULT AS IDENTITY (START WITH -5 INCREMENT BY -1));",
     .rows = "INSERT INTO t (id, n) VALUES (1, 1), (2, 20);"},
    {.name = "ValidationAndMatchFull",
     .from = "CREATE TABLE p (a integer, b integer, PRIMARY KEY (a, b));"
             "CREATE TABLE t (pa integer, pb integer, q integer, "
             "CONSTRAINT t_p FOREIGN KEY (pa, pb) REFERENCES p (a, b), "
             "CONSTRAINT t_q CHECK (q > 0), CONSTRAINT t_r CHECK (q < 100));"
             "ALTER TABLE t ADD CONSTRAINT t_s CHECK (q <> 7) NOT VALID;",
     .to = "CREATE TABLE p (a integer, b integer, PRIMARY KEY (a, b));"
           "CREATE TABLE t (pa integer, pb integer, q integer, CONSTRAINT t_s CHECK (q <> 7));"
           "ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (pa, pb) REFERENCES p (a, b) "
           "MATCH FULL NOT VALID, ADD CONSTRAINT t_q CHECK (q > 0) NOT VALID, "
           "ADD CONSTRAINT t_r CHECK (q < 50) NOT VALID;",
     .rows = "INSERT INTO p VALUES (1, 1); INSERT INTO t VALUES (1, 1, 5), (NULL, NULL, 60);"},
    {.name = "IndexPartCollationsAndOperatorClasses",
     .from = "CREATE TABLE t (a text, b varchar(10)); CREATE INDEX t_a ON t (a, b);"
             "CREATE INDEX t_lower ON t (lower(a));",
     .to = "CREATE TABLE t (a text, b varchar(10));"
           "CREATE INDEX t_a ON t (a COLLATE \"C\" text_pattern_ops, b varchar_pattern_ops DESC);"
           "CREATE INDEX t_lower ON t ((lower(a)) COLLATE \"POSIX\");",
     .rows = "INSERT INTO t VALUES ('x', 'y');"},
    {.name = "EnumColumnFromText",
     .from = "CREATE TABLE t (m text DEFAULT 'a');",
     .to = "CREATE TYPE e AS ENUM ('a', 'b'); CREATE TABLE t (m e DEFAULT 'a');",
     .rows = "INSERT INTO t VALUES ('b');"},
};

INSTANTIATE_TEST_SUITE_P(Postgres, PostgresMigrateTest, ::testing::ValuesIn(kMigrations),
                         [](const auto& info) { return info.param.name; });

// Rows holding a value the plan removes: the check before the conversion fails naming the value and
// the column, and the plan's transaction leaves the database as it was.
TEST(PostgresEnumRebuildTest, ARemovedValueHeldByRowsFailsThePlanAndChangesNothing) {
  TempDatabase db(Dialect::kPostgres), want(Dialect::kPostgres);
  auto conn = db.Connect();
  auto want_conn = want.Connect();
  conn->Exec(
      "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE t (m mood DEFAULT 'ok', "
      "CHECK (m <> 'happy')); CREATE TABLE u (ms mood[]); INSERT INTO t VALUES ('ok'); "
      "INSERT INTO u VALUES ('{ok,sad}')");
  want_conn->Exec(
      "CREATE TYPE mood AS ENUM ('ok', 'happy'); CREATE TABLE t (m mood DEFAULT 'ok', "
      "CHECK (m <> 'happy')); CREATE TABLE u (ms mood[])");
  const schema::Realm before = migrate::Inspect(*conn);
  const migrate::Plan plan =
      migrate::PlanChanges(Dialect::kPostgres, migrate::Diff(before, migrate::Inspect(*want_conn)));
  try {
    migrate::ApplyStatements(*conn, plan.statements);
    FAIL() << "the plan applied";
  } catch (const SqlError& e) {
    EXPECT_THAT(
        e.what(),
        HasSubstr(
            R"(enum type "public"."mood" loses value 'sad', which column "public"."u"."ms" still holds)"));
    EXPECT_THAT(e.what(), HasSubstr("update or delete those rows first"));
  }
  EXPECT_EQ(migrate::Inspect(*conn), before);
  EXPECT_EQ(conn->Query("SELECT m::text FROM t").rows[0][0], "ok");
  EXPECT_EQ(conn->Query("SELECT ms::text FROM u").rows[0][0], "{ok,sad}");
  // Once the rows no longer hold it, the same plan goes through.
  conn->Exec("UPDATE u SET ms = '{ok}'");
  migrate::ApplyStatements(*conn, plan.statements);
  EXPECT_EQ(migrate::Inspect(*conn), migrate::Inspect(*want_conn));
}

// The same through migrate diff and migrate apply: the failing file is rolled back whole and
// the database stays at the version before it.
TEST(PostgresEnumRebuildTest, ARemovedValueHeldByRowsFailsTheMigrationFile) {
  TempDatabase dev(Dialect::kPostgres), db(Dialect::kPostgres), want(Dialect::kPostgres);
  testing::TempDir tmp;
  const std::filesystem::path path = tmp.path() / "migrations";
  std::filesystem::create_directories(path);
  const std::string v1 =
      "CREATE TYPE status AS ENUM ('draft', 'review', 'done');"
      "CREATE TABLE posts (id integer PRIMARY KEY, st status NOT NULL DEFAULT 'draft');";
  const std::string v2 =
      "CREATE TYPE status AS ENUM ('draft', 'done');"
      "CREATE TABLE posts (id integer PRIMARY KEY, st status NOT NULL DEFAULT 'draft');";
  auto dev_conn = dev.Connect();
  migrate::Dir dir = migrate::Dir::Open(path, migrate::DirFormat::kGolangMigrate);
  for (const auto& [name, sql] : {std::pair<std::string, std::string>{"v1", v1}, {"v2", v2}}) {
    std::ofstream(tmp.path() / (name + ".sql")) << sql;
    migrate::DiffDir(*dev_conn, dir,
                     {.to = "file://" + (tmp.path() / (name + ".sql")).string(), .name = name});
  }
  ASSERT_EQ(dir.migrations().size(), 2u);
  auto conn = db.Connect();
  migrate::Apply(*conn, dir, {.limit = 1});
  conn->Exec("INSERT INTO posts VALUES (1, 'draft'), (2, 'review')");
  const schema::Realm before = migrate::Inspect(*conn);
  try {
    migrate::Apply(*conn, dir);
    FAIL() << "the migration applied";
  } catch (const Error& e) {
    EXPECT_THAT(
        e.what(),
        HasSubstr(
            R"(enum type "public"."status" loses value 'review', which column "public"."posts"."st" still holds)"));
  }
  EXPECT_EQ(migrate::Inspect(*conn), before);
  EXPECT_EQ(conn->Query("SELECT count(*) FROM posts").rows[0][0], "2");
  EXPECT_EQ(migrate::Status(*conn, dir).current, dir.migrations()[0].version);
}

// Scoped databases: the re-created type, its checks and conversions name no schema.
TEST(PostgresScopedMigrateTest, EnumRebuildAppliesInTheScope) {
  TempDatabase db(Dialect::kPostgres, "app"), want(Dialect::kPostgres, "app");
  auto conn = db.Connect();
  auto want_conn = want.Connect();
  conn->Exec(
      "CREATE SCHEMA app; CREATE TYPE mood AS ENUM ('a', 'b', 'c'); "
      "CREATE TABLE t (id serial PRIMARY KEY, m mood DEFAULT 'a' CHECK (m <> 'c'), ms mood[]); "
      "INSERT INTO t (m, ms) VALUES ('a', '{a,c}')");
  want_conn->Exec(
      "CREATE SCHEMA app; CREATE TYPE mood AS ENUM ('c', 'a'); "
      "CREATE TABLE t (id serial PRIMARY KEY, m mood DEFAULT 'a' CHECK (m <> 'c'), ms mood[])");
  const schema::Realm from = migrate::Inspect(*conn);
  const schema::Realm to = migrate::Inspect(*want_conn);
  const auto plan =
      migrate::PlanChanges(Dialect::kPostgres, migrate::Diff(from, to), {.unqualified = true});
  ASSERT_THAT(Sqls(plan.statements), ::testing::Contains(HasSubstr("CREATE TYPE \"mood_new\"")));
  for (const auto* list : {&plan.statements, &plan.reverse}) {
    for (const auto& s : *list) EXPECT_THAT(s.sql, ::testing::Not(HasSubstr("app"))) << s.sql;
  }
  migrate::ApplyStatements(*conn, plan.statements);
  EXPECT_EQ(migrate::Inspect(*conn), to);
  migrate::ApplyStatements(*conn, plan.reverse);
  EXPECT_EQ(migrate::Inspect(*conn), from);
}

// Two databases scoped to a schema: the plan names nothing but the objects, and applies there.
TEST(PostgresScopedMigrateTest, UnqualifiedPlanAppliesInTheScope) {
  TempDatabase db(Dialect::kPostgres, "app"), want(Dialect::kPostgres, "app");
  auto conn = db.Connect();
  auto want_conn = want.Connect();
  conn->Exec(
      "CREATE SCHEMA app; CREATE TYPE mood AS ENUM ('a'); "
      "CREATE TABLE t (id serial PRIMARY KEY, m mood)");
  want_conn->Exec(
      "CREATE SCHEMA app; CREATE TYPE mood AS ENUM ('a', 'b'); "
      "CREATE TYPE kind AS ENUM ('k'); "
      "CREATE TABLE t (id bigserial PRIMARY KEY, m mood DEFAULT 'a', k kind[]); "
      "CREATE TABLE u (t bigint REFERENCES t (id), m mood NOT NULL)");
  const schema::Realm from = migrate::Inspect(*conn);
  const schema::Realm to = migrate::Inspect(*want_conn);
  const auto plan =
      migrate::PlanChanges(Dialect::kPostgres, migrate::Diff(from, to), {.unqualified = true});
  for (const auto& s : plan.statements) {
    EXPECT_THAT(s.sql, ::testing::Not(HasSubstr("app"))) << s.sql;
  }
  migrate::ApplyStatements(*conn, plan.statements);
  EXPECT_EQ(migrate::Inspect(*conn), to);
}

}  // namespace
}  // namespace strata
