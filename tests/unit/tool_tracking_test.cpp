// Each tool's own tracking table: a database migrated by dbmate (the real binary), goose or flyway
// (their tables built as those tools build and fill them) is taken over by `strata migrate apply
// --dir-format …`, and after strata applies or reverts, the table holds exactly what the tool
// itself would have written, so the tool can take the database back.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "migrate/tool_table.hpp"
#include "strata/migrate/executor.hpp"
#include "strata/migrate/state.hpp"
#include "support/cli.hpp"
#include "support/databases.hpp"
#include "support/migration_files.hpp"

namespace strata::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string DialectName(const ::testing::TestParamInfo<Dialect>& info) {
  return info.param == Dialect::kPostgres ? "Postgres" : "Sqlite";
}

// Every row of `sql`, cells joined by '|', rows by '\n' (NULL as "NULL"). Booleans are compared
// as the test's SQL casts them.
std::string Dump(Conn& conn, const std::string& sql) {
  std::string out;
  for (const Row& row : conn.Query(sql).rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += (i > 0 ? "|" : "") + row[i].value_or("NULL");
    }
    out += "\n";
  }
  return out;
}

class ToolTrackingTest : public ::testing::TestWithParam<Dialect> {
 protected:
  Dialect dialect() const { return GetParam(); }
  bool pg() const { return dialect() == Dialect::kPostgres; }
  std::string Flags(std::string_view format) const {
    return fmt::format("--url {} --dir {} --dir-format {}", Q(db_.url()),
                       Q("file://" + dir_.path().string()), format);
  }
  CliResult Run(const std::string& command, std::string_view format) {
    return Strata(command + " " + Flags(format));
  }
  // Table names of the user's schema as strata inspects it (tracking tables left out).
  std::vector<std::string> InspectedTables() {
    std::vector<std::string> out;
    for (const schema::Schema& s : migrate::Inspect(*conn_).schemas) {
      for (const schema::Table& t : s.tables) out.push_back(t.name);
    }
    return out;
  }

  TempDatabase db_{GetParam()};
  TempDir dir_;
  std::unique_ptr<Conn> conn_ = db_.Connect();
};

// ---------------------------------------------------------------------------------------------
// dbmate, driven for real.

const Files kDbmateFiles = {
    {"20240101000001_users.sql",
     "-- migrate:up\nCREATE TABLE users (id integer PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE "
     "users;\n"},
    {"20240101000002_pets.sql",
     "-- migrate:up\nCREATE TABLE pets (id integer PRIMARY KEY, owner integer REFERENCES users "
     "(id));\n\n-- migrate:down\nDROP TABLE pets;\n"},
    {"20240101000003_tags.sql",
     "-- migrate:up\nCREATE TABLE tags (id integer PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE "
     "tags;\n"},
};

// Whether the dbmate binary is there; without it, a NOTE (or a failure under
// STRATA_REQUIRE_DBMATE=1, as CI runs), as the scenario suite does.
bool HaveDbmate() {
  std::string found;
  if (RunCommand("command -v dbmate", &found) == 0) return true;
  const char* required = std::getenv("STRATA_REQUIRE_DBMATE");
  if (required != nullptr && std::string_view(required) == "1") {
    ADD_FAILURE() << "dbmate is not installed (STRATA_REQUIRE_DBMATE=1): run scripts/bootstrap or "
                     "npm install -g dbmate@2.36.0";
  } else {
    std::cerr << "NOTE: dbmate is not installed: "
              << ::testing::UnitTest::GetInstance()->current_test_info()->name()
              << " was not run (npm install -g dbmate@2.36.0)\n";
    ::testing::Test::RecordProperty("dbmate", "not installed: test not run");
  }
  return false;
}

class DbmateTrackingTest : public ToolTrackingTest {
 protected:
  // Runs `dbmate <command>` on the test database and directory; its output, failing the test
  // when dbmate fails.
  std::string Dbmate(const std::string& command) {
    const std::string url = pg() ? db_.url() : "sqlite:" + db_.name();
    std::string output;
    const int status =
        RunCommand(fmt::format("dbmate --url {} --migrations-dir {} --no-dump-schema {}", Q(url),
                               Q(dir_.path().string()), command),
                   &output);
    EXPECT_EQ(status, 0) << "dbmate " << command << ":\n" << output;
    return output;
  }
  std::string Versions() {
    return Dump(*conn_, "SELECT version FROM schema_migrations ORDER BY version");
  }
};

TEST_P(DbmateTrackingTest, StrataTakesOverADatabaseDbmateMigrated) {
  if (!HaveDbmate()) return;
  WriteMigrations(dir_.path(), {kDbmateFiles[0], kDbmateFiles[1]}, migrate::DirFormat::kDbmate);
  Dbmate("migrate");
  ASSERT_EQ(Versions(), "20240101000001\n20240101000002\n");

  WriteMigrations(dir_.path(), kDbmateFiles, migrate::DirFormat::kDbmate);
  CliResult r = Run("migrate status", "dbmate");
  EXPECT_THAT(r.output, HasSubstr("PENDING")) << r.output;
  EXPECT_THAT(r.output, HasSubstr("taken as applied by dbmate")) << r.output;

  r = Run("migrate apply", "dbmate");
  ASSERT_EQ(r.status, 0) << r.output;
  // Only the third file ran: the first two were dbmate's, and running them again would fail.
  EXPECT_THAT(r.output, HasSubstr("20240101000003")) << r.output;
  EXPECT_THAT(r.output, Not(HasSubstr("20240101000001_users.sql"))) << r.output;
  EXPECT_TRUE(TableExists(*conn_, "tags"));
  EXPECT_EQ(Versions(), "20240101000001\n20240101000002\n20240101000003\n");
  EXPECT_EQ(Dump(*conn_, "SELECT version, kind FROM strata_schema_revisions ORDER BY version"),
            "20240101000001|adopted\n20240101000002|adopted\n20240101000003|applied\n");
  r = Run("migrate status", "dbmate");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("Migration status: OK")) << r.output;

  // dbmate sees everything applied, and rolls back what strata applied.
  const std::string status = Dbmate("status");
  EXPECT_THAT(status, HasSubstr("Applied: 3")) << status;
  EXPECT_THAT(status, HasSubstr("Pending: 0")) << status;
  Dbmate("rollback");
  EXPECT_FALSE(TableExists(*conn_, "tags"));
  r = Run("migrate status", "dbmate");
  EXPECT_THAT(r.output, HasSubstr("reverted by dbmate")) << r.output;
  EXPECT_THAT(r.output, HasSubstr("PENDING")) << r.output;
  r = Run("migrate apply", "dbmate");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(TableExists(*conn_, "tags"));
  EXPECT_EQ(Versions(), "20240101000001\n20240101000002\n20240101000003\n");
}

TEST_P(DbmateTrackingTest, DbmateTakesBackADatabaseStrataMigrated) {
  if (!HaveDbmate()) return;
  WriteMigrations(dir_.path(), kDbmateFiles, migrate::DirFormat::kDbmate);
  CliResult r = Run("migrate apply 2", "dbmate");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(Versions(), "20240101000001\n20240101000002\n");
  std::string status = Dbmate("status");
  EXPECT_THAT(status, HasSubstr("Applied: 2")) << status;
  EXPECT_THAT(status, HasSubstr("Pending: 1")) << status;

  // dbmate continues with the next version, and rolls back one strata applied.
  Dbmate("migrate");
  EXPECT_TRUE(TableExists(*conn_, "tags"));
  Dbmate("rollback");
  Dbmate("rollback");
  EXPECT_FALSE(TableExists(*conn_, "pets"));
  EXPECT_EQ(Versions(), "20240101000001\n");

  // strata's down leaves dbmate's table as dbmate's rollback would.
  r = Run("migrate apply", "dbmate");
  ASSERT_EQ(r.status, 0) << r.output;
  r = Run("migrate down 2", "dbmate");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(Versions(), "20240101000001\n");
  status = Dbmate("status");
  EXPECT_THAT(status, HasSubstr("Applied: 1")) << status;
  EXPECT_THAT(status, HasSubstr("Pending: 2")) << status;
  Dbmate("migrate");
  EXPECT_TRUE(TableExists(*conn_, "tags"));
  r = Run("migrate status", "dbmate");
  EXPECT_THAT(r.output, HasSubstr("Migration status: OK")) << r.output;

  // `migrate set` writes the table as well; dbmate then rolls back from there.
  r = Run("migrate set 20240101000002", "dbmate");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(Versions(), "20240101000001\n20240101000002\n");
  Dbmate("rollback");
  EXPECT_FALSE(TableExists(*conn_, "pets"));
}

// dbmate's --migrations-table is strata's x-migrations-table URL parameter.
TEST_P(DbmateTrackingTest, ATableOfAnotherNameIsNamedInTheUrl) {
  if (!HaveDbmate()) return;
  WriteMigrations(dir_.path(), {kDbmateFiles[0], kDbmateFiles[1]}, migrate::DirFormat::kDbmate);
  Dbmate("--migrations-table deploy_versions migrate");
  WriteMigrations(dir_.path(), kDbmateFiles, migrate::DirFormat::kDbmate);
  const std::string url = db_.url() + (db_.url().find('?') == std::string::npos ? "?" : "&") +
                          "x-migrations-table=deploy_versions";
  const CliResult r = Strata(fmt::format("migrate apply --url {} --dir {} --dir-format dbmate",
                                         Q(url), Q("file://" + dir_.path().string())));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("deploy_versions (dbmate) records 2 versions")) << r.output;
  EXPECT_EQ(Dump(*conn_, "SELECT version FROM deploy_versions ORDER BY version"),
            "20240101000001\n20240101000002\n20240101000003\n");
  EXPECT_FALSE(TableExists(*conn_, "schema_migrations"));
  const std::string status = Dbmate("--migrations-table deploy_versions status");
  EXPECT_THAT(status, HasSubstr("Applied: 3")) << status;
}

// golang-migrate's schema_migrations has the same name and other columns: a dbmate directory on
// a database golang-migrate tracks is refused, and the table is left alone.
TEST_P(ToolTrackingTest, DbmateRefusesGolangMigratesTableOfTheSameName) {
  WriteMigrations(dir_.path(), {{"1_a.up.sql", "CREATE TABLE a (id integer);"},
                                {"1_a.down.sql", "DROP TABLE a;"}});
  ASSERT_EQ(Run("migrate apply", "golang-migrate").status, 0);
  std::filesystem::remove(dir_.path() / "1_a.up.sql");
  std::filesystem::remove(dir_.path() / "1_a.down.sql");
  WriteMigrations(dir_.path(), {kDbmateFiles[0]}, migrate::DirFormat::kDbmate);
  const CliResult r = Run("migrate apply", "dbmate");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("not dbmate's tracking table")) << r.output;
  EXPECT_THAT(r.output, HasSubstr("golang-migrate")) << r.output;
  EXPECT_EQ(Dump(*conn_, "SELECT version FROM schema_migrations"), "1\n");
  EXPECT_FALSE(TableExists(*conn_, "users"));
}

// ---------------------------------------------------------------------------------------------
// goose: its table as goose's postgres and sqlite3 dialects create it (internal/dialects), rows
// as its store writes them: (0, true) with the table, (v, true) per up; a down deletes the rows
// (goose before 3.x inserted (v, false) instead).

const Files kGooseFiles = {
    {"00001_users.sql",
     "-- +goose Up\nCREATE TABLE users (id integer PRIMARY KEY);\n-- +goose Down\nDROP TABLE "
     "users;\n"},
    {"00002_pets.sql",
     "-- +goose Up\nCREATE TABLE pets (id integer PRIMARY KEY);\n-- +goose Down\nDROP TABLE "
     "pets;\n"},
    {"00003_tags.sql",
     "-- +goose Up\nCREATE TABLE tags (id integer PRIMARY KEY);\n-- +goose Down\nDROP TABLE "
     "tags;\n"},
    {"00004_notes.sql",
     "-- +goose Up\nCREATE TABLE notes (id integer PRIMARY KEY);\n-- +goose Down\nDROP TABLE "
     "notes;\n"},
};

class GooseTrackingTest : public ToolTrackingTest {
 protected:
  void CreateGooseTable() {
    conn_->Exec(pg() ? "CREATE TABLE goose_db_version (\n\t\tid integer PRIMARY KEY GENERATED BY "
                       "DEFAULT AS IDENTITY,\n\t\tversion_id bigint NOT NULL,\n\t\tis_applied "
                       "boolean NOT NULL,\n\t\ttstamp timestamp NOT NULL DEFAULT now()\n\t)"
                     : "CREATE TABLE goose_db_version (\n\t\tid INTEGER PRIMARY KEY "
                       "AUTOINCREMENT,\n\t\tversion_id INTEGER NOT NULL,\n\t\tis_applied INTEGER "
                       "NOT NULL,\n\t\ttstamp TIMESTAMP DEFAULT (datetime('now'))\n\t)");
    Goose(0, true);
  }
  void Goose(int version, bool applied) {
    conn_->Exec(fmt::format("INSERT INTO goose_db_version (version_id, is_applied) VALUES ({}, {})",
                            version, pg() ? (applied ? "true" : "false") : (applied ? "1" : "0")));
  }
  // (version_id, is_applied as 0/1) in id order, the rows goose reads.
  std::string Rows() {
    return Dump(*conn_,
                "SELECT version_id, CASE WHEN is_applied THEN 1 ELSE 0 END FROM goose_db_version "
                "ORDER BY id");
  }
  // The current version as goose's EnsureDBVersion computes it: the newest row (highest id)
  // whose version's latest row is applied.
  std::string GooseCurrent() {
    return QueryValue(*conn_,
                      "SELECT g.version_id FROM goose_db_version g WHERE g.is_applied AND g.id = "
                      "(SELECT max(id) FROM goose_db_version h WHERE h.version_id = g.version_id) "
                      "ORDER BY g.id DESC LIMIT 1");
  }
};

TEST_P(GooseTrackingTest, StrataTakesOverAndHandsBack) {
  WriteMigrations(dir_.path(), kGooseFiles, migrate::DirFormat::kGoose);
  // goose applied 1 to 3, and an old goose reverted 3 by recording (3, false).
  CreateGooseTable();
  conn_->Exec("CREATE TABLE users (id integer PRIMARY KEY)");
  Goose(1, true);
  conn_->Exec("CREATE TABLE pets (id integer PRIMARY KEY)");
  Goose(2, true);
  conn_->Exec("CREATE TABLE tags (id integer PRIMARY KEY)");
  Goose(3, true);
  conn_->Exec("DROP TABLE tags");
  Goose(3, false);
  ASSERT_EQ(GooseCurrent(), "2");

  CliResult r = Run("migrate apply", "goose");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("taken as applied by goose")) << r.output;
  EXPECT_TRUE(TableExists(*conn_, "tags"));
  EXPECT_TRUE(TableExists(*conn_, "notes"));
  EXPECT_EQ(Rows(), "0|1\n1|1\n2|1\n3|1\n3|0\n3|1\n4|1\n");
  EXPECT_EQ(GooseCurrent(), "4");
  EXPECT_EQ(Dump(*conn_, "SELECT version, kind FROM strata_schema_revisions ORDER BY version"),
            "00001|adopted\n00002|adopted\n00003|applied\n00004|applied\n");
  EXPECT_THAT(InspectedTables(), Not(::testing::Contains("goose_db_version")));

  // A down deletes the version's rows, as goose's store does, the old (3, false) row included.
  r = Run("migrate down 2", "goose");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(Rows(), "0|1\n1|1\n2|1\n");
  EXPECT_EQ(GooseCurrent(), "2");

  // goose applies 3 (inserting (3, true)); strata then sees it and applies only 4.
  conn_->Exec("CREATE TABLE tags (id integer PRIMARY KEY)");
  Goose(3, true);
  r = Run("migrate apply", "goose");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, Not(HasSubstr("00003_tags.sql"))) << r.output;
  EXPECT_EQ(Rows(), "0|1\n1|1\n2|1\n3|1\n4|1\n");

  // `migrate set` rewrites the rows goose reads.
  r = Run("migrate set 00001", "goose");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(Rows(), "0|1\n1|1\n");
  EXPECT_EQ(GooseCurrent(), "1");
}

TEST_P(GooseTrackingTest, StrataCreatesGoosesTableOnAFreshDatabase) {
  const migrate::Dir dir =
      WriteMigrations(dir_.path(), {kGooseFiles[0], kGooseFiles[1]}, migrate::DirFormat::kGoose);
  const CliResult r = Run("migrate apply", "goose");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(Rows(), "0|1\n1|1\n2|1\n");
  // The start-up check reads goose's table too: a version goose reverted since is noticed.
  EXPECT_TRUE(migrate::UpToDate(*conn_, dir));
  conn_->Exec("DROP TABLE pets");
  conn_->Exec("DELETE FROM goose_db_version WHERE version_id = 2");
  EXPECT_FALSE(migrate::UpToDate(*conn_, dir));
  ASSERT_EQ(Run("migrate apply", "goose").status, 0);
  EXPECT_TRUE(migrate::UpToDate(*conn_, dir));
  // The columns goose declares, so goose's own queries work on it.
  EXPECT_EQ(Dump(*conn_, pg() ? "SELECT column_name, data_type, is_nullable FROM "
                                "information_schema.columns WHERE table_name = 'goose_db_version' "
                                "ORDER BY ordinal_position"
                              : "SELECT name, type, \"notnull\" FROM "
                                "pragma_table_info('goose_db_version') ORDER BY cid"),
            pg()
                ? "id|integer|NO\nversion_id|bigint|NO\nis_applied|boolean|NO\ntstamp|timestamp "
                  "without time zone|NO\n"
                : "id|INTEGER|0\nversion_id|INTEGER|1\nis_applied|INTEGER|1\ntstamp|TIMESTAMP|0\n");
}

// A table named goose_db_version with other columns is the user's: refused, left alone, and part
// of the user's schema.
TEST_P(GooseTrackingTest, AUsersTableOfTheSameNameIsLeftAlone) {
  WriteMigrations(dir_.path(), {kGooseFiles[0]}, migrate::DirFormat::kGoose);
  conn_->Exec("CREATE TABLE goose_db_version (id integer PRIMARY KEY, note text)");
  conn_->Exec("INSERT INTO goose_db_version VALUES (1, 'mine')");
  const CliResult r = Run("migrate apply", "goose");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("not goose's tracking table")) << r.output;
  EXPECT_THAT(r.output, HasSubstr("x-migrations-table")) << r.output;
  EXPECT_EQ(Dump(*conn_, "SELECT id, note FROM goose_db_version"), "1|mine\n");
  EXPECT_FALSE(TableExists(*conn_, "users"));
  EXPECT_THAT(InspectedTables(), ::testing::Contains("goose_db_version"));
}

// ---------------------------------------------------------------------------------------------
// flyway: flyway_schema_history as flyway's PostgreSQLDatabase and SQLiteDatabase create it, rows
// as JdbcTableSchemaHistory inserts them. Checksums: flyway's ChecksumCalculator (CRC-32 of the
// lines without terminators, a leading BOM dropped, as a signed int), computed independently with
//   python3 -c 'import zlib,re; s=open(F,"rb").read().decode(); s=s.lstrip("\ufeff");
//     l=re.split(r"\r\n|\r|\n", s); l=l[:-1] if l[-1]=="" else l;
//     c=zlib.crc32("".join(l).encode()); print(c-2**32 if c>=2**31 else c)'

const std::string kFlywayV1 = "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);\n";
constexpr int kFlywayV1Checksum = -6199158;
const std::string kFlywayV2 =
    "-- pets belong to users\nCREATE TABLE pets (\n  id integer PRIMARY KEY,\n  owner_id integer "
    "NOT NULL REFERENCES users (id)\n);\n";
constexpr int kFlywayV2Checksum = -1255971996;

const Files kFlywayFiles = {
    {"V1__create_users.sql", kFlywayV1},
    {"U1__create_users.sql", "DROP TABLE users;\n"},
    {"V2__add_pets.sql", kFlywayV2},
    {"U2__add_pets.sql", "DROP TABLE pets;\n"},
};

class FlywayTrackingTest : public ToolTrackingTest {
 protected:
  void CreateFlywayTable() {
    if (pg()) {
      conn_->Exec(
          "CREATE TABLE \"public\".\"flyway_schema_history\" (\n    \"installed_rank\" INT NOT "
          "NULL,\n    \"version\" VARCHAR(50),\n    \"description\" VARCHAR(200) NOT NULL,\n    "
          "\"type\" VARCHAR(20) NOT NULL,\n    \"script\" VARCHAR(1000) NOT NULL,\n    "
          "\"checksum\" INTEGER,\n    \"installed_by\" VARCHAR(100) NOT NULL,\n    "
          "\"installed_on\" TIMESTAMP NOT NULL DEFAULT now(),\n    \"execution_time\" INTEGER "
          "NOT NULL,\n    \"success\" BOOLEAN NOT NULL\n);\nALTER TABLE "
          "\"public\".\"flyway_schema_history\" ADD CONSTRAINT \"flyway_schema_history_pk\" "
          "PRIMARY KEY (\"installed_rank\");\nCREATE INDEX \"flyway_schema_history_s_idx\" ON "
          "\"public\".\"flyway_schema_history\" (\"success\");");
    } else {
      conn_->Exec(
          "CREATE TABLE \"main\".\"flyway_schema_history\" (\n    \"installed_rank\" INT NOT NULL "
          "PRIMARY KEY,\n    \"version\" VARCHAR(50),\n    \"description\" VARCHAR(200) NOT "
          "NULL,\n    \"type\" VARCHAR(20) NOT NULL,\n    \"script\" VARCHAR(1000) NOT NULL,\n    "
          "\"checksum\" INT,\n    \"installed_by\" VARCHAR(100) NOT NULL,\n    \"installed_on\" "
          "TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),\n    \"execution_time\" "
          "INT NOT NULL,\n    \"success\" BOOLEAN NOT NULL\n);\nCREATE INDEX "
          "\"main\".\"flyway_schema_history_s_idx\" ON \"flyway_schema_history\" (\"success\");");
    }
  }
  void Flyway(int rank, const std::string& version, const std::string& description,
              const std::string& type, const std::string& script, int checksum, bool success) {
    conn_->Exec(fmt::format(
        "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
        "checksum, installed_by, execution_time, success) VALUES ({}, '{}', '{}', '{}', '{}', {}, "
        "'flyway', 7, {})",
        rank, version, description, type, script, checksum,
        pg() ? (success ? "true" : "false") : (success ? "1" : "0")));
  }
  std::string Rows() {
    return Dump(*conn_,
                "SELECT installed_rank, version, description, type, script, checksum, "
                "installed_by, CASE WHEN success THEN 1 ELSE 0 END FROM flyway_schema_history "
                "ORDER BY installed_rank");
  }
  // What installed_by holds for rows strata writes: flyway's user, current_user on PostgreSQL,
  // "" on SQLite (flyway's SQLite support knows no user).
  std::string User() { return pg() ? QueryValue(*conn_, "SELECT current_user") : ""; }
};

TEST_P(FlywayTrackingTest, StrataTakesOverAndWritesRowsFlywayValidates) {
  WriteMigrations(dir_.path(), kFlywayFiles, migrate::DirFormat::kFlyway);
  CreateFlywayTable();
  conn_->Exec("CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL)");
  Flyway(1, "1", "create users", "SQL", "V1__create_users.sql", kFlywayV1Checksum, true);

  CliResult r = Run("migrate apply", "flyway");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("taken as applied by flyway")) << r.output;
  EXPECT_TRUE(TableExists(*conn_, "pets"));
  EXPECT_EQ(Rows(), fmt::format("1|1|create users|SQL|V1__create_users.sql|{}|flyway|1\n"
                                "2|2|add pets|SQL|V2__add_pets.sql|{}|{}|1\n",
                                kFlywayV1Checksum, kFlywayV2Checksum, User()));
  EXPECT_EQ(QueryValue(*conn_,
                       "SELECT count(*) FROM flyway_schema_history WHERE installed_rank = "
                       "2 AND execution_time >= 0 AND installed_on IS NOT NULL"),
            "1");
  EXPECT_THAT(InspectedTables(), Not(::testing::Contains("flyway_schema_history")));

  // Reverting deletes the version's rows (flyway's community edition has no undo).
  r = Run("migrate down", "flyway");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(TableExists(*conn_, "pets"));
  EXPECT_EQ(Rows(), fmt::format("1|1|create users|SQL|V1__create_users.sql|{}|flyway|1\n",
                                kFlywayV1Checksum));
  r = Run("migrate status", "flyway");
  EXPECT_THAT(r.output, HasSubstr("PENDING")) << r.output;

  // An undo flyway Teams ran (an UNDO_SQL row after the version's row) makes it pending again.
  Flyway(2, "1", "create users", "UNDO_SQL", "U1__create_users.sql", 0, true);
  conn_->Exec("DROP TABLE users");
  r = Run("migrate status", "flyway");
  EXPECT_THAT(r.output, HasSubstr("reverted by flyway")) << r.output;
  r = Run("migrate apply", "flyway");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(TableExists(*conn_, "users"));
  EXPECT_EQ(Rows(), fmt::format("1|1|create users|SQL|V1__create_users.sql|{0}|flyway|1\n"
                                "2|1|create users|UNDO_SQL|U1__create_users.sql|0|flyway|1\n"
                                "3|1|create users|SQL|V1__create_users.sql|{0}|{2}|1\n"
                                "4|2|add pets|SQL|V2__add_pets.sql|{1}|{2}|1\n",
                                kFlywayV1Checksum, kFlywayV2Checksum, User()));
}

// A failed row (flyway records success = false where DDL is not transactional) needs a human:
// apply refuses, and `migrate set` records where the database is, dropping the failed row.
TEST_P(FlywayTrackingTest, AFailedRowStopsApplyUntilSet) {
  WriteMigrations(dir_.path(), kFlywayFiles, migrate::DirFormat::kFlyway);
  CreateFlywayTable();
  conn_->Exec("CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL)");
  Flyway(1, "1", "create users", "SQL", "V1__create_users.sql", kFlywayV1Checksum, true);
  Flyway(2, "2", "add pets", "SQL", "V2__add_pets.sql", kFlywayV2Checksum, false);
  CliResult r = Run("migrate apply", "flyway");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("records version 2 as failed")) << r.output;
  EXPECT_FALSE(TableExists(*conn_, "pets"));

  r = Run("migrate set 1", "flyway");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(Rows(), fmt::format("1|1|create users|SQL|V1__create_users.sql|{}|flyway|1\n",
                                kFlywayV1Checksum));
  r = Run("migrate apply", "flyway");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(TableExists(*conn_, "pets"));
  EXPECT_EQ(Rows(), fmt::format("1|1|create users|SQL|V1__create_users.sql|{}|flyway|1\n"
                                "2|2|add pets|SQL|V2__add_pets.sql|{}|{}|1\n",
                                kFlywayV1Checksum, kFlywayV2Checksum, User()));
}

// A BASELINE row (flyway baseline) stands for every version up to it.
TEST_P(FlywayTrackingTest, ABaselineRowCoversTheVersionsUpToIt) {
  WriteMigrations(dir_.path(), kFlywayFiles, migrate::DirFormat::kFlyway);
  CreateFlywayTable();
  conn_->Exec("CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL)");
  conn_->Exec(fmt::format(
      "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
      "checksum, installed_by, execution_time, success) VALUES (1, '1', '<< Flyway Baseline >>', "
      "'BASELINE', '<< Flyway Baseline >>', NULL, 'flyway', 0, {})",
      pg() ? "true" : "1"));
  const CliResult r = Run("migrate apply", "flyway");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(TableExists(*conn_, "pets"));
  EXPECT_EQ(Dump(*conn_, "SELECT version, kind FROM strata_schema_revisions ORDER BY version"),
            "1|adopted\n2|applied\n");
}

// Flyway's checksum of a file with a byte-order mark and CRLF line ends; the expected value comes
// from the python3 line above.
TEST(FlywayChecksum, IgnoresLineEndsAndAByteOrderMark) {
  EXPECT_EQ(migrate::FlywayChecksum("\xEF\xBB\xBFSELECT 1;\r\nSELECT 2;\r\n\r\nSELECT 3;"),
            1589608666);
  EXPECT_EQ(migrate::FlywayChecksum(kFlywayV1), kFlywayV1Checksum);
  EXPECT_EQ(migrate::FlywayChecksum("SELECT 1;\nSELECT 2;\n\nSELECT 3;"), 1589608666);
}

INSTANTIATE_TEST_SUITE_P(ToolTracking, ToolTrackingTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kSqlite), DialectName);
INSTANTIATE_TEST_SUITE_P(ToolTracking, DbmateTrackingTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kSqlite), DialectName);
INSTANTIATE_TEST_SUITE_P(ToolTracking, GooseTrackingTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kSqlite), DialectName);
INSTANTIATE_TEST_SUITE_P(ToolTracking, FlywayTrackingTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kSqlite), DialectName);

}  // namespace
}  // namespace strata::testing
