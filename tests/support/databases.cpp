// Throwaway databases and folders for tests.
#include "support/databases.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>

namespace strata::testing {
namespace {

std::string UniqueSuffix() {
  static std::atomic<int> counter{0};
  static const unsigned seed = std::random_device{}();
  return fmt::format("{}_{}_{}", getpid(), seed % 100000, counter++);
}

}  // namespace

std::string PostgresAdminUrl() {
  const char* url = std::getenv("STRATA_TEST_PG_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "STRATA_TEST_PG_URL is not set: PostgreSQL tests need the throwaway cluster that "
        "`make test` starts (scripts/with-postgres)");
  }
  return url;
}

TempDatabase::TempDatabase(Dialect dialect, const std::string& search_path) : dialect_(dialect) {
  if (dialect == Dialect::kSqlite) {
    name_ = (std::filesystem::temp_directory_path() / ("strata_test_" + UniqueSuffix() + ".db"))
                .string();
    url_ = "sqlite://" + name_;
    return;
  }
  Url admin = Url::Parse(PostgresAdminUrl());
  name_ = "strata_test_" + UniqueSuffix();
  // FILE_COPY is much faster than the default WAL_LOG strategy for small databases on a cluster
  // running with fsync off.
  strata::Connect(admin)->Exec("CREATE DATABASE " + QuoteIdent(name_) + " STRATEGY = FILE_COPY");
  admin.database = name_;
  if (!search_path.empty()) admin.params["search_path"] = search_path;
  url_ = admin.ToString();
}

TempDatabase::~TempDatabase() {
  try {
    if (dialect_ == Dialect::kSqlite) {
      std::filesystem::remove(name_);
      return;
    }
    strata::Connect(PostgresAdminUrl())
        ->Exec("DROP DATABASE IF EXISTS " + QuoteIdent(name_) + " WITH (FORCE)");
  } catch (...) {
    // Cleanup failures must not mask the test's own result; the cluster is thrown away anyway.
  }
}

TempDir::TempDir() {
  path_ = std::filesystem::temp_directory_path() / ("strata_dir_" + UniqueSuffix());
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

int RunCommand(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed for: " + command);
  char buf[4096];
  output->clear();
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output->append(buf, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace strata::testing
