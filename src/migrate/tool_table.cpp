// dbmate's, goose's and flyway's tracking tables (see tool_table.hpp): their layouts, how each
// tool reads them and the rows each writes, from the tools' own sources: dbmate's
// pkg/driver/{postgres,sqlite}, goose's internal/dialects/{postgres,sqlite3}.go, database/store
// and migrate.go, flyway's PostgreSQLDatabase/SQLiteDatabase create scripts,
// JdbcTableSchemaHistory and ChecksumCalculator.
#include "migrate/tool_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "migrate/file_io.hpp"
#include "migrate/lock.hpp"
#include "strata/error.hpp"

namespace strata::migrate {
namespace {

const std::optional<std::string>& Cell(const Row& row, size_t col) {
  static const std::optional<std::string> kNull;
  return col < row.size() ? row[col] : kNull;
}

bool IsTrue(const std::optional<std::string>& v) {
  return v && (*v == "t" || *v == "true" || *v == "1" || *v == "TRUE");
}

// "character varying(128)" → "character varying", "INTEGER" → "integer".
std::string TypeFamily(std::string_view type) {
  std::string out(type.substr(0, type.find('(')));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The types dbmate, goose and flyway declare, as PostgreSQL's format_type and SQLite's declared
// text (lowercased, without a length) spell them.
const std::vector<std::string_view> kText = {"character varying", "varchar", "text"};
const std::vector<std::string_view> kInt = {"integer", "int", "bigint"};
const std::vector<std::string_view> kBool = {"boolean", "bool", "integer"};
const std::vector<std::string_view> kTime = {"timestamp without time zone", "timestamp", "text"};

using Column = ToolTable::Column;
using Columns = std::vector<std::pair<std::string, std::string>>;

const std::vector<Column>& DbmateLayout() {
  static const std::vector<Column> kLayout = {{"version", kText}};
  return kLayout;
}
const std::vector<Column>& GooseLayout() {
  static const std::vector<Column> kLayout = {
      {"id", kInt}, {"version_id", kInt}, {"is_applied", kBool}, {"tstamp", kTime}};
  return kLayout;
}
const std::vector<Column>& FlywayLayout() {
  static const std::vector<Column> kLayout = {{"installed_rank", kInt}, {"version", kText},
                                              {"description", kText},   {"type", kText},
                                              {"script", kText},        {"checksum", kInt},
                                              {"installed_by", kText},  {"installed_on", kTime},
                                              {"execution_time", kInt}, {"success", kBool}};
  return kLayout;
}

// Whether `columns` (name, declared type) are exactly `layout`.
bool SameLayout(const std::vector<Column>& layout, const Columns& columns) {
  if (columns.size() != layout.size()) return false;
  for (size_t i = 0; i < layout.size(); ++i) {
    const std::string family = TypeFamily(columns[i].second);
    if (columns[i].first != layout[i].name ||
        std::find(layout[i].types.begin(), layout[i].types.end(), family) ==
            layout[i].types.end()) {
      return false;
    }
  }
  return true;
}

// How a table is written in SQL: schema-qualified on PostgreSQL, quoted when it needs it.
std::string QualifiedName(Conn& conn, const std::string& schema, const std::string& name) {
  return conn.dialect() == Dialect::kPostgres ? QuoteIdent(schema) + "." + QuoteIdent(name)
                                              : QuoteIdent(name);
}

// dbmate: `schema_migrations (version varchar primary key)`, one row per applied version, the
// version as its file name writes it; up inserts it, rollback deletes it.
class DbmateTable final : public ToolTable {
 public:
  DbmateTable(Conn& conn, std::string name, const std::string& schema)
      : ToolTable(conn, "dbmate", DirFormat::kDbmate, DbmateLayout(), std::move(name), schema) {}

  bool Matches(std::string_view recorded, std::string_view version) const override {
    return recorded == version;
  }
  std::string Create() const override {
    // dbmate's PostgreSQL driver declares varchar without a length, its SQLite driver 128.
    return fmt::format("create table if not exists {} (version {} primary key);\n", table_,
                       pg() ? "varchar" : "varchar(128)");
  }
  std::string Insert(const Migration& m, std::int64_t) const override {
    return fmt::format("insert into {} (version) values ({});\n", table_, QuoteLiteral(m.version));
  }

 protected:
  void Read() override {
    for (const Row& row : conn_.Query("select version from " + table_).rows) {
      const std::string v = Cell(row, 0).value_or("");
      applied_.push_back(v);
      recorded_.push_back(v);
    }
  }
  std::string_view VersionColumn() const override { return "version"; }
};

// goose: goose_db_version (id, version_id, is_applied, tstamp). Creating the table writes a
// version 0 row; up inserts (version, true); down deletes the version's rows (goose before v3.x
// inserted (version, false) instead, so the latest row of a version decides, as goose's
// EnsureDBVersion still reads it).
class GooseTable final : public ToolTable {
 public:
  GooseTable(Conn& conn, std::string name, const std::string& schema)
      : ToolTable(conn, "goose", DirFormat::kGoose, GooseLayout(), std::move(name), schema) {}

  std::string Create() const override {
    const std::string table =
        pg() ? fmt::format(
                   "CREATE TABLE {} (\n\t\tid integer PRIMARY KEY GENERATED BY DEFAULT AS "
                   "IDENTITY,\n\t\tversion_id bigint NOT NULL,\n\t\tis_applied boolean NOT "
                   "NULL,\n\t\ttstamp timestamp NOT NULL DEFAULT now()\n\t);\n",
                   table_)
             : fmt::format(
                   "CREATE TABLE {} (\n\t\tid INTEGER PRIMARY KEY AUTOINCREMENT,\n\t\tversion_id "
                   "INTEGER NOT NULL,\n\t\tis_applied INTEGER NOT NULL,\n\t\ttstamp TIMESTAMP "
                   "DEFAULT (datetime('now'))\n\t);\n",
                   table_);
    return table + Row(0);
  }
  std::string Insert(const Migration& m, std::int64_t) const override {
    return Row(Number(m.version));
  }

 protected:
  void Read() override {
    // Oldest first: a later row of a version overrides an earlier one.
    std::map<std::int64_t, bool> latest;
    for (const strata::Row& row :
         conn_.Query("SELECT version_id, is_applied FROM " + table_ + " ORDER BY id").rows) {
      const std::string v = Cell(row, 0).value_or("");
      latest[Number(v)] = IsTrue(Cell(row, 1));
      recorded_.push_back(v);
    }
    for (const auto& [version, is_applied] : latest) {
      if (version != 0 && is_applied) applied_.push_back(std::to_string(version));
    }
  }
  std::string VersionLiteral(std::string_view version) const override {
    return std::to_string(Number(version));
  }
  std::string_view VersionColumn() const override { return "version_id"; }

 private:
  std::string Row(std::int64_t version) const {
    return fmt::format("INSERT INTO {} (version_id, is_applied) VALUES ({}, {});\n", table_,
                       version, pg() ? "true" : "1");
  }
  std::int64_t Number(std::string_view version) const {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(version.data(), version.data() + version.size(), n);
    if (ec != std::errc() || end != version.data() + version.size() || n < 0) {
      throw InputError(fmt::format(
          "version \"{}\" cannot be recorded in goose's {}, whose version_id is a bigint: "
          "goose versions are whole numbers; correct the row or the file name",
          version, name_));
    }
    return n;
  }
};

// flyway: flyway_schema_history, one row per run of a script, numbered by installed_rank. A
// version is applied when its latest row succeeded and is not an undo (UNDO_SQL, written by
// flyway Teams' undo) or a DELETE marker (written by `flyway repair`); a BASELINE row stands for
// every version up to it. strata reverts by deleting the version's rows, what flyway's
// community edition (which has no undo) can read back.
class FlywayTable final : public ToolTable {
 public:
  FlywayTable(Conn& conn, std::string name, const std::string& schema, std::filesystem::path dir)
      : ToolTable(conn, "flyway", DirFormat::kFlyway, FlywayLayout(), std::move(name), schema),
        dir_(std::move(dir)) {}

  std::string Create() const override {
    if (pg()) {
      return fmt::format(
          "CREATE TABLE {0} (\n    \"installed_rank\" INT NOT NULL,\n    \"version\" "
          "VARCHAR(50),\n    \"description\" VARCHAR(200) NOT NULL,\n    \"type\" VARCHAR(20) NOT "
          "NULL,\n    \"script\" VARCHAR(1000) NOT NULL,\n    \"checksum\" INTEGER,\n    "
          "\"installed_by\" VARCHAR(100) NOT NULL,\n    \"installed_on\" TIMESTAMP NOT NULL "
          "DEFAULT now(),\n    \"execution_time\" INTEGER NOT NULL,\n    \"success\" BOOLEAN NOT "
          "NULL\n);\nALTER TABLE {0} ADD CONSTRAINT {1} PRIMARY KEY (\"installed_rank\");\n"
          "CREATE INDEX {2} ON {0} (\"success\");\n",
          table_, QuoteIdent(name_ + "_pk"), QuoteIdent(name_ + "_s_idx"));
    }
    return fmt::format(
        "CREATE TABLE {0} (\n    \"installed_rank\" INT NOT NULL PRIMARY KEY,\n    \"version\" "
        "VARCHAR(50),\n    \"description\" VARCHAR(200) NOT NULL,\n    \"type\" VARCHAR(20) NOT "
        "NULL,\n    \"script\" VARCHAR(1000) NOT NULL,\n    \"checksum\" INT,\n    "
        "\"installed_by\" VARCHAR(100) NOT NULL,\n    \"installed_on\" TEXT NOT NULL DEFAULT "
        "(strftime('%Y-%m-%d %H:%M:%f','now')),\n    \"execution_time\" INT NOT NULL,\n    "
        "\"success\" BOOLEAN NOT NULL\n);\nCREATE INDEX \"main\".{1} ON {0} (\"success\");\n",
        table_, QuoteIdent(name_ + "_s_idx"));
  }
  std::string Insert(const Migration& m, std::int64_t execution_ms) const override {
    // The description is the name part with '_' read as ' ', as flyway's resource name parser
    // gives it; installed_by is the session user on PostgreSQL and empty on SQLite (flyway's
    // SQLite driver knows no user).
    std::string description = m.description;
    std::replace(description.begin(), description.end(), '_', ' ');
    return fmt::format(
        "INSERT INTO {0} (\"installed_rank\", \"version\", \"description\", \"type\", "
        "\"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\") SELECT "
        "COALESCE(MAX(\"installed_rank\"), 0) + 1, {1}, {2}, 'SQL', {3}, {4}, {5}, {6}, {7} FROM "
        "{0};\n",
        table_, QuoteLiteral(m.version), QuoteLiteral(description), QuoteLiteral(m.up_file),
        FlywayChecksum(ReadScript(m.up_file)), pg() ? "current_user" : "''", execution_ms,
        pg() ? "true" : "1");
  }

 protected:
  void Read() override {
    struct Latest {
      std::string type;
      bool success = false;
    };
    std::map<std::string, Latest, bool (*)(const std::string&, const std::string&)> latest(
        [](const std::string& a, const std::string& b) { return CompareVersions(a, b) < 0; });
    const Rows rows = conn_.Query("SELECT \"version\", \"type\", \"success\" FROM " + table_ +
                                  " ORDER BY \"installed_rank\"");
    for (const strata::Row& row : rows.rows) {
      // Repeatable migrations (R__) and flyway's schema-creation marker have no version.
      if (!Cell(row, 0)) continue;
      const std::string& v = *Cell(row, 0);
      recorded_.push_back(v);
      latest[v] = Latest{Cell(row, 1).value_or(""), IsTrue(Cell(row, 2))};
    }
    for (const auto& [version, row] : latest) {
      if (row.type == "UNDO_SQL" || row.type == "UNDO_JDBC" || row.type == "DELETE") continue;
      if (!row.success) {
        failed_.push_back(version);
      } else if (row.type == "BASELINE" || row.type == "SQL_BASELINE") {
        if (!baseline_ || CompareVersions(version, *baseline_) > 0) baseline_ = version;
        if (row.type == "SQL_BASELINE") applied_.push_back(version);
      } else {
        applied_.push_back(version);
      }
    }
  }
  std::string_view VersionColumn() const override { return "\"version\""; }

 private:
  std::string ReadScript(const std::string& file) const { return ReadFile(dir_ / file); }

  std::filesystem::path dir_;
};

}  // namespace

std::int32_t FlywayChecksum(std::string_view content) {
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  // The lines without their terminators, joined: CRC-32 is computed over a stream, so updating it
  // line by line (as flyway does) equals computing it over the concatenation.
  std::string joined;
  joined.reserve(content.size());
  for (size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '\r' || content[i] == '\n') continue;
    joined.push_back(content[i]);
  }
  return static_cast<std::int32_t>(Crc32(joined));
}

ToolTable::ToolTable(Conn& conn, std::string_view tool, DirFormat format,
                     std::vector<Column> layout, std::string name, const std::string& schema)
    : conn_(conn),
      tool_(tool),
      layout_(std::move(layout)),
      name_(name.empty() ? std::string(DefaultName(format)) : std::move(name)),
      schema_(schema),
      table_(QualifiedName(conn, schema, name_)) {}

std::unique_ptr<ToolTable> ToolTable::For(DirFormat format, Conn& conn, std::string name,
                                          const std::string& schema, std::filesystem::path dir) {
  switch (format) {
    case DirFormat::kDbmate:
      return std::make_unique<DbmateTable>(conn, std::move(name), schema);
    case DirFormat::kGoose:
      return std::make_unique<GooseTable>(conn, std::move(name), schema);
    case DirFormat::kFlyway:
      return std::make_unique<FlywayTable>(conn, std::move(name), schema, std::move(dir));
    case DirFormat::kGolangMigrate:
    case DirFormat::kAtlas:
      return nullptr;
  }
  return nullptr;
}

std::string_view ToolTable::DefaultName(DirFormat format) {
  switch (format) {
    case DirFormat::kDbmate:
    case DirFormat::kGolangMigrate:
      return "schema_migrations";
    case DirFormat::kGoose:
      return "goose_db_version";
    case DirFormat::kFlyway:
      return "flyway_schema_history";
    case DirFormat::kAtlas:
      return "";
  }
  return "";
}

bool ToolTable::Matches(std::string_view recorded, std::string_view version) const {
  return CompareVersions(recorded, version) == 0;
}

bool ToolTable::HasToolLayout(const schema::Table& table) {
  Columns columns;
  for (const schema::Column& c : table.columns) columns.emplace_back(c.name, c.type);
  return SameLayout(DbmateLayout(), columns) || SameLayout(GooseLayout(), columns) ||
         SameLayout(FlywayLayout(), columns);
}

void ToolTable::Load() {
  Columns columns;
  const Rows rows =
      pg() ? conn_.Query(
                 "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN "
                 "pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') AND "
                 "a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                 {schema_, name_})
           : conn_.Query("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid", {name_});
  for (const Row& row : rows.rows) {
    columns.emplace_back(Cell(row, 0).value_or(""), Cell(row, 1).value_or(""));
  }
  applied_.clear();
  failed_.clear();
  recorded_.clear();
  baseline_.reset();
  exists_ = !columns.empty();
  if (!exists_) return;
  if (!SameLayout(layout_, columns)) {
    std::string found, expected;
    for (const auto& [n, t] : columns)
      found += fmt::format("{}{} {}", found.empty() ? "" : ", ", n, t);
    for (const Column& c : layout_) {
      expected += fmt::format("{}{} {}", expected.empty() ? "" : ", ", c.name, c.types.front());
    }
    const bool golang =
        columns.size() == 2 && columns[0].first == "version" && columns[1].first == "dirty";
    throw InputError(fmt::format(
        "{}: a table {} exists with columns ({}), which is not {}'s tracking table ({}): it is "
        "{}, and strata leaves it alone. Point strata and {} at another table with the URL "
        "parameter x-migrations-table=NAME, or rename yours",
        conn_.url().Redacted(), name_, found, tool_, expected,
        golang ? "golang-migrate's (the database was migrated with golang-migrate: use "
                 "--dir-format golang-migrate)"
               : "a table of yours (or another tool's)",
        tool_));
  }
  Read();
}

std::string ToolTable::VersionLiteral(std::string_view version) const {
  return QuoteLiteral(version);
}

std::string ToolTable::Delete(std::string_view version) const {
  std::vector<std::string> literals = {VersionLiteral(version)};
  for (const std::string& r : recorded_) {
    if (!Matches(r, version)) continue;
    std::string literal = VersionLiteral(r);
    if (std::find(literals.begin(), literals.end(), literal) == literals.end()) {
      literals.push_back(std::move(literal));
    }
  }
  std::string list;
  for (const std::string& l : literals) list += (list.empty() ? "" : ", ") + l;
  return fmt::format("DELETE FROM {} WHERE {} IN ({});\n", table_, VersionColumn(), list);
}

}  // namespace strata::migrate
