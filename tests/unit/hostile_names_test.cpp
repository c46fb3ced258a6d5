// Names are hostile until quoted, in SQL and in comments alike: a migration written for tables
// and columns whose names hold line breaks, quotes and comment markers runs exactly the planned
// statements and nothing a name smuggles in. On real SQLite and PostgreSQL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "driver/split.hpp"
#include "strata/migrate/diff_dir.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/migrate/executor.hpp"
#include "support/databases.hpp"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;
using strata::testing::TempDatabase;
using strata::testing::TempDir;

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Whether table `name` exists, the name passed as a parameter (never spliced into SQL).
bool Exists(Conn& conn, const std::string& name) {
  const char* sql = conn.dialect() == Dialect::kPostgres
                        ? "SELECT count(*) FROM pg_tables WHERE tablename = $1"
                        : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1";
  return conn.Query(sql, {name}).rows.at(0).at(0) == "1";
}

class HostileNames : public ::testing::TestWithParam<Dialect> {};

TEST_P(HostileNames, NamesCannotInjectStatementsIntoMigrationFiles) {
  TempDir tmp;
  const fs::path path = tmp.path() / "migrations";
  fs::create_directory(path);
  Dir dir = Dir::Open(path, DirFormat::kGolangMigrate);
  TempDatabase dev(GetParam());
  auto dev_conn = dev.Connect();
  std::ofstream(tmp.path() / "v1.sql") << "CREATE TABLE victim (id integer PRIMARY KEY);\n";
  DiffDir(*dev_conn, dir, {.to = "file://" + (tmp.path() / "v1.sql").string(), .name = "v1"});

  // Each name would end a `-- create "…" table` comment and run its rest, were it written raw.
  std::ofstream(tmp.path() / "v2.sql")
      << "CREATE TABLE victim (id integer PRIMARY KEY);\n"
         "CREATE TABLE \"x\nDROP TABLE victim; --\" (id integer);\n"
         "CREATE TABLE \"y\r\nDELETE FROM victim; --\" (\"a\nDROP TABLE victim; --\" integer);\n"
         "CREATE TABLE \"q\"\"uote */ --\" (id integer);\n"
         "CREATE INDEX \"i\nDROP TABLE victim; --\" ON \"q\"\"uote */ --\" (id);\n";
  const DiffDirResult r =
      DiffDir(*dev_conn, dir, {.to = "file://" + (tmp.path() / "v2.sql").string(), .name = "v2"});
  ASSERT_EQ(r.files.size(), 2u);
  // Split as every executor splits them, the files hold only the planned statements: a comment
  // a name had broken would leave its rest as a statement of its own.
  for (const std::string& file : r.files) {
    const std::string text = Read(path / file);
    for (const driver::ScriptStatement& st : driver::SplitStatements(text)) {
      EXPECT_FALSE(st.text.starts_with("DROP TABLE victim") || st.text.starts_with("DELETE"))
          << file << " line " << st.line << " runs a statement a name smuggled in: " << st.text;
    }
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("-- ")) {
        EXPECT_EQ(line.find('\r'), std::string::npos) << line;
      }
    }
  }
  EXPECT_THAT(Read(path / r.files[0]),
              ::testing::HasSubstr(R"(-- create "x\x0aDROP TABLE victim; --" table)"));

  // Applied for real, up and down, the victim and its row survive.
  TempDatabase target(GetParam());
  auto conn = target.Connect();
  const Dir applied = Dir::Open(path, DirFormat::kGolangMigrate);
  Apply(*conn, applied);
  EXPECT_TRUE(Exists(*conn, "victim"));
  EXPECT_TRUE(Exists(*conn, "x\nDROP TABLE victim; --"));
  conn->Exec("INSERT INTO victim VALUES (1)");
  Down(*conn, applied, {.count = 1});
  EXPECT_TRUE(Exists(*conn, "victim"));
  EXPECT_FALSE(Exists(*conn, "x\nDROP TABLE victim; --"));
  EXPECT_EQ(conn->Query("SELECT count(*) FROM victim").rows.at(0).at(0), "1");
}

INSTANTIATE_TEST_SUITE_P(Dialects, HostileNames,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& info) { return std::string(DialectName(info.param)); });

}  // namespace
}  // namespace strata::migrate
