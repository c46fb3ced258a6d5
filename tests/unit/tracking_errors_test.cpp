// Tracking tables edited by hand: what strata reads from them is checked, and a value that is not
// what the column holds becomes an error naming the table, the column and the value, never a
// library exception's bare name ("stoll").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/cli.hpp"
#include "support/databases.hpp"
#include "support/migration_files.hpp"

namespace strata::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// SQLite stores text in an INTEGER column, so a hand edit can put anything there.
TEST(TrackingErrors, TextInANumberColumnIsNamedNotThrownRaw) {
  TempDir dir;
  TempDatabase db(Dialect::kSqlite);
  WriteMigrations(dir.path(), {{"1_a.up.sql", "CREATE TABLE a (id integer);"},
                               {"1_a.down.sql", "DROP TABLE a;"}});
  const std::string flags = "--url " + Q(db.url()) + " --dir " + Q("file://" + dir.path().string());
  ASSERT_EQ(Strata("migrate apply " + flags).status, 0);
  auto conn = db.Connect();

  conn->Exec("UPDATE schema_migrations SET version = 'one'");
  CliResult r = Strata("migrate status " + flags);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("schema_migrations holds \"one\" in column version"));
  EXPECT_THAT(r.output, HasSubstr("strata migrate set"));
  EXPECT_THAT(r.output, Not(HasSubstr("stoll")));

  conn->Exec("UPDATE schema_migrations SET version = 1");
  conn->Exec("UPDATE strata_schema_revisions SET execution_time = '12ms'");
  r = Strata("migrate status " + flags);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_THAT(r.output,
              HasSubstr("strata_schema_revisions holds \"12ms\" in column execution_time"));
}

}  // namespace
}  // namespace strata::testing
