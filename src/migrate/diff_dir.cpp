// `strata migrate diff` and the dev-database replay of `migrate validate` (see diff_dir.hpp).
#include "strata/migrate/diff_dir.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>

#include "dialect/dialect.hpp"
#include "migrate/dev.hpp"
#include "migrate/file_io.hpp"
#include "strata/error.hpp"
#include "strata/migrate/changes.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/migrate/state.hpp"

namespace strata::migrate {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kPlannerBug =
    "This is a bug in strata's planner: please report it with the directory and the desired "
    "state.";

std::string DescribeAll(const std::vector<Change>& changes) {
  std::string out;
  for (const Change& c : changes) out += "\n  " + Describe(c);
  return out;
}

bool AnyNoTx(const std::vector<Statement>& statements) {
  return std::any_of(statements.begin(), statements.end(),
                     [](const Statement& s) { return s.no_tx; });
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : std::string(sep)) + item;
  return out;
}

std::string UpScript(const Plan& plan) {
  return (AnyNoTx(plan.statements) ? "-- strata:txmode none\n" : "") +
         FormatScript(plan.statements);
}

// The first line names what the down part cannot undo, so whoever runs it is not misled.
std::string DownScript(const Plan& plan) {
  std::string out;
  if (!plan.irreversible.empty()) {
    out += fmt::format("-- irreversible: {} (this down migration does not restore them)\n",
                       Join(plan.irreversible, "; "));
  }
  if (AnyNoTx(plan.reverse)) out += "-- strata:txmode none\n";
  return out + FormatScript(plan.reverse);
}

const Migration& FindVersion(const Dir& dir, std::string_view version) {
  for (const Migration& m : dir.migrations()) {
    if (CompareVersions(m.version, version) == 0) return m;
  }
  throw Error(fmt::format("the new migration {} is missing from {}", version, dir.path().string()));
}

}  // namespace

DiffDirResult DiffDir(Conn& dev, Dir& dir, const DiffDirOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  DiffDirResult result;
  DiffDirTimings& t = result.timings;
  DevTimings dev_t;
  const dialect::DialectImpl& dialect = dialect::Get(dev.dialect());

  dir.VerifySum();
  if (!options.to.starts_with("file://") && !options.to.starts_with("ent://")) {
    const Url to = Url::Parse(options.to);
    if (to.dialect != dev.dialect()) {
      throw InputError(fmt::format(
          "--to {} is a {} database but the dev database is {}: use a dev database of the same "
          "dialect",
          to.Redacted(), DialectName(to.dialect), DialectName(dev.dialect())));
    }
  }
  DevLock lock(dev, options.lock_timeout);

  // The desired state first: normalizing it needs the dev database clean, and leaves it so.
  const schema::Realm desired = LoadState(options.to, &dev, &dev_t);
  if (!desired.unsupported.empty()) {
    std::vector<std::string> names;
    for (const auto& u : desired.unsupported) {
      names.push_back(u.schema.empty() ? fmt::format("{} \"{}\"", u.kind, u.name)
                                       : fmt::format("{} \"{}\".\"{}\"", u.kind, u.schema, u.name));
    }
    result.warnings.push_back(fmt::format(
        "the desired state holds objects strata does not manage yet; the migration leaves them "
        "out: {}",
        Join(names, ", ")));
  }

  {
    Timer timer(&dev_t.inspect);
    RequireClean(dev, "dev");
  }
  const bool transactional = !NeedsNoTx(dir);
  auto scope = std::make_unique<DevScope>(dev, transactional);
  {
    Timer timer(&dev_t.replay);
    Replay(dev, dir);
  }
  schema::Realm current;
  {
    Timer timer(&dev_t.inspect);
    current = Inspect(dev);
  }
  std::vector<Change> changes;
  Plan plan;
  {
    Timer timer(&t.diff);
    changes = Diff(current, desired, dialect.diff_options());
    // An extension an earlier migration created and the desired state no longer does.
    for (std::string& w : ExtensionsLeftInPlace(current, desired)) {
      result.warnings.push_back(std::move(w));
    }
    if (!changes.empty()) {
      plan = PlanChanges(
          dev.dialect(), changes,
          PlanOptions{.unqualified = current.scoped && desired.scoped, .indent = options.indent});
    }
  }
  auto finish = [&] {
    t.load = dev_t.load;
    t.replay = dev_t.replay;
    t.inspect = dev_t.inspect;
    t.total =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  if (changes.empty()) {
    scope->End();
    finish();
    return result;
  }
  result.warnings.insert(result.warnings.end(), plan.warnings.begin(), plan.warnings.end());
  result.irreversible = plan.irreversible;

  const fs::path sum_path = dir.path() / kSumFileName;
  std::optional<std::string> old_sum;
  {
    Timer timer(&t.write);
    std::error_code ec;
    if (fs::exists(sum_path, ec)) old_sum = ReadFile(sum_path);
    result.version = dir.NextVersion(options.sequence);
    result.files = dir.Write(result.version, options.name, UpScript(plan), DownScript(plan));
  }

  // Verification. Any failure removes the new files and puts strata.sum back.
  auto undo = [&] {
    scope.reset();
    for (const std::string& file : result.files) {
      std::error_code ignored;
      fs::remove(dir.path() / file, ignored);
    }
    if (old_sum) {
      WriteFileAtomically(sum_path, *old_sum);
    } else {
      std::error_code ignored;
      fs::remove(sum_path, ignored);
    }
    dir = Dir::Open(dir.path(), dir.format());
  };
  std::string failure;
  try {
    const Migration& added = FindVersion(dir, result.version);
    const fs::path up_path = dir.path() / added.up_file;
    if (transactional && (added.no_tx || added.down_no_tx)) {
      // The new file cannot run inside the transaction holding the replay: replay it all again
      // without one.
      scope->End();
      scope = std::make_unique<DevScope>(dev, false);
      Timer timer(&dev_t.replay);
      Replay(dev, dir);
    } else {
      Timer timer(&dev_t.replay);
      ExecScript(dev, std::string(added.up_line - 1, '\n') + added.up_sql, up_path.string());
    }
    schema::Realm replayed;
    {
      Timer timer(&dev_t.inspect);
      replayed = Inspect(dev);
    }
    std::vector<Change> left;
    {
      Timer timer(&t.diff);
      left = Diff(replayed, desired, dialect.diff_options());
    }
    if (!left.empty()) {
      failure = fmt::format(
          "replaying {} on the dev database does not reach the desired state; still to change:{}"
          "\n{}",
          added.up_file, DescribeAll(left), kPlannerBug);
    } else if (!added.down_file.empty() && plan.irreversible.empty()) {
      {
        Timer timer(&dev_t.replay);
        ExecScript(dev, std::string(added.down_line - 1, '\n') + added.down_sql,
                   (dir.path() / added.down_file).string());
      }
      schema::Realm restored;
      {
        Timer timer(&dev_t.inspect);
        restored = Inspect(dev);
      }
      Timer timer(&t.diff);
      const std::vector<Change> back = Diff(restored, current, dialect.diff_options());
      if (!back.empty()) {
        failure = fmt::format(
            "the down part in {} does not restore the previous state on the dev database; it "
            "differs by:{}\n{}",
            added.down_file, DescribeAll(back), kPlannerBug);
      }
    }
  } catch (const Error& e) {
    failure = fmt::format(
        "the new migration failed on the dev database, after the directory was replayed on it "
        "(rows inserted by earlier migrations count too): {}",
        e.what());
  } catch (...) {
    undo();
    throw;
  }
  if (!failure.empty()) {
    undo();
    throw Error(fmt::format("{}\nThe new migration was not kept ({} removed, {} restored).",
                            failure, Join(result.files, ", "), kSumFileName));
  }
  scope->End();
  finish();
  return result;
}

schema::Realm ReplayDir(Conn& dev, const Dir& dir, std::chrono::milliseconds lock_timeout) {
  DevLock lock(dev, lock_timeout);
  return LoadDir(dev, dir);
}

}  // namespace strata::migrate
