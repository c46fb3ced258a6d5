// Fuzzes strata.sum parsing. ParseSum may only fail with ChecksumError; a file it accepts is
// printed back by FormatSum as a file that parses into the same sum and compares equal to it. The
// input's lines are also hashed as files (name, contents), whose computed sum must round-trip the
// same way: FormatSum and ParseSum agree for every name a migration file can have (one line, no
// leading or trailing blanks).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "migrate/file_io.hpp"
#include "migrate/sum.hpp"
#include "strata/error.hpp"

namespace {

namespace migrate = strata::migrate;

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "sum_fuzz: %s\n", what);
  std::abort();
}

bool Same(const migrate::SumFile& a, const migrate::SumFile& b) {
  return a.total == b.total && a.entries == b.entries;
}

void RequireRoundTrip(const migrate::SumFile& sum) {
  migrate::SumFile again;
  try {
    again = migrate::ParseSum(migrate::FormatSum(sum), "strata.sum");
  } catch (const strata::ChecksumError&) {
    Require(false, "FormatSum's output does not parse");
  }
  Require(Same(again, sum), "FormatSum's output parses into another sum");
  Require(migrate::CompareSums(sum, again).empty(), "a sum differs from itself");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    RequireRoundTrip(migrate::ParseSum(text, "strata.sum"));
  } catch (const strata::ChecksumError&) {
  }

  // Odd lines name files, even lines are their contents.
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  for (size_t i = 0; i + 1 < lines.size(); i += 2) {
    const std::string_view name = lines[i];
    if (name.empty() || migrate::Trim(name) != name) continue;
    files.emplace_back(std::string(name), std::string(lines[i + 1]));
  }
  const migrate::SumFile computed = migrate::ComputeSum(files);
  RequireRoundTrip(computed);
  migrate::CompareSums(computed, migrate::ComputeSum({}));
  return 0;
}
