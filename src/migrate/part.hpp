// The up or down part of a migration as the executor runs it (apply.cpp, down.cpp): its
// statements, how they group into transactions, their hashes, and the words for what happened to
// them.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "driver/split.hpp"
#include "strata/error.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/migrate/plan.hpp"

namespace strata::migrate {

// The up or down part of a migration, split into statements.
struct Part {
  std::string file;
  int first_line = 1;  // line of `file` where the part starts
  std::vector<driver::ScriptStatement> statements;
  // Runs outside a transaction: the file says so, or it opens and commits transactions itself
  // (golang-migrate files often do), which a surrounding transaction would break.
  bool no_tx = false;
  // A SQLite table rebuild, as strata's planner writes it: the file opens with `PRAGMA
  // foreign_keys = off` and closes with `= on`, which SQLite ignores inside a transaction, hence
  // its `-- strata:txmode none`. The statements between them still run in one transaction, so
  // that a failure rolls the whole rebuild back instead of leaving it half done.
  bool fk_pragma_edges = false;

  // How a run groups the statements into transactions.
  enum class Grouping {
    kOneTransaction,  // all of them in one
    kPragmaEdges,     // a rebuild: the first and last outside, those between in one
    kAlone,           // each outside any transaction
  };
  // The grouping of a run from statement `start` on (an interrupted run's resume), under
  // --tx-mode none when `tx_mode_none`. A rebuild resumed goes on statement by statement.
  Grouping GroupingFor(bool tx_mode_none, int start) const {
    if (tx_mode_none) return Grouping::kAlone;
    if (!no_tx) return Grouping::kOneTransaction;
    return fk_pragma_edges && start == 0 ? Grouping::kPragmaEdges : Grouping::kAlone;
  }
  // Statements [start, size()) for ApplyStatements, no_tx as `grouping` says.
  std::vector<Statement> ToRun(Grouping grouping, int start) const;

  int size() const { return static_cast<int>(statements.size()); }
  int LineOf(int index) const { return first_line + statements[index].line - 1; }
  // SHA-256 over the first `count` statements, each followed by a NUL byte.
  std::string PrefixHash(int count) const;
  // The start of the message for statement `index` failing with `e`: the file (under `dir`) and
  // line (inside the statement when the server gives a position), the statement's number,
  // `whose` it is ("version 3", "down part of version 3"), the server's message and the statement.
  std::string FailureAt(const std::filesystem::path& dir, int index, std::string_view whose,
                        const SqlError& e) const;
};

// A part split (by `dialect`'s quoting rules) and classified: it runs outside a transaction when
// `no_tx` (the file says so) or when it manages its own transactions (IsTransactionControl).
Part MakePart(std::string file, int first_line, std::string_view sql, bool no_tx, Dialect dialect);
Part UpPart(const Migration& m, Dialect dialect);
Part DownPart(const Migration& m, Dialect dialect);

// Lines from the start of `statement` to its `position`-th character (1-based, in characters as
// PostgreSQL counts them; 0 for none), so an error can point at the line inside a multi-line
// statement.
int LinesBefore(std::string_view statement, int position);

// Base64 SHA-256 of `text`, as Revision::hash holds a part's.
std::string HashOf(std::string_view text);

using Clock = std::chrono::steady_clock;
double MsSince(Clock::time_point start);

// "1 file", "3 files".
std::string Plural(size_t n, std::string_view word);
// "statement 1" or "statements 1–n": the first n statements of a file.
std::string FirstStatements(int n);
// A statement for a message, cut after its first thousand bytes.
std::string Shown(std::string_view sql);

}  // namespace strata::migrate
