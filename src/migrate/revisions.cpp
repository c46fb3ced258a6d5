// The tracking tables (see revisions.hpp): reading them, creating them, and the SQL that updates
// them, for PostgreSQL and SQLite.
#include "migrate/revisions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <ctime>

#include "strata/error.hpp"
#include "strata/migrate/dir.hpp"

namespace strata::migrate {
namespace {

const std::optional<std::string>& Cell(const Row& row, size_t col) {
  static const std::optional<std::string> kNull;
  return col < row.size() ? row[col] : kNull;
}

// A number read from a tracking table, 0 for NULL. The tables can be edited by hand (and SQLite
// stores text in an INTEGER column), so anything else is an InputError naming where it was found.
std::int64_t ToNumber(const std::optional<std::string>& v, std::string_view table,
                      std::string_view column) {
  if (!v) return 0;
  std::int64_t n = 0;
  const char* end = v->data() + v->size();
  const auto [ptr, ec] = std::from_chars(v->data(), end, n);
  if (ec != std::errc() || ptr != end) {
    throw InputError(fmt::format(
        "{} holds \"{}\" in column {}, where a whole number belongs: the table was edited by "
        "hand; correct the row, or repair the tracking with `strata migrate set VERSION`",
        table, *v, column));
  }
  return n;
}

bool ToBool(const std::optional<std::string>& v) {
  return v && (*v == "t" || *v == "true" || *v == "1" || *v == "TRUE");
}

}  // namespace

std::string GolangTableName(const Url& url) {
  auto it = url.params.find(std::string(kMigrationsTableParam));
  if (it == url.params.end()) return std::string(kGolangTable);
  if (it->second.empty()) {
    throw InputError(fmt::format("database URL {}: {} is empty: give the table's name",
                                 url.Redacted(), kMigrationsTableParam));
  }
  return it->second;
}

std::string MigrationsTableParam(const Url& url) {
  return url.params.count(std::string(kMigrationsTableParam)) ? GolangTableName(url) : "";
}

bool IsTrackingTable(const schema::Table& table, std::string_view golang_table) {
  if (table.name == kRevisionsTable || table.name == kLockTable) return true;
  if (table.name != golang_table && table.name != ToolTable::DefaultName(DirFormat::kGoose) &&
      table.name != ToolTable::DefaultName(DirFormat::kFlyway)) {
    return false;
  }
  if (ToolTable::HasToolLayout(table)) return true;
  if (table.name != golang_table || table.columns.size() != 2) return false;
  // The types golang-migrate's postgres and sqlite3 drivers declare (SQLite keeps them as
  // written, in any case).
  auto is = [](const schema::Column& c, std::string_view name,
               std::initializer_list<std::string_view> types) {
    if (c.name != name) return false;
    std::string type = c.type;
    for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return std::find(types.begin(), types.end(), type) != types.end();
  };
  return is(table.columns[0], "version", {"bigint", "uint64"}) &&
         is(table.columns[1], "dirty", {"boolean", "bool"});
}

std::int64_t GolangVersionNumber(std::string_view version) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(version.data(), version.data() + version.size(), n);
  if (ec != std::errc() || end != version.data() + version.size() || n < 0) {
    throw InputError(fmt::format(
        "version \"{}\" cannot be recorded in golang-migrate's schema_migrations, which holds a "
        "bigint: golang-migrate versions are whole numbers",
        version));
  }
  return n;
}

Tracking::Tracking(Conn& conn, DirFormat format, std::filesystem::path dir)
    : conn_(conn),
      format_(format),
      dir_(std::move(dir)),
      golang_migrate_(format == DirFormat::kGolangMigrate),
      golang_name_(GolangTableName(conn.url())) {}

void Tracking::Load() {
  std::vector<std::string> present;
  if (conn_.dialect() == Dialect::kPostgres) {
    const Rows schema = conn_.Query("SELECT current_schema()");
    if (schema.rows.empty() || !Cell(schema.rows[0], 0)) {
      throw InputError(fmt::format(
          "{}: no current schema: the URL's search_path names a schema that does not exist; "
          "create it first (CREATE SCHEMA …) or fix the URL",
          conn_.url().Redacted()));
    }
    schema_ = *Cell(schema.rows[0], 0);
    revisions_table_ = QuoteIdent(schema_) + "." + std::string(kRevisionsTable);
    golang_table_ = QuoteIdent(schema_) + "." + QuoteIdent(golang_name_);
    for (const Row& r :
         conn_
             .Query(
                 "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname IN ($2, $3)",
                 {schema_, std::string(kRevisionsTable), golang_name_})
             .rows) {
      present.push_back(Cell(r, 0).value_or(""));
    }
  } else {
    schema_ = "main";
    revisions_table_ = kRevisionsTable;
    // Unquoted when it needs no quotes, as golang-migrate's sqlite3 driver writes it: SQLite keeps
    // the CREATE TABLE text, and a database that golang-migrate set up is then the same.
    const bool plain = !golang_name_.empty() &&
                       !std::isdigit(static_cast<unsigned char>(golang_name_[0])) &&
                       std::all_of(golang_name_.begin(), golang_name_.end(), [](char c) {
                         return c == '_' || std::islower(static_cast<unsigned char>(c)) ||
                                std::isdigit(static_cast<unsigned char>(c));
                       });
    golang_table_ = plain ? golang_name_ : QuoteIdent(golang_name_);
    for (const Row& r : conn_
                            .Query("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                   "name IN (?1, ?2)",
                                   {std::string(kRevisionsTable), golang_name_})
                            .rows) {
      present.push_back(Cell(r, 0).value_or(""));
    }
  }
  has_revisions_ = std::find(present.begin(), present.end(), kRevisionsTable) != present.end();
  has_golang_ = std::find(present.begin(), present.end(), golang_name_) != present.end();

  revisions_.clear();
  if (has_revisions_) {
    const Rows rows = conn_.Query(
        "SELECT version, description, kind, applied, total, executed_at, execution_time, error, "
        "error_stmt, hash, applied_hash FROM " +
        revisions_table_);
    for (const Row& row : rows.rows) {
      Revision r;
      r.version = Cell(row, 0).value_or("");
      r.description = Cell(row, 1).value_or("");
      r.kind = Cell(row, 2).value_or("");
      r.applied = static_cast<int>(ToNumber(Cell(row, 3), revisions_table_, "applied"));
      r.total = static_cast<int>(ToNumber(Cell(row, 4), revisions_table_, "total"));
      r.executed_at = Cell(row, 5).value_or("");
      if (const auto& ms = Cell(row, 6)) {
        r.execution_ms = ToNumber(ms, revisions_table_, "execution_time");
      }
      r.error = Cell(row, 7);
      r.error_stmt = Cell(row, 8);
      r.hash = Cell(row, 9).value_or("");
      r.applied_hash = Cell(row, 10);
      revisions_.push_back(std::move(r));
    }
    std::sort(revisions_.begin(), revisions_.end(), [](const Revision& a, const Revision& b) {
      return CompareVersions(a.version, b.version) < 0;
    });
  }

  tool_ = ToolTable::For(format_, conn_, MigrationsTableParam(conn_.url()), schema_, dir_);
  if (tool_) tool_->Load();

  golang_.reset();
  golang_rows_ = 0;
  if (golang_migrate_ && has_golang_) {
    Rows rows;
    try {
      rows = conn_.Query("SELECT version, dirty FROM " + golang_table_);
    } catch (const SqlError& e) {
      throw InputError(fmt::format(
          "{}: the table {} is not golang-migrate's tracking table (version bigint, dirty "
          "boolean): {}. It is a table of yours or another tool's (dbmate's table has the same "
          "name and one column, version varchar: use --dir-format dbmate for a dbmate "
          "directory), and strata leaves it alone; point strata and golang-migrate at another "
          "table with the URL parameter x-migrations-table=NAME",
          conn_.url().Redacted(), golang_name_, e.server_message));
    }
    golang_rows_ = static_cast<int>(rows.rows.size());
    if (!rows.rows.empty()) {
      golang_ = GolangVersion{ToNumber(Cell(rows.rows[0], 0), golang_table_, "version"),
                              ToBool(Cell(rows.rows[0], 1))};
    }
  }
}

void Tracking::EnsureTables() {
  const bool pg = conn_.dialect() == Dialect::kPostgres;
  std::string sql;
  if (!has_revisions_) {
    sql += fmt::format(
        "CREATE TABLE IF NOT EXISTS {} (version {t} NOT NULL PRIMARY KEY, description {t} NOT "
        "NULL, kind {t} NOT NULL, applied integer NOT NULL, total integer NOT NULL, executed_at "
        "{ts} NOT NULL, execution_time bigint, error {t}, error_stmt {t}, hash {t} NOT NULL, "
        "applied_hash {t});\n",
        revisions_table_, fmt::arg("t", pg ? "text" : "TEXT"),
        fmt::arg("ts", pg ? "timestamptz" : "TEXT"));
  }
  if (golang_migrate_ && !has_golang_) {
    // Exactly the tables golang-migrate's postgres and sqlite3 drivers create.
    sql += pg ? fmt::format(
                    "CREATE TABLE IF NOT EXISTS {} (version bigint not null primary key, "
                    "dirty boolean not null);\n",
                    golang_table_)
              : fmt::format(
                    "CREATE TABLE IF NOT EXISTS {0} (version uint64,dirty bool);\n"
                    "CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON {0} (version);\n",
                    golang_table_);
  }
  const bool create_tool = tool_ && !tool_->exists();
  if (create_tool) sql += tool_->Create();
  if (sql.empty()) return;
  ExecAtomic(conn_, sql);
  has_revisions_ = true;
  has_golang_ = has_golang_ || golang_migrate_;
  if (create_tool) tool_->Load();
}

std::string Tracking::Literal(const std::optional<std::string>& value) const {
  if (!value) return "NULL";
  // With standard_conforming_strings off a backslash would escape; E'' strings mean the same
  // under either setting.
  if (conn_.dialect() == Dialect::kPostgres && value->find('\\') != std::string::npos) {
    std::string out = "E'";
    for (char c : *value) {
      if (c == '\'' || c == '\\') out.push_back(c);
      out.push_back(c);
    }
    return out + "'";
  }
  return QuoteLiteral(*value);
}

std::string Tracking::Upsert(const Revision& r) const {
  return fmt::format(
      "INSERT INTO {} (version, description, kind, applied, total, executed_at, execution_time, "
      "error, error_stmt, hash, applied_hash) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
      "ON CONFLICT (version) DO UPDATE SET description = excluded.description, kind = "
      "excluded.kind, applied = excluded.applied, total = excluded.total, executed_at = "
      "excluded.executed_at, execution_time = excluded.execution_time, error = excluded.error, "
      "error_stmt = excluded.error_stmt, hash = excluded.hash, applied_hash = "
      "excluded.applied_hash;\n",
      revisions_table_, Literal(r.version), Literal(r.description), Literal(r.kind), r.applied,
      r.total, Literal(r.executed_at),
      r.execution_ms ? std::to_string(*r.execution_ms) : std::string("NULL"), Literal(r.error),
      Literal(r.error_stmt), Literal(r.hash), Literal(r.applied_hash));
}

std::string Tracking::Delete(std::string_view version) const {
  return fmt::format("DELETE FROM {} WHERE version = {};\n", revisions_table_,
                     Literal(std::string(version)));
}

std::string Tracking::Progress(std::string_view version, int applied,
                               std::string_view applied_hash) const {
  return fmt::format("UPDATE {} SET applied = {}, applied_hash = {} WHERE version = {};\n",
                     revisions_table_, applied, Literal(std::string(applied_hash)),
                     Literal(std::string(version)));
}

std::string Tracking::Finish(std::string_view version, int applied,
                             std::int64_t execution_ms) const {
  return fmt::format(
      "UPDATE {} SET applied = {}, execution_time = {}, error = NULL, error_stmt = NULL, "
      "applied_hash = NULL WHERE version = {};\n",
      revisions_table_, applied, execution_ms, Literal(std::string(version)));
}

std::string Tracking::Fail(std::string_view version, int applied,
                           const std::optional<std::string>& applied_hash, std::string_view error,
                           std::string_view error_stmt) const {
  return fmt::format(
      "UPDATE {} SET applied = {}, applied_hash = {}, execution_time = NULL, error = {}, "
      "error_stmt = {} WHERE version = {};\n",
      revisions_table_, applied, Literal(applied_hash), Literal(std::string(error)),
      Literal(std::string(error_stmt)), Literal(std::string(version)));
}

std::string Tracking::SetGolang(const std::optional<std::int64_t>& version, bool dirty) const {
  if (!golang_migrate_) return {};
  const bool pg = conn_.dialect() == Dialect::kPostgres;
  // golang-migrate empties the table with TRUNCATE; DELETE leaves the same content without
  // creating new files for the table and its index twice per migration file.
  std::string sql = fmt::format("DELETE FROM {};\n", golang_table_);
  if (version) {
    sql += fmt::format("INSERT INTO {} (version, dirty) VALUES ({}, {});\n", golang_table_,
                       *version, pg ? (dirty ? "true" : "false") : (dirty ? "1" : "0"));
  }
  return sql;
}

std::string Tracking::ToolApplied(const Migration& m, std::int64_t execution_ms) const {
  return tool_ ? tool_->Insert(m, execution_ms) : std::string();
}

std::string Tracking::ToolReverted(std::string_view version) const {
  return tool_ ? tool_->Delete(version) : std::string();
}

std::string Tracking::Atomic(const std::string& sql) { return "BEGIN;\n" + sql + "COMMIT;"; }

void Tracking::ExecAtomic(Conn& conn, const std::string& sql) {
  try {
    conn.Exec(Atomic(sql));
  } catch (const Error&) {
    if (conn.InTransaction()) {
      try {
        conn.Exec("ROLLBACK");
      } catch (const Error&) {
        // The connection is unusable; the first error is the one to report.
      }
    }
    throw;
  }
}

std::string Tracking::Now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, ms);
}

}  // namespace strata::migrate
