// The SQLite connection (see conn.hpp): opening by URL, running statements, mapping failures to
// SqlError with the statement, position and script line.
#include "driver/sqlite/conn.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <utility>

#include "driver/connect.hpp"
#include "driver/split.hpp"
#include "driver/sqlite/tokenizer.hpp"
#include "strata/error.hpp"

namespace strata::driver::sqlite {
namespace {

namespace fs = std::filesystem;

struct Finalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, Finalizer>;

constexpr int kDefaultBusyTimeoutMs = 5000;

// The name of a (possibly extended) result code, e.g. "SQLITE_CONSTRAINT_UNIQUE"; extended codes
// not listed fall back to their primary code's name.
std::string CodeName(int rc) {
#define STRATA_SQLITE_CODE(code) \
  { code, #code }
  static constexpr std::pair<int, std::string_view> kNames[] = {
      STRATA_SQLITE_CODE(SQLITE_ERROR),
      STRATA_SQLITE_CODE(SQLITE_INTERNAL),
      STRATA_SQLITE_CODE(SQLITE_PERM),
      STRATA_SQLITE_CODE(SQLITE_ABORT),
      STRATA_SQLITE_CODE(SQLITE_BUSY),
      STRATA_SQLITE_CODE(SQLITE_LOCKED),
      STRATA_SQLITE_CODE(SQLITE_NOMEM),
      STRATA_SQLITE_CODE(SQLITE_READONLY),
      STRATA_SQLITE_CODE(SQLITE_INTERRUPT),
      STRATA_SQLITE_CODE(SQLITE_IOERR),
      STRATA_SQLITE_CODE(SQLITE_CORRUPT),
      STRATA_SQLITE_CODE(SQLITE_NOTFOUND),
      STRATA_SQLITE_CODE(SQLITE_FULL),
      STRATA_SQLITE_CODE(SQLITE_CANTOPEN),
      STRATA_SQLITE_CODE(SQLITE_PROTOCOL),
      STRATA_SQLITE_CODE(SQLITE_EMPTY),
      STRATA_SQLITE_CODE(SQLITE_SCHEMA),
      STRATA_SQLITE_CODE(SQLITE_TOOBIG),
      STRATA_SQLITE_CODE(SQLITE_CONSTRAINT),
      STRATA_SQLITE_CODE(SQLITE_MISMATCH),
      STRATA_SQLITE_CODE(SQLITE_MISUSE),
      STRATA_SQLITE_CODE(SQLITE_NOLFS),
      STRATA_SQLITE_CODE(SQLITE_AUTH),
      STRATA_SQLITE_CODE(SQLITE_FORMAT),
      STRATA_SQLITE_CODE(SQLITE_RANGE),
      STRATA_SQLITE_CODE(SQLITE_NOTADB),
      STRATA_SQLITE_CODE(SQLITE_ERROR_MISSING_COLLSEQ),
      STRATA_SQLITE_CODE(SQLITE_ERROR_RETRY),
      STRATA_SQLITE_CODE(SQLITE_ABORT_ROLLBACK),
      STRATA_SQLITE_CODE(SQLITE_BUSY_RECOVERY),
      STRATA_SQLITE_CODE(SQLITE_BUSY_SNAPSHOT),
      STRATA_SQLITE_CODE(SQLITE_LOCKED_SHAREDCACHE),
      STRATA_SQLITE_CODE(SQLITE_READONLY_RECOVERY),
      STRATA_SQLITE_CODE(SQLITE_READONLY_CANTLOCK),
      STRATA_SQLITE_CODE(SQLITE_READONLY_ROLLBACK),
      STRATA_SQLITE_CODE(SQLITE_READONLY_DBMOVED),
      STRATA_SQLITE_CODE(SQLITE_READONLY_DIRECTORY),
      STRATA_SQLITE_CODE(SQLITE_CANTOPEN_ISDIR),
      STRATA_SQLITE_CODE(SQLITE_CANTOPEN_FULLPATH),
      STRATA_SQLITE_CODE(SQLITE_CONSTRAINT_CHECK),
      STRATA_SQLITE_CODE(SQLITE_CONSTRAINT_COMMITHOOK),
      STRATA_SQLITE_CODE(SQLITE_CONSTRAINT_FOREIGNKEY),
      STRATA_SQLITE_CODE(SQLITE_CONSTRAINT_FUNCTION),
      STRATA_SQLITE_CODE(SQLITE_CONSTRAINT_NOTNULL),
      STRATA_SQLITE_CODE(SQLITE_CONSTRAINT_PRIMARYKEY),
      STRATA_SQLITE_CODE(SQLITE_CONSTRAINT_TRIGGER),
      STRATA_SQLITE_CODE(SQLITE_CONSTRAINT_UNIQUE),
      STRATA_SQLITE_CODE(SQLITE_CONSTRAINT_VTAB),
      STRATA_SQLITE_CODE(SQLITE_CONSTRAINT_ROWID),
      STRATA_SQLITE_CODE(SQLITE_CONSTRAINT_DATATYPE),
  };
#undef STRATA_SQLITE_CODE
  for (int code : {rc, rc & 0xff}) {
    for (const auto& [value, name] : kNames) {
      if (value == code) return std::string(name);
    }
  }
  return fmt::format("SQLITE_{}", rc);
}

bool ParseBool(const std::string& key, const std::string& value, std::string_view url) {
  const std::string v = Lower(value);
  if (v == "1" || v == "true" || v == "on" || v == "yes") return true;
  if (v == "0" || v == "false" || v == "off" || v == "no") return false;
  throw InputError(
      fmt::format("database URL {}: {}={} is not a boolean (use 1 or 0)", url, key, value));
}

int ParseMillis(const std::string& key, const std::string& value, std::string_view url) {
  int ms = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
  if (ec != std::errc() || end != value.data() + value.size() || ms < 0) {
    throw InputError(
        fmt::format("database URL {}: {}={} is not a number of milliseconds", url, key, value));
  }
  return ms;
}

// Number of UTF-8 characters in `s`.
int Characters(std::string_view s) {
  int n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The statement text at [begin, end) of `sql` without its terminating semicolon and spaces.
std::string_view StatementText(std::string_view sql, size_t begin, size_t end) {
  std::string_view text = sql.substr(begin, end - begin);
  while (!text.empty() &&
         (text.back() == ';' || std::isspace(static_cast<unsigned char>(text.back())))) {
    text.remove_suffix(1);
  }
  return text;
}

// Whether `statement` is PRAGMA [schema.]foreign_key_check[(…)].
bool IsForeignKeyCheck(std::string_view statement) {
  if (!EqualFold(statement.substr(0, 6), "PRAGMA")) return false;
  const std::vector<Token> tokens = Tokenize(statement);
  const size_t name = tokens.size() > 3 && IsPunct(tokens[2], '.') ? 3 : 1;
  return tokens.size() > name && IsKeyword(tokens[name], "FOREIGN_KEY_CHECK");
}

}  // namespace

SqliteConn::SqliteConn(Url url) : Conn(std::move(url)) {
  const std::string shown = url_.Redacted();
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  bool foreign_keys = true;
  int busy_ms = kDefaultBusyTimeoutMs;
  int cache_flag = 0;
  for (const auto& [key, value] : url_.params) {
    if (key == "mode") {
      if (value == "ro") {
        flags = SQLITE_OPEN_READONLY;
      } else if (value == "rw") {
        flags = SQLITE_OPEN_READWRITE;
      } else if (value == "rwc") {
        flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      } else if (value == "memory") {
        flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY;
      } else {
        throw InputError(fmt::format(
            "database URL {}: unknown mode \"{}\" (use ro, rw, rwc or memory)", shown, value));
      }
    } else if (key == "cache") {
      if (value != "shared" && value != "private") {
        throw InputError(fmt::format(
            "database URL {}: unknown cache \"{}\" (use shared or private)", shown, value));
      }
      cache_flag = value == "shared" ? SQLITE_OPEN_SHAREDCACHE : SQLITE_OPEN_PRIVATECACHE;
    } else if (key == "_fk" || key == "foreign_keys") {
      foreign_keys = ParseBool(key, value, shown);
    } else if (key == "_busy_timeout" || key == "busy_timeout") {
      busy_ms = ParseMillis(key, value, shown);
    } else if (key.starts_with("x-")) {
      // strata's (and golang-migrate's) own parameters, such as x-migrations-table.
    } else {
      throw InputError(fmt::format(
          "database URL {}: unknown parameter \"{}\" (SQLite URLs take mode, cache, _fk, "
          "_busy_timeout and x-migrations-table)",
          shown, key));
    }
  }
  // A Conn serves one thread at a time (a pool hands it over under its own lock): SQLite's
  // per-connection mutex, taken by every sqlite3_column_* call, would only cost time.
  flags |= cache_flag | SQLITE_OPEN_NOMUTEX;

  const std::string& path = url_.database;
  if (path != ":memory:" && (flags & SQLITE_OPEN_MEMORY) == 0) {
    const fs::path parent = fs::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::is_directory(parent, ec)) {
      throw ConnectionError(fmt::format(
          "cannot open SQLite database {}: directory \"{}\" does not exist (create it first, "
          "e.g. mkdir -p {})",
          shown, parent.string(), parent.string()));
    }
    if ((flags & SQLITE_OPEN_CREATE) == 0 && !fs::exists(path, ec)) {
      throw ConnectionError(fmt::format(
          "cannot open SQLite database {}: file \"{}\" does not exist (mode={} does not create "
          "it)",
          shown, path, url_.params.at("mode")));
    }
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    throw ConnectionError(fmt::format("cannot open SQLite database {}: {}", shown,
                                      raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_ms);
  try {
    Exec(foreign_keys ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
    // Reading the schema cookie fails now, not at first use, when the file is not a database.
    Query("PRAGMA schema_version");
  } catch (const SqlError& e) {
    throw ConnectionError(
        fmt::format("cannot open SQLite database {}: {}", shown, e.server_message));
  }
  round_trips_ = 0;  // the set-up above is part of connecting, not a request of the caller
}

void SqliteConn::Run(std::string_view sql, std::string_view source_name) {
  size_t pos = SkipSpace(sql, 0);
  while (pos < sql.size()) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(db_.get(), sql.data() + pos,
                                      static_cast<int>(sql.size() - pos), &raw, &tail);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK) Fail(rc, sql, pos, std::string_view::npos, source_name);
    const size_t end = static_cast<size_t>(tail - sql.data());
    if (stmt != nullptr) {
      ++round_trips_;
      const std::string_view text = StatementText(sql, pos, end);
      const bool fk_check = IsForeignKeyCheck(text);
      std::string first_violation;
      size_t violations = 0;
      int step;
      while ((step = sqlite3_step(stmt.get())) == SQLITE_ROW) {
        if (!fk_check || violations++ > 0) continue;
        // table, rowid, parent, fkid
        auto column = [&](int i) {
          const unsigned char* v = sqlite3_column_text(stmt.get(), i);
          return v == nullptr ? std::string("NULL") : std::string(reinterpret_cast<const char*>(v));
        };
        first_violation = fmt::format("row {} of \"{}\" references a missing row of \"{}\"",
                                      column(1), column(0), column(2));
      }
      if (step != SQLITE_DONE) Fail(step, sql, pos, end, source_name);
      if (violations > 0) {
        std::string message = fmt::format("foreign key check failed: {}", first_violation);
        if (violations > 1) message += fmt::format(" ({} violations)", violations);
        const std::string where =
            source_name.empty() ? "" : fmt::format("{}:{}: ", source_name, LineAt(sql, pos));
        ConstraintError error(fmt::format("{}{}\n  statement: {}", where, message, text),
                              "SQLITE_CONSTRAINT_FOREIGNKEY", message, std::string(text), 0);
        error.kind = ConstraintError::Kind::kForeignKey;
        throw error;
      }
    }
    pos = SkipSpace(sql, std::max(end, pos + 1));
  }
}

Rows SqliteConn::Query(std::string_view sql,
                       const std::vector<std::optional<std::string>>& params) {
  const size_t begin = SkipSpace(sql, 0);
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db_.get(), sql.data() + begin,
                                    static_cast<int>(sql.size() - begin), &raw, &tail);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) Fail(rc, sql, begin, std::string_view::npos, {});
  const size_t end = static_cast<size_t>(tail - sql.data());
  if (stmt == nullptr || SkipSpace(sql, end) < sql.size()) {
    throw Error(fmt::format("Query runs exactly one statement (use Exec for scripts): {}", sql));
  }
  const int expected = sqlite3_bind_parameter_count(stmt.get());
  if (static_cast<int>(params.size()) != expected) {
    throw Error(fmt::format("the query takes {} parameters but was given {}: {}", expected,
                            params.size(), sql));
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    const int bound = params[i]
                          ? sqlite3_bind_text(stmt.get(), index, params[i]->data(),
                                              static_cast<int>(params[i]->size()), SQLITE_TRANSIENT)
                          : sqlite3_bind_null(stmt.get(), index);
    if (bound != SQLITE_OK) Fail(bound, sql, begin, end, {});
  }
  ++round_trips_;
  Rows out;
  const int n = sqlite3_column_count(stmt.get());
  for (int i = 0; i < n; ++i) out.columns.emplace_back(sqlite3_column_name(stmt.get(), i));
  int step;
  while ((step = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    Row row;
    row.reserve(n);
    for (int i = 0; i < n; ++i) {
      if (sqlite3_column_type(stmt.get(), i) == SQLITE_NULL) {
        row.emplace_back(std::nullopt);
      } else {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), i));
        row.emplace_back(std::string(text, sqlite3_column_bytes(stmt.get(), i)));
      }
    }
    out.rows.push_back(std::move(row));
  }
  if (step != SQLITE_DONE) Fail(step, sql, begin, end, {});
  return out;
}

void SqliteConn::Fail(int rc, std::string_view sql, size_t begin, size_t end,
                      std::string_view source_name) const {
  const std::string server = sqlite3_errmsg(db_.get());
  // The offset only points into the statement when it failed to compile.
  const int offset = end == std::string_view::npos ? sqlite3_error_offset(db_.get()) : -1;
  std::string statement;
  if (end != std::string_view::npos) {
    statement = StatementText(sql, begin, end);
  } else if (auto split = SplitStatements(sql.substr(begin)); !split.empty()) {
    statement = split.front().text;
  }
  const int position =
      offset >= 0 ? Characters(sql.substr(begin, static_cast<size_t>(offset))) + 1 : 0;
  const std::string description = sqlite3_errstr(rc);
  std::string message;
  if (!source_name.empty()) {
    const size_t at = offset >= 0 ? begin + static_cast<size_t>(offset) : begin;
    message = fmt::format("{}:{}: ", source_name, LineAt(sql, at));
  }
  message += server == description ? server : fmt::format("{}: {}", description, server);
  message += fmt::format("\n  statement: {}", statement);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    using Kind = ConstraintError::Kind;
    ConstraintError error(std::move(message), CodeName(rc), server, std::move(statement), position);
    switch (rc) {
      case SQLITE_CONSTRAINT_UNIQUE:
      case SQLITE_CONSTRAINT_PRIMARYKEY:
      case SQLITE_CONSTRAINT_ROWID:
        error.kind = Kind::kUnique;
        break;
      case SQLITE_CONSTRAINT_FOREIGNKEY:
        error.kind = Kind::kForeignKey;
        break;
      case SQLITE_CONSTRAINT_CHECK:
        error.kind = Kind::kCheck;
        break;
      case SQLITE_CONSTRAINT_NOTNULL:
        error.kind = Kind::kNotNull;
        break;
      default:
        break;
    }
    // "UNIQUE constraint failed: users.email", "CHECK constraint failed: age_positive".
    constexpr std::string_view kFailed = "failed: ";
    if (const size_t at = server.find(kFailed); at != std::string::npos) {
      error.constraint = server.substr(at + kFailed.size());
    }
    throw error;
  }
  throw SqlError(std::move(message), CodeName(rc), server, std::move(statement), position);
}

std::unique_ptr<Conn> Open(const Url& url) { return std::make_unique<SqliteConn>(url); }

SqliteConn& AsSqlite(Conn& conn) {
  auto* sqlite = dynamic_cast<SqliteConn*>(&conn);
  if (sqlite == nullptr) {
    throw Error(
        fmt::format("internal error: {} is not a SQLite connection", conn.url().Redacted()));
  }
  return *sqlite;
}

}  // namespace strata::driver::sqlite
