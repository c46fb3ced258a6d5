// The development cluster: initdb, pg_ctl start and stop as the right operating-system user, the
// state files under .strata, and database creation on a server.
#include "sqldb/cluster.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>
#include <thread>

#include "migrate/file_io.hpp"
#include "strata/driver.hpp"
#include "strata/error.hpp"

namespace strata::sqldb {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSuperuser = "postgres";
// Where a root-run cluster lives when its server user cannot reach the project's .strata.
constexpr const char* kRelocatedRoot = "/var/lib/strata/clusters";
// PostgreSQL refuses socket folders whose socket path would pass sockaddr_un's 108 bytes
// ("/.s.PGSQL.65535.lock" takes 20 of them).
constexpr size_t kMaxSocketDir = 80;

// What postgres.toml records. No secret: the password has a file of its own.
struct State {
  fs::path cluster_dir;  // holds data/, server.log and (usually) socket/
  fs::path socket_dir;
  fs::path bindir;
  std::string os_user;
  int port = 0;

  fs::path data_dir() const { return cluster_dir / "data"; }
  fs::path log_file() const { return cluster_dir / "server.log"; }
};

// The operating-system user the server runs as. `switch_to` is set when strata runs as root and
// drops to this user for initdb and pg_ctl; the groups are looked up before any fork.
struct OsUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
  bool switch_to = false;
};

std::string SystemError(int err) { return std::error_code(err, std::generic_category()).message(); }

// The user named `name`, or with id `uid` when `name` is empty (getpw*_r: a service may start
// clusters from several threads); nullopt when there is none.
std::optional<OsUser> FindUser(const std::string& name, uid_t uid = 0) {
  struct passwd entry;
  struct passwd* found = nullptr;
  std::vector<char> buffer(16384);
  const int err = name.empty()
                      ? getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found)
                      : getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (err != 0 || found == nullptr) return std::nullopt;
  OsUser user;
  user.name = entry.pw_name;
  user.uid = entry.pw_uid;
  user.gid = entry.pw_gid;
  int count = 16;
  user.groups.resize(count);
  while (getgrouplist(entry.pw_name, entry.pw_gid, user.groups.data(), &count) < 0) {
    user.groups.resize(count);
  }
  user.groups.resize(count);
  user.switch_to = geteuid() == 0 && user.uid != 0;
  return user;
}

// Who runs the server: the current user; as root, the user of an existing cluster, else
// $STRATA_PG_USER, else the `postgres` system user.
OsUser ServerUser(const std::string& recorded) {
  if (geteuid() != 0) {
    OsUser me = FindUser("", geteuid()).value_or(OsUser{});
    me.uid = geteuid();
    me.gid = getegid();
    me.switch_to = false;
    if (me.name.empty()) me.name = std::to_string(me.uid);
    if (!recorded.empty() && recorded != me.name) {
      throw InputError(fmt::format(
          "the development cluster runs as user \"{}\", and you are \"{}\": run strata db as "
          "\"{}\" (or as root)",
          recorded, me.name, recorded));
    }
    return me;
  }
  std::string name = recorded;
  if (name.empty()) {
    const char* env = std::getenv("STRATA_PG_USER");
    name = env != nullptr && *env != '\0' ? env : "postgres";
  }
  const std::optional<OsUser> user = FindUser(name);
  if (!user) {
    throw InputError(fmt::format(
        "PostgreSQL refuses to run as root, and there is no user \"{}\" to run it as: install "
        "the postgresql package (it creates the postgres user), create one with `useradd "
        "--system --home-dir /var/lib/postgresql postgres`, or set STRATA_PG_USER to an "
        "unprivileged user",
        name));
  }
  if (user->uid == 0) {
    throw InputError(fmt::format(
        "STRATA_PG_USER is \"{}\", which is root: PostgreSQL refuses to run as root; name an "
        "unprivileged user",
        name));
  }
  return *user;
}

// In a forked child: become `user` (no-op unless switching). Async-signal-safe calls only.
bool BecomeUser(const OsUser& user) {
  if (!user.switch_to) return true;
  return setgroups(user.groups.size(), user.groups.data()) == 0 && setgid(user.gid) == 0 &&
         setuid(user.uid) == 0;
}

struct RunResult {
  int status = -1;  // exit code, or -1 when the program could not run
  std::string output;
};

// Runs `argv` (argv[0] a full path) as `user` in `cwd`, with a small fixed environment, stdout
// and stderr captured together. Everything the child needs is prepared before fork, so this is
// safe in a multi-threaded program.
RunResult Run(const OsUser& user, const std::vector<std::string>& argv, const fs::path& cwd) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::string home = "HOME=" + cwd.string();
  std::vector<std::string> env_text = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", home};
  std::vector<char*> env;
  for (const std::string& e : env_text) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);
  const std::string dir = cwd.string();

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw Error("cannot create a pipe: " + SystemError(errno));
  const pid_t pid = fork();
  if (pid < 0) {
    const int err = errno;
    close(fds[0]);
    close(fds[1]);
    throw Error("cannot start " + argv[0] + ": " + SystemError(err));
  }
  if (pid == 0) {
    const int null = open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(fds[1], STDOUT_FILENO) < 0 ||
        dup2(fds[1], STDERR_FILENO) < 0 || !BecomeUser(user) || chdir(dir.c_str()) != 0) {
      _exit(127);
    }
    // The server outlives this process: it must not keep the caller's files and sockets open
    // (a service's listening socket, say), whether or not they were opened close-on-exec.
    if (close_range(STDERR_FILENO + 1, ~0U, 0) != 0) {
      for (int fd = STDERR_FILENO + 1; fd < 1024; ++fd) close(fd);
    }
    execve(args[0], args.data(), env.data());
    _exit(127);
  }
  close(fds[1]);
  RunResult result;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n > 0) {
      result.output.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Whether `user` may enter `dir` (search permission on it and every folder above it).
bool CanReach(const OsUser& user, const fs::path& dir) {
  if (!user.switch_to) return true;
  const std::string path = dir.string();
  const pid_t pid = fork();
  if (pid < 0) throw Error("cannot fork: " + SystemError(errno));
  if (pid == 0) _exit(BecomeUser(user) && access(path.c_str(), X_OK) == 0 ? 0 : 1);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void GiveTo(const OsUser& user, const fs::path& path) {
  if (user.switch_to && chown(path.c_str(), user.uid, user.gid) != 0) {
    throw Error(fmt::format("cannot hand {} to user \"{}\": {}", path.string(), user.name,
                            SystemError(errno)));
  }
}

// Creates `dir` (and its parents) if missing; the last component gets `mode`.
void MakeDir(const fs::path& dir, fs::perms mode) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) {
      throw Error(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    }
  }
  fs::permissions(dir, mode, ec);
  if (ec)
    throw Error(fmt::format("cannot set the permissions of {}: {}", dir.string(), ec.message()));
}

bool IsServerDir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "initdb", ec) && fs::is_regular_file(dir / "pg_ctl", ec) &&
         fs::is_regular_file(dir / "postgres", ec);
}

std::string ProgramOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

// The major version whose binaries are in `bindir` ("15"), from `postgres --version`.
std::string BinVersion(const fs::path& bindir) {
  OsUser me;
  const RunResult r = Run(me, {(bindir / "postgres").string(), "--version"}, "/");
  // "postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"
  const size_t at = r.output.find(") ");
  if (r.status != 0 || at == std::string::npos) return {};
  const std::string version =
      r.output.substr(at + 2, r.output.find_first_of(" \n", at + 2) - at - 2);
  return version.substr(0, version.find('.'));
}

constexpr const char* kInstallHint =
    "install them with `apt-get install postgresql` (Debian), or set STRATA_PG_BINDIR to the "
    "folder holding initdb, pg_ctl and postgres";

// The server binaries to use: $STRATA_PG_BINDIR; for an existing cluster those of its version;
// else the highest /usr/lib/postgresql/<version>/bin, else `pg_config --bindir`.
fs::path FindBinDir(const std::string& data_version) {
  if (const char* env = std::getenv("STRATA_PG_BINDIR"); env != nullptr && *env != '\0') {
    if (!IsServerDir(env)) {
      throw InputError(fmt::format(
          "STRATA_PG_BINDIR is {}, which does not hold initdb, pg_ctl and postgres: point it at "
          "the PostgreSQL server's bin folder (e.g. /usr/lib/postgresql/15/bin) or unset it",
          env));
    }
    return env;
  }
  const fs::path debian = "/usr/lib/postgresql";
  if (!data_version.empty()) {
    const fs::path dir = debian / data_version / "bin";
    if (IsServerDir(dir)) return dir;
    if (const std::string found = ProgramOnPath("pg_config"); !found.empty()) {
      OsUser me;
      const RunResult r = Run(me, {found, "--bindir"}, "/");
      const fs::path bindir(std::string(migrate::Trim(r.output)));
      if (r.status == 0 && IsServerDir(bindir) && BinVersion(bindir) == data_version) return bindir;
    }
    throw InputError(fmt::format(
        "the development cluster was made by PostgreSQL {}, whose server binaries are not "
        "installed: install them (`apt-get install postgresql-{}`), or set STRATA_PG_BINDIR",
        data_version, data_version));
  }
  int best = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(debian, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    if (IsServerDir(entry.path() / "bin")) best = std::max(best, std::stoi(name));
  }
  if (best >= 0) return debian / std::to_string(best) / "bin";
  if (const std::string found = ProgramOnPath("pg_config"); !found.empty()) {
    OsUser me;
    const RunResult r = Run(me, {found, "--bindir"}, "/");
    const fs::path bindir(std::string(migrate::Trim(r.output)));
    if (r.status == 0 && IsServerDir(bindir)) return bindir;
  }
  throw InputError(
      fmt::format("no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and "
                  "`pg_config --bindir`): {}",
                  kInstallHint));
}

// Holds an exclusive flock on .strata/postgres.lock for the lifetime of the object.
class FileLock {
 public:
  explicit FileLock(const fs::path& path) {
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(fmt::format("cannot open {}: {}", path.string(), SystemError(errno)));
    while (flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        const int err = errno;
        close(fd_);
        throw Error(fmt::format("cannot lock {}: {}", path.string(), SystemError(err)));
      }
    }
  }
  ~FileLock() { close(fd_); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

std::string NewPassword() {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::ifstream random("/dev/urandom", std::ios::binary);
  std::string password;
  while (password.size() < 32) {
    const int c = random.get();
    if (c == EOF) throw Error("cannot read /dev/urandom to make a password");
    if (c < 248) password.push_back(kAlphabet[static_cast<size_t>(c) % kAlphabet.size()]);
  }
  return password;
}

// Writes `content` to a new file of mode `mode` (created with that mode: never readable by others,
// not even for a moment), replacing any file at `path`.
void WritePrivateFile(const fs::path& path, std::string_view content, mode_t mode,
                      const OsUser* owner) {
  std::error_code ec;
  fs::remove(path, ec);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw Error(fmt::format("cannot create {}: {}", path.string(), SystemError(errno)));
  const bool ok =
      fchmod(fd, mode) == 0 &&
      write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
      (owner == nullptr || !owner->switch_to || fchown(fd, owner->uid, owner->gid) == 0);
  const int err = errno;
  close(fd);
  if (!ok) {
    fs::remove(path, ec);
    throw Error(fmt::format("cannot write {}: {}", path.string(), SystemError(err)));
  }
}

// Whether the server could listen on `port`: it sets SO_REUSEADDR, so connections of its last run
// still in TIME_WAIT do not count.
bool PortFree(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool free = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return free;
}

int AnyFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error("cannot open a socket to find a free port: " + SystemError(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  if (!ok) throw Error("cannot find a free port on 127.0.0.1: " + SystemError(errno));
  return ntohs(addr.sin_port);
}

// A live process (a zombie, which no parent reaped yet, is not).
bool Alive(int pid) {
  if (pid <= 0 || (kill(pid, 0) != 0 && errno != EPERM)) return false;
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(stat, line)) return true;
  const size_t paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] != 'Z';
}

// postmaster.pid: pid, data folder, start time, port, socket folder, listen address, shared
// memory key, status ("ready", "starting", "stopping").
struct Postmaster {
  int pid = 0;
  int port = 0;
  std::string status;
};

std::optional<Postmaster> ReadPostmaster(const fs::path& data_dir) {
  const fs::path file = data_dir / "postmaster.pid";
  struct stat info;
  if (stat(file.c_str(), &info) != 0) {
    if (errno == EACCES) {
      throw InputError(fmt::format(
          "cannot read {}: the development cluster belongs to another user; run strata db as "
          "that user or as root",
          file.string()));
    }
    return std::nullopt;
  }
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  Postmaster pm;
  try {
    pm.pid = lines.size() > 0 ? std::stoi(lines[0]) : 0;
    pm.port = lines.size() > 3 ? std::stoi(lines[3]) : 0;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  pm.status = lines.size() > 7 ? std::string(migrate::Trim(lines[7])) : "";
  if (!Alive(pm.pid)) return std::nullopt;
  return pm;
}

// The last `count` lines of `text`.
std::string Tail(const std::string& text, size_t count) {
  size_t at = text.size();
  if (at > 0 && text[at - 1] == '\n') --at;
  while (count-- > 0) {
    const size_t nl = at == 0 ? std::string::npos : text.rfind('\n', at - 1);
    if (nl == std::string::npos) return text;
    at = nl;
  }
  return text.substr(at + 1);
}

std::string ReadTail(const fs::path& file, size_t lines) {
  std::ifstream in(file);
  std::stringstream all;
  all << in.rdbuf();
  return Tail(all.str(), lines);
}

// A setting value for postgresql.conf: single-quoted, inner quotes doubled.
std::string ConfString(const std::string& value) {
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::uint64_t Fnv1a64(std::string_view text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

class Files {
 public:
  explicit Files(const fs::path& state_dir) : dir_(state_dir) {}
  fs::path state() const { return dir_ / "postgres.toml"; }
  fs::path password() const { return dir_ / "postgres.password"; }
  fs::path lock() const { return dir_ / "postgres.lock"; }
  fs::path local_cluster() const { return dir_ / "postgres"; }

 private:
  fs::path dir_;
};

std::optional<State> ReadState(const fs::path& state_dir) {
  const Files files(state_dir);
  std::error_code ec;
  if (!fs::exists(files.state(), ec)) return std::nullopt;
  toml::table t;
  try {
    t = toml::parse_file(files.state().string());
  } catch (const toml::parse_error& e) {
    throw InputError(
        fmt::format("{}:{}: {} (strata db writes this file; remove it and the "
                    "postgres folder beside it to start over)",
                    files.state().string(), e.source().begin.line, e.description()));
  }
  State s;
  s.cluster_dir = t["cluster_dir"].value_or(std::string());
  s.socket_dir = t["socket_dir"].value_or(std::string());
  s.bindir = t["bindir"].value_or(std::string());
  s.os_user = t["os_user"].value_or(std::string());
  s.port = static_cast<int>(t["port"].value_or(std::int64_t{0}));
  if (s.cluster_dir.empty()) {
    throw InputError(
        fmt::format("{} names no cluster_dir (strata db writes this file; remove "
                    "it and the postgres folder beside it to start over)",
                    files.state().string()));
  }
  return s;
}

void WriteState(const fs::path& state_dir, const State& s) {
  toml::table t{{"cluster_dir", s.cluster_dir.string()},
                {"socket_dir", s.socket_dir.string()},
                {"bindir", s.bindir.string()},
                {"os_user", s.os_user},
                {"port", s.port}};
  std::ostringstream out;
  out << "# The development cluster, as `strata db up` left it (the password is in "
         "postgres.password).\n"
      << t << "\n";
  migrate::WriteFileAtomically(Files(state_dir).state(), out.str());
}

std::string ReadPassword(const fs::path& state_dir) {
  const fs::path file = Files(state_dir).password();
  std::ifstream in(file);
  std::string password;
  if (!in || !std::getline(in, password) || password.empty()) {
    throw InputError(fmt::format(
        "cannot read the development cluster's password from {}{}: run strata db as the user "
        "who ran `strata db up`, or remove {} and postgres.toml to start over (the cluster's "
        "data is lost)",
        file.string(), errno == EACCES ? " (permission denied)" : "",
        Files(state_dir).local_cluster().string()));
  }
  return password;
}

// The folder of a new cluster: .strata/postgres, unless the server user cannot reach .strata
// (as root, a project under /root): then a folder of its own under /var/lib/strata/clusters.
fs::path ChooseClusterDir(const fs::path& state_dir, const OsUser& user) {
  if (CanReach(user, state_dir)) return Files(state_dir).local_cluster();
  const fs::path canonical = fs::weakly_canonical(state_dir);
  std::string project = canonical.parent_path().filename().string();
  for (char& c : project) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  }
  project = project.substr(0, 32);
  const fs::path dir =
      fs::path(kRelocatedRoot) / fmt::format("{}-{:016x}", project, Fnv1a64(canonical.string()));
  MakeDir(dir.parent_path().parent_path(), fs::perms(0755));
  MakeDir(dir.parent_path(), fs::perms(0755));
  return dir;
}

// initdb into `state.cluster_dir`/data with a new password; records the state.
State Init(const fs::path& state_dir, const OsUser& user) {
  State s;
  s.bindir = FindBinDir("");
  s.os_user = user.name;
  s.cluster_dir = ChooseClusterDir(state_dir, user);
  MakeDir(s.cluster_dir, fs::perms(0700));
  GiveTo(user, s.cluster_dir);
  std::error_code ec;
  fs::remove_all(s.data_dir(), ec);  // what a failed initdb left

  const std::string password = NewPassword();
  WritePrivateFile(Files(state_dir).password(), password + "\n", 0600, nullptr);
  // initdb reads the password from a file the server user can read; it is gone once initdb ends.
  const fs::path pwfile = s.cluster_dir / ".initdb-password";
  WritePrivateFile(pwfile, password + "\n", 0600, &user);
  const RunResult r = Run(user,
                          {(s.bindir / "initdb").string(), "--pgdata=" + s.data_dir().string(),
                           std::string("--username=") + kSuperuser, "--pwfile=" + pwfile.string(),
                           "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
                           "--encoding=UTF8", "--locale=C.UTF-8"},
                          s.cluster_dir);
  fs::remove(pwfile, ec);
  if (r.status != 0) {
    fs::remove_all(s.data_dir(), ec);
    throw Error(fmt::format("initdb failed in {} (as user \"{}\"):\n{}", s.data_dir().string(),
                            user.name, Tail(r.output, 15)));
  }
  // Port, sockets and addresses come from strata.conf, rewritten at every start.
  std::ofstream conf(s.data_dir() / "postgresql.conf", std::ios::app);
  conf << "\n# Written by strata db up before each start: port, socket folder, addresses.\n"
       << "include_if_exists = 'strata.conf'\n";
  if (!conf.flush()) throw Error("cannot write " + (s.data_dir() / "postgresql.conf").string());
  WriteState(state_dir, s);
  return s;
}

// Starts the server of `s` on a free loopback port (its last one when still free) and waits until
// it accepts connections.
void Start(const fs::path& state_dir, State& s, const OsUser& user) {
  std::error_code ec;
  if (s.socket_dir.empty() || !fs::is_directory(s.socket_dir, ec)) {
    const fs::path local = s.cluster_dir / "socket";
    if (local.string().size() <= kMaxSocketDir) {
      s.socket_dir = local;
      MakeDir(local, fs::perms(0700));
    } else {
      std::string pattern = "/tmp/strata-pg-XXXXXX";
      if (mkdtemp(pattern.data()) == nullptr) {
        throw Error("cannot create a socket folder in /tmp: " + SystemError(errno));
      }
      s.socket_dir = pattern;
    }
    GiveTo(user, s.socket_dir);
  }
  for (int attempt = 0;; ++attempt) {
    if (s.port == 0 || !PortFree(s.port)) s.port = AnyFreePort();
    const fs::path conf = s.data_dir() / "strata.conf";
    const std::string settings = fmt::format(
        "port = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = {}\n"
        "max_connections = 200\n",
        s.port, ConfString(s.socket_dir.string()));
    WritePrivateFile(conf, settings, 0600, &user);
    WriteState(state_dir, s);
    const RunResult r =
        Run(user,
            {(s.bindir / "pg_ctl").string(), "start", "--silent", "--wait", "--timeout=60",
             "--pgdata=" + s.data_dir().string(), "--log=" + s.log_file().string()},
            s.cluster_dir);
    if (r.status == 0) return;
    // Another program may have taken the port between the check and the start: once more.
    if (attempt == 0 && !PortFree(s.port)) {
      s.port = 0;
      continue;
    }
    throw Error(fmt::format(
        "the development cluster did not start (pg_ctl start, as user "
        "\"{}\"):\n{}\nlast lines of {}:\n{}",
        user.name, Tail(r.output, 10), s.log_file().string(), ReadTail(s.log_file(), 15)));
  }
}

// The major version a data folder was made by ("15").
std::string DataVersion(const fs::path& data_dir) {
  std::ifstream in(data_dir / "PG_VERSION");
  std::string major;
  std::getline(in, major);
  return std::string(migrate::Trim(major));
}

// The binaries that run the cluster of `s`: the recorded ones while they are of its version.
fs::path BinDirOf(const State& s) {
  const std::string major = DataVersion(s.data_dir());
  if (IsServerDir(s.bindir) && BinVersion(s.bindir) == major &&
      std::getenv("STRATA_PG_BINDIR") == nullptr) {
    return s.bindir;
  }
  return FindBinDir(major);
}

Url ServerUrl(const State& s, const std::string& password, std::string_view database) {
  Url url;
  url.dialect = Dialect::kPostgres;
  url.scheme = "postgresql";
  url.user = kSuperuser;
  url.password = password;
  url.host = "127.0.0.1";
  url.port = std::to_string(s.port);
  url.database = std::string(database);
  url.params["sslmode"] = "disable";
  return url;
}

}  // namespace

void PrepareStateDir(const fs::path& state_dir) {
  std::error_code ec;
  if (fs::is_directory(state_dir, ec)) return;
  MakeDir(state_dir, fs::perms(0755));
  // Nothing under .strata belongs in version control (it holds a password).
  try {
    migrate::WriteFileAtomically(state_dir / ".gitignore", "*\n");
  } catch (const Error&) {
    // Another process preparing the same folder at the same moment (two `db up` at once) moved
    // the shared temporary file into place first.
    if (!fs::exists(state_dir / ".gitignore", ec)) throw;
  }
}

// Absolute, since initdb and pg_ctl run in the cluster's folder.
DevCluster::DevCluster(fs::path state_dir)
    : state_dir_(fs::absolute(state_dir).lexically_normal()) {}

bool DevCluster::Configured() const {
  std::error_code ec;
  const std::optional<State> s = ReadState(state_dir_);
  return s && s->port != 0 && fs::exists(Files(state_dir_).password(), ec);
}

ClusterStatus DevCluster::Status() const {
  ClusterStatus st;
  const std::optional<State> s = ReadState(state_dir_);
  st.superuser = kSuperuser;
  if (!s) {
    st.data_dir = Files(state_dir_).local_cluster() / "data";
    return st;
  }
  st.data_dir = s->data_dir();
  st.socket_dir = s->socket_dir;
  st.log_file = s->log_file();
  st.os_user = s->os_user;
  st.port = s->port;
  std::error_code ec;
  st.initialised = fs::exists(s->data_dir() / "PG_VERSION", ec);
  if (st.initialised) st.version = DataVersion(s->data_dir());
  const std::optional<Postmaster> pm = ReadPostmaster(s->data_dir());
  if (!pm) return st;
  st.running = true;
  st.pid = pm->pid;
  st.port = pm->port;
  if (pm->status != "ready") return st;
  State live = *s;
  live.port = pm->port;
  auto conn = Connect(ServerUrl(live, ReadPassword(state_dir_), "postgres"));
  const Rows version = conn->Query("SELECT current_setting('server_version')");
  if (!version.rows.empty() && version.rows[0][0]) {
    st.version = version.rows[0][0]->substr(0, version.rows[0][0]->find(' '));
  }
  const Rows dbs = conn->Query(
      "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres' "
      "ORDER BY datname");
  for (const Row& row : dbs.rows) st.databases.push_back(row[0].value_or(""));
  return st;
}

ClusterStatus DevCluster::Up() {
  std::error_code ec;
  PrepareStateDir(state_dir_);
  const FileLock lock(Files(state_dir_).lock());
  std::optional<State> state = ReadState(state_dir_);
  bool created = false, started = false;
  if (!state && fs::exists(Files(state_dir_).local_cluster() / "data" / "PG_VERSION", ec)) {
    throw InputError(fmt::format(
        "{} holds a cluster but {} is missing: remove {} to start over (its data is lost)",
        state_dir_.string(), Files(state_dir_).state().string(),
        Files(state_dir_).local_cluster().string()));
  }
  const OsUser user = ServerUser(state ? state->os_user : "");
  if (!state || !fs::exists(state->data_dir() / "PG_VERSION", ec)) {
    state = Init(state_dir_, user);
    created = true;
  }
  ReadPassword(state_dir_);  // a cluster nobody can log in to is not up
  if (!ReadPostmaster(state->data_dir())) {
    state->bindir = BinDirOf(*state);
    Start(state_dir_, *state, user);
    started = true;
  }
  ClusterStatus st = Status();
  st.created = created;
  st.started = started;
  return st;
}

void DevCluster::Down() {
  std::error_code ec;
  if (!fs::is_directory(state_dir_, ec)) return;
  const FileLock lock(Files(state_dir_).lock());
  const std::optional<State> state = ReadState(state_dir_);
  if (!state) return;
  const std::optional<Postmaster> pm = ReadPostmaster(state->data_dir());
  if (!pm) return;
  const OsUser user = ServerUser(state->os_user);
  const fs::path bindir = BinDirOf(*state);
  std::string output;
  for (const char* mode : {"fast", "immediate"}) {
    const RunResult r =
        Run(user,
            {(bindir / "pg_ctl").string(), "stop", "--silent", "--wait", "--timeout=60",
             std::string("--mode=") + mode, "--pgdata=" + state->data_dir().string()},
            state->cluster_dir);
    output = r.output;
    // pg_ctl returns once postmaster.pid is gone; the postmaster exits right after.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (Alive(pm->pid) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!Alive(pm->pid)) return;
  }
  throw Error(fmt::format(
      "the development cluster (pid {}) did not stop:\n{}\nlast lines of {}:\n{}", pm->pid,
      Tail(output, 10), state->log_file().string(), ReadTail(state->log_file(), 15)));
}

std::string DevCluster::Url(std::string_view database) const {
  std::optional<State> s = ReadState(state_dir_);
  if (!s || s->port == 0) {
    throw InputError(fmt::format("there is no development cluster in {} yet: run `strata db up`",
                                 state_dir_.string()));
  }
  std::error_code ec;
  if (fs::exists(s->data_dir(), ec)) {
    if (const std::optional<Postmaster> pm = ReadPostmaster(s->data_dir())) s->port = pm->port;
  }
  return ServerUrl(*s, ReadPassword(state_dir_), database).ToString();
}

bool DevCluster::EnsureDatabase(std::string_view database, std::string_view template_db) {
  return EnsureDatabaseOn(Url("postgres"), database, template_db);
}

void DevCluster::DropDatabase(std::string_view database) {
  DropDatabaseOn(Url("postgres"), database);
}

bool EnsureDatabaseOn(std::string_view server_url, std::string_view database,
                      std::string_view template_db) {
  strata::Url url = strata::Url::Parse(server_url);
  url.database = "postgres";
  auto conn = Connect(url);
  const std::string create =
      "CREATE DATABASE " + QuoteIdent(database) +
      (template_db.empty() ? std::string() : " TEMPLATE " + QuoteIdent(template_db));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    const Rows found =
        conn->Query("SELECT 1 FROM pg_database WHERE datname = $1", {std::string(database)});
    if (!found.rows.empty()) return false;
    try {
      conn->Exec(create);
      return true;
    } catch (const SqlError& e) {
      // 42P04 duplicate_database; 23505 when two CREATEs race on pg_database's unique index.
      if (e.sqlstate == "42P04" || e.sqlstate == "23505") return false;
      // 55006 object_in_use: the template has other sessions; they are usually short.
      if (e.sqlstate != "55006" || std::chrono::steady_clock::now() > deadline) {
        throw Error(fmt::format("cannot create database \"{}\" on {}: {}", database, url.Redacted(),
                                e.what()));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

void DropDatabaseOn(std::string_view server_url, std::string_view database) {
  strata::Url url = strata::Url::Parse(server_url);
  url.database = "postgres";
  auto conn = Connect(url);
  try {
    conn->Exec("DROP DATABASE IF EXISTS " + QuoteIdent(database) + " WITH (FORCE)");
  } catch (const SqlError& e) {
    throw Error(
        fmt::format("cannot drop database \"{}\" on {}: {}", database, url.Redacted(), e.what()));
  }
}

}  // namespace strata::sqldb
