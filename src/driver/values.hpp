// Conversions both drivers share for typed statements: points in time as microseconds and as
// text, byte order, and the messages of getters that cannot convert a cell.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "strata/types.hpp"

namespace strata::driver {

// Microseconds from the Unix epoch to `t`, rounded down (towards the past).
std::int64_t UnixMicros(Time t);
// The Time `us` microseconds after the Unix epoch; false when it lies outside what Time holds
// (about 1677 to 2262: nanoseconds in an int64).
bool FromUnixMicros(std::int64_t us, Time* out);

// The fixed-width UTC form SQLite stores, "2006-01-02T15:04:05.000000Z": it sorts as time does.
constexpr size_t kRfc3339Size = 27;
void FormatRfc3339(Time t, char out[kRfc3339Size]);
std::string FormatRfc3339(Time t);

// Parses "YYYY-MM-DD", optionally followed by 'T' or ' ' and "HH:MM[:SS[.fraction]]", optionally
// followed by "Z" or an offset "+HH", "+HH:MM", "+HHMM", "+HH:MM:SS" (PostgreSQL's ISO output,
// RFC 3339, SQLite's datetime()). No offset means UTC. Digits of the fraction past microseconds
// are dropped. False for anything else, and for times Time cannot hold.
bool ParseTime(std::string_view text, Time* out);

// Parses a UUID: the canonical 8-4-4-4-12 form quickly, any form UUID::Parse takes otherwise.
// False for text that is no UUID.
bool ParseUuid(std::string_view text, UUID* out);

// Host to network byte order and back, for PostgreSQL's binary formats.
template <typename T>
T BigEndian(T v) {
  if constexpr (std::endian::native == std::endian::big || sizeof(T) == 1) {
    return v;
  } else if constexpr (sizeof(T) == 2) {
    return static_cast<T>(__builtin_bswap16(static_cast<std::uint16_t>(v)));
  } else if constexpr (sizeof(T) == 4) {
    return static_cast<T>(__builtin_bswap32(static_cast<std::uint32_t>(v)));
  } else {
    return static_cast<T>(__builtin_bswap64(static_cast<std::uint64_t>(v)));
  }
}
// Reads a big-endian T at `p` (which need not be aligned).
template <typename T>
T LoadBigEndian(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return BigEndian(v);
}

// A short, printable excerpt of a cell's text for messages: at most 40 characters, quoted.
std::string Excerpt(std::string_view text);

// Throws Error: reading column `name` (0-based `col`) as `wanted` ("an integer", "text", …)
// found `found` ("NULL", "text \"abc\"", …).
[[noreturn]] void ThrowCellError(std::string_view name, int col, std::string_view wanted,
                                 std::string_view found);

}  // namespace strata::driver
