// Migration directories: the five file layouts strata reads and writes, versions, and the
// strata.sum integrity file (Atlas's atlas.sum algorithm).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata::migrate {

enum class DirFormat { kGolangMigrate, kAtlas, kGoose, kFlyway, kDbmate };

// "golang-migrate", "atlas", "goose", "flyway", "dbmate".
std::string_view DirFormatName(DirFormat f);
// Throws InputError listing the valid names.
DirFormat ParseDirFormat(std::string_view name);

// The format a folder's files are in: golang-migrate if any *.up.sql; else flyway if any
// V*__*.sql; else goose if a .sql file holds `-- +goose Up`; else dbmate if one holds
// `-- migrate:up`; else atlas if every .sql file is named <digits>[_<name>].sql. nullopt for a
// plain folder of .sql files (or none). Throws InputError when the folder cannot be read.
std::optional<DirFormat> DetectDirFormat(const std::filesystem::path& path);

// The integrity file of every directory.
inline constexpr std::string_view kSumFileName = "strata.sum";

// One version of a directory: its up part and, where the format has one, its down part.
struct Migration {
  std::string version;      // as written in the file name: "20240102030405", "3", "1.2" (flyway)
  std::string description;  // the name part: "init", "add_users"
  std::string up_file;      // file name (relative to the directory) holding the up part
  // File holding the down part; may equal up_file (goose, dbmate) or be empty (no down part).
  std::string down_file;
  std::string up_sql;    // the up statements (for goose/dbmate: the up section only)
  std::string down_sql;  // the down statements, empty if there are none
  int up_line = 1;       // line of up_file where up_sql starts (for error messages)
  int down_line = 1;     // line of down_file where down_sql starts
  // The file asks to run outside a transaction: `-- strata:txmode none`, goose's
  // `-- +goose NO TRANSACTION`, dbmate's `-- migrate:up transaction:false`.
  bool no_tx = false;
  // The same for the down part: `-- strata:txmode none` at the top of a separate down file
  // (golang-migrate, flyway), `-- migrate:down transaction:false` (dbmate); goose's
  // NO TRANSACTION and a leading strata directive in a goose/dbmate file cover both parts.
  bool down_no_tx = false;
};

// Compares two versions numerically (segment by segment for dotted flyway versions), so "10" sorts
// after "9" and long timestamps never overflow. Returns <0, 0, >0.
int CompareVersions(std::string_view a, std::string_view b);

class Dir {
 public:
  // Reads every migration of `path` in `format`. Throws InputError naming the file for malformed
  // names, duplicate versions, unreadable files, or a missing directory.
  static Dir Open(const std::filesystem::path& path, DirFormat format);
  // A directory held in memory (migrations embedded into a program): `files` are (file name,
  // content) pairs, strata.sum among them; files that are not .sql files are kept only to be
  // read (strata.sum). `path` names the directory in messages. The same errors as Open. Such a
  // directory cannot be written (WriteSum and Write throw InputError).
  static Dir FromFiles(const std::filesystem::path& path, DirFormat format,
                       std::vector<std::pair<std::string, std::string>> files);

  const std::filesystem::path& path() const { return path_; }
  // Whether the directory came from FromFiles.
  bool in_memory() const { return in_memory_; }
  // The content of file `name` of the directory (strata.sum included), nullopt when there is no
  // such file. Throws InputError when it cannot be read.
  std::optional<std::string> Read(const std::string& name) const;
  DirFormat format() const { return format_; }
  // In ascending version order.
  const std::vector<Migration>& migrations() const { return migrations_; }
  // The files strata may execute (up and down), in byte order of their names.
  std::vector<std::string> Files() const;

  // The strata.sum content for the directory's files as they are now.
  std::string ComputeSum() const;
  // Throws ChecksumError when strata.sum is missing (and the directory has files) or does not
  // match, naming each file added, edited or removed and saying to run `strata migrate hash`
  // if the change was intended.
  void VerifySum() const;
  // Rewrites strata.sum (atomically: temp file + rename).
  void WriteSum() const;

  // The version for a new migration: the current UTC time as YYYYMMDDHHMMSS (or the next sequence
  // number with `sequence`), always greater than every version already in the directory (when
  // the clock is not past the greatest timestamp, the second after it: still a valid UTC time).
  // Sequence numbers are zero-padded to the width of the greatest existing version when it is
  // padded; in an empty directory to the format's own convention (golang-migrate, atlas, dbmate:
  // 000001; goose: 00001; flyway: 1).
  std::string NextVersion(bool sequence) const;
  // The same at time `now` (for tests).
  std::string NextVersion(bool sequence, std::chrono::system_clock::time_point now) const;

  // Writes a new migration in the directory's format (up and down, comment header lines included
  // by the caller in the SQL), rewrites strata.sum, and returns the file names written. Files are
  // written to temporary names and renamed, so a failure leaves nothing half-written.
  // `name` is letters, digits, '_' and '-'. The atlas format has no down part: `down_sql` is not
  // written. A `-- strata:txmode none` line at the top of `up_sql`/`down_sql` becomes goose's
  // `-- +goose NO TRANSACTION` or dbmate's `transaction:false`. Throws InputError when the version
  // already exists. The Dir then lists the new migration.
  std::vector<std::string> Write(const std::string& version, const std::string& name,
                                 const std::string& up_sql, const std::string& down_sql);

 private:
  // Reads the migrations of `files` (.sql file names and contents, sorted by name).
  static Dir Parse(const std::filesystem::path& path, DirFormat format,
                   std::vector<std::pair<std::string, std::string>> files);
  // Throws InputError for a directory held in memory.
  void RequireOnDisk() const;

  std::filesystem::path path_;
  DirFormat format_ = DirFormat::kGolangMigrate;
  std::vector<Migration> migrations_;
  bool in_memory_ = false;
  std::map<std::string, std::string> contents_;  // in memory: every file, by name
};

}  // namespace strata::migrate
