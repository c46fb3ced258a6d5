// Driving the real `strata` binary from tests (see cli.hpp).
#include "support/cli.hpp"

#include <unistd.h>

#include "support/databases.hpp"

namespace strata::testing {

CliResult Strata(const std::string& args) {
  CliResult r;
  r.status = RunCommand(std::string(STRATA_CLI) + " " + args + " </dev/null", &r.output);
  return r;
}

std::string Q(const std::string& s) { return "'" + s + "'"; }

pid_t Spawn(const std::string& command) {
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

}  // namespace strata::testing
