// ent's naming functions (see names.hpp).
#include "ent/graph/names.hpp"

#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>

#include "migrate/sha256.hpp"

namespace strata::ent {

namespace {

struct Rule {
  std::string_view suffix;
  std::string_view replacement;
  bool exact = false;  // matches the whole word only
};

// inflect's default plural rules in the order they are tried (the reverse of the order the
// ruleset adds them in; AddIrregular adds both the singular and the plural form).
constexpr Rule kPlurals[] = {
    {"zombies", "zombies"},
    {"zombie", "zombies"},
    {"moves", "moves"},
    {"move", "moves"},
    {"sexes", "sexes"},
    {"sex", "sexes"},
    {"children", "children"},
    {"child", "children"},
    {"men", "men"},
    {"man", "men"},
    {"people", "people"},
    {"person", "people"},
    {"quiz", "quizzes", true},
    {"oxen", "oxen", true},
    {"ox", "oxen", true},
    {"lice", "lice"},
    {"mice", "mice"},
    {"louse", "lice"},
    {"mouse", "mice"},
    {"index", "indices"},
    {"vertex", "vertices"},
    {"matrex", "matrices"},
    {"indix", "indices"},
    {"vertix", "vertices"},
    {"matrix", "matrices"},
    {"sh", "shes"},
    {"ss", "sses"},
    {"ch", "ches"},
    {"x", "xes"},
    {"zy", "zies"},
    {"xy", "xies"},
    {"wy", "wies"},
    {"vy", "vies"},
    {"ty", "ties"},
    {"sy", "sies"},
    {"ry", "ries"},
    {"qy", "qies"},
    {"py", "pies"},
    {"ny", "nies"},
    {"my", "mies"},
    {"ly", "lies"},
    {"ky", "kies"},
    {"jy", "jies"},
    {"hy", "hies"},
    {"gy", "gies"},
    {"fy", "fies"},
    {"dy", "dies"},
    {"cy", "cies"},
    {"by", "bies"},
    {"quy", "quies"},
    {"hive", "hives"},
    {"zfe", "zves"},
    {"yfe", "yves"},
    {"xfe", "xves"},
    {"wfe", "wves"},
    {"vfe", "vves"},
    {"ufe", "uves"},
    {"tfe", "tves"},
    {"sfe", "sves"},
    {"rfe", "rves"},
    {"qfe", "qves"},
    {"pfe", "pves"},
    {"ofe", "oves"},
    {"nfe", "nves"},
    {"mfe", "mves"},
    {"lfe", "lves"},
    {"kfe", "kves"},
    {"jfe", "jves"},
    {"ife", "ives"},
    {"hfe", "hves"},
    {"gfe", "gves"},
    {"efe", "eves"},
    {"dfe", "dves"},
    {"cfe", "cves"},
    {"bfe", "bves"},
    {"afe", "aves"},
    {"rf", "rves"},
    {"lf", "lves"},
    {"sis", "ses"},
    {"ia", "ia"},
    {"ta", "ta"},
    {"ium", "ia"},
    {"tum", "ta"},
    {"tomato", "tomatoes"},
    {"buffalo", "buffaloes"},
    {"bus", "buses"},
    {"status", "statuses"},
    {"alias", "aliases"},
    {"viri", "viri"},
    {"octopi", "octopi"},
    {"virus", "viri"},
    {"octopus", "octopi"},
    {"axis", "axes"},
    {"testis", "testes"},
    {"s", "s"},
};

constexpr Rule kSingulars[] = {
    {"zombies", "zombie"},
    {"moves", "move"},
    {"sexes", "sex"},
    {"children", "child"},
    {"men", "man"},
    {"people", "person"},
    {"databases", "database"},
    {"quizzes", "quiz", true},
    {"matrices", "matrix"},
    {"indices", "index"},
    {"vertices", "vertex"},
    {"oxen", "ox", true},
    {"aliases", "alias"},
    {"statuses", "status"},
    {"viri", "virus"},
    {"octopi", "octopus"},
    {"testes", "testis"},
    {"axes", "axis"},
    {"crises", "crisis"},
    {"shoes", "shoe"},
    {"oes", "o"},
    {"buses", "bus"},
    {"lice", "louse"},
    {"mice", "mouse"},
    {"shes", "sh"},
    {"sses", "ss"},
    {"ches", "ch"},
    {"xes", "x"},
    {"movies", "movie"},
    {"series", "series"},
    {"zies", "zy"},
    {"xies", "xy"},
    {"wies", "wy"},
    {"vies", "vy"},
    {"ties", "ty"},
    {"sies", "sy"},
    {"ries", "ry"},
    {"qies", "qy"},
    {"pies", "py"},
    {"nies", "ny"},
    {"mies", "my"},
    {"lies", "ly"},
    {"kies", "ky"},
    {"jies", "jy"},
    {"hies", "hy"},
    {"gies", "gy"},
    {"fies", "fy"},
    {"dies", "dy"},
    {"cies", "cy"},
    {"bies", "by"},
    {"quies", "quy"},
    {"rves", "rf"},
    {"lves", "lf"},
    {"tives", "tive"},
    {"hives", "hive"},
    {"zves", "zfe"},
    {"yves", "yfe"},
    {"xves", "xfe"},
    {"wves", "wfe"},
    {"vves", "vfe"},
    {"uves", "ufe"},
    {"tves", "tfe"},
    {"sves", "sfe"},
    {"rves", "rfe"},
    {"qves", "qfe"},
    {"pves", "pfe"},
    {"oves", "ofe"},
    {"nves", "nfe"},
    {"mves", "mfe"},
    {"lves", "lfe"},
    {"kves", "kfe"},
    {"jves", "jfe"},
    {"ives", "ife"},
    {"hves", "hfe"},
    {"gves", "gfe"},
    {"eves", "efe"},
    {"dves", "dfe"},
    {"cves", "cfe"},
    {"bves", "bfe"},
    {"aves", "afe"},
    {"analyses", "analysis"},
    {"theses", "thesis"},
    {"synopses", "synopsis"},
    {"prognoses", "prognosis"},
    {"parentheses", "parenthesis"},
    {"diagnoses", "diagnosis"},
    {"bases", "basis"},
    {"analyses", "analysis"},
    {"ia", "ium"},
    {"ta", "tum"},
    {"news", "news"},
    {"s", ""},
};

constexpr std::string_view kUncountables[] = {"equipment", "information", "rice", "money",
                                              "species",   "series",      "fish", "sheep",
                                              "jeans",     "police"};

// inflect looks the last space-separated word up in lower case.
bool IsUncountable(std::string_view word) {
  const size_t space = word.rfind(' ');
  std::string last(space == std::string_view::npos ? word : word.substr(space + 1));
  for (char& c : last) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view u : kUncountables) {
    if (last == u) return true;
  }
  return false;
}

template <size_t N>
const Rule* FindRule(const Rule (&rules)[N], std::string_view word) {
  for (const Rule& r : rules) {
    if (r.exact ? word == r.suffix : word.ends_with(r.suffix)) return &r;
  }
  return nullptr;
}

std::string Apply(const Rule& r, std::string_view word) {
  return std::string(word.substr(0, word.size() - r.suffix.size())) + std::string(r.replacement);
}

// Go's unicode.IsUpper/IsLower/IsLetter/ToLower on rune(b) for one byte b: ent's snake() walks
// bytes, so a byte of a multi-byte UTF-8 character is taken for the Latin-1 character of that code.
bool IsUpper(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
}
bool IsLower(unsigned char c) {
  return (c >= 'a' && c <= 'z') || c == 0xB5 || (c >= 0xDF && c != 0xF7);
}
bool IsLetter(unsigned char c) { return IsUpper(c) || IsLower(c) || c == 0xAA || c == 0xBA; }

// unicode.ToLower(rune(c)) written as UTF-8, as strings.Builder.WriteRune writes it.
void AppendLower(std::string& out, unsigned char c) {
  if (IsUpper(c)) c = static_cast<unsigned char>(c + 0x20);
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// RFC 1321.
class Md5 {
 public:
  void Update(std::string_view data) {
    for (char c : data) {
      block_[fill_++] = static_cast<std::uint8_t>(c);
      if (fill_ == 64) Compress();
    }
    bytes_ += data.size();
  }

  std::array<std::uint8_t, 16> Final() {
    const std::uint64_t bits = bytes_ * 8;
    block_[fill_++] = 0x80;
    if (fill_ > 56) {
      while (fill_ < 64) block_[fill_++] = 0;
      Compress();
    }
    while (fill_ < 56) block_[fill_++] = 0;
    for (int i = 0; i < 8; ++i) block_[fill_++] = static_cast<std::uint8_t>(bits >> (8 * i));
    Compress();
    std::array<std::uint8_t, 16> out{};
    for (int i = 0; i < 16; ++i) out[i] = static_cast<std::uint8_t>(state_[i / 4] >> (8 * (i % 4)));
    return out;
  }

 private:
  static std::uint32_t Rotl(std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

  void Compress() {
    static constexpr std::uint32_t kK[64] = {
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
        0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
        0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
        0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
        0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
        0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
        0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
        0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
        0xeb86d391};
    static constexpr int kShift[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                       5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                       4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                       6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
    std::uint32_t m[16];
    for (int i = 0; i < 16; ++i) {
      m[i] = static_cast<std::uint32_t>(block_[4 * i]) |
             static_cast<std::uint32_t>(block_[4 * i + 1]) << 8 |
             static_cast<std::uint32_t>(block_[4 * i + 2]) << 16 |
             static_cast<std::uint32_t>(block_[4 * i + 3]) << 24;
    }
    std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    for (int i = 0; i < 64; ++i) {
      std::uint32_t f;
      int g;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      const std::uint32_t next = b + Rotl(a + f + kK[i] + m[g], kShift[i]);
      a = d;
      d = c;
      c = b;
      b = next;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    fill_ = 0;
  }

  std::uint32_t state_[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  std::uint8_t block_[64] = {};
  size_t fill_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace

std::string Pluralize(std::string_view word) {
  if (word.empty() || IsUncountable(word)) return std::string(word);
  const Rule* r = FindRule(kPlurals, word);
  return r != nullptr ? Apply(*r, word) : std::string(word) + "s";
}

std::string Singularize(std::string_view word) {
  if (word.empty() || IsUncountable(word)) return std::string(word);
  const Rule* r = FindRule(kSingulars, word);
  return r != nullptr ? Apply(*r, word) : std::string(word);
}

std::string Snake(std::string_view s) {
  std::string out;
  size_t j = 0;  // where the last underscore was written
  for (size_t i = 0; i < s.size(); ++i) {
    auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    if (i > 0 && i + 1 < s.size() && IsUpper(at(i)) &&
        (IsLower(at(i - 1)) || (j != i - 1 && IsLower(at(i + 1)) && IsLetter(at(i - 1))))) {
      out += '_';
      j = i;
    }
    AppendLower(out, at(i));
  }
  return out;
}

std::string TableName(std::string_view type) { return Snake(Pluralize(type)); }

std::string Md5Hex(std::string_view data) {
  Md5 md5;
  md5.Update(data);
  const auto digest = md5.Final();
  return migrate::Hex(digest.data(), digest.size());
}

std::string ShortenName(std::string_view name, std::size_t limit) {
  if (name.size() <= limit) return std::string(name);
  return std::string(name.substr(0, limit - 33)) + "_" + Md5Hex(name);
}

}  // namespace strata::ent
