// strata migrate subcommands (being written).
#include "cli/cli.hpp"

namespace strata::cli {

void AddMigrateDirCommands(CLI::App&, Context&) {}

}  // namespace strata::cli
