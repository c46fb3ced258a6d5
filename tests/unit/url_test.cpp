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
  EXPECT_THROW(Url::Parse("postgres://u@host/db%4"), InputError);
  EXPECT_THROW(Url::Parse("postgres://u@host:70000/db"), InputError);
  EXPECT_THROW(Url::Parse("postgres://u@host:0/db"), InputError);
}

TEST(UrlTest, PercentEncodingDecodesEveryByte) {
  EXPECT_EQ(Url::Parse("postgres://u:%2f%2F%41%ff@h/d").password, "//A\xff");
  EXPECT_EQ(Url::Parse("sqlite://a%20b.db").database, "a b.db");
}

TEST(UrlTest, TextAfterABracketedHostIsRefused) {
  Url ok = Url::Parse("postgres://u@[::1]:5433/db");
  EXPECT_EQ(ok.host, "[::1]");
  EXPECT_EQ(ok.port, "5433");
  EXPECT_EQ(Url::Parse("postgres://u@[::1]/db").port, "");
  try {
    Url::Parse("postgres://u:hunter2@[::1]junk:5433/db");
    FAIL() << "text after [::1] accepted";
  } catch (const InputError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("unexpected \"junk:5433\" after the host [::1]"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("hunter2"), std::string::npos) << msg;
  }
}

TEST(UrlTest, ARepeatedParameterIsRefused) {
  try {
    Url::Parse("postgres://h/db?sslmode=disable&search_path=a&sslmode=require");
    FAIL() << "a repeated parameter was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("sets parameter \"sslmode\" more than once"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace strata
