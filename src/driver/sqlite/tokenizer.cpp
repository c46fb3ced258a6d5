// SQLite tokenizer (see tokenizer.hpp).
#include "driver/sqlite/tokenizer.hpp"

#include <algorithm>
#include <cctype>

namespace strata::driver::sqlite {
namespace {

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// The end of the comment starting at `pos`, or `pos` when none starts there.
size_t CommentEnd(std::string_view s, size_t pos) {
  if (s.substr(pos, 2) == "--") {
    size_t nl = s.find('\n', pos);
    return nl == std::string_view::npos ? s.size() : nl + 1;
  }
  if (s.substr(pos, 2) == "/*") {
    size_t close = s.find("*/", pos + 2);
    return close == std::string_view::npos ? s.size() : close + 2;
  }
  return pos;
}

// The end of the quoted token opening at `pos` with `open`; a doubled closing quote is an escape,
// except inside [brackets].
size_t QuoteEnd(std::string_view s, size_t pos, char open) {
  const char close = open == '[' ? ']' : open;
  size_t j = pos + 1;
  while (j < s.size()) {
    if (s[j] != close) {
      ++j;
    } else if (close != ']' && j + 1 < s.size() && s[j + 1] == close) {
      j += 2;
    } else {
      return j + 1;
    }
  }
  return s.size();
}

size_t NumberEnd(std::string_view s, size_t pos) {
  size_t j = pos;
  const bool hex = s.substr(pos, 2) == "0x" || s.substr(pos, 2) == "0X";
  while (j < s.size() && (IsWordChar(s[j]) || s[j] == '.')) {
    if (!hex && (s[j] == 'e' || s[j] == 'E') && j + 1 < s.size() &&
        (s[j + 1] == '+' || s[j + 1] == '-')) {
      ++j;
    }
    ++j;
  }
  return j;
}

}  // namespace

size_t SkipSpace(std::string_view sql, size_t pos) {
  while (pos < sql.size()) {
    if (IsSpace(sql[pos])) {
      ++pos;
    } else if (size_t end = CommentEnd(sql, pos); end != pos) {
      pos = end;
    } else {
      break;
    }
  }
  return pos;
}

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    const size_t start = SkipSpace(s, i);
    if (start >= s.size()) break;
    const bool space = start != i;
    const char c = s[start];
    TokenKind kind;
    size_t end;
    if (c == '\'') {
      kind = TokenKind::kString;
      end = QuoteEnd(s, start, c);
    } else if ((c == 'x' || c == 'X') && start + 1 < s.size() && s[start + 1] == '\'') {
      kind = TokenKind::kString;
      end = QuoteEnd(s, start + 1, '\'');
    } else if (c == '"' || c == '`' || c == '[') {
      kind = TokenKind::kIdent;
      end = QuoteEnd(s, start, c);
    } else if (IsDigit(c) || (c == '.' && start + 1 < s.size() && IsDigit(s[start + 1]))) {
      kind = TokenKind::kNumber;
      end = NumberEnd(s, start);
    } else if (IsWordChar(c)) {
      kind = TokenKind::kWord;
      end = start;
      while (end < s.size() && IsWordChar(s[end])) ++end;
    } else {
      kind = TokenKind::kPunct;
      end = start + 1;
    }
    out.push_back({kind, s.substr(start, end - start), start, space && !out.empty()});
    i = end;
  }
  return out;
}

bool IsKeyword(const Token& token, std::string_view upper) {
  return token.kind == TokenKind::kWord && EqualFold(token.text, upper);
}

bool IsPunct(const Token& token, char c) {
  return token.kind == TokenKind::kPunct && token.text.front() == c;
}

std::string Unquote(const Token& token) {
  if (token.kind != TokenKind::kIdent || token.text.size() < 2) return std::string(token.text);
  const char open = token.text.front();
  std::string_view inner = token.text.substr(1, token.text.size() - 2);
  if (open == '[') return std::string(inner);
  std::string out;
  for (size_t i = 0; i < inner.size(); ++i) {
    out.push_back(inner[i]);
    if (inner[i] == open && i + 1 < inner.size() && inner[i + 1] == open) ++i;
  }
  return out;
}

std::string Join(std::span<const Token> tokens) {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0 && tokens[i].space_before) out.push_back(' ');
    out += tokens[i].text;
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool EqualFold(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace strata::driver::sqlite
