// `strata generate` through the real binary: the files it writes, byte-identical output, files it
// does not own left alone, files of removed entities deleted, the code compiling warning-free.
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

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A schema folder of two entities, User and Pet, under tmp/app/ent/schema.
fs::path WriteSchemas(const fs::path& tmp) {
  const fs::path dir = tmp / "app" / "ent" / "schema";
  fs::create_directories(dir);
  std::ofstream(dir / "user.cpp") << R"(#include <strata/ent/schema.hpp>
using namespace strata::ent;
class User : public Schema {
 public:
  Fields GetFields() const override {
    return {field::String("name"), field::Enum("state").Values("on", "off").Default("on")};
  }
  Edges GetEdges() const override { return {edge::To("pets", "Pet")}; }
};
STRATA_SCHEMA(User);
)";
  std::ofstream(dir / "pet.cpp") << R"(#include <strata/ent/schema.hpp>
using namespace strata::ent;
class Pet : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override { return {edge::From("owner", "User").Ref("pets").Unique()}; }
};
STRATA_SCHEMA(Pet);
)";
  return dir;
}

std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) out[e.path().filename().string()] = ReadFile(e.path());
  }
  return out;
}

TEST(CliGenerate, WritesTheClientBesideTheSchemaFolderDeterministically) {
  TempDir tmp;
  const fs::path schema = WriteSchemas(tmp.path());
  const fs::path out = tmp.path() / "app" / "ent";
  const CliResult first = Strata("generate " + Q(schema.string()));
  ASSERT_EQ(first.status, 0) << first.output;
  const auto files = Snapshot(out);
  for (const char* name : {"client.hpp", "client.cpp", "entities.hpp", "user.hpp", "user.cpp",
                           "pet.hpp", "pet.cpp", ".strata-generated"}) {
    EXPECT_EQ(files.count(name), 1u) << name;
  }
  EXPECT_THAT(files.at("user.hpp"), HasSubstr("class UserCreate"));
  EXPECT_THAT(files.at("entities.hpp"), HasSubstr("enum class State"));
  EXPECT_THAT(files.at(".strata-generated"), HasSubstr("pet.cpp\n"));
  const auto time = fs::last_write_time(out / "user.cpp");

  const CliResult second =
      Strata("generate " + Q(schema.string()) + " --target " + Q(out.string()));
  ASSERT_EQ(second.status, 0) << second.output;
  EXPECT_EQ(Snapshot(out), files) << "the same schemas give byte-identical files";
  EXPECT_EQ(fs::last_write_time(out / "user.cpp"), time) << "unchanged files are not rewritten";

  // The generated code compiles warning-free on its own (with the schema files beside it).
  std::string output;
  for (const char* name : {"client.cpp", "user.cpp", "pet.cpp"}) {
    EXPECT_EQ(RunCommand("c++ -std=c++20 -Wall -Wextra -Werror -fsyntax-only -I" +
                             Q(std::string(STRATA_SOURCE_DIR) + "/include") + " -I" +
                             Q((tmp.path() / "app").string()) + " " + Q((out / name).string()),
                         &output),
              0)
        << name << ": " << output;
  }
}

TEST(CliGenerate, LeavesFilesItDoesNotOwnAndRemovesThoseOfRemovedEntities) {
  TempDir tmp;
  const fs::path schema = WriteSchemas(tmp.path());
  const fs::path out = tmp.path() / "app" / "ent";
  std::ofstream(out / "notes.txt") << "mine\n";
  std::ofstream(out / "pet.hpp") << "// my own pet.hpp\n";
  const CliResult refused = Strata("generate " + Q(schema.string()));
  EXPECT_EQ(refused.status, 1);
  EXPECT_THAT(refused.output, HasSubstr("pet.hpp exists and was not written by strata generate"));
  EXPECT_FALSE(fs::exists(out / "client.hpp")) << "nothing is written when a file is in the way";
  fs::remove(out / "pet.hpp");

  ASSERT_EQ(Strata("generate " + Q(schema.string())).status, 0);
  fs::remove(schema / "pet.cpp");
  std::ofstream(schema / "user.cpp") << R"(#include <strata/ent/schema.hpp>
using namespace strata::ent;
class User : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
};
STRATA_SCHEMA(User);
)";
  const CliResult again = Strata("generate " + Q(schema.string()));
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_FALSE(fs::exists(out / "pet.hpp"));
  EXPECT_FALSE(fs::exists(out / "pet.cpp"));
  EXPECT_TRUE(fs::exists(out / "user.hpp"));
  EXPECT_EQ(ReadFile(out / "notes.txt"), "mine\n");
  EXPECT_THAT(ReadFile(out / ".strata-generated"), ::testing::Not(HasSubstr("pet")));
}

TEST(CliGenerate, RefusesABadNamespaceAndReservedEntityNames) {
  TempDir tmp;
  const fs::path schema = WriteSchemas(tmp.path());
  const CliResult r = Strata("generate " + Q(schema.string()) + " --namespace 'a b'");
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.output, HasSubstr("--namespace"));
  std::ofstream(schema / "entities.cpp") << R"(#include <strata/ent/schema.hpp>
using namespace strata::ent;
class Entities : public Schema {};
STRATA_SCHEMA(Entities);
)";
  const CliResult taken = Strata("generate " + Q(schema.string()));
  EXPECT_EQ(taken.status, 1);
  EXPECT_THAT(taken.output, HasSubstr("schema Entities"));
}

}  // namespace
}  // namespace strata::testing
