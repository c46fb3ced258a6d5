// The Result of a typed statement on PostgreSQL: cells read in place from the PGresult, decoded
// by column kind from binary format (or parsed from text format when a column has a type the
// driver does not decode).
#include <fmt/format.h>

#include <bit>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "driver/postgres/typed.hpp"
#include "driver/values.hpp"
#include "strata/error.hpp"

namespace strata::driver::postgres {

Kind BuiltinKind(Oid oid) {
  switch (oid) {
    case 16:
      return Kind::kBool;
    case 17:
      return Kind::kBytea;
    case 18:
      return Kind::kText;  // "char"
    case 19:
      return Kind::kText;  // name
    case 20:
      return Kind::kInt8;
    case 21:
      return Kind::kInt2;
    case 23:
      return Kind::kInt4;
    case 25:
      return Kind::kText;
    case 26:
      return Kind::kOid;
    case 114:
      return Kind::kText;  // json
    case 142:
      return Kind::kText;  // xml
    case 700:
      return Kind::kFloat4;
    case 701:
      return Kind::kFloat8;
    case 705:
      return Kind::kText;  // unknown
    case 1042:
      return Kind::kText;  // bpchar
    case 1043:
      return Kind::kText;  // varchar
    case 1082:
      return Kind::kDate;
    case 1114:
      return Kind::kTimestamp;
    case 1184:
      return Kind::kTimestamptz;
    case 1700:
      return Kind::kNumeric;
    case 2950:
      return Kind::kUuid;
    case 3802:
      return Kind::kJsonb;
    default:
      return Kind::kOther;
  }
}

namespace {

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kInt2:
      return "smallint";
    case Kind::kInt4:
      return "integer";
    case Kind::kInt8:
      return "bigint";
    case Kind::kOid:
      return "oid";
    case Kind::kFloat4:
      return "real";
    case Kind::kFloat8:
      return "double precision";
    case Kind::kNumeric:
      return "numeric";
    case Kind::kBool:
      return "boolean";
    case Kind::kBytea:
      return "bytea";
    case Kind::kUuid:
      return "uuid";
    case Kind::kTimestamptz:
      return "timestamptz";
    case Kind::kTimestamp:
      return "timestamp";
    case Kind::kDate:
      return "date";
    case Kind::kText:
      return "text";
    case Kind::kJsonb:
      return "jsonb";
    case Kind::kOther:
      return "other";
  }
  return "other";
}

bool IsInteger(Kind k) {
  return k == Kind::kInt2 || k == Kind::kInt4 || k == Kind::kInt8 || k == Kind::kOid;
}

// numeric's binary form (ndigits, weight, sign, dscale, then base-10000 digits) as its text.
bool NumericText(std::string_view bin, std::string* out) {
  out->clear();
  if (bin.size() < 8) return false;
  const auto ndigits = LoadBigEndian<std::int16_t>(bin.data());
  const auto weight = LoadBigEndian<std::int16_t>(bin.data() + 2);
  const auto sign = LoadBigEndian<std::uint16_t>(bin.data() + 4);
  const auto dscale = LoadBigEndian<std::uint16_t>(bin.data() + 6);
  if (ndigits < 0 || bin.size() != 8 + 2 * static_cast<size_t>(ndigits)) return false;
  switch (sign) {
    case 0xC000:
      *out = "NaN";
      return true;
    case 0xD000:
      *out = "Infinity";
      return true;
    case 0xF000:
      *out = "-Infinity";
      return true;
    case 0x0000:
      break;
    case 0x4000:
      out->push_back('-');
      break;
    default:
      return false;
  }
  auto digit = [&](int k) -> unsigned {
    return k >= 0 && k < ndigits ? LoadBigEndian<std::uint16_t>(bin.data() + 8 + 2 * k) : 0;
  };
  if (weight < 0) {
    out->push_back('0');
  } else {
    out->append(std::to_string(digit(0)));
    for (int k = 1; k <= weight; ++k) {
      char buf[4];
      unsigned d = digit(k);
      for (int i = 3; i >= 0; --i, d /= 10) buf[i] = static_cast<char>('0' + d % 10);
      out->append(buf, 4);
    }
  }
  if (dscale > 0) {
    out->push_back('.');
    const size_t start = out->size();
    for (int k = weight + 1; out->size() - start < dscale; ++k) {
      char buf[4];
      unsigned d = digit(k);
      for (int i = 3; i >= 0; --i, d /= 10) buf[i] = static_cast<char>('0' + d % 10);
      out->append(buf, 4);
    }
    out->resize(start + dscale);
  }
  return true;
}

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// An integer written as numeric text ("12", "12.000"); false for fractions and overflow.
bool IntegralText(std::string_view text, std::int64_t* out) {
  if (const size_t dot = text.find('.'); dot != std::string_view::npos) {
    if (text.find_first_not_of('0', dot + 1) != std::string_view::npos) return false;
    text = text.substr(0, dot);
  }
  return ParseNumber(text, out);
}

int Hex(char c) {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

class PgResult final : public Result::Impl {
 public:
  PgResult(PGresult* r, std::shared_ptr<const Prepared> prepared)
      : r_(r),
        prepared_(std::move(prepared)),
        rows_(PQntuples(r)),
        cols_(PQnfields(r)),
        binary_(prepared_->binary) {
    // The shape described at prepare time, unless the server changed it since (it refuses to
    // for a prepared statement; this guards the decoders all the same).
    kinds_ = prepared_->kinds.data();
    if (static_cast<int>(prepared_->kinds.size()) != cols_) {
      own_kinds_.resize(static_cast<size_t>(cols_), Kind::kOther);
      kinds_ = own_kinds_.data();
    }
  }
  ~PgResult() override { PQclear(r_); }

  bool Next() override {
    if (row_ + 1 < rows_) {
      ++row_;
      return true;
    }
    row_ = rows_;
    return false;
  }
  int columns() const override { return cols_; }
  std::string_view column_name(int col) const override {
    if (col < 0 || col >= cols_) ThrowBadColumn(col, cols_);
    return PQfname(r_, col);
  }
  // PQcmdTuples, read on demand; 0 for a query (PostgreSQL counts its rows there too).
  std::int64_t affected() const override {
    if (affected_ < 0) {
      affected_ = 0;
      if (std::strncmp(PQcmdStatus(r_), "SELECT", 6) != 0) {
        const std::string_view tuples = PQcmdTuples(r_);
        if (!tuples.empty()) ParseNumber(tuples, &affected_);
      }
    }
    return affected_;
  }

  std::int64_t size_hint() const override { return rows_; }

  bool IsNull(int col) const override {
    Check(col);
    return PQgetisnull(r_, row_, col) != 0;
  }

  // The common cases first, in small functions of their own (binary format, the column's usual
  // kind): the rest, and every error, in the *Any versions.
  std::optional<std::int64_t> IntOrNull(int col) const override {
    if (Fast(col) && kinds_[col] == Kind::kInt8) {
      if (PQgetisnull(r_, row_, col)) return std::nullopt;
      return LoadBigEndian<std::int64_t>(PQgetvalue(r_, row_, col));
    }
    return IntAny(col);
  }
  std::optional<double> DoubleOrNull(int col) const override {
    if (Fast(col) && kinds_[col] == Kind::kFloat8) {
      if (PQgetisnull(r_, row_, col)) return std::nullopt;
      return std::bit_cast<double>(LoadBigEndian<std::uint64_t>(PQgetvalue(r_, row_, col)));
    }
    return DoubleAny(col);
  }
  std::optional<bool> BoolOrNull(int col) const override {
    if (Fast(col) && kinds_[col] == Kind::kBool) {
      if (PQgetisnull(r_, row_, col)) return std::nullopt;
      return *PQgetvalue(r_, row_, col) != 0;
    }
    return BoolAny(col);
  }
  // NULL has length 0: only an empty cell needs asking.
  std::optional<std::string_view> TextOrNull(int col) const override {
    if (Fast(col) && kinds_[col] == Kind::kText) {
      const int length = PQgetlength(r_, row_, col);
      if (length > 0) {
        return std::string_view(PQgetvalue(r_, row_, col), static_cast<size_t>(length));
      }
    }
    return TextAny(col);
  }
  std::optional<Bytes> BlobOrNull(int col) const override {
    if (Fast(col) && kinds_[col] == Kind::kBytea) {
      const int length = PQgetlength(r_, row_, col);
      if (length > 0) {
        const char* v = PQgetvalue(r_, row_, col);
        return Bytes(v, v + length);
      }
    }
    return BlobAny(col);
  }
  std::optional<Time> TimeAtOrNull(int col) const override {
    if (Fast(col) && kinds_[col] == Kind::kTimestamptz) {
      if (PQgetisnull(r_, row_, col)) return std::nullopt;
      const auto us = LoadBigEndian<std::int64_t>(PQgetvalue(r_, row_, col));
      Time out;
      // Not infinity, and within Time's range: else the checks and messages of TimeAtAny.
      if (us > -9'000'000'000'000'000 && us < 9'000'000'000'000'000 &&
          FromUnixMicros(us + kPgEpochMicros, &out)) {
        return out;
      }
    }
    return TimeAtAny(col);
  }
  std::optional<UUID> UuidOrNull(int col) const override {
    if (Fast(col) && kinds_[col] == Kind::kUuid) {
      if (PQgetisnull(r_, row_, col)) return std::nullopt;
      UUID u;
      std::memcpy(u.bytes.data(), PQgetvalue(r_, row_, col), 16);
      return u;
    }
    return UuidAny(col);
  }

  [[gnu::noinline]] std::optional<std::int64_t> IntAny(int col) const {
    if (Null(col)) return std::nullopt;
    const std::string_view v = Var(col);
    std::int64_t out = 0;
    switch (kinds_[col]) {
      case Kind::kInt2:
        if (binary_) return LoadBigEndian<std::int16_t>(v.data());
        break;
      case Kind::kInt4:
        if (binary_) return LoadBigEndian<std::int32_t>(v.data());
        break;
      case Kind::kInt8:
        if (binary_) return LoadBigEndian<std::int64_t>(v.data());
        break;
      case Kind::kOid:
        if (binary_) return LoadBigEndian<std::uint32_t>(v.data());
        break;
      case Kind::kNumeric:
        if (IntegralText(NumericOf(col, v), &out)) return out;
        Fail(col, "an integer");
      default:
        Fail(col, "an integer");
    }
    if (!ParseNumber(v, &out)) Fail(col, "an integer");
    return out;
  }

  [[gnu::noinline]] std::optional<double> DoubleAny(int col) const {
    if (Null(col)) return std::nullopt;
    const std::string_view v = Var(col);
    double out = 0;
    switch (kinds_[col]) {
      case Kind::kFloat4:
        if (binary_) return std::bit_cast<float>(LoadBigEndian<std::uint32_t>(v.data()));
        break;
      case Kind::kFloat8:
        if (binary_) return std::bit_cast<double>(LoadBigEndian<std::uint64_t>(v.data()));
        break;
      case Kind::kNumeric:
        if (ParseNumber(NumericOf(col, v), &out)) return out;
        Fail(col, "a double");
      case Kind::kInt2:
      case Kind::kInt4:
      case Kind::kInt8:
      case Kind::kOid:
        return static_cast<double>(*IntOrNull(col));
      default:
        Fail(col, "a double");
    }
    if (!ParseNumber(v, &out)) Fail(col, "a double");
    return out;
  }

  [[gnu::noinline]] std::optional<bool> BoolAny(int col) const {
    if (Null(col)) return std::nullopt;
    const Kind kind = kinds_[col];
    const std::string_view v = Var(col);
    if (kind == Kind::kBool) {
      if (binary_) return v[0] != 0;
      if (v == "t") return true;
      if (v == "f") return false;
      Fail(col, "a boolean");
    }
    if (IsInteger(kind)) return *IntOrNull(col) != 0;
    Fail(col, "a boolean");
  }

  [[gnu::noinline]] std::optional<std::string_view> TextAny(int col) const {
    if (Null(col)) return std::nullopt;
    const std::string_view v = Var(col);
    const Kind kind = kinds_[col];
    if (kind == Kind::kText) return v;
    if (kind == Kind::kJsonb && binary_) return v.empty() ? v : v.substr(1);
    if (kind == Kind::kNumeric) return NumericOf(col, v);
    if (kind == Kind::kBytea) {
      if (binary_) return v;
      std::string& s = Scratch(col);
      s.clear();
      if (!HexBytes(v, [&](std::uint8_t b) { s.push_back(static_cast<char>(b)); })) {
        Fail(col, "text");
      }
      return s;
    }
    if (!binary_) return v;
    // Binary cells of other kinds get a text form of their own.
    std::string& s = Scratch(col);
    switch (kind) {
      case Kind::kInt2:
      case Kind::kInt4:
      case Kind::kInt8:
      case Kind::kOid:
        s = std::to_string(*IntOrNull(col));
        break;
      case Kind::kFloat4:
      case Kind::kFloat8: {
        char buf[32];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *DoubleOrNull(col));
        s.assign(buf, end);
        break;
      }
      case Kind::kBool:
        s = *BoolOrNull(col) ? "t" : "f";
        break;
      case Kind::kUuid:
        s = UuidOrNull(col)->ToString();
        break;
      case Kind::kTimestamptz:
      case Kind::kTimestamp:
      case Kind::kDate:
        s = FormatRfc3339(*TimeAtOrNull(col));
        break;
      default:
        Fail(col, "text");
    }
    return s;
  }

  [[gnu::noinline]] std::optional<Bytes> BlobAny(int col) const {
    if (Null(col)) return std::nullopt;
    const std::string_view v = Var(col);
    const Kind kind = kinds_[col];
    if (kind == Kind::kBytea) {
      if (binary_) return Bytes(v.begin(), v.end());
      Bytes out;
      out.reserve(v.size() / 2);
      if (!HexBytes(v, [&](std::uint8_t b) { out.push_back(b); })) Fail(col, "bytes");
      return out;
    }
    if (kind == Kind::kText || kind == Kind::kJsonb) {
      const std::string_view t = *TextOrNull(col);
      return Bytes(t.begin(), t.end());
    }
    Fail(col, "bytes");
  }

  [[gnu::noinline]] std::optional<Time> TimeAtAny(int col) const {
    if (Null(col)) return std::nullopt;
    const Kind kind = kinds_[col];
    Time out;
    if (binary_ && (kind == Kind::kTimestamptz || kind == Kind::kTimestamp)) {
      const auto us = LoadBigEndian<std::int64_t>(PQgetvalue(r_, row_, col));
      if (us == std::numeric_limits<std::int64_t>::max()) Fail(col, "a time", "infinity");
      if (us == std::numeric_limits<std::int64_t>::min()) Fail(col, "a time", "-infinity");
      if (us > std::numeric_limits<std::int64_t>::max() - kPgEpochMicros ||
          !FromUnixMicros(us + kPgEpochMicros, &out)) {
        Fail(col, "a time", "a time outside what strata::Time holds (years 1678 to 2261)");
      }
      return out;
    }
    const std::string_view v = Var(col);
    if (binary_ && kind == Kind::kDate) {
      const auto days = LoadBigEndian<std::int32_t>(v.data());
      if (days == std::numeric_limits<std::int32_t>::max()) Fail(col, "a time", "infinity");
      if (days == std::numeric_limits<std::int32_t>::min()) Fail(col, "a time", "-infinity");
      if (!FromUnixMicros(static_cast<std::int64_t>(days) * 86'400'000'000 + kPgEpochMicros,
                          &out)) {
        Fail(col, "a time", "a date outside what strata::Time holds (years 1678 to 2261)");
      }
      return out;
    }
    if (kind == Kind::kTimestamptz || kind == Kind::kTimestamp || kind == Kind::kDate ||
        kind == Kind::kText) {
      // Text format: the server's ISO output (DateStyle ISO), or a time stored as text.
      if (ParseTime(v, &out)) return out;
    }
    Fail(col, "a time");
  }

  [[gnu::noinline]] std::optional<UUID> UuidAny(int col) const {
    if (Null(col)) return std::nullopt;
    const Kind kind = kinds_[col];
    UUID u;
    if (kind == Kind::kUuid && binary_) {
      std::memcpy(u.bytes.data(), PQgetvalue(r_, row_, col), 16);
      return u;
    }
    const std::string_view v = Var(col);
    if ((kind == Kind::kUuid || kind == Kind::kText) && ParseUuid(v, &u)) return u;
    Fail(col, "a UUID");
  }

 private:
  // Whether cell `col` of the current row exists and the result is binary.
  bool Fast(int col) const {
    return binary_ && static_cast<unsigned>(col) < static_cast<unsigned>(cols_) &&
           static_cast<unsigned>(row_) < static_cast<unsigned>(rows_);
  }
  void Check(int col) const {
    if (static_cast<unsigned>(col) >= static_cast<unsigned>(cols_)) ThrowBadColumn(col, cols_);
    if (static_cast<unsigned>(row_) >= static_cast<unsigned>(rows_)) ThrowNoRow();
  }
  // Checks `col` and the current row; true when the cell is NULL.
  bool Null(int col) const {
    Check(col);
    return PQgetisnull(r_, row_, col) != 0;
  }
  // The current row's cell `col`, checked and not NULL.
  std::string_view Var(int col) const {
    return {PQgetvalue(r_, row_, col), static_cast<size_t>(PQgetlength(r_, row_, col))};
  }
  std::string& Scratch(int col) const {
    if (scratch_.empty()) scratch_.resize(static_cast<size_t>(cols_));
    return scratch_[static_cast<size_t>(col)];
  }
  // A numeric cell's text.
  std::string_view NumericOf(int col, std::string_view v) const {
    if (!binary_) return v;
    std::string& s = Scratch(col);
    if (!NumericText(v, &s)) Fail(col, "a number", "a malformed numeric");
    return s;
  }
  // Decodes bytea's text form, \x followed by hex digits.
  template <typename Push>
  static bool HexBytes(std::string_view v, Push push) {
    if (v.size() < 2 || v[0] != '\\' || v[1] != 'x' || v.size() % 2 != 0) return false;
    for (size_t i = 2; i < v.size(); i += 2) {
      const int hi = Hex(v[i]);
      const int lo = Hex(v[i + 1]);
      if (hi < 0 || lo < 0) return false;
      push(static_cast<std::uint8_t>(hi << 4 | lo));
    }
    return true;
  }
  // What cell `col` holds, for messages.
  [[gnu::noinline, gnu::cold]] std::string Found(int col) const {
    const Kind kind = kinds_[col];
    const std::string_view v{PQgetvalue(r_, row_, col),
                             static_cast<size_t>(PQgetlength(r_, row_, col))};
    if (kind == Kind::kOther) {
      return fmt::format("a value of type OID {} {}", PQftype(r_, col), Excerpt(v));
    }
    if (kind == Kind::kBytea) return fmt::format("bytea ({} bytes)", binary_ ? v.size() : 0);
    if (kind == Kind::kText) return fmt::format("text {}", Excerpt(v));
    try {
      return fmt::format("{} {}", KindName(kind), Excerpt(*TextOrNull(col)));
    } catch (const Error&) {
      return fmt::format("a malformed {}", KindName(kind));
    }
  }
  [[noreturn, gnu::noinline, gnu::cold]] void Fail(int col, std::string_view wanted) const {
    ThrowCellError(PQfname(r_, col), col, wanted, Found(col));
  }
  [[noreturn, gnu::noinline, gnu::cold]] void Fail(int col, std::string_view wanted,
                                                   std::string_view found) const {
    ThrowCellError(PQfname(r_, col), col, wanted, found);
  }

  PGresult* r_;
  std::shared_ptr<const Prepared> prepared_;
  const Kind* kinds_ = nullptr;
  std::vector<Kind> own_kinds_;
  int row_ = -1;
  int rows_;
  int cols_;
  bool binary_;
  mutable std::int64_t affected_ = -1;  // not read yet
  mutable std::vector<std::string> scratch_;
};

}  // namespace

std::unique_ptr<Result::Impl> MakeResult(PGresult* result,
                                         std::shared_ptr<const Prepared> prepared) {
  return std::make_unique<PgResult>(result, std::move(prepared));
}

}  // namespace strata::driver::postgres
