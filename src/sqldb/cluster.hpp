// The project's local PostgreSQL development cluster (`strata db up | down | status`): built from
// the system's PostgreSQL binaries, data under .strata/postgres, a free loopback port and a
// socket folder; as root, the server runs as an unprivileged user. No Docker.
//
// What .strata holds (docs/db.md): postgres/ (data/, server.log, socket/), postgres.toml (port,
// socket folder, binaries, server user: no secret), postgres.password (the superuser's password,
// mode 0600), postgres.lock (held while up or down runs, so concurrent runs wait for each other).
// As root, when the server user cannot reach .strata (a project under /root), the postgres/
// folder lives at /var/lib/strata/clusters/<project>-<hash> instead; postgres.toml says where.
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
  bool started = false;  // Up() started the server (it was not running before)
  bool created = false;  // Up() ran initdb
  int port = 0;
  int pid = 0;
  std::filesystem::path data_dir, socket_dir, log_file;
  std::string superuser;               // the role URLs connect as ("postgres")
  std::string os_user;                 // who the server runs as
  std::string version;                 // "15.x"
  std::vector<std::string> databases;  // when running: every non-template database
};

class DevCluster {
 public:
  // `state_dir` is the project's .strata folder.
  explicit DevCluster(std::filesystem::path state_dir);

  // Reads the state files and postmaster.pid; when running, also asks the server its version and
  // databases. Never starts anything.
  ClusterStatus Status() const;
  // A cluster was initialised here (its state and password exist): Url() can be called.
  bool Configured() const;
  // Idempotent: initdb when there is no data folder, start when not running, wait until it
  // accepts connections. Throws Error saying what is missing (e.g. no PostgreSQL binaries found,
  // with the package to install).
  ClusterStatus Up();
  // Stops the server (fast shutdown) and waits until no process of it is left. Idempotent.
  void Down();

  // A libpq URI for `database` on the running cluster (loopback TCP, its port, its superuser).
  // postgresql://postgres:PASSWORD@127.0.0.1:PORT/DATABASE?sslmode=disable; the password is
  // letters and digits. Throws InputError (saying to run `strata db up`) when not Configured().
  std::string Url(std::string_view database) const;
  // CREATE DATABASE when missing (optionally from `template_db`); true when it was created.
  bool EnsureDatabase(std::string_view database, std::string_view template_db = {});
  // DROP DATABASE … WITH (FORCE) when present.
  void DropDatabase(std::string_view database);

 private:
  std::filesystem::path state_dir_;
};

// Creates a project's .strata folder (mode 0755) when missing, with a .gitignore that keeps all
// of it out of version control.
void PrepareStateDir(const std::filesystem::path& state_dir);

// The same two on any PostgreSQL server, through its maintenance database "postgres" (the
// server is the one `server_url` points at; its database part is ignored). EnsureDatabaseOn
// tolerates a concurrent CREATE of the same name (42P04, or 23505 on pg_database's index) and
// retries for a few seconds while `template_db` is in use by another session (55006).
bool EnsureDatabaseOn(std::string_view server_url, std::string_view database,
                      std::string_view template_db = {});
void DropDatabaseOn(std::string_view server_url, std::string_view database);

}  // namespace strata::sqldb
