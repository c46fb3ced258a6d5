// strata migrate subcommands (being written).
#include "cli/cli.hpp"

namespace strata::cli {

void AddMigrateExecCommands(CLI::App&, Context&) {}

}  // namespace strata::cli
