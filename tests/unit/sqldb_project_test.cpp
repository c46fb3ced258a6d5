// strata.toml's [databases.NAME] tables and where each database resolves (src/sqldb/project).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <string>

#include "sqldb/project.hpp"
#include "strata/error.hpp"
#include "support/databases.hpp"

namespace strata::sqldb {
namespace {

using ::testing::HasSubstr;

// Writes `content` as `dir`/strata.toml and returns its path.
std::filesystem::path WriteToml(const std::filesystem::path& dir, const std::string& content) {
  const std::filesystem::path path = dir / "strata.toml";
  std::ofstream(path) << content;
  return path;
}

// The message of the InputError LoadProject throws for `content`.
std::string LoadError(const std::string& content) {
  strata::testing::TempDir dir;
  const auto path = WriteToml(dir.path(), content);
  try {
    LoadProject(path);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << content;
  return {};
}

TEST(SqldbProjectTest, ReadsDatabasesAndIgnoresEnvironments) {
  strata::testing::TempDir dir;
  const auto path = WriteToml(dir.path(), R"([env.local]
src = "ent://ent/schema"

[databases.user]
dialect = "postgres"
migrations = "user/migrations"

[databases.cache]
migrations = "cache/migrations"
format = "goose"

[databases.billing]
url = "postgres://app:secret@db.internal:5432/billing?sslmode=disable"
managed = false
)");
  const Project p = LoadProject(path);
  EXPECT_EQ(p.root, dir.path());
  EXPECT_EQ(p.StateDir(), dir.path() / ".strata");
  ASSERT_EQ(p.databases.size(), 3u);
  const DatabaseSettings* user = p.Find("user");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->dialect, "postgres");
  EXPECT_EQ(user->format, "golang-migrate");
  EXPECT_TRUE(user->managed);
  EXPECT_EQ(user->line, 4);
  EXPECT_EQ(p.MigrationsDir(*user), dir.path() / "user/migrations");
  const DatabaseSettings* cache = p.Find("cache");
  ASSERT_NE(cache, nullptr);
  EXPECT_EQ(cache->dialect, "sqlite");
  EXPECT_EQ(cache->format, "goose");
  const DatabaseSettings* billing = p.Find("billing");
  ASSERT_NE(billing, nullptr);
  EXPECT_EQ(billing->dialect, "postgres");  // from the URL
  EXPECT_FALSE(billing->managed);
  EXPECT_EQ(p.MigrationsDir(*billing), std::filesystem::path());
  EXPECT_EQ(p.Find("other"), nullptr);
}

TEST(SqldbProjectTest, BadKeysNameFileLineAndKey) {
  const std::string msg =
      LoadError("[databases.user]\ndialect = \"postgres\"\nmigratoins = \"m\"\n");
  EXPECT_THAT(msg, HasSubstr("strata.toml:3:"));
  EXPECT_THAT(msg, HasSubstr("[databases.user] migratoins"));
  EXPECT_THAT(msg, HasSubstr("unknown key"));

  EXPECT_THAT(LoadError("[databases.user]\nmanaged = \"no\"\n"),
              HasSubstr(":2: [databases.user] managed: must be true or false"));
  EXPECT_THAT(LoadError("[databases.user]\nmigrations = 3\n"),
              HasSubstr(":2: [databases.user] migrations: must be a string"));
  EXPECT_THAT(LoadError("[databases.user]\ndialect = \"mysql\"\n"),
              HasSubstr(":2: [databases.user] dialect: \"mysql\" is not a dialect"));
  EXPECT_THAT(LoadError("[databases.user]\nformat = \"liquibase\"\n"),
              HasSubstr(":2: [databases.user] format:"));
  EXPECT_THAT(LoadError("[databases.user]\ndialect = \"sqlite\"\nurl = \"postgres://h/db\"\n"),
              HasSubstr(":3: [databases.user] url: is a postgres URL but dialect is \"sqlite\""));
  EXPECT_THAT(LoadError("databases = 3\n"), HasSubstr(":1: databases: must be a table"));
  EXPECT_THAT(LoadError("[databases]\nuser = \"postgres\"\n"),
              HasSubstr(":2: databases.user: must be a table"));
  EXPECT_THAT(LoadError("[databases.user\n"), HasSubstr("strata.toml:1:"));
}

TEST(SqldbProjectTest, BadNamesNameFileLineAndRule) {
  for (const char* name : {"User", "\"order-items\"", "\"1st\"", "\"trailing_\"", "postgres"}) {
    const std::string msg =
        LoadError(std::string("\n[databases.") + name + "]\ndialect = \"sqlite\"\n");
    EXPECT_THAT(msg, HasSubstr("strata.toml:2:")) << name;
    EXPECT_THAT(msg, HasSubstr("is not allowed")) << name;
  }
  EXPECT_THAT(LoadError("[databases.user]\n[databases.user_shadow]\n"),
              HasSubstr("its run database would be named \"user_shadow\", which is the shadow "
                        "database of [databases.user]"));
}

TEST(SqldbProjectTest, NameRules) {
  for (const char* ok : {"user", "a", "order_items", "v2", "a1_b2"}) {
    EXPECT_NO_THROW(CheckDatabaseName(ok)) << ok;
  }
  for (const char* bad : {"", "User", "_user", "user_", "1user", "user-x", "us er", "template1"}) {
    EXPECT_THROW(CheckDatabaseName(bad), InputError) << bad;
  }
  EXPECT_NO_THROW(CheckDatabaseName(std::string(63, 'a')));
  EXPECT_THROW(CheckDatabaseName(std::string(64, 'a')), InputError);
}

TEST(SqldbProjectTest, ClusterNamesStayWithin63Bytes) {
  EXPECT_EQ(ClusterDatabaseName("user", DbKind::kRun), "user");
  EXPECT_EQ(ClusterDatabaseName("user", DbKind::kShadow), "user_shadow");
  EXPECT_EQ(ClusterDatabaseName("user", DbKind::kTest), "user_test");
  const std::string a = std::string(56, 'a') + "_one", b = std::string(56, 'a') + "_two";
  const std::string sa = ClusterDatabaseName(a, DbKind::kShadow);
  const std::string sb = ClusterDatabaseName(b, DbKind::kShadow);
  EXPECT_LE(sa.size(), 63u);
  EXPECT_NE(sa, sb);
  EXPECT_THAT(sa, ::testing::EndsWith("_shadow"));
  EXPECT_EQ(sa, ClusterDatabaseName(a, DbKind::kShadow));  // deterministic
  EXPECT_EQ(ClusterDatabaseName(a, DbKind::kRun), a);
}

TEST(SqldbProjectTest, SqliteDefaultFilesLiveUnderStrata) {
  strata::testing::TempDir dir;
  const Project p = LoadProject(WriteToml(dir.path(), "[databases.cache]\n"));
  const Resolved run = Resolve(&p, "cache", DbKind::kRun, "/elsewhere");
  EXPECT_EQ(run.dialect, Dialect::kSqlite);
  EXPECT_EQ(run.source, "default SQLite file");
  EXPECT_EQ(run.sqlite_file, dir.path() / ".strata/sqlite/cache.db");
  EXPECT_EQ(run.url, "sqlite://" + (dir.path() / ".strata/sqlite/cache.db").string());
  EXPECT_EQ(Url::Parse(run.url).database, run.sqlite_file.string());
  EXPECT_EQ(Resolve(&p, "cache", DbKind::kShadow, "/x").sqlite_file,
            dir.path() / ".strata/sqlite/cache_shadow.db");
  EXPECT_EQ(Resolve(&p, "cache", DbKind::kTest, "/x").sqlite_file,
            dir.path() / ".strata/sqlite/cache_test.db");
  // Not in strata.toml, and no strata.toml at all: a file under the fallback folder's .strata.
  EXPECT_EQ(Resolve(&p, "other", DbKind::kRun, "/x").sqlite_file,
            dir.path() / ".strata/sqlite/other.db");
  EXPECT_EQ(Resolve(nullptr, "other", DbKind::kRun, dir.path()).sqlite_file,
            dir.path() / ".strata/sqlite/other.db");
  EXPECT_THROW(Resolve(&p, "Bad", DbKind::kRun, "/x"), InputError);
}

TEST(SqldbProjectTest, EnvironmentVariableComesFirst) {
  strata::testing::TempDir dir;
  const Project p = LoadProject(
      WriteToml(dir.path(),
                "[databases.user]\nurl = \"postgres://app:pw@toml-host/user?sslmode=disable\"\n"
                "[databases.order_items]\ndialect = \"postgres\"\n"));
  Resolved r = Resolve(&p, "user", DbKind::kRun, "/x");
  EXPECT_EQ(r.source, "strata.toml [databases.user]");
  EXPECT_EQ(Url::Parse(r.url).host, "toml-host");
  EXPECT_FALSE(r.dev_cluster);

  ASSERT_EQ(setenv("STRATA_DB_USER_URL", "postgres://app:pw@env-host:6000/app?sslmode=disable", 1),
            0);
  r = Resolve(&p, "user", DbKind::kRun, "/x");
  EXPECT_EQ(r.source, "STRATA_DB_USER_URL");
  EXPECT_EQ(Url::Parse(r.url).host, "env-host");
  EXPECT_EQ(r.dialect, Dialect::kPostgres);
  // The shadow and test databases sit beside it on the same server.
  const Resolved shadow = Resolve(&p, "user", DbKind::kShadow, "/x");
  EXPECT_EQ(shadow.source, "beside STRATA_DB_USER_URL");
  EXPECT_EQ(Url::Parse(shadow.url).host, "env-host");
  EXPECT_EQ(Url::Parse(shadow.url).database, "user_shadow");
  EXPECT_EQ(Url::Parse(Resolve(&p, "user", DbKind::kTest, "/x").url).database, "user_test");
  unsetenv("STRATA_DB_USER_URL");

  // Upper-cased name, underscores kept; an empty variable counts as unset.
  ASSERT_EQ(setenv("STRATA_DB_ORDER_ITEMS_URL", "sqlite:///tmp/items.db", 1), 0);
  r = Resolve(&p, "order_items", DbKind::kRun, "/x");
  EXPECT_EQ(r.source, "STRATA_DB_ORDER_ITEMS_URL");
  EXPECT_EQ(r.dialect, Dialect::kSqlite);
  ASSERT_EQ(setenv("STRATA_DB_ORDER_ITEMS_URL", "", 1), 0);
  r = Resolve(&p, "order_items", DbKind::kRun, "/x");
  EXPECT_EQ(r.source, "development cluster");
  unsetenv("STRATA_DB_ORDER_ITEMS_URL");
}

TEST(SqldbProjectTest, PostgresWithoutUrlLivesInTheDevelopmentCluster) {
  strata::testing::TempDir dir;
  const Project p =
      LoadProject(WriteToml(dir.path(), "[databases.user]\ndialect = \"postgres\"\n"));
  const Resolved r = Resolve(&p, "user", DbKind::kShadow, "/x");
  EXPECT_TRUE(r.dev_cluster);
  EXPECT_EQ(r.dialect, Dialect::kPostgres);
  EXPECT_EQ(r.cluster_db, "user_shadow");
  EXPECT_EQ(r.source, "development cluster");
  EXPECT_EQ(r.url, "");  // no cluster yet: `strata db up` makes one
  EXPECT_EQ(r.state_dir, dir.path() / ".strata");
}

TEST(SqldbProjectTest, UnmanagedDatabases) {
  strata::testing::TempDir dir;
  const Project p = LoadProject(
      WriteToml(dir.path(),
                "[databases.billing]\nurl = \"postgres://app:pw@db/billing\"\nmanaged = false\n"
                "\n[databases.audit]\ndialect = \"postgres\"\nmanaged = false\n"));
  const Resolved run = Resolve(&p, "billing", DbKind::kRun, "/x");
  EXPECT_FALSE(run.managed);
  EXPECT_EQ(Url::Parse(run.url).host, "db");
  // Nothing is created beside a database strata does not manage: its shadow is local.
  const Resolved shadow = Resolve(&p, "billing", DbKind::kShadow, "/x");
  EXPECT_TRUE(shadow.dev_cluster);
  EXPECT_TRUE(shadow.managed);
  // Unmanaged with no URL anywhere: an error naming the file, the line and how to fix it.
  try {
    Resolve(&p, "audit", DbKind::kRun, "/x");
    FAIL() << "resolved an unmanaged database without a URL";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("strata.toml:5: [databases.audit]"));
    EXPECT_THAT(e.what(), HasSubstr("STRATA_DB_AUDIT_URL"));
  }
  ASSERT_EQ(setenv("STRATA_DB_AUDIT_URL", "postgres://app:pw@audit-host/audit", 1), 0);
  EXPECT_EQ(Url::Parse(Resolve(&p, "audit", DbKind::kRun, "/x").url).host, "audit-host");
  unsetenv("STRATA_DB_AUDIT_URL");
}

TEST(SqldbProjectTest, FindsTheNearestStrataTomlAndTheDatabaseOfAFolder) {
  strata::testing::TempDir dir;
  WriteToml(dir.path(),
            "[databases.user]\nmigrations = \"user/migrations\"\n"
            "[databases.user_pets]\nmigrations = \"user/migrations/pets\"\n");
  std::filesystem::create_directories(dir.path() / "user/migrations/pets/sub");
  unsetenv("STRATA_CONFIG");
  const std::optional<Project> p = FindProject(dir.path() / "user/migrations");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->config, dir.path() / "strata.toml");
  const DatabaseSettings* user = p->ContainingMigrations(dir.path() / "user/migrations");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->name, "user");
  const DatabaseSettings* pets = p->ContainingMigrations(dir.path() / "user/migrations/pets/sub");
  ASSERT_NE(pets, nullptr);
  EXPECT_EQ(pets->name, "user_pets");  // the deepest folder wins
  EXPECT_EQ(p->ContainingMigrations(dir.path() / "user"), nullptr);
  EXPECT_EQ(p->ContainingMigrations(dir.path() / "user/migrations_old"), nullptr);

  strata::testing::TempDir other;
  EXPECT_FALSE(FindProject(other.path()).has_value());
  const auto elsewhere = WriteToml(other.path(), "[databases.cache]\n");
  ASSERT_EQ(setenv("STRATA_CONFIG", elsewhere.c_str(), 1), 0);
  const std::optional<Project> chosen = FindProject(dir.path());
  ASSERT_TRUE(chosen.has_value());
  EXPECT_NE(chosen->Find("cache"), nullptr);
  ASSERT_EQ(setenv("STRATA_CONFIG", (other.path() / "missing.toml").c_str(), 1), 0);
  EXPECT_THROW(FindProject(dir.path()), InputError);
  unsetenv("STRATA_CONFIG");
}

}  // namespace
}  // namespace strata::sqldb
