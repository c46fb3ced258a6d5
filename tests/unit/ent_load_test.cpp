// The entity schema loader: compiling a schema folder with the loader main, compiler errors that
// name the user's files, the unity-build fallback, the cache, and finding headers and library.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <thread>

#include "ent/load/internal.hpp"
#include "ent/load/load.hpp"
#include "support/databases.hpp"

namespace strata::ent {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kUser = R"(#include <strata/ent/schema.hpp>

using namespace strata::ent;

class User : public Schema {
 public:
  Fields GetFields() const override {
    return {field::String("name").NotEmpty(), field::Int("age").Positive().Optional()};
  }
  Edges GetEdges() const override { return {edge::To("pets", "Pet")}; }
};
STRATA_SCHEMA(User);
)";

constexpr const char* kPet = R"(#include <strata/ent/schema.hpp>

using namespace strata::ent;

class Pet : public Schema {
 public:
  Fields GetFields() const override { return {field::String("name")}; }
  Edges GetEdges() const override { return {edge::From("owner", "User").Ref("pets").Unique()}; }
};
STRATA_SCHEMA(Pet);
)";

// A schema whose field name is `name`, in a class named `type`.
std::string SchemaFile(const std::string& type, const std::string& field,
                       const std::string& extra = "") {
  return "#include <strata/ent/schema.hpp>\n" + extra + "\nusing namespace strata::ent;\nclass " +
         type + " : public Schema {\n public:\n  Fields GetFields() const override { return {" +
         "field::String(" + field + ")}; }\n};\nSTRATA_SCHEMA(" + type + ");\n";
}

void Write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

// A modification time well in the past (a just-written file is too fresh to be cached), distinct
// per `minutes`.
void SetOldTime(const fs::path& file, int minutes) {
  fs::last_write_time(file, fs::file_time_type::clock::now() - std::chrono::hours(24) +
                                std::chrono::minutes(minutes));
}

std::vector<std::string> Listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(dir)) names.push_back(e.path().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Shares a cache folder and the User + Pet folder between the tests of one process; each test
// still works alone (ctest runs each in its own process).
class EntLoad : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new testing::TempDir();
    Write(UserPetDir() / "user.cpp", kUser);
    Write(UserPetDir() / "pet.cpp", kPet);
    Write(UserPetDir() / "README.md", "not compiled, but hashed\n");
  }
  static void TearDownTestSuite() {
    delete root_;
    root_ = nullptr;
  }
  static fs::path Root() { return root_->path(); }
  static fs::path UserPetDir() { return Root() / "user_pet"; }
  static LoadOptions Options() {
    LoadOptions o;
    o.cache_dir = Root() / "cache";
    return o;
  }
  // What LoadSchemas throws for `dir`, as text ("" when it loads).
  static std::string LoadError(const fs::path& dir, const LoadOptions& options) {
    try {
      LoadSchemas(dir, options);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  static testing::TempDir* root_;
};
testing::TempDir* EntLoad::root_ = nullptr;

TEST_F(EntLoad, LoadsTheSchemasOfAFolder) {
  const std::vector<std::string> before = Listing(UserPetDir());
  LoadTimings t;
  const std::vector<SchemaDescriptor> schemas = LoadSchemas(UserPetDir(), Options(), &t);
  EXPECT_EQ(Listing(UserPetDir()), before) << "nothing is written into the schema folder";

  ASSERT_EQ(schemas.size(), 2u);
  const SchemaDescriptor& pet = schemas[0];
  const SchemaDescriptor& user = schemas[1];
  EXPECT_EQ(pet.name, "Pet");
  EXPECT_EQ(user.name, "User");
  EXPECT_EQ(user.location.file, (UserPetDir() / "user.cpp").string());
  EXPECT_EQ(user.location.line, 12u);
  ASSERT_EQ(user.fields.size(), 2u);
  EXPECT_EQ(user.fields[0].name, "name");
  EXPECT_EQ(user.fields[0].type, FieldType::kString);
  EXPECT_EQ(user.fields[0].location.line, 8u);
  ASSERT_EQ(user.fields[0].validators.size(), 1u);
  EXPECT_EQ(user.fields[1].name, "age");
  EXPECT_EQ(user.fields[1].type, FieldType::kInt);
  EXPECT_TRUE(user.fields[1].optional);
  ASSERT_EQ(user.edges.size(), 1u);
  EXPECT_EQ(user.edges[0].name, "pets");
  EXPECT_EQ(user.edges[0].type, "Pet");
  ASSERT_EQ(pet.edges.size(), 1u);
  EXPECT_TRUE(pet.edges[0].inverse);
  EXPECT_EQ(pet.edges[0].ref, "pets");
  EXPECT_TRUE(pet.edges[0].unique);
  EXPECT_EQ(pet.location.file, (UserPetDir() / "pet.cpp").string());

  // Loaded again: from the cache, the same.
  LoadTimings again;
  const std::vector<SchemaDescriptor> cached = LoadSchemas(UserPetDir(), Options(), &again);
  EXPECT_TRUE(again.cache_hit);
  EXPECT_EQ(again.compiler_runs, 0u);
  ASSERT_EQ(cached.size(), 2u);
  EXPECT_EQ(cached[1].fields[1].name, "age");
  EXPECT_EQ(cached[1].location.file, user.location.file);
  EXPECT_LT(again.total_ms, 1000);
}

TEST_F(EntLoad, WithoutTheCacheItCompilesEveryTime) {
  LoadOptions o = Options();
  o.use_cache = false;
  LoadTimings t;
  EXPECT_EQ(LoadSchemas(UserPetDir(), o, &t).size(), 2u);
  EXPECT_FALSE(t.cache_hit);
  EXPECT_GT(t.compiler_runs, 0u);
  EXPECT_GT(t.compile_ms, 0);
}

// A compiler wrapper that counts its runs: the cache must spare them.
TEST_F(EntLoad, CacheMissesOnEditedFilesAndIncludedHeaders) {
  const fs::path dir = Root() / "edited" / "schemas";
  const fs::path header = Root() / "edited" / "common" / "names.hpp";
  const fs::path count = Root() / "edited" / "count";
  const fs::path wrapper = Root() / "edited" / "counting-c++";
  std::string exec;
  for (const std::string& word : load::ResolveCompiler("").argv) exec += " '" + word + "'";
  Write(wrapper, "#!/bin/sh\necho run >> '" + count.string() + "'\nexec" + exec + " \"$@\"\n");
  fs::permissions(wrapper, fs::perms::owner_all);
  Write(header, "#define PET_FIELD \"name\"\n");
  SetOldTime(header, 0);
  Write(dir / "user.cpp", SchemaFile("User", "\"name\""));
  Write(dir / "pet.cpp", SchemaFile("Pet", "PET_FIELD", "#include \"../common/names.hpp\""));
  LoadOptions o = Options();
  o.compiler = wrapper.string();
  auto runs = [&] {
    std::ifstream in(count);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) ++n;
    return n;
  };

  LoadTimings t;
  LoadSchemas(dir, o, &t);
  EXPECT_FALSE(t.cache_hit);
  const int compiled = runs();
  EXPECT_GE(compiled, 2);  // at least one unit and the link
  EXPECT_EQ(static_cast<unsigned>(compiled), t.compiler_runs);

  LoadSchemas(dir, o, &t);
  EXPECT_TRUE(t.cache_hit);
  EXPECT_EQ(runs(), compiled) << "a second load of unchanged schemas compiles nothing";

  // An edited schema file.
  Write(dir / "user.cpp", SchemaFile("User", "\"nickname\""));
  std::vector<SchemaDescriptor> schemas = LoadSchemas(dir, o, &t);
  EXPECT_FALSE(t.cache_hit);
  ASSERT_EQ(schemas.size(), 2u);
  EXPECT_EQ(schemas[1].fields.at(0).name, "nickname");
  const int after_edit = runs();
  EXPECT_GT(after_edit, compiled);
  LoadSchemas(dir, o, &t);
  EXPECT_TRUE(t.cache_hit);

  // A header outside the folder, changed.
  Write(header, "#define PET_FIELD \"label\"\n");
  SetOldTime(header, 1);
  schemas = LoadSchemas(dir, o, &t);
  EXPECT_FALSE(t.cache_hit);
  EXPECT_EQ(schemas[0].fields.at(0).name, "label");
  EXPECT_GT(runs(), after_edit);
  // Only touched: a miss too (stamps, not contents, are compared outside the folder).
  SetOldTime(header, 2);
  LoadSchemas(dir, o, &t);
  EXPECT_FALSE(t.cache_hit);
  LoadSchemas(dir, o, &t);
  EXPECT_TRUE(t.cache_hit);

  // A new file in the folder, even one that is not compiled.
  Write(dir / "notes.txt", "x");
  LoadSchemas(dir, o, &t);
  EXPECT_FALSE(t.cache_hit);
}

TEST_F(EntLoad, CompileErrorNamesTheUsersFileAndLine) {
  const fs::path dir = Root() / "broken";
  Write(dir / "user.cpp", kUser);
  std::string bad = kPet;
  bad.replace(bad.find("field::String"), 13, "field::Strng");  // line 7
  Write(dir / "pet.cpp", bad);
  const std::vector<std::string> before = Listing(dir);
  const fs::path cache = Root() / "broken_cache";
  LoadOptions o = Options();
  o.cache_dir = cache;

  for (unsigned chunks : {0u, 1u}) {  // pet.cpp in a unit of its own, and in a unity chunk
    SCOPED_TRACE(chunks);
    o.chunks = chunks;
    try {
      LoadSchemas(dir, o);
      FAIL() << "loaded";
    } catch (const SchemaLoadError& e) {
      const std::string what = e.what();
      EXPECT_THAT(what, HasSubstr(dir.string() + ": the entity schemas do not compile"));
      EXPECT_THAT(what, HasSubstr((dir / "pet.cpp").string() + ":7:"));
      EXPECT_THAT(what, HasSubstr("Strng"));
      EXPECT_THAT(what, Not(HasSubstr("strata-ent-")));
      EXPECT_THAT(what, Not(HasSubstr("unit")));
      EXPECT_THAT(what, Not(HasSubstr("user.cpp"))) << "the valid file is not mentioned";
      EXPECT_THAT(e.diagnostics, HasSubstr((dir / "pet.cpp").string() + ":7:"));
      // The first thing said names the user's file.
      EXPECT_EQ(e.diagnostics.rfind((dir / "pet.cpp").string(), 0), 0u) << e.diagnostics;
    }
  }
  EXPECT_EQ(Listing(dir), before);
  EXPECT_FALSE(fs::exists(cache / "ent") && !fs::is_empty(cache / "ent"))
      << "nothing is cached on failure";
}

TEST_F(EntLoad, UnityConflictsFallBackToCompilingFilesAlone) {
  // Both files define a file-local Label(): fine apart, a redefinition in one unity file.
  const fs::path dir = Root() / "conflict";
  Write(dir / "a.cpp", SchemaFile("A", "Label()", "static const char* Label() { return \"a\"; }"));
  Write(dir / "b.cpp", SchemaFile("B", "Label()", "static const char* Label() { return \"b\"; }"));
  Write(dir / "c.cpp", SchemaFile("C", "\"c\""));
  LoadOptions o = Options();
  o.chunks = 1;
  LoadTimings t;
  const std::vector<SchemaDescriptor> schemas = LoadSchemas(dir, o, &t);
  ASSERT_EQ(schemas.size(), 3u);
  EXPECT_EQ(schemas[0].fields.at(0).name, "a");
  EXPECT_EQ(schemas[1].fields.at(0).name, "b");
  EXPECT_EQ(schemas[2].fields.at(0).name, "c");
  // The chunk, a.cpp and b.cpp alone, c.cpp again with the main, the link.
  EXPECT_EQ(t.compiler_runs, 5u);
}

TEST_F(EntLoad, SchemaThatThrowsWhileDescribed) {
  const fs::path dir = Root() / "throws";
  Write(dir / "boom.cpp", R"(#include <stdexcept>
#include <strata/ent/schema.hpp>
using namespace strata::ent;
class Boom : public Schema {
 public:
  Fields GetFields() const override { throw std::runtime_error("no fields today"); }
};
STRATA_SCHEMA(Boom);
)");
  try {
    LoadSchemas(dir, Options());
    FAIL() << "loaded";
  } catch (const SchemaLoadError& e) {
    EXPECT_THAT(e.what(), HasSubstr(dir.string() + ": the schema program failed"));
    EXPECT_THAT(e.what(), HasSubstr("a schema threw while being described: no fields today"));
    EXPECT_THAT(e.diagnostics, HasSubstr("no fields today"));
  }
}

TEST_F(EntLoad, SchemaThatPrintsToStdout) {
  const fs::path dir = Root() / "prints";
  Write(dir / "user.cpp", "#include <cstdio>\n" + std::string(kUser) +
                              "static int hello = (std::puts(\"hello\"), 0);\n");
  Write(dir / "pet.cpp", kPet);
  EXPECT_THAT(LoadError(dir, Options()), HasSubstr("does a schema write to std::cout?"));
}

// Two loads of one folder at once, sharing a cache: both load, and the entry left is whole.
TEST_F(EntLoad, ConcurrentLoadsShareTheCache) {
  LoadOptions o = Options();
  o.cache_dir = Root() / "concurrent_cache";
  std::vector<SchemaDescriptor> results[2];
  std::thread other([&] { results[1] = LoadSchemas(UserPetDir(), o); });
  results[0] = LoadSchemas(UserPetDir(), o);
  other.join();
  EXPECT_EQ(results[0].size(), 2u);
  EXPECT_EQ(results[1].size(), 2u);
  LoadTimings t;
  EXPECT_EQ(LoadSchemas(UserPetDir(), o, &t).size(), 2u);
  EXPECT_TRUE(t.cache_hit);
  EXPECT_EQ(std::distance(fs::directory_iterator(o.cache_dir / "ent"), fs::directory_iterator()),
            1);
}

TEST_F(EntLoad, FoldersWithoutSchemas) {
  const fs::path empty = Root() / "empty";
  fs::create_directories(empty / "sub");
  Write(empty / "notes.md", "# nothing here\n");
  Write(empty / "sub" / "deep.cpp", kUser);  // subfolders are not part of the folder's schemas
  EXPECT_THAT(LoadError(empty, Options()), HasSubstr(empty.string() + ": no .cpp files"));

  EXPECT_THAT(LoadError(Root() / "missing", Options()), HasSubstr("missing: no such folder"));

  const fs::path unregistered = Root() / "unregistered";
  Write(unregistered / "helper.cpp", "int Helper() { return 1; }\n");
  EXPECT_THAT(LoadError(unregistered, Options()),
              HasSubstr(unregistered.string() + ": the .cpp files register no schema"));
}

TEST_F(EntLoad, PathsWithSpacesAndQuotes) {
  // A folder whose name cannot go in an #include "…" line: its files are compiled directly.
  const fs::path dir = Root() / "it's a \"schema\" dir";
  Write(dir / "user.cpp", kUser);
  Write(dir / "pet.cpp", kPet);
  const std::vector<SchemaDescriptor> schemas = LoadSchemas(dir, Options());
  ASSERT_EQ(schemas.size(), 2u);
  EXPECT_EQ(schemas[1].location.file, (dir / "user.cpp").string());
}

TEST_F(EntLoad, MissingCompiler) {
  LoadOptions o = Options();
  o.use_cache = false;
  o.compiler = "strata-no-such-compiler";
  EXPECT_THAT(LoadError(UserPetDir(), o),
              HasSubstr("cannot find the C++ compiler `strata-no-such-compiler`"));
}

// ---- Parts --------------------------------------------------------------------------------------

TEST(EntLoadDiagnostics, GccIncludeStacksLoseTheGeneratedFiles) {
  const std::string gcc =
      "In file included from /tmp/strata-ent-ab12/unit0.cpp:4:\n"
      "/s/pet.cpp: In member function 'virtual Fields Pet::GetFields() const':\n"
      "/s/pet.cpp:7:52: error: 'Strng' is not a member of 'strata::ent::field'\n"
      "In file included from /s/common.hpp:2,\n"
      "                 from /s/user.cpp:1,\n"
      "                 from /tmp/strata-ent-ab12/unit0.cpp:5:\n"
      "/s/names.hpp:1:1: error: 'x' does not name a type\n"
      "In file included from /inc/strata/ent/descriptor.hpp:12,\n"
      "                 from /tmp/strata-ent-ab12/unit0.cpp:2:\n"
      "/s/user.cpp:9:16: error: expected identifier before string constant\n"
      "/tmp/strata-ent-ab12/unit0.cpp:9:1: note: something\n";
  EXPECT_EQ(load::RewriteDiagnostics(gcc, "/tmp/strata-ent-ab12", "/inc"),
            "/s/pet.cpp: In member function 'virtual Fields Pet::GetFields() const':\n"
            "/s/pet.cpp:7:52: error: 'Strng' is not a member of 'strata::ent::field'\n"
            "In file included from /s/common.hpp:2,\n"
            "                 from /s/user.cpp:1:\n"
            "/s/names.hpp:1:1: error: 'x' does not name a type\n"
            "/s/user.cpp:9:16: error: expected identifier before string constant\n"
            "unit0.cpp:9:1: note: something\n");
}

TEST(EntLoadDiagnostics, ClangIncludeStacksLoseTheGeneratedFiles) {
  const std::string clang =
      "In file included from /tmp/strata-ent-x/unit1.cpp:3:\n"
      "In file included from /s/user.cpp:2:\n"
      "/s/h.hpp:1:1: error: unknown type name 'x'\n"
      "In file included from /tmp/strata-ent-x/unit1.cpp:4:\n"
      "/s/pet.cpp:7:3: error: no member named 'Strng' in namespace 'strata::ent::field'\n"
      "2 errors generated.";
  bool names_generated = true;
  EXPECT_EQ(load::RewriteDiagnostics(clang, "/tmp/strata-ent-x", "/inc", &names_generated),
            "In file included from /s/user.cpp:2:\n"
            "/s/h.hpp:1:1: error: unknown type name 'x'\n"
            "/s/pet.cpp:7:3: error: no member named 'Strng' in namespace 'strata::ent::field'\n"
            "2 errors generated.");
  EXPECT_FALSE(names_generated);

  // A '}' missing at the end of an included file: clang points at the #include line.
  EXPECT_EQ(load::RewriteDiagnostics("/tmp/strata-ent-x/unit1.cpp:4:36: error: expected '}'\n",
                                     "/tmp/strata-ent-x", "/inc", &names_generated),
            "unit1.cpp:4:36: error: expected '}'\n");
  EXPECT_TRUE(names_generated);
}

TEST(EntLoadDeps, MakeStyleDependencyFiles) {
  EXPECT_EQ(
      load::ParseDepFile("x: /tmp/b/unit0.cpp /s/my\\ dir/a.cpp \\\n /usr/include/c++/12/vector"
                         " /s/\\#odd$$name.hpp /s/back\\slash.hpp\n"),
      (std::vector<std::string>{"/tmp/b/unit0.cpp", "/s/my dir/a.cpp", "/usr/include/c++/12/vector",
                                "/s/#odd$name.hpp", "/s/back\\slash.hpp"}));
}

TEST(EntLoadCache, EntriesCheckTheirKeyAndDependencies) {
  testing::TempDir dir;
  const fs::path header = dir.path() / "h.hpp";
  Write(header, "// v1\n");
  const fs::path entry = dir.path() / "cache" / "ent" / "slot.entry";
  load::CacheStore(entry, {"key1", {*load::Stamp(header.string())}, "[{\"json\": 1}]"});
  EXPECT_EQ(load::CacheLookup(entry, "key1"), "[{\"json\": 1}]");
  EXPECT_EQ(load::CacheLookup(entry, "key2"), std::nullopt);
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(entry.parent_path()), fs::directory_iterator()),
            1);
  Write(header, "// v2, longer\n");
  EXPECT_EQ(load::CacheLookup(entry, "key1"), std::nullopt);
  fs::remove(header);
  EXPECT_EQ(load::CacheLookup(entry, "key1"), std::nullopt);
  EXPECT_EQ(load::CacheLookup(dir.path() / "none.entry", "key1"), std::nullopt);
}

TEST(EntLoadCache, DefaultFolder) {
  const char* saved[] = {getenv("STRATA_CACHE_DIR"), getenv("XDG_CACHE_HOME"), getenv("HOME")};
  const std::string keep[] = {saved[0] ? saved[0] : "", saved[1] ? saved[1] : "",
                              saved[2] ? saved[2] : ""};
  setenv("STRATA_CACHE_DIR", "/c/strata", 1);
  setenv("XDG_CACHE_HOME", "/xdg", 1);
  setenv("HOME", "/home/u", 1);
  EXPECT_EQ(DefaultCacheDir(), "/c/strata");
  unsetenv("STRATA_CACHE_DIR");
  EXPECT_EQ(DefaultCacheDir(), "/xdg/strata");
  unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(DefaultCacheDir(), "/home/u/.cache/strata");
  const char* names[] = {"STRATA_CACHE_DIR", "XDG_CACHE_HOME", "HOME"};
  for (int i = 0; i < 3; ++i) {
    if (saved[i] != nullptr) {
      setenv(names[i], keep[i].c_str(), 1);
    } else {
      unsetenv(names[i]);
    }
  }
}

TEST(EntLoadToolchain, InstalledLayoutNextToTheBinary) {
  testing::TempDir prefix;
  Write(prefix.path() / "bin" / "strata", "");
  Write(prefix.path() / "include" / "strata" / "ent" / "schema.hpp", "");
  Write(prefix.path() / "lib64" / "libstrata_ent_schema.a", "");
  const EntToolchain t = FindEntToolchain(prefix.path() / "bin" / "strata");
  EXPECT_EQ(t.include_dir, prefix.path() / "include");
  EXPECT_EQ(t.library, prefix.path() / "lib64" / "libstrata_ent_schema.a");

  // The environment overrides either half.
  Write(prefix.path() / "other" / "libstrata_ent_schema.a", "");
  setenv("STRATA_ENT_LIB", (prefix.path() / "other" / "libstrata_ent_schema.a").c_str(), 1);
  EXPECT_EQ(FindEntToolchain(prefix.path() / "bin" / "strata").library,
            prefix.path() / "other" / "libstrata_ent_schema.a");
  unsetenv("STRATA_ENT_LIB");
}

TEST(EntLoadToolchain, BuildTreeWhenNotInstalled) {
  const EntToolchain t = FindEntToolchain("/nonexistent/bin/strata");
  EXPECT_TRUE(fs::exists(t.include_dir / "strata" / "ent" / "schema.hpp"));
  EXPECT_TRUE(fs::exists(t.library));
  EXPECT_EQ(t.library.filename(), "libstrata_ent_schema.a");
  // The tests run from the build tree too.
  EXPECT_EQ(FindEntToolchain(RunningExecutable()).library, t.library);
}

TEST(EntLoadToolchain, CompilerFromTheEnvironment) {
  const char* saved = getenv("CXX");
  const std::string keep = saved ? saved : "";
  setenv("CXX", "sh -x", 1);  // any program on PATH, with an argument
  load::Compiler c = load::ResolveCompiler("");
  EXPECT_EQ(c.argv.size(), 2u);
  EXPECT_EQ(fs::path(c.argv[0]).filename(), "sh");
  EXPECT_TRUE(fs::path(c.argv[0]).is_absolute());
  EXPECT_EQ(c.argv[1], "-x");
  EXPECT_THAT(c.origin, HasSubstr("$CXX"));
  // The option wins over $CXX.
  EXPECT_EQ(fs::path(load::ResolveCompiler("sh").argv.at(0)).filename(), "sh");
  unsetenv("CXX");
  EXPECT_THAT(load::ResolveCompiler("").origin, HasSubstr("the compiler strata was built with"));
  if (saved != nullptr) setenv("CXX", keep.c_str(), 1);
}

// `cmake --install` into a temporary prefix holds what the loader needs, and a schema folder loads
// against it.
TEST_F(EntLoad, LoadsWithAnInstalledStrata) {
  const fs::path build = RunningExecutable().parent_path().parent_path();
  ASSERT_TRUE(fs::exists(build / "cmake_install.cmake")) << build;
  const fs::path prefix = Root() / "prefix";
  std::string output;
  ASSERT_EQ(
      testing::RunCommand(
          "cmake --install '" + build.string() + "' --prefix '" + prefix.string() + "'", &output),
      0)
      << output;
  ASSERT_TRUE(fs::exists(prefix / "bin" / "strata"));
  const EntToolchain t = FindEntToolchain(prefix / "bin" / "strata");
  EXPECT_EQ(t.include_dir, prefix / "include");
  EXPECT_EQ(t.library.parent_path().parent_path(), prefix);
  LoadOptions o = Options();
  o.use_cache = false;
  o.include_dir = t.include_dir;
  o.library = t.library;
  const std::vector<SchemaDescriptor> schemas = LoadSchemas(UserPetDir(), o);
  ASSERT_EQ(schemas.size(), 2u);
  EXPECT_EQ(schemas[1].name, "User");
  // The installed binary finds its own headers and library, with no help, and migrates from it.
  const std::string strata = "cd '" + Root().string() + "' && env -u STRATA_ENT_INCLUDE_DIR " +
                             "-u STRATA_ENT_LIB STRATA_CACHE_DIR='" + (Root() / "icache").string() +
                             "' '" + (prefix / "bin" / "strata").string() + "' ";
  ASSERT_EQ(testing::RunCommand(strata + "describe '" + UserPetDir().string() + "'", &output), 0)
      << output;
  EXPECT_THAT(output, HasSubstr("User (table users)"));
  ASSERT_EQ(testing::RunCommand(strata + "migrate diff init --dir file://installed --to 'ent://" +
                                    UserPetDir().string() + "' --dev-url sqlite://:memory:",
                                &output),
            0)
      << output;
  EXPECT_THAT(output, HasSubstr("_init.up.sql"));
}

}  // namespace
}  // namespace strata::ent
