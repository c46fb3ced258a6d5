// The SQLite planner: ALTER TABLE where SQLite allows it, table rebuilds elsewhere (rows, foreign
// keys from other tables, AUTOINCREMENT marks and views survive), reverse plans, and refusals.
#include <gtest/gtest.h>

#include <algorithm>

#include "dialect/dialect.hpp"
#include "strata/driver.hpp"
#include "strata/error.hpp"
#include "strata/migrate/changes.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"

namespace strata {
namespace {

using migrate::Statement;
using testing::TempDatabase;

schema::Realm InspectSql(std::string_view sql) {
  auto conn = Connect("sqlite://:memory:");
  conn->Exec(sql);
  return migrate::Inspect(*conn);
}

// The plan from the database's current state to the state `desired_sql` builds.
migrate::Plan PlanTo(Conn& conn, std::string_view desired_sql, schema::Realm* desired = nullptr) {
  const schema::Realm to = InspectSql(desired_sql);
  if (desired != nullptr) *desired = to;
  return migrate::PlanChanges(
      Dialect::kSqlite,
      migrate::Diff(migrate::Inspect(conn), to, dialect::Get(Dialect::kSqlite).diff_options()));
}

std::vector<std::string> Sql(const std::vector<Statement>& statements) {
  std::vector<std::string> out;
  for (const auto& s : statements) out.push_back(s.sql);
  return out;
}

// The database's schema equals `expected`.
void ExpectState(Conn& conn, const schema::Realm& expected) {
  const schema::Realm actual = migrate::Inspect(conn);
  EXPECT_EQ(actual.schemas, expected.schemas)
      << "actual: " << schema::ToJson(actual) << "\nexpected: " << schema::ToJson(expected);
}

std::string One(Conn& conn, std::string_view sql) { return *conn.Query(sql).rows.at(0).at(0); }

bool Mentions(const std::vector<Statement>& statements, std::string_view text) {
  return std::any_of(statements.begin(), statements.end(),
                     [&](const Statement& s) { return s.sql.find(text) != std::string::npos; });
}

TEST(SqlitePlanTest, RebuildCopyAvoidsTheNameOfAnExistingTable) {
  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();
  // A user table already holds the name a rebuild of t would give its copy.
  conn->Exec(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);"
      "CREATE TABLE \"NEW_t\" (keep TEXT);"
      "CREATE TABLE new_2_t (keep TEXT);"
      "INSERT INTO t VALUES (1, 'x');"
      "INSERT INTO \"NEW_t\" VALUES ('mine');");
  const schema::Realm current = migrate::Inspect(*conn);
  const schema::Realm desired = InspectSql(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL DEFAULT '');"
      "CREATE TABLE \"NEW_t\" (keep TEXT);"
      "CREATE TABLE new_2_t (keep TEXT);");
  const std::vector<migrate::Change> changes =
      migrate::Diff(current, desired, dialect::Get(Dialect::kSqlite).diff_options());
  ASSERT_EQ(changes.size(), 1u) << "only t changes";
  const migrate::Plan plan = migrate::PlanChanges(
      Dialect::kSqlite, changes, {.taken_names = migrate::TableNames(current, desired)});
  EXPECT_TRUE(Mentions(plan.statements, "CREATE TABLE \"new_3_t\""))
      << ::testing::PrintToString(Sql(plan.statements));
  EXPECT_FALSE(Mentions(plan.statements, "CREATE TABLE \"new_t\""));
  migrate::ApplyStatements(*conn, plan.statements);
  ExpectState(*conn, desired);
  EXPECT_EQ(One(*conn, "SELECT keep FROM \"NEW_t\""), "mine");
  EXPECT_EQ(One(*conn, "SELECT a FROM t"), "x");
}

TEST(SqlitePlanTest, RebuildCopyAvoidsTheNameOfATableTheChangeCreates) {
  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();
  conn->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT); INSERT INTO t VALUES (1, 'x');");
  schema::Realm desired;
  // No taken_names: the planner still sees the tables the changes name.
  const migrate::Plan plan = PlanTo(*conn,
                                    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL "
                                    "DEFAULT '');"
                                    "CREATE TABLE new_t (keep TEXT);",
                                    &desired);
  EXPECT_TRUE(Mentions(plan.statements, "CREATE TABLE \"new_2_t\""))
      << ::testing::PrintToString(Sql(plan.statements));
  migrate::ApplyStatements(*conn, plan.statements);
  ExpectState(*conn, desired);
  EXPECT_EQ(One(*conn, "SELECT a FROM t"), "x");
}

TEST(SqlitePlanTest, AlterTableWherePossible) {
  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();
  conn->Exec(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, old INT);"
      "CREATE INDEX t_old ON t (old);"
      "CREATE INDEX t_a ON t (a);"
      "INSERT INTO t (id, a, old) VALUES (1, 'x', 5);");
  const schema::Realm before = migrate::Inspect(*conn);
  const std::string desired_sql =
      "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, n INT NOT NULL DEFAULT 0, note TEXT "
      "COLLATE NOCASE, owner INTEGER REFERENCES u (id) ON DELETE CASCADE);"
      "CREATE TABLE u (id INTEGER PRIMARY KEY);"
      "CREATE INDEX t_a ON t (a DESC);"
      "CREATE INDEX t_n ON t (n) WHERE n > 0;";
  schema::Realm desired;
  const migrate::Plan plan = PlanTo(*conn, desired_sql, &desired);
  const std::vector<std::string> sql = Sql(plan.statements);
  // New tables first: a column added (or a table rebuilt) may reference one.
  const std::vector<std::string> expected = {
      "CREATE TABLE \"u\" (\"id\" INTEGER PRIMARY KEY)",
      "DROP INDEX \"t_a\"",
      "DROP INDEX \"t_old\"",
      "ALTER TABLE \"t\" DROP COLUMN \"old\"",
      "ALTER TABLE \"t\" ADD COLUMN \"n\" INT NOT NULL DEFAULT 0",
      "ALTER TABLE \"t\" ADD COLUMN \"note\" TEXT COLLATE NOCASE",
      "ALTER TABLE \"t\" ADD COLUMN \"owner\" INTEGER REFERENCES \"u\" (\"id\") ON DELETE CASCADE",
      "CREATE INDEX \"t_a\" ON \"t\" (\"a\" DESC)",
      "CREATE INDEX \"t_n\" ON \"t\" (\"n\") WHERE n > 0",
  };
  EXPECT_EQ(sql, expected);
  EXPECT_EQ(plan.statements[0].comment, "create \"u\" table");
  EXPECT_EQ(plan.statements.back().comment, "modify \"t\" table");
  EXPECT_TRUE(plan.warnings.empty());

  migrate::ApplyStatements(*conn, plan.statements);
  ExpectState(*conn, desired);
  EXPECT_EQ(One(*conn, "SELECT n || '/' || a FROM t"), "0/x");

  // The reverse needs a rebuild (a column with a foreign key cannot be dropped) and restores the
  // first state.
  EXPECT_TRUE(Mentions(plan.reverse, "CREATE TABLE \"new_t\""));
  migrate::ApplyStatements(*conn, plan.reverse);
  ExpectState(*conn, before);
  EXPECT_EQ(One(*conn, "SELECT a FROM t WHERE id = 1"), "x");
}

constexpr std::string_view kParentChild = R"sql(
CREATE TABLE p (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
CREATE TABLE c (
  id INTEGER PRIMARY KEY,
  pid INTEGER REFERENCES p (id) ON DELETE CASCADE,
  qid INTEGER REFERENCES p ON DELETE SET NULL
);
CREATE TABLE tree (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES tree (id), label TEXT);
CREATE INDEX p_name ON p (name);
CREATE VIEW pv AS SELECT name FROM p;
)sql";

constexpr std::string_view kParentChildChanged = R"sql(
CREATE TABLE p (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL DEFAULT '' CHECK (name <> 'zzz'),
  extra INT
);
CREATE TABLE c (
  id INTEGER PRIMARY KEY,
  pid INTEGER REFERENCES p (id) ON DELETE CASCADE,
  qid INTEGER REFERENCES p ON DELETE SET NULL
);
CREATE TABLE tree (
  id INTEGER PRIMARY KEY,
  parent INTEGER REFERENCES tree (id),
  label TEXT NOT NULL DEFAULT 'x'
);
CREATE INDEX p_name ON p (name);
CREATE VIEW pv AS SELECT name FROM p;
)sql";

TEST(SqlitePlanTest, RebuildKeepsRowsReferencesAndViews) {
  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();
  conn->Exec(std::string(kParentChild));
  conn->Exec(
      "INSERT INTO p (id, name) VALUES (1, 'a'), (2, NULL), (5, 'gone');"
      "DELETE FROM p WHERE id = 5;"
      "INSERT INTO c VALUES (10, 1, 2), (11, 2, 1);"
      "INSERT INTO tree VALUES (1, NULL, 'root'), (2, 1, NULL);");
  const schema::Realm before = migrate::Inspect(*conn);
  schema::Realm desired;
  const migrate::Plan plan = PlanTo(*conn, kParentChildChanged, &desired);

  ASSERT_GE(plan.statements.size(), 4u);
  EXPECT_EQ(plan.statements.front().sql, "PRAGMA foreign_keys = off");
  EXPECT_TRUE(plan.statements.front().no_tx);
  EXPECT_EQ(plan.statements.back().sql, "PRAGMA foreign_keys = on");
  EXPECT_TRUE(plan.statements.back().no_tx);
  EXPECT_EQ(std::count_if(plan.statements.begin(), plan.statements.end(),
                          [](const Statement& s) { return s.no_tx; }),
            2);
  EXPECT_TRUE(Mentions(plan.statements, "PRAGMA foreign_key_check"));
  EXPECT_TRUE(Mentions(plan.statements,
                       "INSERT INTO \"new_p\" (\"id\", \"name\") SELECT \"id\", IFNULL(\"name\", "
                       "'') FROM \"p\""));
  EXPECT_FALSE(Mentions(plan.statements, "new_c"));  // c itself does not change

  migrate::ApplyStatements(*conn, plan.statements);
  ExpectState(*conn, desired);
  // Rows survived, the child's ON DELETE CASCADE did not fire, NULLs took the new default.
  EXPECT_EQ(
      One(*conn,
          "SELECT group_concat(v, ' ') FROM (SELECT id || ':' || pid || ':' || qid AS v FROM c "
          "ORDER BY id)"),
      "10:1:2 11:2:1");
  EXPECT_EQ(
      One(*conn,
          "SELECT group_concat(v, ' ') FROM (SELECT id || '=' || name AS v FROM p ORDER BY id)"),
      "1=a 2=");
  EXPECT_EQ(One(*conn,
                "SELECT group_concat(v, ' ') FROM (SELECT id || ':' || label AS v FROM tree ORDER "
                "BY id)"),
            "1:root 2:x");
  // References still point at the rebuilt tables and are enforced.
  EXPECT_EQ(One(*conn, "SELECT group_concat(\"table\", ',') FROM pragma_foreign_key_list('c')"),
            "p,p");
  EXPECT_EQ(One(*conn, "PRAGMA foreign_keys"), "1");
  EXPECT_THROW(conn->Exec("INSERT INTO c VALUES (12, 99, NULL)"), ConstraintError);
  EXPECT_THROW(conn->Exec("INSERT INTO tree VALUES (3, 99, 'orphan')"), ConstraintError);
  EXPECT_THROW(conn->Exec("INSERT INTO p (name) VALUES ('zzz')"), ConstraintError);
  // AUTOINCREMENT keeps its high-water mark; the view still works.
  conn->Exec("INSERT INTO p (name) VALUES ('new')");
  EXPECT_EQ(One(*conn, "SELECT max(id) FROM p"), "6");
  EXPECT_EQ(One(*conn, "SELECT count(*) FROM pv"), "3");
  conn->Exec("DELETE FROM p WHERE id = 6");

  // A second diff finds nothing; the reverse brings the first state back with the rows.
  EXPECT_TRUE(
      migrate::Diff(migrate::Inspect(*conn), desired, dialect::Get(Dialect::kSqlite).diff_options())
          .empty());
  migrate::ApplyStatements(*conn, plan.reverse);
  ExpectState(*conn, before);
  EXPECT_EQ(One(*conn, "SELECT count(*) FROM c"), "2");
}

TEST(SqlitePlanTest, RebuildReCreatesTheTablesTriggers) {
  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();
  const std::string triggers = R"sql(
    CREATE TRIGGER account_insert AFTER INSERT ON account
      BEGIN INSERT INTO audit VALUES (new.id, 'insert ' || new.balance); END;
    CREATE TRIGGER "Account Delete" AFTER DELETE ON Account
      BEGIN INSERT INTO audit VALUES (old.id, 'delete'); END;
  )sql";
  conn->Exec(R"sql(
    CREATE TABLE account (id INTEGER PRIMARY KEY, balance TEXT, note TEXT);
    CREATE TABLE audit (account_id INTEGER, what TEXT);
  )sql" + triggers);
  conn->Exec("INSERT INTO account (id, balance, note) VALUES (1, '10', 'x')");
  const schema::Realm before = migrate::Inspect(*conn);
  ASSERT_EQ(before.schemas[0].FindTable("account")->triggers.size(), 2u);

  // balance TEXT → INTEGER is a rebuild; the desired state drops `note` too.
  schema::Realm desired;
  const migrate::Plan plan = PlanTo(*conn, R"sql(
    CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER);
    CREATE TABLE audit (account_id INTEGER, what TEXT);
  )sql" + triggers,
                                    &desired);
  ASSERT_TRUE(Mentions(plan.statements, "DROP TABLE \"account\""));
  EXPECT_TRUE(plan.warnings.empty()) << plan.warnings.front();
  migrate::ApplyStatements(*conn, plan.statements);
  EXPECT_EQ(One(*conn,
                "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema "
                "WHERE type = 'trigger' ORDER BY name)"),
            "Account Delete,account_insert");
  conn->Exec("INSERT INTO account (id, balance) VALUES (2, 20); DELETE FROM account WHERE id = 1");
  EXPECT_EQ(One(*conn, "SELECT group_concat(account_id || ' ' || what, '; ') FROM audit"),
            "1 insert 10; 2 insert 20; 1 delete");
  // The reverse rebuild keeps them as well.
  migrate::ApplyStatements(*conn, plan.reverse);
  EXPECT_EQ(One(*conn, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"), "2");
}

TEST(SqlitePlanTest, RebuildWarnsWhenAReCreatedTriggerNamesADroppedColumn) {
  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();
  const std::string trigger = R"sql(
    CREATE TRIGGER account_note AFTER UPDATE ON account
      BEGIN INSERT INTO audit VALUES (new."note"); END;
  )sql";
  conn->Exec(R"sql(
    CREATE TABLE account (id INTEGER PRIMARY KEY, balance TEXT, note TEXT);
    CREATE TABLE audit (what TEXT);
  )sql" + trigger);
  // The desired state keeps the trigger, which still names the column it drops.
  const migrate::Plan plan = PlanTo(*conn, R"sql(
    CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER);
    CREATE TABLE audit (what TEXT);
  )sql" + trigger);
  ASSERT_EQ(plan.warnings.size(), 1u);
  EXPECT_NE(plan.warnings[0].find("trigger \"account_note\""), std::string::npos)
      << plan.warnings[0];
  EXPECT_NE(plan.warnings[0].find("column \"note\""), std::string::npos) << plan.warnings[0];
}

TEST(SqlitePlanTest, RebuildThatBreaksAReferenceRollsBack) {
  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();
  conn->Exec(
      "CREATE TABLE p (id INTEGER PRIMARY KEY);"
      "CREATE TABLE c (id INTEGER PRIMARY KEY, pid INTEGER);"
      "INSERT INTO c VALUES (1, 42);");
  const schema::Realm before = migrate::Inspect(*conn);
  const migrate::Plan plan =
      PlanTo(*conn,
             "CREATE TABLE p (id INTEGER PRIMARY KEY);"
             "CREATE TABLE c (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p (id));");
  try {
    migrate::ApplyStatements(*conn, plan.statements);
    FAIL() << "a dangling reference was committed";
  } catch (const migrate::StatementError& e) {
    EXPECT_EQ(e.sqlstate, "SQLITE_CONSTRAINT_FOREIGNKEY");
    EXPECT_NE(std::string(e.what()).find("row 1 of \"c\" references a missing row of \"p\""),
              std::string::npos)
        << e.what();
  }
  // The rebuild's closing pragma ran after the rollback all the same.
  EXPECT_EQ(One(*conn, "PRAGMA foreign_keys"), "1");
  ExpectState(*conn, before);
}

TEST(SqlitePlanTest, ChangesAlterCannotExpressRebuild) {
  struct Case {
    std::string_view name, from, to;
  };
  const Case cases[] = {
      {"type", "CREATE TABLE t (a INT)", "CREATE TABLE t (a TEXT)"},
      {"add primary key", "CREATE TABLE t (a INT NOT NULL)",
       "CREATE TABLE t (a INT NOT NULL PRIMARY KEY)"},
      {"unique column", "CREATE TABLE t (a INT)", "CREATE TABLE t (a INT, b INT UNIQUE)"},
      {"expression default", "CREATE TABLE t (a INT)",
       "CREATE TABLE t (a INT, b TEXT DEFAULT CURRENT_TIMESTAMP)"},
      {"stored column", "CREATE TABLE t (a INT)",
       "CREATE TABLE t (a INT, b INT AS (a * 2) STORED)"},
      {"drop indexed column with unique", "CREATE TABLE t (a INT, b INT UNIQUE)",
       "CREATE TABLE t (a INT)"},
      {"check", "CREATE TABLE t (a INT)", "CREATE TABLE t (a INT CHECK (a > 0))"},
      {"options", "CREATE TABLE t (a INT PRIMARY KEY)",
       "CREATE TABLE t (a INT PRIMARY KEY) WITHOUT ROWID, STRICT"},
      {"collation", "CREATE TABLE t (a TEXT)", "CREATE TABLE t (a TEXT COLLATE NOCASE)"},
      {"autoincrement", "CREATE TABLE t (a INTEGER PRIMARY KEY)",
       "CREATE TABLE t (a INTEGER PRIMARY KEY AUTOINCREMENT)"},
      {"unique constraint", "CREATE TABLE t (a INT, b INT)",
       "CREATE TABLE t (a INT, b INT, UNIQUE (a, b))"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDatabase db(Dialect::kSqlite);
    auto conn = db.Connect();
    conn->Exec(c.from);
    conn->Exec("INSERT INTO t (a) VALUES (1)");
    schema::Realm desired;
    const migrate::Plan plan = PlanTo(*conn, c.to, &desired);
    EXPECT_TRUE(Mentions(plan.statements, "CREATE TABLE \"new_t\""));
    migrate::ApplyStatements(*conn, plan.statements);
    ExpectState(*conn, desired);
    EXPECT_EQ(One(*conn, "SELECT count(*) FROM t"), "1");
  }
}

TEST(SqlitePlanTest, NotNullColumnWithoutDefaultWarnsAndFailsOnRows) {
  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();
  conn->Exec("CREATE TABLE t (a INT); INSERT INTO t VALUES (1)");
  const migrate::Plan plan = PlanTo(*conn, "CREATE TABLE t (a INT, b INT NOT NULL)");
  ASSERT_EQ(plan.warnings.size(), 1u);
  EXPECT_NE(plan.warnings[0].find("column \"b\" is added to table \"t\" as NOT NULL without a "
                                  "default"),
            std::string::npos);
  EXPECT_THROW(migrate::ApplyStatements(*conn, plan.statements), migrate::StatementError);
  EXPECT_EQ(One(*conn, "PRAGMA foreign_keys"), "1");
  conn->Exec("DELETE FROM t");
  migrate::ApplyStatements(*conn, plan.statements);  // an empty table takes it
  EXPECT_NE(migrate::Inspect(*conn).schemas[0].tables[0].FindColumn("b"), nullptr);
}

TEST(SqlitePlanTest, TablesInDependencyOrder) {
  const schema::Realm empty{.schemas = {{.name = "main"}}, .scoped = true};
  const schema::Realm realm = InspectSql(
      "CREATE TABLE a_child (id INTEGER PRIMARY KEY, p INT REFERENCES z_parent (id));"
      "CREATE TABLE m_cycle1 (id INTEGER PRIMARY KEY, o INT REFERENCES m_cycle2 (id));"
      "CREATE TABLE m_cycle2 (id INTEGER PRIMARY KEY, o INT REFERENCES m_cycle1 (id));"
      "CREATE TABLE z_parent (id INTEGER PRIMARY KEY);");
  const auto diff_options = dialect::Get(Dialect::kSqlite).diff_options();
  const migrate::Plan plan =
      migrate::PlanChanges(Dialect::kSqlite, migrate::Diff(empty, realm, diff_options));
  std::vector<std::string> order;
  for (const auto& s : plan.statements) order.push_back(s.sql.substr(13, s.sql.find(' ', 13) - 13));
  EXPECT_EQ(order, (std::vector<std::string>{"\"z_parent\"", "\"a_child\"", "\"m_cycle2\"",
                                             "\"m_cycle1\""}));
  std::vector<std::string> drops;
  for (const auto& s : plan.reverse) drops.push_back(s.sql);
  EXPECT_EQ(drops, (std::vector<std::string>{
                       "PRAGMA defer_foreign_keys = on",  // for the cycle
                       "DROP TABLE \"a_child\"",
                       "DROP TABLE \"m_cycle2\"",
                       "DROP TABLE \"m_cycle1\"",
                       "DROP TABLE \"z_parent\"",
                   }));

  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();
  migrate::ApplyStatements(*conn, plan.statements);
  conn->Exec(
      "INSERT INTO z_parent VALUES (1); INSERT INTO a_child VALUES (1, 1);"
      "INSERT INTO m_cycle1 VALUES (1, NULL); INSERT INTO m_cycle2 VALUES (1, 1);"
      "UPDATE m_cycle1 SET o = 1");
  // Children go before their parents, and the cycle's check waits for the commit.
  migrate::ApplyStatements(*conn, plan.reverse);
  EXPECT_TRUE(migrate::Inspect(*conn).schemas[0].tables.empty());
}

TEST(SqlitePlanTest, WhatSqliteDoesNotHave) {
  const auto& sqlite = dialect::Get(Dialect::kSqlite);
  EXPECT_THROW(sqlite.PlanChanges({migrate::AddEnum{{.name = "mood", .values = {"a"}}}}, {}),
               Error);
  EXPECT_THROW(sqlite.PlanChanges({migrate::AddSchema{{.name = "other"}}}, {}), Error);
  const schema::Table t{.schema = "main", .name = "t", .columns = {{.name = "a", .type = "INT"}}};
  schema::Table commented = t;
  commented.comment = "rows";
  commented.columns[0].comment = "a column";
  const migrate::Plan plan = sqlite.PlanChanges(
      {migrate::ModifySchemaComment{"main", "", "x"},
       migrate::ModifyTable{
           t,
           commented,
           {migrate::ModifyTableComment{"", "rows"},
            migrate::ModifyColumn{t.columns[0], commented.columns[0], migrate::kColumnComment}}}},
      {});
  EXPECT_TRUE(plan.statements.empty());
  EXPECT_TRUE(plan.reverse.empty());
}

}  // namespace
}  // namespace strata
