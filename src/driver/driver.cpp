// Dialect-independent parts of the driver layer: connecting by URL, transactions, quoting.
#include "strata/driver.hpp"

#include "driver/connect.hpp"
#include "strata/error.hpp"

namespace strata {

std::unique_ptr<Conn> Connect(std::string_view url) { return Connect(Url::Parse(url)); }

std::unique_ptr<Conn> Connect(const Url& url) {
  return url.dialect == Dialect::kPostgres ? driver::postgres::Open(url)
                                           : driver::sqlite::Open(url);
}

Transaction::Transaction(Conn& conn) : conn_(conn) { conn_.Exec("BEGIN"); }

Transaction::~Transaction() {
  if (!open_) return;
  try {
    conn_.Exec("ROLLBACK");
  } catch (const Error&) {
    // The connection is already unusable; the server rolls back when it closes.
  }
}

void Transaction::Commit() {
  open_ = false;
  try {
    conn_.Exec("COMMIT");
  } catch (const Error&) {
    // PostgreSQL ends the transaction whatever COMMIT reports; SQLite keeps it open when COMMIT
    // fails (a deferred foreign key, a busy database): roll it back so the session is clean.
    if (conn_.InTransaction()) {
      try {
        conn_.Exec("ROLLBACK");
      } catch (const Error&) {
        // The connection is unusable; the first error is the one to report.
      }
    }
    throw;
  }
}

void Transaction::Rollback() {
  open_ = false;
  conn_.Exec("ROLLBACK");
}

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string QuoteLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

}  // namespace strata
