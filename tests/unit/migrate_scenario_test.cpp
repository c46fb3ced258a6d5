// The versioned-migration round trip over the scenario suite (issue 3): per scenario, a
// golang-migrate directory built by successive `migrate diff` calls is applied whole to a fresh
// database, applied file by file to a database holding rows, and reverted file by file; every state
// reached must dump as a fresh database built from the scenario's vN.sql.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

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
  explicit MigrateScenarioRun(const Scenario& scenario)
      : scenario_(scenario),
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
  }

 private:
  const std::vector<std::string>& FreshDump(int n) const { return fresh_dumps_.at(n - 1); }
  const migrate::Migration& MigrationOf(const migrate::Dir& dir, int n) const {
    return dir.migrations().at(n - 1);
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
    std::string out;
    for (const std::string& file : files) {
      std::string text;
      try {
        text = ReadFile(path_ / file);
      } catch (const std::exception& e) {
        text = e.what();
      }
      out += fmt::format("==> {} <==\n{}{}", file, text, text.ends_with('\n') ? "" : "\n");
    }
    return out;
  }
  std::string UpFilesText(const migrate::Dir& dir, int first, int last) const {
    std::vector<std::string> files;
    for (int n = first; n <= last; ++n) files.push_back(MigrationOf(dir, n).up_file);
    return FilesText(files);
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
                                      .name = fmt::format("v{}", n)};
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
      const std::string version = fmt::format("{}_v{}", result.version, n);
      const std::vector<std::string> expected_files = {version + ".up.sql", version + ".down.sql"};
      if (result.files != expected_files || static_cast<int>(dir.migrations().size()) != n ||
          dir.migrations().back().version != result.version) {
        ADD_FAILURE() << Where("writing the migration", n, kPhase)
                      << "expected exactly one new version (" << expected_files[0] << ", "
                      << expected_files[1] << "); the directory holds " << dir.migrations().size()
                      << " versions, the diff wrote:\n"
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
      } catch (const Error& e) {
        ADD_FAILURE() << Where("a second diff right after", n, kPhase) << e.what() << "\n"
                      << FilesText(result.files);
      }
      EXPECT_EQ(Listing(), listing)
          << Where("a second diff right after", n, kPhase) << "the directory's files changed";
      EXPECT_EQ(ReadFile(path_ / migrate::kSumFileName), sum)
          << Where("a second diff right after", n, kPhase) << migrate::kSumFileName << " changed";
      EXPECT_EQ(static_cast<int>(dir.migrations().size()), n)
          << Where("a second diff right after", n, kPhase);
      if (::testing::Test::HasFailure()) return false;
    }
    return true;
  }

  // Phase 2: the whole directory on a fresh database reaches the last state.
  bool ApplyWhole(const migrate::Dir& dir, const TempDatabase& db, Conn& conn) {
    static constexpr std::string_view kPhase = "apply to a fresh database";
    const std::string files = UpFilesText(dir, 1, states_);
    try {
      const migrate::ApplyResult result = migrate::Apply(conn, dir);
      EXPECT_EQ(static_cast<int>(result.files.size()), states_) << Where("apply", 0, kPhase);
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
      const migrate::Migration& m = MigrationOf(dir, n);
      const std::string file = FilesText({m.up_file});
      const schema::Realm before = InspectScenarioTables(*conn);
      const testing::RowSnapshot before_rows = testing::Snapshot(*conn, before);
      try {
        const migrate::ApplyResult result = migrate::Apply(*conn, dir, {.limit = 1});
        EXPECT_EQ(result.files.size(), 1u) << Where("apply 1", n, kPhase);
        EXPECT_EQ(result.to_version, m.version) << Where("apply 1", n, kPhase);
      } catch (const Error& e) {
        ADD_FAILURE() << Where("apply 1", n, kPhase) << e.what() << "\n" << file;
        return;
      }
      bool ok = ExpectDump("dump equals a fresh database built from vN.sql", n, kPhase, db, *conn,
                           FreshDump(n), file);
      const std::string lost = testing::LostRows(*conn, before, before_rows);
      if (!lost.empty()) {
        ADD_FAILURE() << Where("rows survived", n, kPhase) << lost << file;
        ok = false;
      }
      if (!ok) return;
      if (!fs::exists(scenario_.DataPath(n))) continue;
      try {
        migrate::ExecScript(*conn, ReadFile(scenario_.DataPath(n)), scenario_.DataPath(n).string());
      } catch (const Error& e) {
        ADD_FAILURE() << Where("inserting dataN.sql", n, kPhase) << e.what() << "\n" << file;
        return;
      }
    }
  }

  // Phase 4: from the last state, one down file at a time; each brings back the state before it
  // (v1's down leaves the database as empty as it was) unless the scenario marks the step
  // irreversible, whose down file must then say so.
  void RevertStepByStep(const migrate::Dir& dir, const TempDatabase& db, Conn& conn,
                        const std::vector<std::string>& empty) {
    static constexpr std::string_view kPhase = "down one version at a time";
    for (int n = states_; n >= 1; --n) {
      const migrate::Migration& m = MigrationOf(dir, n);
      const std::string file = FilesText({m.down_file});
      try {
        const migrate::DownResult result = migrate::Down(conn, dir, {.count = 1});
        EXPECT_EQ(result.to_version, n > 1 ? MigrationOf(dir, n - 1).version : "")
            << Where("down 1", n, kPhase);
      } catch (const Error& e) {
        ADD_FAILURE() << Where("down 1", n, kPhase) << e.what() << "\n" << file;
        return;
      }
      if (irreversible_.count(n)) {
        EXPECT_TRUE(ReadFile(path_ / m.down_file).starts_with("-- irreversible: "))
            << Where("the down file of an irreversible step", n, kPhase)
            << "the scenario marks this step irreversible, but its down file does not say so\n"
            << file;
        continue;
      }
      if (!ExpectDump(n > 1 ? "dump equals a fresh database built from v(N-1).sql"
                            : "dump equals an empty database",
                      n, kPhase, db, conn, n > 1 ? FreshDump(n - 1) : empty, file)) {
        return;
      }
    }
  }

  const Scenario& scenario_;
  const Dialect dialect_;
  const int states_;
  const std::set<int> irreversible_;
  TempDatabase dev_;
  TempDir tmp_;
  const fs::path path_;  // the migration directory
  std::vector<std::vector<std::string>> fresh_dumps_;
};

class MigrateScenarioTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(MigrateScenarioTest, RoundTrip) {
  try {
    MigrateScenarioRun(GetParam()).Run();
  } catch (const std::exception& e) {
    FAIL() << GetParam().Label() << ": " << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(MigrateScenarios, MigrateScenarioTest,
                         ::testing::ValuesIn(testing::ListScenarios()), testing::ScenarioTestName);

}  // namespace
}  // namespace strata
