// Throwaway databases for tests. PostgreSQL ones live on the cluster `make test` starts
// (STRATA_TEST_PG_URL); a test that needs PostgreSQL and cannot reach it fails, it never skips.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "strata/driver.hpp"

namespace strata::testing {

// The admin URL of the test cluster. Fails the calling test (via a thrown std::runtime_error) when
// STRATA_TEST_PG_URL is not set: run the tests with `make test`.
std::string PostgresAdminUrl();

// A fresh, empty database, dropped when the object dies.
class TempDatabase {
 public:
  // `dialect` picks PostgreSQL (a new database on the test cluster) or SQLite (a new file in a
  // temporary folder). `search_path`, when set, scopes the URL to that schema (PostgreSQL).
  explicit TempDatabase(Dialect dialect, const std::string& search_path = "");
  ~TempDatabase();
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }  // database name, or SQLite file path
  std::unique_ptr<Conn> Connect() const { return strata::Connect(url_); }

 private:
  Dialect dialect_;
  std::string name_;
  std::string url_;
};

// A fresh temporary directory, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs a shell command, returning its exit status and capturing stdout+stderr into `output`.
int RunCommand(const std::string& command, std::string* output);

}  // namespace strata::testing
