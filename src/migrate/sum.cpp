// strata.sum: computing, formatting, parsing and comparing (see sum.hpp).
#include "migrate/sum.hpp"

#include <fmt/format.h>

#include "migrate/file_io.hpp"
#include "migrate/sha256.hpp"
#include "strata/error.hpp"

namespace strata::migrate {
namespace {

std::string TotalOf(const std::vector<SumEntry>& entries) {
  Sha256 total;
  for (const SumEntry& e : entries) {
    total.Update(e.name);
    total.Update(e.hash);
  }
  return Base64(total.Sum());
}

}  // namespace

SumFile ComputeSum(const std::vector<std::pair<std::string, std::string>>& files) {
  SumFile sum;
  Sha256 running;
  for (const auto& [name, bytes] : files) {
    running.Update(name);
    running.Update(bytes);
    sum.entries.push_back({name, Base64(running.Sum())});
  }
  sum.total = TotalOf(sum.entries);
  return sum;
}

std::string FormatSum(const SumFile& sum) {
  std::string out = "h1:" + sum.total + "\n";
  for (const SumEntry& e : sum.entries) out += e.name + " h1:" + e.hash + "\n";
  return out;
}

SumFile ParseSum(std::string_view text, std::string_view where) {
  auto fail = [&](int line, std::string_view why) {
    return ChecksumError(fmt::format(
        "{}:{}: {}; if the migration files are as intended, run `strata migrate hash` to "
        "rewrite it",
        where, line, why));
  };
  SumFile sum;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line_no == 1) {
      if (!line.starts_with("h1:")) throw fail(1, "the first line must be h1:<sum>");
      sum.total = std::string(line.substr(3));
      continue;
    }
    if (line.empty()) continue;
    const size_t h1 = line.rfind(" h1:");
    if (h1 == std::string_view::npos) {
      throw fail(line_no, fmt::format("\"{}\" is not `<file> h1:<hash>` (merge conflict?)", line));
    }
    sum.entries.push_back(
        {std::string(Trim(line.substr(0, h1))), std::string(line.substr(h1 + 4))});
  }
  if (line_no == 0) throw fail(1, "the file is empty");
  if (sum.total != TotalOf(sum.entries)) {
    throw fail(1,
               "the total on the first line does not match the lines below it (edited by hand "
               "or merged)");
  }
  return sum;
}

SumDifference CompareSums(const SumFile& recorded, const SumFile& current) {
  SumDifference diff;
  bool chained = true;  // every file so far is on both sides with the same running hash
  size_t i = 0, j = 0;
  const auto& r = recorded.entries;
  const auto& c = current.entries;
  while (i < r.size() || j < c.size()) {
    if (j == c.size() || (i < r.size() && r[i].name < c[j].name)) {
      diff.removed.push_back(r[i++].name);
      chained = false;
    } else if (i == r.size() || c[j].name < r[i].name) {
      diff.added.push_back(c[j++].name);
      chained = false;
    } else {
      if (!chained) {
        diff.unchecked.push_back(c[j].name);
      } else if (r[i].hash != c[j].hash) {
        diff.edited.push_back(c[j].name);
        chained = false;
      }
      ++i;
      ++j;
    }
  }
  if (diff.empty()) diff.unchecked.clear();
  return diff;
}

}  // namespace strata::migrate
