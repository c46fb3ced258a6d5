// Typed statements on SQLite: SqliteConn::Execute (prepared once per text, cached, typed binds)
// and the Result stepping the cached statement.
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
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
    for (sqlite3_value* v : values_) sqlite3_value_free(v);
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
      case kPending: state_ = kRow; return true;
      case kRow: {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        state_ = kDone;  // no row to read after an error either
        if (rc != SQLITE_DONE) Throw(rc);
        Release();
        return false;
      }
      case kDone: return false;
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

  bool IsNull(int col) const override {
    Check(col);
    return sqlite3_value_type(ValueAt(col)) == SQLITE_NULL;
  }

  std::int64_t Int(int col) const override {
    int type;
    sqlite3_value* v = Cell(col, "an integer", &type);
    switch (type) {
      case SQLITE_INTEGER: return sqlite3_value_int64(v);
      case SQLITE_FLOAT: {
        // A whole number in a REAL cell (a column of REAL affinity stores 5 as 5.0).
        const double d = sqlite3_value_double(v);
        if (d == std::trunc(d) && d >= -9.223372036854775808e18 && d < 9.223372036854775808e18) {
          return static_cast<std::int64_t>(d);
        }
        break;
      }
      default: break;
    }
    Fail(col, "an integer");
  }

  double Double(int col) const override {
    int type;
    sqlite3_value* v = Cell(col, "a double", &type);
    if (type == SQLITE_FLOAT || type == SQLITE_INTEGER) return sqlite3_value_double(v);
    Fail(col, "a double");
  }

  bool Bool(int col) const override {
    int type;
    sqlite3_value* v = Cell(col, "a boolean", &type);
    if (type == SQLITE_INTEGER) return sqlite3_value_int64(v) != 0;
    Fail(col, "a boolean");
  }

  std::string_view Text(int col) const override {
    int type;
    sqlite3_value* v = Cell(col, "text", &type);
    switch (type) {
      case SQLITE_TEXT: return TextOf(v);
      case SQLITE_BLOB: return BlobOf(v);
      case SQLITE_INTEGER: {
        // Formatted here: sqlite3_value_text would change the cell's type in place.
        std::string& s = Scratch(col);
        s = std::to_string(sqlite3_value_int64(v));
        return s;
      }
      default: {
        char buf[32];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, sqlite3_value_double(v));
        std::string& s = Scratch(col);
        s.assign(buf, end);
        return s;
      }
    }
  }

  Bytes Blob(int col) const override {
    int type;
    sqlite3_value* v = Cell(col, "bytes", &type);
    if (type == SQLITE_BLOB || type == SQLITE_TEXT) {
      const std::string_view b = type == SQLITE_BLOB ? BlobOf(v) : TextOf(v);
      return Bytes(b.begin(), b.end());
    }
    Fail(col, "bytes");
  }

  Time TimeAt(int col) const override {
    int type;
    sqlite3_value* v = Cell(col, "a time", &type);
    Time out;
    if (type == SQLITE_TEXT) {
      if (ParseTime(TextOf(v), &out)) return out;
    } else if (type == SQLITE_INTEGER) {
      // Unix seconds, as strftime('%s') and unixepoch() give them.
      const std::int64_t s = sqlite3_value_int64(v);
      if (s > -9'000'000'000 && s < 9'000'000'000 && FromUnixMicros(s * 1'000'000, &out)) {
        return out;
      }
    }
    Fail(col, "a time");
  }

  UUID Uuid(int col) const override {
    int type;
    sqlite3_value* v = Cell(col, "a UUID", &type);
    UUID u;
    if (type == SQLITE_TEXT && ParseUuid(TextOf(v), &u)) return u;
    if (type == SQLITE_BLOB) {
      const std::string_view b = BlobOf(v);
      if (b.size() == 16) {
        std::memcpy(u.bytes.data(), b.data(), 16);
        return u;
      }
    }
    Fail(col, "a UUID");
  }

 private:
  enum State { kPending, kRow, kDone };

  // Steps through every row, copying the values.
  void Buffer() {
    buffered_ = true;
    int rc = SQLITE_ROW;
    for (; rc == SQLITE_ROW; rc = sqlite3_step(stmt_)) {
      for (int c = 0; c < cols_; ++c) {
        sqlite3_value* v = sqlite3_value_dup(sqlite3_column_value(stmt_, c));
        if (v == nullptr) Throw(SQLITE_NOMEM);
        values_.push_back(v);
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
  // The current row's cell `col`: the statement's own value (read on this connection's thread
  // only, so that its lack of a mutex does not matter) or a buffered copy.
  sqlite3_value* ValueAt(int col) const {
    if (buffered_) {
      return values_[static_cast<size_t>(row_) * static_cast<size_t>(cols_) +
                     static_cast<size_t>(col)];
    }
    return sqlite3_column_value(stmt_, col);
  }
  // The cell `col` and its type; throws for NULL.
  sqlite3_value* Cell(int col, std::string_view wanted, int* type) const {
    Check(col);
    sqlite3_value* v = ValueAt(col);
    *type = sqlite3_value_type(v);
    if (*type == SQLITE_NULL) ThrowCellError(column_name(col), col, wanted, "NULL");
    return v;
  }
  static std::string_view TextOf(sqlite3_value* v) {
    const unsigned char* p = sqlite3_value_text(v);
    const int n = sqlite3_value_bytes(v);
    return p == nullptr ? std::string_view()
                        : std::string_view(reinterpret_cast<const char*>(p),
                                           static_cast<size_t>(n));
  }
  static std::string_view BlobOf(sqlite3_value* v) {
    const void* p = sqlite3_value_blob(v);
    const int n = sqlite3_value_bytes(v);
    return p == nullptr ? std::string_view()
                        : std::string_view(static_cast<const char*>(p), static_cast<size_t>(n));
  }
  std::string& Scratch(int col) const {
    if (scratch_.empty()) scratch_.resize(static_cast<size_t>(cols_));
    return scratch_[static_cast<size_t>(col)];
  }
  std::string Found(int col) const {
    sqlite3_value* v = ValueAt(col);
    switch (sqlite3_value_type(v)) {
      case SQLITE_INTEGER: return fmt::format("integer {}", sqlite3_value_int64(v));
      case SQLITE_FLOAT: return fmt::format("real {}", sqlite3_value_double(v));
      case SQLITE_TEXT: return fmt::format("text {}", Excerpt(TextOf(v)));
      case SQLITE_BLOB: return fmt::format("a blob of {} bytes", BlobOf(v).size());
      default: return "NULL";
    }
  }
  [[noreturn]] void Fail(int col, std::string_view wanted) const {
    ThrowCellError(column_name(col), col, wanted, Found(col));
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
  std::vector<sqlite3_value*> values_;
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
      case 0: rc = sqlite3_bind_null(stmt, index); break;
      case 1: rc = sqlite3_bind_int(stmt, index, std::get<bool>(v) ? 1 : 0); break;
      case 2: rc = sqlite3_bind_int64(stmt, index, std::get<std::int64_t>(v)); break;
      case 3: rc = sqlite3_bind_double(stmt, index, std::get<double>(v)); break;
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
        rc = sqlite3_bind_text(stmt, index, u.data(), static_cast<int>(u.size()),
                               SQLITE_TRANSIENT);
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
