// Running statements: ApplyStatements' transactions, hooks and foreign_keys pragmas, and the one
// rule for "this file manages its own transactions", as every caller applies it.
#include "migrate/statements.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

#include "strata/error.hpp"
#include "strata/migrate/executor.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"
#include "support/migration_files.hpp"

namespace strata::migrate {
namespace {

using ::testing::HasSubstr;
using testing::QueryValue;
using testing::TableExists;
using testing::TempDatabase;
using testing::TempDir;
using testing::WriteMigrations;

std::string ForeignKeys(Conn& conn) { return QueryValue(conn, "PRAGMA foreign_keys"); }

// A SQLite plan that rebuilds a table (the planner's pragmas around it) fails in the copy: the
// rollback must not leave the connection with foreign keys off.
TEST(ApplyStatementsTest, FailingSqliteRebuildLeavesForeignKeysOn) {
  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();
  conn->Exec("CREATE TABLE t (a integer); INSERT INTO t VALUES (NULL)");
  auto dev = Connect("sqlite://:memory:");
  dev->Exec("CREATE TABLE t (a integer NOT NULL)");
  const Plan plan = PlanChanges(
      Dialect::kSqlite, Diff(Inspect(*conn), Inspect(*dev), DiffOptionsFor(Dialect::kSqlite)));
  ASSERT_GE(plan.statements.size(), 3u);
  ASSERT_EQ(ForeignKeysPragma(plan.statements.front().sql), false);
  ASSERT_EQ(ForeignKeysPragma(plan.statements.back().sql), true);
  try {
    ApplyStatements(*conn, plan.statements);
    FAIL() << "a NULL was copied into a NOT NULL column";
  } catch (const StatementError& e) {
    EXPECT_GT(e.index, 0u);
    EXPECT_LT(e.index, plan.statements.size() - 1);
    EXPECT_EQ(e.statement, plan.statements[e.index].sql);
    EXPECT_THAT(e.what(), HasSubstr("NOT NULL"));
  }
  EXPECT_EQ(ForeignKeys(*conn), "1");
  EXPECT_EQ(QueryValue(*conn, "SELECT count(*) FROM sqlite_schema WHERE name = 'new_t'"), "0");
  EXPECT_EQ(QueryValue(*conn, "SELECT count(*) FROM t"), "1");
}

TEST(ApplyStatementsTest, NoTxStatementsRunAloneBetweenTransactionsTheHooksShare) {
  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();
  conn->Exec("CREATE TABLE log (range text)");
  const std::vector<Statement> statements = {
      {.sql = "CREATE TABLE a (x integer)"},
      {.sql = "INSERT INTO a VALUES (1)"},
      {.sql = "CREATE TABLE b (x integer)", .no_tx = true},
      {.sql = "INSERT INTO a VALUES (2)"},
      {.sql = "INSERT INTO missing VALUES (1)"},
  };
  std::vector<size_t> alone;
  std::vector<std::pair<size_t, size_t>> committed;
  const ApplyHooks hooks{
      .run_alone =
          [&](size_t i) {
            alone.push_back(i);
            conn->Exec(statements[i].sql);
          },
      .before_commit =
          [&](size_t begin, size_t end) {
            committed.emplace_back(begin, end);
            conn->Exec(fmt::format("INSERT INTO log VALUES ('{}-{}')", begin, end));
          }};
  try {
    ApplyStatements(*conn, statements, hooks);
    FAIL() << "an insert into a missing table passed";
  } catch (const StatementError& e) {
    EXPECT_EQ(e.index, 4u);
    EXPECT_EQ(e.statement, "INSERT INTO missing VALUES (1)");
    EXPECT_THAT(e.what(), HasSubstr("statement 5 of 5 failed: no such table: missing"));
  }
  EXPECT_EQ(alone, (std::vector<size_t>{2}));
  // The first transaction committed with its hook's row; the second rolled back with its own.
  EXPECT_EQ(committed, (std::vector<std::pair<size_t, size_t>>{{0, 2}}));
  EXPECT_EQ(QueryValue(*conn, "SELECT group_concat(range) FROM log"), "0-2");
  EXPECT_EQ(QueryValue(*conn, "SELECT group_concat(x) FROM a"), "1");
  EXPECT_TRUE(TableExists(*conn, "b"));
}

TEST(TransactionControlTest, SavepointsStayInsideATransactionAbortEndsOne) {
  for (const char* statement :
       {"BEGIN", "begin transaction", "START TRANSACTION", "COMMIT", "END", "ROLLBACK",
        "rollback work", "ABORT", "PREPARE TRANSACTION 'x'", "COMMIT PREPARED 'x'"}) {
    EXPECT_TRUE(IsTransactionControl(statement)) << statement;
  }
  for (const char* statement :
       {"ROLLBACK TO SAVEPOINT s", "rollback to s", "ROLLBACK TRANSACTION TO SAVEPOINT s",
        "ROLLBACK WORK TO s", "SAVEPOINT s", "RELEASE SAVEPOINT s", "PREPARE q AS SELECT 1",
        "CREATE TABLE begin_end (id integer)"}) {
    EXPECT_FALSE(IsTransactionControl(statement)) << statement;
  }
}

// Each file, as an up and a down part, is classified the same way by every caller of the rule:
// the dev-database replay (NeedsNoTx), `migrate apply` and `migrate down`.
TEST(TransactionControlTest, EveryCallerClassifiesAFileTheSameWay) {
  struct Case {
    const char* name;
    const char* sql;
    bool manages_transactions;
  };
  const Case cases[] = {
      {"savepoint", "SAVEPOINT s;\nINSERT INTO log VALUES (2);\nROLLBACK TO SAVEPOINT s;\n", false},
      {"abort", "INSERT INTO log VALUES (2);\nABORT;\n", true},
      {"wrapped", "BEGIN;\nINSERT INTO log VALUES (2);\nCOMMIT;\n", true},
      {"plain", "INSERT INTO log VALUES (2);\n", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir tmp;
    const Dir dir = WriteMigrations(tmp.path(), {{"1_log.up.sql", "CREATE TABLE log (v int);\n"},
                                                 {"1_log.down.sql", "DROP TABLE log;\n"},
                                                 {"2_case.up.sql", c.sql},
                                                 {"2_case.down.sql", c.sql}});
    EXPECT_EQ(NeedsNoTx(dir), c.manages_transactions);
    TempDatabase db(Dialect::kSqlite);
    auto conn = db.Connect();
    const ApplyResult applied = Apply(*conn, dir, {.dry_run = true});
    ASSERT_EQ(applied.files.size(), 2u);
    EXPECT_EQ(applied.files[1].no_tx, c.manages_transactions);
    SetVersion(*conn, dir, "2");
    const DownResult reverted = Down(*conn, dir, {.dry_run = true});
    ASSERT_EQ(reverted.files.size(), 1u);
    EXPECT_EQ(reverted.files[0].no_tx, c.manages_transactions);
  }
}

// A file that uses savepoints loads through a PostgreSQL dev database, where SAVEPOINT fails
// outside a transaction: it is normalized inside one.
TEST(TransactionControlTest, FileWithSavepointsLoadsOnPostgres) {
  TempDatabase dev(Dialect::kPostgres);
  auto conn = dev.Connect();
  TempDir tmp;
  const std::filesystem::path file = tmp.path() / "schema.sql";
  std::ofstream(file) << "CREATE TABLE kept (id integer);\nSAVEPOINT s;\n"
                         "CREATE TABLE undone (id integer);\nROLLBACK TO SAVEPOINT s;\n";
  const schema::Realm realm = LoadState("file://" + file.string(), conn.get());
  ASSERT_EQ(realm.FindSchema("public")->tables.size(), 1u);
  EXPECT_EQ(realm.FindSchema("public")->tables[0].name, "kept");
}

}  // namespace
}  // namespace strata::migrate
