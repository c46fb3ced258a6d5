// Running the compiler and the schema program with argument vectors (no shell: paths may hold
// spaces and quotes), their output going to files in the build folder.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include "ent/load/internal.hpp"
#include "strata/error.hpp"

extern char** environ;

namespace strata::ent::load {

namespace {

// Frees the file actions however Spawn leaves.
struct FileActions {
  FileActions() { posix_spawn_file_actions_init(&actions); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions); }
  posix_spawn_file_actions_t actions;
};

}  // namespace

pid_t Spawn(const std::vector<std::string>& argv, const std::filesystem::path& stdout_path,
            const std::filesystem::path& stderr_path, const std::vector<std::string>& env) {
  FileActions fa;
  const int flags = O_WRONLY | O_CREAT | O_TRUNC;
  posix_spawn_file_actions_addopen(&fa.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa.actions, 1, stdout_path.c_str(), flags, 0644);
  if (stderr_path == stdout_path) {
    posix_spawn_file_actions_adddup2(&fa.actions, 1, 2);
  } else {
    posix_spawn_file_actions_addopen(&fa.actions, 2, stderr_path.c_str(), flags, 0644);
  }
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // strata's environment, with the variables `env` names replaced.
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view var(*e);
    bool replaced = false;
    for (const std::string& o : env) {
      const size_t eq = o.find('=');
      if (var.substr(0, eq + 1) == std::string_view(o).substr(0, eq + 1)) replaced = true;
    }
    if (!replaced) envp.push_back(*e);
  }
  for (const std::string& o : env) envp.push_back(const_cast<char*>(o.c_str()));
  envp.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &fa.actions, nullptr, args.data(), envp.data());
  if (rc != 0) throw Error("cannot run " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

ExitStatus Wait(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(std::string("waitpid failed: ") + std::strerror(errno));
  }
  if (WIFSIGNALED(status)) return {0, WTERMSIG(status)};
  return {WEXITSTATUS(status), 0};
}

std::string Describe(const ExitStatus& status) {
  if (status.signal != 0) {
    return "signal " + std::to_string(status.signal) + " (" + strsignal(status.signal) + ")";
  }
  return "exit code " + std::to_string(status.code);
}

}  // namespace strata::ent::load
