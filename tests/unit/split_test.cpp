// The statement splitter: quotes, comments, dollar quoting and bodies holding semicolons.
#include "driver/split.hpp"

#include <gtest/gtest.h>

namespace strata::driver {
namespace {

std::vector<std::string> Texts(std::string_view script) {
  std::vector<std::string> out;
  for (const auto& s : SplitStatements(script)) out.push_back(s.text);
  return out;
}

TEST(SplitTest, PlainStatementsAndLines) {
  auto st = SplitStatements("CREATE TABLE a (x int);\n\n-- note\nCREATE TABLE b (y int);\n");
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].text, "CREATE TABLE a (x int)");
  EXPECT_EQ(st[0].line, 1);
  EXPECT_EQ(st[1].text, "CREATE TABLE b (y int)");
  EXPECT_EQ(st[1].line, 4);
}

TEST(SplitTest, QuotesAndComments) {
  EXPECT_EQ(Texts("INSERT INTO t VALUES ('a;b', \"c;d\"); /* x; /* nested; */ y; */ SELECT 1;"),
            (std::vector<std::string>{"INSERT INTO t VALUES ('a;b', \"c;d\")", "SELECT 1"}));
  EXPECT_EQ(Texts("SELECT 'it''s;'; SELECT E'a\\';b'; -- trailing; comment"),
            (std::vector<std::string>{"SELECT 'it''s;'", "SELECT E'a\\';b'"}));
}

TEST(SplitTest, DollarQuotedBodies) {
  const char* script =
      "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"
      "CREATE FUNCTION g() RETURNS int AS $body$ BEGIN RETURN 2; END; $body$ LANGUAGE plpgsql;\n"
      "SELECT $1;";
  auto texts = Texts(script);
  ASSERT_EQ(texts.size(), 3u);
  EXPECT_EQ(texts[0], "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql");
  EXPECT_EQ(
      texts[1],
      "CREATE FUNCTION g() RETURNS int AS $body$ BEGIN RETURN 2; END; $body$ LANGUAGE plpgsql");
  EXPECT_EQ(texts[2], "SELECT $1");
}

TEST(SplitTest, BeginAtomicAndTriggers) {
  auto texts = Texts(
      "CREATE FUNCTION h() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true "
      "THEN 2 END; END;\n"
      "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 1; DELETE FROM b; END;\n"
      "BEGIN;\nCOMMIT;");
  ASSERT_EQ(texts.size(), 4u);
  EXPECT_TRUE(texts[0].ends_with("END; END"));
  EXPECT_TRUE(texts[1].ends_with("DELETE FROM b; END"));
  EXPECT_EQ(texts[2], "BEGIN");
  EXPECT_EQ(texts[3], "COMMIT");
}

TEST(SplitTest, DollarInsideANameIsPartOfIt) {
  // a$b$c is one identifier on PostgreSQL; taking $b$ for a dollar quote would swallow the rest.
  EXPECT_EQ(Texts("CREATE TABLE a$b$c (x int); CREATE TABLE d (y int);"),
            (std::vector<std::string>{"CREATE TABLE a$b$c (x int)", "CREATE TABLE d (y int)"}));
  EXPECT_EQ(Texts("SELECT x$ FROM t WHERE y = $1; SELECT $q$;$q$;"),
            (std::vector<std::string>{"SELECT x$ FROM t WHERE y = $1", "SELECT $q$;$q$"}));
}

TEST(SplitTest, BracketsAndBackticksQuoteOnlyOutsidePostgres) {
  const char* pg = "SELECT ARRAY[']']; SELECT (ARRAY['a'])[1]; SELECT 2";
  auto texts = SplitStatements(pg, SplitDialect::kPostgres);
  ASSERT_EQ(texts.size(), 3u);
  EXPECT_EQ(texts[0].text, "SELECT ARRAY[']']");
  EXPECT_EQ(texts[2].text, "SELECT 2");
  // SQLite quotes names with [ ] and ` `: a semicolon inside belongs to the name.
  const char* lite = "CREATE TABLE [a;b] (x int); CREATE TABLE `c;d` (y int)";
  auto sqlite = SplitStatements(lite, SplitDialect::kSqlite);
  ASSERT_EQ(sqlite.size(), 2u);
  EXPECT_EQ(sqlite[0].text, "CREATE TABLE [a;b] (x int)");
  EXPECT_EQ(sqlite[1].text, "CREATE TABLE `c;d` (y int)");
  EXPECT_EQ(SplitStatements(lite).size(), 2u);  // kAny follows SQLite
}

TEST(SplitTest, OnlyCommentsGiveNothing) {
  EXPECT_TRUE(SplitStatements("-- nothing\n/* here */\n;\n").empty());
}

TEST(SplitTest, LineAt) {
  EXPECT_EQ(LineAt("a\nb\nc", 0), 1);
  EXPECT_EQ(LineAt("a\nb\nc", 2), 2);
  EXPECT_EQ(LineAt("a\nb\nc", 100), 3);
}

}  // namespace
}  // namespace strata::driver
