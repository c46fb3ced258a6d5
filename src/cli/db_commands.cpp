// `strata db up | down | status | reset | conn-uri | shell`: the project's development databases
// (docs/db.md). The work is done in src/sqldb; this file parses flags and prints.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/cli.hpp"
#include "sqldb/cluster.hpp"
#include "sqldb/dev_databases.hpp"
#include "sqldb/project.hpp"
#include "strata/error.hpp"

namespace strata::cli {
namespace {

namespace fs = std::filesystem;
using sqldb::DbKind;

// The project: --config when given, else $STRATA_CONFIG or the nearest strata.toml above the
// current folder.
sqldb::Project LoadProject(const CLI::App& app, const Context& ctx) {
  if (app.get_option("--config")->count() > 0) return sqldb::LoadProject(ctx.config_path);
  std::optional<sqldb::Project> project = sqldb::FindProject(fs::current_path());
  if (!project) {
    throw InputError(fmt::format(
        "no strata.toml in {} or any folder above it: strata db works on a project's "
        "databases; write a strata.toml with a [databases.NAME] table (see docs/db.md), or pass "
        "--config PATH",
        fs::current_path().string()));
  }
  return *std::move(project);
}

// The paragraph under a command's --help.
void Explain(CLI::App* cmd, const std::string& text) { cmd->footer(text + "\n"); }

// --shadow / --test.
struct KindFlags {
  bool shadow = false;
  bool test = false;
  DbKind kind() const { return shadow ? DbKind::kShadow : test ? DbKind::kTest : DbKind::kRun; }
};

void AddKindFlags(CLI::App& cmd, KindFlags& flags) {
  CLI::Option* shadow = cmd.add_flag(
      "--shadow", flags.shadow, "The shadow database: an empty one, for --dev-url of migrate diff");
  CLI::Option* test =
      cmd.add_flag("--test", flags.test, "The test template: what testing::NewTestDatabase copies");
  shadow->excludes(test);
}

// With no NAME: the database whose migrations folder holds the current folder.
std::string DefaultName(const sqldb::Project& project) {
  if (const sqldb::DatabaseSettings* found = project.ContainingMigrations(fs::current_path())) {
    std::string sharing;
    for (const auto& s : project.databases) {
      if (s.name != found->name && project.MigrationsDir(s) == project.MigrationsDir(*found)) {
        sharing += ", " + s.name;
      }
    }
    if (sharing.empty()) return found->name;
    throw UsageError(fmt::format("{} is the migrations folder of {}{}: name the database",
                                 project.MigrationsDir(*found).string(), found->name, sharing));
  }
  std::string known;
  for (const auto& s : project.databases) known += (known.empty() ? "" : ", ") + s.name;
  throw UsageError(fmt::format(
      "name a database ({}declared in {}), or run this from inside its migrations folder",
      known.empty() ? "none is " : known + " are ", project.config.string()));
}

// "database user_shadow in the development cluster", "file .strata/sqlite/user.db", …
std::string Where(const sqldb::Resolved& r) {
  if (r.dev_cluster) return fmt::format("database {} in the development cluster", r.cluster_db);
  if (!r.sqlite_file.empty()) return fmt::format("file {}", r.sqlite_file.string());
  return fmt::format("{} ({})", Url::Parse(r.url).Redacted(), r.source);
}

void PrintStarted(const sqldb::ClusterStatus& st) {
  fmt::print(stderr, "Started the development cluster: PostgreSQL {} on 127.0.0.1:{}\n", st.version,
             st.port);
}

void PrintCluster(const sqldb::ClusterStatus& st, const fs::path& state_dir) {
  if (!st.initialised) {
    fmt::print("Development cluster: none yet ({} is made by `strata db up`)\n",
               st.data_dir.string());
    return;
  }
  if (st.running) {
    fmt::print("Development cluster: running, PostgreSQL {}, pid {}, as user {}\n", st.version,
               st.pid, st.os_user);
  } else {
    fmt::print("Development cluster: stopped (PostgreSQL {}; `strata db up` starts it)\n",
               st.version);
  }
  fmt::print("  data       {}\n", st.data_dir.string());
  fmt::print("  address    127.0.0.1:{}{}\n", st.port, st.running ? "" : " (when last started)");
  fmt::print("  sockets    {}\n", st.socket_dir.string());
  fmt::print("  log        {}\n", st.log_file.string());
  fmt::print("  superuser  {}, password in {} (mode 0600)\n", st.superuser,
             (state_dir / "postgres.password").string());
  if (st.running) {
    sqldb::DevCluster cluster(state_dir);
    fmt::print("  url        {}\n", Url::Parse(cluster.Url("postgres")).Redacted());
  }
}

// One database of one kind as status reports it.
struct KindState {
  std::string where;  // Where(), or the error that resolving it gave
  std::string url;    // masked; empty when unknown
  std::string source;
  std::optional<bool> exists;  // unknown for servers strata does not look at
};

KindState StateOf(const sqldb::Project& project, const sqldb::ClusterStatus& st,
                  const std::string& name, DbKind kind) {
  KindState k;
  try {
    const sqldb::Resolved r = sqldb::Resolve(&project, name, kind, project.root);
    k.where = Where(r);
    k.source = r.source;
    if (!r.url.empty()) k.url = Url::Parse(r.url).Redacted();
    std::error_code ec;
    if (r.dev_cluster && st.running) {
      k.exists =
          std::find(st.databases.begin(), st.databases.end(), r.cluster_db) != st.databases.end();
    } else if (!r.sqlite_file.empty()) {
      k.exists = fs::exists(r.sqlite_file, ec);
    }
  } catch (const InputError& e) {
    k.where = e.what();
  }
  return k;
}

constexpr DbKind kKinds[] = {DbKind::kRun, DbKind::kShadow, DbKind::kTest};

void PrintDatabases(const sqldb::Project& project, const sqldb::ClusterStatus& st) {
  if (project.databases.empty()) {
    fmt::print("Databases: none declared in {}\n", project.config.string());
    return;
  }
  fmt::print("Databases ({}):\n", project.config.string());
  for (const sqldb::DatabaseSettings& s : project.databases) {
    fmt::print("  {} ({}{})\n", s.name, s.dialect, s.managed ? "" : ", not managed by strata");
    for (DbKind kind : kKinds) {
      const KindState k = StateOf(project, st, s.name, kind);
      fmt::print("    {:<7}{}{}\n", sqldb::KindName(kind), k.where,
                 !k.exists   ? ""
                 : *k.exists ? ": exists"
                             : ": not created yet");
    }
  }
}

nlohmann::json StatusJson(const sqldb::Project& project, const sqldb::ClusterStatus& st) {
  nlohmann::json cluster = {{"initialised", st.initialised},
                            {"running", st.running},
                            {"version", st.version},
                            {"pid", st.pid},
                            {"port", st.port},
                            {"os_user", st.os_user},
                            {"data_dir", st.data_dir.string()},
                            {"socket_dir", st.socket_dir.string()},
                            {"log_file", st.log_file.string()}};
  if (st.running) {
    cluster["url"] = Url::Parse(sqldb::DevCluster(project.StateDir()).Url("postgres")).Redacted();
  }
  nlohmann::json databases = nlohmann::json::array();
  for (const sqldb::DatabaseSettings& s : project.databases) {
    nlohmann::json kinds = nlohmann::json::object();
    for (DbKind kind : kKinds) {
      const KindState k = StateOf(project, st, s.name, kind);
      kinds[std::string(sqldb::KindName(kind))] = {
          {"where", k.where},
          {"url", k.url},
          {"source", k.source},
          {"exists", k.exists ? nlohmann::json(*k.exists) : nlohmann::json()}};
    }
    databases.push_back({{"name", s.name},
                         {"dialect", s.dialect},
                         {"managed", s.managed},
                         {"migrations", project.MigrationsDir(s).string()},
                         {"kinds", kinds}});
  }
  return {{"command", "db status"},
          {"config", project.config.string()},
          {"cluster", cluster},
          {"databases", databases}};
}

}  // namespace

void AddDbCommands(CLI::App& app, Context& ctx) {
  CLI::App* db = app.add_subcommand(
      "db",
      "Development databases: a local PostgreSQL cluster, SQLite files, shadow and test "
      "databases");
  db->require_subcommand(1);

  CLI::App* up = db->add_subcommand(
      "up", "Start the project's PostgreSQL development cluster (initdb on first use)");
  Explain(
      up,
      "Data under .strata/postgres, a free loopback port (kept across restarts while free), a "
      "generated superuser password in .strata/postgres.password (mode 0600). As root, the server "
      "runs as the postgres system user (or $STRATA_PG_USER). Binaries: $STRATA_PG_BINDIR, else "
      "the highest /usr/lib/postgresql/N/bin. Running up again changes nothing.");
  up->callback([&app, &ctx] {
    const sqldb::Project project = LoadProject(app, ctx);
    sqldb::DevCluster cluster(project.StateDir());
    const sqldb::ClusterStatus st = cluster.Up();
    fmt::print("Development cluster {}: PostgreSQL {} on 127.0.0.1:{} (pid {}, as user {})\n",
               st.created   ? "created and started"
               : st.started ? "started"
                            : "already running",
               st.version, st.port, st.pid, st.os_user);
    fmt::print("  data {}\n", st.data_dir.string());
  });

  CLI::App* down = db->add_subcommand("down", "Stop the development cluster (its data is kept)");
  Explain(down,
          "Waits until no process of the server is left. Stopping a stopped cluster is not an "
          "error.");
  down->callback([&app, &ctx] {
    const sqldb::Project project = LoadProject(app, ctx);
    sqldb::DevCluster cluster(project.StateDir());
    const sqldb::ClusterStatus before = cluster.Status();
    if (!before.running) {
      fmt::print("Development cluster: not running\n");
      return;
    }
    cluster.Down();
    fmt::print("Development cluster stopped (pid {})\n", before.pid);
  });

  CLI::App* status = db->add_subcommand(
      "status", "Where the development cluster is, whether it runs, and the project's databases");
  Explain(status, "The password is never printed (conn-uri prints a URL that carries it).");
  auto status_log = std::make_shared<std::string>("text");
  AddLogFlag(*status, *status_log);
  status->callback([&app, &ctx, status_log] {
    RunLogged(*status_log, "db status", [&] {
      const sqldb::Project project = LoadProject(app, ctx);
      const sqldb::ClusterStatus st = sqldb::DevCluster(project.StateDir()).Status();
      if (*status_log == "json") {
        PrintJson(StatusJson(project, st));
        return;
      }
      PrintCluster(st, project.StateDir());
      PrintDatabases(project, st);
    });
  });

  struct ResetOpts {
    std::vector<std::string> names;
    bool all = false;
    KindFlags kind;
  };
  auto reset_opts = std::make_shared<ResetOpts>();
  CLI::App* reset = db->add_subcommand(
      "reset", "Drop and recreate databases; run and test databases are migrated again");
  reset->add_option("names", reset_opts->names,
                    "Databases of strata.toml (default: the one whose migrations folder holds "
                    "the current folder)");
  reset->add_flag("--all", reset_opts->all, "Every database of strata.toml")->excludes("names");
  AddKindFlags(*reset, reset_opts->kind);
  Explain(reset,
          "Only databases strata keeps: the development cluster's, the SQLite files under .strata, "
          "and shadow and test databases. A shadow database stays empty.");
  reset->callback([&app, &ctx, reset_opts] {
    const sqldb::Project project = LoadProject(app, ctx);
    std::vector<std::string> names = reset_opts->names;
    if (reset_opts->all) {
      for (const auto& s : project.databases) names.push_back(s.name);
      if (names.empty()) {
        throw InputError(fmt::format("{} declares no databases", project.config.string()));
      }
    }
    if (names.empty()) names.push_back(DefaultName(project));
    const DbKind kind = reset_opts->kind.kind();
    for (const std::string& name : names) {
      const sqldb::ResetResult r =
          sqldb::Reset(project, name, kind, [](const migrate::FileReport& f) {
            fmt::print("  applied {} (version {}): {} statement{} in {:.1f} ms\n", f.file,
                       f.version, f.statements, f.statements == 1 ? "" : "s", f.ms);
          });
      std::string migrated;
      if (r.migrated) {
        migrated = fmt::format(", migrated to version {}",
                               r.applied.to_version.empty() ? "none" : r.applied.to_version);
      }
      fmt::print("Reset {} ({} database, {}){}\n", name, sqldb::KindName(kind), Where(r.where),
                 migrated);
    }
  });

  struct UriOpts {
    std::string name;
    KindFlags kind;
  };
  auto uri_opts = std::make_shared<UriOpts>();
  CLI::App* uri = db->add_subcommand(
      "conn-uri", "Print a database's URL (psql and libpq accept it; strata too, for SQLite)");
  uri->add_option("name", uri_opts->name,
                  "Database of strata.toml (default: the one whose migrations folder holds the "
                  "current folder)");
  AddKindFlags(*uri, uri_opts->kind);
  Explain(uri,
          "The URL carries the cluster's password: use it in scripts, do not paste it in logs. "
          "A development cluster database is created (empty) when missing, and the cluster started "
          "when it is not running.");
  uri->callback([&app, &ctx, uri_opts] {
    const sqldb::Project project = LoadProject(app, ctx);
    const std::string name = uri_opts->name.empty() ? DefaultName(project) : uri_opts->name;
    const sqldb::Provisioned p = sqldb::Provision(project, name, uri_opts->kind.kind());
    if (p.cluster_started) PrintStarted(sqldb::DevCluster(p.where.state_dir).Status());
    fmt::print("{}\n", p.where.url);
  });

  auto shell_opts = std::make_shared<UriOpts>();
  CLI::App* shell =
      db->add_subcommand("shell", "Open psql (PostgreSQL) or sqlite3 (SQLite) on a database");
  shell->add_option("name", shell_opts->name,
                    "Database of strata.toml (default: the one whose migrations folder holds the "
                    "current folder)");
  AddKindFlags(*shell, shell_opts->kind);
  Explain(shell, "The password reaches psql through PGPASSWORD, not its command line.");
  shell->callback([&app, &ctx, shell_opts] {
    const sqldb::Project project = LoadProject(app, ctx);
    const std::string name = shell_opts->name.empty() ? DefaultName(project) : shell_opts->name;
    const sqldb::Provisioned p = sqldb::Provision(project, name, shell_opts->kind.kind());
    if (p.cluster_started) PrintStarted(sqldb::DevCluster(p.where.state_dir).Status());
    Url url = Url::Parse(p.where.url);
    std::vector<std::string> argv;
    if (url.dialect == Dialect::kPostgres) {
      if (!url.password.empty()) setenv("PGPASSWORD", url.password.c_str(), 1);
      url.password.clear();
      argv = {"psql", url.ToString()};
    } else {
      argv = {"sqlite3", url.database};
    }
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    std::fflush(stdout);
    execvp(args[0], args.data());
    throw InputError(fmt::format(
        "cannot run {}: {} (install it: apt-get install {})", argv[0], std::strerror(errno),
        url.dialect == Dialect::kPostgres ? "postgresql-client" : "sqlite3"));
  });
}

}  // namespace strata::cli
