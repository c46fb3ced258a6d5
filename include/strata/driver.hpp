// Database connections: a small RAII layer over libpq and sqlite3, opened from a URL.
//
//   postgres://user:pass@host:port/db?sslmode=disable&search_path=public   (also postgresql://)
//   sqlite://path/to/file.db    sqlite:///abs/path.db    sqlite://:memory:
//
// A Conn is one session. It is not thread-safe: use one Conn per thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
