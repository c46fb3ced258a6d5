// The libpq connection (see conn.hpp): connecting from a URL, running statements, and turning
// server errors into SqlError/ConstraintError with the SQLSTATE, the server's message and the error
// position.
#include "driver/postgres/conn.hpp"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <exception>
#include <string>

#include "driver/connect.hpp"
#include "driver/postgres/typed.hpp"
#include "driver/values.hpp"
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
    using Kind = ConstraintError::Kind;
    const Kind kind = sqlstate == "23505"   ? Kind::kUnique
                      : sqlstate == "23503" ? Kind::kForeignKey
                      : sqlstate == "23514" ? Kind::kCheck
                      : sqlstate == "23502" ? Kind::kNotNull
                      : sqlstate == "23P01" ? Kind::kExclusion
                                            : Kind::kOther;
    ConstraintError error(std::move(message), std::move(sqlstate), std::move(server_message),
                          std::string(sql), position);
    error.kind = kind;
    error.constraint = Field(r, PG_DIAG_CONSTRAINT_NAME);
    if (error.constraint.empty() && kind == Kind::kNotNull) {
      // Not-null constraints have no name before PostgreSQL 18: table.column, as SQLite says.
      const std::string table = Field(r, PG_DIAG_TABLE_NAME);
      const std::string column = Field(r, PG_DIAG_COLUMN_NAME);
      if (!table.empty() && !column.empty()) error.constraint = table + "." + column;
    }
    throw error;
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
  PQsetNoticeReceiver(raw, &PgConn::OnNotice, this);
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

void PgConn::OnNotice(void* self, const PGresult* notice) {
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity != nullptr &&
      (std::strcmp(severity, "FATAL") == 0 || std::strcmp(severity, "PANIC") == 0)) {
    static_cast<PgConn*>(self)->doomed_ = true;
  }
}

bool PgConn::Healthy() const {
  PGconn* c = conn_.get();
  if (c == nullptr || doomed_ || PQstatus(c) != CONNECTION_OK) return false;
  if (PQtransactionStatus(c) == PQTRANS_ACTIVE) return true;  // a request is under way
  // An idle session receives nothing unless the server is going away (a FATAL message, then end
  // of file): read it, so that libpq notices.
  // One read may bring the message and the next the end of file: read while there is input (a
  // few times at most, so that a stream of notifications cannot keep it here).
  for (int reads = 0; reads < 8; ++reads) {
    pollfd fd{PQsocket(c), POLLIN, 0};
    if (fd.fd < 0) return false;
    if (poll(&fd, 1, 0) <= 0) break;
    if (PQconsumeInput(c) == 0) return false;
    while (PGnotify* n = PQnotifies(c)) PQfreemem(n);
    if (doomed_ || PQstatus(c) != CONNECTION_OK) return false;
  }
  return !doomed_ && PQstatus(c) == CONNECTION_OK;
}

namespace {

// Prepared statements kept per connection at most; past it they are all deallocated at once.
constexpr size_t kMaxPrepared = 1000;

// Statements with more parameters are not described: libpq refuses a ParameterDescription
// message longer than 30,000 bytes (4 per parameter).
constexpr size_t kMaxDescribedParams = 7000;

constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kFloat8Oid = 701,
              kTimestamptzOid = 1184, kUuidOid = 2950;

bool SameParams(const std::vector<Oid>& a, const std::vector<Oid>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(Oid)) == 0);
}

}  // namespace

void PgConn::Forget(std::string_view sql) {
  if (auto it = statements_.find(sql); it != statements_.end()) statements_.erase(it);
  last_ = nullptr;
  last_text_ = {};
}

void PgConn::LearnShape(Prepared& p, const PGresult* shape) {
  const int ncols = PQnfields(shape);
  p.types.clear();
  p.kinds.clear();
  std::vector<Oid> unknown;
  for (int i = 0; i < ncols; ++i) {
    const Oid type = PQftype(shape, i);
    p.types.push_back(type);
    Kind kind = BuiltinKind(type);
    if (kind == Kind::kOther) {
      if (auto known = type_kinds_.find(type); known != type_kinds_.end()) {
        kind = static_cast<Kind>(known->second);
      } else if (std::find(unknown.begin(), unknown.end(), type) == unknown.end()) {
        unknown.push_back(type);
      }
    }
    p.kinds.push_back(kind);
  }
  if (!unknown.empty()) {
    // Enums and text-like extension types (citext) send their text in binary format too.
    std::string list = "{";
    for (Oid type : unknown) list += (list.size() > 1 ? "," : "") + std::to_string(type);
    list += "}";
    for (Oid type : unknown) type_kinds_[type] = static_cast<std::uint8_t>(Kind::kOther);
    Rows types = Query(
        "SELECT t.oid::int8, t.typtype = 'e' OR p.proname IN ('textsend', 'varcharsend', "
        "'bpcharsend', 'citextsend') FROM pg_type t LEFT JOIN pg_proc p ON p.oid = t.typsend "
        "WHERE t.oid = ANY($1::oid[])",
        {list});
    for (const Row& row : types.rows) {
      if (row.at(0) && row.at(1) && *row.at(1) == "t") {
        type_kinds_[static_cast<Oid>(std::stoll(*row.at(0)))] =
            static_cast<std::uint8_t>(Kind::kText);
      }
    }
    for (int i = 0; i < ncols; ++i) {
      if (p.kinds[i] == Kind::kOther) p.kinds[i] = static_cast<Kind>(type_kinds_.at(p.types[i]));
    }
  }
  p.binary = std::find(p.kinds.begin(), p.kinds.end(), Kind::kOther) == p.kinds.end();
}

const std::shared_ptr<const Prepared>& PgConn::Prepare(std::string_view sql) {
  if (last_ != nullptr && last_text_ == sql) {
    for (const auto& p : *last_) {
      if (SameParams(p->params, oids_)) return p;
    }
  }
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    last_ = &it->second;
    last_text_ = it->first;
    for (const auto& p : it->second) {
      if (SameParams(p->params, oids_)) return p;
    }
  }
  PGconn* c = conn_.get();
  size_t total = 0;
  for (const auto& [text, variants] : statements_) total += variants.size();
  if (total >= kMaxPrepared && PQtransactionStatus(c) != PQTRANS_INERROR) {
    Exec("DEALLOCATE ALL");
    statements_.clear();
    it = statements_.end();
    last_ = nullptr;
    last_text_ = {};
  }
  auto prepared = std::make_shared<Prepared>();
  prepared->name = fmt::format("strata_{}", ++next_name_);
  prepared->params = oids_;
  const std::string text(sql);
  ++round_trips_;
  Checked(c,
          PQprepare(c, prepared->name.c_str(), text.c_str(), static_cast<int>(oids_.size()),
                    oids_.data()),
          sql);
  if (oids_.size() > kMaxDescribedParams) {
    prepared->nparams = static_cast<int>(oids_.size());
    prepared->described = false;
    prepared->binary = false;
  } else {
    ++round_trips_;
    Result described = Checked(c, PQdescribePrepared(c, prepared->name.c_str()), sql);
    prepared->nparams = PQnparams(described.get());
    LearnShape(*prepared, described.get());
  }
  ++prepares_;
  if (it == statements_.end()) it = statements_.try_emplace(text).first;
  it->second.push_back(std::move(prepared));
  last_ = &it->second;
  last_text_ = it->first;
  return it->second.back();
}

strata::Result PgConn::Execute(std::string_view sql, std::span<const Value> params) {
  const size_t n = params.size();
  oids_.resize(n);
  values_.resize(n);
  lengths_.resize(n);
  formats_.resize(n);
  scratch_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Value& v = params[i];
    char* buf = reinterpret_cast<char*>(&scratch_[i]);
    auto store64 = [&](std::uint64_t x) {
      x = BigEndian(x);
      std::memcpy(buf, &x, 8);
      values_[i] = buf;
      lengths_[i] = 8;
      formats_[i] = 1;
    };
    switch (v.index()) {
      case 0:  // NULL: the server infers its type, so one statement serves NULL and values
        oids_[i] = 0;
        values_[i] = nullptr;
        lengths_[i] = 0;
        formats_[i] = 0;
        break;
      case 1:
        oids_[i] = kBoolOid;
        buf[0] = std::get<bool>(v) ? 1 : 0;
        values_[i] = buf;
        lengths_[i] = 1;
        formats_[i] = 1;
        break;
      case 2:
        oids_[i] = kInt8Oid;
        store64(static_cast<std::uint64_t>(std::get<std::int64_t>(v)));
        break;
      case 3:
        oids_[i] = kFloat8Oid;
        store64(std::bit_cast<std::uint64_t>(std::get<double>(v)));
        break;
      case 4: {
        const std::string& s = std::get<std::string>(v);
        if (std::memchr(s.data(), 0, s.size()) != nullptr) {
          throw InputError(fmt::format(
              "parameter ${} of {} holds a NUL byte, which PostgreSQL text cannot store (pass "
              "binary data as Bytes)",
              i + 1, sql.substr(0, 200)));
        }
        oids_[i] = 0;  // text: the server converts it to the type the statement needs
        values_[i] = s.c_str();
        lengths_[i] = static_cast<int>(s.size());
        formats_[i] = 0;
        break;
      }
      case 5: {
        const Bytes& b = std::get<Bytes>(v);
        oids_[i] = kByteaOid;
        values_[i] = b.empty() ? "" : reinterpret_cast<const char*>(b.data());
        lengths_[i] = static_cast<int>(b.size());
        formats_[i] = 1;
        break;
      }
      case 6:
        oids_[i] = kTimestamptzOid;
        store64(static_cast<std::uint64_t>(UnixMicros(std::get<Time>(v)) - kPgEpochMicros));
        break;
      case 7:
        oids_[i] = kUuidOid;
        values_[i] = reinterpret_cast<const char*>(std::get<UUID>(v).bytes.data());
        lengths_[i] = 16;
        formats_[i] = 1;
        break;
    }
  }
  PGconn* c = conn_.get();
  for (int attempt = 0;; ++attempt) {
    std::shared_ptr<const Prepared> prepared = Prepare(sql);
    if (prepared->nparams != static_cast<int>(n)) {
      throw Error(fmt::format("the statement takes {} parameter{} but was given {}: {}",
                              prepared->nparams, prepared->nparams == 1 ? "" : "s", n,
                              sql.substr(0, 2000)));
    }
    const bool idle = PQtransactionStatus(c) == PQTRANS_IDLE;
    ++round_trips_;
    PGresult* raw = PQexecPrepared(c, prepared->name.c_str(), static_cast<int>(n), values_.data(),
                                   lengths_.data(), formats_.data(), prepared->binary ? 1 : 0);
    const ExecStatusType status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      if (!prepared->described) {
        // The first execution of a statement too large to describe came back in text format:
        // its result decodes with the shape it shows, and later executions ask for binary.
        auto first = std::make_shared<Prepared>(*prepared);
        LearnShape(*first, raw);
        auto learnt = std::make_shared<Prepared>(*first);
        learnt->described = true;
        first->binary = false;
        if (auto it = statements_.find(sql); it != statements_.end()) {
          for (auto& p : it->second) {
            if (p == prepared) p = learnt;
          }
        }
        prepared = std::move(first);
      }
      return strata::Result(MakeResult(raw, std::move(prepared)));
    }
    // The server lost the statement (DEALLOCATE, a pooler) or its result columns changed (the
    // table was altered): prepare it again, and retry once when no transaction was spoiled.
    const char* state = raw != nullptr ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary =
        raw != nullptr ? PQresultErrorField(raw, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const bool lost = state != nullptr && std::strcmp(state, "26000") == 0;
    const bool reshaped = state != nullptr && std::strcmp(state, "0A000") == 0 &&
                          primary != nullptr &&
                          std::strstr(primary, "cached plan must not change result type");
    if (lost || reshaped) {
      Forget(sql);
      if (attempt == 0 && idle && PQstatus(c) == CONNECTION_OK) {
        PQclear(raw);
        if (reshaped) Exec("DEALLOCATE " + prepared->name);
        continue;
      }
    }
    Checked(c, raw, sql);  // throws
    return {};
  }
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
