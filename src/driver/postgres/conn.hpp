// The libpq connection behind a Conn of the PostgreSQL dialect.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/driver.hpp"

namespace strata::driver::postgres {

// One libpq session. Notices are discarded; every request counts as one round trip.
class PgConn final : public Conn {
 public:
  // Connects and, when the URL has a search_path, sets it with SQL (poolers such as PgBouncer
  // reject it as a startup parameter). Throws ConnectionError naming the redacted URL.
  explicit PgConn(Url url);

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
  std::unique_ptr<PGconn, ConnCloser> conn_;
};

// The connection behind a Conn of the PostgreSQL dialect. Throws Error for any other.
PgConn& AsPg(Conn& conn);

}  // namespace strata::driver::postgres
