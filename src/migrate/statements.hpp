// What statements do to transactions: the rules by which the migration executor, the dev-database
// replay and ApplyStatements (defined in statements.cpp, declared in strata/migrate/plan.hpp)
// decide where a statement may run.
#pragma once

#include <optional>
#include <string_view>

namespace strata::migrate {

// True for a statement that opens or ends a transaction: BEGIN, START TRANSACTION, COMMIT, END,
// ROLLBACK, ABORT (PostgreSQL's ROLLBACK) and PREPARE TRANSACTION, in any case. A file holding one
// manages its own transactions (golang-migrate files often wrap themselves in BEGIN … COMMIT), so
// it must run outside a transaction of strata's, which it would commit or break. ROLLBACK [WORK |
// TRANSACTION] TO [SAVEPOINT] is no such statement: it returns to a savepoint and leaves the
// transaction open, and runs inside strata's like SAVEPOINT and RELEASE. (BEGIN ATOMIC opens a
// function body inside a CREATE statement; no statement SplitStatements returns starts with it.)
bool IsTransactionControl(std::string_view statement);

// The setting of `PRAGMA foreign_keys = <value>` (or `PRAGMA foreign_keys(<value>)`), in any case
// and spacing, with any of the boolean spellings SQLite accepts; nullopt for any other statement.
std::optional<bool> ForeignKeysPragma(std::string_view statement);

}  // namespace strata::migrate
