// Shared pieces of the `strata` command: global options, output helpers, command registration.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "cli/config.hpp"
#include "strata/driver.hpp"
#include "strata/schema.hpp"

namespace strata::cli {

struct Context {
  std::string env_name;
  std::string config_path = "strata.toml";
  // The selected environment, or an empty one when --env was not given.
  const EnvConfig& Env();

 private:
  std::optional<EnvConfig> env_;
};

// Returns `flag` if set, else the environment's value, else throws a usage error naming the flag.
std::string Required(const std::string& flag, const std::string& from_env, const char* name);

// Asks the user to confirm on a terminal. Without a terminal it never prompts: it throws InputError
// telling the user to pass `approve_flag`.
void Confirm(const std::string& question, const char* approve_flag);

// Terminal styles. Styled() returns `text` unchanged unless `stream` is a terminal and NO_COLOR is
// not set, so files, pipes and CI logs get plain text.
enum class Style { kError, kWarning, kComment, kBold };
std::string Styled(std::FILE* stream, std::string_view text, Style style);

// "warning: <message>" on stderr.
void PrintWarning(std::string_view message);

// Prints, on stderr, the objects `realm` holds that strata does not model.
void WarnUnsupported(const schema::Realm& realm, std::string_view where);

// --log text|json. With json a command prints one JSON object on stdout (warnings stay on stderr).
void AddLogFlag(CLI::App& cmd, std::string& log);
void PrintJson(const nlohmann::json& j);

// Runs `body`; with --log json a failure is also printed as {"command", "error"} on stdout before
// it propagates (exit code 1, message on stderr).
template <typename Fn>
void RunLogged(const std::string& log, std::string_view command, Fn body) {
  if (log != "json") return body();
  try {
    body();
  } catch (const std::exception& e) {
    PrintJson({{"command", command}, {"error", e.what()}});
    throw;
  }
}

void AddSchemaCommands(CLI::App& app, Context& ctx);
// `strata migrate …`: the directory commands (diff, new, hash, validate) and the database commands
// (apply, down, status, set) register on the same `migrate` subcommand.
void AddMigrateCommands(CLI::App& app, Context& ctx);
void AddMigrateDirCommands(CLI::App& migrate, Context& ctx);
void AddMigrateExecCommands(CLI::App& migrate, Context& ctx);
// `strata new`, `strata describe`: entity schemas.
void AddEntCommands(CLI::App& app, Context& ctx);
// `strata db …`: the project's development databases (db_commands.cpp).
void AddDbCommands(CLI::App& app, Context& ctx);

// Thrown for usage errors detected after parsing (exit code 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace strata::cli
