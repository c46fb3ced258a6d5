// Migration versions: numeric ordering and new versions (timestamps, sequences, collisions).
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "strata/migrate/dir.hpp"
#include "support/databases.hpp"

namespace strata::migrate {
namespace {

using std::chrono::system_clock;

// 2024-01-02 03:04:05 UTC.
const system_clock::time_point kNow = system_clock::from_time_t(1704164645);

Dir WithVersions(const testing::TempDir& tmp, DirFormat format,
                 std::initializer_list<const char*> files) {
  for (const char* f : files) std::ofstream(tmp.path() / f) << "SELECT 1;\n";
  return Dir::Open(tmp.path(), format);
}

TEST(DirVersion, CompareNumerically) {
  EXPECT_LT(CompareVersions("9", "10"), 0);
  EXPECT_GT(CompareVersions("10", "9"), 0);
  EXPECT_EQ(CompareVersions("007", "7"), 0);
  EXPECT_LT(CompareVersions("20240102030405", "20240102030406"), 0);
  // Longer than any integer type: compared as digit strings.
  EXPECT_LT(CompareVersions("99999999999999999999", "100000000000000000000"), 0);
  EXPECT_LT(CompareVersions("1.2", "1.10"), 0);
  EXPECT_LT(CompareVersions("1", "1.1"), 0);
  EXPECT_EQ(CompareVersions("1", "1.0"), 0);
  EXPECT_LT(CompareVersions("2.0.3", "10"), 0);
}

// Found by fuzz/versions_fuzz: numbers against other text made a cycle (a < b < c < a), which
// breaks the std::map and std::sort that order versions read from tracking tables.
TEST(DirVersion, ComparesVersionsThatAreNotNumbersConsistently) {
  const std::string a = "020240102V20405", b = "1.621225", c = "002";
  EXPECT_LT(CompareVersions(b, c), 0);
  EXPECT_LT(CompareVersions(c, a), 0);
  EXPECT_LT(CompareVersions(b, a), 0);
  // Numbers come before other text, and equal numbers stay equal.
  EXPECT_LT(CompareVersions("99", "0a"), 0);
  EXPECT_EQ(CompareVersions("01", "1"), 0);
  EXPECT_LT(CompareVersions("1", "1.x"), 0);
}

TEST(DirVersion, SortsNineBeforeTen) {
  testing::TempDir tmp;
  const Dir dir =
      WithVersions(tmp, DirFormat::kGolangMigrate, {"10_b.up.sql", "9_a.up.sql", "100_c.up.sql"});
  EXPECT_EQ(dir.migrations()[0].version, "9");
  EXPECT_EQ(dir.migrations()[1].version, "10");
  EXPECT_EQ(dir.migrations()[2].version, "100");
}

TEST(DirVersion, TimestampInUtc) {
  testing::TempDir tmp;
  EXPECT_EQ(Dir::Open(tmp.path(), DirFormat::kGolangMigrate).NextVersion(false, kNow),
            "20240102030405");
}

TEST(DirVersion, TimestampNeverCollides) {
  testing::TempDir tmp;
  Dir dir = Dir::Open(tmp.path(), DirFormat::kGolangMigrate);
  // Two migrations written within the same second get increasing versions.
  const std::string first = dir.NextVersion(false, kNow);
  dir.Write(first, "a", "SELECT 1;\n", "");
  const std::string second = dir.NextVersion(false, kNow);
  EXPECT_EQ(second, "20240102030406");
  dir.Write(second, "b", "SELECT 2;\n", "");
  EXPECT_EQ(dir.NextVersion(false, kNow), "20240102030407");
  // The real clock too: many in a row, all distinct and increasing.
  for (int i = 0; i < 5; ++i) {
    const std::string v = dir.NextVersion(false);
    EXPECT_GT(CompareVersions(v, dir.migrations().back().version), 0);
    dir.Write(v, "c" + std::to_string(i), "SELECT 3;\n", "");
  }
  EXPECT_EQ(dir.migrations().size(), 7u);
}

TEST(DirVersion, TimestampAfterAVersionFromTheFuture) {
  testing::TempDir tmp;
  const Dir dir = WithVersions(tmp, DirFormat::kAtlas, {"99990101000000_x.sql"});
  EXPECT_EQ(dir.NextVersion(false, kNow), "99990101000001");
}

TEST(DirVersion, TimestampAfterACollisionIsAValidTime) {
  // Bumping past a version within the same second carries into minutes, hours, days and years:
  // "…0460" or "…1232…" would not be UTC times.
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"20240102030459", "20240102030500"},
      {"20240102035959", "20240102040000"},
      {"20240229235959", "20240301000000"},
      {"20241231235959", "20250101000000"},
  };
  for (const auto& [greatest, next] : cases) {
    testing::TempDir tmp;
    const Dir dir = WithVersions(tmp, DirFormat::kGolangMigrate,
                                 {(std::string(greatest) + "_a.up.sql").c_str()});
    EXPECT_EQ(dir.NextVersion(false, kNow), next) << "after " << greatest;
  }
  // A greatest version that is no valid time (hand-written) is still exceeded.
  testing::TempDir tmp;
  const Dir dir = WithVersions(tmp, DirFormat::kGolangMigrate, {"99990101000060_a.up.sql"});
  EXPECT_EQ(dir.NextVersion(false, kNow), "99990101000061");
}

TEST(DirVersion, Sequence) {
  {
    testing::TempDir tmp;
    EXPECT_EQ(Dir::Open(tmp.path(), DirFormat::kGolangMigrate).NextVersion(true, kNow), "000001");
  }
  {
    testing::TempDir tmp;
    EXPECT_EQ(Dir::Open(tmp.path(), DirFormat::kGoose).NextVersion(true, kNow), "00001");
  }
  {
    testing::TempDir tmp;
    EXPECT_EQ(Dir::Open(tmp.path(), DirFormat::kFlyway).NextVersion(true, kNow), "1");
  }
  {
    testing::TempDir tmp;
    const Dir dir =
        WithVersions(tmp, DirFormat::kGolangMigrate, {"000009_a.up.sql", "000003_b.up.sql"});
    EXPECT_EQ(dir.NextVersion(true, kNow), "000010");
  }
  {
    testing::TempDir tmp;
    const Dir dir = WithVersions(tmp, DirFormat::kGolangMigrate, {"9_a.up.sql", "3_b.up.sql"});
    EXPECT_EQ(dir.NextVersion(true, kNow), "10");
  }
  {
    testing::TempDir tmp;
    const Dir dir = WithVersions(tmp, DirFormat::kFlyway, {"V2.0.3__a.sql", "V1__b.sql"});
    EXPECT_EQ(dir.NextVersion(true, kNow), "3");
  }
}

}  // namespace
}  // namespace strata::migrate
