// Value types shared by the driver, entity schemas and the generated client: points in time,
// UUIDs and binary data.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strata/error.hpp"

namespace strata {

// A point in time. Stored with microsecond precision (PostgreSQL's timestamptz resolution); SQLite
// stores it as text in UTC, RFC 3339 with microseconds, which sorts as time does.
using Time = std::chrono::system_clock::time_point;

// A 128-bit UUID in network byte order.
struct UUID {
  std::array<std::uint8_t, 16> bytes{};
  bool operator==(const UUID&) const = default;
  auto operator<=>(const UUID&) const = default;
  // The canonical form: 8-4-4-4-12 lower-case hex digits.
  std::string ToString() const {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
      out.push_back(kHex[bytes[i] >> 4]);
      out.push_back(kHex[bytes[i] & 15]);
    }
    return out;
  }
  // Accepts 32 hex digits in either case, hyphens between groups and braces around them allowed.
  // Throws InputError naming the text for anything else.
  static UUID Parse(std::string_view text) {
    UUID u;
    std::string_view t = text;
    if (t.size() >= 2 && t.front() == '{' && t.back() == '}') t = t.substr(1, t.size() - 2);
    size_t n = 0;
    for (char c : t) {
      if (c == '-') continue;
      int v = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (v < 0 || n >= 32) n = 33;
      if (n > 32) break;
      u.bytes[n / 2] = static_cast<std::uint8_t>(n % 2 == 0 ? v << 4 : u.bytes[n / 2] | v);
      ++n;
    }
    if (n != 32) {
      throw InputError("not a UUID: \"" + std::string(text.substr(0, 64)) +
                       "\" (expected 32 hex digits such as 123e4567-e89b-12d3-a456-426614174000)");
    }
    return u;
  }
};

// Binary data (bytea on PostgreSQL, BLOB on SQLite).
using Bytes = std::vector<std::uint8_t>;

}  // namespace strata
