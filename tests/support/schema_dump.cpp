// Normalized schema dumps for tests: pg_dump --schema-only for PostgreSQL, pragmas for SQLite.
#include "support/schema_dump.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "strata/migrate/state.hpp"

namespace strata::testing {
namespace {

std::string Value(const std::optional<std::string>& v) { return v ? *v : "NULL"; }

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : "") + parts[i];
  return out;
}

// SQL text made comparable across spellings of the same statement: identifier quotes dropped,
// lower case, whitespace collapsed and removed around punctuation. String literals are kept.
std::string NormalizeSql(std::string_view sql) {
  std::string out;
  bool in_literal = false;
  bool pending_space = false;
  for (char c : sql) {
    if (in_literal) {
      out.push_back(c);
      if (c == '\'') in_literal = false;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = true;
      continue;
    }
    if (c == '"' || c == '`' || c == '[' || c == ']') continue;
    const bool punct = c == '(' || c == ')' || c == ',';
    if (pending_space && !out.empty() && !punct && out.back() != '(' && out.back() != ',') {
      out.push_back(' ');
    }
    pending_space = false;
    if (c == '\'') in_literal = true;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::vector<std::string> PostgresDump(const TempDatabase& db,
                                      const std::vector<std::string>& exclude_tables) {
  const char* bin = std::getenv("STRATA_TEST_PG_BIN");
  if (bin == nullptr || *bin == '\0') {
    throw std::runtime_error(
        "STRATA_TEST_PG_BIN is not set: run the tests under scripts/with-postgres (make test)");
  }
  std::string command =
      fmt::format("'{}/pg_dump' --schema-only --no-owner --no-privileges -d '{}'", bin, db.url());
  for (const std::string& table : exclude_tables) {
    command += fmt::format(" --exclude-table='*.\"{}\"'", table);
  }
  std::string output;
  if (RunCommand(command, &output) != 0) {
    throw std::runtime_error(fmt::format("pg_dump failed for {}:\n{}", db.name(), output));
  }
  std::vector<std::string> lines;
  std::vector<std::string> table_body;
  bool in_table = false;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.starts_with("--") || line.starts_with("SET ") ||
        line.starts_with("SELECT pg_catalog.set_config") || line.starts_with("\\restrict") ||
        line.starts_with("\\unrestrict")) {
      continue;
    }
    if (in_table) {
      if (line.starts_with(")")) {
        std::sort(table_body.begin(), table_body.end());
        lines.insert(lines.end(), table_body.begin(), table_body.end());
        table_body.clear();
        lines.push_back(line);
        in_table = false;
      } else {
        if (line.ends_with(",")) line.pop_back();
        table_body.push_back(line);
      }
      continue;
    }
    if (line.starts_with("CREATE TABLE ") && line.ends_with("(")) in_table = true;
    lines.push_back(line);
  }
  return lines;
}

const schema::Table* FindTable(const schema::Realm& realm, const std::string& name) {
  for (const auto& s : realm.schemas) {
    if (const schema::Table* t = s.FindTable(name)) return t;
  }
  return nullptr;
}

std::vector<std::string> SqliteIndexLines(Conn& conn, const std::string& table) {
  std::vector<std::string> lines;
  const Rows list =
      conn.Query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)", {table});
  for (const Row& index : list.rows) {
    const std::string name = Value(index[0]);
    const std::string origin = Value(index[2]);
    const Rows parts = conn.Query(
        "SELECT cid, name, \"desc\", coll FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno",
        {name});
    std::vector<std::string> columns, described;
    for (const Row& part : parts.rows) {
      const std::string cid = Value(part[0]);
      const std::string column = cid == "-2" ? "<expr>" : cid == "-1" ? "rowid" : Value(part[1]);
      columns.push_back(column);
      described.push_back(fmt::format("{}{} {}", column, Value(part[2]) == "1" ? " DESC" : "",
                                      Upper(Value(part[3]))));
    }
    // Auto-index numbering follows constraint order, which a rebuilt table need not keep.
    const std::string shown = name.starts_with("sqlite_autoindex_")
                                  ? fmt::format("autoindex {}({})", origin, Join(columns, ","))
                                  : name;
    std::string line =
        fmt::format("table {} index {} unique={} origin={} partial={} parts=[{}]", table, shown,
                    Value(index[1]), origin, Value(index[3]), Join(described, ", "));
    const Rows sql =
        conn.Query("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1", {name});
    if (!sql.rows.empty() && sql.rows[0][0]) line += " sql=" + NormalizeSql(*sql.rows[0][0]);
    lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<std::string> SqliteForeignKeyLines(Conn& conn, const std::string& table) {
  const Rows fks = conn.Query(
      "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete, match "
      "FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
      {table});
  std::vector<std::string> lines;
  size_t i = 0;
  while (i < fks.rows.size()) {
    const Row& first = fks.rows[i];
    std::vector<std::string> from, to;
    bool implicit_to = false;
    for (; i < fks.rows.size() && fks.rows[i][0] == first[0]; ++i) {
      from.push_back(Value(fks.rows[i][2]));
      if (fks.rows[i][3]) {
        to.push_back(*fks.rows[i][3]);
      } else {
        implicit_to = true;
      }
    }
    const std::string parent = Value(first[1]);
    if (implicit_to) {
      // `REFERENCES parent` without columns means the parent's primary key.
      to.clear();
      const Rows pk =
          conn.Query("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk", {parent});
      for (const Row& r : pk.rows) to.push_back(Value(r[0]));
    }
    lines.push_back(fmt::format("table {} fk ({}) -> {}({}) on_update={} on_delete={} match={}",
                                table, Join(from, ","), parent, Join(to, ","), Value(first[4]),
                                Value(first[5]), Value(first[6])));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<std::string> SqliteDump(Conn& conn, const std::vector<std::string>& exclude_tables) {
  const schema::Realm realm = migrate::Inspect(conn);
  std::vector<std::string> lines;
  // Views and triggers with their statements, which SQLite keeps as written.
  const Rows others = conn.Query(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type NOT IN ('table', 'index') "
      "ORDER BY 1, 2");
  for (const Row& r : others.rows) {
    lines.push_back(fmt::format("{} {} on {}: {}", Value(r[0]), Value(r[1]), Value(r[2]),
                                NormalizeSql(Value(r[3]))));
  }
  const Rows tables = conn.Query(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
      "ESCAPE '\\' ORDER BY name");
  for (const Row& t : tables.rows) {
    const std::string table = Value(t[0]);
    if (std::find(exclude_tables.begin(), exclude_tables.end(), table) != exclude_tables.end()) {
      continue;
    }
    const Rows options = conn.Query("SELECT wr, strict FROM pragma_table_list(?1)", {table});
    const bool autoincrement = Upper(Value(t[1])).find("AUTOINCREMENT") != std::string::npos;
    lines.push_back(fmt::format("table {} without_rowid={} strict={} autoincrement={}", table,
                                Value(options.rows.at(0)[0]), Value(options.rows.at(0)[1]),
                                autoincrement ? 1 : 0));
    const schema::Table* inspected = FindTable(realm, table);
    const Rows columns = conn.Query(
        "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1) "
        "ORDER BY name",
        {table});
    for (const Row& c : columns.rows) {
      const std::string name = Value(c[0]);
      const schema::Column* column = inspected ? inspected->FindColumn(name) : nullptr;
      lines.push_back(fmt::format(
          "table {} column {} type={} notnull={} default={} pk={} hidden={} collate={} "
          "generated={}",
          table, name, Upper(Value(c[1])), Value(c[2]), Value(c[3]), Value(c[4]), Value(c[5]),
          column ? column->collation : "?", column ? column->generated.value_or("") : "?"));
    }
    for (std::string& line : SqliteIndexLines(conn, table)) lines.push_back(std::move(line));
    for (std::string& line : SqliteForeignKeyLines(conn, table)) lines.push_back(std::move(line));
    // What pragmas do not show, as the inspector reads it from the CREATE TABLE text.
    std::vector<std::string> inspected_lines;
    if (inspected == nullptr) {
      inspected_lines.push_back(fmt::format("table {} not found by migrate::Inspect", table));
    } else {
      for (const auto& check : inspected->checks) {
        inspected_lines.push_back(
            fmt::format("table {} check {}: {}", table, check.name, check.expr));
      }
      for (const auto& fk : inspected->foreign_keys) {
        inspected_lines.push_back(
            fmt::format("table {} fk ({}) deferrable={} initially_deferred={}", table,
                        Join(fk.columns, ","), fk.deferrable, fk.initially_deferred));
      }
    }
    std::sort(inspected_lines.begin(), inspected_lines.end());
    lines.insert(lines.end(), inspected_lines.begin(), inspected_lines.end());
  }
  return lines;
}

}  // namespace

std::vector<std::string> SchemaDump(const TempDatabase& db, Conn& conn,
                                    const std::vector<std::string>& exclude_tables) {
  return conn.dialect() == Dialect::kPostgres ? PostgresDump(db, exclude_tables)
                                              : SqliteDump(conn, exclude_tables);
}

std::string DumpDiff(const std::vector<std::string>& a, const std::vector<std::string>& b,
                     size_t max_lines) {
  // Longest common subsequence; dumps are a few hundred lines at most.
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::string out;
  size_t shown = 0;
  std::string context;  // the last common CREATE/ALTER line, to place a hunk
  bool in_hunk = false;
  auto emit = [&](std::string_view prefix, const std::string& line) {
    if (shown == max_lines) out += "  …\n";
    if (shown++ >= max_lines) return;
    if (!in_hunk && !context.empty()) out += "@@ " + context + "\n";
    in_hunk = true;
    out += fmt::format("{}{}\n", prefix, line);
  };
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      if (a[i].starts_with("CREATE") || a[i].starts_with("ALTER") || a[i].starts_with("table")) {
        context = a[i];
      }
      in_hunk = false;
      ++i, ++j;
    } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      emit("+ ", b[j++]);
    } else {
      emit("- ", a[i++]);
    }
  }
  return out;
}

}  // namespace strata::testing
