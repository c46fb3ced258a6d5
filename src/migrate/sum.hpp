// The strata.sum integrity file: Atlas's atlas.sum algorithm and layout, and the comparison that
// names the files added, edited or removed since it was written.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata::migrate {

struct SumEntry {
  std::string name;
  std::string hash;  // base64 of the running SHA-256 after this file, without the "h1:" prefix
  bool operator==(const SumEntry&) const = default;
};

struct SumFile {
  std::string total;  // base64 SHA-256 over every (name, hash) pair, without "h1:"
  std::vector<SumEntry> entries;
};

// One running SHA-256 over each file's name then its bytes, in the order given (callers pass the
// files sorted by name); each entry records the running hash so far.
SumFile ComputeSum(const std::vector<std::pair<std::string, std::string>>& files);

// "h1:<total>\n" then "<name> h1:<hash>\n" per file.
std::string FormatSum(const SumFile& sum);

// Parses a sum file's text. Throws ChecksumError naming `where` when a line is malformed or the
// first line does not match the lines below it (a hand edit or a merge conflict).
SumFile ParseSum(std::string_view text, std::string_view where);

struct SumDifference {
  std::vector<std::string> added, edited, removed;
  // Files present on both sides that come after the first difference: the sum chains every file
  // to the ones before it, so these cannot be checked one by one.
  std::vector<std::string> unchecked;
  bool empty() const { return added.empty() && edited.empty() && removed.empty(); }
};

SumDifference CompareSums(const SumFile& recorded, const SumFile& current);

}  // namespace strata::migrate
