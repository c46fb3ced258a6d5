// Migration directories written on the fly for the executor tests, and small queries to check
// what a run left in a database.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "strata/driver.hpp"
#include "strata/migrate/dir.hpp"

namespace strata::testing {

using Files = std::vector<std::pair<std::string, std::string>>;  // file name, content

// Writes `files` into `dir` (created if missing), then strata.sum over the whole folder, and
// returns the directory as strata reads it.
migrate::Dir WriteMigrations(const std::filesystem::path& dir, const Files& files,
                             migrate::DirFormat format = migrate::DirFormat::kGolangMigrate);

// Removes a file of `dir`, rewrites strata.sum, and returns the directory as it is now.
migrate::Dir RemoveMigrationFile(const std::filesystem::path& dir, const std::string& name,
                                 migrate::DirFormat format = migrate::DirFormat::kGolangMigrate);

// The first column of the first row of `sql`, "" when there is no row or it is NULL.
std::string QueryValue(Conn& conn, const std::string& sql);

bool TableExists(Conn& conn, const std::string& table);

}  // namespace strata::testing
