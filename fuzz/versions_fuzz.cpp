// Fuzzes version comparison with arbitrary strings: the input's first three lines. Versions come
// from file names but also from tracking tables, which may have been edited by hand, and they key
// std::map and std::sort, where a comparison that is not a strict weak ordering is undefined
// behaviour. So CompareVersions must be one for any strings: antisymmetric, transitive, with
// transitive equivalence.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "strata/migrate/dir.hpp"

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "versions_fuzz: %s\n", what);
  std::abort();
}

int Sign(int c) { return (c > 0) - (c < 0); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view v[3];
  for (std::string_view& version : v) {
    const size_t end = text.find('\n');
    version = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  auto cmp = [](std::string_view a, std::string_view b) {
    return Sign(strata::migrate::CompareVersions(a, b));
  };
  for (int i = 0; i < 3; ++i) {
    Require(cmp(v[i], v[i]) == 0, "a version differs from itself");
    for (int j = 0; j < 3; ++j) {
      Require(cmp(v[i], v[j]) == -cmp(v[j], v[i]), "comparison is not antisymmetric");
      for (int k = 0; k < 3; ++k) {
        const int ij = cmp(v[i], v[j]), jk = cmp(v[j], v[k]), ik = cmp(v[i], v[k]);
        if (ij <= 0 && jk <= 0) {
          Require(ik <= 0, "comparison is not transitive");
          Require(ik < 0 || (ij == 0 && jk == 0), "equivalence is not transitive");
        }
      }
    }
  }
  return 0;
}
