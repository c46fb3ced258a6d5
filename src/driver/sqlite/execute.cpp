// Typed statements on SQLite: SqliteConn::Execute (prepared once per text, cached, typed binds)
// and the Result stepping the cached statement.
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "driver/result.hpp"
#include "driver/sqlite/conn.hpp"
#include "driver/sqlite/tokenizer.hpp"
#include "driver/values.hpp"
#include "strata/error.hpp"

namespace strata::driver::sqlite {
namespace {

// Statements kept per connection at most; past it the idle ones are finalized.
constexpr size_t kMaxCached = 1000;

// One cell: its SQLite type and the payload that type has (text and blobs in `bytes`).
struct Cell {
  int type = SQLITE_NULL;
  std::int64_t i = 0;
  double d = 0;
  std::string_view bytes;
};

class SqliteResult final : public Result::Impl {
 public:
  // `cached` is the cache entry `stmt` belongs to, or null for a statement of this Result's own
  // (finalized with it).
  SqliteResult(const SqliteConn* conn, SqliteConn::Cached* cached, sqlite3_stmt* stmt,
               std::string_view sql)
      : conn_(conn), cached_(cached), stmt_(stmt), sql_(sql) {
    if (cached_ != nullptr) {
      cached_->busy = true;
      ++cached_->users;
    } else {
      own_sql_ = sql;
      sql_ = own_sql_;
    }
  }
  ~SqliteResult() override {
    Release();
    if (cached_ != nullptr) --cached_->users;
    if (cached_ == nullptr) sqlite3_finalize(stmt_);
  }

  // The first step, with the parameters bound.
  void Start(sqlite3* db) {
    const sqlite3_int64 before = sqlite3_total_changes64(db);
    const int rc = sqlite3_step(stmt_);
    cols_ = sqlite3_column_count(stmt_);
    if (rc == SQLITE_ROW && sqlite3_stmt_readonly(stmt_) == 0) {
      // INSERT/UPDATE/DELETE … RETURNING: SQLite has made every change and holds the rows;
      // copying them lets affected() be known now and frees the statement.
      Buffer();
    } else if (rc == SQLITE_ROW) {
      state_ = kPending;
      return;
    } else if (rc != SQLITE_DONE) {
      Throw(rc);
    }
    // total_changes moves for INSERT, UPDATE and DELETE only; changes() alone would repeat the
    // last one's count after any other statement.
    if (sqlite3_total_changes64(db) != before) affected_ = sqlite3_changes64(db);
    if (!buffered_) {
      state_ = kDone;
      Release();
    }
  }

  bool Next() override {
    if (buffered_) {
      if (row_ + 1 < rows_) {
        ++row_;
        return true;
      }
      row_ = rows_;
      return false;
    }
    switch (state_) {
      case kPending:
        state_ = kRow;
        return true;
      case kRow: {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        state_ = kDone;  // no row to read after an error either
        if (rc != SQLITE_DONE) Throw(rc);
        Release();
        return false;
      }
      case kDone:
        return false;
    }
    return false;
  }
  int columns() const override { return cols_; }
  std::string_view column_name(int col) const override {
    if (col < 0 || col >= cols_) ThrowBadColumn(col, cols_);
    // Read from the statement each time: it stays prepared while this Result lives (a cache
    // entry with users is not evicted), though another execution may have reset it since.
    const char* name = sqlite3_column_name(stmt_, col);
    return name == nullptr ? std::string_view() : std::string_view(name);
  }
  std::int64_t affected() const override { return affected_; }
  std::int64_t size_hint() const override { return buffered_ ? rows_ : -1; }

  bool IsNull(int col) const override {
    Check(col);
    if (buffered_) return BufferedCell(col).type == SQLITE_NULL;
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
  }

  std::optional<std::int64_t> IntOrNull(int col) const override {
    const Cell c = Read(col);
    switch (c.type) {
      case SQLITE_NULL:
        return std::nullopt;
      case SQLITE_INTEGER:
        return c.i;
      case SQLITE_FLOAT:
        // A whole number in a REAL cell (a column of REAL affinity stores 5 as 5.0).
        if (c.d == std::trunc(c.d) && c.d >= -9.223372036854775808e18 &&
            c.d < 9.223372036854775808e18) {
          return static_cast<std::int64_t>(c.d);
        }
        break;
      default:
        break;
    }
    Fail(col, "an integer", c);
  }

  std::optional<double> DoubleOrNull(int col) const override {
    const Cell c = Read(col);
    switch (c.type) {
      case SQLITE_NULL:
        return std::nullopt;
      case SQLITE_FLOAT:
        return c.d;
      case SQLITE_INTEGER:
        return static_cast<double>(c.i);
      default:
        Fail(col, "a double", c);
    }
  }

  std::optional<bool> BoolOrNull(int col) const override {
    const Cell c = Read(col);
    if (c.type == SQLITE_NULL) return std::nullopt;
    if (c.type == SQLITE_INTEGER) return c.i != 0;
    Fail(col, "a boolean", c);
  }

  std::optional<std::string_view> TextOrNull(int col) const override {
    const Cell c = Read(col);
    switch (c.type) {
      case SQLITE_NULL:
        return std::nullopt;
      case SQLITE_TEXT:
      case SQLITE_BLOB:
        return c.bytes;
      case SQLITE_INTEGER: {
        std::string& s = Scratch(col);
        s = std::to_string(c.i);
        return s;
      }
      default: {
        char buf[32];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, c.d);
        std::string& s = Scratch(col);
        s.assign(buf, end);
        return s;
      }
    }
  }

  std::optional<Bytes> BlobOrNull(int col) const override {
    const Cell c = Read(col);
    if (c.type == SQLITE_NULL) return std::nullopt;
    if (c.type == SQLITE_BLOB || c.type == SQLITE_TEXT) {
      return Bytes(c.bytes.begin(), c.bytes.end());
    }
    Fail(col, "bytes", c);
  }

  std::optional<Time> TimeAtOrNull(int col) const override {
    const Cell c = Read(col);
    Time out;
    if (c.type == SQLITE_NULL) return std::nullopt;
    if (c.type == SQLITE_TEXT) {
      if (ParseTime(c.bytes, &out)) return out;
    } else if (c.type == SQLITE_INTEGER) {
      // Unix seconds, as strftime('%s') and unixepoch() give them.
      if (c.i > -9'000'000'000 && c.i < 9'000'000'000 && FromUnixMicros(c.i * 1'000'000, &out)) {
        return out;
      }
    }
    Fail(col, "a time", c);
  }

  std::optional<UUID> UuidOrNull(int col) const override {
    const Cell c = Read(col);
    UUID u;
    if (c.type == SQLITE_NULL) return std::nullopt;
    if (c.type == SQLITE_TEXT && ParseUuid(c.bytes, &u)) return u;
    if (c.type == SQLITE_BLOB && c.bytes.size() == 16) {
      std::memcpy(u.bytes.data(), c.bytes.data(), 16);
      return u;
    }
    Fail(col, "a UUID", c);
  }

 private:
  enum State { kPending, kRow, kDone };

  // A buffered cell: its text or blob at [offset, offset + size) of bytes_.
  struct Stored {
    int type;
    std::int64_t i;
    double d;
    size_t offset, size;
  };

  // Steps through every row, copying the cells into cells_ and bytes_.
  void Buffer() {
    buffered_ = true;
    int rc = SQLITE_ROW;
    for (; rc == SQLITE_ROW; rc = sqlite3_step(stmt_)) {
      for (int c = 0; c < cols_; ++c) {
        const Cell cell = StatementCell(c);
        cells_.push_back({cell.type, cell.i, cell.d, bytes_.size(), cell.bytes.size()});
        bytes_.append(cell.bytes);
      }
      ++rows_;
    }
    if (rc != SQLITE_DONE) Throw(rc);
    Release();
  }
  // Hands the statement back for its next execution.
  void Release() {
    if (released_) return;
    released_ = true;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (cached_ != nullptr) cached_->busy = false;
  }
  [[noreturn]] void Throw(int rc) {
    // The message is read before the reset (in the destructor) clears it.
    conn_->ThrowStatementError(rc, sql_);
  }

  void Check(int col) const {
    if (col < 0 || col >= cols_) ThrowBadColumn(col, cols_);
    if (buffered_ ? (row_ < 0 || row_ >= rows_) : state_ != kRow) ThrowNoRow();
  }
  // The current row's cell `col`, checked: one read of the statement's value (on this
  // connection's thread only, so that its lack of a mutex does not matter), or the buffered copy.
  Cell Read(int col) const {
    Check(col);
    return buffered_ ? BufferedCell(col) : StatementCell(col);
  }
  Cell StatementCell(int col) const {
    sqlite3_value* v = sqlite3_column_value(stmt_, col);
    Cell c;
    c.type = sqlite3_value_type(v);
    switch (c.type) {
      case SQLITE_INTEGER:
        c.i = sqlite3_value_int64(v);
        break;
      case SQLITE_FLOAT:
        c.d = sqlite3_value_double(v);
        break;
      case SQLITE_TEXT: {
        // Text first, then its length (in that order: the length is of the form asked for).
        const unsigned char* p = sqlite3_value_text(v);
        const int n = sqlite3_value_bytes(v);
        if (p != nullptr) c.bytes = {reinterpret_cast<const char*>(p), static_cast<size_t>(n)};
        break;
      }
      case SQLITE_BLOB: {
        const void* p = sqlite3_value_blob(v);
        const int n = sqlite3_value_bytes(v);
        if (p != nullptr) c.bytes = {static_cast<const char*>(p), static_cast<size_t>(n)};
        break;
      }
      default:
        break;
    }
    return c;
  }
  Cell BufferedCell(int col) const {
    const Stored& s =
        cells_[static_cast<size_t>(row_) * static_cast<size_t>(cols_) + static_cast<size_t>(col)];
    return {s.type, s.i, s.d, std::string_view(bytes_).substr(s.offset, s.size)};
  }
  std::string& Scratch(int col) const {
    if (scratch_.empty()) scratch_.resize(static_cast<size_t>(cols_));
    return scratch_[static_cast<size_t>(col)];
  }
  [[noreturn, gnu::cold]] void Fail(int col, std::string_view wanted, const Cell& c) const {
    std::string found;
    switch (c.type) {
      case SQLITE_INTEGER:
        found = fmt::format("integer {}", c.i);
        break;
      case SQLITE_FLOAT:
        found = fmt::format("real {}", c.d);
        break;
      case SQLITE_TEXT:
        found = fmt::format("text {}", Excerpt(c.bytes));
        break;
      case SQLITE_BLOB:
        found = fmt::format("a blob of {} bytes", c.bytes.size());
        break;
      default:
        found = "NULL";
        break;
    }
    ThrowCellError(column_name(col), col, wanted, found);
  }

  const SqliteConn* conn_;
  SqliteConn::Cached* cached_;
  sqlite3_stmt* stmt_;
  std::string_view sql_;  // for error messages: the cache's key, or own_sql_
  std::string own_sql_;
  State state_ = kDone;
  bool released_ = false;
  bool buffered_ = false;
  int cols_ = 0;
  int row_ = -1;  // buffered rows
  int rows_ = 0;
  std::int64_t affected_ = 0;
  std::vector<Stored> cells_;  // buffered rows, row by row
  std::string bytes_;          // their text and blobs
  mutable std::vector<std::string> scratch_;
};

}  // namespace

strata::Result SqliteConn::Execute(std::string_view sql, std::span<const Value> params) {
  sqlite3* db = db_.get();
  Cached* cached = nullptr;
  sqlite3_stmt* stmt = nullptr;
  std::string_view text = sql;  // see below
  Cached* found = nullptr;
  if (last_ != nullptr && last_text_ == sql) {
    found = last_;
    text = last_text_;
  } else if (auto it = statements_.find(sql); it != statements_.end()) {
    found = it->second.get();
    text = it->first;
    last_ = found;
    last_text_ = it->first;
  }
  if (found != nullptr && !found->busy) {
    cached = found;
    stmt = cached->stmt;
  } else {
    const bool keep = found == nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      keep ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      Fail(rc, sql, 0, std::string_view::npos, {});
    }
    if (stmt == nullptr || SkipSpace(sql, static_cast<size_t>(tail - sql.data())) < sql.size()) {
      sqlite3_finalize(stmt);
      throw Error(fmt::format("Execute runs exactly one statement (use Exec for scripts): {}",
                              sql.substr(0, 2000)));
    }
    ++prepares_;
    if (keep) {
      if (statements_.size() >= kMaxCached) {
        std::erase_if(statements_, [](const auto& entry) { return entry.second->users == 0; });
        last_ = nullptr;
        last_text_ = {};
      }
      auto entry = std::make_unique<Cached>(stmt);
      cached = entry.get();
      auto it = statements_.emplace(std::string(sql), std::move(entry)).first;
      text = it->first;
      last_ = cached;
      last_text_ = it->first;
    } else {
      text = sql;  // the Result copies it
    }
  }
  // A cached statement's text is the map's key: it outlives the Result's use of the statement
  // (an entry is never evicted while a Result uses it). A statement of the Result's own keeps
  // a copy.
  auto result = std::make_unique<SqliteResult>(this, cached, stmt, text);

  const int expected = sqlite3_bind_parameter_count(stmt);
  if (static_cast<int>(params.size()) != expected) {
    throw Error(fmt::format("the statement takes {} parameter{} but was given {}: {}", expected,
                            expected == 1 ? "" : "s", params.size(), sql.substr(0, 2000)));
  }
  // A statement that writes runs to completion in Execute (see Start), so that the caller's
  // values outlive every read of them; a query may step later and gets copies.
  const auto lifetime = sqlite3_stmt_readonly(stmt) != 0 ? SQLITE_TRANSIENT : SQLITE_STATIC;
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    const Value& v = params[i];
    int rc = SQLITE_OK;
    switch (v.index()) {
      case 0:
        rc = sqlite3_bind_null(stmt, index);
        break;
      case 1:
        rc = sqlite3_bind_int(stmt, index, std::get<bool>(v) ? 1 : 0);
        break;
      case 2:
        rc = sqlite3_bind_int64(stmt, index, std::get<std::int64_t>(v));
        break;
      case 3:
        rc = sqlite3_bind_double(stmt, index, std::get<double>(v));
        break;
      case 4: {
        const std::string& s = std::get<std::string>(v);
        rc = sqlite3_bind_text64(stmt, index, s.data(), s.size(), lifetime, SQLITE_UTF8);
        break;
      }
      case 5: {
        const Bytes& b = std::get<Bytes>(v);
        // A null pointer would bind NULL: an empty value is a zero-length blob.
        rc = b.empty() ? sqlite3_bind_zeroblob(stmt, index, 0)
                       : sqlite3_bind_blob64(stmt, index, b.data(), b.size(), lifetime);
        break;
      }
      case 6: {
        char buf[kRfc3339Size];
        FormatRfc3339(std::get<Time>(v), buf);
        rc = sqlite3_bind_text(stmt, index, buf, kRfc3339Size, SQLITE_TRANSIENT);
        break;
      }
      case 7: {
        const std::string u = std::get<UUID>(v).ToString();
        rc = sqlite3_bind_text(stmt, index, u.data(), static_cast<int>(u.size()), SQLITE_TRANSIENT);
        break;
      }
    }
    if (rc != SQLITE_OK) Fail(rc, sql, 0, sql.size(), {});
  }
  ++round_trips_;
  result->Start(db);
  return strata::Result(std::move(result));
}

}  // namespace strata::driver::sqlite
