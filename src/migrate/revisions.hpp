// The tracking tables, in the connection's current schema: strata_schema_revisions (one row per
// version, every directory format) and the table of the format's own tool, kept exactly as that
// tool keeps it so either can take over from the other: for golang-migrate directories
// schema_migrations (one row: the current version and a dirty flag, kept here), for dbmate, goose
// and flyway their one-row-per-version tables (ToolTable, tool_table.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/tool_table.hpp"
#include "strata/driver.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/schema.hpp"

namespace strata::migrate {

inline constexpr std::string_view kRevisionsTable = "strata_schema_revisions";
inline constexpr std::string_view kGolangTable = "schema_migrations";
// The URL parameter that names golang-migrate's table otherwise, as golang-migrate's own
// `x-migrations-table` does.
inline constexpr std::string_view kMigrationsTableParam = "x-migrations-table";

// The name of golang-migrate's table for the database of `url`: its x-migrations-table parameter,
// or schema_migrations. Throws InputError for an empty name.
std::string GolangTableName(const Url& url);
// The x-migrations-table parameter of `url` (naming dbmate's, goose's or flyway's table as well),
// or "" for the tool's default name. Throws InputError for an empty name.
std::string MigrationsTableParam(const Url& url);
// The table of LockStrategy::kTable.
inline constexpr std::string_view kLockTable = "strata_schema_lock";

// Whether `table` is a tracking table: strata_schema_revisions, strata_schema_lock, or a tool's
// table — named `golang_table` (see GolangTableName), goose_db_version or flyway_schema_history —
// with exactly the columns of golang-migrate's (version bigint, dirty boolean), dbmate's, goose's
// or flyway's table (a user's table of that name with other columns is not). migrate::Inspect
// leaves them out: they are not the user's schema.
bool IsTrackingTable(const schema::Table& table, std::string_view golang_table = kGolangTable);

// One row of strata_schema_revisions.
//   kind            "applied" (run by strata), "baseline" (--baseline), "adopted" (the tool's
//                   table said it was applied), "set" (strata migrate set)
//   applied/total   statements of the up part that have run / that it has
//   execution_ms    null while the file runs and after it failed
//   error           the server's message when the file failed; error_stmt the failing statement
//   hash            base64 SHA-256 of the up part, to report files edited after they ran
//   applied_hash    base64 SHA-256 of the first `applied` statements while the file is unfinished
//                   (tx-mode none resume check); null once it finished
struct Revision {
  std::string version;
  std::string description;
  std::string kind = "applied";
  int applied = 0;
  int total = 0;
  std::string executed_at;
  std::optional<std::int64_t> execution_ms;
  std::optional<std::string> error;
  std::optional<std::string> error_stmt;
  std::string hash;
  std::optional<std::string> applied_hash;

  bool finished() const { return execution_ms.has_value() && !error.has_value(); }
  bool failed() const { return error.has_value(); }
  bool interrupted() const { return !execution_ms.has_value() && !error.has_value(); }
};

// schema_migrations' row. golang-migrate writes version -1 (its NilVersion) with dirty=true when
// the down part of the first version fails.
struct GolangVersion {
  std::int64_t version = 0;
  bool dirty = false;
};

class Tracking {
 public:
  // `format`: the directory's format, whose tool's table is kept too; `dir`: where its files are
  // (flyway's checksums are of the files).
  Tracking(Conn& conn, DirFormat format, std::filesystem::path dir);

  // Reads the tables; absent tables read as empty. Revisions come back in version order. Throws
  // InputError when the tool's table exists with other columns than the tool's (a user's table).
  void Load();
  // Creates the tables that do not exist yet. Call with the migration lock held.
  void EnsureTables();

  bool golang_migrate() const { return golang_migrate_; }
  // golang-migrate's table's name (schema_migrations unless the URL says otherwise), for messages.
  const std::string& golang_table_name() const { return golang_name_; }
  bool has_revisions_table() const { return has_revisions_; }
  bool has_golang_table() const { return has_golang_; }
  const std::vector<Revision>& revisions() const { return revisions_; }
  // schema_migrations' row, if the table exists and has one.
  const std::optional<GolangVersion>& golang() const { return golang_; }
  // Rows in schema_migrations: golang-migrate keeps exactly one (or none).
  int golang_rows() const { return golang_rows_; }
  // dbmate's, goose's or flyway's table for directories of that format; null otherwise.
  const ToolTable* tool() const { return tool_.get(); }

  // SQL text that changes the tables; callers join several into one Exec, inside a transaction
  // they control or wrapped by Atomic().
  std::string Upsert(const Revision& r) const;
  std::string Delete(std::string_view version) const;
  std::string Progress(std::string_view version, int applied, std::string_view applied_hash) const;
  std::string Finish(std::string_view version, int applied, std::int64_t execution_ms) const;
  std::string Fail(std::string_view version, int applied,
                   const std::optional<std::string>& applied_hash, std::string_view error,
                   std::string_view error_stmt) const;
  // golang-migrate's SetVersion: empty the table, then insert (version, dirty) unless `version`
  // is empty (nothing applied), in the caller's transaction. Empty text for other formats.
  std::string SetGolang(const std::optional<std::int64_t>& version, bool dirty) const;
  // The tool's record of `m` as applied (`execution_ms` after it started) or of `version` as
  // reverted, in the caller's transaction. Empty text for formats without such a table.
  std::string ToolApplied(const Migration& m, std::int64_t execution_ms) const;
  std::string ToolReverted(std::string_view version) const;
  // `sql` wrapped in BEGIN … COMMIT, to run atomically in one round trip.
  static std::string Atomic(const std::string& sql);
  // Runs Atomic(sql); when it fails, rolls back what the request left open (an aborted
  // transaction on PostgreSQL, an open one on SQLite) before passing the error on, so that the
  // session stays usable (the migration lock is released on it).
  static void ExecAtomic(Conn& conn, const std::string& sql);

  // The current UTC time as ISO 8601 with milliseconds, the form executed_at is written in.
  static std::string Now();

 private:
  std::string Literal(const std::optional<std::string>& value) const;

  Conn& conn_;
  DirFormat format_;
  std::filesystem::path dir_;
  bool golang_migrate_;
  std::string golang_name_;
  std::string schema_;
  std::string revisions_table_;  // qualified, quoted
  std::string golang_table_;     // qualified (PostgreSQL), quoted
  bool has_revisions_ = false;
  bool has_golang_ = false;
  std::vector<Revision> revisions_;
  std::optional<GolangVersion> golang_;
  int golang_rows_ = 0;
  std::unique_ptr<ToolTable> tool_;
};

// The golang-migrate version number of a directory version ("0001" → 1). Throws InputError when
// it is not an integer that fits in a bigint.
std::int64_t GolangVersionNumber(std::string_view version);

}  // namespace strata::migrate
