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
#include "migrate/replay_cache.hpp"
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

// The desired state's objects strata does not manage, as a warning (none when it has none).
void AddUnsupportedWarning(const schema::Realm& desired, DiffDirResult& result) {
  if (desired.unsupported.empty()) return;
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

// The versions that take `current` to `desired` (none when in sync), their warnings and what they
// cannot undo added to `result`.
std::vector<NewVersion> PlanNewVersions(Conn& dev, DirFormat format, const schema::Realm& current,
                                        const schema::Realm& desired, const DiffDirOptions& options,
                                        DiffDirResult& result) {
  const dialect::DialectImpl& dialect = dialect::Get(dev.dialect());
  std::vector<NewVersion> versions;
  {
    Timer timer(&result.timings.diff);
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
    for (std::string& w : RebuildWarnings(format, current, versions)) {
      result.warnings.push_back(std::move(w));
    }
  }
  return versions;
}

// The new versions' files in the directory, and taking them back out with strata.sum restored.
class NewFiles {
 public:
  explicit NewFiles(Dir& dir) : dir_(dir), sum_path_(dir.path() / kSumFileName) {}

  // Writes `versions` and records them in `result`; on failure takes back what it wrote.
  void Write(const std::vector<NewVersion>& versions, const DiffDirOptions& options,
             DiffDirResult& result) {
    Timer timer(&result.timings.write);
    std::error_code ec;
    if (fs::exists(sum_path_, ec)) old_sum_ = ReadFile(sum_path_);
    try {
      for (const NewVersion& v : versions) {
        const std::string version = dir_.NextVersion(options.sequence);
        for (std::string& file :
             dir_.Write(version, v.name, UpScript(v.plan), DownScript(v.plan))) {
          result.files.push_back(std::move(file));
        }
        result.versions.push_back(version);
      }
    } catch (...) {
      Undo(result);
      throw;
    }
    result.version = result.versions.back();
  }

  void Undo(const DiffDirResult& result) {
    for (const std::string& file : result.files) {
      std::error_code ignored;
      fs::remove(dir_.path() / file, ignored);
    }
    if (old_sum_) {
      WriteFileAtomically(sum_path_, *old_sum_);
    } else {
      std::error_code ignored;
      fs::remove(sum_path_, ignored);
    }
    dir_ = Dir::Open(dir_.path(), dir_.format());
  }

 private:
  Dir& dir_;
  fs::path sum_path_;
  std::optional<std::string> old_sum_;
};

// Running new files on the dev database the way the format's tool does, and reading back what
// they reached; the time goes to `timings`.
class Verifier {
 public:
  Verifier(Conn& dev, const Dir& dir, DevTimings& timings)
      : dev_(dev), dir_(dir), timings_(timings) {}

  void Run(const Migration& m, bool down, bool nested) {
    Timer timer(&timings_.replay);
    const fs::path file = dir_.path() / (down ? m.down_file : m.up_file);
    RunAsTool(dev_, dir_.format(),
              ToolPart{.sql = down ? m.down_sql : m.up_sql,
                       .file = file.string(),
                       .first_line = down ? m.down_line : m.up_line,
                       .no_tx = down ? m.down_no_tx : m.no_tx},
              nested);
  }

  schema::Realm Reached() {
    Timer timer(&timings_.inspect);
    return Inspect(dev_);
  }

 private:
  Conn& dev_;
  const Dir& dir_;
  DevTimings& timings_;
};

// Whether two inspected states are the same for the differ and hold the same unmanaged objects
// (a view the cached state has and the desired state lacks would make a hit unsound).
bool SameState(const dialect::DialectImpl& dialect, const schema::Realm& a,
               const schema::Realm& b) {
  return a.unsupported == b.unsupported && Diff(a, b, dialect.diff_options()).empty();
}

// `reached` with each table's columns in the order a replay gives them: those the table had in
// `before` first, in that order (PostgreSQL's ALTER TABLE … ADD COLUMN appends), then the others.
// The state a hit reaches is built from the desired side, where columns follow the desired state.
schema::Realm InReplayColumnOrder(schema::Realm reached, const schema::Realm& before) {
  for (schema::Schema& s : reached.schemas) {
    const schema::Schema* old_schema = before.FindSchema(s.name);
    if (old_schema == nullptr) continue;
    for (schema::Table& t : s.tables) {
      const schema::Table* old = old_schema->FindTable(t.name);
      if (old == nullptr) continue;
      std::stable_partition(t.columns.begin(), t.columns.end(), [&](const schema::Column& c) {
        return old->FindColumn(c.name) != nullptr;
      });
      auto rank = [&](const schema::Column& c) {
        return std::find_if(old->columns.begin(), old->columns.end(),
                            [&](const schema::Column& o) { return o.name == c.name; }) -
               old->columns.begin();
      };
      const auto kept = std::find_if(t.columns.begin(), t.columns.end(), [&](const auto& c) {
        return old->FindColumn(c.name) == nullptr;
      });
      std::stable_sort(
          t.columns.begin(), kept,
          [&](const schema::Column& x, const schema::Column& y) { return rank(x) < rank(y); });
    }
  }
  return reached;
}

// `migrate diff` from a cached state of the directory, with the desired state in place on the dev
// database (see DiffDir). Returns true with `out` complete when in sync or when the new files are
// written and verified, and sets `*entry` to the state the directory now replays to. Returns
// false, with nothing written, where the files cannot be verified from the desired side or do not
// verify: the caller then replays the directory.
bool DiffFromCache(Conn& dev, Dir& dir, const DiffDirOptions& options, const schema::Realm& cached,
                   const schema::Realm& desired, bool transactional, DevTimings& dev_t,
                   DiffDirResult& out, std::optional<schema::Realm>* entry) {
  const dialect::DialectImpl& dialect = dialect::Get(dev.dialect());
  DiffDirResult result;
  AddUnsupportedWarning(desired, result);
  const std::vector<NewVersion> versions =
      PlanNewVersions(dev, dir.format(), cached, desired, options, result);
  auto keep_timings = [&] {
    out.timings.diff += result.timings.diff;
    out.timings.write += result.timings.write;
  };
  if (versions.empty()) {
    keep_timings();
    result.timings = out.timings;
    out = std::move(result);
    return true;
  }
  // One version whose parts all run inside a transaction, with a down part that undoes it all:
  // otherwise the replay verifies it.
  const Plan& plan = versions.front().plan;
  if (versions.size() != 1 || !plan.irreversible.empty() || AnyNoTx(plan.statements) ||
      AnyNoTx(plan.reverse)) {
    keep_timings();
    return false;
  }
  NewFiles files(dir);
  files.Write(versions, options, result);
  bool verified = false;
  schema::Realm reached;
  try {
    const Migration& added = FindVersion(dir, result.version);
    if (!added.down_file.empty() && !added.no_tx && !added.down_no_tx) {
      Verifier verifier(dev, dir, dev_t);
      verifier.Run(added, /*down=*/true, transactional);
      auto same = [&](const schema::Realm& a, const schema::Realm& b) {
        Timer timer(&result.timings.diff);
        return SameState(dialect, a, b);
      };
      if (same(verifier.Reached(), cached)) {
        verifier.Run(added, /*down=*/false, transactional);
        reached = verifier.Reached();
        verified = same(reached, desired);
      }
    }
  } catch (const Error&) {
    // The replay gives the verdict, and the message, on the real directory.
  }
  keep_timings();
  if (!verified) {
    files.Undo(result);
    return false;
  }
  *entry = InReplayColumnOrder(std::move(reached), cached);
  result.timings = out.timings;
  out = std::move(result);
  return true;
}

}  // namespace

DiffDirResult DiffDir(Conn& dev, Dir& dir, const DiffDirOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  DiffDirResult result;
  DiffDirTimings& t = result.timings;
  DevTimings dev_t;

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
  auto finish = [&] {
    t.load = dev_t.load;
    t.replay = dev_t.replay;
    t.inspect = dev_t.inspect;
    t.total =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };

  // The cache serves PostgreSQL: replaying a directory on SQLite is cheap, and its table rebuilds
  // follow column orders that a hit, verified from the desired side, does not reproduce.
  const bool cache_on = !options.cache_dir.empty() && dev.dialect() == Dialect::kPostgres;
  std::string server;
  std::optional<schema::Realm> cached;
  std::optional<ReplayCacheEntry> old_entry;
  if (cache_on) {
    Timer timer(&t.cache);
    result.cache = "miss";
    server = ServerVersion(dev);
    old_entry.emplace(options.cache_dir, server, dev, dir);
    std::string warning;
    cached = old_entry->Read(&warning);
    if (!warning.empty()) result.warnings.push_back(std::move(warning));
  }
  auto write_entry = [&](const schema::Realm& state) {
    Timer timer(&t.cache);
    const ReplayCacheEntry entry(options.cache_dir, server, dev, dir);
    if (std::string warning = entry.Write(state); !warning.empty()) {
      result.warnings.push_back(std::move(warning));
    }
  };

  // The desired state first: normalizing it needs the dev database clean, and leaves it so. With
  // a cached state of the directory, the new files are verified on top of it while it is there.
  bool hit = false;
  std::optional<schema::Realm> new_entry;
  const schema::Realm desired =
      LoadState(options.to, &dev, &dev_t, [&](const schema::Realm& state, bool transactional) {
        if (!cached) return;
        DiffDirResult from_cache;
        from_cache.timings = t;
        hit = DiffFromCache(dev, dir, options, *cached, state, transactional, dev_t, from_cache,
                            &new_entry);
        std::vector<std::string> cache_warnings = std::move(result.warnings);
        from_cache.cache = result.cache;
        result = std::move(from_cache);
        if (hit) {
          result.cache = "hit";
          result.warnings.insert(result.warnings.begin(), cache_warnings.begin(),
                                 cache_warnings.end());
        } else {
          // Only the time spent is kept: the replay below starts the result afresh.
          DiffDirTimings spent = result.timings;
          result = DiffDirResult{};
          result.timings = spent;
          result.cache = "miss";
          result.warnings = std::move(cache_warnings);
        }
      });
  if (hit) {
    if (new_entry) write_entry(*new_entry);
    finish();
    return result;
  }
  AddUnsupportedWarning(desired, result);

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
  if (cache_on && old_entry->usable() && (!cached || !(*cached == current))) {
    write_entry(current);
  }
  const std::vector<NewVersion> versions =
      PlanNewVersions(dev, dir.format(), current, desired, options, result);
  if (versions.empty()) {
    scope->End();
    finish();
    return result;
  }

  const dialect::DialectImpl& dialect = dialect::Get(dev.dialect());
  NewFiles new_files(dir);
  // Verification. Any failure removes the new files and puts strata.sum back.
  auto undo = [&] {
    scope.reset();
    new_files.Undo(result);
  };
  new_files.Write(versions, options, result);

  std::string failure;
  schema::Realm reached_last;
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
    Verifier verifier(dev, dir, dev_t);
    auto differences = [&](const schema::Realm& expected, schema::Realm* reached_out) {
      schema::Realm reached = verifier.Reached();
      Timer timer(&t.diff);
      std::vector<Change> left = Diff(reached, expected, dialect.diff_options());
      if (reached_out != nullptr) *reached_out = std::move(reached);
      return left;
    };
    for (size_t i = 0; i < added.size() && failure.empty(); ++i) {
      verifier.Run(*added[i], /*down=*/false, nested);
      const bool last = i + 1 == added.size();
      const std::vector<Change> left = differences(versions[i].to, last ? &reached_last : nullptr);
      if (!left.empty()) {
        failure = fmt::format(
            "replaying {} on the dev database does not reach the {}; still to change:{}\n{}",
            added[i]->up_file, last ? "desired state" : "state it is for", DescribeAll(left),
            kPlannerBug);
      }
    }
    // The down parts, last first, each back to the state before its version, as far as they can
    // undo their version.
    for (size_t i = added.size(); i-- > 0 && failure.empty();) {
      if (added[i]->down_file.empty() || !versions[i].plan.irreversible.empty()) break;
      verifier.Run(*added[i], /*down=*/true, nested);
      const std::vector<Change> back = differences(i == 0 ? current : versions[i - 1].to, nullptr);
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
  if (cache_on) write_entry(reached_last);
  finish();
  return result;
}

schema::Realm ReplayDir(Conn& dev, const Dir& dir, std::chrono::milliseconds lock_timeout) {
  DevLock lock(dev, lock_timeout);
  return LoadDir(dev, dir);
}

}  // namespace strata::migrate
