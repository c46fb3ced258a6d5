// The SQLite inspector: the exact IR of a schema using every feature SQLite has, round trips
// through CreateStatements, a constant number of queries, and Clean.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "strata/driver.hpp"
#include "strata/error.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"

namespace strata {
namespace {

using schema::Check;
using schema::Column;
using schema::FkAction;
using schema::ForeignKey;
using schema::Index;
using schema::IndexPart;
using schema::PrimaryKey;
using schema::Table;
using testing::TempDatabase;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE "Order" (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  "select" VARCHAR(20) NOT NULL DEFAULT 'x',
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  total numeric(10,2) DEFAULT (1 + 2),
  "my col" TEXT COLLATE NOCASE UNIQUE,
  "quote""d" integer CHECK ("quote""d" > 0),  -- a column check
  doubled INT GENERATED ALWAYS AS (total * 2) STORED,
  tripled INT AS (total *
                  3),
  neg REAL DEFAULT -1.5,
  label TEXT DEFAULT (lower(   /* layout is normalized */
                        'A')),
  CONSTRAINT positive_total CHECK (total >= 0),
  CHECK (length("select") < 10)
);
CREATE TABLE items (
  order_id INTEGER NOT NULL REFERENCES "order" ON DELETE CASCADE,
  line INT NOT NULL,
  sku TEXT,
  qty INT,
  PRIMARY KEY (order_id, line),
  CONSTRAINT items_sku_qty UNIQUE (sku, qty),
  CONSTRAINT fk_sku FOREIGN KEY (SKU) REFERENCES products (CODE)
    ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED,
  FOREIGN KEY (qty) REFERENCES products ON DELETE RESTRICT DEFERRABLE
) WITHOUT ROWID;
CREATE TABLE products (
  code TEXT CONSTRAINT products_pk PRIMARY KEY,
  name TEXT,
  parent TEXT REFERENCES products (code) ON DELETE SET DEFAULT
) STRICT;
CREATE INDEX items_qty_desc ON items (qty DESC, sku);
CREATE UNIQUE INDEX "products lower name" ON products ((lower(name)), code COLLATE NOCASE DESC)
  WHERE name IS NOT NULL AND
        code <> 'x';
CREATE VIEW v AS SELECT * FROM products;
CREATE TRIGGER trg AFTER INSERT ON products BEGIN SELECT 1; SELECT 2; END;
)sql";

Table ExpectedOrder() {
  return Table{
      .schema = "main",
      .name = "Order",
      .columns =
          {
              Column{.name = "id", .type = "INTEGER"},
              Column{.name = "select",
                     .type = "VARCHAR(20)",
                     .nullable = false,
                     .default_expr = "'x'"},
              Column{
                  .name = "created_at", .type = "TIMESTAMP", .default_expr = "CURRENT_TIMESTAMP"},
              Column{.name = "total", .type = "numeric(10,2)", .default_expr = "1 + 2"},
              Column{.name = "my col", .type = "TEXT", .collation = "NOCASE"},
              // Standard type names (those STRICT allows) are reported in upper case.
              Column{.name = "quote\"d", .type = "INTEGER"},
              Column{.name = "doubled", .type = "INT", .generated = "total * 2"},
              Column{.name = "tripled",
                     .type = "INT",
                     .generated = "total * 3",
                     .generated_virtual = true},
              Column{.name = "neg", .type = "REAL", .default_expr = "-1.5"},
              Column{.name = "label", .type = "TEXT", .default_expr = "lower( 'A')"},
          },
      .primary_key = PrimaryKey{.columns = {"id"}, .autoincrement = true},
      .indexes = {Index{.name = "Order_my col_key",
                        .unique = true,
                        .constraint = true,
                        .parts = {IndexPart{.column = "my col"}}}},
      .checks =
          {
              Check{.name = "Order_chk_1", .expr = "\"quote\"\"d\" > 0"},
              Check{.name = "Order_chk_2", .expr = "length(\"select\") < 10"},
              Check{.name = "positive_total", .expr = "total >= 0"},
          },
  };
}

Table ExpectedItems() {
  return Table{
      .schema = "main",
      .name = "items",
      .columns =
          {
              Column{.name = "order_id", .type = "INTEGER", .nullable = false},
              Column{.name = "line", .type = "INT", .nullable = false},
              Column{.name = "sku", .type = "TEXT"},
              Column{.name = "qty", .type = "INT"},
          },
      .primary_key = PrimaryKey{.columns = {"order_id", "line"}},
      .indexes =
          {
              Index{
                  .name = "items_qty_desc",
                  .parts = {IndexPart{.column = "qty", .desc = true}, IndexPart{.column = "sku"}}},
              Index{.name = "items_sku_qty",
                    .unique = true,
                    .constraint = true,
                    .parts = {IndexPart{.column = "sku"}, IndexPart{.column = "qty"}}},
          },
      .foreign_keys =
          {
              ForeignKey{.name = "fk_sku",
                         .columns = {"sku"},
                         .ref_table = "products",
                         .ref_columns = {"code"},
                         .on_update = FkAction::kSetNull,
                         .deferrable = true,
                         .initially_deferred = true},
              ForeignKey{.name = "items_order_id_fkey",
                         .columns = {"order_id"},
                         .ref_table = "Order",
                         .ref_columns = {"id"},
                         .on_delete = FkAction::kCascade},
              ForeignKey{.name = "items_qty_fkey",
                         .columns = {"qty"},
                         .ref_table = "products",
                         .ref_columns = {"code"},
                         .on_delete = FkAction::kRestrict,
                         .deferrable = true},
          },
      .without_rowid = true,
  };
}

Table ExpectedProducts() {
  return Table{
      .schema = "main",
      .name = "products",
      .columns =
          {
              Column{.name = "code", .type = "TEXT", .nullable = false},  // STRICT: PK not null
              Column{.name = "name", .type = "TEXT"},
              Column{.name = "parent", .type = "TEXT"},
          },
      .primary_key = PrimaryKey{.name = "products_pk", .columns = {"code"}},
      .indexes = {Index{.name = "products lower name",
                        .unique = true,
                        .parts = {IndexPart{.expr = "lower(name)"},
                                  IndexPart{.expr = "code COLLATE NOCASE", .desc = true}},
                        .where = "name IS NOT NULL AND code <> 'x'"}},
      .foreign_keys = {ForeignKey{.name = "products_parent_fkey",
                                  .columns = {"parent"},
                                  .ref_table = "products",
                                  .ref_columns = {"code"},
                                  .on_delete = FkAction::kSetDefault}},
      .strict = true,
      // Kept verbatim, as SQLite stores it.
      .triggers =
          {{.name = "trg",
            .definition =
                "CREATE TRIGGER trg AFTER INSERT ON products BEGIN SELECT 1; SELECT 2; END"}},
  };
}

std::string Json(const Table& t) {
  return schema::ToJson(schema::Realm{.schemas = {{.name = "main", .tables = {t}}}});
}

schema::Realm InspectSql(std::string_view sql) {
  auto conn = Connect("sqlite://:memory:");
  conn->Exec(sql);
  return migrate::Inspect(*conn);
}

TEST(SqliteInspectTest, EveryFeature) {
  const schema::Realm realm = InspectSql(kSchema);
  EXPECT_TRUE(realm.scoped);
  ASSERT_EQ(realm.schemas.size(), 1u);
  EXPECT_EQ(realm.schemas[0].name, "main");
  const auto& tables = realm.schemas[0].tables;
  ASSERT_EQ(tables.size(), 3u);
  const Table expected[] = {ExpectedOrder(), ExpectedItems(), ExpectedProducts()};
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(expected[i].name);
    EXPECT_EQ(tables[i].name, expected[i].name);
    ASSERT_EQ(tables[i].columns.size(), expected[i].columns.size());
    for (size_t c = 0; c < expected[i].columns.size(); ++c) {
      EXPECT_EQ(tables[i].columns[c], expected[i].columns[c]) << expected[i].columns[c].name;
    }
    EXPECT_EQ(tables[i].primary_key, expected[i].primary_key);
    EXPECT_EQ(tables[i].indexes, expected[i].indexes);
    EXPECT_EQ(tables[i].foreign_keys, expected[i].foreign_keys);
    EXPECT_EQ(tables[i].checks, expected[i].checks);
    EXPECT_EQ(tables[i], expected[i]) << Json(tables[i]);
  }
  EXPECT_TRUE(realm.unsupported.empty()) << schema::ToJson(realm);
  EXPECT_EQ(realm.schemas[0].views,
            (std::vector<schema::View>{{.schema = "main",
                                        .name = "v",
                                        .definition = "CREATE VIEW v AS SELECT * FROM products",
                                        .depends = {{"main", "products"}}}}));
}

TEST(SqliteInspectTest, InternalAndVirtualTablesAreNotUserTables) {
  const schema::Realm realm = InspectSql(
      "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);"
      "INSERT INTO t DEFAULT VALUES;"
      "CREATE INDEX t_id ON t (id);"
      "ANALYZE;"
      "CREATE VIRTUAL TABLE docs USING fts5(body);");
  ASSERT_EQ(realm.schemas[0].tables.size(), 1u);
  EXPECT_EQ(realm.schemas[0].tables[0].name, "t");
  EXPECT_EQ(realm.unsupported,
            (std::vector<schema::Unsupported>{{"virtual table", "main", "docs"}}));
}

TEST(SqliteInspectTest, ConstraintNamesAndAwkwardIdentifiers) {
  const schema::Realm realm = InspectSql(R"sql(
    CREATE TABLE "a b" ("x y" INT, [z] INT, `w` INT, "it's" INT,
                        UNIQUE ("x y", z), CONSTRAINT "named ""u""" UNIQUE (w),
                        CONSTRAINT c1 CHECK (z > 0), CHECK (w > 0), CHECK ("it's" <> ';'),
                        FOREIGN KEY (z) REFERENCES "a b" ("x y"), FOREIGN KEY (z) REFERENCES other,
                        CONSTRAINT "named fk" FOREIGN KEY ("x y") REFERENCES other (id));
  )sql");
  const Table& t = realm.schemas[0].tables.at(0);
  ASSERT_EQ(t.indexes.size(), 2u);
  EXPECT_EQ(t.indexes[0].name, "a b_x y_z_key");
  EXPECT_EQ(t.indexes[1].name, "named \"u\"");
  ASSERT_EQ(t.checks.size(), 3u);
  EXPECT_EQ(t.checks[0], (Check{.name = "a b_chk_1", .expr = "w > 0"}));
  EXPECT_EQ(t.checks[1], (Check{.name = "a b_chk_2", .expr = "\"it's\" <> ';'"}));
  EXPECT_EQ(t.checks[2], (Check{.name = "c1", .expr = "z > 0"}));
  ASSERT_EQ(t.foreign_keys.size(), 3u);
  EXPECT_EQ(t.foreign_keys[0].name, "a b_z_fkey");
  EXPECT_EQ(t.foreign_keys[0].ref_table, "a b");
  EXPECT_EQ(t.foreign_keys[1].name, "a b_z_fkey1");
  EXPECT_EQ(t.foreign_keys[1].ref_table, "other");
  EXPECT_TRUE(t.foreign_keys[1].ref_columns.empty());  // no such table: nothing to resolve
  EXPECT_EQ(t.foreign_keys[2].name, "named fk");
}

// CreateStatements renders a realm that, executed on an empty database, inspects back equal.
TEST(SqliteInspectTest, CreateStatementsRoundTrip) {
  const schema::Realm realm = InspectSql(kSchema);
  for (const std::string indent : {"", "  "}) {
    SCOPED_TRACE(fmt::format("indent \"{}\"", indent));
    TempDatabase db(Dialect::kSqlite);
    auto conn = db.Connect();
    const auto statements = migrate::CreateStatements(Dialect::kSqlite, realm, {.indent = indent});
    std::string script;
    for (const auto& s : statements) {
      EXPECT_FALSE(s.sql.ends_with(";")) << s.sql;
      EXPECT_FALSE(s.no_tx);
      script += s.sql + ";\n";
    }
    migrate::ExecScript(*conn, script, "created.sql");
    const schema::Realm back = migrate::Inspect(*conn);
    EXPECT_EQ(back.schemas, realm.schemas) << script << schema::ToJson(back);
  }
}

// A descending key is a real key index; `INTEGER PRIMARY KEY DESC` in particular is not a rowid
// alias, while a table constraint PRIMARY KEY (id DESC) on an INTEGER column is one (SQLite's
// documented quirk), so it carries no order.
constexpr std::string_view kDescendingKeys = R"sql(
CREATE TABLE not_alias (id INTEGER PRIMARY KEY DESC, v TEXT);
CREATE TABLE alias (id INTEGER, v TEXT, PRIMARY KEY (id DESC));
CREATE TABLE text_key (k TEXT PRIMARY KEY DESC);
CREATE TABLE pair (a TEXT NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b DESC)) WITHOUT ROWID;
)sql";

TEST(SqliteInspectTest, DescendingPrimaryKeys) {
  const schema::Realm realm = InspectSql(kDescendingKeys);
  const auto& tables = realm.schemas.at(0).tables;
  ASSERT_EQ(tables.size(), 4u);
  EXPECT_EQ(tables[0].name, "alias");
  EXPECT_EQ(tables[0].primary_key, (PrimaryKey{.columns = {"id"}}));
  EXPECT_EQ(tables[1].name, "not_alias");
  EXPECT_EQ(tables[1].primary_key, (PrimaryKey{.columns = {"id"}, .desc = {true}}));
  EXPECT_EQ(tables[2].name, "pair");
  EXPECT_EQ(tables[2].primary_key, (PrimaryKey{.columns = {"a", "b"}, .desc = {false, true}}));
  EXPECT_EQ(tables[3].name, "text_key");
  EXPECT_EQ(tables[3].primary_key, (PrimaryKey{.columns = {"k"}, .desc = {true}}));
  EXPECT_NE(Json(tables[2]).find("\"desc\": [\n"), std::string::npos) << Json(tables[2]);

  // Re-created, the keys are the same: the rowid alias stays one and the others stay indexes.
  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();
  for (const auto& st : migrate::CreateStatements(Dialect::kSqlite, realm)) conn->Exec(st.sql);
  EXPECT_EQ(migrate::Inspect(*conn).schemas, realm.schemas);
  for (const auto& [table, indexes] : {std::pair{"alias", "0"}, std::pair{"not_alias", "1"},
                                       std::pair{"text_key", "1"}, std::pair{"pair", "1"}}) {
    EXPECT_EQ(conn->Query(fmt::format("SELECT count(*) FROM pragma_index_list('{}')", table))
                  .rows.at(0)
                  .at(0),
              indexes)
        << table;
  }
}

// ON CONFLICT clauses are not modelled: each one other than the default ABORT is reported
// (SQLite ignores the clause on CHECK constraints, so those are not).
TEST(SqliteInspectTest, ReportsOnConflictClauses) {
  const schema::Realm realm = InspectSql(R"sql(
    CREATE TABLE t (
      id INTEGER PRIMARY KEY ON CONFLICT REPLACE,
      a TEXT NOT NULL ON CONFLICT IGNORE UNIQUE ON CONFLICT FAIL,
      b TEXT CONSTRAINT b_nn NOT NULL ON CONFLICT ABORT,
      c INT CHECK (c > 0),
      CONSTRAINT t_bc UNIQUE (b, c) ON CONFLICT ROLLBACK,
      CHECK (c < 10) ON CONFLICT IGNORE
    );
    CREATE TABLE u (x INT, y INT, PRIMARY KEY (x, y) ON CONFLICT ignore);
  )sql");
  std::vector<std::string> found;
  for (const auto& u : realm.unsupported) found.push_back(u.kind + ": " + u.schema + "." + u.name);
  EXPECT_EQ(found, (std::vector<std::string>{
                       "constraint option: main.t UNIQUE (b, c) ON CONFLICT ROLLBACK",
                       "constraint option: main.t.a NOT NULL ON CONFLICT IGNORE",
                       "constraint option: main.t.a UNIQUE ON CONFLICT FAIL",
                       "constraint option: main.t.id PRIMARY KEY ON CONFLICT REPLACE",
                       "constraint option: main.u PRIMARY KEY (x, y) ON CONFLICT IGNORE"}));
  // The constraints themselves are still read.
  const Table& t = realm.schemas.at(0).tables.at(0);
  EXPECT_FALSE(t.columns.at(1).nullable);
  EXPECT_EQ(t.checks.size(), 2u);
  EXPECT_EQ(t.indexes.size(), 2u);
}

TEST(SqliteInspectTest, CreateStatementsText) {
  const schema::Realm realm = InspectSql(
      "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE, "
      "age INT CHECK (age > 0));"
      "CREATE TABLE pets (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES users (id) "
      "ON DELETE CASCADE);"
      "CREATE INDEX pets_owner ON pets (owner_id);");
  const auto statements = migrate::CreateStatements(Dialect::kSqlite, realm, {.indent = "  "});
  ASSERT_EQ(statements.size(), 3u);
  // users first: pets references it.
  EXPECT_EQ(statements[0].sql,
            "CREATE TABLE \"users\" (\n"
            "  \"id\" INTEGER PRIMARY KEY AUTOINCREMENT,\n"
            "  \"email\" TEXT NOT NULL UNIQUE,\n"
            "  \"age\" INT,\n"
            "  CHECK (age > 0)\n"
            ")");
  EXPECT_EQ(statements[1].sql,
            "CREATE TABLE \"pets\" (\n"
            "  \"id\" INTEGER PRIMARY KEY,\n"
            "  \"owner_id\" INTEGER,\n"
            "  FOREIGN KEY (\"owner_id\") REFERENCES \"users\" (\"id\") ON DELETE CASCADE\n"
            ")");
  EXPECT_EQ(statements[2].sql, "CREATE INDEX \"pets_owner\" ON \"pets\" (\"owner_id\")");
}

// The inspector's cost in queries does not grow with the number of tables.
TEST(SqliteInspectTest, ConstantRoundTrips) {
  auto count = [](int tables) {
    auto conn = Connect("sqlite://:memory:");
    std::string sql;
    for (int i = 0; i < tables; ++i) {
      sql += fmt::format(
          "CREATE TABLE t{0} (id INTEGER PRIMARY KEY, a TEXT UNIQUE, b INT CHECK (b > 0), "
          "p INT REFERENCES t{1} (id));"
          "CREATE INDEX t{0}_b ON t{0} (b) WHERE b > 1;",
          i, i == 0 ? 0 : i - 1);
    }
    conn->Exec(sql);
    const std::uint64_t before = conn->round_trips();
    const schema::Realm realm = migrate::Inspect(*conn);
    EXPECT_EQ(realm.schemas[0].tables.size(), static_cast<size_t>(tables));
    return conn->round_trips() - before;
  };
  const std::uint64_t ten = count(10);
  EXPECT_EQ(ten, count(100));
  EXPECT_LE(ten, 5u);
}

TEST(SqliteInspectTest, CleanDropsEverything) {
  for (const bool in_transaction : {false, true}) {
    SCOPED_TRACE(in_transaction ? "inside a transaction" : "outside a transaction");
    TempDatabase db(Dialect::kSqlite);
    auto conn = db.Connect();
    conn->Exec(std::string(kSchema));
    conn->Exec(
        "INSERT INTO \"Order\" (\"select\") VALUES ('a');"
        "INSERT INTO products (code) VALUES ('p');"
        "INSERT INTO items (order_id, line, sku) VALUES (1, 1, 'p');"
        "CREATE TABLE cyc_a (id INTEGER PRIMARY KEY, b INT REFERENCES cyc_b (id));"
        "CREATE TABLE cyc_b (id INTEGER PRIMARY KEY, a INT REFERENCES cyc_a (id));"
        "CREATE VIRTUAL TABLE docs USING fts5(body);");
    if (in_transaction) conn->Exec("BEGIN");
    migrate::Clean(*conn);
    if (in_transaction) conn->Exec("COMMIT");
    const schema::Realm realm = migrate::Inspect(*conn);
    EXPECT_TRUE(realm.schemas[0].tables.empty());
    EXPECT_TRUE(realm.unsupported.empty());
    EXPECT_EQ(*conn->Query("PRAGMA foreign_keys").rows[0][0], "1");
    EXPECT_NO_THROW(migrate::RequireClean(*conn, "dev"));
    migrate::Clean(*conn);  // nothing left: a no-op
  }
}

}  // namespace
}  // namespace strata
