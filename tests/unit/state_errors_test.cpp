// Bad input to the state loaders and connections: each must be a clear strata::Error that names
// what is wrong and where, and must leave the databases involved unchanged.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "strata/error.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"

namespace strata {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using testing::TempDatabase;
using testing::TempDir;

std::string WriteFile(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = (dir.path() / name).string();
  std::ofstream(path) << text;
  return path;
}

size_t TableCount(Conn& conn) {
  size_t n = 0;
  for (const auto& s : migrate::Inspect(conn).schemas) n += s.tables.size();
  return n;
}

class StateErrorsTest : public ::testing::TestWithParam<Dialect> {};

TEST_P(StateErrorsTest, SqlErrorInStateFileNamesFileLineAndServerMessage) {
  TempDatabase dev(GetParam());
  auto conn = dev.Connect();
  TempDir dir;
  const std::string path = WriteFile(dir, "schema.sql",
                                     "CREATE TABLE a (id integer PRIMARY KEY);\n"
                                     "\n"
                                     "CREATE TABLE b (x integer,);\n");
  try {
    migrate::LoadState("file://" + path, conn.get());
    FAIL() << "a state file with a syntax error loaded";
  } catch (const SqlError& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, HasSubstr(path));
    EXPECT_THAT(message, ContainsRegex("line 3|:3[^0-9]")) << "the line is missing";
    EXPECT_THAT(e.server_message, HasSubstr("syntax error"));
    EXPECT_THAT(message, HasSubstr(e.server_message));
    EXPECT_THAT(message, HasSubstr("CREATE TABLE b"));
  }
  EXPECT_EQ(TableCount(*conn), 0u) << "the statements before the error were not rolled back";
  EXPECT_NO_THROW(migrate::RequireClean(*conn, "dev"));
}

TEST_P(StateErrorsTest, DirtyDevDatabaseIsRefusedAndListsWhatItHolds) {
  TempDatabase dev(GetParam());
  auto conn = dev.Connect();
  conn->Exec("CREATE TABLE leftover (id integer)");
  TempDir dir;
  const std::string path = WriteFile(dir, "schema.sql", "CREATE TABLE wanted (id integer);\n");
  try {
    migrate::LoadState("file://" + path, conn.get());
    FAIL() << "a dirty dev database was accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("leftover"));
    EXPECT_THAT(e.what(), HasSubstr("clean"));
  }
  ASSERT_EQ(TableCount(*conn), 1u) << "the state file ran on a dirty dev database";
}

TEST_P(StateErrorsTest, MissingSourceFileIsAnInputError) {
  TempDatabase dev(GetParam());
  auto conn = dev.Connect();
  const std::string missing = "/nonexistent/strata/schema.sql";
  try {
    migrate::LoadState("file://" + missing, conn.get());
    FAIL() << "a missing file loaded";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(missing));
  }
}

TEST_P(StateErrorsTest, FileSourceWithoutDevDatabaseIsAnInputError) {
  TempDir dir;
  const std::string path = WriteFile(dir, "schema.sql", "CREATE TABLE t (id integer);\n");
  EXPECT_THROW(migrate::LoadState("file://" + path, nullptr), InputError);
}

INSTANTIATE_TEST_SUITE_P(Dialects, StateErrorsTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kSqlite),
                         [](const ::testing::TestParamInfo<Dialect>& info) {
                           return std::string(DialectName(info.param));
                         });

TEST(StateErrors, PostgresDirtyDevListsTypesToo) {
  TempDatabase dev(Dialect::kPostgres);
  auto conn = dev.Connect();
  conn->Exec("CREATE TYPE stray_mood AS ENUM ('a')");
  try {
    migrate::RequireClean(*conn, "dev");
    FAIL() << "a database holding a type was called clean";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("stray_mood"));
  }
}

// A desired state using an extension's type on a dev database without the extension says what to
// do.
TEST(StateErrors, PostgresMissingExtensionTypeSaysToCreateTheExtension) {
  TempDatabase dev(Dialect::kPostgres);
  auto conn = dev.Connect();
  TempDir dir;
  const std::string path =
      WriteFile(dir, "schema.sql", "CREATE TABLE users (id integer PRIMARY KEY, email citext);\n");
  try {
    migrate::LoadState("file://" + path, conn.get());
    FAIL() << "a state file using citext without the extension loaded";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate, "42704");
    EXPECT_THAT(e.what(), HasSubstr("type \"citext\" does not exist"));
    EXPECT_THAT(e.what(), HasSubstr("CREATE EXTENSION IF NOT EXISTS <name>;"));
  }
  // With the extension created first, it loads, and the extension is part of the state.
  const std::string fixed =
      WriteFile(dir, "fixed.sql",
                "CREATE EXTENSION IF NOT EXISTS citext;\n"
                "CREATE TABLE users (id integer PRIMARY KEY, email citext);\n");
  const schema::Realm realm = migrate::LoadState("file://" + fixed, conn.get());
  ASSERT_EQ(realm.extensions.size(), 1u);
  EXPECT_EQ(realm.extensions[0].name, "citext");
  EXPECT_NO_THROW(migrate::RequireClean(*conn, "dev"));
}

TEST(StateErrors, UnsupportedDialectIsAnInputError) {
  try {
    Connect("mysql://root:secret@localhost:3306/app");
    FAIL() << "mysql:// was accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("mysql"));
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("secret")));
  }
  EXPECT_THROW(migrate::LoadState("mysql://root@localhost/app", nullptr), InputError);
}

TEST(StateErrors, MalformedUrlsAreInputErrors) {
  for (const char* url : {"not a url", "://nothing", "postgres://host:port/db",
                          "postgres://[::1/db", "sqlite://", "postgres://u:p%zz@host/db"}) {
    EXPECT_THROW(Connect(url), InputError) << url;
  }
}

TEST(StateErrors, UnreachableServerIsAConnectionError) {
  // Port 1 on the loopback interface refuses at once.
  EXPECT_THROW(Connect("postgres://postgres@127.0.0.1:1/db?sslmode=disable&connect_timeout=5"),
               ConnectionError);
}

TEST(StateErrors, WrongPasswordIsAConnectionErrorThatHidesThePassword) {
  Url admin = Url::Parse(testing::PostgresAdminUrl());
  auto conn = Connect(admin);
  conn->Exec("DROP ROLE IF EXISTS strata_pw_test");
  conn->Exec("CREATE ROLE strata_pw_test LOGIN PASSWORD 'right-horse'");
  Url wrong = admin;
  wrong.user = "strata_pw_test";
  wrong.password = "wrong-battery";
  try {
    Connect(wrong);
    FAIL() << "a wrong password was accepted";
  } catch (const ConnectionError& e) {
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("wrong-battery")));
  }
  conn->Exec("DROP ROLE strata_pw_test");
}

}  // namespace
}  // namespace strata
