// Result: a move-only handle forwarding to its driver's Impl (see result.hpp).
#include "driver/result.hpp"

#include <fmt/format.h>

#include "strata/error.hpp"

namespace strata {
namespace {

[[noreturn]] void ThrowEmpty() {
  throw Error("reading an empty Result (default-constructed or moved from)");
}

}  // namespace

namespace driver {

void ThrowBadColumn(int col, int columns) {
  throw Error(fmt::format("column {} does not exist: the result has {} column{} (0 to {})", col,
                          columns, columns == 1 ? "" : "s", columns - 1));
}

void ThrowNoRow() {
  throw Error("reading a cell with no current row: call Next() first and read only while it "
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
std::string_view Result::column_name(int col) const {
  if (impl_ == nullptr) ThrowEmpty();
  return impl_->column_name(col);
}
std::int64_t Result::affected() const { return impl_ == nullptr ? 0 : impl_->affected(); }

bool Result::IsNull(int col) const {
  if (impl_ == nullptr) ThrowEmpty();
  return impl_->IsNull(col);
}
std::int64_t Result::Int(int col) const {
  if (impl_ == nullptr) ThrowEmpty();
  return impl_->Int(col);
}
double Result::Double(int col) const {
  if (impl_ == nullptr) ThrowEmpty();
  return impl_->Double(col);
}
bool Result::Bool(int col) const {
  if (impl_ == nullptr) ThrowEmpty();
  return impl_->Bool(col);
}
std::string_view Result::Text(int col) const {
  if (impl_ == nullptr) ThrowEmpty();
  return impl_->Text(col);
}
Bytes Result::Blob(int col) const {
  if (impl_ == nullptr) ThrowEmpty();
  return impl_->Blob(col);
}
Time Result::TimeAt(int col) const {
  if (impl_ == nullptr) ThrowEmpty();
  return impl_->TimeAt(col);
}
UUID Result::Uuid(int col) const {
  if (impl_ == nullptr) ThrowEmpty();
  return impl_->Uuid(col);
}

}  // namespace strata
