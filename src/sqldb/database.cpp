// Named databases (strata/sqldb.hpp): the registry of declarations, and Open — resolve, create
// in development, migrate at start-up — with the handles it gives out.
#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <memory>

#include "sqldb/cluster.hpp"
#include "sqldb/project.hpp"
#include "sqldb/runtime.hpp"
#include "strata/error.hpp"
#include "strata/migrate/executor.hpp"
#include "strata/sqldb.hpp"

namespace strata::sqldb {
namespace fs = std::filesystem;

namespace {

// Every declared database by name. A function-local static: declarations run during static
// initialisation, in an order across files that nothing fixes, so the registry must exist by the
// first call, whichever file makes it. Databases are never removed, so references stay valid.
struct Registry {
  std::mutex mutex;
  std::map<std::string, std::unique_ptr<Database>, std::less<>> databases;
};

Registry& GetRegistry() {
  static Registry registry;
  return registry;
}

// DatabaseConfig::migrations as a path: absolute as given; a relative one from the declaring
// source file's folder when that holds it, else from the working directory.
fs::path MigrationsPath(const std::string& migrations, const SourceLocation& where) {
  if (migrations.empty()) return {};
  const fs::path given(migrations);
  if (given.is_absolute()) return given.lexically_normal();
  std::error_code ec;
  const fs::path beside = fs::path(where.file).parent_path() / given;
  if (!beside.parent_path().empty() && fs::is_directory(beside, ec)) {
    return fs::absolute(beside, ec).lexically_normal();
  }
  return fs::absolute(given, ec).lexically_normal();
}

std::string LocationOf(const SourceLocation& where) {
  return fmt::format("{}:{}", where.file, where.line);
}

// The first setting in which two declarations of one name differ, in words; empty when none.
std::string Difference(const Database::Impl& a, const DatabaseConfig& b, const fs::path& b_dir) {
  const DatabaseConfig& c = a.config;
  if (a.migrations != b_dir) {
    return fmt::format("migrations \"{}\" ({}) and \"{}\" ({})", c.migrations,
                       a.migrations.string(), b.migrations, b_dir.string());
  }
  if (c.format != b.format) return fmt::format("format \"{}\" and \"{}\"", c.format, b.format);
  if (c.pool.max_connections != b.pool.max_connections) {
    return fmt::format("pool.max_connections {} and {}", c.pool.max_connections,
                       b.pool.max_connections);
  }
  if (c.pool.acquire_timeout != b.pool.acquire_timeout) {
    return fmt::format("pool.acquire_timeout {} ms and {} ms", c.pool.acquire_timeout.count(),
                       b.pool.acquire_timeout.count());
  }
  if (c.lock_strategy != b.lock_strategy) {
    auto name = [](migrate::LockStrategy l) {
      return l == migrate::LockStrategy::kTable ? "table" : "advisory";
    };
    return fmt::format("lock_strategy {} and {}", name(c.lock_strategy), name(b.lock_strategy));
  }
  if (c.lock_timeout != b.lock_timeout) {
    return fmt::format("lock_timeout {} ms and {} ms", c.lock_timeout.count(),
                       b.lock_timeout.count());
  }
  return {};
}

// The connection string another library takes: libpq's URI without strata's own parameters
// (search_path becomes libpq's `options`), or the SQLite file's path.
std::string ConnStringOf(const Url& url) {
  if (url.dialect == Dialect::kSqlite) return url.database;
  Url wire = url;
  std::erase_if(wire.params, [](const auto& p) { return p.first.starts_with("x-"); });
  if (const std::string schema = wire.SearchPath(); !schema.empty()) {
    wire.params.erase("search_path");
    wire.params["options"] = "-c search_path=" + schema;
  }
  return wire.ToString();
}

}  // namespace

std::string Database::Impl::Where() const { return LocationOf(where); }

void Database::Impl::RequireDeclared() const {
  if (!error.empty()) throw InputError(error);
}

std::optional<Project> CurrentProject() {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  return FindProject(ec ? fs::path(".") : cwd);
}

void RethrowWithPrefix(const std::string& prefix) {
  try {
    throw;
  } catch (const ConstraintError& e) {
    ConstraintError out(prefix + e.what(), e.sqlstate, e.server_message, e.statement, e.position);
    out.kind = e.kind;
    out.constraint = e.constraint;
    throw out;
  } catch (const SqlError& e) {
    // The executor's advice names the command line; a service only needs restarting.
    throw SqlError(prefix + e.what() +
                       "\nIn a service, fix the file and start the service again: the next "
                       "Open() runs it again.",
                   e.sqlstate, e.server_message, e.statement, e.position);
  } catch (const ChecksumError& e) {
    throw ChecksumError(prefix + e.what());
  } catch (const InputError& e) {
    throw InputError(prefix + e.what());
  } catch (const migrate::LockError& e) {
    throw migrate::LockError(prefix + e.what());
  } catch (const ConnectionError& e) {
    throw ConnectionError(prefix + e.what());
  } catch (const Error& e) {
    throw Error(prefix + e.what());
  }
}

std::optional<migrate::Dir> LoadMigrations(const Database::Impl& db, const Project* project) {
  const DatabaseSettings* settings = project != nullptr ? project->Find(db.name) : nullptr;
  fs::path path = db.migrations;
  std::string format = db.config.format;
  std::string named_by =
      fmt::format("the migrations setting of NewDatabase(\"{}\") at {}", db.name, db.Where());
  if (path.empty() && settings != nullptr && !settings->migrations.empty()) {
    path = project->MigrationsDir(*settings);
    format = settings->format;
    named_by = fmt::format("{}:{} [databases.{}] migrations", project->config.string(),
                           settings->line, db.name);
  }
  const migrate::DirFormat dir_format = migrate::ParseDirFormat(format);
  std::optional<migrate::Dir> dir;
  if (auto files = EmbeddedFiles(db.name)) {
    dir = migrate::Dir::FromFiles(
        path.empty() ? fs::path("embedded:" + db.name) : fs::path(path.string() + " (embedded)"),
        dir_format, std::move(*files));
  } else if (path.empty()) {
    return std::nullopt;
  } else {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      throw InputError(fmt::format(
          "database \"{}\": the migrations folder {} does not exist ({}; the working directory "
          "is {}). Create it, fix the path, or embed the files into the program with "
          "strata_embed_migrations(<target> DATABASE {} DIR <folder>)",
          db.name, path.string(), named_by, fs::current_path(ec).string(), db.name));
    }
    dir = migrate::Dir::Open(path, dir_format);
  }
  dir->VerifySum();
  return dir;
}

void Migrate(Conn& conn, const migrate::Dir& dir, const DatabaseConfig& config,
             OpenReport& report) {
  const std::uint64_t before = conn.round_trips();
  if (dir.migrations().empty()) return;
  if (migrate::UpToDate(conn, dir)) {
    report.from_version = report.to_version = dir.migrations().back().version;
  } else {
    migrate::ApplyOptions options;
    options.lock_strategy = config.lock_strategy;
    options.lock_timeout = config.lock_timeout;
    const migrate::ApplyResult result = migrate::Apply(conn, dir, options);
    report.from_version = result.from_version;
    report.to_version = result.to_version;
    for (const migrate::FileReport& f : result.files) report.applied.push_back(f.file);
    report.notes.insert(report.notes.end(), result.notes.begin(), result.notes.end());
  }
  report.round_trips += conn.round_trips() - before;
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

const std::string& Database::Name() const { return impl_->name; }

const OpenReport& Database::Open() {
  Impl& d = *impl_;
  std::lock_guard lock(d.mutex);
  d.RequireDeclared();
  if (d.opened) return d.report;
  const std::string prefix = fmt::format("database \"{}\" (declared at {}): ", d.name, d.Where());
  try {
    std::error_code ec;
    const std::optional<Project> project = CurrentProject();
    const Project* p = project ? &*project : nullptr;
    Resolved r = Resolve(p, d.name, DbKind::kRun, fs::current_path(ec));
    OpenReport report;
    report.source = r.source;
    report.managed = r.managed;
    // Only migrations a managed database runs must exist (and match their sum).
    const std::optional<migrate::Dir> dir = r.managed ? LoadMigrations(d, p) : std::nullopt;
    if (r.dev_cluster) {
      DevCluster cluster(r.state_dir);
      cluster.Up();
      report.created = cluster.EnsureDatabase(r.cluster_db);
      r.url = cluster.Url(r.cluster_db);
    } else if (!r.sqlite_file.empty()) {
      fs::create_directories(r.sqlite_file.parent_path());
      report.created = !fs::exists(r.sqlite_file);
    }
    DB db = strata::Open(r.url, d.config.pool);
    report.url = db.Redacted();
    if (dir) {
      DB::Lease conn = db.Acquire();
      Migrate(*conn, *dir, d.config, report);
    }
    d.db = std::move(db);
    d.conn_string = ConnStringOf(Url::Parse(r.url));
    d.report = std::move(report);
    d.opened = true;
  } catch (const Error&) {
    RethrowWithPrefix(prefix);
  } catch (const fs::filesystem_error& e) {
    throw Error(prefix + e.what());
  }
  return d.report;
}

DB Database::Driver() {
  Open();
  std::lock_guard lock(impl_->mutex);
  return impl_->db;
}

std::string Database::ConnString() {
  Open();
  std::lock_guard lock(impl_->mutex);
  return impl_->conn_string;
}

strata::Dialect Database::Dialect() { return Driver().dialect(); }

Database::RawConn Database::Raw() { return RawConn(Driver().Acquire()); }

pg_conn* Database::RawConn::Postgres() const {
  if (lease_->dialect() != strata::Dialect::kPostgres) return nullptr;
  return static_cast<pg_conn*>(lease_->native_handle());
}

sqlite3* Database::RawConn::Sqlite() const {
  if (lease_->dialect() != strata::Dialect::kSqlite) return nullptr;
  return static_cast<sqlite3*>(lease_->native_handle());
}

Database& NewDatabase(std::string_view name, DatabaseConfig config, SourceLocation where) {
  const fs::path migrations = MigrationsPath(config.migrations, where);
  Registry& registry = GetRegistry();
  std::lock_guard lock(registry.mutex);
  if (auto it = registry.databases.find(name); it != registry.databases.end()) {
    Database::Impl& d = Access::Of(*it->second);
    std::lock_guard declared(d.mutex);
    if (const std::string diff = Difference(d, config, migrations);
        !diff.empty() && d.error.empty()) {
      d.error = fmt::format(
          "database \"{}\" is declared twice with different settings: {}: NewDatabase at {} "
          "and at {}. Declare it once and reach it elsewhere with strata::sqldb::Named(\"{}\"), "
          "or give both the same settings",
          d.name, diff, d.Where(), LocationOf(where), d.name);
    }
    return *it->second;
  }
  auto impl = std::make_unique<Database::Impl>();
  impl->name = std::string(name);
  impl->config = std::move(config);
  impl->where = where;
  impl->migrations = migrations;
  try {
    CheckDatabaseName(name);
  } catch (const InputError& e) {
    impl->error = fmt::format("{}: NewDatabase(\"{}\"): {}", LocationOf(where), name, e.what());
  }
  const std::string key = impl->name;
  auto [it, inserted] =
      registry.databases.emplace(key, std::unique_ptr<Database>(new Database(std::move(impl))));
  return *it->second;
}

Database& Named(std::string_view name) {
  Registry& registry = GetRegistry();
  std::lock_guard lock(registry.mutex);
  if (auto it = registry.databases.find(name); it != registry.databases.end()) return *it->second;
  std::string declared;
  for (const auto& [n, db] : registry.databases) declared += (declared.empty() ? "" : ", ") + n;
  throw InputError(
      fmt::format("no database \"{}\" is declared (declared: {}): declare it with "
                  "strata::sqldb::NewDatabase(\"{}\", {{.migrations = \"…\"}}) at namespace scope",
                  name, declared.empty() ? "none" : declared, name));
}

}  // namespace strata::sqldb
