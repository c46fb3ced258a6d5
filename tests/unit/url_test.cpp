// Database URL parsing: dialects, parameters, errors, and password masking.
#include <gtest/gtest.h>

#include "strata/driver.hpp"
#include "strata/error.hpp"

namespace strata {
namespace {

TEST(UrlTest, Postgres) {
  Url u =
      Url::Parse("postgres://app:s%40cret@db.local:6543/shop?sslmode=disable&search_path=public");
  EXPECT_EQ(u.dialect, Dialect::kPostgres);
  EXPECT_EQ(u.user, "app");
  EXPECT_EQ(u.password, "s@cret");
  EXPECT_EQ(u.host, "db.local");
  EXPECT_EQ(u.port, "6543");
  EXPECT_EQ(u.database, "shop");
  EXPECT_EQ(u.SearchPath(), "public");
  EXPECT_EQ(u.params.at("sslmode"), "disable");
  EXPECT_EQ(u.Redacted(),
            "postgres://app:xxxxx@db.local:6543/shop?search_path=public&sslmode=disable");
  EXPECT_EQ(Url::Parse(u.ToString()).password, "s@cret");
  EXPECT_EQ(Url::Parse("postgresql://localhost/x").dialect, Dialect::kPostgres);
}

TEST(UrlTest, Sqlite) {
  EXPECT_EQ(Url::Parse("sqlite://app.db").database, "app.db");
  EXPECT_EQ(Url::Parse("sqlite:///tmp/x.db").database, "/tmp/x.db");
  Url mem = Url::Parse("sqlite://:memory:");
  EXPECT_EQ(mem.dialect, Dialect::kSqlite);
  EXPECT_EQ(mem.database, ":memory:");
}

TEST(UrlTest, ErrorsNameTheProblemAndHideThePassword) {
  try {
    Url::Parse("mysql://root:hunter2@localhost/db");
    FAIL() << "mysql:// accepted";
  } catch (const InputError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("unsupported database URL scheme \"mysql\""), std::string::npos) << msg;
    EXPECT_EQ(msg.find("hunter2"), std::string::npos) << msg;
  }
  EXPECT_THROW(Url::Parse("localhost:5432"), InputError);
  EXPECT_THROW(Url::Parse("sqlite://"), InputError);
  EXPECT_THROW(Url::Parse("postgres://u@host:54x2/db"), InputError);
  EXPECT_THROW(Url::Parse("postgres://u@host/db%zz"), InputError);
}

}  // namespace
}  // namespace strata
