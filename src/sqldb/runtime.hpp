// What the run time's parts share (database.cpp, embedded.cpp, testing.cpp): the internals of a
// declared Database, loading its migrations, and migrating one connection.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sqldb/project.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/sqldb.hpp"

namespace strata::sqldb {

struct Database::Impl {
  std::string name;
  DatabaseConfig config;
  SourceLocation where;
  // config.migrations made absolute at declaration (see DatabaseConfig::migrations); empty for
  // none.
  std::filesystem::path migrations;
  // A declaration error (bad name, conflicting declarations), thrown as InputError by every use.
  std::string error;

  std::mutex mutex;  // guards what follows
  bool opened = false;
  OpenReport report;
  DB db;
  std::string conn_string;

  // "file.cpp:12", for messages.
  std::string Where() const;
  // Throws `error` when the declaration was refused. Call with `mutex` held.
  void RequireDeclared() const;
};

// Reaches a Database's internals (a friend of Database).
struct Access {
  static Database::Impl& Of(Database& db) { return *db.impl_; }
};

// The project of the working directory (FindProject), if any.
std::optional<Project> CurrentProject();

// The migrations of `db`: the files embedded for its name, else its folder (DatabaseConfig, or
// [databases.NAME] migrations when the code names none), with strata.sum verified; nullopt when
// it has none. Throws InputError naming the declaration when the folder is missing.
std::optional<migrate::Dir> LoadMigrations(const Database::Impl& db, const Project* project);

// Applies `dir`'s pending migrations on `conn`: one statement when nothing is pending
// (migrate::UpToDate), else migrate::Apply under the migration lock. Fills the report's versions,
// applied files, notes and round trips.
void Migrate(Conn& conn, const migrate::Dir& dir, const DatabaseConfig& config, OpenReport& report);

// The files strata_embed_migrations embedded for `database` (names and contents), nullopt when
// none were.
std::optional<std::vector<std::pair<std::string, std::string>>> EmbeddedFiles(
    std::string_view database);

// Rethrows the exception in flight with `prefix` before its message, as the same kind of error.
[[noreturn]] void RethrowWithPrefix(const std::string& prefix);

}  // namespace strata::sqldb
