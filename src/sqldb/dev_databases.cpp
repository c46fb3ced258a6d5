// Development databases: provisioning and resetting what `strata db` keeps for a project.
#include "sqldb/dev_databases.hpp"

#include <fmt/format.h>

#include <system_error>

#include "sqldb/cluster.hpp"
#include "strata/error.hpp"
#include "strata/migrate/dir.hpp"

namespace strata::sqldb {
namespace {

namespace fs = std::filesystem;

// Removes a SQLite database file and the files SQLite keeps beside it.
void RemoveSqliteFile(const fs::path& file) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::error_code ec;
    fs::remove(file.string() + suffix, ec);
    if (ec) {
      throw Error(fmt::format("cannot remove {}{}: {}", file.string(), suffix, ec.message()));
    }
  }
}

// The folder of a default SQLite file, inside .strata.
void MakeSqliteFolder(const Resolved& where) {
  PrepareStateDir(where.state_dir);
  std::error_code ec;
  fs::create_directories(where.sqlite_file.parent_path(), ec);
  if (ec) {
    throw Error(fmt::format("cannot create {}: {}", where.sqlite_file.parent_path().string(),
                            ec.message()));
  }
}

}  // namespace

std::string_view KindName(DbKind kind) {
  return kind == DbKind::kShadow ? "shadow" : kind == DbKind::kTest ? "test" : "run";
}

const DatabaseSettings& Declared(const Project& project, std::string_view name) {
  CheckDatabaseName(name);
  if (const DatabaseSettings* s = project.Find(name)) return *s;
  std::string known;
  for (const DatabaseSettings& s : project.databases) known += (known.empty() ? "" : ", ") + s.name;
  throw InputError(fmt::format(
      "{} declares no database \"{}\"{}: add a [databases.{}] table (docs/db.md)",
      project.config.string(), name, known.empty() ? "" : " (it declares: " + known + ")", name));
}

Provisioned Provision(const Project& project, std::string_view name, DbKind kind) {
  Declared(project, name);
  Provisioned p;
  p.where = Resolve(&project, name, kind, project.root);
  if (p.where.dev_cluster) {
    DevCluster cluster(p.where.state_dir);
    p.cluster_started = cluster.Up().started;
    p.created = cluster.EnsureDatabase(p.where.cluster_db);
    p.where.url = cluster.Url(p.where.cluster_db);
  } else if (!p.where.sqlite_file.empty()) {
    MakeSqliteFolder(p.where);
  }
  return p;
}

ResetResult Reset(const Project& project, std::string_view name, DbKind kind,
                  const migrate::ProgressFn& progress) {
  const DatabaseSettings& settings = Declared(project, name);
  ResetResult result;
  result.where = Resolve(&project, name, kind, project.root);
  const Resolved& where = result.where;
  if (!where.managed) {
    throw InputError(fmt::format(
        "database \"{}\" is externally managed (managed = false in {}): strata never drops or "
        "migrates it",
        name, project.config.string()));
  }
  if (kind == DbKind::kRun && !where.dev_cluster && where.sqlite_file.empty()) {
    throw InputError(fmt::format(
        "database \"{}\" lives at {} ({}), not in the development cluster: strata db reset "
        "drops only the databases it keeps; unset the URL to reset the local one, or reset "
        "--shadow / --test",
        name, Url::Parse(where.url).Redacted(), where.source));
  }
  // Check the directory before dropping anything: a bad strata.sum leaves the database as it was.
  std::optional<migrate::Dir> dir;
  if (kind != DbKind::kShadow && !settings.migrations.empty()) {
    dir = migrate::Dir::Open(project.MigrationsDir(settings),
                             migrate::ParseDirFormat(settings.format));
    dir->VerifySum();
  }

  std::string url = where.url;
  if (where.dev_cluster) {
    DevCluster cluster(where.state_dir);
    result.cluster_started = cluster.Up().started;
    cluster.DropDatabase(where.cluster_db);
    cluster.EnsureDatabase(where.cluster_db);
    url = cluster.Url(where.cluster_db);
  } else if (!where.sqlite_file.empty()) {
    MakeSqliteFolder(where);
    RemoveSqliteFile(where.sqlite_file);
  } else {
    const std::string database = Url::Parse(where.url).database;
    DropDatabaseOn(where.url, database);
    EnsureDatabaseOn(where.url, database);
  }
  result.where.url = url;
  if (dir) {
    migrate::ApplyOptions options;
    options.progress = progress;
    auto conn = Connect(url);
    result.applied = migrate::Apply(*conn, *dir, options);
    result.migrated = true;
  }
  return result;
}

}  // namespace strata::sqldb
