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

// A constraint was violated (SQLSTATE class 23, SQLite SQLITE_CONSTRAINT). `kind` says which sort;
// `constraint` names it where the server does (PostgreSQL always; SQLite names the columns of a
// unique or not-null failure, "users.name", and the name of a named CHECK).
class ConstraintError : public SqlError {
 public:
  enum class Kind { kOther, kUnique, kForeignKey, kCheck, kNotNull, kExclusion };
  using SqlError::SqlError;
  Kind kind = Kind::kOther;
  std::string constraint;
};

// The generated client's errors (their messages name the entity, and for ValidationError the
// field and the rule).
// No entity matched: Get, Only, First, OnlyID, FirstID, UpdateOneID, DeleteOneID.
class NotFoundError : public Error {
 public:
  using Error::Error;
};
// Only() / OnlyID() found more than one entity.
class NotSingularError : public Error {
 public:
  using Error::Error;
};
// A value failed a field's validator before any SQL was sent.
class ValidationError : public InputError {
 public:
  ValidationError(std::string message, std::string entity, std::string field)
      : InputError(std::move(message)), entity(std::move(entity)), field(std::move(field)) {}
  std::string entity;
  std::string field;
};

}  // namespace strata
