// Running a list of statements (ApplyStatements) and the transaction rules (see statements.hpp).
#include "migrate/statements.hpp"

#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <string>

#include "strata/error.hpp"
#include "strata/migrate/plan.hpp"

namespace strata::migrate {
namespace {

// The word at *pos (letters only, upper-cased) after any whitespace; *pos moves past it.
std::string UpperWord(std::string_view text, size_t* pos) {
  while (*pos < text.size() && std::isspace(static_cast<unsigned char>(text[*pos]))) ++*pos;
  std::string word;
  while (*pos < text.size() && std::isalpha(static_cast<unsigned char>(text[*pos]))) {
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[(*pos)++]))));
  }
  return word;
}

}  // namespace

bool IsTransactionControl(std::string_view statement) {
  size_t pos = 0;
  const std::string first = UpperWord(statement, &pos);
  if (first == "ROLLBACK") {
    std::string next = UpperWord(statement, &pos);
    if (next == "WORK" || next == "TRANSACTION") next = UpperWord(statement, &pos);
    return next != "TO";
  }
  if (first == "PREPARE") return UpperWord(statement, &pos) == "TRANSACTION";
  return first == "BEGIN" || first == "START" || first == "COMMIT" || first == "END" ||
         first == "ABORT";
}

std::optional<bool> ForeignKeysPragma(std::string_view statement) {
  std::string compact;
  for (char c : statement) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      compact.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  while (!compact.empty() && compact.back() == ';') compact.pop_back();
  constexpr std::string_view kPragma = "pragmaforeign_keys";
  if (!compact.starts_with(kPragma)) return std::nullopt;
  std::string_view value = std::string_view(compact).substr(kPragma.size());
  if (value.starts_with('=')) {
    value.remove_prefix(1);
  } else if (value.starts_with('(') && value.ends_with(')')) {
    value = value.substr(1, value.size() - 2);
  } else {
    return std::nullopt;
  }
  if (value == "on" || value == "1" || value == "true" || value == "yes") return true;
  if (value == "off" || value == "0" || value == "false" || value == "no") return false;
  return std::nullopt;
}

StatementError::StatementError(const SqlError& cause, std::string statement, size_t index,
                               size_t count)
    : SqlError(fmt::format("statement {} of {} failed: {}{}\n  statement: {}", index + 1, count,
                           cause.server_message,
                           cause.sqlstate.empty() ? "" : fmt::format(" ({})", cause.sqlstate),
                           statement),
               cause.sqlstate, cause.server_message, std::move(statement), cause.position),
      index(index) {}

StatementError StatementError::AtCommit(const SqlError& cause, size_t tx_begin, size_t index,
                                        size_t count) {
  StatementError e(
      SqlError(fmt::format("COMMIT of statements {} to {} of {} failed: {}{}", tx_begin + 1,
                           index + 1, count, cause.server_message,
                           cause.sqlstate.empty() ? "" : fmt::format(" ({})", cause.sqlstate)),
               cause.sqlstate, cause.server_message, "COMMIT", 0),
      "COMMIT", index, count);
  e.tx_begin = tx_begin;
  e.at_commit = true;
  return e;
}

void ApplyStatements(Conn& conn, const std::vector<Statement>& statements,
                     const ApplyHooks& hooks) {
  std::optional<Transaction> tx;
  size_t begin = 0;  // the first statement of the open transaction
  size_t next = 0;   // the statement running, else the first one not run
  // A no_tx `PRAGMA foreign_keys = off` ran and no no_tx `= on` since.
  bool foreign_keys_off = false;
  const auto commit = [&] {
    if (hooks.before_commit) hooks.before_commit(begin, next);
    try {
      tx->Commit();  // rolls back when COMMIT fails, so no transaction stays open
    } catch (const SqlError& e) {
      tx.reset();
      throw StatementError::AtCommit(e, begin, next - 1, statements.size());
    }
    tx.reset();
  };
  try {
    for (; next < statements.size(); ++next) {
      const Statement& st = statements[next];
      if (st.no_tx && tx) commit();
      if (!st.no_tx && !tx) {
        tx.emplace(conn);
        begin = next;
      }
      try {
        if (st.no_tx && hooks.run_alone) {
          hooks.run_alone(next);
        } else {
          conn.Exec(st.sql);
        }
      } catch (const SqlError& e) {
        throw StatementError(e, st.sql, next, statements.size());
      }
      if (const std::optional<bool> on = ForeignKeysPragma(st.sql); st.no_tx && on) {
        foreign_keys_off = !*on;
      }
    }
    if (tx) commit();
  } catch (...) {
    tx.reset();  // rolls back
    for (size_t i = next; foreign_keys_off && i < statements.size(); ++i) {
      if (!statements[i].no_tx || ForeignKeysPragma(statements[i].sql) != true) continue;
      try {
        conn.Exec(statements[i].sql);
      } catch (const Error&) {
        // The connection is gone (a closed connection forgets the setting): the first error is
        // the one to report.
      }
      break;
    }
    throw;
  }
}

}  // namespace strata::migrate
