// Internals of the PostgreSQL dialect: the libpq connection and the pieces the DialectImpl in
// postgres.cpp is assembled from (inspector, planner, cleaner).
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "strata/driver.hpp"
#include "strata/migrate/changes.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/schema.hpp"

namespace strata::dialect::postgres {

// One libpq session. Notices are discarded; every request counts as one round trip.
class PgConn : public Conn {
 public:
  // Connects and, when the URL has a search_path, sets it with SQL (poolers such as PgBouncer
  // reject it as a startup parameter). Throws ConnectionError naming the redacted URL.
  static std::unique_ptr<PgConn> Open(const Url& url);

  Dialect dialect() const override { return Dialect::kPostgres; }
  void Exec(std::string_view sql) override;
  Rows Query(std::string_view sql,
             const std::vector<std::optional<std::string>>& params = {}) override;

  // Runs several statements (no parameters) as one request and returns each one's rows, in order
  // (an empty Rows for a statement that returns none). One round trip. Throws SqlError for the
  // first statement that fails; the ones after it are not run.
  std::vector<Rows> QueryAll(std::string_view sql);

  // True inside a transaction block (also a failed one), as libpq tracks it.
  bool InTransaction() const;
  // The server's version as a number, e.g. 150004.
  int server_version() const { return PQserverVersion(conn_.get()); }

 private:
  struct ConnCloser {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  PgConn(Url url, PGconn* conn) : Conn(std::move(url)), conn_(conn) {}

  std::unique_ptr<PGconn, ConnCloser> conn_;
};

// The connection behind a Conn of the PostgreSQL dialect.
PgConn& AsPg(Conn& conn);

// See DialectImpl::Inspect. One round trip whatever the number of objects.
schema::Realm Inspect(PgConn& conn);

// See DialectImpl::ExecScript.
void ExecScript(Conn& conn, std::string_view script, std::string_view source_name);

// See DialectImpl::Clean. Two round trips whatever the number of objects.
void Clean(PgConn& conn);

// See DialectImpl::PlanChanges.
migrate::Plan PlanChanges(const std::vector<migrate::Change>& changes,
                          const migrate::PlanOptions& options);

// The name PostgreSQL gives implicit objects (a serial column's sequence: MakeObjectName(table,
// column, "seq")), truncated as the server truncates it to fit in 63 bytes.
std::string MakeObjectName(std::string_view name1, std::string_view name2, std::string_view label);

}  // namespace strata::dialect::postgres
