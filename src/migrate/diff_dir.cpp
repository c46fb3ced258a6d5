// `strata migrate diff` and the dev-database replay of `migrate validate` (see diff_dir.hpp).
#include "strata/migrate/diff_dir.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <optional>

#include "dialect/dialect.hpp"
#include "migrate/dev.hpp"
#include "migrate/file_io.hpp"
#include "migrate/tool_run.hpp"
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

// Whether every value of `from` is in `to`, in the same order: ALTER TYPE … ADD VALUE takes an
// enum type from the one to the other.
bool AddsValuesOnly(const std::vector<std::string>& from, const std::vector<std::string>& to) {
  auto at = to.begin();
  for (const std::string& v : from) {
    at = std::find(at, to.end(), v);
    if (at == to.end()) return false;
    ++at;
  }
  return true;
}

// `realm` where each enum type whose values `other` can reach by adding values only takes the
// values `other` gives it.
schema::Realm WithAddedEnumValues(schema::Realm realm, const schema::Realm& other) {
  for (schema::Schema& s : realm.schemas) {
    const schema::Schema* o = other.FindSchema(s.name);
    if (o == nullptr) continue;
    for (schema::Enum& e : s.enums) {
      for (const schema::Enum& theirs : o->enums) {
        if (theirs.name == e.name && AddsValuesOnly(e.values, theirs.values)) {
          e.values = theirs.values;
        }
      }
    }
  }
  return realm;
}

// One version `migrate diff` writes: its name, the state it reaches and its plan.
struct NewVersion {
  std::string name;
  schema::Realm to;
  Plan plan;
};

// The versions that take `current` to `desired`, given the plan of doing it in one.
//
// Every tool but strata's own executor runs a file in one transaction (golang-migrate: one request,
// which PostgreSQL runs as one transaction; see docs/formats.md), and a value added to an enum type
// cannot be used before the transaction that added it commits (55P04), which is why the planner
// marks such an ADD VALUE no_tx. So a plan that uses a value it adds becomes two versions: the
// first adds the values (every enum change that only adds values), the second does the rest. And
// a plan whose down part would use a value it adds back (the up part removes a value a default
// used) leaves the removal to a last version of its own, so that each down part is safe too.
std::vector<NewVersion> SplitVersions(const dialect::DialectImpl& dialect, Dialect kind,
                                      const schema::Realm& current, const schema::Realm& desired,
                                      Plan plan, const std::string& name,
                                      const PlanOptions& plan_options) {
  const bool up_uses_added = kind == Dialect::kPostgres && AnyNoTx(plan.statements);
  const bool down_uses_added = kind == Dialect::kPostgres && AnyNoTx(plan.reverse);
  std::vector<NewVersion> out;
  if (!up_uses_added && !down_uses_added) {
    out.push_back({name, desired, std::move(plan)});
    return out;
  }
  std::vector<std::pair<std::string, schema::Realm>> stops;
  if (up_uses_added)
    stops.emplace_back(name + "_enum_values", WithAddedEnumValues(current, desired));
  stops.emplace_back(name, down_uses_added ? WithAddedEnumValues(desired, current) : desired);
  if (down_uses_added) stops.emplace_back(name + "_drop_enum_values", desired);
  out.reserve(stops.size());
  const schema::Realm* from = &current;
  for (auto& [stop_name, to] : stops) {
    const std::vector<Change> changes = Diff(*from, to, dialect.diff_options());
    if (changes.empty()) continue;
    out.push_back({stop_name, std::move(to), PlanChanges(kind, changes, plan_options)});
    from = &out.back().to;
  }
  return out;
}

// Whether the format's tool runs a file strata marks `-- strata:txmode none` inside a transaction
// all the same: golang-migrate (no marker at all), Flyway, and Atlas (which reads only its own
// `-- atlas:txmode none`). goose and dbmate get their own markers (see Dir::Write).
bool ToolIgnoresNoTx(DirFormat format) {
  return format == DirFormat::kGolangMigrate || format == DirFormat::kFlyway ||
         format == DirFormat::kAtlas;
}

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// What dropping a parent table does to a child's rows through `fk` when foreign keys are enforced.
std::string OnDropOfParent(const schema::Table& child, const schema::ForeignKey& fk) {
  std::vector<std::string> columns;
  for (const std::string& c : fk.columns) columns.push_back(QuoteIdent(c));
  switch (fk.on_delete) {
    case schema::FkAction::kCascade:
      return fmt::format(
          "deletes every row of \"{}\" that references it (ON DELETE CASCADE), and "
          "what cascades from them",
          child.name);
    case schema::FkAction::kSetNull:
    case schema::FkAction::kSetDefault:
      return fmt::format("sets {} of every row of \"{}\" that references it to {} (ON DELETE {})",
                         Join(columns, ", "), child.name,
                         fk.on_delete == schema::FkAction::kSetNull ? "NULL" : "the default",
                         schema::FkActionSql(fk.on_delete));
    default:
      return fmt::format(
          "fails while \"{}\" has rows that reference it (ON DELETE {}), so the "
          "file is not applied",
          child.name, schema::FkActionSql(fk.on_delete));
  }
}

// SQLite rebuilds a table by creating a new one, copying the rows and dropping the old one, with
// foreign keys off (`PRAGMA foreign_keys = off` before, `= on` after). SQLite ignores that pragma
// inside a transaction, which is where golang-migrate, Flyway and Atlas run the file: on a
// connection that enforces foreign keys, dropping the old table acts on the rows that reference
// it. No form of the rebuild avoids that inside the transaction short of rebuilding every table
// that references it too, so the user is told which rows are at risk.
std::vector<std::string> RebuildWarnings(DirFormat format, const schema::Realm& current,
                                         const std::vector<NewVersion>& versions) {
  std::vector<std::string> out;
  if (!ToolIgnoresNoTx(format)) return out;
  for (const schema::Schema& s : current.schemas) {
    for (const schema::Table& parent : s.tables) {
      const std::string rename = fmt::format(
          "ALTER TABLE {} RENAME TO {}", QuoteIdent("new_" + parent.name), QuoteIdent(parent.name));
      const bool rebuilt = std::any_of(versions.begin(), versions.end(), [&](const NewVersion& v) {
        return std::any_of(v.plan.statements.begin(), v.plan.statements.end(),
                           [&](const Statement& st) { return st.sql == rename; });
      });
      if (!rebuilt) continue;
      std::vector<std::string> effects;
      for (const schema::Table& child : s.tables) {
        for (const schema::ForeignKey& fk : child.foreign_keys) {
          if (SameName(fk.ref_table, parent.name)) effects.push_back(OnDropOfParent(child, fk));
        }
      }
      if (effects.empty()) continue;
      out.push_back(fmt::format(
          "{} runs the new migration inside a transaction, where SQLite ignores `PRAGMA "
          "foreign_keys = off`: on a connection that enforces foreign keys (go-sqlite3's "
          "_foreign_keys=on), rebuilding table \"{}\" drops its old copy, which {}. Apply it "
          "with foreign keys off (SQLite's default, and golang-migrate's unless its URL turns them "
          "on) or with `strata migrate apply`, which runs the pragma outside the transaction",
          DirFormatName(format), parent.name, Join(effects, "; ")));
    }
  }
  return out;
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
  const std::string last_old_version =
      dir.migrations().empty() ? std::string() : dir.migrations().back().version;
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
  std::vector<NewVersion> versions;
  {
    Timer timer(&t.diff);
    const std::vector<Change> changes = Diff(current, desired, dialect.diff_options());
    // An extension an earlier migration created and the desired state no longer does.
    for (std::string& w : ExtensionsLeftInPlace(current, desired)) {
      result.warnings.push_back(std::move(w));
    }
    if (!changes.empty()) {
      const PlanOptions plan_options{.unqualified = current.scoped && desired.scoped,
                                     .indent = options.indent,
                                     .taken_names = TableNames(current, desired)};
      versions = SplitVersions(dialect, dev.dialect(), current, desired,
                               PlanChanges(dev.dialect(), changes, plan_options), options.name,
                               plan_options);
    }
  }
  auto finish = [&] {
    t.load = dev_t.load;
    t.replay = dev_t.replay;
    t.inspect = dev_t.inspect;
    t.total =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  if (versions.empty()) {
    scope->End();
    finish();
    return result;
  }
  for (const NewVersion& v : versions) {
    for (const std::string& w : v.plan.warnings) {
      if (std::find(result.warnings.begin(), result.warnings.end(), w) == result.warnings.end()) {
        result.warnings.push_back(w);
      }
    }
    result.irreversible.insert(result.irreversible.end(), v.plan.irreversible.begin(),
                               v.plan.irreversible.end());
  }

  if (dev.dialect() == Dialect::kSqlite) {
    for (std::string& w : RebuildWarnings(dir.format(), current, versions)) {
      result.warnings.push_back(std::move(w));
    }
  }

  const fs::path sum_path = dir.path() / kSumFileName;
  std::optional<std::string> old_sum;
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
  {
    Timer timer(&t.write);
    std::error_code ec;
    if (fs::exists(sum_path, ec)) old_sum = ReadFile(sum_path);
    try {
      for (const NewVersion& v : versions) {
        const std::string version = dir.NextVersion(options.sequence);
        for (std::string& file : dir.Write(version, v.name, UpScript(v.plan), DownScript(v.plan))) {
          result.files.push_back(std::move(file));
        }
        result.versions.push_back(version);
      }
    } catch (...) {
      undo();
      throw;
    }
    result.version = result.versions.back();
  }

  std::string failure;
  try {
    std::vector<const Migration*> added;
    bool added_no_tx = false;
    for (const std::string& version : result.versions) {
      added.push_back(&FindVersion(dir, version));
      added_no_tx = added_no_tx || added.back()->no_tx || added.back()->down_no_tx;
    }
    // The new files run the way the format's tool runs them, each committed before the next when
    // there are several (the second may use an enum value the first adds), or when one must run
    // outside a transaction: then the directory is replayed again without one.
    if (transactional && (added_no_tx || added.size() > 1)) {
      scope->End();
      scope = std::make_unique<DevScope>(dev, false);
      Timer timer(&dev_t.replay);
      if (!last_old_version.empty()) Replay(dev, dir, last_old_version);
    }
    const bool nested = transactional && !added_no_tx && added.size() == 1;
    auto run = [&](const Migration& m, bool down) {
      Timer timer(&dev_t.replay);
      const fs::path file = dir.path() / (down ? m.down_file : m.up_file);
      RunAsTool(dev, dir.format(),
                ToolPart{.sql = down ? m.down_sql : m.up_sql,
                         .file = file.string(),
                         .first_line = down ? m.down_line : m.up_line,
                         .no_tx = down ? m.down_no_tx : m.no_tx},
                nested);
    };
    auto differences = [&](const schema::Realm& expected) {
      schema::Realm reached;
      {
        Timer timer(&dev_t.inspect);
        reached = Inspect(dev);
      }
      Timer timer(&t.diff);
      return Diff(reached, expected, dialect.diff_options());
    };
    for (size_t i = 0; i < added.size() && failure.empty(); ++i) {
      run(*added[i], false);
      const std::vector<Change> left = differences(versions[i].to);
      if (!left.empty()) {
        failure = fmt::format(
            "replaying {} on the dev database does not reach the {}; still to change:{}\n{}",
            added[i]->up_file, i + 1 == added.size() ? "desired state" : "state it is for",
            DescribeAll(left), kPlannerBug);
      }
    }
    // The down parts, last first, each back to the state before its version, as far as they can
    // undo their version.
    for (size_t i = added.size(); i-- > 0 && failure.empty();) {
      if (added[i]->down_file.empty() || !versions[i].plan.irreversible.empty()) break;
      run(*added[i], true);
      const std::vector<Change> back = differences(i == 0 ? current : versions[i - 1].to);
      if (!back.empty()) {
        failure = fmt::format(
            "the down part in {} does not restore the previous state on the dev database; it "
            "differs by:{}\n{}",
            added[i]->down_file, DescribeAll(back), kPlannerBug);
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
