// Loading schema states from sources: live databases, SQL files normalized on a dev database, and
// migration directories replayed on one.
#include "strata/migrate/state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dialect/dialect.hpp"
#include "strata/error.hpp"

namespace strata::migrate {
namespace fs = std::filesystem;

namespace {

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The scripts a file:// source stands for, in the order they run: one .sql file; the *.up.sql files
// of a migration directory in version order; or every .sql file of a folder in name order.
std::vector<fs::path> ScriptsOf(const fs::path& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return {path};
  if (!fs::is_directory(path, ec)) {
    throw InputError(fmt::format("file://{} does not exist: give a .sql file or a folder of them",
                                 path.string()));
  }
  std::vector<fs::path> all, up;
  for (const auto& entry : fs::directory_iterator(path)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (EndsWith(name, ".up.sql")) up.push_back(entry.path());
    if (EndsWith(name, ".sql") && !EndsWith(name, ".down.sql")) all.push_back(entry.path());
  }
  std::vector<fs::path>& chosen = up.empty() ? all : up;
  if (up.empty()) {
    std::sort(chosen.begin(), chosen.end());
  } else {
    // golang-migrate versions are numbers: order numerically, not by name.
    auto version = [](const fs::path& p) {
      std::string n = p.filename().string();
      return std::stoull(n.substr(0, n.find('_')));
    };
    std::sort(chosen.begin(), chosen.end(),
              [&](const fs::path& a, const fs::path& b) { return version(a) < version(b); });
  }
  return chosen;
}

}  // namespace

schema::Realm Inspect(Conn& conn) { return dialect::Get(conn.dialect()).Inspect(conn); }

void ExecScript(Conn& conn, std::string_view script, std::string_view source_name) {
  dialect::Get(conn.dialect()).ExecScript(conn, script, source_name);
}

void Clean(Conn& conn) { dialect::Get(conn.dialect()).Clean(conn); }

void RequireClean(Conn& conn, std::string_view role) {
  const schema::Realm realm = Inspect(conn);
  std::vector<std::string> found;
  for (const auto& s : realm.schemas) {
    if (!realm.scoped && s.name != "public" && s.name != "main") {
      found.push_back(fmt::format("schema \"{}\"", s.name));
    }
    for (const auto& t : s.tables) found.push_back(fmt::format("table \"{}\".\"{}\"", s.name, t.name));
    for (const auto& e : s.enums) found.push_back(fmt::format("type \"{}\".\"{}\"", s.name, e.name));
  }
  for (const auto& u : realm.unsupported) {
    found.push_back(u.schema.empty() ? fmt::format("{} \"{}\"", u.kind, u.name)
                                     : fmt::format("{} \"{}\".\"{}\"", u.kind, u.schema, u.name));
  }
  if (found.empty()) return;
  std::string list;
  for (size_t i = 0; i < found.size() && i < 10; ++i) list += (i ? ", " : "") + found[i];
  if (found.size() > 10) list += fmt::format(" and {} more", found.size() - 10);
  throw InputError(fmt::format(
      "the {} database {} is not clean: it holds {}. Use an empty database, or empty this one "
      "with `strata schema clean --url URL`",
      role, conn.url().Redacted(), list));
}

schema::Realm LoadState(std::string_view source, Conn* dev) {
  if (source.starts_with("ent://")) {
    throw InputError(fmt::format(
        "source \"{}\": ent:// schemas are not supported by this build yet; give a database URL "
        "or file://schema.sql",
        source));
  }
  if (!source.starts_with("file://")) {
    auto conn = Connect(source);
    return Inspect(*conn);
  }
  const fs::path path(std::string(source.substr(7)));
  const std::vector<fs::path> scripts = ScriptsOf(path);
  if (dev == nullptr) {
    throw InputError(fmt::format(
        "source \"{}\" needs a dev database to be normalized on: pass --dev-url (e.g. "
        "sqlite://:memory: or postgres://…/dev)",
        source));
  }
  RequireClean(*dev, "dev");
  // Everything runs in a transaction that is rolled back, so the dev database stays clean even
  // when a script fails.
  Transaction tx(*dev);
  for (const auto& script : scripts) ExecScript(*dev, ReadFile(script), script.string());
  schema::Realm realm = Inspect(*dev);
  tx.Rollback();
  return realm;
}

}  // namespace strata::migrate
