// `strata new`, `strata --version` and bare `strata`, driven through the real binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/cli.hpp"
#include "support/databases.hpp"

namespace strata::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CliEntNew, WritesOneCompilableSchemaFilePerName) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "user" / "ent" / "schema";
  const CliResult r = Strata("new --target " + Q(dir.string()) + " User PetOwner");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr((dir / "user.cpp").string()));
  const std::string user = Read(dir / "user.cpp");
  EXPECT_THAT(user, HasSubstr("class User : public Schema"));
  EXPECT_THAT(user, HasSubstr("STRATA_SCHEMA(User);"));
  EXPECT_THAT(Read(dir / "petowner.cpp"), HasSubstr("STRATA_SCHEMA(PetOwner);"));
  std::string out;
  EXPECT_EQ(RunCommand("c++ -std=c++20 -Wall -Wextra -Werror -fsyntax-only -I" +
                           Q(std::string(STRATA_SOURCE_DIR) + "/include") + " " +
                           Q((dir / "user.cpp").string()),
                       &out),
            0)
      << out;
}

TEST(CliEntNew, RefusesToOverwriteAndWritesNothingOnAnyBadName) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "schema";
  ASSERT_EQ(Strata("new --target " + Q(dir.string()) + " User").status, 0);
  std::ofstream(dir / "user.cpp") << "// edited by hand\n";
  const CliResult r = Strata("new --target " + Q(dir.string()) + " Pet User lower Time Bad-Name");
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.output, HasSubstr("\"User\": " + (dir / "user.cpp").string() + " already exists"));
  EXPECT_THAT(r.output, HasSubstr("\"lower\": a type name starts with an upper-case letter"));
  EXPECT_THAT(r.output, HasSubstr("\"Time\": this name is taken"));
  EXPECT_THAT(r.output, HasSubstr("\"Bad-Name\": a type name holds only ASCII letters"));
  EXPECT_EQ(Read(dir / "user.cpp"), "// edited by hand\n");
  EXPECT_FALSE(fs::exists(dir / "pet.cpp")) << "nothing is written when any name is bad";
  EXPECT_EQ(Strata("new --target " + Q(dir.string()) + " Pet Pet").status, 1);
  EXPECT_FALSE(fs::exists(dir / "pet.cpp"));
}

TEST(CliEntNew, VersionAndBareCommandList) {
  const CliResult version = Strata("--version");
  EXPECT_EQ(version.status, 0);
  EXPECT_THAT(version.output, HasSubstr("strata 0."));
  const CliResult bare = Strata("");
  EXPECT_EQ(bare.status, 2);
  EXPECT_THAT(bare.output, Not(HasSubstr("A subcommand is required")));
  EXPECT_THAT(bare.output, HasSubstr("migrate"));
  EXPECT_THAT(bare.output, HasSubstr("new"));
}

}  // namespace
}  // namespace strata::testing
