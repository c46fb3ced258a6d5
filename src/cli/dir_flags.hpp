// The --dir and --dir-format flags every `strata migrate` subcommand takes, with strata.toml
// defaults ([env.X.migration] dir, format).
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "cli/cli.hpp"
#include "strata/migrate/dir.hpp"

namespace strata::cli {

struct DirFlags {
  std::string dir;     // "file://migrations" or a plain path; relative to the current directory
  std::string format;  // a DirFormatName
};

void AddDirFlags(CLI::App& cmd, DirFlags& flags);

// The directory's path: the flag, else the environment's, else "migrations"; file:// removed.
std::filesystem::path DirPath(Context& ctx, const DirFlags& flags);

// The directory's format: the flag, else the environment's, else golang-migrate.
migrate::DirFormat DirFormatOf(Context& ctx, const DirFlags& flags);

// Opens the directory (see migrate::Dir::Open); with `create`, makes it first when missing.
migrate::Dir OpenDir(Context& ctx, const DirFlags& flags, bool create = false);

}  // namespace strata::cli
