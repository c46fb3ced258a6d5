// Conversions shared by the drivers' typed statements (see values.hpp).
#include "driver/values.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <limits>

#include "strata/error.hpp"

namespace strata::driver {
namespace {

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
// Time is nanoseconds in an int64: these are the microseconds it can hold.
constexpr std::int64_t kMaxMicros = std::numeric_limits<std::int64_t>::max() / 1000;
constexpr std::int64_t kMinMicros = -kMaxMicros;

// Days from 1970-01-01 to the proleptic Gregorian date y-m-d (H. Hinnant's algorithm).
constexpr std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2);
}

constexpr unsigned DaysInMonth(std::int64_t y, unsigned m) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) return 29;
  return kDays[m - 1];
}

void Put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

bool Digit(char c) { return c >= '0' && c <= '9'; }

// Two decimal digits at p; `bad` gains a bit when either is no digit.
[[gnu::always_inline]] inline unsigned Pair(const unsigned char* p, unsigned* bad) {
  const unsigned a = p[0] - unsigned{'0'};
  const unsigned b = p[1] - unsigned{'0'};
  *bad |= static_cast<unsigned>(a > 9) | static_cast<unsigned>(b > 9);
  return a * 10 + b;
}

// Hex digit values by character, pre-shifted into the high nibble (kHexHigh) or not (kHexLow);
// 0x100 marks a character that is no hex digit.
constexpr std::array<std::uint16_t, 256> HexTable(int shift) {
  std::array<std::uint16_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const int v = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    t[static_cast<size_t>(c)] = static_cast<std::uint16_t>(v < 0 ? 0x100 : v << shift);
  }
  return t;
}
constexpr std::array<std::uint16_t, 256> kHexHigh = HexTable(4);
constexpr std::array<std::uint16_t, 256> kHexLow = HexTable(0);

// Reads exactly `n` digits at `s[*pos]`.
bool Digits(std::string_view s, size_t* pos, int n, unsigned* out) {
  if (*pos + static_cast<size_t>(n) > s.size()) return false;
  unsigned v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[*pos + static_cast<size_t>(i)];
    if (!Digit(c)) return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  *pos += static_cast<size_t>(n);
  *out = v;
  return true;
}

inline bool Finish(std::int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s,
                   std::int64_t micros, std::int64_t offset_seconds, Time* out) {
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    return false;
  }
  // Years far outside Time's range would overflow below; they are out of range anyway.
  if (y < 1000 || y > 9999) return false;
  const std::int64_t seconds =
      DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset_seconds;
  return FromUnixMicros(seconds * 1'000'000 + micros, out);
}

}  // namespace

std::int64_t UnixMicros(Time t) {
  return std::chrono::floor<std::chrono::microseconds>(t.time_since_epoch()).count();
}

bool FromUnixMicros(std::int64_t us, Time* out) {
  if (us < kMinMicros || us > kMaxMicros) return false;
  *out = Time(std::chrono::duration_cast<Time::duration>(std::chrono::microseconds(us)));
  return true;
}

void FormatRfc3339(Time t, char out[kRfc3339Size]) {
  const std::int64_t us = UnixMicros(t);
  std::int64_t days = us / kMicrosPerDay;
  std::int64_t rem = us % kMicrosPerDay;
  if (rem < 0) {
    rem += kMicrosPerDay;
    --days;
  }
  std::int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  const auto secs = static_cast<unsigned>(rem / 1'000'000);
  auto frac = static_cast<unsigned>(rem % 1'000'000);
  // Time's range is years 1677 to 2262: always four digits.
  Put2(out, static_cast<unsigned>(y / 100));
  Put2(out + 2, static_cast<unsigned>(y % 100));
  out[4] = '-';
  Put2(out + 5, m);
  out[7] = '-';
  Put2(out + 8, d);
  out[10] = 'T';
  Put2(out + 11, secs / 3600);
  out[13] = ':';
  Put2(out + 14, secs / 60 % 60);
  out[16] = ':';
  Put2(out + 17, secs % 60);
  out[19] = '.';
  for (int i = 25; i >= 20; --i) {
    out[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  out[26] = 'Z';
}

std::string FormatRfc3339(Time t) {
  char buf[kRfc3339Size];
  FormatRfc3339(t, buf);
  return std::string(buf, kRfc3339Size);
}

bool ParseTime(std::string_view s, Time* out) {
  // The form strata stores on SQLite, "2006-01-02T15:04:05.000000Z", by position.
  if (s.size() == kRfc3339Size && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
      s[16] == ':' && s[19] == '.' && s[26] == 'Z') {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    unsigned bad = 0;
    const unsigned y = Pair(p, &bad) * 100 + Pair(p + 2, &bad);
    const unsigned mo = Pair(p + 5, &bad), d = Pair(p + 8, &bad), h = Pair(p + 11, &bad),
                   mi = Pair(p + 14, &bad), sec = Pair(p + 17, &bad);
    const unsigned us = (Pair(p + 20, &bad) * 100 + Pair(p + 22, &bad)) * 100 + Pair(p + 24, &bad);
    if (bad == 0) return Finish(y, mo, d, h, mi, sec, us, 0, out);
  }
  size_t pos = 0;
  unsigned year, mo, d, h = 0, mi = 0, sec = 0;
  std::int64_t micros = 0;
  if (!Digits(s, &pos, 4, &year) || pos >= s.size() || s[pos++] != '-' ||
      !Digits(s, &pos, 2, &mo) || pos >= s.size() || s[pos++] != '-' || !Digits(s, &pos, 2, &d)) {
    return false;
  }
  if (pos == s.size()) return Finish(year, mo, d, 0, 0, 0, 0, 0, out);
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return false;
  ++pos;
  if (!Digits(s, &pos, 2, &h) || pos >= s.size() || s[pos++] != ':' || !Digits(s, &pos, 2, &mi)) {
    return false;
  }
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!Digits(s, &pos, 2, &sec)) return false;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      int n = 0;
      for (; pos < s.size() && Digit(s[pos]); ++pos, ++n) {
        if (n < 6) micros = micros * 10 + (s[pos] - '0');
      }
      if (n == 0) return false;
      for (; n < 6; ++n) micros *= 10;
    }
  }
  std::int64_t offset = 0;
  if (pos < s.size() && s[pos] == ' ') ++pos;
  if (pos < s.size()) {
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      const int sign = s[pos++] == '-' ? -1 : 1;
      unsigned oh, om = 0, os = 0;
      if (!Digits(s, &pos, 2, &oh)) return false;
      if (pos < s.size() && s[pos] == ':') {
        ++pos;
        if (!Digits(s, &pos, 2, &om)) return false;
        if (pos < s.size() && s[pos] == ':') {
          ++pos;
          if (!Digits(s, &pos, 2, &os)) return false;
        }
      } else if (pos < s.size() && Digit(s[pos])) {
        if (!Digits(s, &pos, 2, &om)) return false;
      }
      if (oh > 23 || om > 59 || os > 59) return false;
      offset = sign * static_cast<std::int64_t>(oh * 3600 + om * 60 + os);
    } else {
      return false;
    }
  }
  if (pos != s.size()) return false;
  return Finish(year, mo, d, h, mi, sec, micros, offset, out);
}

bool ParseUuid(std::string_view text, UUID* out) {
  if (text.size() == 36 && text[8] == '-' && text[13] == '-' && text[18] == '-' &&
      text[23] == '-') {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    unsigned bad = 0;
    auto byte = [&](int n, int at) {
      const unsigned v = kHexHigh[p[at]] | kHexLow[p[at + 1]];
      bad |= v;
      out->bytes[static_cast<size_t>(n)] = static_cast<std::uint8_t>(v);
    };
    byte(0, 0), byte(1, 2), byte(2, 4), byte(3, 6), byte(4, 9), byte(5, 11), byte(6, 14);
    byte(7, 16), byte(8, 19), byte(9, 21), byte(10, 24), byte(11, 26), byte(12, 28);
    byte(13, 30), byte(14, 32), byte(15, 34);
    if ((bad & 0x100) == 0) return true;
  }
  try {
    *out = UUID::Parse(text);
    return true;
  } catch (const InputError&) {
    return false;
  }
}

std::string Excerpt(std::string_view text) {
  std::string out = "\"";
  size_t shown = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (shown >= 40 && (c & 0xC0) != 0x80) {
      out += "…";
      break;
    }
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
    if ((c & 0xC0) != 0x80) ++shown;
  }
  out.push_back('"');
  return out;
}

void ThrowCellError(std::string_view name, int col, std::string_view wanted,
                    std::string_view found) {
  std::string hint;
  if (found == "NULL") hint = " (check IsNull first, or use COALESCE in the SQL)";
  throw Error(fmt::format("reading column \"{}\" (column {} of the result) as {}: found {}{}", name,
                          col, wanted, found, hint));
}

}  // namespace strata::driver
