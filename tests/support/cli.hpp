// Driving the real `strata` binary from tests, as a user or a deployment script runs it.
#pragma once

#include <sys/types.h>

#include <string>

namespace strata::testing {

struct CliResult {
  int status;          // exit code
  std::string output;  // stdout and stderr together
};

// Runs `strata <args>` through the shell with no stdin (a prompt fails instead of waiting).
CliResult Strata(const std::string& args);

// `s` single-quoted for the shell; `s` must hold no single quote.
std::string Q(const std::string& s);

// Starts `command` in the background (exec'd by sh, so the pid is the command's own).
pid_t Spawn(const std::string& command);

}  // namespace strata::testing
