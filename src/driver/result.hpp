// What a Result reads through: each driver implements Result::Impl over its own result (a
// PGresult, a stepped sqlite3_stmt). Result's methods forward to it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "strata/driver.hpp"

namespace strata {

class Result::Impl {
 public:
  virtual ~Impl() = default;
  virtual bool Next() = 0;
  virtual int columns() const = 0;
  virtual std::string_view column_name(int col) const = 0;
  virtual std::int64_t affected() const = 0;
  virtual std::int64_t size_hint() const = 0;
  virtual bool IsNull(int col) const = 0;
  // The getters: nullopt for NULL (Result's plain getters throw for it, naming the column).
  virtual std::optional<std::int64_t> IntOrNull(int col) const = 0;
  virtual std::optional<double> DoubleOrNull(int col) const = 0;
  virtual std::optional<bool> BoolOrNull(int col) const = 0;
  virtual std::optional<std::string_view> TextOrNull(int col) const = 0;
  virtual std::optional<Bytes> BlobOrNull(int col) const = 0;
  virtual std::optional<Time> TimeAtOrNull(int col) const = 0;
  virtual std::optional<UUID> UuidOrNull(int col) const = 0;
};

namespace driver {

// Throws Error for a column index outside [0, columns) or a read before Next returned true.
[[noreturn]] void ThrowBadColumn(int col, int columns);
[[noreturn]] void ThrowNoRow();

}  // namespace driver
}  // namespace strata
