// `strata new` and `strata describe`: entity schemas as C++ code.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "cli/cli.hpp"
#include "ent/gen/client.hpp"
#include "ent/gen/describe.hpp"
#include "ent/gen/scaffold.hpp"
#include "ent/graph/graph.hpp"
#include "ent/load/load.hpp"

namespace strata::cli {
namespace {

bool IsIdentifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

}  // namespace

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

  struct GenerateFlags {
    std::string dir;
    std::string target;
    std::string ns = "ent";
  };
  auto gen = std::make_shared<GenerateFlags>();
  CLI::App* generate = app.add_subcommand(
      "generate",
      "Write the typed client of a schema folder (client.hpp and a file pair per entity)");
  generate->add_option("dir", gen->dir, "Schema folder (e.g. ent/schema)")->required();
  generate->add_option("--target", gen->target,
                       "Folder to write into (default: the schema folder's parent)");
  generate->add_option("--namespace", gen->ns, "C++ namespace of the generated code")
      ->capture_default_str();
  generate->callback([gen] {
    namespace fs = std::filesystem;
    if (!IsIdentifier(gen->ns)) {
      throw InputError(fmt::format(
          "--namespace {:?}: a C++ identifier is needed (letters, digits and _, not starting "
          "with a digit)",
          gen->ns));
    }
    fs::path target = gen->target;
    if (target.empty()) {
      fs::path dir = fs::absolute(gen->dir).lexically_normal();
      if (!dir.has_filename()) dir = dir.parent_path();
      target = dir.parent_path();
    }
    ent::GenerateOptions options;
    options.ns = gen->ns;
    auto files = ent::GenerateClient(ent::BuildGraph(ent::LoadSchemas(gen->dir)), options);
    if (!ent::FormatGenerated(files)) {
      fmt::print(stderr,
                 "note: clang-format not found: the files are written unformatted (install "
                 "clang-format or set STRATA_CLANG_FORMAT)\n");
    }
    const std::vector<std::string> changed = ent::WriteGenerated(target, files);
    fmt::print("{}: {} files, {} written or removed\n", target.string(), files.size(),
               changed.size());
  });
}

}  // namespace strata::cli
