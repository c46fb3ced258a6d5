// The `strata` command: parses flags and calls the library. Exit 0 on success, 1 on error, 2 on
// usage error.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/cli.hpp"
#include "strata/ent/source.hpp"
#include "strata/error.hpp"

namespace strata::cli {

const EnvConfig& Context::Env() {
  if (!env_) env_ = env_name.empty() ? EnvConfig{} : LoadEnv(config_path, env_name);
  return *env_;
}

std::string Required(const std::string& flag, const std::string& from_env, const char* name) {
  if (!flag.empty()) return flag;
  if (!from_env.empty()) return from_env;
  throw UsageError(fmt::format("{} is required (or set it in strata.toml and pass --env)", name));
}

void Confirm(const std::string& question, const char* approve_flag) {
  if (!isatty(STDIN_FILENO)) {
    throw InputError(
        fmt::format("not applied: no terminal to ask for approval; review the plan "
                    "above and re-run with {}",
                    approve_flag));
  }
  std::cerr << question << " [y/N] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  if (answer != "y" && answer != "Y" && answer != "yes") throw InputError("aborted: not approved");
}

std::string Styled(std::FILE* stream, std::string_view text, Style style) {
  static const bool stdout_tty = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
  static const bool stderr_tty = isatty(STDERR_FILENO) && std::getenv("NO_COLOR") == nullptr;
  if (!(stream == stdout ? stdout_tty : stream == stderr ? stderr_tty : false)) {
    return std::string(text);
  }
  const char* code = style == Style::kError     ? "1;31"
                     : style == Style::kWarning ? "1;33"
                     : style == Style::kComment ? "2"
                                                : "1";
  return fmt::format("\033[{}m{}\033[0m", code, text);
}

void PrintWarning(std::string_view message) {
  fmt::print(stderr, "{} {}\n", Styled(stderr, "warning:", Style::kWarning), message);
}

void WarnUnsupported(const schema::Realm& realm, std::string_view where) {
  if (realm.unsupported.empty()) return;
  std::string list;
  for (const auto& u : realm.unsupported) {
    list += fmt::format("\n  {} {}", u.kind,
                        u.schema.empty() ? fmt::format("\"{}\"", u.name)
                                         : fmt::format("\"{}\".\"{}\"", u.schema, u.name));
  }
  PrintWarning(fmt::format("{} holds objects strata does not manage yet; they are left out:{}",
                           where, list));
}

void AddLogFlag(CLI::App& cmd, std::string& log) {
  cmd.add_option("--log", log, "Output: text, or json for one machine-readable object")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
}

void PrintJson(const nlohmann::json& j) { fmt::print("{}\n", j.dump(2)); }

}  // namespace strata::cli

int main(int argc, char** argv) {
  using namespace strata::cli;
  CLI::App app{"strata: schema management for C++ services (PostgreSQL and SQLite)", "strata"};
  app.set_version_flag("--version", "strata " STRATA_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  Context ctx;
  app.add_option("--env", ctx.env_name, "Environment from strata.toml that supplies defaults");
  app.add_option("--config", ctx.config_path, "Path of strata.toml")->capture_default_str();
  AddSchemaCommands(app, ctx);
  AddMigrateCommands(app, ctx);
  AddEntCommands(app, ctx);
  AddDbCommands(app, ctx);
  strata::ent::RegisterSources();
  if (argc == 1) {  // bare `strata`: the commands, one line each
    fmt::print(stderr, "{}", app.help());
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const UsageError& e) {
    fmt::print(stderr, "{} {}\nRun with --help for usage.\n",
               Styled(stderr, "Error:", Style::kError), e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "{} {}\n", Styled(stderr, "Error:", Style::kError), e.what());
    return 1;
  }
  return 0;
}
