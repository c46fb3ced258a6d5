// strata.toml's [databases.NAME] tables and where each database of a project lives.
#include "sqldb/project.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <system_error>

#include "migrate/file_io.hpp"
#include "sqldb/cluster.hpp"
#include "strata/error.hpp"
#include "strata/migrate/dir.hpp"

namespace strata::sqldb {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxNameBytes = 63;  // PostgreSQL's NAMEDATALEN - 1

std::string KindSuffix(DbKind kind) {
  return kind == DbKind::kShadow ? "_shadow" : kind == DbKind::kTest ? "_test" : "";
}

std::string KindLabel(DbKind kind) {
  return kind == DbKind::kShadow ? "shadow" : kind == DbKind::kTest ? "test" : "run";
}

// "path:line: [databases.name] key: problem".
[[noreturn]] void Fail(const fs::path& config, const toml::node& node, std::string_view where,
                       std::string_view problem) {
  throw InputError(
      fmt::format("{}:{}: {}: {}", config.string(), node.source().begin.line, where, problem));
}

std::string EnvVarName(std::string_view name) {
  std::string upper;
  for (char c : name)
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return "STRATA_DB_" + upper + "_URL";
}

// A string value, or a clear error naming the key and the type it has.
std::string Text(const fs::path& config, const toml::node& node, std::string_view where) {
  if (!node.is_string()) Fail(config, node, where, "must be a string (in double quotes)");
  return std::string(*node.value<std::string>());
}

DatabaseSettings ParseTable(const fs::path& config, std::string_view name, const toml::node& node) {
  const std::string header = fmt::format("[databases.{}]", name);
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    Fail(config, node, fmt::format("databases.{}", name),
         "must be a table: write [databases." + std::string(name) +
             "] with dialect, migrations, format, url and managed under it");
  }
  try {
    CheckDatabaseName(name);
  } catch (const InputError& e) {
    Fail(config, node, header, e.what());
  }
  DatabaseSettings s;
  s.name = std::string(name);
  s.line = static_cast<int>(node.source().begin.line);
  bool dialect_given = false;
  for (const auto& [key, value] : *table) {
    const std::string where = fmt::format("{} {}", header, key.str());
    if (key == "dialect") {
      s.dialect = Text(config, value, where);
      if (s.dialect != "postgres" && s.dialect != "sqlite") {
        Fail(config, value, where,
             fmt::format("\"{}\" is not a dialect: write \"postgres\" or \"sqlite\"", s.dialect));
      }
      dialect_given = true;
    } else if (key == "migrations") {
      s.migrations = Text(config, value, where);
    } else if (key == "format") {
      s.format = Text(config, value, where);
      try {
        migrate::ParseDirFormat(s.format);
      } catch (const InputError& e) {
        Fail(config, value, where, e.what());
      }
    } else if (key == "url") {
      s.url = Text(config, value, where);
    } else if (key == "managed") {
      if (!value.is_boolean()) Fail(config, value, where, "must be true or false");
      s.managed = *value.value<bool>();
    } else {
      Fail(config, value, where,
           "unknown key (a database takes dialect, migrations, format, url and managed)");
    }
  }
  if (!s.url.empty()) {
    Url url;
    try {
      url = Url::Parse(s.url);
    } catch (const InputError& e) {
      Fail(config, *table->get("url"), header + " url", e.what());
    }
    const std::string from_url(DialectName(url.dialect));
    if (dialect_given && from_url != s.dialect) {
      Fail(config, *table->get("url"), header + " url",
           fmt::format("is a {} URL but dialect is \"{}\": make them agree", from_url, s.dialect));
    }
    s.dialect = from_url;
  }
  return s;
}

// Two databases whose cluster (or file) names collide would share a database: "user_shadow"
// declared next to "user".
void CheckDistinct(const fs::path& config, const std::vector<DatabaseSettings>& databases) {
  std::map<std::string, std::pair<const DatabaseSettings*, DbKind>> taken;
  for (const DatabaseSettings& s : databases) {
    for (DbKind kind : {DbKind::kRun, DbKind::kShadow, DbKind::kTest}) {
      auto [it, inserted] = taken.try_emplace(ClusterDatabaseName(s.name, kind), &s, kind);
      if (inserted) continue;
      const auto& [other, other_kind] = it->second;
      throw InputError(fmt::format(
          "{}:{}: [databases.{}]: its {} database would be named \"{}\", which is the {} "
          "database of [databases.{}] (line {}): rename one of them",
          config.string(), std::max(s.line, other->line), s.name, KindLabel(kind), it->first,
          KindLabel(other_kind), other->name, std::min(s.line, other->line)));
    }
  }
}

std::uint32_t Fnv1a(std::string_view text) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : text) h = (h ^ c) * 16777619u;
  return h;
}

// A default SQLite database: .strata/sqlite/<cluster name>.db.
Resolved SqliteFile(const fs::path& state_dir, std::string_view name, DbKind kind) {
  Resolved r;
  r.dialect = Dialect::kSqlite;
  r.state_dir = state_dir;
  r.sqlite_file = state_dir / "sqlite" / (ClusterDatabaseName(name, kind) + ".db");
  r.url = "sqlite://" + fs::absolute(r.sqlite_file).lexically_normal().string();
  r.source = "default SQLite file";
  return r;
}

}  // namespace

void CheckDatabaseName(std::string_view name) {
  const auto ok_inner = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  };
  const bool shape = !name.empty() && name.front() >= 'a' && name.front() <= 'z' &&
                     name.back() != '_' && std::all_of(name.begin(), name.end(), ok_inner);
  if (!shape || name.size() > kMaxNameBytes) {
    throw InputError(fmt::format(
        "database name \"{}\" is not allowed: use lower snake_case (a-z, 0-9 and _, starting "
        "with a letter, not ending with _), at most {} characters, e.g. \"user\" or "
        "\"order_items\"",
        name, kMaxNameBytes));
  }
  if (name == "postgres" || name == "template0" || name == "template1") {
    throw InputError(fmt::format(
        "database name \"{}\" is not allowed: PostgreSQL keeps a database of that name for "
        "itself; pick another name",
        name));
  }
}

std::string ClusterDatabaseName(std::string_view name, DbKind kind) {
  const std::string suffix = KindSuffix(kind);
  if (name.size() + suffix.size() <= kMaxNameBytes) return std::string(name) + suffix;
  // Keep as much of the name as fits, then a hash of the whole name, so that two long names
  // sharing a prefix stay apart.
  const std::string hash = fmt::format("_{:08x}", Fnv1a(name));
  const size_t keep = kMaxNameBytes - hash.size() - suffix.size();
  return std::string(name.substr(0, keep)) + hash + suffix;
}

const DatabaseSettings* Project::Find(std::string_view name) const {
  for (const DatabaseSettings& s : databases) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

fs::path Project::MigrationsDir(const DatabaseSettings& settings) const {
  if (settings.migrations.empty()) return {};
  return (root / settings.migrations).lexically_normal();
}

const DatabaseSettings* Project::ContainingMigrations(const fs::path& dir) const {
  std::error_code ec;
  const fs::path here = fs::weakly_canonical(dir, ec);
  if (ec) return nullptr;
  const DatabaseSettings* best = nullptr;
  size_t best_depth = 0;
  for (const DatabaseSettings& s : databases) {
    if (s.migrations.empty()) continue;
    const fs::path folder = fs::weakly_canonical(MigrationsDir(s), ec);
    if (ec) continue;
    // `here` is `folder` or below it; the deepest folder wins when folders nest.
    auto [end, _] = std::mismatch(folder.begin(), folder.end(), here.begin(), here.end());
    const size_t depth = static_cast<size_t>(std::distance(folder.begin(), folder.end()));
    if (end == folder.end() && (best == nullptr || depth > best_depth)) {
      best = &s;
      best_depth = depth;
    }
  }
  return best;
}

Project LoadProject(const fs::path& config) {
  if (!fs::exists(config)) {
    throw InputError(fmt::format("{} does not exist", config.string()));
  }
  toml::table root;
  try {
    root = toml::parse(migrate::ReadFile(config), config.string());
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}:{}: {}", config.string(), e.source().begin.line,
                                 e.source().begin.column, e.description()));
  }
  Project project;
  project.config = fs::absolute(config).lexically_normal();
  project.root = project.config.parent_path();
  if (const toml::node* databases = root.get("databases")) {
    const toml::table* table = databases->as_table();
    if (table == nullptr) {
      Fail(config, *databases, "databases",
           "must be a table of databases: write [databases.NAME] tables");
    }
    for (const auto& [name, node] : *table) {
      project.databases.push_back(ParseTable(config, name.str(), node));
    }
  }
  // In the order the file declares them (toml++ keeps tables sorted by key).
  std::stable_sort(
      project.databases.begin(), project.databases.end(),
      [](const DatabaseSettings& a, const DatabaseSettings& b) { return a.line < b.line; });
  CheckDistinct(config, project.databases);
  return project;
}

std::optional<Project> FindProject(const fs::path& start) {
  if (const char* env = std::getenv("STRATA_CONFIG"); env != nullptr && *env != '\0') {
    if (!fs::exists(env)) {
      throw InputError(
          fmt::format("STRATA_CONFIG is {}, which does not exist: point it at a strata.toml or "
                      "unset it",
                      env));
    }
    return LoadProject(env);
  }
  std::error_code ec;
  for (fs::path dir = fs::absolute(start, ec); !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / "strata.toml", ec)) return LoadProject(dir / "strata.toml");
    if (dir == dir.root_path()) break;
  }
  return std::nullopt;
}

Resolved Resolve(const Project* project, std::string_view name, DbKind kind,
                 const fs::path& fallback_state_dir) {
  CheckDatabaseName(name);
  const fs::path state_dir =
      project != nullptr ? project->StateDir() : fallback_state_dir / ".strata";
  const DatabaseSettings* settings = project != nullptr ? project->Find(name) : nullptr;

  // The run database's explicit URL, if it has one.
  std::string explicit_url, explicit_source;
  if (const char* env = std::getenv(EnvVarName(name).c_str()); env != nullptr && *env != '\0') {
    explicit_url = env;
    explicit_source = EnvVarName(name);
  } else if (settings != nullptr && !settings->url.empty()) {
    explicit_url = settings->url;
    explicit_source = fmt::format("strata.toml [databases.{}]", name);
  }
  const bool managed = settings == nullptr || settings->managed;

  if (explicit_url.empty() && !managed && kind == DbKind::kRun) {
    throw InputError(fmt::format(
        "{}:{}: [databases.{}] is externally managed (managed = false) but has no url: set url "
        "there, or {} in the environment",
        project->config.string(), settings->line, name, EnvVarName(name)));
  }
  if (!explicit_url.empty()) {
    Url url = Url::Parse(explicit_url);
    if (kind == DbKind::kRun) {
      Resolved r;
      r.url = explicit_url;
      r.dialect = url.dialect;
      r.managed = managed;
      r.source = explicit_source;
      r.state_dir = state_dir;
      return r;
    }
    if (url.dialect == Dialect::kPostgres && managed) {
      url.database = ClusterDatabaseName(name, kind);
      Resolved r;
      r.url = url.ToString();
      r.dialect = Dialect::kPostgres;
      r.source = "beside " + explicit_source;
      r.state_dir = state_dir;
      return r;
    }
    if (url.dialect == Dialect::kSqlite) return SqliteFile(state_dir, name, kind);
  }
  const bool postgres =
      (settings != nullptr && settings->dialect == "postgres") ||
      (!explicit_url.empty() && Url::Parse(explicit_url).dialect == Dialect::kPostgres);
  if (!postgres) return SqliteFile(state_dir, name, kind);

  Resolved r;
  r.dialect = Dialect::kPostgres;
  r.dev_cluster = true;
  r.cluster_db = ClusterDatabaseName(name, kind);
  r.source = "development cluster";
  r.state_dir = state_dir;
  const DevCluster cluster(state_dir);
  if (cluster.Configured()) r.url = cluster.Url(r.cluster_db);
  return r;
}

}  // namespace strata::sqldb
