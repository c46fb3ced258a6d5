// Database URL parsing and printing (passwords are masked in everything meant for people).
#include <fmt/format.h>

#include <cctype>

#include "strata/driver.hpp"
#include "strata/error.hpp"

namespace strata {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s, std::string_view whole) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      const int high = i + 2 < s.size() ? HexDigit(s[i + 1]) : -1;
      const int low = i + 2 < s.size() ? HexDigit(s[i + 2]) : -1;
      if (high < 0 || low < 0) {
        throw InputError(fmt::format(
            "malformed percent-encoding \"{}\" in database URL \"{}\": '%' must be followed by "
            "two hexadecimal digits (write a literal '%' as %25)",
            s.substr(i, 3), whole));
      }
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// The URL with any password masked, for error messages about URLs that failed to parse.
std::string MaskRaw(std::string_view text) {
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::string(text);
  auto at = text.find('@', scheme_end + 3);
  if (at == std::string_view::npos) return std::string(text);
  auto colon = text.substr(0, at).find(':', scheme_end + 3);
  if (colon == std::string_view::npos) return std::string(text);
  return std::string(text.substr(0, colon + 1)) + "xxxxx" + std::string(text.substr(at));
}

}  // namespace

std::string_view DialectName(Dialect d) { return d == Dialect::kPostgres ? "postgres" : "sqlite"; }

Url Url::Parse(std::string_view text) {
  const std::string shown = MaskRaw(text);
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    throw InputError(
        fmt::format("cannot read database URL \"{}\": expected scheme://…, e.g. "
                    "postgres://user:pass@localhost:5432/db?sslmode=disable or sqlite://app.db",
                    shown));
  }
  Url url;
  url.scheme = std::string(text.substr(0, scheme_end));
  std::string_view rest = text.substr(scheme_end + 3);
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq), shown);
    std::string value =
        eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1), shown);
    if (!url.params.emplace(key, value).second) {
      throw InputError(fmt::format(
          "database URL \"{}\" sets parameter \"{}\" more than once: keep one", shown, key));
    }
  }

  if (url.scheme == "sqlite" || url.scheme == "sqlite3") {
    url.dialect = Dialect::kSqlite;
    url.database = PercentDecode(rest, shown);
    if (url.database.empty()) {
      throw InputError(fmt::format(
          "database URL \"{}\" names no file: use sqlite://path/to/file.db or sqlite://:memory:",
          shown));
    }
    return url;
  }
  if (url.scheme != "postgres" && url.scheme != "postgresql") {
    throw InputError(fmt::format(
        "unsupported database URL scheme \"{}\" in \"{}\": strata supports postgres://, "
        "postgresql:// and sqlite://",
        url.scheme, shown));
  }
  url.dialect = Dialect::kPostgres;
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    url.database = PercentDecode(rest.substr(slash + 1), shown);
  }
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    url.user = PercentDecode(userinfo.substr(0, colon), shown);
    if (colon != std::string_view::npos)
      url.password = PercentDecode(userinfo.substr(colon + 1), shown);
  }
  // host[:port]; IPv6 hosts come in brackets.
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) {
      throw InputError(fmt::format("unclosed '[' in the host of database URL \"{}\"", shown));
    }
    url.host = std::string(authority.substr(0, close + 1));
    authority = authority.substr(close + 1);
    if (!authority.empty() && authority.front() != ':') {
      throw InputError(fmt::format(
          "unexpected \"{}\" after the host {} of database URL \"{}\": expected :port or /database",
          authority, url.host, shown));
    }
    if (!authority.empty()) url.port = std::string(authority.substr(1));
  } else {
    auto colon = authority.rfind(':');
    url.host = PercentDecode(authority.substr(0, colon), shown);
    if (colon != std::string_view::npos) url.port = std::string(authority.substr(colon + 1));
  }
  int port = 0;
  for (char c : url.port) {
    if (!std::isdigit(static_cast<unsigned char>(c)) || (port = port * 10 + (c - '0')) > 65535) {
      throw InputError(
          fmt::format("the port of database URL \"{}\" is not a number from 1 to 65535", shown));
    }
  }
  if (!url.port.empty() && port == 0) {
    throw InputError(
        fmt::format("the port of database URL \"{}\" is not a number from 1 to 65535", shown));
  }
  return url;
}

namespace {
std::string Format(const Url& url, bool with_password) {
  std::string out = url.scheme + "://";
  if (url.dialect == Dialect::kSqlite) {
    out += url.database;
  } else {
    if (!url.user.empty() || !url.password.empty()) {
      out += PercentEncode(url.user);
      if (!url.password.empty())
        out += ":" + (with_password ? PercentEncode(url.password) : "xxxxx");
      out += "@";
    }
    out += !url.host.empty() && url.host.front() == '[' ? url.host : PercentEncode(url.host);
    if (!url.port.empty()) out += ":" + url.port;
    out += "/" + PercentEncode(url.database);
  }
  char sep = '?';
  for (const auto& [k, v] : url.params) {
    out += sep + PercentEncode(k) + "=" + PercentEncode(v);
    sep = '&';
  }
  return out;
}
}  // namespace

std::string Url::Redacted() const { return Format(*this, false); }
std::string Url::ToString() const { return Format(*this, true); }

std::string Url::SearchPath() const {
  auto it = params.find("search_path");
  return it == params.end() ? std::string() : it->second;
}

}  // namespace strata
