// Test databases (strata::sqldb::testing): a migrated template per declared database, prepared
// once per process, and a copy of it per test (CREATE DATABASE … TEMPLATE; a file copy on SQLite),
// dropped when the test is done.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <random>

#include "sqldb/cluster.hpp"
#include "sqldb/project.hpp"
#include "sqldb/runtime.hpp"
#include "strata/error.hpp"
#include "strata/sqldb.hpp"

namespace strata::sqldb::testing {
namespace fs = std::filesystem;

namespace {

// Excludes other processes from a template while it is migrated and copied: a copy taken while
// another process migrates would be half-migrated, and PostgreSQL refuses to copy a database
// others are connected to.
class TemplateLock {
 public:
  // PostgreSQL: a session advisory lock on `admin`, keyed by the template's name.
  TemplateLock(Conn& admin, const std::string& template_name) : admin_(&admin) {
    key_ = QuoteLiteral("strata test template " + template_name);
    admin_->Exec("SELECT pg_advisory_lock(hashtext(" + key_ + "))");
  }
  // SQLite: an exclusive flock() on a file beside the template, released if the process dies.
  explicit TemplateLock(const fs::path& file) {
    const std::string path = file.string() + ".strata-test-lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) {
      if (fd_ >= 0) ::close(fd_);
      throw Error(fmt::format("cannot lock {}: {}", path, std::strerror(errno)));
    }
  }
  ~TemplateLock() {
    if (admin_ != nullptr) {
      try {
        admin_->Exec("SELECT pg_advisory_unlock(hashtext(" + key_ + "))");
      } catch (const Error&) {
        // The session is gone, and its locks with it.
      }
    }
    if (fd_ >= 0) ::close(fd_);
  }
  TemplateLock(const TemplateLock&) = delete;
  TemplateLock& operator=(const TemplateLock&) = delete;

 private:
  Conn* admin_ = nullptr;
  std::string key_;
  int fd_ = -1;
};

// One database's template in this process.
struct Template {
  std::mutex mutex;  // guards what follows
  bool ready = false;
  std::string sum;  // of the migration directory the template was migrated with
  Dialect dialect = Dialect::kSqlite;
  std::string name;  // PostgreSQL database name
  std::string url;
  fs::path file;                // SQLite
  std::unique_ptr<Conn> admin;  // PostgreSQL: where databases are created and dropped
};

Template& TemplateOf(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Template>> templates;
  std::lock_guard lock(mutex);
  auto& t = templates[name];
  if (!t) t = std::make_unique<Template>();
  return *t;
}

// "<name>_t_<8 hex digits>", at most 63 bytes.
std::string CopyName(std::string_view name) {
  static std::mutex mutex;
  static std::mt19937_64 random{std::random_device{}() ^ static_cast<std::uint64_t>(::getpid())};
  std::lock_guard lock(mutex);
  return fmt::format("{}_t_{:08x}", name.substr(0, 52), static_cast<std::uint32_t>(random()));
}

std::string WithDatabase(const std::string& url, const std::string& database) {
  Url u = Url::Parse(url);
  u.database = database;
  return u.ToString();
}

// Finds where the template lives and, when `t` is not ready or the directory changed, creates and
// migrates it. Called with t.mutex held.
void Prepare(Database::Impl& d, Template& t) {
  std::error_code ec;
  const std::optional<Project> project = CurrentProject();
  const Project* p = project ? &*project : nullptr;
  const std::optional<migrate::Dir> dir = LoadMigrations(d, p);
  const std::string sum = dir ? dir->ComputeSum() : "";
  if (t.ready && t.sum == sum) return;

  Resolved r = Resolve(p, d.name, DbKind::kTest, fs::current_path(ec));
  t.dialect = r.dialect;
  OpenReport report;
  if (r.dialect == Dialect::kSqlite) {
    t.file = r.sqlite_file.empty() ? fs::path(Url::Parse(r.url).database) : r.sqlite_file;
    t.url = "sqlite://" + fs::absolute(t.file).string();
    fs::create_directories(fs::absolute(t.file).parent_path());
    TemplateLock lock(t.file);
    if (dir) {
      std::unique_ptr<Conn> conn = Connect(t.url);
      Migrate(*conn, *dir, d.config, report);
    }
  } else {
    if (r.dev_cluster) {
      DevCluster cluster(r.state_dir);
      cluster.Up();
      t.name = r.cluster_db;
      t.url = cluster.Url(r.cluster_db);
      t.admin = Connect(cluster.Url("postgres"));
    } else {
      t.url = r.url;
      t.name = Url::Parse(r.url).database;
      t.admin = Connect(Resolve(p, d.name, DbKind::kRun, fs::current_path(ec)).url);
    }
    TemplateLock lock(*t.admin, t.name);
    const Rows found = t.admin->Query("SELECT 1 FROM pg_database WHERE datname = $1", {t.name});
    if (found.rows.empty()) t.admin->Exec("CREATE DATABASE " + QuoteIdent(t.name));
    if (dir) {
      std::unique_ptr<Conn> conn = Connect(t.url);
      Migrate(*conn, *dir, d.config, report);
    }
  }
  t.sum = sum;
  t.ready = true;
}

// Drops copy `name` of `t` (PostgreSQL; its sessions are terminated) or removes its file.
void DropCopy(Template& t, const std::string& name, const fs::path& file) {
  if (!file.empty()) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::error_code ec;
      fs::remove(file.string() + suffix, ec);
    }
    return;
  }
  std::lock_guard lock(t.mutex);
  t.admin->Exec("DROP DATABASE IF EXISTS " + QuoteIdent(name) + " WITH (FORCE)");
}

}  // namespace

struct TestDatabase::Impl {
  std::string name;
  std::string url;
  DB db;
  Template* from = nullptr;
  fs::path file;  // SQLite: the copy
};

TestDatabase::TestDatabase(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TestDatabase::TestDatabase(TestDatabase&&) noexcept = default;

TestDatabase::~TestDatabase() {
  if (!impl_) return;
  impl_->db = DB();  // this handle's connections close; copies a test kept are cut off below
  try {
    DropCopy(*impl_->from, impl_->name, impl_->file);
  } catch (const Error& e) {
    std::fprintf(stderr, "strata: test database %s was not dropped: %s\n", impl_->name.c_str(),
                 e.what());
  }
}

const std::string& TestDatabase::Name() const { return impl_->name; }
DB TestDatabase::Driver() { return impl_->db; }
std::string TestDatabase::ConnString() const {
  const Url url = Url::Parse(impl_->url);
  return url.dialect == Dialect::kSqlite ? url.database : url.ToString();
}

TestDatabase NewTestDatabase(std::string_view name) {
  Database::Impl& d = Access::Of(Named(name));
  {
    std::lock_guard lock(d.mutex);
    d.RequireDeclared();
  }
  Template& t = TemplateOf(d.name);
  auto impl = std::make_unique<TestDatabase::Impl>();
  impl->from = &t;
  try {
    std::unique_lock lock(t.mutex);
    Prepare(d, t);
    impl->name = CopyName(d.name);
    if (t.dialect == Dialect::kSqlite) {
      impl->file = t.file.parent_path() / (impl->name + ".db");
      TemplateLock copying(t.file);
      fs::copy_file(t.file, impl->file, fs::copy_options::overwrite_existing);
      if (fs::exists(t.file.string() + "-wal")) {
        fs::copy_file(t.file.string() + "-wal", impl->file.string() + "-wal",
                      fs::copy_options::overwrite_existing);
      }
      impl->url = "sqlite://" + impl->file.string();
    } else {
      // PostgreSQL 15's default strategy (WAL_LOG) copies block by block through the WAL;
      // FILE_COPY needs two checkpoints of the whole server, which cost more on a busy one.
      TemplateLock copying(*t.admin, t.name);
      t.admin->Exec("CREATE DATABASE " + QuoteIdent(impl->name) + " TEMPLATE " +
                    QuoteIdent(t.name));
      impl->url = WithDatabase(t.url, impl->name);
    }
    lock.unlock();
    try {
      impl->db = strata::Open(impl->url, d.config.pool);
    } catch (const Error&) {
      DropCopy(t, impl->name, impl->file);
      throw;
    }
  } catch (const Error&) {
    RethrowWithPrefix(fmt::format("test database of \"{}\" (declared at {}): ", d.name, d.Where()));
  } catch (const fs::filesystem_error& e) {
    throw Error(fmt::format("test database of \"{}\": {}", d.name, e.what()));
  }
  return TestDatabase(std::move(impl));
}

}  // namespace strata::sqldb::testing
