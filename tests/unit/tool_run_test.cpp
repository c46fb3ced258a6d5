// Files that each format's own tool applies (issue 13): RunAsTool against the real servers'
// behaviour, `migrate diff` splitting an enum change that uses the values it adds, and the warning
// for SQLite rebuilds that golang-migrate's transaction would turn into lost rows.
#include "migrate/tool_run.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "strata/error.hpp"
#include "strata/migrate/diff_dir.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;
using strata::testing::TempDatabase;
using strata::testing::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

void WriteText(const fs::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string Count(Conn& conn, std::string_view table) {
  return conn.Query(fmt::format("SELECT count(*) FROM {}", table)).rows.at(0).at(0).value_or("");
}

std::string ErrorOf(Conn& conn, DirFormat format, std::string_view sql, bool no_tx = false) {
  try {
    RunAsTool(conn, format, {.sql = sql, .file = "f.sql", .no_tx = no_tx}, false);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// PostgreSQL as golang-migrate reaches it: one request a file.
TEST(RunAsTool, GolangMigrateSendsThePostgresFileInOneRequest) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  conn->Exec("CREATE TYPE plan AS ENUM ('free'); CREATE TABLE t (id integer)");
  // One transaction: the new value cannot be used, and nothing of the file stays.
  EXPECT_THAT(ErrorOf(*conn, DirFormat::kGolangMigrate,
                      "ALTER TYPE plan ADD VALUE 'trial';\n"
                      "CREATE TABLE u (p plan DEFAULT 'trial');\n"),
              AllOf(HasSubstr("f.sql:2: golang-migrate sends the whole file to PostgreSQL as one "
                              "request"),
                    HasSubstr("unsafe use of new value \"trial\""), HasSubstr("55P04")));
  EXPECT_EQ(conn->Query("SELECT count(*) FROM pg_enum").rows.at(0).at(0), "1");
  // A request of one statement has no implicit transaction around it; two have one.
  EXPECT_EQ(ErrorOf(*conn, DirFormat::kGolangMigrate,
                    "-- create an index\nCREATE INDEX CONCURRENTLY i1 ON t (id);\n"),
            "");
  EXPECT_THAT(ErrorOf(*conn, DirFormat::kGolangMigrate,
                      "CREATE INDEX CONCURRENTLY i2 ON t (id);\nSELECT 1;\n"),
              HasSubstr("cannot run inside a transaction block"));
  // goose with NO TRANSACTION runs statement by statement: each commits on its own.
  EXPECT_EQ(
      ErrorOf(*conn, DirFormat::kGoose,
              "ALTER TYPE plan ADD VALUE 'trial';\nCREATE TABLE u (p plan DEFAULT 'trial');\n",
              true),
      "");
  EXPECT_EQ(Count(*conn, "u"), "0");
}

// SQLite as golang-migrate reaches it: the file inside BEGIN … COMMIT, where
// `PRAGMA foreign_keys = off` does nothing.
TEST(RunAsTool, GolangMigrateWrapsTheSqliteFileInATransaction) {
  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();  // enforces foreign keys, as go-sqlite3 with _foreign_keys=on
  conn->Exec(
      "CREATE TABLE p (id INTEGER PRIMARY KEY);"
      "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id) ON DELETE CASCADE);"
      "INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1);");
  constexpr std::string_view kRebuild =
      "PRAGMA foreign_keys = off;\n"
      "CREATE TABLE new_p (id INTEGER PRIMARY KEY, x TEXT);\n"
      "INSERT INTO new_p (id) SELECT id FROM p;\n"
      "DROP TABLE p;\n"
      "ALTER TABLE new_p RENAME TO p;\n"
      "PRAGMA foreign_keys = on;\n";
  EXPECT_EQ(ErrorOf(*conn, DirFormat::kGolangMigrate, kRebuild), "");
  EXPECT_EQ(Count(*conn, "c"), "0") << "the cascade the pragma did not prevent";
  EXPECT_FALSE(conn->InTransaction());

  // dbmate's transaction:false runs the section without a transaction: the pragma works.
  conn->Exec(
      "DROP TABLE c; DROP TABLE p; CREATE TABLE p (id INTEGER PRIMARY KEY);"
      "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id) ON DELETE "
      "CASCADE); INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1);");
  EXPECT_EQ(ErrorOf(*conn, DirFormat::kDbmate, kRebuild, true), "");
  EXPECT_EQ(Count(*conn, "c"), "1");
  // A failure leaves nothing of the file.
  EXPECT_THAT(ErrorOf(*conn, DirFormat::kGolangMigrate,
                      "CREATE TABLE z (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n"),
              HasSubstr("no such table: nowhere"));
  EXPECT_THAT(ErrorOf(*conn, DirFormat::kGolangMigrate, "SELECT * FROM z;"),
              HasSubstr("no such table: z"));
}

class EnumSplitTest : public ::testing::Test {
 protected:
  std::string State(const std::string& name, std::string_view sql) {
    WriteText(tmp_.path() / name, sql);
    return "file://" + (tmp_.path() / name).string();
  }
  DiffDirResult Diff(const std::string& sql, const std::string& name) {
    DiffDirOptions o;
    o.to = State(name + ".sql", sql);
    o.name = name;
    return DiffDir(*dev_, dir_, o);
  }
  // Applies the directory's up files from version `from` on, each as golang-migrate sends it.
  void ApplyAsGolangMigrate(Conn& conn, size_t from) {
    for (size_t i = from; i < dir_.migrations().size(); ++i) {
      const Migration& m = dir_.migrations()[i];
      RunAsTool(conn, DirFormat::kGolangMigrate,
                {.sql = m.up_sql, .file = (dir_.path() / m.up_file).string()}, false);
    }
  }

  TempDir tmp_;
  fs::path path_ = [this] {
    fs::create_directory(tmp_.path() / "migrations");
    return tmp_.path() / "migrations";
  }();
  Dir dir_ = Dir::Open(path_, DirFormat::kGolangMigrate);
  TempDatabase dev_db_{Dialect::kPostgres};
  std::unique_ptr<Conn> dev_ = dev_db_.Connect();
};

// The change of issue 13: a value added to an enum type and used as a default.
TEST_F(EnumSplitTest, AnEnumValueAddedAndUsedBecomesTwoVersions) {
  Diff(
      "CREATE TYPE plan AS ENUM ('free', 'pro');\n"
      "CREATE TABLE tenants (id integer PRIMARY KEY, plan plan NOT NULL DEFAULT 'free');\n",
      "init");
  TempDatabase target(Dialect::kPostgres);
  auto conn = target.Connect();
  ApplyAsGolangMigrate(*conn, 0);
  conn->Exec("INSERT INTO tenants VALUES (1, 'pro')");

  const DiffDirResult result = Diff(
      "CREATE TYPE plan AS ENUM ('free', 'pro', 'trial');\n"
      "CREATE TABLE tenants (id integer PRIMARY KEY, plan plan NOT NULL DEFAULT 'trial');\n",
      "add_trial");
  ASSERT_EQ(result.versions.size(), 2u);
  EXPECT_EQ(result.version, result.versions.back());
  ASSERT_EQ(dir_.migrations().size(), 3u);
  const Migration& values = dir_.migrations()[1];
  const Migration& rest = dir_.migrations()[2];
  EXPECT_EQ(values.up_file, result.versions[0] + "_add_trial_enum_values.up.sql");
  EXPECT_EQ(rest.up_file, result.versions[1] + "_add_trial.up.sql");
  EXPECT_THAT(values.up_sql, AllOf(HasSubstr("ADD VALUE IF NOT EXISTS 'trial'"),
                                   Not(HasSubstr("tenants")), Not(HasSubstr("txmode"))));
  EXPECT_THAT(rest.up_sql, AllOf(HasSubstr("SET DEFAULT 'trial'"), Not(HasSubstr("ADD VALUE")),
                                 Not(HasSubstr("txmode"))));
  EXPECT_FALSE(values.no_tx || rest.no_tx);

  // golang-migrate applies them, one request each; the rows stay.
  ASSERT_NO_THROW(ApplyAsGolangMigrate(*conn, 1));
  conn->Exec("INSERT INTO tenants (id) VALUES (2)");
  EXPECT_EQ(conn->Query("SELECT plan::text FROM tenants ORDER BY id").rows,
            (std::vector<Row>{{"pro"}, {"trial"}}));
  // And their down files take it back, last first.
  conn->Exec("DELETE FROM tenants WHERE id = 2");
  for (const Migration* m : {&rest, &values}) {
    ASSERT_NO_THROW(RunAsTool(*conn, DirFormat::kGolangMigrate,
                              {.sql = m->down_sql, .file = m->down_file}, false));
  }
  EXPECT_EQ(conn->Query("SELECT count(*) FROM pg_enum").rows.at(0).at(0), "2");

  // Written again from the start, the directory replays on the dev database (the second file
  // uses the value the first adds, committed in between) and is in sync.
  const DiffDirResult again = Diff(
      "CREATE TYPE plan AS ENUM ('free', 'pro', 'trial');\n"
      "CREATE TABLE tenants (id integer PRIMARY KEY, plan plan NOT NULL DEFAULT 'trial');\n",
      "again");
  EXPECT_TRUE(again.in_sync());
  EXPECT_NO_THROW(RequireClean(*dev_, "dev"));
}

// The up part removes a value a default used: the down part would add it back and use it, so the
// removal comes last, in a version whose down part only adds the value.
TEST_F(EnumSplitTest, ADownPartThatWouldUseAValueItAddsBackIsSplitToo) {
  Diff(
      "CREATE TYPE plan AS ENUM ('trial', 'free');\n"
      "CREATE TABLE tenants (id integer PRIMARY KEY, plan plan NOT NULL DEFAULT 'trial');\n",
      "init");
  const DiffDirResult result = Diff(
      "CREATE TYPE plan AS ENUM ('free');\n"
      "CREATE TABLE tenants (id integer PRIMARY KEY, plan plan NOT NULL DEFAULT 'free');\n",
      "drop_trial");
  ASSERT_EQ(result.versions.size(), 2u);
  const Migration& rest = dir_.migrations()[1];
  const Migration& removal = dir_.migrations()[2];
  EXPECT_EQ(rest.up_file, result.versions[0] + "_drop_trial.up.sql");
  EXPECT_EQ(removal.up_file, result.versions[1] + "_drop_trial_drop_enum_values.up.sql");
  EXPECT_THAT(rest.down_sql, AllOf(HasSubstr("SET DEFAULT 'trial'"), Not(HasSubstr("ADD VALUE"))));
  EXPECT_THAT(removal.down_sql, HasSubstr("ADD VALUE IF NOT EXISTS 'trial'"));

  TempDatabase target(Dialect::kPostgres);
  auto conn = target.Connect();
  ASSERT_NO_THROW(ApplyAsGolangMigrate(*conn, 0));
  for (const Migration* m : {&removal, &rest}) {
    ASSERT_NO_THROW(RunAsTool(*conn, DirFormat::kGolangMigrate,
                              {.sql = m->down_sql, .file = m->down_file}, false));
  }
  EXPECT_EQ(conn->Query("SELECT column_default FROM information_schema.columns WHERE "
                        "table_name = 'tenants' AND column_name = 'plan'")
                .rows.at(0)
                .at(0),
            "'trial'::plan");
}

// A SQLite rebuild of a table others reference: safe under strata's executor and with foreign
// keys off, but golang-migrate's transaction makes the pragma a no-op; the diff says what is at
// risk.
TEST(RebuildWarning, NamesTheToolTheTableAndTheRowsAtRisk) {
  for (const DirFormat format : {DirFormat::kGolangMigrate, DirFormat::kDbmate}) {
    TempDir tmp;
    fs::create_directory(tmp.path() / "migrations");
    Dir dir = Dir::Open(tmp.path() / "migrations", format);
    auto dev = Connect("sqlite://:memory:");
    DiffDirOptions o;
    WriteText(tmp.path() / "v1.sql",
              "CREATE TABLE writers (id INTEGER PRIMARY KEY, name TEXT);\n"
              "CREATE TABLE posts (id INTEGER PRIMARY KEY, writer_id INTEGER REFERENCES writers "
              "(id) ON DELETE CASCADE);\n"
              "CREATE TABLE notes (id INTEGER PRIMARY KEY, writer_id INTEGER REFERENCES writers "
              "(id) ON DELETE SET NULL);\n");
    o.to = "file://" + (tmp.path() / "v1.sql").string();
    o.name = "init";
    EXPECT_TRUE(DiffDir(*dev, dir, o).warnings.empty());
    WriteText(tmp.path() / "v2.sql",
              "CREATE TABLE writers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
              "CREATE TABLE posts (id INTEGER PRIMARY KEY, writer_id INTEGER REFERENCES writers "
              "(id) ON DELETE CASCADE);\n"
              "CREATE TABLE notes (id INTEGER PRIMARY KEY, writer_id INTEGER REFERENCES writers "
              "(id) ON DELETE SET NULL);\n");
    o.to = "file://" + (tmp.path() / "v2.sql").string();
    o.name = "name_required";
    const DiffDirResult result = DiffDir(*dev, dir, o);
    if (format == DirFormat::kDbmate) {
      // dbmate runs the file's section without a transaction (transaction:false): no risk.
      EXPECT_THAT(ReadText(dir.path() / result.files.at(0)),
                  HasSubstr("-- migrate:up transaction:false"));
      EXPECT_TRUE(result.warnings.empty());
      continue;
    }
    ASSERT_EQ(result.warnings.size(), 1u);
    EXPECT_THAT(result.warnings[0],
                AllOf(HasSubstr("golang-migrate runs the new migration inside a transaction"),
                      HasSubstr("rebuilding table \"writers\""),
                      HasSubstr("deletes every row of \"posts\" that references it (ON DELETE "
                                "CASCADE)"),
                      HasSubstr("sets \"writer_id\" of every row of \"notes\" that references it "
                                "to NULL")));

    // What the warning says happens, on a connection that enforces foreign keys.
    TempDatabase target(Dialect::kSqlite);
    auto conn = target.Connect();
    const Migration& first = dir.migrations().at(0);
    const Migration& second = dir.migrations().at(1);
    RunAsTool(*conn, format, {.sql = first.up_sql, .file = first.up_file}, false);
    conn->Exec(
        "INSERT INTO writers VALUES (1, 'Ann'); INSERT INTO posts VALUES (1, 1);"
        "INSERT INTO notes VALUES (1, 1)");
    RunAsTool(*conn, format, {.sql = second.up_sql, .file = second.up_file}, false);
    EXPECT_EQ(Count(*conn, "posts"), "0");
    EXPECT_EQ(conn->Query("SELECT writer_id FROM notes").rows.at(0).at(0), std::nullopt);
  }
}

}  // namespace
}  // namespace strata::migrate
