// Migration directory formats: golang-migrate, atlas, goose, flyway and dbmate read and written,
// malformed names, duplicate versions, transaction directives, and format detection.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "strata/error.hpp"
#include "strata/migrate/dir.hpp"
#include "support/databases.hpp"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

void WriteText(const fs::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string Trimmed(std::string_view s) {
  const size_t b = s.find_first_not_of(" \n");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(" \n") - b + 1));
}

// The InputError message Dir::Open throws for `dir`, or "" when it opens.
std::string OpenError(const fs::path& dir, DirFormat format) {
  try {
    Dir::Open(dir, format);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

constexpr const char* kUp = "-- create \"t\" table\nCREATE TABLE t (id int);\n";
constexpr const char* kDown = "-- drop \"t\" table\nDROP TABLE t;\n";

struct FormatCase {
  DirFormat format;
  std::vector<std::string> files;  // what Write("7", "init", …) creates
};

class DirFormatRoundTrip : public ::testing::TestWithParam<FormatCase> {};

TEST_P(DirFormatRoundTrip, WriteThenRead) {
  const FormatCase& c = GetParam();
  testing::TempDir tmp;
  Dir dir = Dir::Open(tmp.path(), c.format);
  EXPECT_EQ(dir.Write("7", "init", kUp, kDown), c.files);
  ASSERT_EQ(dir.migrations().size(), 1u);  // Write refreshes the Dir
  dir.Write("10", "more", "CREATE TABLE u (id int);\n", "DROP TABLE u;\n");
  EXPECT_NO_THROW(dir.VerifySum());

  const Dir read = Dir::Open(tmp.path(), c.format);
  ASSERT_EQ(read.migrations().size(), 2u);
  const Migration& m = read.migrations()[0];
  EXPECT_EQ(m.version, "7");
  EXPECT_EQ(m.description, "init");
  EXPECT_EQ(m.up_file, c.files[0]);
  EXPECT_EQ(Trimmed(m.up_sql), Trimmed(kUp));
  EXPECT_FALSE(m.no_tx);
  if (c.format == DirFormat::kAtlas) {
    EXPECT_EQ(m.down_file, "");
    EXPECT_EQ(m.down_sql, "");
  } else {
    EXPECT_EQ(m.down_file, c.files.size() > 1 ? c.files[1] : c.files[0]);
    EXPECT_EQ(Trimmed(m.down_sql), Trimmed(kDown));
  }
  EXPECT_EQ(read.migrations()[1].version, "10");  // numeric order: 7 < 10
  EXPECT_EQ(read.ComputeSum(), ReadText(tmp.path() / "strata.sum"));
  for (const std::string& f : read.Files()) EXPECT_TRUE(fs::exists(tmp.path() / f)) << f;
}

INSTANTIATE_TEST_SUITE_P(
    AllFormats, DirFormatRoundTrip,
    ::testing::Values(FormatCase{DirFormat::kGolangMigrate, {"7_init.up.sql", "7_init.down.sql"}},
                      FormatCase{DirFormat::kAtlas, {"7_init.sql"}},
                      FormatCase{DirFormat::kGoose, {"7_init.sql"}},
                      FormatCase{DirFormat::kFlyway, {"V7__init.sql", "U7__init.sql"}},
                      FormatCase{DirFormat::kDbmate, {"7_init.sql"}}),
    [](const auto& info) {
      std::string name(DirFormatName(info.param.format));
      std::erase(name, '-');
      return name;
    });

TEST(DirFormat, NamesParseBothWays) {
  for (DirFormat f : {DirFormat::kGolangMigrate, DirFormat::kAtlas, DirFormat::kGoose,
                      DirFormat::kFlyway, DirFormat::kDbmate}) {
    EXPECT_EQ(ParseDirFormat(DirFormatName(f)), f);
  }
  EXPECT_THROW(ParseDirFormat("liquibase"), InputError);
}

TEST(DirFormat, GolangMigrateUpOnlyAndIgnoredFiles) {
  testing::TempDir tmp;
  WriteText(tmp.path() / "1_a.up.sql", "CREATE TABLE a (x int);");
  WriteText(tmp.path() / "2_b.up.sql", "CREATE TABLE b (x int);");
  WriteText(tmp.path() / "2_b.down.sql", "DROP TABLE b;");
  WriteText(tmp.path() / "atlas.sum", "h1:x\n");
  WriteText(tmp.path() / "notes.txt", "hello");
  fs::create_directory(tmp.path() / "old");
  WriteText(tmp.path() / "old" / "garbage.sql", "x");
  const Dir dir = Dir::Open(tmp.path(), DirFormat::kGolangMigrate);
  ASSERT_EQ(dir.migrations().size(), 2u);
  EXPECT_EQ(dir.migrations()[0].down_file, "");
  EXPECT_THAT(dir.Files(), ElementsAre("1_a.up.sql", "2_b.down.sql", "2_b.up.sql"));
}

TEST(DirFormat, MalformedNamesNameTheFileAndPattern) {
  struct Case {
    DirFormat format;
    std::string file;
  };
  for (const Case& c :
       {Case{DirFormat::kGolangMigrate, "abc.up.sql"}, Case{DirFormat::kGolangMigrate, "1_x.sql"},
        Case{DirFormat::kGolangMigrate, "1.up.sql"}, Case{DirFormat::kAtlas, "1_x.up.sql"},
        Case{DirFormat::kAtlas, "init.sql"}, Case{DirFormat::kGoose, "1.sql"},
        Case{DirFormat::kFlyway, "R__views.sql"}, Case{DirFormat::kFlyway, "V1_init.sql"},
        Case{DirFormat::kDbmate, "x_1.sql"}}) {
    testing::TempDir tmp;
    WriteText(tmp.path() / c.file, "SELECT 1;");
    const std::string error = OpenError(tmp.path(), c.format);
    EXPECT_THAT(error, HasSubstr((tmp.path() / c.file).string())) << c.file;
    EXPECT_THAT(error, HasSubstr("expected")) << c.file;
    EXPECT_THAT(error, HasSubstr(std::string(DirFormatName(c.format)))) << c.file;
  }
}

TEST(DirFormat, MissingSectionMarkers) {
  testing::TempDir tmp;
  WriteText(tmp.path() / "1_x.sql", "CREATE TABLE t (id int);\n");
  EXPECT_THAT(OpenError(tmp.path(), DirFormat::kGoose), HasSubstr("no `-- +goose Up` line"));
  EXPECT_THAT(OpenError(tmp.path(), DirFormat::kDbmate), HasSubstr("no `-- migrate:up` line"));
  WriteText(tmp.path() / "1_x.sql", "-- migrate:down\nDROP TABLE t;\n-- migrate:up\nSELECT 1;\n");
  EXPECT_THAT(OpenError(tmp.path(), DirFormat::kDbmate), HasSubstr("1_x.sql:1"));
  WriteText(tmp.path() / "1_x.sql", "SELECT 1;\n-- +goose Up\nSELECT 2;\n");
  EXPECT_THAT(OpenError(tmp.path(), DirFormat::kGoose), HasSubstr("1_x.sql:1: SQL before"));
}

TEST(DirFormat, DuplicateVersionsNameBothFiles) {
  testing::TempDir tmp;
  WriteText(tmp.path() / "1_a.up.sql", "SELECT 1;");
  WriteText(tmp.path() / "01_b.up.sql", "SELECT 2;");
  std::string error = OpenError(tmp.path(), DirFormat::kGolangMigrate);
  EXPECT_THAT(error, HasSubstr("01_b.up.sql"));
  EXPECT_THAT(error, HasSubstr("1_a.up.sql"));
  EXPECT_THAT(error, HasSubstr("same version"));

  testing::TempDir fly;
  WriteText(fly.path() / "V1_1__a.sql", "SELECT 1;");
  WriteText(fly.path() / "V1.1__b.sql", "SELECT 2;");
  error = OpenError(fly.path(), DirFormat::kFlyway);
  EXPECT_THAT(error, HasSubstr("V1_1__a.sql"));
  EXPECT_THAT(error, HasSubstr("V1.1__b.sql"));
}

TEST(DirFormat, DownWithoutUp) {
  testing::TempDir tmp;
  WriteText(tmp.path() / "3_a.down.sql", "SELECT 1;");
  EXPECT_THAT(OpenError(tmp.path(), DirFormat::kGolangMigrate), HasSubstr("has no up file"));
}

TEST(DirFormat, FlywayVersions) {
  testing::TempDir tmp;
  WriteText(tmp.path() / "V1__init.sql", "SELECT 1;");
  WriteText(tmp.path() / "V1_1__fix.sql", "SELECT 2;");
  WriteText(tmp.path() / "V2.0.3__more.sql", "SELECT 3;");
  WriteText(tmp.path() / "V10__last.sql", "SELECT 4;");
  WriteText(tmp.path() / "U10__last.sql", "SELECT 5;");
  const Dir dir = Dir::Open(tmp.path(), DirFormat::kFlyway);
  std::vector<std::string> versions;
  for (const auto& m : dir.migrations()) versions.push_back(m.version);
  EXPECT_THAT(versions, ElementsAre("1", "1.1", "2.0.3", "10"));
  EXPECT_EQ(dir.migrations()[1].description, "fix");
  EXPECT_EQ(dir.migrations()[3].down_file, "U10__last.sql");
}

TEST(DirFormat, GooseSectionsMarkersAndLines) {
  testing::TempDir tmp;
  WriteText(tmp.path() / "00003_fn.sql",
            "-- a leading comment\n"
            "-- +goose NO TRANSACTION\n"
            "-- +goose Up\n"
            "-- +goose StatementBegin\n"
            "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"
            "-- +goose StatementEnd\n"
            "CREATE INDEX CONCURRENTLY i ON t (x);\n"
            "-- +goose Down\n"
            "DROP FUNCTION f;\n");
  const Dir dir = Dir::Open(tmp.path(), DirFormat::kGoose);
  ASSERT_EQ(dir.migrations().size(), 1u);
  const Migration& m = dir.migrations()[0];
  EXPECT_EQ(m.version, "00003");
  EXPECT_EQ(m.description, "fn");
  EXPECT_EQ(m.up_line, 4);
  EXPECT_EQ(m.up_sql,
            "\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n\n"
            "CREATE INDEX CONCURRENTLY i ON t (x);\n");
  EXPECT_EQ(m.down_line, 9);
  EXPECT_EQ(m.down_sql, "DROP FUNCTION f;\n");
  EXPECT_TRUE(m.no_tx);
  EXPECT_TRUE(m.down_no_tx);
}

TEST(DirFormat, DbmateTransactionOption) {
  testing::TempDir tmp;
  WriteText(tmp.path() / "20240101000000_idx.sql",
            "-- migrate:up transaction:false\n"
            "CREATE INDEX CONCURRENTLY i ON t (x);\n"
            "\n"
            "-- migrate:down\n"
            "DROP INDEX i;\n");
  const Migration m = Dir::Open(tmp.path(), DirFormat::kDbmate).migrations().at(0);
  EXPECT_TRUE(m.no_tx);
  EXPECT_FALSE(m.down_no_tx);
  EXPECT_EQ(m.up_line, 2);
  EXPECT_EQ(m.down_line, 5);
  EXPECT_EQ(m.down_sql, "DROP INDEX i;\n");
}

TEST(DirFormat, TxmodeDirectiveInLeadingComments) {
  testing::TempDir tmp;
  WriteText(tmp.path() / "1_a.up.sql",
            "-- add an index\n-- strata:txmode none\n\nCREATE INDEX "
            "CONCURRENTLY i ON t (x);\n");
  WriteText(tmp.path() / "2_b.up.sql", "SELECT 1;\n-- strata:txmode none\n");
  WriteText(tmp.path() / "2_b.down.sql", "-- strata:txmode none\nDROP INDEX CONCURRENTLY i;\n");
  const Dir dir = Dir::Open(tmp.path(), DirFormat::kGolangMigrate);
  EXPECT_TRUE(dir.migrations()[0].no_tx);
  EXPECT_FALSE(dir.migrations()[1].no_tx);  // not a leading comment
  EXPECT_TRUE(dir.migrations()[1].down_no_tx);
}

TEST(DirFormat, WriteTranslatesTxmodeForGooseAndDbmate) {
  const std::string up =
      "-- strata:txmode none\n-- create index\nCREATE INDEX CONCURRENTLY i ON t (x);\n";
  testing::TempDir goose;
  Dir g = Dir::Open(goose.path(), DirFormat::kGoose);
  g.Write("1", "idx", up, "DROP INDEX i;\n");
  const std::string goose_text = ReadText(goose.path() / "1_idx.sql");
  EXPECT_TRUE(goose_text.starts_with("-- +goose NO TRANSACTION\n-- +goose Up\n-- create index\n"))
      << goose_text;
  EXPECT_TRUE(g.migrations()[0].no_tx);

  testing::TempDir dbmate;
  Dir d = Dir::Open(dbmate.path(), DirFormat::kDbmate);
  d.Write("1", "idx", up, "DROP INDEX i;\n");
  const std::string dbmate_text = ReadText(dbmate.path() / "1_idx.sql");
  EXPECT_TRUE(dbmate_text.starts_with("-- migrate:up transaction:false\n-- create index\n"))
      << dbmate_text;
  EXPECT_THAT(dbmate_text, HasSubstr("\n-- migrate:down\nDROP INDEX i;\n"));
  EXPECT_TRUE(d.migrations()[0].no_tx);
  EXPECT_FALSE(d.migrations()[0].down_no_tx);
}

TEST(DirFormat, WriteRejectsBadNamesAndExistingVersions) {
  testing::TempDir tmp;
  Dir dir = Dir::Open(tmp.path(), DirFormat::kGolangMigrate);
  EXPECT_THROW(dir.Write("1", "add users", "", ""), InputError);
  EXPECT_THROW(dir.Write("1", "../x", "", ""), InputError);
  EXPECT_THROW(dir.Write("1.2", "x", "", ""), InputError);  // dotted versions are flyway's
  dir.Write("1", "x", "SELECT 1;\n", "");
  EXPECT_THAT(dir.Files(), ElementsAre("1_x.down.sql", "1_x.up.sql"));
  try {
    dir.Write("001", "y", "SELECT 2;\n", "");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("already exists"));
  }
  EXPECT_EQ(dir.migrations().size(), 1u);
  for (const auto& entry : fs::directory_iterator(tmp.path())) {
    EXPECT_FALSE(entry.path().filename().string().ends_with(".tmp")) << entry.path();
  }
}

TEST(DirFormat, OpenMissingDirectory) {
  EXPECT_THAT(OpenError("/nonexistent/strata/migrations", DirFormat::kGolangMigrate),
              HasSubstr("does not exist"));
}

TEST(DirFormat, Detection) {
  auto detect = [](std::initializer_list<std::pair<const char*, const char*>> files) {
    testing::TempDir tmp;
    for (const auto& [name, text] : files) WriteText(tmp.path() / name, text);
    return DetectDirFormat(tmp.path());
  };
  EXPECT_EQ(detect({{"1_a.up.sql", ""}, {"1_a.down.sql", ""}}), DirFormat::kGolangMigrate);
  EXPECT_EQ(detect({{"V1__a.sql", ""}}), DirFormat::kFlyway);
  EXPECT_EQ(detect({{"1_a.sql", "-- +goose Up\nSELECT 1;\n"}}), DirFormat::kGoose);
  EXPECT_EQ(detect({{"1_a.sql", "-- migrate:up\nSELECT 1;\n"}}), DirFormat::kDbmate);
  EXPECT_EQ(detect({{"1_a.sql", "SELECT 1;"}, {"20_b.sql", "SELECT 2;"}}), DirFormat::kAtlas);
  EXPECT_EQ(detect({{"schema.sql", "SELECT 1;"}, {"1_b.sql", "SELECT 2;"}}), std::nullopt);
  EXPECT_EQ(detect({}), std::nullopt);
}

}  // namespace
}  // namespace strata::migrate
