// The project's local PostgreSQL development cluster (`strata db up | down | status`): built from
// the system's PostgreSQL binaries, data under .strata/postgres, a free loopback port and a
// socket folder; as root, the server runs as an unprivileged user. No Docker.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::sqldb {

struct ClusterStatus {
  bool initialised = false;  // a data folder exists
  bool running = false;
  int port = 0;
  int pid = 0;
  std::filesystem::path data_dir, socket_dir;
  std::string os_user;       // who the server runs as
  std::string version;       // "15.x"
  std::vector<std::string> databases;  // when running: every non-template database
};

class DevCluster {
 public:
  // `state_dir` is the project's .strata folder.
  explicit DevCluster(std::filesystem::path state_dir);

  ClusterStatus Status() const;
  // Idempotent: initdb when there is no data folder, start when not running, wait until it
  // accepts connections. Throws Error saying what is missing (e.g. no PostgreSQL binaries found,
  // with the package to install).
  ClusterStatus Up();
  // Stops the server (fast shutdown) and waits until no process of it is left. Idempotent.
  void Down();

  // A libpq URI for `database` on the running cluster (loopback TCP, its port, its superuser).
  std::string Url(std::string_view database) const;
  // CREATE DATABASE when missing (optionally from `template_db`); true when it was created.
  bool EnsureDatabase(std::string_view database, std::string_view template_db = {});
  // DROP DATABASE … WITH (FORCE) when present.
  void DropDatabase(std::string_view database);

 private:
  std::filesystem::path state_dir_;
};

}  // namespace strata::sqldb
