// What a Result reads through: each driver implements Result::Impl over its own result (a
// PGresult, a stepped sqlite3_stmt). Result's methods forward to it.
#pragma once

#include <cstdint>
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
  virtual bool IsNull(int col) const = 0;
  virtual std::int64_t Int(int col) const = 0;
  virtual double Double(int col) const = 0;
  virtual bool Bool(int col) const = 0;
  virtual std::string_view Text(int col) const = 0;
  virtual Bytes Blob(int col) const = 0;
  virtual Time TimeAt(int col) const = 0;
  virtual UUID Uuid(int col) const = 0;
};

namespace driver {

// Throws Error for a column index outside [0, columns) or a read before Next returned true.
[[noreturn]] void ThrowBadColumn(int col, int columns);
[[noreturn]] void ThrowNoRow();

}  // namespace driver
}  // namespace strata
