// Result: a move-only handle forwarding to its driver's Impl (see result.hpp).
#include "driver/result.hpp"

#include <fmt/format.h>

#include "driver/values.hpp"
#include "strata/error.hpp"

namespace strata {
namespace {

[[noreturn]] void ThrowEmpty() {
  throw Error("reading an empty Result (default-constructed or moved from)");
}

const Result::Impl& Checked(const std::unique_ptr<Result::Impl>& impl) {
  if (impl == nullptr) [[unlikely]]
    ThrowEmpty();
  return *impl;
}

// The value of a plain getter: what the …OrNull getter read, or Error naming the column for NULL.
template <typename T>
T Present(const Result::Impl& impl, std::optional<T> v, int col, std::string_view wanted) {
  if (!v) [[unlikely]]
    driver::ThrowCellError(impl.column_name(col), col, wanted, "NULL");
  return std::move(*v);
}

}  // namespace

namespace driver {

void ThrowBadColumn(int col, int columns) {
  throw Error(fmt::format("column {} does not exist: the result has {} column{} (0 to {})", col,
                          columns, columns == 1 ? "" : "s", columns - 1));
}

void ThrowNoRow() {
  throw Error(
      "reading a cell with no current row: call Next() first and read only while it "
      "returns true");
}

}  // namespace driver

Result::Result() = default;
Result::Result(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Result::Result(Result&&) noexcept = default;
Result& Result::operator=(Result&&) noexcept = default;
Result::~Result() = default;

bool Result::Next() { return impl_ != nullptr && impl_->Next(); }
int Result::columns() const { return impl_ == nullptr ? 0 : impl_->columns(); }
std::string_view Result::column_name(int col) const { return Checked(impl_).column_name(col); }
std::int64_t Result::affected() const { return impl_ == nullptr ? 0 : impl_->affected(); }
std::int64_t Result::size_hint() const { return impl_ == nullptr ? 0 : impl_->size_hint(); }

bool Result::IsNull(int col) const { return Checked(impl_).IsNull(col); }

std::int64_t Result::Int(int col) const {
  const Impl& impl = Checked(impl_);
  return Present(impl, impl.IntOrNull(col), col, "an integer");
}
double Result::Double(int col) const {
  const Impl& impl = Checked(impl_);
  return Present(impl, impl.DoubleOrNull(col), col, "a double");
}
bool Result::Bool(int col) const {
  const Impl& impl = Checked(impl_);
  return Present(impl, impl.BoolOrNull(col), col, "a boolean");
}
std::string_view Result::Text(int col) const {
  const Impl& impl = Checked(impl_);
  return Present(impl, impl.TextOrNull(col), col, "text");
}
Bytes Result::Blob(int col) const {
  const Impl& impl = Checked(impl_);
  return Present(impl, impl.BlobOrNull(col), col, "bytes");
}
Time Result::TimeAt(int col) const {
  const Impl& impl = Checked(impl_);
  return Present(impl, impl.TimeAtOrNull(col), col, "a time");
}
UUID Result::Uuid(int col) const {
  const Impl& impl = Checked(impl_);
  return Present(impl, impl.UuidOrNull(col), col, "a UUID");
}

std::optional<std::int64_t> Result::IntOrNull(int col) const {
  return Checked(impl_).IntOrNull(col);
}
std::optional<double> Result::DoubleOrNull(int col) const {
  return Checked(impl_).DoubleOrNull(col);
}
std::optional<bool> Result::BoolOrNull(int col) const { return Checked(impl_).BoolOrNull(col); }
std::optional<std::string_view> Result::TextOrNull(int col) const {
  return Checked(impl_).TextOrNull(col);
}
std::optional<Bytes> Result::BlobOrNull(int col) const { return Checked(impl_).BlobOrNull(col); }
std::optional<Time> Result::TimeAtOrNull(int col) const { return Checked(impl_).TimeAtOrNull(col); }
std::optional<UUID> Result::UuidOrNull(int col) const { return Checked(impl_).UuidOrNull(col); }

}  // namespace strata
