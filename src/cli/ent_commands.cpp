// `strata new` and `strata describe`: entity schemas as C++ code.
#include <fmt/format.h>

#include "cli/cli.hpp"
#include "ent/gen/describe.hpp"
#include "ent/gen/scaffold.hpp"
#include "ent/graph/graph.hpp"
#include "ent/load/load.hpp"

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

  auto dir = std::make_shared<std::string>();
  CLI::App* describe = app.add_subcommand(
      "describe", "Print each entity of a schema folder: fields, edges, indexes and tables");
  describe->add_option("dir", *dir, "Schema folder (e.g. ent/schema)")->required();
  describe->callback(
      [dir] { fmt::print("{}", ent::DescribeGraph(ent::BuildGraph(ent::LoadSchemas(*dir)))); });
}

}  // namespace strata::cli
