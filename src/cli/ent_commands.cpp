// `strata new` and `strata describe`: entity schemas as C++ code.
#include <fmt/format.h>

#include "cli/cli.hpp"
#include "ent/gen/scaffold.hpp"

namespace strata::cli {

void AddEntCommands(CLI::App& app, Context&) {
  struct NewOptions {
    std::string target = "ent/schema";
    std::vector<std::string> names;
  };
  auto new_opts = std::make_shared<NewOptions>();
  CLI::App* create = app.add_subcommand(
      "new", "Write a schema file per new entity type (User → DIR/user.cpp) to fill in");
  create->add_option("--target", new_opts->target, "Schema folder to write into")
      ->capture_default_str();
  create
      ->add_option("names", new_opts->names,
                   "Type names: an upper-case letter, then letters "
                   "and digits (User, PetOwner)")
      ->required();
  create->callback([new_opts] {
    for (const auto& path : ent::NewSchemaFiles(new_opts->target, new_opts->names)) {
      fmt::print("{}\n", path.string());
    }
  });
}

}  // namespace strata::cli
