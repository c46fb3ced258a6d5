// A project's databases in development, as `strata db` handles them: made ready for a client
// (the cluster started, the database created), and reset (dropped, recreated and migrated).
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "sqldb/project.hpp"
#include "strata/migrate/executor.hpp"

namespace strata::sqldb {

// "run", "shadow", "test".
std::string_view KindName(DbKind kind);

// The settings of `name` in `project`; throws InputError listing the declared databases when
// there is none.
const DatabaseSettings& Declared(const Project& project, std::string_view name);

struct Provisioned {
  Resolved where;                // url filled in
  bool cluster_started = false;  // the development cluster was not running and was started
  bool created = false;          // the database did not exist and was created (PostgreSQL)
};

// Makes database `name` of `kind` reachable at `where.url`: a development cluster database gets
// the cluster up and the database created (empty) when missing; a default SQLite file gets its
// folder. Databases elsewhere are only resolved. Nothing is migrated.
Provisioned Provision(const Project& project, std::string_view name, DbKind kind);

struct ResetResult {
  Resolved where;
  bool cluster_started = false;
  bool migrated = false;  // the kind is run or test and the database has a migrations folder
  migrate::ApplyResult applied;
};

// Drops and recreates database `name` of `kind`, then (run and test kinds) applies its
// migrations folder with migrate::Apply, after checking its strata.sum; `progress` is called
// per file. Refuses databases strata does not keep: an unmanaged one, or a run database that
// lives at an explicit URL (STRATA_DB_<NAME>_URL or url in strata.toml).
ResetResult Reset(const Project& project, std::string_view name, DbKind kind,
                  const migrate::ProgressFn& progress = {});

}  // namespace strata::sqldb
