// The start-up check (UpToDate; see executor.hpp): whether a directory is fully applied, read in
// one statement, so that a service starting with nothing to migrate pays one round trip. dbmate,
// goose and flyway directories also read the tool's own table (a few more round trips), so that a
// version the tool reverted since is noticed.
#include <fmt/format.h>

#include <map>
#include <set>

#include "migrate/ledger.hpp"
#include "migrate/part.hpp"
#include "migrate/revisions.hpp"
#include "strata/error.hpp"
#include "strata/migrate/executor.hpp"

namespace strata::migrate {
namespace {

// One statement reading both tracking tables of the connection's current schema. The revision
// rows carry (version, finished, hash); golang-migrate's rows (version, dirty). A missing table
// makes the statement fail, which means "not up to date" as well.
std::string StateQuery(const Conn& conn, bool golang) {
  const std::string golang_table = GolangTableName(conn.url());
  if (conn.dialect() == Dialect::kSqlite) {
    std::string sql = fmt::format(
        "SELECT version, execution_time IS NOT NULL AND error IS NULL, hash, NULL, NULL FROM "
        "main.{}",
        kRevisionsTable);
    if (golang) {
      sql += fmt::format(" UNION ALL SELECT NULL, NULL, NULL, version, dirty FROM main.{}",
                         QuoteIdent(golang_table));
    }
    return sql;
  }
  // Unqualified names resolve through the whole search_path: rows count only when their table is
  // the one in current_schema(), where the executor keeps it.
  auto in_current = [](std::string_view alias, std::string_view table) {
    return fmt::format("{}.tableoid = to_regclass(quote_ident(current_schema()) || '.' || {})",
                       alias, QuoteLiteral(QuoteIdent(table)));
  };
  std::string sql = fmt::format(
      "SELECT r.version, r.execution_time IS NOT NULL AND r.error IS NULL, r.hash, NULL::bigint, "
      "NULL::boolean FROM {} r WHERE {}",
      kRevisionsTable, in_current("r", kRevisionsTable));
  if (golang) {
    sql += fmt::format(" UNION ALL SELECT NULL, NULL, NULL, g.version, g.dirty FROM {} g WHERE {}",
                       QuoteIdent(golang_table), in_current("g", golang_table));
  }
  return sql;
}

bool IsTrue(const std::optional<std::string>& v) {
  return v && (*v == "t" || *v == "true" || *v == "1" || *v == "TRUE");
}

}  // namespace

bool UpToDate(Conn& conn, const Dir& dir) {
  const bool golang = dir.format() == DirFormat::kGolangMigrate;
  Rows rows;
  try {
    rows = conn.Query(StateQuery(conn, golang));
  } catch (const SqlError&) {
    return false;  // no tracking tables yet (or unreadable ones): Apply says what is wrong
  }
  std::map<std::string, const Migration*> files;
  for (const Migration& m : dir.migrations()) files.emplace(m.version, &m);
  std::set<std::string> finished;
  int golang_rows = 0;
  bool golang_ok = false;
  for (const Row& row : rows.rows) {
    if (row.size() < 5) return false;
    if (row[0]) {
      const auto it = files.find(*row[0]);
      // A revision the directory lacks, a failed or interrupted one, an applied file edited
      // since: Apply reports (or refuses) them.
      if (it == files.end() || !IsTrue(row[1])) return false;
      if (row[2] && !row[2]->empty() && *row[2] != HashOf(it->second->up_sql)) return false;
      finished.insert(*row[0]);
    } else {
      ++golang_rows;
      golang_ok = !dir.migrations().empty() && row[3] && !IsTrue(row[4]) &&
                  *row[3] == std::to_string(GolangVersionNumber(dir.migrations().back().version));
    }
  }
  if (finished.size() != files.size()) return false;
  if (golang) return golang_rows == 1 && golang_ok;
  if (ToolTable::DefaultName(dir.format()).empty()) return true;
  try {
    const Ledger ledger(conn, dir);
    return ledger.notes().empty() && ledger.Pending().empty() && ledger.Problems().empty();
  } catch (const Error&) {
    return false;  // a user's table in the tool's place, unreadable rows: Apply says what is wrong
  }
}

}  // namespace strata::migrate
