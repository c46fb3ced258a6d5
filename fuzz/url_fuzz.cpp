// Fuzzes database URL parsing. Url::Parse may only fail with InputError. A PostgreSQL URL it
// accepts must survive printing: ToString() (what strata hands to libpq, and what it rewrites
// URLs with) parses back into the same URL, and Redacted() into the same URL with the password
// replaced by "xxxxx", so no password reaches a message.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "strata/driver.hpp"
#include "strata/error.hpp"

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "url_fuzz: %s\n", what);
  std::abort();
}

bool SameExceptPassword(const strata::Url& a, const strata::Url& b) {
  return a.dialect == b.dialect && a.scheme == b.scheme && a.user == b.user && a.host == b.host &&
         a.port == b.port && a.database == b.database && a.params == b.params;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  strata::Url url;
  try {
    url = strata::Url::Parse(text);
  } catch (const strata::InputError&) {
    return 0;
  }
  url.SearchPath();
  if (url.dialect != strata::Dialect::kPostgres) {
    // SQLite URLs hold no password; their path is printed as it was written.
    Require(url.Redacted() == url.ToString(), "a SQLite URL redacts something");
    return 0;
  }
  strata::Url printed;
  try {
    printed = strata::Url::Parse(url.ToString());
  } catch (const strata::InputError&) {
    Require(false, "ToString() of a parsed URL does not parse");
  }
  Require(SameExceptPassword(printed, url) && printed.password == url.password,
          "ToString() does not parse back into the same URL");
  strata::Url redacted;
  try {
    redacted = strata::Url::Parse(url.Redacted());
  } catch (const strata::InputError&) {
    Require(false, "Redacted() of a parsed URL does not parse");
  }
  Require(SameExceptPassword(redacted, url), "Redacted() does not parse back into the same URL");
  Require(redacted.password == (url.password.empty() ? "" : "xxxxx"),
          "Redacted() shows the password");
  return 0;
}
