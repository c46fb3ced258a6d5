// The libpq connection (see conn.hpp): connecting from a URL, running statements, and turning
// server errors into SqlError/ConstraintError with the SQLSTATE, the server's message and the error
// position.
#include "driver/postgres/conn.hpp"

#include <fmt/format.h>

#include <exception>
#include <string>

#include "driver/connect.hpp"
#include "strata/error.hpp"

namespace strata::driver::postgres {
namespace {

struct ResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultCloser>;

std::string Field(const PGresult* r, int code) {
  const char* v = PQresultErrorField(r, code);
  return v == nullptr ? std::string() : std::string(v);
}

// libpq ends its messages with a newline; messages of strata do not.
std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Longer statements are cut in messages: the error position and the source line say where to look.
constexpr size_t kMaxStatementInMessage = 2000;

[[noreturn]] void ThrowResultError(PGconn* conn, const PGresult* r, std::string_view sql) {
  std::string sqlstate = r == nullptr ? std::string() : Field(r, PG_DIAG_SQLSTATE);
  std::string severity = r == nullptr ? std::string() : Field(r, PG_DIAG_SEVERITY_NONLOCALIZED);
  std::string server_message = r == nullptr ? std::string() : Field(r, PG_DIAG_MESSAGE_PRIMARY);
  if (server_message.empty()) {
    // No structured error (e.g. the connection broke): libpq's own message is all there is.
    server_message =
        Trimmed(r != nullptr && *PQresultErrorMessage(r) != '\0' ? PQresultErrorMessage(r)
                                                                 : PQerrorMessage(conn));
  }
  if (r != nullptr) {
    if (std::string detail = Field(r, PG_DIAG_MESSAGE_DETAIL); !detail.empty()) {
      server_message += "\nDETAIL: " + detail;
    }
    if (std::string hint = Field(r, PG_DIAG_MESSAGE_HINT); !hint.empty()) {
      server_message += "\nHINT: " + hint;
    }
  }
  int position = 0;
  if (r != nullptr) {
    if (std::string pos = Field(r, PG_DIAG_STATEMENT_POSITION); !pos.empty()) {
      position = std::stoi(pos);
    }
  }
  std::string shown(sql.substr(0, kMaxStatementInMessage));
  if (sql.size() > kMaxStatementInMessage) shown += " …";
  std::string message =
      fmt::format("{}: {}{}\n  statement: {}", severity.empty() ? "ERROR" : severity,
                  server_message, sqlstate.empty() ? "" : fmt::format(" ({})", sqlstate), shown);
  if (sqlstate.starts_with("23")) {
    throw ConstraintError(std::move(message), std::move(sqlstate), std::move(server_message),
                          std::string(sql), position);
  }
  throw SqlError(std::move(message), std::move(sqlstate), std::move(server_message),
                 std::string(sql), position);
}

// Checks a result, finishing any COPY the statement started (strata does not stream COPY data:
// scripts must use INSERT), and throws on failure.
Result Checked(PGconn* conn, PGresult* raw, std::string_view sql) {
  Result r(raw);
  ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT) {
    if (status == PGRES_COPY_IN) {
      PQputCopyEnd(conn, "strata does not send COPY data: use INSERT statements");
    } else {
      char* buf = nullptr;
      while (PQgetCopyData(conn, &buf, 0) > 0) PQfreemem(buf);
    }
    while (PGresult* next = PQgetResult(conn)) PQclear(next);
    throw SqlError(fmt::format("ERROR: COPY … FROM STDIN / TO STDOUT is not supported: use INSERT "
                               "or SELECT\n  statement: {}",
                               sql),
                   "0A000", "COPY is not supported", std::string(sql), 0);
  }
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    ThrowResultError(conn, r.get(), sql);
  }
  return r;
}

// A hint matching libpq's complaint, so the user knows what to check first.
std::string_view ConnectHint(std::string_view libpq_message) {
  if (libpq_message.find("password") != std::string_view::npos) {
    return "check the user name and password in the URL";
  }
  if (libpq_message.find("database") != std::string_view::npos &&
      libpq_message.find("does not exist") != std::string_view::npos) {
    return "check the database name in the URL, or create the database";
  }
  if (libpq_message.find("role") != std::string_view::npos &&
      libpq_message.find("does not exist") != std::string_view::npos) {
    return "check the user name in the URL";
  }
  return "is the server running and accepting TCP/IP connections on that host and port? Check "
         "the host, port, user, password and database name in the URL";
}

void IgnoreNotice(void*, const char*) {}

}  // namespace

PgConn::PgConn(Url url) : Conn(std::move(url)) {
  Url wire = url_;
  wire.params.erase("search_path");
  // x-… parameters are strata's (and golang-migrate's) own, such as x-migrations-table: libpq
  // would reject them.
  std::erase_if(wire.params, [](const auto& p) { return p.first.starts_with("x-"); });
  // strata's strings are UTF-8 throughout (identifiers, comments, error positions).
  wire.params.try_emplace("client_encoding", "UTF8");
  conn_.reset(PQconnectdb(wire.ToString().c_str()));
  PGconn* raw = conn_.get();
  if (raw == nullptr) throw ConnectionError("out of memory while connecting to PostgreSQL");
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string libpq_message = Trimmed(PQerrorMessage(raw));
    // libpq does not echo passwords; this is a safety net should a future version do so.
    if (!url_.password.empty()) {
      for (size_t at; (at = libpq_message.find(url_.password)) != std::string::npos;) {
        libpq_message.replace(at, url_.password.size(), "xxxxx");
      }
    }
    throw ConnectionError(fmt::format("cannot connect to {}: {} ({})", url_.Redacted(),
                                      libpq_message, ConnectHint(libpq_message)));
  }
  PQsetNoticeProcessor(raw, IgnoreNotice, nullptr);
  if (std::string schema = url_.SearchPath(); !schema.empty()) {
    Exec("SET search_path TO " + QuoteIdent(schema));
  }
}

void PgConn::Exec(std::string_view sql) {
  ++round_trips_;
  const std::string text(sql);
  Checked(conn_.get(), PQexec(conn_.get(), text.c_str()), sql);
}

namespace {

Rows RowsOf(const Result& r) {
  Rows rows;
  const int ncols = PQnfields(r.get());
  const int nrows = PQntuples(r.get());
  rows.columns.reserve(ncols);
  for (int c = 0; c < ncols; ++c) rows.columns.emplace_back(PQfname(r.get(), c));
  rows.rows.reserve(nrows);
  for (int i = 0; i < nrows; ++i) {
    Row row;
    row.reserve(ncols);
    for (int c = 0; c < ncols; ++c) {
      if (PQgetisnull(r.get(), i, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(r.get(), i, c), PQgetlength(r.get(), i, c)));
      }
    }
    rows.rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

Rows PgConn::Query(std::string_view sql, const std::vector<std::optional<std::string>>& params) {
  ++round_trips_;
  const std::string text(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return RowsOf(Checked(conn_.get(),
                        PQexecParams(conn_.get(), text.c_str(), static_cast<int>(values.size()),
                                     nullptr, values.data(), nullptr, nullptr, 0),
                        sql));
}

std::vector<Rows> PgConn::QueryAll(std::string_view sql) {
  ++round_trips_;
  const std::string text(sql);
  if (PQsendQuery(conn_.get(), text.c_str()) == 0) ThrowResultError(conn_.get(), nullptr, sql);
  // Every result is read before throwing, so that the connection is ready for the next request.
  std::vector<Rows> out;
  std::exception_ptr error;
  while (PGresult* raw = PQgetResult(conn_.get())) {
    try {
      Result r = Checked(conn_.get(), raw, sql);
      if (!error) out.push_back(RowsOf(r));
    } catch (const Error&) {
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
  return out;
}

bool PgConn::InTransaction() const {
  PGTransactionStatusType status = PQtransactionStatus(conn_.get());
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

std::unique_ptr<Conn> Open(const Url& url) { return std::make_unique<PgConn>(url); }

PgConn& AsPg(Conn& conn) {
  auto* pg = dynamic_cast<PgConn*>(&conn);
  if (pg == nullptr) {
    throw Error(
        fmt::format("internal error: {} is not a PostgreSQL connection", conn.url().Redacted()));
  }
  return *pg;
}

}  // namespace strata::driver::postgres
