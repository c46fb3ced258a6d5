// The executor through its library API on real PostgreSQL and SQLite: apply, down, status and set,
// the transaction modes, resuming, baselines, out-of-order files and golang-migrate's table.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "migrate/lock.hpp"
#include "strata/error.hpp"
#include "strata/migrate/executor.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"
#include "support/migration_files.hpp"

namespace strata {
namespace {

using migrate::DirFormat;
using migrate::Problem;
using migrate::TxMode;
using testing::Files;
using ::testing::HasSubstr;
using testing::QueryValue;
using testing::TableExists;
using testing::TempDatabase;
using testing::TempDir;
using testing::WriteMigrations;

// Up and down files of versions 1..n: version 1 creates `log`, every version k creates table tk
// and logs k. Version `failing` (if any) fails on its second statement, line 2.
Files Chain(int n, int failing = 0) {
  Files files;
  for (int k = 1; k <= n; ++k) {
    std::string up = k == 1 ? "CREATE TABLE log (v integer);\n" : "";
    up += fmt::format("CREATE TABLE t{} (id integer);\n", k);
    up += k == failing ? "INSERT INTO missing_table VALUES (1);\n"
                       : fmt::format("INSERT INTO log VALUES ({});\n", k);
    std::string down = fmt::format("DROP TABLE t{};\n", k);
    down += k == 1 ? "DROP TABLE log;\n" : fmt::format("DELETE FROM log WHERE v = {};\n", k);
    files.emplace_back(fmt::format("{}_step{}.up.sql", k, k), up);
    files.emplace_back(fmt::format("{}_step{}.down.sql", k, k), down);
  }
  return files;
}

class ExecutorApplyTest : public ::testing::TestWithParam<Dialect> {
 protected:
  ExecutorApplyTest() : db_(GetParam()), conn_(db_.Connect()) {}

  migrate::Dir Write(const Files& files, DirFormat format = DirFormat::kGolangMigrate) {
    return WriteMigrations(dir_.path(), files, format);
  }
  std::string Value(const std::string& sql) { return QueryValue(*conn_, sql); }
  std::string LogCount() { return Value("SELECT count(*) FROM log"); }
  std::string Revisions() {
    std::string out;
    for (const Row& r : conn_
                            ->Query("SELECT version, kind, applied, total, error IS NULL, "
                                    "execution_time IS NOT NULL FROM strata_schema_revisions "
                                    "ORDER BY version")
                            .rows) {
      out +=
          fmt::format("{}:{}:{}/{}:{}:{} ", r[0].value_or(""), r[1].value_or(""), r[2].value_or(""),
                      r[3].value_or(""), r[4].value_or(""), r[5].value_or(""));
    }
    return out;
  }
  // schema_migrations as "version/dirty" per row.
  std::string Golang() {
    std::string out;
    for (const Row& r : conn_->Query("SELECT version, dirty FROM schema_migrations").rows) {
      const std::string dirty = r[1].value_or("");
      out += fmt::format("{}/{} ", r[0].value_or(""),
                         dirty == "t" || dirty == "1" ? "dirty" : "clean");
    }
    return out;
  }

  TempDatabase db_;
  std::unique_ptr<Conn> conn_;
  TempDir dir_;
};

std::string T(Dialect d) { return d == Dialect::kPostgres ? "t" : "1"; }

TEST_P(ExecutorApplyTest, AppliesPendingFilesInOrderOnceAndReportsEach) {
  const migrate::Dir dir = Write(Chain(3));
  std::vector<std::string> progress;
  migrate::ApplyOptions options;
  options.progress = [&](const migrate::FileReport& f) {
    progress.push_back(fmt::format("{} {} {}", f.version, f.file, f.statements));
    EXPECT_GE(f.ms, 0);
  };
  const migrate::ApplyResult result = migrate::Apply(*conn_, dir, options);
  EXPECT_EQ(result.from_version, "");
  EXPECT_EQ(result.to_version, "3");
  EXPECT_THAT(progress, ::testing::ElementsAre("1 1_step1.up.sql 3", "2 2_step2.up.sql 2",
                                               "3 3_step3.up.sql 2"));
  EXPECT_EQ(LogCount(), "3");
  const std::string t = T(GetParam());
  EXPECT_EQ(Revisions(), fmt::format("1:applied:3/3:{0}:{0} 2:applied:2/2:{0}:{0} "
                                     "3:applied:2/2:{0}:{0} ",
                                     t));
  EXPECT_EQ(Golang(), "3/clean ");

  EXPECT_TRUE(migrate::Apply(*conn_, dir).files.empty()) << "a second run applied files again";
  EXPECT_EQ(LogCount(), "3");
  const migrate::StatusReport status = migrate::Status(*conn_, dir);
  EXPECT_EQ(status.State(), "OK");
  EXPECT_EQ(status.current, "3");
  EXPECT_EQ(status.executed, 3);
  EXPECT_EQ(status.pending, 0);
}

TEST_P(ExecutorApplyTest, LimitAppliesTheFirstNPendingFiles) {
  const migrate::Dir dir = Write(Chain(4));
  migrate::ApplyOptions options;
  options.limit = 2;
  EXPECT_EQ(migrate::Apply(*conn_, dir, options).to_version, "2");
  EXPECT_EQ(migrate::Apply(*conn_, dir, options).to_version, "4");
  const migrate::StatusReport status = migrate::Status(*conn_, dir);
  EXPECT_EQ(status.State(), "OK");
  EXPECT_EQ(status.executed, 4);
}

TEST_P(ExecutorApplyTest, FileModeFailureInFile4Of5KeepsFiles1To3AndNamesFileLineStatement) {
  const migrate::Dir dir = Write(Chain(5, /*failing=*/4));
  try {
    migrate::Apply(*conn_, dir);
    FAIL() << "the failing file was applied";
  } catch (const SqlError& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, HasSubstr((dir.path() / "4_step4.up.sql").string()));
    EXPECT_THAT(message, HasSubstr("line 2"));
    EXPECT_THAT(message, HasSubstr("INSERT INTO missing_table VALUES (1)"));
    EXPECT_THAT(message, HasSubstr("missing_table"));
    EXPECT_THAT(message, HasSubstr("rolled back"));
    EXPECT_THAT(message, HasSubstr("strata migrate apply"));
  }
  EXPECT_EQ(LogCount(), "3");
  EXPECT_TRUE(TableExists(*conn_, "t3"));
  EXPECT_FALSE(TableExists(*conn_, "t4")) << "the failing file's first statement stayed";
  EXPECT_FALSE(TableExists(*conn_, "t5"));
  EXPECT_EQ(Value("SELECT error_stmt FROM strata_schema_revisions WHERE version = '4'"),
            "INSERT INTO missing_table VALUES (1)");
  EXPECT_THAT(Value("SELECT error FROM strata_schema_revisions WHERE version = '4'"),
              HasSubstr("missing_table"));
  EXPECT_EQ(Golang(), "3/clean ") << "a rolled-back file must leave schema_migrations clean";

  migrate::StatusReport status = migrate::Status(*conn_, dir);
  EXPECT_EQ(status.State(), "DIRTY");
  EXPECT_EQ(status.current, "3");
  EXPECT_EQ(status.next, "4");
  EXPECT_THAT(status.Describe(), HasSubstr("failed at line 2"));

  Files fixed = Chain(5);
  const migrate::Dir repaired = Write(fixed);
  EXPECT_EQ(migrate::Apply(*conn_, repaired).files.size(), 2u);
  EXPECT_EQ(LogCount(), "5");
  EXPECT_EQ(migrate::Status(*conn_, repaired).State(), "OK");
}

TEST_P(ExecutorApplyTest, AllModeFailureInFile4Of5LeavesNothingApplied) {
  const migrate::Dir dir = Write(Chain(5, /*failing=*/4));
  migrate::ApplyOptions options;
  options.tx_mode = TxMode::kAll;
  try {
    migrate::Apply(*conn_, dir, options);
    FAIL() << "the failing run was applied";
  } catch (const SqlError& e) {
    EXPECT_THAT(e.what(), HasSubstr("The whole run was rolled back"));
    EXPECT_THAT(e.what(), HasSubstr("4_step4.up.sql"));
  }
  for (const char* table : {"log", "t1", "t2", "t3", "t4"}) {
    EXPECT_FALSE(TableExists(*conn_, table)) << table << " survived the rollback";
  }
  EXPECT_EQ(Value("SELECT count(*) FROM strata_schema_revisions WHERE error IS NULL"), "0");
  EXPECT_THAT(Value("SELECT error FROM strata_schema_revisions WHERE version = '4'"),
              HasSubstr("missing_table"));
  EXPECT_EQ(Golang(), "");

  const migrate::Dir repaired = Write(Chain(5));
  EXPECT_EQ(migrate::Apply(*conn_, repaired, options).files.size(), 5u);
  EXPECT_EQ(LogCount(), "5");
  EXPECT_EQ(Golang(), "5/clean ");
}

TEST_P(ExecutorApplyTest, AllModeRefusesAFileThatMustRunOutsideATransaction) {
  Files files = Chain(2);
  files.emplace_back("3_notx.up.sql", "-- strata:txmode none\nCREATE TABLE t3 (id integer);\n");
  const migrate::Dir dir = Write(files);
  migrate::ApplyOptions options;
  options.tx_mode = TxMode::kAll;
  try {
    migrate::Apply(*conn_, dir, options);
    FAIL() << "a no-transaction file ran inside --tx-mode all";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("3_notx.up.sql"));
    EXPECT_THAT(e.what(), HasSubstr("--tx-mode all"));
  }
  EXPECT_FALSE(TableExists(*conn_, "log")) << "files ran before the refusal";
}

TEST_P(ExecutorApplyTest, NoTxFileResumesAfterTheLastStatementThatSucceeded) {
  Files files = Chain(1);
  files.emplace_back("2_notx.up.sql",
                     "-- strata:txmode none\n"
                     "INSERT INTO log VALUES (20);\n"
                     "INSERT INTO log VALUES (21);\n"
                     "INSERT INTO nowhere VALUES (22);\n"
                     "INSERT INTO log VALUES (23);\n");
  migrate::Dir dir = Write(files);
  try {
    migrate::Apply(*conn_, dir);
    FAIL() << "the failing statement succeeded";
  } catch (const SqlError& e) {
    EXPECT_THAT(e.what(), HasSubstr("line 4"));
    EXPECT_THAT(e.what(), HasSubstr("statements 1–2 stay applied"));
    EXPECT_THAT(e.what(), HasSubstr("resumes at statement 3"));
  }
  EXPECT_EQ(LogCount(), "3");
  EXPECT_EQ(Value("SELECT applied FROM strata_schema_revisions WHERE version = '2'"), "2");
  EXPECT_EQ(Golang(), "2/dirty ") << "a half-applied file must stay dirty, as golang-migrate's";
  EXPECT_THAT(migrate::Status(*conn_, dir).Describe(), HasSubstr("resumes at statement 3"));

  files.back().second =
      "-- strata:txmode none\n"
      "INSERT INTO log VALUES (20);\n"
      "INSERT INTO log VALUES (21);\n"
      "INSERT INTO log VALUES (22);\n"
      "INSERT INTO log VALUES (23);\n";
  dir = Write(files);
  const migrate::ApplyResult result = migrate::Apply(*conn_, dir);
  ASSERT_EQ(result.files.size(), 1u);
  EXPECT_EQ(result.files[0].skipped, 2);
  EXPECT_EQ(result.files[0].statements, 2);
  EXPECT_EQ(Value("SELECT count(*) FROM log WHERE v >= 20"), "4") << "statements ran twice";
  EXPECT_EQ(Golang(), "2/clean ");
}

TEST_P(ExecutorApplyTest, ResumeIsRefusedWhenTheAppliedStatementsChanged) {
  Files files = Chain(1);
  files.emplace_back("2_notx.up.sql",
                     "-- strata:txmode none\n"
                     "INSERT INTO log VALUES (20);\n"
                     "INSERT INTO nowhere VALUES (21);\n");
  migrate::Dir dir = Write(files);
  EXPECT_THROW(migrate::Apply(*conn_, dir), SqlError);
  files.back().second =
      "-- strata:txmode none\n"
      "INSERT INTO log VALUES (99);\n"
      "INSERT INTO log VALUES (21);\n";
  dir = Write(files);
  try {
    migrate::Apply(*conn_, dir);
    FAIL() << "resumed after statements that changed";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not the same"));
    EXPECT_THAT(e.what(), HasSubstr("strata migrate set 2"));
  }
  EXPECT_EQ(LogCount(), "2");
}

TEST_P(ExecutorApplyTest, TxModeNoneRunsEachStatementOnItsOwn) {
  const migrate::Dir dir = Write(Chain(3, /*failing=*/2));
  migrate::ApplyOptions options;
  options.tx_mode = TxMode::kNone;
  EXPECT_THROW(migrate::Apply(*conn_, dir, options), SqlError);
  EXPECT_TRUE(TableExists(*conn_, "t2")) << "tx-mode none rolled back a statement";
  EXPECT_EQ(Value("SELECT applied FROM strata_schema_revisions WHERE version = '2'"), "1");
}

TEST_P(ExecutorApplyTest, GolangMigrateTableIsExactlyGolangMigratesAndDirtyWhileAFileRuns) {
  Files files = Chain(1);
  files.emplace_back("2_seen.up.sql",
                     "CREATE TABLE seen (version bigint, dirty boolean);\n"
                     "INSERT INTO seen SELECT version, dirty FROM schema_migrations;\n");
  const migrate::Dir dir = Write(files);
  migrate::Apply(*conn_, dir);
  EXPECT_EQ(Golang(), "2/clean ") << "golang-migrate keeps exactly one row";
  EXPECT_EQ(Value("SELECT version FROM seen"), "2");
  const std::string dirty = Value("SELECT dirty FROM seen");
  EXPECT_TRUE(dirty == "t" || dirty == "1") << "the file's version was not dirty while it ran";
  if (GetParam() == Dialect::kPostgres) {
    std::string columns;
    for (const Row& r : conn_
                            ->Query("SELECT column_name, data_type, is_nullable FROM "
                                    "information_schema.columns WHERE table_name = "
                                    "'schema_migrations' ORDER BY ordinal_position")
                            .rows) {
      columns += fmt::format("{} {} {}; ", *r[0], *r[1], *r[2]);
    }
    EXPECT_EQ(columns, "version bigint NO; dirty boolean NO; ");
    EXPECT_EQ(Value("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = "
                    "i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = "
                    "'schema_migrations'::regclass AND i.indisprimary"),
              "version");
  } else {
    EXPECT_EQ(Value("SELECT sql FROM sqlite_master WHERE name = 'schema_migrations'"),
              "CREATE TABLE schema_migrations (version uint64,dirty bool)");
    EXPECT_EQ(Value("SELECT count(*) FROM sqlite_master WHERE name = 'version_unique'"), "1");
  }
}

TEST_P(ExecutorApplyTest, OtherFormatsKeepOnlyTheRevisionsTable) {
  const migrate::Dir dir = Write({{"1_a.sql", "CREATE TABLE a (id integer);\n"},
                                  {"2_b.sql", "CREATE TABLE b (id integer);\n"}},
                                 DirFormat::kAtlas);
  EXPECT_EQ(migrate::Apply(*conn_, dir).to_version, "2");
  EXPECT_FALSE(TableExists(*conn_, "schema_migrations"));
  EXPECT_EQ(Value("SELECT count(*) FROM strata_schema_revisions"), "2");
}

TEST_P(ExecutorApplyTest, DownRevertsTheLastNVersionsInReverseOrder) {
  const migrate::Dir dir = Write(Chain(3));
  migrate::Apply(*conn_, dir);
  std::vector<std::string> order;
  migrate::DownOptions options;
  options.count = 2;
  options.progress = [&](const migrate::FileReport& f) { order.push_back(f.file); };
  const migrate::DownResult result = migrate::Down(*conn_, dir, options);
  EXPECT_EQ(result.from_version, "3");
  EXPECT_EQ(result.to_version, "1");
  EXPECT_THAT(order, ::testing::ElementsAre("3_step3.down.sql", "2_step2.down.sql"));
  EXPECT_FALSE(TableExists(*conn_, "t2"));
  EXPECT_TRUE(TableExists(*conn_, "t1"));
  EXPECT_EQ(LogCount(), "1");
  EXPECT_EQ(Golang(), "1/clean ");
  EXPECT_EQ(migrate::Status(*conn_, dir).next, "2");

  migrate::Down(*conn_, dir);
  EXPECT_EQ(Golang(), "") << "golang-migrate leaves the table empty when nothing is applied";
  EXPECT_EQ(migrate::Status(*conn_, dir).current, "");
  EXPECT_EQ(migrate::Apply(*conn_, dir).files.size(), 3u) << "cannot re-apply after down";
}

TEST_P(ExecutorApplyTest, DownRefusesBeforeAnythingRunsWhenAVersionHasNoDownPart) {
  Files files = Chain(2);
  files.emplace_back("3_nodown.up.sql", "CREATE TABLE t3 (id integer);\n");
  const migrate::Dir dir = Write(files);
  migrate::Apply(*conn_, dir);
  migrate::DownOptions options;
  options.count = 2;
  try {
    migrate::Down(*conn_, dir, options);
    FAIL() << "down ran without a down part";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("3_nodown.up.sql"));
    EXPECT_THAT(e.what(), HasSubstr("no down part"));
  }
  EXPECT_TRUE(TableExists(*conn_, "t3"));
  EXPECT_TRUE(TableExists(*conn_, "t2"));
  options.count = 9;
  EXPECT_THROW(migrate::Down(*conn_, dir, options), InputError);
}

TEST_P(ExecutorApplyTest, MissingFileIsExplainedAndSetRepairsIt) {
  migrate::Dir dir = Write(Chain(3));
  migrate::Apply(*conn_, dir);
  testing::RemoveMigrationFile(dir_.path(), "3_step3.down.sql");
  dir = testing::RemoveMigrationFile(dir_.path(), "3_step3.up.sql");

  const migrate::StatusReport status = migrate::Status(*conn_, dir);
  ASSERT_FALSE(status.problems.empty());
  EXPECT_EQ(status.problems[0].kind, Problem::Kind::kMissingFile);
  EXPECT_THAT(status.Describe(), HasSubstr("no migration found for version 3"));
  EXPECT_THAT(status.Describe(), HasSubstr("strata migrate set"));
  EXPECT_THROW(migrate::Apply(*conn_, dir), InputError);

  const migrate::SetResult set = migrate::SetVersion(*conn_, dir, "2");
  EXPECT_THAT(set.forgotten, ::testing::ElementsAre("3"));
  const migrate::StatusReport repaired = migrate::Status(*conn_, dir);
  EXPECT_EQ(repaired.State(), "OK");
  EXPECT_EQ(repaired.current, "2");
  EXPECT_EQ(Golang(), "2/clean ");
}

TEST_P(ExecutorApplyTest, HandEditedGolangVersionWithNoFileIsExplainedAndSetRepairsIt) {
  const migrate::Dir dir = Write(Chain(2));
  migrate::Apply(*conn_, dir);
  conn_->Exec("UPDATE schema_migrations SET version = 99");
  const migrate::StatusReport status = migrate::Status(*conn_, dir);
  EXPECT_THAT(status.Describe(), HasSubstr("no migration found for version 99"));
  EXPECT_THROW(migrate::Apply(*conn_, dir), InputError);
  migrate::SetVersion(*conn_, dir, "2");
  EXPECT_EQ(migrate::Status(*conn_, dir).State(), "OK");
  EXPECT_EQ(Golang(), "2/clean ");
}

TEST_P(ExecutorApplyTest, OutOfOrderFilesAreANonLinearHistoryUnlessAllowed) {
  Files files = Chain(3);
  Files without_2;
  for (const auto& f : files) {
    if (!f.first.starts_with("2_")) without_2.push_back(f);
  }
  migrate::Dir dir = Write(without_2);
  migrate::Apply(*conn_, dir);
  dir = Write(files);
  const migrate::StatusReport status = migrate::Status(*conn_, dir);
  ASSERT_EQ(status.problems.size(), 1u);
  EXPECT_EQ(status.problems[0].kind, Problem::Kind::kOutOfOrder);
  try {
    migrate::Apply(*conn_, dir);
    FAIL() << "an out-of-order file was applied without the flag";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("non-linear history"));
    EXPECT_THAT(e.what(), HasSubstr("--allow-out-of-order"));
  }
  EXPECT_FALSE(TableExists(*conn_, "t2"));
  migrate::ApplyOptions options;
  options.allow_out_of_order = true;
  EXPECT_EQ(migrate::Apply(*conn_, dir, options).files.size(), 1u);
  EXPECT_TRUE(TableExists(*conn_, "t2"));
  EXPECT_EQ(Golang(), "3/clean ");
}

TEST_P(ExecutorApplyTest, NonCleanDatabaseIsRefusedWithoutBaseline) {
  conn_->Exec("CREATE TABLE log (v integer)");
  conn_->Exec("CREATE TABLE t1 (id integer)");
  const migrate::Dir dir = Write(Chain(3));
  try {
    migrate::Apply(*conn_, dir);
    FAIL() << "applied on top of existing objects";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not clean"));
    EXPECT_THAT(e.what(), HasSubstr("t1"));
    EXPECT_THAT(e.what(), HasSubstr("--baseline"));
  }
  EXPECT_FALSE(TableExists(*conn_, "strata_schema_revisions"));

  migrate::ApplyOptions options;
  options.baseline = "1";
  const migrate::ApplyResult result = migrate::Apply(*conn_, dir, options);
  EXPECT_EQ(result.files.size(), 2u);
  EXPECT_EQ(LogCount(), "2") << "the baseline version ran";
  const std::string t = T(GetParam());
  EXPECT_THAT(Revisions(), HasSubstr(fmt::format("1:baseline:0/3:{0}:{0}", t)));
  EXPECT_THROW(migrate::Apply(*conn_, dir, options), InputError) << "baseline on history";
}

TEST_P(ExecutorApplyTest, BaselineMustNameAVersionOfTheDirectory) {
  conn_->Exec("CREATE TABLE existing (id integer)");
  const migrate::Dir dir = Write(Chain(2));
  migrate::ApplyOptions options;
  options.baseline = "7";
  EXPECT_THROW(migrate::Apply(*conn_, dir, options), InputError);
  EXPECT_FALSE(TableExists(*conn_, "strata_schema_revisions"));
}

TEST_P(ExecutorApplyTest, DryRunReportsWhatWouldRunAndChangesNothing) {
  const migrate::Dir dir = Write(Chain(2));
  migrate::ApplyOptions options;
  options.dry_run = true;
  const migrate::ApplyResult result = migrate::Apply(*conn_, dir, options);
  ASSERT_EQ(result.files.size(), 2u);
  EXPECT_THAT(result.files[1].sql,
              ::testing::ElementsAre("CREATE TABLE t2 (id integer)", "INSERT INTO log VALUES (2)"));
  EXPECT_FALSE(TableExists(*conn_, "log"));
  EXPECT_FALSE(TableExists(*conn_, "strata_schema_revisions"));
  EXPECT_FALSE(TableExists(*conn_, "schema_migrations"));
}

TEST_P(ExecutorApplyTest, AppliedFileEditedAfterwardsIsReported) {
  Files files = Chain(2);
  migrate::Dir dir = Write(files);
  migrate::Apply(*conn_, dir);
  files[0].second += "CREATE TABLE extra (id integer);\n";
  dir = Write(files);
  const migrate::StatusReport status = migrate::Status(*conn_, dir);
  ASSERT_EQ(status.problems.size(), 1u);
  EXPECT_EQ(status.problems[0].kind, Problem::Kind::kEdited);
  EXPECT_THAT(status.problems[0].message, HasSubstr("1_step1.up.sql"));
  EXPECT_THAT(migrate::Apply(*conn_, dir).notes,
              ::testing::Contains(HasSubstr("edited after it was applied")));
}

TEST_P(ExecutorApplyTest, SetMarksVersionsAppliedOrPendingWithoutRunningThem) {
  const migrate::Dir dir = Write(Chain(3));
  const migrate::SetResult set = migrate::SetVersion(*conn_, dir, "2");
  EXPECT_THAT(set.marked_applied, ::testing::ElementsAre("1", "2"));
  EXPECT_FALSE(TableExists(*conn_, "log")) << "set ran a migration";
  EXPECT_EQ(Golang(), "2/clean ");
  EXPECT_EQ(migrate::Status(*conn_, dir).next, "3");

  EXPECT_THAT(migrate::SetVersion(*conn_, dir, "none").marked_pending,
              ::testing::ElementsAre("1", "2"));
  EXPECT_EQ(Golang(), "");
  EXPECT_EQ(migrate::Status(*conn_, dir).executed, 0);
  EXPECT_THROW(migrate::SetVersion(*conn_, dir, "42"), InputError);
}

TEST_P(ExecutorApplyTest, TakesOverFromGolangMigrateAndNoticesItsDowns) {
  const migrate::Dir dir = Write(Chain(3));
  // What golang-migrate leaves after applying versions 1 and 2.
  conn_->Exec(GetParam() == Dialect::kPostgres
                  ? "CREATE TABLE schema_migrations (version bigint not null primary key, dirty "
                    "boolean not null); INSERT INTO schema_migrations VALUES (2, false)"
                  : "CREATE TABLE schema_migrations (version uint64,dirty bool); INSERT INTO "
                    "schema_migrations VALUES (2, 0)");
  conn_->Exec(
      "CREATE TABLE log (v integer); CREATE TABLE t1 (id integer); CREATE TABLE t2 (id "
      "integer); INSERT INTO log VALUES (1); INSERT INTO log VALUES (2)");
  const migrate::StatusReport status = migrate::Status(*conn_, dir);
  EXPECT_EQ(status.current, "2");
  EXPECT_EQ(status.next, "3");
  const migrate::ApplyResult result = migrate::Apply(*conn_, dir);
  ASSERT_EQ(result.files.size(), 1u);
  EXPECT_EQ(result.files[0].version, "3");
  EXPECT_THAT(result.notes, ::testing::Contains(HasSubstr("taken as applied by golang-migrate")));
  EXPECT_THAT(Revisions(), HasSubstr("1:adopted"));
  EXPECT_EQ(Golang(), "3/clean ");

  // golang-migrate runs `down 2`: it reverts 3 and 2 and records version 1.
  conn_->Exec("DROP TABLE t3; DROP TABLE t2; DELETE FROM log WHERE v > 1");
  conn_->Exec("UPDATE schema_migrations SET version = 1");
  EXPECT_EQ(migrate::Status(*conn_, dir).next, "2");
  EXPECT_EQ(migrate::Apply(*conn_, dir).files.size(), 2u);
  EXPECT_EQ(LogCount(), "3");
}

TEST_P(ExecutorApplyTest, DirtySchemaMigrationsLeftByAnotherToolStopsApplyUntilSet) {
  const migrate::Dir dir = Write(Chain(3));
  migrate::Apply(*conn_, dir, {.limit = 1});
  conn_->Exec(GetParam() == Dialect::kPostgres
                  ? "UPDATE schema_migrations SET version = 2, dirty = true"
                  : "UPDATE schema_migrations SET version = 2, dirty = 1");
  const migrate::StatusReport status = migrate::Status(*conn_, dir);
  EXPECT_EQ(status.State(), "DIRTY");
  EXPECT_THAT(status.Describe(), HasSubstr("marks version 2 dirty"));
  EXPECT_THROW(migrate::Apply(*conn_, dir), InputError);
  migrate::SetVersion(*conn_, dir, "1");
  EXPECT_EQ(migrate::Apply(*conn_, dir).files.size(), 2u);
}

TEST_P(ExecutorApplyTest, FilesThatManageTheirOwnTransactionsRunOutsideOne) {
  Files files = Chain(1);
  files.emplace_back("2_own.up.sql",
                     "BEGIN;\nCREATE TABLE own (id integer);\nINSERT INTO log VALUES (2);\n"
                     "COMMIT;\n");
  const migrate::Dir dir = Write(files);
  migrate::ApplyOptions all;
  all.tx_mode = TxMode::kAll;
  EXPECT_THROW(migrate::Apply(*conn_, dir, all), InputError);
  const migrate::ApplyResult result = migrate::Apply(*conn_, dir);
  ASSERT_EQ(result.files.size(), 2u);
  EXPECT_TRUE(result.files[1].no_tx);
  EXPECT_TRUE(TableExists(*conn_, "own"));
  EXPECT_EQ(LogCount(), "2");
  EXPECT_EQ(migrate::Status(*conn_, dir).State(), "OK");
}

TEST_P(ExecutorApplyTest, XMigrationsTableNamesGolangMigratesTable) {
  // A database golang-migrate migrated with x-migrations-table=app_versions, up to version 2.
  const std::string sep = db_.url().find('?') == std::string::npos ? "?" : "&";
  auto conn = Connect(db_.url() + sep + "x-migrations-table=app_versions");
  conn->Exec(GetParam() == Dialect::kPostgres
                 ? "CREATE TABLE app_versions (version bigint not null primary key, dirty boolean "
                   "not null); INSERT INTO app_versions VALUES (2, false);"
                   "CREATE TABLE log (v integer); CREATE TABLE t1 (id integer); "
                   "CREATE TABLE t2 (id integer); INSERT INTO log VALUES (1), (2);"
                 : "CREATE TABLE app_versions (version uint64,dirty bool); INSERT INTO "
                   "app_versions VALUES (2, 0); CREATE TABLE log (v integer); CREATE TABLE t1 (id "
                   "integer); CREATE TABLE t2 (id integer); INSERT INTO log VALUES (1), (2);");
  const migrate::Dir dir = Write(Chain(3));
  const migrate::ApplyResult result = migrate::Apply(*conn, dir);
  ASSERT_EQ(result.files.size(), 1u);
  EXPECT_EQ(result.files[0].version, "3");
  EXPECT_THAT(result.notes.at(0), HasSubstr("app_versions (golang-migrate) records version 2"));
  EXPECT_EQ(Value("SELECT version FROM app_versions"), "3");
  EXPECT_FALSE(TableExists(*conn_, "schema_migrations"));
  // It is a tracking table: not part of the schema, so not a reason to call the database dirty.
  // (The realm is named: a range-for over a member of a temporary's at() reads freed memory.)
  const auto realm = migrate::Inspect(*conn);
  for (const auto& table : realm.schemas.at(0).tables) {
    EXPECT_NE(table.name, "app_versions");
  }
  EXPECT_EQ(migrate::Status(*conn, dir).State(), "OK");
  if (GetParam() == Dialect::kPostgres) {
    // golang-migrate derives its lock key from the table's name too.
    EXPECT_EQ(migrate::PostgresLockKeys(*conn)[0],
              migrate::GolangMigrateLockKey(Value("SELECT current_database()"), "public",
                                            "app_versions"));
  }
}

// Version 1 creates parent and child with a foreign key checked at commit; version 2's three
// statements leave an orphan (parent 42 is never inserted) unless `fixed`.
Files DeferredChain(bool fixed) {
  return {{"1_tables.up.sql",
           "CREATE TABLE parent (id integer PRIMARY KEY);\n"
           "CREATE TABLE child (id integer, parent_id integer CONSTRAINT child_parent_fk "
           "REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);\n"},
          {"1_tables.down.sql", "DROP TABLE child;\nDROP TABLE parent;\n"},
          {"2_orphan.up.sql", std::string(fixed ? "INSERT INTO parent VALUES (42);\n" : "") +
                                  "INSERT INTO child VALUES (1, 42);\n"
                                  "INSERT INTO parent VALUES (1);\n"
                                  "UPDATE child SET id = 2;\n"},
          {"2_orphan.down.sql", "DELETE FROM child;\nDELETE FROM parent;\n"}};
}

TEST_P(ExecutorApplyTest, FailedCommitNamesTheFileLeavesTheSessionCleanAndIsRecordedAsFailed) {
  const migrate::Dir dir = Write(DeferredChain(false));
  try {
    migrate::Apply(*conn_, dir);
    FAIL() << "a file breaking a deferred foreign key was applied";
  } catch (const SqlError& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, HasSubstr((dir.path() / "2_orphan.up.sql").string() +
                                   " failed at COMMIT, after its 3 statements ran (version 2)"));
    if (GetParam() == Dialect::kPostgres) {
      EXPECT_THAT(message, HasSubstr("child_parent_fk"));
    }
    EXPECT_THAT(message, HasSubstr("nothing of this file is applied"));
    EXPECT_EQ(e.statement, "COMMIT");
  }
  EXPECT_FALSE(conn_->InTransaction()) << "a failed COMMIT left a transaction open";
  EXPECT_EQ(Value("SELECT count(*) FROM child"), "0");
  EXPECT_EQ(Value("SELECT error_stmt FROM strata_schema_revisions WHERE version = '2'"), "COMMIT");
  EXPECT_EQ(Golang(), "1/clean ");
  const migrate::StatusReport status = migrate::Status(*conn_, dir);
  EXPECT_EQ(status.State(), "DIRTY");
  ASSERT_EQ(status.problems.size(), 1u) << status.Describe();
  EXPECT_EQ(status.problems[0].kind, Problem::Kind::kFailed) << status.Describe();
  EXPECT_THAT(status.Describe(), ::testing::Not(HasSubstr("interrupted")));
  if (GetParam() == Dialect::kPostgres) {
    EXPECT_EQ(Value("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = "
                    "pg_backend_pid()"),
              "0")
        << "the migration lock stayed held after the failed COMMIT";
  }

  const migrate::Dir repaired = Write(DeferredChain(true));
  EXPECT_EQ(migrate::Apply(*conn_, repaired).files.size(), 1u);
  EXPECT_EQ(Value("SELECT count(*) FROM child"), "1");
  EXPECT_EQ(migrate::Status(*conn_, repaired).State(), "OK");
}

TEST_P(ExecutorApplyTest, AllModeFailedCommitRollsBackTheRunAndSaysSo) {
  const migrate::Dir dir = Write(DeferredChain(false));
  migrate::ApplyOptions options;
  options.tx_mode = TxMode::kAll;
  try {
    migrate::Apply(*conn_, dir, options);
    FAIL() << "a run breaking a deferred foreign key was applied";
  } catch (const SqlError& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, HasSubstr("failed at COMMIT"));
    EXPECT_THAT(message, HasSubstr((dir.path() / "2_orphan.up.sql").string()));
    EXPECT_THAT(message, HasSubstr("none of its files was applied"));
  }
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_FALSE(TableExists(*conn_, "child"));
  EXPECT_EQ(migrate::Apply(*conn_, Write(DeferredChain(true)), options).files.size(), 2u);
}

TEST_P(ExecutorApplyTest, DownFailingAtCommitNamesTheDownFile) {
  Files files = DeferredChain(true);
  files[3].second = "DELETE FROM parent WHERE id = 42;\n";  // leaves child 1 an orphan
  const migrate::Dir dir = Write(files);
  migrate::Apply(*conn_, dir);
  try {
    migrate::Down(*conn_, dir);
    FAIL() << "a down part breaking a deferred foreign key ran";
  } catch (const SqlError& e) {
    EXPECT_THAT(e.what(),
                HasSubstr((dir.path() / "2_orphan.down.sql").string() + " failed at COMMIT"));
  }
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_EQ(migrate::Status(*conn_, dir).current, "2");
  EXPECT_EQ(Value("SELECT count(*) FROM parent"), "2");
}

TEST_P(ExecutorApplyTest, FilesAreSplitByTheirDialectsQuotingRules) {
  // On PostgreSQL `[` is a subscript, not a quote: taking it for one (SQLite's rule) made the
  // string ']' close it and the next quote swallow the rest of the file into one statement.
  // On SQLite, [a;b] and `c;d` are names.
  const std::string up = GetParam() == Dialect::kPostgres ? "CREATE TABLE log (v text[]);\n"
                                                            "INSERT INTO log VALUES (ARRAY[']']);\n"
                                                            "INSERT INTO log VALUES (ARRAY['x']);\n"
                                                          : "CREATE TABLE [log;1] (v text);\n"
                                                            "INSERT INTO [log;1] VALUES (']');\n"
                                                            "INSERT INTO `log;1` VALUES ('x');\n";
  const migrate::Dir dir = Write({{"1_quotes.up.sql", up}});
  const migrate::ApplyResult result = migrate::Apply(*conn_, dir);
  ASSERT_EQ(result.files.size(), 1u);
  EXPECT_EQ(result.files[0].statements, 3);
  EXPECT_EQ(Revisions(), fmt::format("1:applied:3/3:{0}:{0} ", T(GetParam())));
}

std::string DialectParamName(const ::testing::TestParamInfo<Dialect>& info) {
  return std::string(DialectName(info.param));
}

INSTANTIATE_TEST_SUITE_P(Executor, ExecutorApplyTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kSqlite), DialectParamName);

// A SQLite rebuild as the planner writes it: txmode none because of the foreign_keys pragmas, which
// SQLite ignores inside a transaction.
std::string RebuildFile(const std::string& copy) {
  return "-- strata:txmode none\n"
         "PRAGMA foreign_keys = off;\n"
         "CREATE TABLE new_pets (id integer PRIMARY KEY, owner integer NOT NULL REFERENCES users "
         "(id) ON DELETE CASCADE);\n" +
         copy +
         "DROP TABLE pets;\n"
         "ALTER TABLE new_pets RENAME TO pets;\n"
         "PRAGMA foreign_key_check;\n"
         "PRAGMA foreign_keys = on;\n";
}

constexpr std::string_view kPets =
    "CREATE TABLE users (id integer PRIMARY KEY);\n"
    "CREATE TABLE pets (id integer PRIMARY KEY, owner integer REFERENCES users (id) ON DELETE "
    "CASCADE);\n"
    "INSERT INTO users VALUES (1);\n"
    "INSERT INTO pets VALUES (10, 1), (11, NULL);\n";

TEST(ExecutorSqliteTest, RebuildFileRunsBetweenItsPragmasInOneTransaction) {
  TempDatabase db(Dialect::kSqlite);
  auto conn = db.Connect();
  TempDir dir;
  // The copy fails on the NULL owner (NOT NULL in the new table), after the new table exists.
  const migrate::Dir failing = testing::WriteMigrations(
      dir.path(),
      {{"1_init.up.sql", std::string(kPets)},
       {"2_rebuild.up.sql",
        RebuildFile("INSERT INTO new_pets (id, owner) SELECT id, owner FROM pets;\n")}},
      DirFormat::kGolangMigrate);
  try {
    migrate::Apply(*conn, failing);
    ADD_FAILURE() << "the copy of a NULL owner passed";
  } catch (const SqlError& e) {
    EXPECT_THAT(e.what(), HasSubstr("The file's transaction was rolled back: nothing of this file "
                                    "is applied; the database is at version 1."));
  }
  // Nothing of the rebuild is left, enforcement is back on, and the history says version 1.
  EXPECT_FALSE(TableExists(*conn, "new_pets"));
  EXPECT_EQ(QueryValue(*conn, "SELECT count(*) FROM pets"), "2");
  EXPECT_EQ(QueryValue(*conn, "PRAGMA foreign_keys"), "1");
  EXPECT_EQ(QueryValue(*conn, "SELECT version || '/' || dirty FROM schema_migrations"), "1/0");

  // Fixed (NULL owners dropped), it applies, without the cascade that enforcement would fire.
  TempDir fixed_dir;
  const migrate::Dir fixed = testing::WriteMigrations(
      fixed_dir.path(),
      {{"1_init.up.sql", std::string(kPets)},
       {"2_rebuild.up.sql", RebuildFile("INSERT INTO new_pets (id, owner) SELECT id, owner FROM "
                                        "pets WHERE owner IS NOT NULL;\n")}},
      DirFormat::kGolangMigrate);
  const migrate::ApplyResult result = migrate::Apply(*conn, fixed);
  ASSERT_EQ(result.files.size(), 1u);
  EXPECT_FALSE(result.files[0].no_tx);
  EXPECT_EQ(QueryValue(*conn, "SELECT group_concat(id) FROM pets"), "10");
  EXPECT_EQ(QueryValue(*conn, "SELECT count(*) FROM users"), "1");
  EXPECT_EQ(QueryValue(*conn, "PRAGMA foreign_keys"), "1");
  EXPECT_EQ(migrate::Status(*conn, fixed).State(), "OK");
}

TEST(ExecutorPostgresTest, StatementsThatRefuseATransactionRunAloneWithExactProgress) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  TempDir dir;
  const migrate::Dir mdir =
      WriteMigrations(dir.path(), {{"1_t.up.sql", "CREATE TABLE t (id integer);\n"},
                                   {"2_index.up.sql",
                                    "-- strata:txmode none\n"
                                    "CREATE INDEX CONCURRENTLY t_id ON t (id);\n"
                                    "VACUUM t;\n"
                                    "CREATE INDEX CONCURRENTLY t_id ON t (id);\n"}});
  try {
    migrate::Apply(*conn, mdir);
    FAIL() << "creating the index twice succeeded";
  } catch (const SqlError& e) {
    EXPECT_THAT(e.what(), HasSubstr("line 4"));
    EXPECT_THAT(e.what(), HasSubstr("already exists"));
  }
  EXPECT_EQ(QueryValue(*conn, "SELECT applied FROM strata_schema_revisions WHERE version = '2'"),
            "2");
  EXPECT_EQ(
      QueryValue(*conn, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_id'::regclass"),
      "t");
}

}  // namespace
}  // namespace strata
