// Running a migration file the way its format's tool does (see tool_run.hpp and docs/formats.md).
#include "migrate/tool_run.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "driver/split.hpp"
#include "migrate/part.hpp"
#include "strata/error.hpp"

namespace strata::migrate {
namespace {

// How a tool sends a part: all of it in one request (golang-migrate's single Exec, dbmate's), or
// statement by statement (goose, flyway, atlas).
bool OneRequest(DirFormat format) {
  return format == DirFormat::kGolangMigrate || format == DirFormat::kDbmate;
}

// Whether the tool wraps the part in a transaction of its own. golang-migrate has no marker for
// files: its PostgreSQL driver sends the file as it is (one request: one implicit transaction when
// it holds several statements), its SQLite driver always opens a transaction (unless the URL says
// x-no-tx-wrap, which a file cannot).
bool OwnTransaction(Dialect dialect, DirFormat format, bool no_tx) {
  if (format == DirFormat::kGolangMigrate) return dialect == Dialect::kSqlite;
  if (format == DirFormat::kFlyway) return true;
  return !no_tx;
}

// What the tool does with the part, for messages.
std::string HowItRuns(Dialect dialect, DirFormat format, bool transaction) {
  const std::string_view tool = DirFormatName(format);
  if (format == DirFormat::kGolangMigrate && dialect == Dialect::kPostgres) {
    return fmt::format(
        "{} sends the whole file to PostgreSQL as one request, which runs it as one transaction",
        tool);
  }
  if (OneRequest(format)) {
    return fmt::format("{} runs the whole {} in one Exec{}", tool,
                       format == DirFormat::kDbmate ? "section" : "file",
                       transaction ? ", inside a transaction" : "");
  }
  return fmt::format("{} runs the file statement by statement{}", tool,
                     transaction ? ", inside one transaction" : "");
}

class ToolTransaction {
 public:
  ToolTransaction(Conn& conn, bool open, bool nested) : conn_(conn), open_(open), nested_(nested) {
    if (open_) conn_.Exec(nested_ ? "SAVEPOINT strata_tool" : "BEGIN");
  }
  ~ToolTransaction() {
    if (!open_) return;
    try {
      conn_.Exec(nested_ ? "ROLLBACK TO SAVEPOINT strata_tool; RELEASE SAVEPOINT strata_tool"
                         : "ROLLBACK");
    } catch (const Error&) {
      // The first error is the one to report.
    }
  }
  ToolTransaction(const ToolTransaction&) = delete;
  ToolTransaction& operator=(const ToolTransaction&) = delete;
  void Commit() {
    if (!open_) return;
    open_ = false;
    conn_.Exec(nested_ ? "RELEASE SAVEPOINT strata_tool" : "COMMIT");
  }

 private:
  Conn& conn_;
  bool open_;
  bool nested_;
};

}  // namespace

void RunAsTool(Conn& conn, DirFormat format, const ToolPart& part, bool nested) {
  const std::vector<driver::ScriptStatement> statements =
      driver::SplitStatements(part.sql, driver::SplitDialectOf(conn.dialect()));
  // golang-migrate skips a file that holds nothing; the others send nothing either.
  if (statements.empty()) return;
  const Dialect dialect = conn.dialect();
  const bool transaction = OwnTransaction(dialect, format, part.no_tx);
  auto failure = [&](const SqlError& e, int line) {
    // The statement, when the error names one smaller than the whole part.
    const bool shown = !e.statement.empty() && e.statement.size() < part.sql.size();
    return Error(fmt::format("{}:{}: {}, and it fails there: {}{}{}", part.file, line,
                             HowItRuns(dialect, format, transaction), e.server_message,
                             e.sqlstate.empty() ? "" : fmt::format(" ({})", e.sqlstate),
                             shown ? "\n  statement: " + Shown(e.statement) : ""));
  };
  ToolTransaction tx(conn, transaction, nested);
  if (OneRequest(format)) {
    try {
      conn.Exec(part.sql);
    } catch (const SqlError& e) {
      // PostgreSQL's position counts from the start of the request; SQLite gives none.
      const int line =
          e.position > 0 ? part.first_line + LinesBefore(part.sql, e.position) : part.first_line;
      throw failure(e, line);
    }
  } else {
    for (const driver::ScriptStatement& st : statements) {
      try {
        conn.Exec(st.text);
      } catch (const SqlError& e) {
        throw failure(e, part.first_line + st.line - 1 + LinesBefore(st.text, e.position));
      }
    }
  }
  tx.Commit();
}

}  // namespace strata::migrate
