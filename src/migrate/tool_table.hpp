// The tracking table of the tool a directory format belongs to, for the tools that keep one row
// per applied version (dbmate, goose, flyway): read so that a database the tool migrated is taken
// over, and written with every file strata applies or reverts so that the tool, run afterwards,
// sees exactly the state strata left. golang-migrate's one-row table lives in revisions.hpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/driver.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/schema.hpp"

namespace strata::migrate {

class ToolTable {
 public:
  virtual ~ToolTable() = default;

  // The table of `format`'s tool, named `name` (empty: the tool's default name), in the
  // connection's current schema `schema` (PostgreSQL; ignored on SQLite); null for formats whose
  // tool keeps no such table (atlas, and golang-migrate, kept by Tracking itself). `dir` is where
  // the files are read from (flyway's checksums).
  static std::unique_ptr<ToolTable> For(DirFormat format, Conn& conn, std::string name,
                                        const std::string& schema, std::filesystem::path dir);

  // The tool's default name for its table in `format`; empty for formats without one.
  static std::string_view DefaultName(DirFormat format);

  std::string_view tool() const { return tool_; }
  const std::string& name() const { return name_; }
  bool exists() const { return exists_; }
  // Versions the tool records as applied, as it writes them ("20240102030405", "3", "1.1").
  const std::vector<std::string>& applied() const { return applied_; }
  // Versions the tool records as failed (flyway's success = false rows), which need a human.
  const std::vector<std::string>& failed() const { return failed_; }
  // Flyway's baseline: every version up to it counts as applied.
  const std::optional<std::string>& baseline() const { return baseline_; }
  // Whether the tool's `recorded` version is the directory's `version` (dbmate compares the
  // strings, goose and flyway the numbers).
  virtual bool Matches(std::string_view recorded, std::string_view version) const;

  // Reads the table. Throws InputError when a table of that name exists with other columns: it is
  // a user's table, and strata leaves it alone.
  void Load();
  // The statements that create the table as the tool does (goose also writes its version 0 row).
  virtual std::string Create() const = 0;
  // SQL recording `m` as applied, `execution_ms` after it started, in the caller's transaction.
  virtual std::string Insert(const Migration& m, std::int64_t execution_ms) const = 0;
  // SQL forgetting every row of `version` (the directory's spelling), as the tool's down does.
  std::string Delete(std::string_view version) const;

  // Whether `table` has the columns of dbmate's, goose's or flyway's table (names in order, types
  // as those tools declare them on PostgreSQL or SQLite).
  static bool HasToolLayout(const schema::Table& table);

  // One column of a tool's layout: its name and the types the tool declares it with.
  struct Column {
    std::string_view name;
    std::vector<std::string_view> types;
  };

 protected:
  // An empty `name` is the tool's default for `format` (DefaultName).
  ToolTable(Conn& conn, std::string_view tool, DirFormat format, std::vector<Column> layout,
            std::string name, const std::string& schema);

  // Reads the rows once the table is known to have the tool's layout.
  virtual void Read() = 0;
  // The literal the tool stores for the directory's `version`.
  virtual std::string VersionLiteral(std::string_view version) const;
  virtual std::string_view VersionColumn() const = 0;

  bool pg() const { return conn_.dialect() == Dialect::kPostgres; }

  Conn& conn_;
  std::string tool_;
  std::vector<Column> layout_;
  std::string name_;
  std::string schema_;
  std::string table_;  // qualified (PostgreSQL) and quoted, for SQL
  bool exists_ = false;
  std::vector<std::string> applied_;
  std::vector<std::string> failed_;
  std::optional<std::string> baseline_;
  std::vector<std::string> recorded_;  // every version string in the table, for Delete
};

// Flyway's checksum of a script: CRC-32 of its lines read as Java's BufferedReader reads them
// (line terminators \n, \r\n and \r dropped, a leading byte-order mark dropped), as a signed
// 32-bit number.
std::int32_t FlywayChecksum(std::string_view content);

}  // namespace strata::migrate
