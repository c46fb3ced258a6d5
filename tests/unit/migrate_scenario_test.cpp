// The versioned-migration round trip over the scenario suite (issues 3 and 13): per scenario, a
// golang-migrate directory built by successive `migrate diff` calls (a state may take more than
// one version) is applied whole to a fresh database, applied state by state to a database holding
// rows, and reverted state by state, by strata's executor; then the same directory is run the way
// golang-migrate runs it (each file in one request; see migrate/tool_run.hpp), up with rows and
// down without; and a dbmate directory written the same way is applied and rolled back by the real
// dbmate. Every state reached must dump as a fresh database built from the scenario's vN.sql.
// The whole round trip runs twice: every diff replaying the directory, and with the replay cache
// (on PostgreSQL a diff then verifies its files from the desired state instead).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "migrate/tool_run.hpp"
#include "strata/error.hpp"
#include "strata/migrate/diff_dir.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/migrate/executor.hpp"
#include "strata/migrate/state.hpp"
#include "support/databases.hpp"
#include "support/scenarios.hpp"
#include "support/schema_dump.hpp"

namespace strata {
namespace {

namespace fs = std::filesystem;
using testing::ConnectEnforcing;
using testing::DumpDiff;
using testing::ReadFile;
using testing::Scenario;
using testing::SchemaDump;
using testing::TempDatabase;
using testing::TempDir;

// The executor's tracking tables are not part of a scenario's schema: dumps leave them out, and
// so does the rows oracle (removing them from what migrate::Inspect returns until Inspect hides
// them itself).
const std::vector<std::string> kTrackingTables = {"schema_migrations", "strata_schema_revisions"};

bool IsTrackingTable(const std::string& name) {
  return std::find(kTrackingTables.begin(), kTrackingTables.end(), name) != kTrackingTables.end();
}

// The database's schema without the tracking tables.
schema::Realm InspectScenarioTables(Conn& conn) {
  schema::Realm realm = migrate::Inspect(conn);
  for (schema::Schema& s : realm.schemas) {
    std::erase_if(s.tables, [](const schema::Table& t) { return IsTrackingTable(t.name); });
  }
  return realm;
}

std::vector<std::string> Dump(const TempDatabase& db, Conn& conn) {
  return SchemaDump(db, conn, kTrackingTables);
}

// One scenario on one dialect. Every check reports the scenario, the phase, the step and the
// migration files involved.
class MigrateScenarioRun {
 public:
  MigrateScenarioRun(const Scenario& scenario, bool cache)
      : scenario_(scenario),
        cache_(cache),
        dialect_(scenario.dialect),
        states_(scenario.StateCount()),
        irreversible_(scenario.Irreversible()),
        dev_(dialect_),
        path_(tmp_.path() / "migrations") {}

  void Run() {
    ASSERT_GE(states_, 2) << Where("layout", 0) << "a scenario needs v1.sql and v2.sql at least";
    for (int n = 1; n <= states_; ++n) {
      TempDatabase fresh(dialect_);
      auto conn = ConnectEnforcing(fresh);
      migrate::ExecScript(*conn, ReadFile(scenario_.StatePath(n)), scenario_.StatePath(n).string());
      fresh_dumps_.push_back(Dump(fresh, *conn));
    }
    if (!BuildDirectory()) return;
    const migrate::Dir dir = migrate::Dir::Open(path_, migrate::DirFormat::kGolangMigrate);
    dir.VerifySum();
    TempDatabase applied(dialect_);
    auto applied_conn = ConnectEnforcing(applied);
    const std::vector<std::string> empty = Dump(applied, *applied_conn);
    const bool fresh_ok = ApplyWhole(dir, applied, *applied_conn);
    ApplyStepByStep(dir);
    if (fresh_ok) RevertStepByStep(dir, applied, *applied_conn, empty);
    GolangMigrateUp(dir);
    GolangMigrateDown(dir);
    DbmateRoundTrip();
  }

 private:
  const std::vector<std::string>& FreshDump(int n) const { return fresh_dumps_.at(n - 1); }
  // The versions of state n, in order.
  std::vector<const migrate::Migration*> VersionsOf(const migrate::Dir& dir, int n) const {
    int first = 0;
    for (int i = 1; i < n; ++i) first += step_versions_.at(i - 1);
    std::vector<const migrate::Migration*> out;
    for (int i = 0; i < step_versions_.at(n - 1); ++i)
      out.push_back(&dir.migrations().at(first + i));
    return out;
  }
  std::string UpFilesOf(const migrate::Dir& dir, int n) const {
    std::vector<std::string> files;
    for (const migrate::Migration* m : VersionsOf(dir, n)) files.push_back(m->up_file);
    return FilesText(files);
  }
  std::string DownFilesOf(const migrate::Dir& dir, int n) const {
    std::vector<std::string> files;
    for (const migrate::Migration* m : VersionsOf(dir, n)) files.push_back(m->down_file);
    return FilesText(files);
  }

  // "scenario <group>/<name> on <dialect>, <phase>, step N (vN.sql), <what>:"; step 0 for the
  // phase as a whole.
  std::string Where(std::string_view what, int step, std::string_view phase = "") const {
    std::string where = scenario_.Label();
    if (!phase.empty()) where += fmt::format(", {}", phase);
    if (step > 0) where += fmt::format(", step {} (v{}.sql)", step, step);
    return fmt::format("{}, {}:\n", where, what);
  }

  // The named files of the directory with their content, for failure messages.
  std::string FilesText(const std::vector<std::string>& files) const {
    return FilesText(path_, files);
  }
  static std::string FilesText(const fs::path& dir, const std::vector<std::string>& files) {
    std::string out;
    for (const std::string& file : files) {
      std::string text;
      try {
        text = ReadFile(dir / file);
      } catch (const std::exception& e) {
        text = e.what();
      }
      out += fmt::format("==> {} <==\n{}{}", file, text, text.ends_with('\n') ? "" : "\n");
    }
    return out;
  }

  // The files of the directory, sorted: what a diff wrote, or did not write.
  std::vector<std::string> Listing() const {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(path_)) {
      files.push_back(entry.path().filename().string());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  bool ExpectDump(std::string_view what, int step, std::string_view phase, const TempDatabase& db,
                  Conn& conn, const std::vector<std::string>& expected, const std::string& files) {
    const std::vector<std::string> actual = Dump(db, conn);
    if (actual == expected) return true;
    ADD_FAILURE() << Where(what, step, phase) << "dump differs (- expected, + migrated database):\n"
                  << DumpDiff(expected, actual) << files;
    return false;
  }

  // Phase 1: one `migrate diff` per state on one dev database (which DiffDir leaves clean, and
  // requires clean: a leftover fails the next call). Each call writes exactly one version; a
  // second call right after finds the directory in sync and writes nothing.
  bool BuildDirectory() {
    static constexpr std::string_view kPhase = "migrate diff";
    fs::create_directories(path_);
    auto dev = dev_.Connect();
    migrate::Dir dir = migrate::Dir::Open(path_, migrate::DirFormat::kGolangMigrate);
    for (int n = 1; n <= states_; ++n) {
      migrate::DiffDirOptions options{.to = "file://" + scenario_.StatePath(n).string(),
                                      .name = fmt::format("v{}", n),
                                      .cache_dir = CacheDir()};
      const std::vector<std::string> before = Listing();
      migrate::DiffDirResult result;
      try {
        result = migrate::DiffDir(*dev, dir, options);
      } catch (const Error& e) {
        ADD_FAILURE() << Where("writing the migration", n, kPhase) << e.what() << "\n"
                      << "directory so far:\n"
                      << FilesText(before);
        return false;
      }
      // One version, or several when the state must be reached in committed steps; each has an
      // up and a down file named after the state.
      std::vector<std::string> expected_files;
      for (const std::string& version : result.versions) {
        const std::string& file = dir.migrations().at(versions_).up_file;
        if (!file.starts_with(fmt::format("{}_v{}", version, n))) {
          expected_files.push_back("(" + file + " is not named after the state)");
        }
        const std::string stem = file.substr(0, file.size() - std::string(".up.sql").size());
        expected_files.push_back(stem + ".up.sql");
        expected_files.push_back(stem + ".down.sql");
        ++versions_;
      }
      step_versions_.push_back(static_cast<int>(result.versions.size()));
      if (result.versions.empty() || result.files != expected_files ||
          static_cast<int>(dir.migrations().size()) != versions_ ||
          dir.migrations().back().version != result.version) {
        ADD_FAILURE() << Where("writing the migration", n, kPhase)
                      << "expected new versions, each with an up and a down file named after the "
                         "state; the directory holds "
                      << dir.migrations().size() << " versions, the diff wrote:\n"
                      << FilesText(result.files);
        return false;
      }
      const std::vector<std::string> listing = Listing();
      const std::string sum = ReadFile(path_ / migrate::kSumFileName);
      options.name = fmt::format("v{}_again", n);
      try {
        const migrate::DiffDirResult again = migrate::DiffDir(*dev, dir, options);
        EXPECT_TRUE(again.in_sync() && again.version.empty())
            << Where("a second diff right after", n, kPhase) << "it wrote "
            << FilesText(again.files) << "after\n"
            << FilesText(result.files);
        // The diff before wrote the entry of the directory as it is now.
        if (cache_ && dialect_ == Dialect::kPostgres) {
          EXPECT_EQ(again.cache, "hit") << Where("a second diff right after", n, kPhase);
        }
      } catch (const Error& e) {
        ADD_FAILURE() << Where("a second diff right after", n, kPhase) << e.what() << "\n"
                      << FilesText(result.files);
      }
      EXPECT_EQ(Listing(), listing)
          << Where("a second diff right after", n, kPhase) << "the directory's files changed";
      EXPECT_EQ(ReadFile(path_ / migrate::kSumFileName), sum)
          << Where("a second diff right after", n, kPhase) << migrate::kSumFileName << " changed";
      EXPECT_EQ(static_cast<int>(dir.migrations().size()), versions_)
          << Where("a second diff right after", n, kPhase);
      if (::testing::Test::HasFailure()) return false;
    }
    return true;
  }

  // Phase 2: the whole directory on a fresh database reaches the last state.
  bool ApplyWhole(const migrate::Dir& dir, const TempDatabase& db, Conn& conn) {
    static constexpr std::string_view kPhase = "apply to a fresh database";
    std::string files;
    for (int n = 1; n <= states_; ++n) files += UpFilesOf(dir, n);
    try {
      const migrate::ApplyResult result = migrate::Apply(conn, dir);
      EXPECT_EQ(static_cast<int>(result.files.size()), versions_) << Where("apply", 0, kPhase);
      EXPECT_EQ(result.to_version, dir.migrations().back().version) << Where("apply", 0, kPhase);
    } catch (const Error& e) {
      ADD_FAILURE() << Where("apply", 0, kPhase) << e.what() << "\n" << files;
      return false;
    }
    return ExpectDump("dump equals a fresh database built from the last state", states_, kPhase, db,
                      conn, FreshDump(states_), files);
  }

  // Phase 3: one file at a time on a database holding the scenario's rows.
  void ApplyStepByStep(const migrate::Dir& dir) {
    static constexpr std::string_view kPhase = "apply step by step with rows";
    TempDatabase db(dialect_);
    auto conn = ConnectEnforcing(db);
    for (int n = 1; n <= states_; ++n) {
      const std::vector<const migrate::Migration*> versions = VersionsOf(dir, n);
      const std::string file = UpFilesOf(dir, n);
      const schema::Realm before = InspectScenarioTables(*conn);
      const testing::RowSnapshot before_rows = testing::Snapshot(*conn, before);
      try {
        const migrate::ApplyResult result =
            migrate::Apply(*conn, dir, {.limit = static_cast<int>(versions.size())});
        EXPECT_EQ(result.files.size(), versions.size()) << Where("apply", n, kPhase);
        EXPECT_EQ(result.to_version, versions.back()->version) << Where("apply", n, kPhase);
      } catch (const Error& e) {
        ADD_FAILURE() << Where("apply", n, kPhase) << e.what() << "\n" << file;
        return;
      }
      if (!CheckStateWithRows(n, kPhase, db, *conn, before, before_rows, file)) return;
    }
  }

  // After state n is reached on a database holding rows: its dump, the rows, then dataN.sql.
  bool CheckStateWithRows(int n, std::string_view phase, const TempDatabase& db, Conn& conn,
                          const schema::Realm& before, const testing::RowSnapshot& before_rows,
                          const std::string& file) {
    bool ok = ExpectDump("dump equals a fresh database built from vN.sql", n, phase, db, conn,
                         FreshDump(n), file);
    const std::string lost = testing::LostRows(conn, before, before_rows);
    if (!lost.empty()) {
      ADD_FAILURE() << Where("rows survived", n, phase) << lost << file;
      ok = false;
    }
    if (!ok || !fs::exists(scenario_.DataPath(n))) return ok;
    try {
      migrate::ExecScript(conn, ReadFile(scenario_.DataPath(n)), scenario_.DataPath(n).string());
    } catch (const Error& e) {
      ADD_FAILURE() << Where("inserting dataN.sql", n, phase) << e.what() << "\n" << file;
      return false;
    }
    return true;
  }

  // Phase 4: from the last state, one down file at a time; each brings back the state before it
  // (v1's down leaves the database as empty as it was) unless the scenario marks the step
  // irreversible, whose down file must then say so.
  void RevertStepByStep(const migrate::Dir& dir, const TempDatabase& db, Conn& conn,
                        const std::vector<std::string>& empty) {
    static constexpr std::string_view kPhase = "down one version at a time";
    for (int n = states_; n >= 1; --n) {
      const std::vector<const migrate::Migration*> versions = VersionsOf(dir, n);
      const std::string file = DownFilesOf(dir, n);
      try {
        const migrate::DownResult result =
            migrate::Down(conn, dir, {.count = static_cast<int>(versions.size())});
        EXPECT_EQ(result.to_version, n > 1 ? VersionsOf(dir, n - 1).back()->version : "")
            << Where("down", n, kPhase);
      } catch (const Error& e) {
        ADD_FAILURE() << Where("down", n, kPhase) << e.what() << "\n" << file;
        return;
      }
      if (irreversible_.count(n)) {
        ExpectIrreversibleSaid(dir, n, kPhase, file);
        continue;
      }
      if (!ExpectDump(n > 1 ? "dump equals a fresh database built from v(N-1).sql"
                            : "dump equals an empty database",
                      n, kPhase, db, conn, n > 1 ? FreshDump(n - 1) : empty, file)) {
        return;
      }
    }
  }

  // An irreversible step: one of its down files says so in its first line.
  void ExpectIrreversibleSaid(const migrate::Dir& dir, int n, std::string_view phase,
                              const std::string& file) const {
    bool said = false;
    for (const migrate::Migration* m : VersionsOf(dir, n)) {
      said = said || ReadFile(path_ / m->down_file).starts_with("-- irreversible: ");
    }
    EXPECT_TRUE(said) << Where("the down files of an irreversible step", n, phase)
                      << "the scenario marks this step irreversible, but no down file says so\n"
                      << file;
  }

  // A connection as golang-migrate opens one: its SQLite driver (mattn/go-sqlite3, no DSN
  // options) leaves foreign keys off, SQLite's default.
  std::unique_ptr<Conn> ConnectAsGolangMigrate(const TempDatabase& db) const {
    if (dialect_ != Dialect::kSqlite) return db.Connect();
    return strata::Connect(db.url() + "?_fk=0");
  }

  // Runs the up (or down) files of state n as golang-migrate does; false after a failure.
  bool RunAsGolangMigrate(const migrate::Dir& dir, int n, bool down, Conn& conn,
                          std::string_view phase) {
    std::vector<const migrate::Migration*> versions = VersionsOf(dir, n);
    if (down) std::reverse(versions.begin(), versions.end());
    for (const migrate::Migration* m : versions) {
      const std::string& file = down ? m->down_file : m->up_file;
      try {
        migrate::RunAsTool(conn, migrate::DirFormat::kGolangMigrate,
                           {.sql = down ? m->down_sql : m->up_sql,
                            .file = (path_ / file).string(),
                            .no_tx = down ? m->down_no_tx : m->no_tx},
                           false);
      } catch (const Error& e) {
        ADD_FAILURE() << Where(down ? "golang-migrate down" : "golang-migrate up", n, phase)
                      << e.what() << "\n"
                      << FilesText({file});
        return false;
      }
    }
    return true;
  }

  // Phase 5: golang-migrate's way, up state by state on a database holding rows.
  void GolangMigrateUp(const migrate::Dir& dir) {
    static constexpr std::string_view kPhase = "golang-migrate up with rows (one request a file)";
    TempDatabase db(dialect_);
    auto conn = ConnectAsGolangMigrate(db);
    for (int n = 1; n <= states_; ++n) {
      const schema::Realm before = InspectScenarioTables(*conn);
      const testing::RowSnapshot before_rows = testing::Snapshot(*conn, before);
      if (!RunAsGolangMigrate(dir, n, false, *conn, kPhase)) return;
      if (!CheckStateWithRows(n, kPhase, db, *conn, before, before_rows, UpFilesOf(dir, n))) return;
    }
  }

  // Phase 6: golang-migrate's way, every up file on a fresh database, then the down files state
  // by state.
  void GolangMigrateDown(const migrate::Dir& dir) {
    static constexpr std::string_view kPhase = "golang-migrate down (one request a file)";
    TempDatabase db(dialect_);
    auto conn = ConnectAsGolangMigrate(db);
    const std::vector<std::string> empty = Dump(db, *conn);
    for (int n = 1; n <= states_; ++n) {
      if (!RunAsGolangMigrate(dir, n, false, *conn, kPhase)) return;
    }
    if (!ExpectDump("dump equals a fresh database built from the last state", states_, kPhase, db,
                    *conn, FreshDump(states_), "")) {
      return;
    }
    for (int n = states_; n >= 1; --n) {
      if (!RunAsGolangMigrate(dir, n, true, *conn, kPhase)) return;
      if (irreversible_.count(n)) {
        ExpectIrreversibleSaid(dir, n, kPhase, DownFilesOf(dir, n));
        continue;
      }
      if (!ExpectDump(n > 1 ? "dump equals a fresh database built from v(N-1).sql"
                            : "dump equals an empty database",
                      n, kPhase, db, *conn, n > 1 ? FreshDump(n - 1) : empty,
                      DownFilesOf(dir, n))) {
        return;
      }
    }
  }

  // Runs the real dbmate (scripts/bootstrap installs it from npm) on `db` with the dbmate
  // directory; false after a failure, reported with the directory's files.
  bool Dbmate(std::string_view command, const TempDatabase& db, int step, std::string_view phase,
              const fs::path& dbmate_dir) {
    const std::string url = dialect_ == Dialect::kSqlite ? "sqlite:" + db.name() : db.url();
    const std::string line =
        fmt::format("dbmate --url '{}' --migrations-dir '{}' --no-dump-schema {}", url,
                    dbmate_dir.string(), command);
    std::string output;
    if (testing::RunCommand(line, &output) == 0) return true;
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dbmate_dir)) {
      files.push_back(entry.path().filename().string());
    }
    std::sort(files.begin(), files.end());
    ADD_FAILURE() << Where(fmt::format("dbmate {}", command), step, phase) << line << "\n"
                  << output
                  << (output.find("not found") != std::string::npos
                          ? "(install dbmate with scripts/bootstrap)\n"
                          : "")
                  << FilesText(dbmate_dir, files);
    return false;
  }

  // Phase 7: the dbmate directory strata writes, applied by dbmate itself: `dbmate migrate` after
  // each `migrate diff` on a database holding the rows, then on a database without rows every
  // version at once and `dbmate rollback` state by state.
  void DbmateRoundTrip() {
    static constexpr std::string_view kPhase = "dbmate";
    if (std::string found; testing::RunCommand("command -v dbmate", &found) != 0) {
      // scripts/bootstrap installs dbmate from npm; where the registry cannot be reached it says
      // so and the phase is reported as not run. CI requires it (STRATA_REQUIRE_DBMATE=1).
      const char* required = std::getenv("STRATA_REQUIRE_DBMATE");
      if (required != nullptr && std::string_view(required) == "1") {
        ADD_FAILURE() << "dbmate is not installed (STRATA_REQUIRE_DBMATE=1): run scripts/bootstrap "
                         "or npm install -g dbmate@2.36.0";
      } else {
        std::cerr << "NOTE: dbmate is not installed: the dbmate phase of scenario "
                  << ::testing::UnitTest::GetInstance()->current_test_info()->name()
                  << " was not run (npm install -g dbmate@2.36.0)\n";
        ::testing::Test::RecordProperty("dbmate", "not installed: phase not run");
      }
      return;
    }
    const fs::path dbmate_dir = tmp_.path() / "dbmate";
    fs::create_directories(dbmate_dir);
    auto dev = dev_.Connect();
    migrate::Dir dir = migrate::Dir::Open(dbmate_dir, migrate::DirFormat::kDbmate);
    TempDatabase db(dialect_);
    auto conn = db.Connect();
    std::vector<int> step_versions;
    for (int n = 1; n <= states_; ++n) {
      try {
        const migrate::DiffDirResult result =
            migrate::DiffDir(*dev, dir,
                             {.to = "file://" + scenario_.StatePath(n).string(),
                              .name = fmt::format("v{}", n),
                              .cache_dir = CacheDir()});
        step_versions.push_back(static_cast<int>(result.versions.size()));
      } catch (const Error& e) {
        ADD_FAILURE() << Where("writing the dbmate migration", n, kPhase) << e.what();
        return;
      }
      const schema::Realm before = InspectScenarioTables(*conn);
      const testing::RowSnapshot before_rows = testing::Snapshot(*conn, before);
      if (!Dbmate("migrate", db, n, kPhase, dbmate_dir)) return;
      if (!CheckStateWithRows(n, kPhase, db, *conn, before, before_rows, "")) return;
    }
    TempDatabase bare(dialect_);
    auto bare_conn = bare.Connect();
    const std::vector<std::string> empty = Dump(bare, *bare_conn);
    if (!Dbmate("migrate", bare, states_, kPhase, dbmate_dir)) return;
    if (!ExpectDump("dump equals a fresh database built from the last state", states_, kPhase, bare,
                    *bare_conn, FreshDump(states_), "")) {
      return;
    }
    for (int n = states_; n >= 1; --n) {
      for (int i = 0; i < step_versions.at(n - 1); ++i) {
        if (!Dbmate("rollback", bare, n, kPhase, dbmate_dir)) return;
      }
      if (irreversible_.count(n)) continue;
      if (!ExpectDump(n > 1 ? "dump equals a fresh database built from v(N-1).sql after dbmate "
                              "rollback"
                            : "dump equals an empty database after dbmate rollback",
                      n, kPhase, bare, *bare_conn, n > 1 ? FreshDump(n - 1) : empty, "")) {
        return;
      }
    }
  }

  // The replay cache's folder in the cached pass, else empty (no cache).
  fs::path CacheDir() const { return cache_ ? tmp_.path() / "replay-cache" : fs::path(); }

  const Scenario& scenario_;
  const bool cache_;
  const Dialect dialect_;
  const int states_;
  const std::set<int> irreversible_;
  TempDatabase dev_;
  TempDir tmp_;
  const fs::path path_;  // the migration directory
  std::vector<std::vector<std::string>> fresh_dumps_;
  int versions_ = 0;                // in the directory
  std::vector<int> step_versions_;  // how many versions each state took
};

class MigrateScenarioTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(MigrateScenarioTest, RoundTrip) {
  try {
    MigrateScenarioRun(GetParam(), /*cache=*/false).Run();
  } catch (const std::exception& e) {
    FAIL() << GetParam().Label() << ": " << e.what();
  }
}

TEST_P(MigrateScenarioTest, RoundTripWithReplayCache) {
  try {
    MigrateScenarioRun(GetParam(), /*cache=*/true).Run();
  } catch (const std::exception& e) {
    FAIL() << GetParam().Label() << " (replay cache on): " << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(MigrateScenarios, MigrateScenarioTest,
                         ::testing::ValuesIn(testing::ListScenarios()), testing::ScenarioTestName);

}  // namespace
}  // namespace strata
