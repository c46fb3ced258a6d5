// A project's databases: strata.toml's [databases.NAME] tables, where the project's state folder
// (.strata/) is, and how a database's connection settings are resolved. Shared by the sqldb run
// time and the `strata db` commands.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/driver.hpp"

namespace strata::sqldb {

// One [databases.NAME] table.
struct DatabaseSettings {
  std::string name;
  std::string dialect = "sqlite";  // "postgres" or "sqlite" (the embedded default)
  std::string migrations;          // folder, relative to the strata.toml's folder ("" = none)
  std::string format = "golang-migrate";  // the migrations folder's format (as --dir-format)
  std::string url;      // explicit URL; empty = development cluster / default file
  bool managed = true;  // false: connected to, never created or migrated
  int line = 0;         // line of the [databases.NAME] header in strata.toml
};

struct Project {
  std::filesystem::path root;    // the folder holding strata.toml
  std::filesystem::path config;  // strata.toml itself
  std::vector<DatabaseSettings> databases;

  const DatabaseSettings* Find(std::string_view name) const;
  // root / settings.migrations, or empty when the database has no migrations folder.
  std::filesystem::path MigrationsDir(const DatabaseSettings& settings) const;
  // root/.strata: development cluster, SQLite files.
  std::filesystem::path StateDir() const { return root / ".strata"; }
  // The database whose migrations folder contains `dir` (for commands run with no NAME).
  const DatabaseSettings* ContainingMigrations(const std::filesystem::path& dir) const;
};

// Reads strata.toml at `config`. Only [databases.*] is read here ([env.*] belongs to the command
// line). Throws InputError naming the file, line and key for a syntax error, an unknown key, a
// value of the wrong type, a bad name or dialect, a url whose dialect contradicts `dialect`, or
// two databases whose cluster names collide ("user_shadow" next to "user").
Project LoadProject(const std::filesystem::path& config);
// $STRATA_CONFIG when set, else the nearest strata.toml in `start` or above it; nullopt if none.
std::optional<Project> FindProject(const std::filesystem::path& start);

// Lower snake_case, 1..63 characters, and not one of PostgreSQL's own databases (postgres,
// template0, template1). Throws InputError naming the name and the rule.
void CheckDatabaseName(std::string_view name);

// The three kinds of database strata keeps per name in development (as Encore does).
enum class DbKind { kRun, kShadow, kTest };

// Where database `name` of kind `kind` lives, in this order: $STRATA_DB_<NAME>_URL (kRun only;
// NAME upper-cased), the url of [databases.NAME], the development cluster (dialect postgres),
// a file under .strata/sqlite/ (dialect sqlite, or no settings at all).
// Shadow and test databases: on PostgreSQL, beside the run database when that has an explicit,
// managed URL (same server, ClusterDatabaseName's name), else in the development cluster; on
// SQLite, always a file under .strata/sqlite/.
struct Resolved {
  std::string url;  // credentials included; mask before printing. Empty for a
                    // development cluster database before the first `strata db up`
                    // (then DevCluster::Up() and Url(cluster_db) give it).
  Dialect dialect = Dialect::kSqlite;
  bool managed = true;
  bool dev_cluster = false;           // lives in the project's development cluster
  std::string cluster_db;             // its database name there (dev_cluster only)
  std::string source;                 // "STRATA_DB_USER_URL", "strata.toml [databases.user]",
                                      // "development cluster", "default SQLite file"
  std::filesystem::path sqlite_file;  // the file of a default SQLite database (else empty)
  std::filesystem::path state_dir;    // the .strata folder the database belongs to
};
// `project` may be null (no strata.toml): then the environment variable or a SQLite file under
// `fallback_state_dir`/.strata is used. Does not connect.
Resolved Resolve(const Project* project, std::string_view name, DbKind kind,
                 const std::filesystem::path& fallback_state_dir);

// The name a database of `kind` has inside the development cluster: "user", "user_shadow",
// "user_test" (the test template); shortened with a hash suffix where that would pass 63 bytes.
std::string ClusterDatabaseName(std::string_view name, DbKind kind);

}  // namespace strata::sqldb
