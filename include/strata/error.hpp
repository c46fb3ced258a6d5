// Exceptions thrown by strata. Every error derives from strata::Error; messages say what went
// wrong, where, and how to fix it, and never contain passwords.
#pragma once

#include <stdexcept>
#include <string>

namespace strata {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad input from the user: a malformed URL, an unsupported dialect, a missing file, a dirty dev
// database. The command line exits 1 on these, as on every Error.
class InputError : public Error {
 public:
  using Error::Error;
};

// A migration directory does not match its strata.sum: a file was added, edited or removed by hand.
class ChecksumError : public InputError {
 public:
  using InputError::InputError;
};

// The database could not be reached or refused the connection (unreachable host, bad credentials).
class ConnectionError : public Error {
 public:
  using Error::Error;
};

// A statement failed on the server. `sqlstate` is the five-character SQLSTATE (PostgreSQL) or the
// extended result code name (SQLite); `statement` is the failing SQL text and `position` the
// 1-based character offset of the error inside it (0 when the server gave none).
class SqlError : public Error {
 public:
  SqlError(std::string message, std::string sqlstate, std::string server_message,
           std::string statement, int position)
      : Error(std::move(message)),
        sqlstate(std::move(sqlstate)),
        server_message(std::move(server_message)),
        statement(std::move(statement)),
        position(position) {}
  std::string sqlstate;
  std::string server_message;
  std::string statement;
  int position;
};

// A constraint was violated (SQLSTATE class 23, SQLite SQLITE_CONSTRAINT).
class ConstraintError : public SqlError {
 public:
  using SqlError::SqlError;
};

}  // namespace strata
