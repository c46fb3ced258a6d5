// The replay cache of `migrate diff` on a real PostgreSQL dev database: a hit right after a diff,
// misses when the key changes (an edited file, another scope or server), a damaged entry that falls
// back with a warning, --no-cache and the phase report of the command line, and files a hit writes
// byte for byte the same as those a full replay writes.
#include "migrate/replay_cache.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "strata/error.hpp"
#include "strata/migrate/changes.hpp"
#include "strata/migrate/diff_dir.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/migrate/state.hpp"
#include "support/cli.hpp"
#include "support/databases.hpp"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;
using strata::testing::Q;
using strata::testing::TempDatabase;
using strata::testing::TempDir;
using ::testing::HasSubstr;

constexpr const char* kV1 =
    "CREATE TABLE users (id integer PRIMARY KEY, name varchar(20) NOT NULL, nick text);\n";
constexpr const char* kV2 =
    "CREATE TABLE users (id integer PRIMARY KEY, name varchar(80) NOT NULL, age integer);\n"
    "CREATE TABLE pets (id integer PRIMARY KEY, owner_id integer REFERENCES users (id),\n"
    "                   name text);\n"
    "CREATE INDEX pets_name ON pets (name);\n";
constexpr const char* kV3 =
    "CREATE TYPE mood AS ENUM ('happy', 'sad');\n"
    "CREATE TABLE users (id integer PRIMARY KEY, name varchar(80) NOT NULL, age integer,\n"
    "                    mood mood DEFAULT 'happy', CHECK (age >= 0));\n"
    "CREATE TABLE pets (id integer PRIMARY KEY, owner_id integer REFERENCES users (id) ON DELETE "
    "CASCADE,\n"
    "                   name text, born date);\n"
    "CREATE UNIQUE INDEX pets_owner_name ON pets (owner_id, lower(name)) WHERE born IS NOT NULL;\n"
    "COMMENT ON TABLE pets IS 'animals';\n";

void WriteText(const fs::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Every file of a folder, by name.
std::map<std::string, std::string> Files(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    out[entry.path().filename().string()] = ReadText(entry.path());
  }
  return out;
}

std::vector<fs::path> Entries(const fs::path& cache) {
  std::vector<fs::path> out;
  if (!fs::exists(cache / "replay")) return out;
  for (const auto& entry : fs::directory_iterator(cache / "replay")) out.push_back(entry.path());
  return out;
}

class ReplayCacheTest : public ::testing::Test {
 protected:
  std::string State(const std::string& name, std::string_view sql) {
    WriteText(tmp_.path() / name, sql);
    return "file://" + (tmp_.path() / name).string();
  }
  DiffDirOptions To(const std::string& source, const std::string& name, bool cache = true) {
    DiffDirOptions o;
    o.to = source;
    o.name = name;
    o.sequence = true;
    if (cache) o.cache_dir = cache_;
    return o;
  }
  fs::path NewDir(const std::string& name) {
    const fs::path path = tmp_.path() / name;
    fs::create_directory(path);
    return path;
  }
  // What the directory replays to, against what `source` describes.
  std::string Left(Conn& dev, const Dir& dir, const std::string& source) {
    const std::vector<Change> left =
        Diff(LoadDir(dev, dir), LoadState(source, &dev), DiffOptionsFor(Dialect::kPostgres));
    std::string out;
    for (const Change& c : left) out += Describe(c) + "\n";
    return out;
  }

  TempDir tmp_;
  const fs::path cache_ = tmp_.path() / "cache";
  TempDatabase dev_db_{Dialect::kPostgres};
  std::unique_ptr<Conn> dev_ = dev_db_.Connect();
};

TEST_F(ReplayCacheTest, DiffAfterDiffHitsAndWritesVerifiedFiles) {
  Dir dir = Dir::Open(NewDir("migrations"), DirFormat::kGolangMigrate);
  const DiffDirResult first = DiffDir(*dev_, dir, To(State("v1.sql", kV1), "v1"));
  EXPECT_EQ(first.cache, "miss");
  EXPECT_EQ(Entries(cache_).size(), 1u) << "the entry of the directory just written";

  const std::string v2 = State("v2.sql", kV2);
  const DiffDirResult second = DiffDir(*dev_, dir, To(v2, "v2"));
  EXPECT_EQ(second.cache, "hit");
  EXPECT_GT(second.timings.replay, 0) << "the desired state and the new files still run";
  ASSERT_EQ(second.versions, std::vector<std::string>{"000002"});
  EXPECT_EQ(Left(*dev_, dir, v2), "");
  EXPECT_NO_THROW(RequireClean(*dev_, "dev"));

  // In sync from the cache: nothing written, and the entry of the new directory is there.
  const DiffDirResult again = DiffDir(*dev_, dir, To(v2, "again"));
  EXPECT_EQ(again.cache, "hit");
  EXPECT_TRUE(again.in_sync());
  EXPECT_EQ(dir.migrations().size(), 2u);
  EXPECT_NO_THROW(RequireClean(*dev_, "dev"));
}

TEST_F(ReplayCacheTest, EditedFileMisses) {
  const fs::path path = NewDir("migrations");
  Dir dir = Dir::Open(path, DirFormat::kGolangMigrate);
  DiffDir(*dev_, dir, To(State("v1.sql", kV1), "v1"));
  // A hand edit the sum then records: the directory now replays to something else.
  const fs::path up = path / dir.migrations().at(0).up_file;
  WriteText(up, ReadText(up) + "CREATE TABLE audit (id integer);\n");
  dir = Dir::Open(path, DirFormat::kGolangMigrate);
  dir.WriteSum();
  const std::string v2 = State("v2.sql", kV2);
  const DiffDirResult second = DiffDir(*dev_, dir, To(v2, "v2"));
  EXPECT_EQ(second.cache, "miss");
  EXPECT_THAT(ReadText(path / dir.migrations().at(1).up_file),
              HasSubstr("DROP TABLE \"public\".\"audit\""));
  EXPECT_EQ(Left(*dev_, dir, v2), "");
}

TEST_F(ReplayCacheTest, DamagedEntryFallsBackWithAWarning) {
  Dir dir = Dir::Open(NewDir("migrations"), DirFormat::kGolangMigrate);
  DiffDir(*dev_, dir, To(State("v1.sql", kV1), "v1"));
  const std::vector<fs::path> entries = Entries(cache_);
  ASSERT_EQ(entries.size(), 1u);
  const std::string whole = ReadText(entries[0]);
  const std::string v2 = State("v2.sql", kV2);
  // Cut in half, then garbage after an intact key.
  for (const std::string& damaged :
       {whole.substr(0, whole.size() / 2), whole.substr(0, whole.find("\n\n") + 2) + "{]"}) {
    WriteText(entries[0], damaged);
    const DiffDirResult diffed = DiffDir(*dev_, dir, To(v2, "v2"));
    EXPECT_EQ(diffed.cache, "miss");
    ASSERT_FALSE(diffed.warnings.empty());
    EXPECT_THAT(diffed.warnings.front(), HasSubstr("replay cache entry"));
    EXPECT_THAT(diffed.warnings.front(), HasSubstr("unreadable"));
    EXPECT_THAT(diffed.warnings.front(), HasSubstr(entries[0].string()));
    EXPECT_EQ(Left(*dev_, dir, v2), "");
    // The replay rewrote the damaged entry: the directory without the new files hits again.
    EXPECT_EQ(ReadText(entries[0]), whole);
    for (const std::string& f : diffed.files) fs::remove(dir.path() / f);
    dir = Dir::Open(dir.path(), DirFormat::kGolangMigrate);
    dir.WriteSum();
  }
}

TEST_F(ReplayCacheTest, ScopeAndServerVersionAreInTheKey) {
  const fs::path path = NewDir("migrations");
  Dir dir = Dir::Open(path, DirFormat::kGolangMigrate);
  DiffDir(*dev_, dir, To(State("v1.sql", kV1), "v1"));
  const std::string server = ServerVersion(*dev_);
  const ReplayCacheEntry same(cache_, server, *dev_, dir);
  const ReplayCacheEntry other_server(cache_, server + " (another build)", *dev_, dir);
  ASSERT_TRUE(same.usable());
  EXPECT_TRUE(fs::exists(same.path()));
  EXPECT_NE(same.path(), other_server.path());
  std::string warning;
  EXPECT_FALSE(other_server.Read(&warning).has_value());
  EXPECT_EQ(warning, "");

  // The same directory diffed on a dev database scoped to a schema: another entry.
  TempDatabase scoped_db(Dialect::kPostgres, "public");
  auto scoped = scoped_db.Connect();
  const ReplayCacheEntry in_scope(cache_, server, *scoped, dir);
  EXPECT_NE(in_scope.path(), same.path());
  const DiffDirResult diffed = DiffDir(*scoped, dir, To(State("v2.sql", kV2), "v2"));
  EXPECT_EQ(diffed.cache, "miss");
}

TEST_F(ReplayCacheTest, NoDirectorySumNoEntry) {
  const ReplayCacheEntry entry(cache_, "x", *dev_,
                               Dir::Open(NewDir("empty"), DirFormat::kGolangMigrate));
  EXPECT_FALSE(entry.usable());
}

// A format whose files have no down part cannot be verified from the desired side: the replay
// does it, and the entry is written all the same.
TEST_F(ReplayCacheTest, NoDownPartReplays) {
  Dir dir = Dir::Open(NewDir("atlas"), DirFormat::kAtlas);
  DiffDir(*dev_, dir, To(State("v1.sql", kV1), "v1"));
  const std::string v2 = State("v2.sql", kV2);
  const DiffDirResult second = DiffDir(*dev_, dir, To(v2, "v2"));
  EXPECT_EQ(second.cache, "miss");
  EXPECT_EQ(second.versions.size(), 1u);
  EXPECT_EQ(Left(*dev_, dir, v2), "");
  EXPECT_EQ(DiffDir(*dev_, dir, To(v2, "again")).cache, "hit");
}

// The files of a hit are those of a full replay, byte for byte, over successive states that touch
// columns, types, indexes, keys, checks, comments and enum types; golang-migrate and dbmate.
TEST_F(ReplayCacheTest, HitWritesTheFilesAMissWrites) {
  const std::vector<std::string> states = {
      State("s1.sql", kV1), State("s2.sql", kV2), State("s3.sql", kV3),
      State("s4.sql", "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n"),
      State("s5.sql", kV2)};
  for (DirFormat format : {DirFormat::kGolangMigrate, DirFormat::kDbmate}) {
    const std::string label(DirFormatName(format));
    Dir cached = Dir::Open(NewDir(label + "_cached"), format);
    Dir replayed = Dir::Open(NewDir(label + "_replayed"), format);
    for (size_t i = 0; i < states.size(); ++i) {
      const std::string name = "s" + std::to_string(i + 1);
      const DiffDirResult hit = DiffDir(*dev_, cached, To(states[i], name));
      const DiffDirResult miss = DiffDir(*dev_, replayed, To(states[i], name, /*cache=*/false));
      EXPECT_EQ(miss.cache, "off");
      // s3 adds an enum type used by a default in one version; s4 drops it, its down part using
      // the values again, still one version: every step after the first can be a hit.
      if (i > 0) {
        EXPECT_EQ(hit.cache, "hit") << label << " " << name;
      }
      EXPECT_EQ(hit.files, miss.files) << label << " " << name;
      EXPECT_EQ(hit.warnings, miss.warnings) << label << " " << name;
      EXPECT_EQ(Files(cached.path()), Files(replayed.path())) << label << " " << name;
      EXPECT_EQ(Left(*dev_, cached, states[i]), "") << label << " " << name;
    }
  }
}

TEST(ReplayCacheJson, RoundTripsEveryField) {
  schema::Realm realm;
  realm.scoped = true;
  realm.extensions = {{.name = "citext", .schema = "public"}};
  realm.unsupported = {{.kind = "view", .schema = "public", .name = "v"}};
  schema::Table t{.schema = "public", .name = "t", .comment = "tc"};
  t.columns = {{.name = "id",
                .type = "bigint",
                .nullable = false,
                .default_expr = "1",
                .identity = schema::Identity::kByDefault,
                .identity_start = 5,
                .identity_increment = -2,
                .generated = "id * 2",
                .generated_virtual = true,
                .collation = "\"C\"",
                .comment = "c\n\"quoted\""}};
  t.primary_key =
      schema::PrimaryKey{.name = "pk", .columns = {"id"}, .desc = {true}, .autoincrement = true};
  t.indexes = {{.name = "i",
                .unique = true,
                .constraint = true,
                .nulls_not_distinct = true,
                .parts = {{.column = "id",
                           .expr = "",
                           .desc = true,
                           .nulls_first = false,
                           .collation = "\"C\"",
                           .opclass = "text_pattern_ops"},
                          {.expr = "lower(x)"}},
                .include = {"x"},
                .where = "id > 0",
                .method = "gin",
                .comment = "ic"}};
  t.foreign_keys = {{.name = "fk",
                     .columns = {"id"},
                     .ref_schema = "s",
                     .ref_table = "u",
                     .ref_columns = {"id"},
                     .on_update = schema::FkAction::kSetDefault,
                     .on_delete = schema::FkAction::kCascade,
                     .match_full = true,
                     .deferrable = true,
                     .initially_deferred = true,
                     .not_valid = true}};
  t.checks = {{.name = "ck", .expr = "id > 0", .no_inherit = true, .not_valid = true}};
  t.without_rowid = true;
  t.strict = true;
  t.triggers = {{.name = "tr", .definition = "CREATE TRIGGER tr …"}};
  realm.schemas = {
      {.name = "public",
       .tables = {t},
       .enums = {{.schema = "public", .name = "mood", .values = {"a"}, .comment = "e"}},
       .views = {{.schema = "public",
                  .name = "mv",
                  .definition = " SELECT t.id FROM t",
                  .materialized = true,
                  .columns = {{.name = "id", .type = "bigint", .comment = "vc"}},
                  .options = {"fillfactor=70"},
                  .indexes = {{.name = "mv_id", .unique = true, .parts = {{.column = "id"}}}},
                  .depends = {{"public", "t"}},
                  .triggers = {{.name = "vt", .definition = "CREATE TRIGGER vt …"}},
                  .comment = "vm"}},
       .comment = "sc"}};
  EXPECT_EQ(FromCacheJson(ToCacheJson(realm)), realm);
  EXPECT_THROW(FromCacheJson("[[], [], []]"), Error);
  EXPECT_THROW(FromCacheJson(ToCacheJson(realm) + "x"), Error);
  EXPECT_THROW(FromCacheJson("[[[\"public\", [], [], 3]], [], [], true]"), Error);
}

// The command line: the cache under STRATA_CACHE_DIR, hit and miss in `--log json`, --no-cache.
TEST_F(ReplayCacheTest, CommandLineReportsTheCache) {
  const fs::path path = NewDir("cli");
  auto diff = [&](const std::string& state, const std::string& extra) {
    const testing::CliResult r =
        testing::Strata("migrate diff x --seq --log json --dir " + Q("file://" + path.string()) +
                        " --to " + Q(state) + " --dev-url " + Q(dev_db_.url()) + extra);
    EXPECT_EQ(r.status, 0) << r.output;
    return nlohmann::json::parse(r.output.substr(r.output.find('{')));
  };
  setenv("STRATA_CACHE_DIR", cache_.c_str(), 1);
  const nlohmann::json first = diff(State("v1.sql", kV1), "");
  EXPECT_EQ(first["cache"], "miss");
  EXPECT_TRUE(first["ms"].contains("cache"));
  const nlohmann::json second = diff(State("v2.sql", kV2), "");
  EXPECT_EQ(second["cache"], "hit");
  const nlohmann::json third = diff(State("v3.sql", kV3), " --no-cache");
  EXPECT_EQ(third["cache"], "off");
  EXPECT_EQ(Entries(cache_).size(), 2u) << "--no-cache writes no entry either";
  unsetenv("STRATA_CACHE_DIR");
}

}  // namespace
}  // namespace strata::migrate
