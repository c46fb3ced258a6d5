// The replay cache of `migrate diff` (see replay_cache.hpp).
#include "migrate/replay_cache.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "migrate/file_io.hpp"
#include "migrate/sha256.hpp"
#include "strata/error.hpp"
#include "strata/migrate/diff_dir.hpp"

#ifndef STRATA_VERSION
#error "STRATA_VERSION must be defined: the cache key includes strata's version"
#endif

namespace strata::migrate {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Bumped whenever the layout below changes, so that older entries miss instead of misreading.
constexpr int kLayout = 2;  // 2: views

std::vector<std::string> StringsOf(const json& j) { return j.get<std::vector<std::string>>(); }

std::optional<std::string> OptionalOf(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<std::string>();
}

json OptionalJson(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

template <typename E>
E EnumOf(const json& j, int last) {
  const int v = j.get<int>();
  if (v < 0 || v > last) throw Error(fmt::format("enumeration value {} out of range", v));
  return static_cast<E>(v);
}

json ColumnJson(const schema::Column& c) {
  return json::array({c.name, c.type, c.nullable, OptionalJson(c.default_expr),
                      static_cast<int>(c.identity), c.identity_start, c.identity_increment,
                      OptionalJson(c.generated), c.generated_virtual, c.collation, c.comment});
}

schema::Column ColumnOf(const json& j) {
  schema::Column c;
  c.name = j.at(0).get<std::string>();
  c.type = j.at(1).get<std::string>();
  c.nullable = j.at(2).get<bool>();
  c.default_expr = OptionalOf(j.at(3));
  c.identity = EnumOf<schema::Identity>(j.at(4), 2);
  c.identity_start = j.at(5).get<std::int64_t>();
  c.identity_increment = j.at(6).get<std::int64_t>();
  c.generated = OptionalOf(j.at(7));
  c.generated_virtual = j.at(8).get<bool>();
  c.collation = j.at(9).get<std::string>();
  c.comment = j.at(10).get<std::string>();
  return c;
}

json IndexJson(const schema::Index& x) {
  json parts = json::array();
  for (const schema::IndexPart& p : x.parts) {
    parts.push_back(
        json::array({p.column, p.expr, p.desc, p.nulls_first ? json(*p.nulls_first) : json(nullptr),
                     p.collation, p.opclass}));
  }
  return json::array({x.name, x.unique, x.constraint, x.nulls_not_distinct, parts, x.include,
                      x.where, x.method, x.comment});
}

schema::Index IndexOf(const json& j) {
  schema::Index x;
  x.name = j.at(0).get<std::string>();
  x.unique = j.at(1).get<bool>();
  x.constraint = j.at(2).get<bool>();
  x.nulls_not_distinct = j.at(3).get<bool>();
  for (const json& p : j.at(4)) {
    schema::IndexPart part;
    part.column = p.at(0).get<std::string>();
    part.expr = p.at(1).get<std::string>();
    part.desc = p.at(2).get<bool>();
    if (!p.at(3).is_null()) part.nulls_first = p.at(3).get<bool>();
    part.collation = p.at(4).get<std::string>();
    part.opclass = p.at(5).get<std::string>();
    x.parts.push_back(std::move(part));
  }
  x.include = StringsOf(j.at(5));
  x.where = j.at(6).get<std::string>();
  x.method = j.at(7).get<std::string>();
  x.comment = j.at(8).get<std::string>();
  return x;
}

json TriggersJson(const std::vector<schema::Trigger>& list) {
  json out = json::array();
  for (const schema::Trigger& tr : list) out.push_back(json::array({tr.name, tr.definition}));
  return out;
}

std::vector<schema::Trigger> TriggersOf(const json& j) {
  std::vector<schema::Trigger> out;
  for (const json& tr : j) {
    out.push_back(schema::Trigger{.name = tr.at(0).get<std::string>(),
                                  .definition = tr.at(1).get<std::string>()});
  }
  return out;
}

json TableJson(const schema::Table& t) {
  json columns = json::array(), indexes = json::array(), fks = json::array(),
       checks = json::array();
  for (const schema::Column& c : t.columns) columns.push_back(ColumnJson(c));
  for (const schema::Index& x : t.indexes) indexes.push_back(IndexJson(x));
  for (const schema::ForeignKey& f : t.foreign_keys) {
    fks.push_back(json::array({f.name, f.columns, f.ref_schema, f.ref_table, f.ref_columns,
                               static_cast<int>(f.on_update), static_cast<int>(f.on_delete),
                               f.match_full, f.deferrable, f.initially_deferred, f.not_valid}));
  }
  for (const schema::Check& c : t.checks)
    checks.push_back(json::array({c.name, c.expr, c.no_inherit, c.not_valid}));
  json pk = nullptr;
  if (t.primary_key) {
    pk = json::array({t.primary_key->name, t.primary_key->columns, t.primary_key->desc,
                      t.primary_key->autoincrement});
  }
  return json::array({t.schema, t.name, columns, pk, indexes, fks, checks, t.comment,
                      t.without_rowid, t.strict, TriggersJson(t.triggers)});
}

schema::Table TableOf(const json& j) {
  schema::Table t;
  t.schema = j.at(0).get<std::string>();
  t.name = j.at(1).get<std::string>();
  for (const json& c : j.at(2)) t.columns.push_back(ColumnOf(c));
  if (const json& pk = j.at(3); !pk.is_null()) {
    t.primary_key = schema::PrimaryKey{.name = pk.at(0).get<std::string>(),
                                       .columns = StringsOf(pk.at(1)),
                                       .desc = pk.at(2).get<std::vector<bool>>(),
                                       .autoincrement = pk.at(3).get<bool>()};
  }
  for (const json& x : j.at(4)) t.indexes.push_back(IndexOf(x));
  for (const json& f : j.at(5)) {
    t.foreign_keys.push_back(schema::ForeignKey{.name = f.at(0).get<std::string>(),
                                                .columns = StringsOf(f.at(1)),
                                                .ref_schema = f.at(2).get<std::string>(),
                                                .ref_table = f.at(3).get<std::string>(),
                                                .ref_columns = StringsOf(f.at(4)),
                                                .on_update = EnumOf<schema::FkAction>(f.at(5), 4),
                                                .on_delete = EnumOf<schema::FkAction>(f.at(6), 4),
                                                .match_full = f.at(7).get<bool>(),
                                                .deferrable = f.at(8).get<bool>(),
                                                .initially_deferred = f.at(9).get<bool>(),
                                                .not_valid = f.at(10).get<bool>()});
  }
  for (const json& c : j.at(6)) {
    t.checks.push_back(schema::Check{.name = c.at(0).get<std::string>(),
                                     .expr = c.at(1).get<std::string>(),
                                     .no_inherit = c.at(2).get<bool>(),
                                     .not_valid = c.at(3).get<bool>()});
  }
  t.comment = j.at(7).get<std::string>();
  t.without_rowid = j.at(8).get<bool>();
  t.strict = j.at(9).get<bool>();
  t.triggers = TriggersOf(j.at(10));
  return t;
}

json ViewJson(const schema::View& v) {
  json columns = json::array(), indexes = json::array(), depends = json::array();
  for (const schema::Column& c : v.columns) columns.push_back(ColumnJson(c));
  for (const schema::Index& x : v.indexes) indexes.push_back(IndexJson(x));
  for (const schema::ObjectRef& r : v.depends) depends.push_back(json::array({r.schema, r.name}));
  return json::array({v.schema, v.name, v.definition, v.materialized, columns, v.options, indexes,
                      depends, TriggersJson(v.triggers), v.comment});
}

schema::View ViewOf(const json& j) {
  schema::View v{.schema = j.at(0).get<std::string>(),
                 .name = j.at(1).get<std::string>(),
                 .definition = j.at(2).get<std::string>(),
                 .materialized = j.at(3).get<bool>()};
  for (const json& c : j.at(4)) v.columns.push_back(ColumnOf(c));
  v.options = StringsOf(j.at(5));
  for (const json& x : j.at(6)) v.indexes.push_back(IndexOf(x));
  for (const json& r : j.at(7)) {
    v.depends.push_back({r.at(0).get<std::string>(), r.at(1).get<std::string>()});
  }
  v.triggers = TriggersOf(j.at(8));
  v.comment = j.at(9).get<std::string>();
  if (j.size() != 10) throw Error("unexpected fields in a view");
  return v;
}

// Tells apart the entries of concurrent writers in one process; the pid those of processes.
std::atomic<unsigned> temp_counter{0};

}  // namespace

fs::path DefaultCacheDir() {
  if (const char* dir = std::getenv("STRATA_CACHE_DIR"); dir != nullptr && *dir != '\0') {
    return fs::path(dir);
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return fs::path(xdg) / "strata";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return fs::path(home) / ".cache" / "strata";
  }
  return {};
}

std::string ToCacheJson(const schema::Realm& realm) {
  json schemas = json::array(), extensions = json::array(), unsupported = json::array();
  for (const schema::Schema& s : realm.schemas) {
    json tables = json::array(), enums = json::array(), views = json::array();
    for (const schema::Table& t : s.tables) tables.push_back(TableJson(t));
    for (const schema::Enum& e : s.enums)
      enums.push_back(json::array({e.schema, e.name, e.values, e.comment}));
    for (const schema::View& v : s.views) views.push_back(ViewJson(v));
    schemas.push_back(json::array({s.name, tables, enums, s.comment, views}));
  }
  for (const schema::Extension& e : realm.extensions)
    extensions.push_back(json::array({e.name, e.schema}));
  for (const schema::Unsupported& u : realm.unsupported) {
    unsupported.push_back(json::array({u.kind, u.schema, u.name}));
  }
  return json::array({schemas, extensions, unsupported, realm.scoped}).dump();
}

schema::Realm FromCacheJson(const std::string& text) {
  try {
    const json j = json::parse(text);
    schema::Realm realm;
    for (const json& s : j.at(0)) {
      schema::Schema schema{.name = s.at(0).get<std::string>()};
      for (const json& t : s.at(1)) schema.tables.push_back(TableOf(t));
      for (const json& e : s.at(2)) {
        schema.enums.push_back(schema::Enum{.schema = e.at(0).get<std::string>(),
                                            .name = e.at(1).get<std::string>(),
                                            .values = StringsOf(e.at(2)),
                                            .comment = e.at(3).get<std::string>()});
      }
      schema.comment = s.at(3).get<std::string>();
      for (const json& v : s.at(4)) schema.views.push_back(ViewOf(v));
      if (s.size() != 5) throw Error("unexpected fields in a schema");
      realm.schemas.push_back(std::move(schema));
    }
    for (const json& e : j.at(1)) {
      realm.extensions.push_back(schema::Extension{.name = e.at(0).get<std::string>(),
                                                   .schema = e.at(1).get<std::string>()});
    }
    for (const json& u : j.at(2)) {
      realm.unsupported.push_back(schema::Unsupported{.kind = u.at(0).get<std::string>(),
                                                      .schema = u.at(1).get<std::string>(),
                                                      .name = u.at(2).get<std::string>()});
    }
    realm.scoped = j.at(3).get<bool>();
    if (j.size() != 4) throw Error("unexpected trailing fields");
    return realm;
  } catch (const json::exception& e) {
    throw Error(e.what());
  }
}

std::string ServerVersion(Conn& dev) {
  const std::string_view sql =
      dev.dialect() == Dialect::kPostgres ? "SELECT version()" : "SELECT sqlite_version()";
  return dev.Query(sql).rows.at(0).at(0).value_or("");
}

ReplayCacheEntry::ReplayCacheEntry(const fs::path& cache_dir, const std::string& server,
                                   const Conn& dev, const Dir& dir) {
  const fs::path sum_path = dir.path() / kSumFileName;
  std::error_code ec;
  if (cache_dir.empty() || !fs::exists(sum_path, ec)) return;
  Sha256 sum;
  sum.Update(ReadFile(sum_path));
  const Sha256::Digest sum_digest = sum.Sum();
  key_ = fmt::format("layout {}\nstrata {}\ndialect {}\nserver {}\nscope {}\nformat {}\nsum {}\n",
                     kLayout, STRATA_VERSION, DialectName(dev.dialect()), server,
                     dev.url().SearchPath(), DirFormatName(dir.format()),
                     Hex(sum_digest.data(), sum_digest.size()));
  Sha256 name;
  name.Update(key_);
  const Sha256::Digest name_digest = name.Sum();
  path_ = cache_dir / "replay" / (Hex(name_digest.data(), name_digest.size()) + ".json");
}

std::optional<schema::Realm> ReplayCacheEntry::Read(std::string* warning) const {
  if (!usable()) return std::nullopt;
  std::error_code ec;
  if (!fs::exists(path_, ec)) return std::nullopt;
  auto unreadable = [&](std::string_view why) {
    *warning = fmt::format(
        "the replay cache entry {} is unreadable ({}): replaying the directory instead, which "
        "rewrites the entry (remove the file, or pass --no-cache, if this repeats)",
        path_.string(), why);
    return std::nullopt;
  };
  std::ifstream in(path_, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return unreadable("cannot read the file");
  // The key, a blank line, then the state: a key that differs is damage, or an entry copied over.
  const std::string content = text.str();
  if (!content.starts_with(key_ + "\n")) return unreadable("its key does not match the file name");
  try {
    return FromCacheJson(content.substr(key_.size() + 1));
  } catch (const Error& e) {
    return unreadable(e.what());
  }
}

std::string ReplayCacheEntry::Write(const schema::Realm& state) const {
  if (!usable()) return {};
  const fs::path folder = path_.parent_path();
  const fs::path temp =
      folder / fmt::format(".{}.{}.{}.tmp", path_.filename().string(), ::getpid(), temp_counter++);
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (!ec) {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << key_ << "\n" << ToCacheJson(state);
    out.close();
    if (!out) ec = std::make_error_code(std::errc::io_error);
  }
  if (!ec) fs::rename(temp, path_, ec);
  if (!ec) return {};
  std::error_code ignored;
  fs::remove(temp, ignored);
  return fmt::format(
      "cannot write the replay cache entry {} ({}): the next diff replays the directory; set "
      "STRATA_CACHE_DIR to a writable folder, or pass --no-cache",
      path_.string(), ec.message());
}

}  // namespace strata::migrate
