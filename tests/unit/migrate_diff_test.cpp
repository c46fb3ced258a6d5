// `strata migrate diff` on real SQLite and PostgreSQL dev databases: successive diffs, no-change
// runs, down files, every directory format, a dev database left clean after success and failure,
// concurrent diffs, and the command line driven end to end with --env and strata.toml.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "strata/error.hpp"
#include "strata/migrate/changes.hpp"
#include "strata/migrate/diff_dir.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;
using strata::testing::RunCommand;
using strata::testing::TempDatabase;
using strata::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr const char* kV1 = "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);\n";
constexpr const char* kV2 =
    "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, age integer);\n"
    "CREATE TABLE pets (id integer PRIMARY KEY, owner_id integer REFERENCES users (id),\n"
    "                   name text);\n"
    "CREATE INDEX pets_name ON pets (name);\n";
constexpr const char* kV3 =
    "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, age integer);\n";

void WriteText(const fs::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string Describe(const std::vector<Change>& changes) {
  std::string out;
  for (const Change& c : changes) out += migrate::Describe(c) + "\n";
  return out;
}

class MigrateDiffTest : public ::testing::TestWithParam<Dialect> {
 protected:
  // A desired state as a SQL file in the test's folder; returns its file:// source.
  std::string State(const std::string& name, std::string_view sql) {
    WriteText(tmp_.path() / name, sql);
    return "file://" + (tmp_.path() / name).string();
  }
  DiffDirOptions To(const std::string& source, const std::string& name) {
    DiffDirOptions o;
    o.to = source;
    o.name = name;
    return o;
  }
  void ExpectClean(Conn& conn) { EXPECT_NO_THROW(RequireClean(conn, "dev")); }
  // What the directory builds, compared with what `source` describes.
  std::string Left(Conn& dev, const Dir& dir, const std::string& source) {
    const schema::Realm built = LoadDir(dev, dir);
    const schema::Realm desired = LoadState(source, &dev);
    return Describe(Diff(built, desired, DiffOptionsFor(GetParam())));
  }

  TempDir tmp_;
  TempDatabase dev_db_{GetParam()};
  std::unique_ptr<Conn> dev_ = dev_db_.Connect();
};

TEST_P(MigrateDiffTest, SuccessiveDiffsWriteVerifiedFiles) {
  const fs::path path = tmp_.path() / "migrations";
  fs::create_directory(path);
  Dir dir = Dir::Open(path, DirFormat::kGolangMigrate);

  const DiffDirResult first = DiffDir(*dev_, dir, To(State("v1.sql", kV1), "init"));
  ASSERT_THAT(first.files, SizeIs(2));
  EXPECT_EQ(first.files[0], first.version + "_init.up.sql");
  EXPECT_EQ(first.files[1], first.version + "_init.down.sql");
  EXPECT_THAT(ReadText(path / first.files[0]), HasSubstr("-- create \"users\" table\n"));
  EXPECT_THAT(ReadText(path / first.files[1]), HasSubstr("-- drop \"users\" table\n"));
  EXPECT_GT(first.timings.total, 0);
  ExpectClean(*dev_);

  DiffDirOptions second_options = To(State("v2.sql", kV2), "pets");
  second_options.indent = "  ";
  const DiffDirResult second = DiffDir(*dev_, dir, second_options);
  ASSERT_THAT(second.files, SizeIs(2));
  EXPECT_GT(CompareVersions(second.version, first.version), 0);
  const std::string up = ReadText(path / second.files[0]);
  EXPECT_THAT(up, HasSubstr("-- create \"pets\" table\n"));
  EXPECT_THAT(up, HasSubstr("(\n  \"id\""));  // --indent: one column per line
  ExpectClean(*dev_);

  // In sync: nothing written, the sum untouched.
  const std::string sum = ReadText(path / "strata.sum");
  const DiffDirResult again =
      DiffDir(*dev_, dir, To("file://" + (tmp_.path() / "v2.sql").string(), "x"));
  EXPECT_TRUE(again.in_sync());
  EXPECT_EQ(dir.migrations().size(), 2u);
  EXPECT_EQ(ReadText(path / "strata.sum"), sum);
  ExpectClean(*dev_);

  const DiffDirResult third = DiffDir(*dev_, dir, To(State("v3.sql", kV3), "drop_pets"));
  ASSERT_THAT(third.files, SizeIs(2));
  EXPECT_NO_THROW(Dir::Open(path, DirFormat::kGolangMigrate).VerifySum());
  EXPECT_EQ(Left(*dev_, dir, "file://" + (tmp_.path() / "v3.sql").string()), "");
  ExpectClean(*dev_);
}

TEST_P(MigrateDiffTest, DownFilesRestoreEachPreviousState) {
  const fs::path path = tmp_.path() / "migrations";
  fs::create_directory(path);
  Dir dir = Dir::Open(path, DirFormat::kGolangMigrate);
  const std::vector<std::string> states = {State("v1.sql", kV1), State("v2.sql", kV2),
                                           State("v3.sql", kV3)};
  for (size_t i = 0; i < states.size(); ++i) {
    DiffDir(*dev_, dir, To(states[i], "step" + std::to_string(i + 1)));
  }
  ASSERT_EQ(dir.migrations().size(), 3u);

  // On a real database: apply every up file, then walk back with the down files.
  TempDatabase target(GetParam());
  auto conn = target.Connect();
  for (const Migration& m : dir.migrations()) ExecScript(*conn, m.up_sql, m.up_file);
  const DiffOptions options = DiffOptionsFor(GetParam());
  for (size_t i = dir.migrations().size(); i-- > 1;) {
    const Migration& m = dir.migrations()[i];
    ExecScript(*conn, m.down_sql, m.down_file);
    const schema::Realm expected = LoadState(states[i - 1], dev_.get());
    EXPECT_EQ(Describe(Diff(Inspect(*conn), expected, options)), "") << "after " << m.down_file;
  }
}

TEST_P(MigrateDiffTest, EveryFormat) {
  for (DirFormat format : {DirFormat::kGolangMigrate, DirFormat::kAtlas, DirFormat::kGoose,
                           DirFormat::kFlyway, DirFormat::kDbmate}) {
    SCOPED_TRACE(std::string(DirFormatName(format)));
    const fs::path path = tmp_.path() / std::string(DirFormatName(format));
    fs::create_directory(path);
    Dir dir = Dir::Open(path, format);
    DiffDirOptions options = To(State("v1.sql", kV1), "init");
    options.sequence = true;
    DiffDir(*dev_, dir, options);
    options.to = State("v2.sql", kV2);
    options.name = "pets";
    const DiffDirResult r = DiffDir(*dev_, dir, options);
    EXPECT_EQ(r.files.size(),
              format == DirFormat::kGolangMigrate || format == DirFormat::kFlyway ? 2u : 1u);
    const Dir read = Dir::Open(path, format);
    ASSERT_EQ(read.migrations().size(), 2u);
    EXPECT_EQ(read.migrations()[1].version, format == DirFormat::kFlyway  ? "2"
                                            : format == DirFormat::kGoose ? "00002"
                                                                          : "000002");
    EXPECT_NO_THROW(read.VerifySum());
    EXPECT_EQ(Left(*dev_, read, options.to), "");
    // A migration directory is itself a source: the state it reaches.
    EXPECT_TRUE(DiffDir(*dev_, dir, To("file://" + path.string(), "same")).in_sync());
    ExpectClean(*dev_);
  }
}

TEST_P(MigrateDiffTest, DirtyDevDatabaseIsRefused) {
  dev_->Exec("CREATE TABLE leftover (id integer)");
  TempDir dir_path;
  Dir dir = Dir::Open(dir_path.path(), DirFormat::kGolangMigrate);
  try {
    DiffDir(*dev_, dir, To(State("v1.sql", kV1), "init"));
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not clean"));
    EXPECT_THAT(e.what(), HasSubstr("leftover"));
  }
  EXPECT_TRUE(dir.migrations().empty());
  EXPECT_FALSE(fs::exists(dir_path.path() / "strata.sum"));
}

TEST_P(MigrateDiffTest, TamperedDirectoryIsRefused) {
  TempDir dir_path;
  Dir dir = Dir::Open(dir_path.path(), DirFormat::kGolangMigrate);
  DiffDir(*dev_, dir, To(State("v1.sql", kV1), "init"));
  WriteText(dir_path.path() / dir.migrations()[0].up_file, "CREATE TABLE other (id integer);\n");
  EXPECT_THROW(DiffDir(*dev_, dir, To(State("v2.sql", kV2), "pets")), ChecksumError);
  EXPECT_EQ(Dir::Open(dir_path.path(), DirFormat::kGolangMigrate).migrations().size(), 1u);
}

// Failures leave the dev database clean, the directory and its sum as they were.
TEST_P(MigrateDiffTest, FailuresLeaveDevCleanAndDirectoryUnchanged) {
  TempDir dir_path;
  Dir dir = Dir::Open(dir_path.path(), DirFormat::kGolangMigrate);
  // A hand-written migration that inserts a row: adding a NOT NULL column without a default
  // cannot work on it, which only the verification replay can tell.
  dir.Write("1", "items",
            "CREATE TABLE items (id integer PRIMARY KEY);\nINSERT INTO items VALUES (1);\n",
            "DROP TABLE items;\n");
  const std::string sum = ReadText(dir_path.path() / "strata.sum");
  try {
    DiffDir(*dev_, dir,
            To(State("items.sql",
                     "CREATE TABLE items (id integer PRIMARY KEY, code text NOT "
                     "NULL);\n"),
               "code"));
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("the new migration failed on the dev database"));
    EXPECT_THAT(e.what(), HasSubstr("was not kept"));
  }
  ExpectClean(*dev_);
  EXPECT_EQ(dir.migrations().size(), 1u);
  EXPECT_EQ(ReadText(dir_path.path() / "strata.sum"), sum);
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_path.path())) ++files;
  EXPECT_EQ(files, 3u);  // 1_items.up.sql, 1_items.down.sql, strata.sum

  // A broken file in the directory: the error names it and its line.
  dir.Write("2", "broken",
            "-- a comment\nCREATE TABLE broken (id integer);\nCREATE TABLE oops (;\n", "");
  try {
    DiffDir(*dev_, dir, To(State("v1.sql", kV1), "init"));
    FAIL() << "expected SqlError";
  } catch (const SqlError& e) {
    EXPECT_THAT(e.what(), HasSubstr("2_broken.up.sql:3"));
  }
  ExpectClean(*dev_);

  // A broken desired state.
  TempDir empty;
  Dir fresh = Dir::Open(empty.path(), DirFormat::kGolangMigrate);
  EXPECT_THROW(DiffDir(*dev_, fresh, To(State("bad.sql", "CREATE TABLE x (;\n"), "x")), SqlError);
  ExpectClean(*dev_);
  EXPECT_TRUE(fresh.migrations().empty());
}

// Diffs on one dev database at once: the dev lock serializes them and all come out right. The
// directories start with a file that runs outside a transaction, so replays are visible to other
// sessions while they run.
TEST_P(MigrateDiffTest, ConcurrentDiffsOnOneDevDatabase) {
  const std::string desired =
      State("desired.sql", std::string("CREATE TABLE base (id integer PRIMARY KEY);\n") + kV2);
  TempDir dirs[3];
  std::string errors[3];
  auto run = [&](const fs::path& path, std::string* error) {
    try {
      auto dev = Connect(dev_db_.url());
      Dir dir = Dir::Open(path, DirFormat::kGolangMigrate);
      dir.Write("1", "base", "-- strata:txmode none\nCREATE TABLE base (id integer PRIMARY KEY);\n",
                "DROP TABLE base;\n");
      DiffDir(*dev, dir, To(desired, "init"));
      if (!DiffDir(*dev, dir, To(desired, "again")).in_sync()) *error = "second diff not in sync";
    } catch (const std::exception& e) {
      *error = e.what();
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back(run, dirs[i].path(), &errors[i]);
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(errors[i], "");
    const Dir dir = Dir::Open(dirs[i].path(), DirFormat::kGolangMigrate);
    EXPECT_EQ(dir.migrations().size(), 2u);
    EXPECT_EQ(Left(*dev_, dir, desired), "");
  }
  ExpectClean(*dev_);
}

TEST_P(MigrateDiffTest, ValidateReplaysAndNamesTheFailingFile) {
  TempDir dir_path;
  Dir dir = Dir::Open(dir_path.path(), DirFormat::kGoose);
  dir.Write("1", "ok", "CREATE TABLE a (id integer);\n", "DROP TABLE a;\n");
  EXPECT_EQ(ReplayDir(*dev_, dir).schemas.at(0).tables.size(), 1u);
  dir.Write("2", "more", "CREATE TABLE b (id integer);\n", "DROP TABLE b;\n");
  {
    Transaction tx(*dev_);
    Replay(*dev_, dir, "1");  // up to and including version 1
    EXPECT_EQ(Inspect(*dev_).schemas.at(0).tables.size(), 1u);
  }
  dir.Write("3", "bad", "CREATE TABLE c (id integer);\nCREATE TABLE d (id nosuchtype[[);\n", "");
  try {
    ReplayDir(*dev_, dir);
    FAIL() << "expected SqlError";
  } catch (const SqlError& e) {
    EXPECT_THAT(e.what(), HasSubstr("3_bad.sql"));
    EXPECT_THAT(e.what(), HasSubstr("3_bad.sql:3"));  // the line in the file, after its Up marker
  }
  ExpectClean(*dev_);
}

// Hand-written files often wrap themselves in BEGIN … COMMIT: replaying them must still leave the
// dev database clean, and so must a desired-state file that does the same.
TEST_P(MigrateDiffTest, FilesWithTheirOwnTransactions) {
  TempDir dir_path;
  Dir dir = Dir::Open(dir_path.path(), DirFormat::kGolangMigrate);
  dir.Write("1", "wrapped", "BEGIN;\nCREATE TABLE a (id integer);\nCOMMIT;\n", "DROP TABLE a;\n");
  EXPECT_TRUE(NeedsNoTx(dir));
  EXPECT_EQ(LoadDir(*dev_, dir).schemas.at(0).tables.size(), 1u);
  ExpectClean(*dev_);
  const std::string desired =
      State("wrapped.sql",
            "BEGIN;\nCREATE TABLE a (id integer);\nCREATE TABLE b (id integer);\n"
            "COMMIT;\n");
  const DiffDirResult r = DiffDir(*dev_, dir, To(desired, "b"));
  EXPECT_THAT(r.files, SizeIs(2));
  ExpectClean(*dev_);
}

INSTANTIATE_TEST_SUITE_P(MigrateDiff, MigrateDiffTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& info) { return std::string(DialectName(info.param)); });

// The command line, as a user runs it: strata.toml environments, relative directories, output
// and exit codes.
class MigrateDiffCli : public ::testing::TestWithParam<Dialect> {
 protected:
  struct Result {
    int status;
    std::string output;
  };
  Result Strata(const std::string& args) {
    Result r;
    r.status = RunCommand(
        "cd '" + tmp_.path().string() + "' && " + STRATA_CLI + " " + args + " </dev/null",
        &r.output);
    return r;
  }
  TempDir tmp_;
  TempDatabase dev_db_{GetParam()};
};

TEST_P(MigrateDiffCli, EnvironmentWalkThrough) {
  const fs::path root = tmp_.path();
  fs::create_directories(root / "user");
  WriteText(root / "user" / "schema.sql", kV1);
  WriteText(root / "strata.toml",
            "[env.local]\n"
            "src = \"file://user/schema.sql\"\n"
            "[env.local.migration]\n"
            "dir = \"file://user/migrations\"\n"
            "format = \"golang-migrate\"\n"
            "[env.local.format]\n"
            "indent = \"  \"\n");
  const std::string dev = " --dev-url '" + dev_db_.url() + "'";

  Result init = Strata("migrate diff init --env local" + dev);
  ASSERT_EQ(init.status, 0) << init.output;
  const Dir dir = Dir::Open(root / "user" / "migrations", DirFormat::kGolangMigrate);
  ASSERT_EQ(dir.migrations().size(), 1u);
  const Migration& m = dir.migrations()[0];
  EXPECT_THAT(init.output, HasSubstr("user/migrations/" + m.up_file + "\n"));
  EXPECT_THAT(init.output, HasSubstr("user/migrations/" + m.down_file + "\n"));
  EXPECT_THAT(init.output, HasSubstr("Verified on the dev database"));
  EXPECT_THAT(m.up_sql, HasSubstr("(\n  \"id\""));  // indent from [env.local.format]
  EXPECT_TRUE(fs::exists(root / "user" / "migrations" / "strata.sum"));

  Result synced = Strata("migrate diff again --env local" + dev);
  EXPECT_EQ(synced.status, 0) << synced.output;
  EXPECT_THAT(synced.output,
              HasSubstr("Migration directory is in sync with the desired state, no changes."));

  Result added = Strata("migrate new seed_data --env local --seq");
  ASSERT_EQ(added.status, 0) << added.output;
  EXPECT_THAT(added.output, HasSubstr("_seed_data.up.sql"));

  Result valid = Strata("migrate validate --env local" + dev);
  EXPECT_EQ(valid.status, 0) << valid.output;
  EXPECT_THAT(valid.output, HasSubstr("2 migrations in golang-migrate format, strata.sum matches"));
  EXPECT_THAT(valid.output, HasSubstr("1 table"));

  // Edited by hand: refused with the file named, until `migrate hash`.
  WriteText(root / "user" / "migrations" / m.up_file, m.up_sql + "-- reviewed\n");
  Result tampered = Strata("migrate validate --env local");
  EXPECT_EQ(tampered.status, 1) << tampered.output;
  EXPECT_THAT(tampered.output, HasSubstr("edited:  " + m.up_file));
  Result refused = Strata("migrate diff next --env local" + dev);
  EXPECT_EQ(refused.status, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("strata migrate hash"));
  Result hashed = Strata("migrate hash --env local");
  EXPECT_EQ(hashed.status, 0) << hashed.output;
  EXPECT_EQ(Strata("migrate validate --env local").status, 0);

  // Flags override the environment.
  WriteText(root / "v2.sql", kV2);
  Result flags = Strata(
      "migrate diff pets --to file://v2.sql --dir file://other --dir-format "
      "atlas --seq" +
      dev);
  ASSERT_EQ(flags.status, 0) << flags.output;
  EXPECT_THAT(flags.output, HasSubstr("other/000001_pets.sql\n"));
}

TEST_P(MigrateDiffCli, ErrorsAndExitCodes) {
  WriteText(tmp_.path() / "schema.sql", kV1);
  const std::string dev = " --dev-url '" + dev_db_.url() + "'";
  // Usage errors: exit 2.
  Result no_to = Strata("migrate diff init" + dev);
  EXPECT_EQ(no_to.status, 2) << no_to.output;
  EXPECT_THAT(no_to.output, HasSubstr("--to is required"));
  EXPECT_EQ(Strata("migrate new").status, 2);
  EXPECT_EQ(Strata("migrate diff --to file://schema.sql --bogus" + dev).status, 2);
  // Errors: exit 1, with what to do.
  Result format = Strata("migrate hash --dir-format liquibase");
  EXPECT_EQ(format.status, 1) << format.output;
  EXPECT_THAT(format.output, HasSubstr("golang-migrate, atlas, goose, flyway or dbmate"));
  Result missing = Strata("migrate validate --dir file://nowhere");
  EXPECT_EQ(missing.status, 1) << missing.output;
  EXPECT_THAT(missing.output, HasSubstr("nowhere does not exist"));
  fs::create_directories(tmp_.path() / "bad");
  WriteText(tmp_.path() / "bad" / "abc.up.sql", "SELECT 1;");
  Result bad_name = Strata("migrate validate --dir file://bad");
  EXPECT_EQ(bad_name.status, 1) << bad_name.output;
  EXPECT_THAT(bad_name.output, HasSubstr("abc.up.sql"));
  {
    auto conn = dev_db_.Connect();
    conn->Exec("CREATE TABLE leftover (id integer)");
  }
  Result dirty = Strata("migrate diff init --to file://schema.sql" + dev);
  EXPECT_EQ(dirty.status, 1) << dirty.output;
  EXPECT_THAT(dirty.output, HasSubstr("not clean"));
  EXPECT_FALSE(fs::exists(tmp_.path() / "migrations" / "strata.sum"));
}

// An extension the migrations created and the desired state no longer creates stays, with a
// warning; the column that used its type changes back.
TEST(MigrateDiffExtensions, ExtensionDroppedFromTheDesiredStateStaysWithAWarning) {
  TempDatabase dev_db(Dialect::kPostgres);
  auto dev = dev_db.Connect();
  TempDir tmp;
  const fs::path path = tmp.path() / "migrations";
  fs::create_directory(path);
  Dir dir = Dir::Open(path, DirFormat::kGolangMigrate);
  WriteText(
      tmp.path() / "v1.sql",
      "CREATE EXTENSION citext;\nCREATE TABLE users (id integer PRIMARY KEY, email citext);\n");
  WriteText(tmp.path() / "v2.sql", "CREATE TABLE users (id integer PRIMARY KEY, email text);\n");
  DiffDirOptions options;
  options.to = "file://" + (tmp.path() / "v1.sql").string();
  const DiffDirResult first = DiffDir(*dev, dir, options);
  ASSERT_EQ(first.files.size(), 2u);
  EXPECT_THAT(
      ReadText(path / first.files[0]),
      ::testing::HasSubstr("CREATE EXTENSION IF NOT EXISTS \"citext\" WITH SCHEMA \"public\""));
  EXPECT_THAT(ReadText(path / first.files[1]),
              ::testing::HasSubstr("DROP EXTENSION IF EXISTS \"citext\""));
  options.to = "file://" + (tmp.path() / "v2.sql").string();
  const DiffDirResult second = DiffDir(*dev, dir, options);
  ASSERT_EQ(second.files.size(), 2u);
  EXPECT_THAT(ReadText(path / second.files[0]), ::testing::Not(::testing::HasSubstr("EXTENSION")));
  ASSERT_EQ(second.warnings.size(), 1u);
  EXPECT_THAT(second.warnings[0],
              ::testing::HasSubstr("extension \"citext\" is installed but not"));
}

// Every flag of every command is documented in the command's page, which holds its --help.
TEST(CommandDocs, HelpMatchesDocs) {
  for (const char* command :
       {"schema inspect", "schema diff", "schema apply", "schema clean", "migrate diff",
        "migrate new", "migrate hash", "migrate validate", "migrate apply", "migrate down",
        "migrate status", "migrate set", "new", "describe"}) {
    std::string help;
    ASSERT_EQ(RunCommand(std::string(STRATA_CLI) + " " + command + " --help", &help), 0);
    std::string page = command;
    if (page.find(' ') != std::string::npos) page[page.find(' ')] = '-';
    const std::string doc = ReadText(fs::path(STRATA_SOURCE_DIR) / "docs" / (page + ".md"));
    EXPECT_THAT(doc, HasSubstr(help))
        << "docs/" << page << ".md must hold the output of `strata " << command << " --help`";
  }
}

INSTANTIATE_TEST_SUITE_P(MigrateDiff, MigrateDiffCli,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& info) { return std::string(DialectName(info.param)); });

}  // namespace
}  // namespace strata::migrate
