// Loading schema states from sources: live databases, SQL files normalized on a dev database, and
// migration directories replayed on one.
#include "strata/migrate/state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <map>

#include "dialect/dialect.hpp"
#include "driver/split.hpp"
#include "migrate/dev.hpp"
#include "migrate/file_io.hpp"
#include "migrate/revisions.hpp"
#include "migrate/statements.hpp"
#include "strata/error.hpp"

namespace strata::migrate {
namespace fs = std::filesystem;

namespace {

// Runs `execute` on the clean dev database `dev` and inspects the result, leaving `dev` clean
// (see DevScope).
schema::Realm Normalize(Conn& dev, bool transactional, const std::function<void()>& execute,
                        DevTimings* timings, const InPlace& in_place = {}) {
  {
    Timer timer(&timings->inspect);
    RequireClean(dev, "dev");
  }
  DevScope scope(dev, transactional);
  {
    Timer timer(&timings->replay);
    execute();
  }
  schema::Realm realm;
  {
    Timer timer(&timings->inspect);
    realm = Inspect(dev);
  }
  if (in_place) in_place(realm, transactional);
  scope.End();
  return realm;
}

// True when `sql` manages its own transactions (IsTransactionControl): run inside a transaction
// of ours, it would commit it, and rolling it back would no longer clean the dev database.
bool HoldsTransactionControl(std::string_view sql) {
  const std::vector<driver::ScriptStatement> statements = driver::SplitStatements(sql);
  return std::any_of(statements.begin(), statements.end(),
                     [](const auto& st) { return IsTransactionControl(st.text); });
}

// Runs a PostgreSQL script in one request under a savepoint, or returns false with nothing of it
// left: a round trip per statement is most of the time a replay takes. Outside a transaction the
// savepoint fails (25P01) and the caller goes statement by statement, as it must there (one
// request would run the statements in an implicit transaction). After a failure inside one, going
// statement by statement again names the failing line.
bool ExecInOneRequest(Conn& conn, std::string_view script) {
  try {
    // A request of its own: a syntax error anywhere in the next one fails it before it starts.
    conn.Exec("SAVEPOINT strata_script");
  } catch (const SqlError&) {
    return false;
  }
  try {
    // The newline ends a trailing -- comment; the ';' a last statement written without one.
    conn.Exec(fmt::format("{}\n;RELEASE SAVEPOINT strata_script", script));
    return true;
  } catch (const SqlError&) {
    conn.Exec("ROLLBACK TO SAVEPOINT strata_script");
    return false;
  }
}

}  // namespace

schema::Realm Inspect(Conn& conn) {
  schema::Realm realm = dialect::Get(conn.dialect()).Inspect(conn);
  const std::string golang_table = GolangTableName(conn.url());
  for (schema::Schema& s : realm.schemas) {
    std::erase_if(s.tables,
                  [&](const schema::Table& t) { return IsTrackingTable(t, golang_table); });
  }
  return realm;
}

void ExecScript(Conn& conn, std::string_view script, std::string_view source_name) {
  if (conn.dialect() == Dialect::kPostgres && ExecInOneRequest(conn, script)) return;
  dialect::Get(conn.dialect()).ExecScript(conn, script, source_name);
}

void Clean(Conn& conn) { dialect::Get(conn.dialect()).Clean(conn); }

std::string ListObjects(const schema::Realm& realm, bool count_schemas, bool count_extensions) {
  std::vector<std::string> found;
  for (const auto& s : realm.schemas) {
    if (count_schemas && !realm.scoped && s.name != "public" && s.name != "main") {
      found.push_back(fmt::format("schema \"{}\"", s.name));
    }
    for (const auto& t : s.tables)
      found.push_back(fmt::format("table \"{}\".\"{}\"", s.name, t.name));
    for (const auto& e : s.enums)
      found.push_back(fmt::format("type \"{}\".\"{}\"", s.name, e.name));
    for (const auto& v : s.views) {
      found.push_back(fmt::format("{} \"{}\".\"{}\"", v.materialized ? "materialized view" : "view",
                                  s.name, v.name));
    }
  }
  if (count_extensions) {
    for (const auto& e : realm.extensions) found.push_back(fmt::format("extension \"{}\"", e.name));
  }
  for (const auto& u : realm.unsupported) {
    found.push_back(u.schema.empty() ? fmt::format("{} \"{}\"", u.kind, u.name)
                                     : fmt::format("{} \"{}\".\"{}\"", u.kind, u.schema, u.name));
  }
  std::string list;
  for (size_t i = 0; i < found.size() && i < 10; ++i) list += (i ? ", " : "") + found[i];
  if (found.size() > 10) list += fmt::format(" and {} more", found.size() - 10);
  return list;
}

void RequireClean(Conn& conn, std::string_view role) {
  const std::string list = ListObjects(Inspect(conn), true, true);
  if (list.empty()) return;
  throw InputError(fmt::format(
      "the {} database {} is not clean: it holds {}. Use an empty database, or empty this one "
      "with `strata schema clean --url URL`",
      role, conn.url().Redacted(), list));
}

void AlignScopes(std::initializer_list<std::string*> sources) {
  auto postgres = [](const std::string& source) {
    return source.starts_with("postgres://") || source.starts_with("postgresql://");
  };
  std::string scope;
  for (const std::string* source : sources) {
    if (postgres(*source)) scope = Url::Parse(*source).SearchPath();
    if (!scope.empty()) break;
  }
  if (scope.empty()) return;
  for (std::string* source : sources) {
    if (!postgres(*source)) continue;
    Url url = Url::Parse(*source);
    if (!url.SearchPath().empty()) continue;
    url.params["search_path"] = scope;
    *source = url.ToString();
  }
}

void Replay(Conn& dev, const Dir& dir, std::string_view until) {
  for (const Migration& m : dir.migrations()) {
    if (!until.empty() && CompareVersions(m.version, until) > 0) break;
    // Padding with the lines before the up part keeps error lines those of the file.
    ExecScript(dev, std::string(m.up_line - 1, '\n') + m.up_sql, (dir.path() / m.up_file).string());
  }
}

namespace {

// Whether `sql` may add a value to an enum type (ALTER TYPE … ADD VALUE, in any case): PostgreSQL
// lets no later statement use the value before the transaction that added it commits (55P04).
bool MayAddEnumValue(std::string_view sql) {
  constexpr std::string_view kAddValue = "add value";
  const auto at =
      std::search(sql.begin(), sql.end(), kAddValue.begin(), kAddValue.end(),
                  [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return at != sql.end();
}

}  // namespace

bool NeedsNoTx(const Dir& dir) {
  const std::vector<Migration>& all = dir.migrations();
  for (size_t i = 0; i < all.size(); ++i) {
    const Migration& m = all[i];
    if (m.no_tx || m.down_no_tx || HoldsTransactionControl(m.up_sql) ||
        HoldsTransactionControl(m.down_sql) || (i + 1 < all.size() && MayAddEnumValue(m.up_sql))) {
      return true;
    }
  }
  return false;
}

schema::Realm LoadDir(Conn& dev, const Dir& dir) {
  DevTimings ignored;
  return Normalize(
      dev, !NeedsNoTx(dir), [&] { Replay(dev, dir); }, &ignored);
}

namespace {
std::map<std::string, ScriptSource, std::less<>>& ScriptSources() {
  static std::map<std::string, ScriptSource, std::less<>> sources;
  return sources;
}
}  // namespace

void RegisterScriptSource(std::string scheme, ScriptSource source) {
  ScriptSources()[std::move(scheme)] = std::move(source);
}

schema::Realm LoadState(std::string_view source, Conn* dev) {
  return LoadState(source, dev, nullptr);
}

schema::Realm LoadState(std::string_view source, Conn* dev, DevTimings* timings) {
  return LoadState(source, dev, timings, {});
}

schema::Realm LoadState(std::string_view source, Conn* dev, DevTimings* timings,
                        const InPlace& in_place) {
  DevTimings ignored;
  if (timings == nullptr) timings = &ignored;
  if (const size_t sep = source.find("://"); sep != std::string_view::npos) {
    const auto handler = ScriptSources().find(source.substr(0, sep));
    if (handler != ScriptSources().end()) {
      if (dev == nullptr) {
        throw InputError(fmt::format(
            "source \"{}\" needs a dev database to be normalized on: pass --dev-url (e.g. "
            "sqlite://:memory: or postgres://…/dev)",
            source));
      }
      std::string script;
      {
        Timer timer(&timings->load);
        script = handler->second(source.substr(sep + 3), dev->dialect());
      }
      return Normalize(
          *dev, true, [&] { ExecScript(*dev, script, source); }, timings, in_place);
    }
    if (source.starts_with("ent://")) {
      throw InputError(
          fmt::format("source \"{}\": ent:// sources are served by strata's ent layer; call "
                      "strata::ent::RegisterSources() before loading one",
                      source));
    }
  }
  if (!source.starts_with("file://")) {
    auto conn = Connect(source);
    Timer timer(&timings->inspect);
    return Inspect(*conn);
  }
  const fs::path path(std::string(source.substr(7)));
  std::error_code ec;
  const bool is_file = fs::is_regular_file(path, ec);
  if (!is_file && !fs::is_directory(path, ec)) {
    throw InputError(fmt::format(
        "{} does not exist: give a .sql file, a folder of them, or a migration directory", source));
  }
  if (dev == nullptr) {
    throw InputError(
        fmt::format("source \"{}\" needs a dev database to be normalized on: pass --dev-url (e.g. "
                    "sqlite://:memory: or postgres://…/dev)",
                    source));
  }
  if (is_file) {
    const std::string script = ReadFile(path);
    return Normalize(
        *dev, !HoldsTransactionControl(script), [&] { ExecScript(*dev, script, path.string()); },
        timings, in_place);
  }
  if (const std::optional<DirFormat> format = DetectDirFormat(path)) {
    const Dir dir = Dir::Open(path, *format);
    if (fs::exists(path / kSumFileName, ec)) dir.VerifySum();
    return Normalize(
        *dev, !NeedsNoTx(dir), [&] { Replay(*dev, dir); }, timings, in_place);
  }
  std::vector<fs::path> scripts;
  for (const auto& entry : fs::directory_iterator(path)) {
    if (entry.is_regular_file() && entry.path().extension() == ".sql") {
      scripts.push_back(entry.path());
    }
  }
  std::sort(scripts.begin(), scripts.end());
  std::vector<std::string> texts;
  for (const auto& script : scripts) texts.push_back(ReadFile(script));
  return Normalize(
      *dev, std::none_of(texts.begin(), texts.end(), HoldsTransactionControl),
      [&] {
        for (size_t i = 0; i < scripts.size(); ++i) ExecScript(*dev, texts[i], scripts[i].string());
      },
      timings, in_place);
}

}  // namespace strata::migrate
