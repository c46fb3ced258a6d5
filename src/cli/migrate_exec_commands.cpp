// `strata migrate apply | down | status | set`: the commands that run a migration directory
// against a database (the directory side, diff/new/hash/validate, is in migrate_dir_commands.cpp).
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "cli/dir_flags.hpp"
#include "strata/error.hpp"
#include "strata/migrate/executor.hpp"

namespace strata::cli {
namespace {

using nlohmann::json;

// Flags every command of this file takes.
struct DbFlags {
  std::string url;
  DirFlags dir;
  std::string log = "text";
};

void AddDbFlags(CLI::App& cmd, DbFlags& flags) {
  cmd.add_option("-u,--url", flags.url, "Database URL to migrate");
  AddDirFlags(cmd, flags.dir);
  AddLogFlag(cmd, flags.log);
}

// How a run waits for, and takes, the migration lock (apply, down and set).
struct LockFlags {
  std::string timeout = "60s";
  std::string strategy;  // empty: strata.toml's, else advisory
};

void AddLockFlags(CLI::App& cmd, LockFlags& flags) {
  cmd.add_option("--lock-timeout", flags.timeout,
                 "How long to wait for another migration run (e.g. 500ms, 60s, 2m)")
      ->capture_default_str();
  cmd.add_option("--lock-strategy", flags.strategy,
                 "PostgreSQL: advisory (default: session locks, shared with golang-migrate) or "
                 "table (a row in strata_schema_lock, for PgBouncer transaction pooling)")
      ->check(CLI::IsMember({"advisory", "table"}));
}

// --lock-strategy, else [env.X.migration] lock, else advisory.
migrate::LockStrategy StrategyOf(Context& ctx, const LockFlags& lock) {
  const std::string& from_env = ctx.Env().migration_lock;
  return migrate::ParseLockStrategy(!lock.strategy.empty() ? lock.strategy
                                    : !from_env.empty()    ? from_env
                                                           : "advisory");
}

// Connects to the target. PostgreSQL sessions are named "strata", so that a run waiting for the
// migration lock can say who holds it.
std::unique_ptr<Conn> ConnectTarget(Context& ctx, const DbFlags& flags) {
  Url url = Url::Parse(Required(flags.url, ctx.Env().url, "--url"));
  if (url.dialect == Dialect::kPostgres) url.params.try_emplace("application_name", "strata");
  return Connect(url);
}

// "60s", "500ms", "2m", "1h"; a bare number is seconds.
std::chrono::milliseconds ParseDuration(const std::string& text) {
  size_t end = 0;
  double value = 0;
  try {
    value = std::stod(text, &end);
  } catch (const std::exception&) {
    end = 0;
  }
  const std::string unit = text.substr(end);
  const double scale = unit == "ms"                  ? 1
                       : unit == "s" || unit.empty() ? 1e3
                       : unit == "m"                 ? 6e4
                       : unit == "h"                 ? 3.6e6
                                                     : -1;
  // At most a week: "inf", "nan" and "1e300h" are not durations (and would overflow the cast).
  constexpr double kMaxMs = 7 * 24 * 3.6e6;
  if (end == 0 || scale < 0 || !std::isfinite(value) || value < 0 || value * scale > kMaxMs) {
    throw UsageError(fmt::format(
        "--lock-timeout {}: give a duration such as 500ms, 60s or 2m (at most a week)", text));
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(value * scale));
}

std::string Plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string VersionText(const std::string& v) { return v.empty() ? "none" : v; }

json FileJson(const migrate::FileReport& f) {
  json j = {{"version", f.version}, {"description", f.description},
            {"file", f.file},       {"statements", f.statements},
            {"skipped", f.skipped}, {"ms", f.ms},
            {"no_tx", f.no_tx}};
  if (!f.sql.empty()) j["sql"] = f.sql;
  return j;
}

std::string Line(const migrate::FileReport& f, std::string_view verb) {
  std::string extra;
  if (f.skipped > 0) extra += fmt::format(", resumed after {} already applied", f.skipped);
  if (f.no_tx) extra += ", no transaction";
  return fmt::format("  {} {} (version {}): {} in {:.1f} ms{}", verb, f.file, f.version,
                     Plural(f.statements, "statement"), f.ms, extra);
}

void PrintDryRun(const migrate::FileReport& f) {
  fmt::print("-- version {} ({}): {}{}\n", f.version, f.file, Plural(f.statements, "statement"),
             f.skipped > 0 ? fmt::format(", after {} already applied", f.skipped) : "");
  for (const std::string& sql : f.sql) fmt::print("{};\n", sql);
}

// Shared by apply and down: completes `options` (ApplyOptions or DownOptions) from the flags, with
// text output prints each file as it runs (`verb`: "applied", "reverted"), and runs `execute`
// (migrate::Apply or migrate::Down) on the checked directory.
template <typename Options, typename Execute>
auto RunFiles(Context& ctx, const DbFlags& flags, bool dry_run, const LockFlags& lock,
              std::string_view verb, Options options, Execute execute) {
  options.dry_run = dry_run;
  options.lock_timeout = ParseDuration(lock.timeout);
  options.lock_strategy = StrategyOf(ctx, lock);
  if (flags.log != "json") {
    options.progress = [dry_run, verb](const migrate::FileReport& f) {
      if (dry_run) {
        PrintDryRun(f);
      } else {
        fmt::print("{}\n", Line(f, verb));
      }
      std::fflush(stdout);
    };
  }
  const migrate::Dir dir = OpenDir(ctx, flags.dir);
  dir.VerifySum();
  auto conn = ConnectTarget(ctx, flags);
  return execute(*conn, dir, options);
}

// The --log json object of apply and down: what both report of a run (ApplyResult, DownResult).
template <typename Result>
json RunJson(std::string_view command, bool dry_run, const Result& result) {
  json files = json::array();
  for (const auto& f : result.files) files.push_back(FileJson(f));
  return {{"command", command},
          {"dry_run", dry_run},
          {"from", result.from_version},
          {"to", result.to_version},
          {"files", files}};
}

void AddApply(CLI::App& migrate, Context& ctx) {
  struct Opts {
    DbFlags db;
    int limit = 0;
    std::string tx_mode = "file", baseline;
    LockFlags lock;
    bool dry_run = false, allow_out_of_order = false;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* cmd = migrate.add_subcommand("apply", "Apply pending migration files to a database");
  cmd->add_option("n", opts->limit, "Apply at most N pending files (default: all)")
      ->check(CLI::NonNegativeNumber);
  AddDbFlags(*cmd, opts->db);
  cmd->add_option("--tx-mode", opts->tx_mode,
                  "file: a transaction per file; all: one for the run; none: no transaction")
      ->check(CLI::IsMember({"file", "all", "none"}))
      ->capture_default_str();
  cmd->add_option("--baseline", opts->baseline,
                  "On a database with objects but no history: record versions up to this one "
                  "as applied without running them");
  cmd->add_flag("--dry-run", opts->dry_run, "Print what would run; change nothing");
  cmd->add_flag("--allow-out-of-order", opts->allow_out_of_order,
                "Apply pending files numbered below the current version");
  AddLockFlags(*cmd, opts->lock);
  cmd->callback([opts, &ctx] {
    RunLogged(opts->db.log, "migrate apply", [&] {
      migrate::ApplyOptions options;
      options.limit = opts->limit;
      options.tx_mode = migrate::ParseTxMode(opts->tx_mode);
      options.baseline = opts->baseline;
      options.allow_out_of_order = opts->allow_out_of_order;
      const migrate::ApplyResult result =
          RunFiles(ctx, opts->db, opts->dry_run, opts->lock, "applied", options, migrate::Apply);
      int statements = 0;
      double ms = 0;
      for (const auto& f : result.files) {
        statements += f.statements;
        ms += f.ms;
      }
      if (opts->db.log == "json") {
        json j = RunJson("migrate apply", opts->dry_run, result);
        j["statements"] = statements;
        j["ms"] = ms;
        j["notes"] = result.notes;
        PrintJson(j);
        return;
      }
      for (const std::string& note : result.notes) fmt::print("note: {}\n", note);
      if (result.files.empty()) {
        fmt::print("No migration files to execute: the database is at version {}.\n",
                   VersionText(result.to_version));
      } else if (opts->dry_run) {
        fmt::print("Dry run: {} ({}) would be applied; nothing was changed.\n",
                   Plural(result.files.size(), "file"), Plural(statements, "statement"));
      } else {
        fmt::print("Applied {} ({}) in {:.1f} ms; the database is at version {} (was {}).\n",
                   Plural(result.files.size(), "file"), Plural(statements, "statement"), ms,
                   VersionText(result.to_version), VersionText(result.from_version));
      }
    });
  });
}

void AddDown(CLI::App& migrate, Context& ctx) {
  struct Opts {
    DbFlags db;
    int count = 1;
    LockFlags lock;
    bool dry_run = false;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* cmd = migrate.add_subcommand(
      "down", "Revert the last N applied versions with their down files (default 1)");
  cmd->add_option("n", opts->count, "How many applied versions to revert")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  AddDbFlags(*cmd, opts->db);
  cmd->add_flag("--dry-run", opts->dry_run, "Print what would run; change nothing");
  AddLockFlags(*cmd, opts->lock);
  cmd->callback([opts, &ctx] {
    RunLogged(opts->db.log, "migrate down", [&] {
      migrate::DownOptions options;
      options.count = opts->count;
      const migrate::DownResult result =
          RunFiles(ctx, opts->db, opts->dry_run, opts->lock, "reverted", options, migrate::Down);
      if (opts->db.log == "json") {
        PrintJson(RunJson("migrate down", opts->dry_run, result));
        return;
      }
      if (opts->dry_run) {
        fmt::print("Dry run: {} would be reverted; nothing was changed.\n",
                   Plural(result.files.size(), "version"));
      } else {
        fmt::print("Reverted {}; the database is at version {} (was {}).\n",
                   Plural(result.files.size(), "version"), VersionText(result.to_version),
                   VersionText(result.from_version));
      }
    });
  });
}

void AddStatus(CLI::App& migrate, Context& ctx) {
  auto opts = std::make_shared<DbFlags>();
  CLI::App* cmd = migrate.add_subcommand(
      "status", "Show the current and next version, pending files and anything that needs care");
  AddDbFlags(*cmd, *opts);
  cmd->callback([opts, &ctx] {
    RunLogged(opts->log, "migrate status", [&] {
      const migrate::Dir dir = OpenDir(ctx, opts->dir);
      std::string sum_problem;
      try {
        dir.VerifySum();
      } catch (const ChecksumError& e) {
        sum_problem = e.what();
      }
      auto conn = ConnectTarget(ctx, *opts);
      const migrate::StatusReport report = migrate::Status(*conn, dir);
      if (opts->log == "json") {
        json problems = json::array();
        for (const auto& p : report.problems) {
          problems.push_back({{"version", p.version}, {"message", p.message}});
        }
        PrintJson({{"command", "migrate status"},
                   {"state", report.State()},
                   {"current", report.current},
                   {"next", report.next},
                   {"executed", report.executed},
                   {"pending", report.pending},
                   {"pending_versions", report.pending_versions},
                   {"notes", report.notes},
                   {"problems", problems},
                   {"sum_error", sum_problem}});
        return;
      }
      fmt::print("{}", report.Describe());
      if (!sum_problem.empty()) {
        fmt::print("{} the directory does not match strata.sum, so apply and down refuse it: {}\n",
                   Styled(stdout, "warning:", Style::kWarning), sum_problem);
      }
    });
  });
}

void AddSet(CLI::App& migrate, Context& ctx) {
  struct Opts {
    DbFlags db;
    std::string version;
    LockFlags lock;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* cmd = migrate.add_subcommand(
      "set",
      "Repair the tracking tables: record VERSION and everything before it as applied, later "
      "versions as pending (\"none\": nothing applied); runs no migration");
  cmd->add_option("version", opts->version, "Version the database is at, or none")->required();
  AddDbFlags(*cmd, opts->db);
  AddLockFlags(*cmd, opts->lock);
  cmd->callback([opts, &ctx] {
    RunLogged(opts->db.log, "migrate set", [&] {
      const migrate::Dir dir = OpenDir(ctx, opts->db.dir);
      auto conn = ConnectTarget(ctx, opts->db);
      const migrate::SetResult result =
          migrate::SetVersion(*conn, dir, opts->version, StrategyOf(ctx, opts->lock),
                              ParseDuration(opts->lock.timeout));
      if (opts->db.log == "json") {
        PrintJson({{"command", "migrate set"},
                   {"from", result.from_version},
                   {"to", result.to_version},
                   {"marked_applied", result.marked_applied},
                   {"marked_pending", result.marked_pending},
                   {"forgotten", result.forgotten}});
        return;
      }
      auto list = [](const std::vector<std::string>& versions) {
        std::string out;
        for (const auto& v : versions) out += (out.empty() ? "" : ", ") + v;
        return out;
      };
      if (!result.marked_applied.empty()) {
        fmt::print("recorded as applied (not run): {}\n", list(result.marked_applied));
      }
      if (!result.marked_pending.empty()) {
        fmt::print("recorded as pending: {}\n", list(result.marked_pending));
      }
      if (!result.forgotten.empty()) {
        fmt::print("records removed for versions with no file: {}\n", list(result.forgotten));
      }
      fmt::print("The database is recorded at version {} (was {}).\n",
                 VersionText(result.to_version), VersionText(result.from_version));
    });
  });
}

}  // namespace

void AddMigrateExecCommands(CLI::App& migrate, Context& ctx) {
  AddApply(migrate, ctx);
  AddDown(migrate, ctx);
  AddStatus(migrate, ctx);
  AddSet(migrate, ctx);
}

}  // namespace strata::cli
