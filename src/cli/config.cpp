// Reading environments from strata.toml.
#include "cli/config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <filesystem>

#include "migrate/file_io.hpp"
#include "strata/error.hpp"

namespace strata::cli {

EnvConfig LoadEnv(const std::string& path, const std::string& name) {
  if (!std::filesystem::exists(path)) {
    throw InputError(
        fmt::format("--env {}: {} does not exist (run strata from the folder that holds "
                    "strata.toml, or pass --config PATH)",
                    name, path));
  }
  return ParseEnv(migrate::ReadFile(path), path, name);
}

EnvConfig ParseEnv(std::string_view content, const std::string& path, const std::string& name) {
  toml::table root;
  try {
    root = toml::parse(content, path);
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                 e.source().begin.column, e.description()));
  }
  const toml::table* env = root["env"][name].as_table();
  if (env == nullptr) {
    std::string known;
    if (const toml::table* envs = root["env"].as_table()) {
      for (const auto& [key, value] : *envs)
        known += (known.empty() ? "" : ", ") + std::string(key);
    }
    throw InputError(fmt::format("{} has no [env.{}] section{}", path, name,
                                 known.empty() ? "" : " (it defines: " + known + ")"));
  }
  auto text = [&](toml::node_view<const toml::node> node, const char* key) {
    if (!node) return std::string();
    if (!node.is_string()) {
      throw InputError(fmt::format("{}: [env.{}] {} must be a string", path, name, key));
    }
    return std::string(*node.value<std::string>());
  };
  EnvConfig config;
  config.name = name;
  config.src = text((*env)["src"], "src");
  config.url = text((*env)["url"], "url");
  config.dev = text((*env)["dev"], "dev");
  config.migration_dir = text((*env)["migration"]["dir"], "migration.dir");
  config.migration_format = text((*env)["migration"]["format"], "migration.format");
  config.migration_lock = text((*env)["migration"]["lock"], "migration.lock");
  if (!config.migration_lock.empty() && config.migration_lock != "advisory" &&
      config.migration_lock != "table") {
    throw InputError(
        fmt::format("{}: [env.{}.migration] lock must be \"advisory\" or \"table\"", path, name));
  }
  if (auto indent = (*env)["format"]["indent"]) config.indent = text(indent, "format.indent");
  return config;
}

}  // namespace strata::cli
