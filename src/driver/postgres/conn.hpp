// The libpq connection behind a Conn of the PostgreSQL dialect.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "strata/driver.hpp"

namespace strata::driver::postgres {

struct Prepared;  // a statement Execute prepared: its name, parameter types, result shape

// One libpq session. Notices are discarded; every request counts as one round trip.
//
// Typed statements (Execute) are prepared once per connection for each SQL text and parameter
// type signature (the OIDs the Value kinds map to: int8, float8, bool, bytea, timestamptz and uuid
// in binary format; strings and NULL as text with OID 0, for the server to infer), described once
// (result column types), and executed with PQexecPrepared. Results come back in binary format
// when every column has a type the driver decodes (the integers, float4/8, numeric, bool, bytea,
// uuid, timestamptz, timestamp, date, the text types, json/jsonb, enums), else in text format.
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

  Result Execute(std::string_view sql, std::span<const Value> params = {}) override;

  // True inside a transaction block (also a failed one), as libpq tracks it.
  bool InTransaction() const override;
  // False once libpq has found the connection broken. When idle, it first reads whatever the
  // server sent (a termination notice, end of file) without blocking.
  bool Healthy() const override;
  // Statements prepared by Execute since the connection opened (a cache miss each).
  std::uint64_t prepares() const { return prepares_; }
  void* native_handle() const override { return conn_.get(); }
  // The server's version as a number, e.g. 150004.
  int server_version() const { return PQserverVersion(conn_.get()); }

 private:
  struct ConnCloser {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  // The prepared statement for `sql` with the parameter types in oids_, preparing it on a miss.
  const std::shared_ptr<const Prepared>& Prepare(std::string_view sql);
  // Forgets `sql`'s prepared statements (the server lost them, or their result shape changed).
  void Forget(std::string_view sql);
  // Fills `p`'s result types and decoders from `shape` (a description or a result), looking up
  // types not built in once per connection.
  void LearnShape(Prepared& p, const PGresult* shape);

  // Notices are dropped, but a FATAL message arriving while idle (the backend terminated,
  // idle_session_timeout) marks the session doomed before its end of file arrives.
  static void OnNotice(void* self, const PGresult* notice);

  std::unique_ptr<PGconn, ConnCloser> conn_;
  bool doomed_ = false;
  std::unordered_map<std::string, std::vector<std::shared_ptr<const Prepared>>, TextHash,
                     std::equal_to<>>
      statements_;
  // The entry Prepare found last (its key), compared before hashing: a service runs the same
  // few statements over and over.
  std::string_view last_text_;
  const std::vector<std::shared_ptr<const Prepared>>* last_ = nullptr;
  // Kinds of type OIDs not built in (enums, citext, …), looked up once per connection.
  std::unordered_map<Oid, std::uint8_t> type_kinds_;
  std::uint64_t prepares_ = 0;
  std::uint64_t next_name_ = 0;
  // Execute's parameter buffers, kept between calls so that a call allocates nothing.
  std::vector<Oid> oids_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<std::uint64_t> scratch_;
};

// The connection behind a Conn of the PostgreSQL dialect. Throws Error for any other.
PgConn& AsPg(Conn& conn);

}  // namespace strata::driver::postgres
