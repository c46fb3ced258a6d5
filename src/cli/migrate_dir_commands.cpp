// `strata migrate diff | new | hash | validate`: the commands that write and check a migration
// directory (the database side, apply/down/status/set, is in migrate_exec_commands.cpp).
#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "cli/cli.hpp"
#include "cli/dir_flags.hpp"
#include "strata/error.hpp"
#include "strata/migrate/diff_dir.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/migrate/state.hpp"

namespace strata::cli {

void AddDirFlags(CLI::App& cmd, DirFlags& flags) {
  cmd.add_option("--dir", flags.dir,
                 "Migration directory, file://PATH (default: file://migrations)");
  cmd.add_option("--dir-format", flags.format,
                 "golang-migrate (default), atlas, goose, flyway or dbmate");
}

std::filesystem::path DirPath(Context& ctx, const DirFlags& flags) {
  std::string dir = flags.dir.empty() ? ctx.Env().migration_dir : flags.dir;
  if (dir.empty()) dir = "migrations";
  if (dir.starts_with("file://")) dir.erase(0, 7);
  return dir;
}

migrate::DirFormat DirFormatOf(Context& ctx, const DirFlags& flags) {
  const std::string& name = flags.format.empty() ? ctx.Env().migration_format : flags.format;
  return name.empty() ? migrate::DirFormat::kGolangMigrate : migrate::ParseDirFormat(name);
}

migrate::Dir OpenDir(Context& ctx, const DirFlags& flags, bool create) {
  const std::filesystem::path path = DirPath(ctx, flags);
  const migrate::DirFormat format = DirFormatOf(ctx, flags);
  if (create) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) throw InputError(fmt::format("cannot create {}: {}", path.string(), ec.message()));
  }
  return migrate::Dir::Open(path, format);
}

namespace {

std::string Plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

void PrintWritten(const migrate::Dir& dir, const std::vector<std::string>& files) {
  for (const std::string& f : files) fmt::print("{}\n", (dir.path() / f).string());
}

}  // namespace

void AddMigrateDirCommands(CLI::App& migrate, Context& ctx) {
  // migrate diff
  {
    struct Opts {
      std::string name, to, dev, log = "text";
      std::optional<std::string> indent;
      bool seq = false;
      bool no_cache = false;
      DirFlags dir;
    };
    auto opts = std::make_shared<Opts>();
    CLI::App* cmd = migrate.add_subcommand(
        "diff", "Write a new migration that takes the directory to the desired state");
    cmd->add_option("name", opts->name, "Name of the new migration (default: migration)");
    cmd->add_option("--to", opts->to,
                    "Desired state: file://schema.sql, ent://DIR, a database URL or file://DIR");
    cmd->add_option("--dev-url", opts->dev, "Clean dev database to replay and normalize on");
    AddDirFlags(*cmd, opts->dir);
    cmd->add_option("--indent", opts->indent,
                    "Indentation for multi-line CREATE TABLE (default: one line each)");
    cmd->add_flag("--seq", opts->seq, "Version with the next sequence number, not a timestamp");
    cmd->add_flag("--no-cache", opts->no_cache,
                  "Replay the directory even when the replay cache holds its state");
    AddLogFlag(*cmd, opts->log);
    cmd->callback([opts, &ctx] {
      RunLogged(opts->log, "migrate diff", [&] {
        const EnvConfig& env = ctx.Env();
        migrate::DiffDirOptions options;
        options.to = Required(opts->to, env.src, "--to");
        std::string dev_url = Required(opts->dev, env.dev, "--dev-url");
        migrate::AlignScopes({&options.to, &dev_url});
        if (!opts->name.empty()) options.name = opts->name;
        options.sequence = opts->seq;
        options.indent = opts->indent ? *opts->indent : env.indent.value_or("");
        if (!opts->no_cache) options.cache_dir = migrate::DefaultCacheDir();
        migrate::Dir dir = OpenDir(ctx, opts->dir, /*create=*/true);
        auto dev = Connect(dev_url);
        const migrate::DiffDirResult result = migrate::DiffDir(*dev, dir, options);
        const auto& t = result.timings;
        if (opts->log == "json") {
          nlohmann::json files = nlohmann::json::array();
          for (const std::string& f : result.files) files.push_back((dir.path() / f).string());
          PrintJson({{"command", "migrate diff"},
                     {"in_sync", result.in_sync()},
                     {"version", result.version},
                     {"versions", result.versions},
                     {"files", files},
                     {"irreversible", result.irreversible},
                     {"warnings", result.warnings},
                     {"cache", result.cache},
                     {"ms",
                      {{"total", t.total},
                       {"load", t.load},
                       {"replay", t.replay},
                       {"inspect", t.inspect},
                       {"diff", t.diff},
                       {"write", t.write},
                       {"cache", t.cache}}}});
          return;
        }
        for (const std::string& w : result.warnings) PrintWarning(w);
        if (result.in_sync()) {
          fmt::print("Migration directory is in sync with the desired state, no changes.\n");
          return;
        }
        PrintWritten(dir, result.files);
        fmt::print(
            "Verified on the dev database in {:.1f} ms (load {:.1f}, replay {:.1f}, inspect "
            "{:.1f}, diff {:.1f}, write {:.1f}; replay cache {}).\n",
            t.total, t.load, t.replay, t.inspect, t.diff, t.write, result.cache);
      });
    });
  }

  // migrate new
  {
    struct Opts {
      std::string name;
      bool seq = false;
      DirFlags dir;
    };
    auto opts = std::make_shared<Opts>();
    CLI::App* cmd = migrate.add_subcommand("new", "Write an empty migration to fill in by hand");
    cmd->add_option("name", opts->name, "Name of the new migration")->required();
    AddDirFlags(*cmd, opts->dir);
    cmd->add_flag("--seq", opts->seq, "Version with the next sequence number, not a timestamp");
    cmd->callback([opts, &ctx] {
      migrate::Dir dir = OpenDir(ctx, opts->dir, /*create=*/true);
      dir.VerifySum();
      PrintWritten(dir, dir.Write(dir.NextVersion(opts->seq), opts->name, "", ""));
    });
  }

  // migrate hash
  {
    auto flags = std::make_shared<DirFlags>();
    CLI::App* cmd = migrate.add_subcommand(
        "hash", "Rewrite strata.sum after migration files were edited on purpose");
    AddDirFlags(*cmd, *flags);
    cmd->callback([flags, &ctx] {
      const migrate::Dir dir = OpenDir(ctx, *flags);
      dir.WriteSum();
      fmt::print("{} written ({}).\n", (dir.path() / migrate::kSumFileName).string(),
                 Plural(dir.Files().size(), "file"));
    });
  }

  // migrate validate
  {
    struct Opts {
      std::string dev;
      DirFlags dir;
    };
    auto opts = std::make_shared<Opts>();
    CLI::App* cmd = migrate.add_subcommand(
        "validate", "Check file names and strata.sum; with --dev-url, replay every migration");
    AddDirFlags(*cmd, opts->dir);
    cmd->add_option("--dev-url", opts->dev, "Clean dev database to replay the directory on");
    cmd->callback([opts, &ctx] {
      const migrate::Dir dir = OpenDir(ctx, opts->dir);
      dir.VerifySum();
      fmt::print("{}: {} in {} format, {} matches.\n", dir.path().string(),
                 Plural(dir.migrations().size(), "migration"), DirFormatName(dir.format()),
                 migrate::kSumFileName);
      const std::string dev_url = opts->dev.empty() ? ctx.Env().dev : opts->dev;
      if (dev_url.empty()) return;
      auto dev = Connect(dev_url);
      const auto start = std::chrono::steady_clock::now();
      const schema::Realm realm = migrate::ReplayDir(*dev, dir);
      size_t tables = 0;
      for (const auto& s : realm.schemas) tables += s.tables.size();
      fmt::print("Replayed on the dev database in {:.1f} ms: {}.\n",
                 std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count(),
                 Plural(tables, "table"));
    });
  }
}

}  // namespace strata::cli
