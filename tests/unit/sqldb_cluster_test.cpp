// Database creation on a PostgreSQL server (src/sqldb/cluster): concurrent creates of one name,
// a template in use, names that need quoting. On the test cluster (STRATA_TEST_PG_URL).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "sqldb/cluster.hpp"
#include "strata/driver.hpp"
#include "support/databases.hpp"

namespace strata::sqldb {
namespace {

using strata::testing::PostgresAdminUrl;

bool Exists(const std::string& name) {
  auto conn = Connect(PostgresAdminUrl());
  return !conn->Query("SELECT 1 FROM pg_database WHERE datname = $1", {name}).rows.empty();
}

std::string Unique(const std::string& stem) { return stem + "_" + std::to_string(getpid()); }

TEST(SqldbClusterTest, ConcurrentCreatesOfOneNameAllSucceedAndOneCreates) {
  const std::string name = Unique("strata_ensure_race");
  DropDatabaseOn(PostgresAdminUrl(), name);
  std::atomic<int> created{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      try {
        if (EnsureDatabaseOn(PostgresAdminUrl(), name)) ++created;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_TRUE(Exists(name));
  EXPECT_FALSE(EnsureDatabaseOn(PostgresAdminUrl(), name));
  DropDatabaseOn(PostgresAdminUrl(), name);
  EXPECT_FALSE(Exists(name));
  DropDatabaseOn(PostgresAdminUrl(), name);  // dropping a missing database is not an error
}

TEST(SqldbClusterTest, NamesAreQuoted) {
  const std::string name = Unique("strata \"odd\"; name");
  EXPECT_TRUE(EnsureDatabaseOn(PostgresAdminUrl(), name));
  EXPECT_TRUE(Exists(name));
  DropDatabaseOn(PostgresAdminUrl(), name);
  EXPECT_FALSE(Exists(name));
}

TEST(SqldbClusterTest, WaitsWhileTheTemplateIsInUse) {
  const std::string tmpl = Unique("strata_tmpl"), copy = Unique("strata_tmpl_copy");
  DropDatabaseOn(PostgresAdminUrl(), copy);
  DropDatabaseOn(PostgresAdminUrl(), tmpl);
  ASSERT_TRUE(EnsureDatabaseOn(PostgresAdminUrl(), tmpl));
  Url url = Url::Parse(PostgresAdminUrl());
  url.database = tmpl;
  auto session = Connect(url);
  session->Exec("CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)");
  // The session on the template ends a little after the copy is asked for.
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    session.reset();
  });
  const auto start = std::chrono::steady_clock::now();
  const bool created = EnsureDatabaseOn(PostgresAdminUrl(), copy, tmpl);
  closer.join();
  EXPECT_TRUE(created);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(400));
  url.database = copy;
  EXPECT_EQ(Connect(url)->Query("SELECT id FROM kept").rows.at(0).at(0), "7");
  DropDatabaseOn(PostgresAdminUrl(), copy);
  DropDatabaseOn(PostgresAdminUrl(), tmpl);
}

TEST(SqldbClusterTest, ErrorsNameTheDatabaseAndHideThePassword) {
  // The test cluster trusts its superuser on TCP, so any password gets in.
  Url url = Url::Parse(PostgresAdminUrl());
  url.password = "hunter2";
  const std::string name = Unique("strata_missing_template");
  try {
    EnsureDatabaseOn(url.ToString(), name, "strata_no_such_template");
    FAIL() << "created from a missing template";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("cannot create database \"" + name + "\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("strata_no_such_template"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("hunter2"), std::string::npos) << msg;
  }
  EXPECT_FALSE(Exists(name));
}

}  // namespace
}  // namespace strata::sqldb
