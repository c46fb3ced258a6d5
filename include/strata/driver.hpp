// Database connections: a small RAII layer over libpq and sqlite3, opened from a URL.
//
//   postgres://user:pass@host:port/db?sslmode=disable&search_path=public   (also postgresql://)
//   sqlite://path/to/file.db    sqlite:///abs/path.db    sqlite://:memory:
//
// A Conn is one session. It is not thread-safe: use one Conn per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "strata/types.hpp"

namespace strata {

enum class Dialect { kPostgres, kSqlite };

// "postgres" or "sqlite".
std::string_view DialectName(Dialect d);

// A parsed database URL. Parsing never fails silently: malformed URLs and unknown schemes throw
// InputError naming the URL (with its password masked).
struct Url {
  Dialect dialect = Dialect::kSqlite;
  std::string scheme;  // as written: postgres, postgresql, sqlite
  std::string user;
  std::string password;  // never printed: see Redacted()
  std::string host;
  std::string port;
  std::string database;  // PostgreSQL database name, or the SQLite file path (":memory:" allowed)
  std::map<std::string, std::string> params;  // query parameters, decoded

  static Url Parse(std::string_view text);
  // The URL as text, with the password replaced by "xxxxx". Safe for messages and logs.
  std::string Redacted() const;
  // The URL as text, password included. For handing to libpq only.
  std::string ToString() const;
  // The schema the URL is scoped to (its search_path), or empty for the whole database.
  std::string SearchPath() const;
};

// One row of a result: each value is its text form, or nullopt for SQL NULL.
using Row = std::vector<std::optional<std::string>>;

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

// ---- Typed statements (the generated client's path) -------------------------------------------

// A parameter of a typed statement. Integers of every width bind as int64, unsigned ones that fit;
// strings bind as text the server converts to the column's type (varchar, enum, json, …); Bytes
// as bytea / BLOB; Time as timestamptz / RFC 3339 text in UTC; UUID as uuid / its canonical text.
using Value =
    std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, Bytes, Time, UUID>;

// The rows of one typed statement, read in place: a getter converts the current row's cell
// without copying it into a std::string first. Move-only; destroying it frees the result (and
// on SQLite resets the cached statement for its next use).
class Result {
 public:
  class Impl;
  Result();  // no rows; defined out of line, where Impl is complete
  explicit Result(std::unique_ptr<Impl> impl);
  Result(Result&&) noexcept;
  Result& operator=(Result&&) noexcept;
  ~Result();

  // Moves to the next row (the first, on the first call); false once there is none.
  bool Next();
  int columns() const;
  std::string_view column_name(int col) const;
  // Rows changed by the INSERT, UPDATE or DELETE (RETURNING rows are read with Next as well).
  std::int64_t affected() const;

  // Rows in the result when the driver knows them before they are read (PostgreSQL; SQLite
  // INSERT, UPDATE and DELETE … RETURNING), else -1: for reserving room.
  std::int64_t size_hint() const;

  // The current row's cell `col` (0-based). Reading NULL with anything but IsNull or an …OrNull
  // getter, or a cell that does not convert to the type asked for, throws Error naming the column.
  bool IsNull(int col) const;
  std::int64_t Int(int col) const;
  double Double(int col) const;
  bool Bool(int col) const;
  std::string_view Text(int col) const;  // valid until Next or destruction
  Bytes Blob(int col) const;
  strata::Time TimeAt(int col) const;
  UUID Uuid(int col) const;

  // The same for a cell that may be NULL: nullopt for NULL. One read of the cell, where IsNull
  // followed by a getter reads it twice.
  std::optional<std::int64_t> IntOrNull(int col) const;
  std::optional<double> DoubleOrNull(int col) const;
  std::optional<bool> BoolOrNull(int col) const;
  std::optional<std::string_view> TextOrNull(int col) const;  // valid until Next or destruction
  std::optional<Bytes> BlobOrNull(int col) const;
  std::optional<strata::Time> TimeAtOrNull(int col) const;
  std::optional<UUID> UuidOrNull(int col) const;

 private:
  std::unique_ptr<Impl> impl_;
};

class Conn {
 public:
  virtual ~Conn() = default;
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  virtual Dialect dialect() const = 0;
  const Url& url() const { return url_; }

  // Runs one or more statements with no parameters; results are discarded. Throws SqlError.
  virtual void Exec(std::string_view sql) = 0;
  // Runs one statement with text parameters ($1, $2 on PostgreSQL; ?1, ?2 or ? on SQLite).
  virtual Rows Query(std::string_view sql,
                     const std::vector<std::optional<std::string>>& params = {}) = 0;

  // Runs one statement with typed parameters and returns its rows. Placeholders are $1, $2 on
  // PostgreSQL and ?1, ?2 (or ?) on SQLite. The statement is prepared on first use and the
  // prepared form reused for the same text on this connection. Throws SqlError (ConstraintError
  // for a violated constraint).
  virtual Result Execute(std::string_view sql, std::span<const Value> params = {}) = 0;
  // True while a transaction is open on this session (also a failed one).
  virtual bool InTransaction() const = 0;
  // False once the connection is lost; a pool replaces such a connection.
  virtual bool Healthy() const = 0;
  // The library's own handle, for other SQL libraries sharing the session: PGconn* on
  // PostgreSQL, sqlite3* on SQLite. Owned by the Conn; statements run through it bypass the
  // Conn's bookkeeping (round_trips, prepared statements), so leave no transaction open on it.
  virtual void* native_handle() const = 0;

  // Number of requests sent to the server since the connection opened (for benchmarks: the
  // inspector's cost must not grow with the number of tables).
  std::uint64_t round_trips() const { return round_trips_; }

 protected:
  explicit Conn(Url url) : url_(std::move(url)) {}
  Url url_;
  std::uint64_t round_trips_ = 0;
};

// Opens a connection. Throws InputError for a bad URL, ConnectionError when the server cannot be
// reached or refuses the credentials.
std::unique_ptr<Conn> Connect(std::string_view url);
std::unique_ptr<Conn> Connect(const Url& url);

// ---- Shared handles: strata::Open ---------------------------------------------------------------

struct PoolOptions {
  // Connections open at most (PostgreSQL; SQLite files use up to this many readers in WAL mode,
  // `:memory:` exactly one, since each connection would be a database of its own).
  int max_connections = 10;
  // How long Acquire waits for a free connection before throwing ConnectionError.
  std::chrono::milliseconds acquire_timeout{30000};
};

struct PoolStats {
  int open = 0;                // connections open now
  int in_use = 0;              // leased now
  int max_in_use = 0;          // the most leased at once since Open
  std::uint64_t replaced = 0;  // broken connections closed and replaced
};

class Pool;

// A shareable, thread-safe handle on a database: copies share one pool of connections. Lease a
// connection with Acquire; it returns to the pool when the Lease is destroyed (rolled back first
// when it comes back inside a transaction, closed when broken).
class DB {
 public:
  class Lease {
   public:
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Conn& operator*() const { return *conn_; }
    Conn* operator->() const { return conn_.get(); }
    Conn& conn() const { return *conn_; }

   private:
    friend class DB;
    Lease(std::shared_ptr<Pool> pool, std::unique_ptr<Conn> conn);
    std::shared_ptr<Pool> pool_;
    std::unique_ptr<Conn> conn_;
  };

  DB() = default;
  Dialect dialect() const;
  // The URL with its password masked.
  std::string Redacted() const;
  const Url& url() const;
  // Waits up to PoolOptions::acquire_timeout for a connection. Throws ConnectionError.
  Lease Acquire() const;
  PoolStats stats() const;
  explicit operator bool() const { return pool_ != nullptr; }

 private:
  friend DB Open(const Url& url, PoolOptions options);
  std::shared_ptr<Pool> pool_;
};

// Opens a handle on the database at `url`. One connection is opened at once (so a bad URL or an
// unreachable server fails here, with InputError or ConnectionError); more as they are needed.
DB Open(std::string_view url, PoolOptions options = {});
DB Open(const Url& url, PoolOptions options = {});

// Rolls back on destruction unless committed. Nesting is not supported.
class Transaction {
 public:
  explicit Transaction(Conn& conn);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();
  void Rollback();

 private:
  Conn& conn_;
  bool open_ = true;
};

// Quotes an identifier for SQL ("name" with inner quotes doubled). Both dialects accept this form.
std::string QuoteIdent(std::string_view name);
// Quotes a string literal ('text' with inner quotes doubled).
std::string QuoteLiteral(std::string_view text);

}  // namespace strata
