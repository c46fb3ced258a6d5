// `strata migrate`: versioned migrations. The subcommands live in migrate_dir_commands.cpp and
// migrate_exec_commands.cpp.
#include "cli/cli.hpp"

namespace strata::cli {

void AddMigrateCommands(CLI::App& app, Context& ctx) {
  CLI::App* migrate = app.add_subcommand("migrate", "Write, check and apply versioned migrations");
  migrate->require_subcommand(1);
  AddMigrateDirCommands(*migrate, ctx);
  AddMigrateExecCommands(*migrate, ctx);
}

}  // namespace strata::cli
