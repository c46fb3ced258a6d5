// SQL statement splitter (see split.hpp).
#include "driver/split.hpp"

#include <algorithm>
#include <cctype>

namespace strata::driver {
namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool WordIs(std::string_view word, std::string_view upper) {
  return word.size() == upper.size() &&
         std::equal(word.begin(), word.end(), upper.begin(), [](char a, char b) {
           return std::toupper(static_cast<unsigned char>(a)) == b;
         });
}

// The dollar-quote tag starting at s[i] ('$'), e.g. "$$" or "$body$", or empty if none starts here.
std::string_view DollarTag(std::string_view s, size_t i) {
  size_t j = i + 1;
  if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) return {};  // $1 parameter
  while (j < s.size() && (IsWordChar(s[j]))) ++j;
  if (j < s.size() && s[j] == '$') return s.substr(i, j - i + 1);
  return {};
}

}  // namespace

int LineAt(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
}

std::vector<ScriptStatement> SplitStatements(std::string_view s, SplitDialect dialect) {
  const bool bracket_quotes = dialect != SplitDialect::kPostgres;
  std::vector<ScriptStatement> out;
  size_t start = std::string_view::npos;  // first significant character of the current statement
  size_t end = 0;                         // one past its last significant character
  int depth = 0;                          // BEGIN … END nesting inside a body
  bool in_trigger = false;                // the statement is CREATE [TEMP] TRIGGER
  bool prev_begin = false;                // the previous word was BEGIN
  int words = 0;                          // words seen in the statement so far
  std::string_view first_word;
  // Lines are counted from the previous statement on, so splitting stays linear in the script.
  int line = 1;
  size_t line_counted_to = 0;

  auto flush = [&] {
    if (start != std::string_view::npos) {
      line += static_cast<int>(std::count(s.begin() + line_counted_to, s.begin() + start, '\n'));
      line_counted_to = start;
      out.push_back({std::string(s.substr(start, end - start)), line, start});
    }
    start = std::string_view::npos;
    depth = 0;
    in_trigger = prev_begin = false;
    words = 0;
  };
  auto mark = [&](size_t from, size_t to) {
    if (start == std::string_view::npos) start = from;
    end = to;
  };

  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      int nest = 0;
      while (i < s.size()) {
        if (s[i] == '/' && i + 1 < s.size() && s[i + 1] == '*') {
          ++nest;
          i += 2;
        } else if (s[i] == '*' && i + 1 < s.size() && s[i + 1] == '/') {
          i += 2;
          if (--nest == 0) break;
        } else {
          ++i;
        }
      }
    } else if (c == '\'' || c == '"' || (bracket_quotes && (c == '`' || c == '['))) {
      // E'…' strings take backslash escapes; the E was already consumed as a word.
      bool backslash = c == '\'' && i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') &&
                       (i < 2 || !IsWordChar(s[i - 2]));
      char close = c == '[' ? ']' : c;
      size_t j = i + 1;
      while (j < s.size()) {
        if (backslash && s[j] == '\\') {
          j += 2;
        } else if (s[j] == close) {
          if (close != ']' && j + 1 < s.size() && s[j + 1] == close) {
            j += 2;
          } else {
            break;
          }
        } else {
          ++j;
        }
      }
      j = std::min(j + 1, s.size());
      mark(i, j);
      i = j;
      prev_begin = false;
    } else if (c == '$' && !DollarTag(s, i).empty()) {
      std::string_view tag = DollarTag(s, i);
      size_t close = s.find(tag, i + tag.size());
      size_t j = close == std::string_view::npos ? s.size() : close + tag.size();
      mark(i, j);
      i = j;
      prev_begin = false;
    } else if (IsWordChar(c)) {
      size_t j = i;
      while (j < s.size() && (IsWordChar(s[j]) || s[j] == '$')) ++j;
      std::string_view word = s.substr(i, j - i);
      mark(i, j);
      ++words;
      if (words == 1) first_word = word;
      if (words >= 2 && WordIs(first_word, "CREATE") && WordIs(word, "TRIGGER")) in_trigger = true;
      if (prev_begin && WordIs(word, "ATOMIC")) {
        ++depth;
      } else if (WordIs(word, "BEGIN") && in_trigger) {
        ++depth;
      } else if (depth > 0 && WordIs(word, "CASE")) {
        ++depth;
      } else if (depth > 0 && WordIs(word, "END")) {
        --depth;
      }
      prev_begin = WordIs(word, "BEGIN") && !in_trigger;
      i = j;
    } else if (c == ';') {
      if (depth == 0) {
        flush();
      } else {
        mark(i, i + 1);
      }
      ++i;
      prev_begin = false;
    } else {
      mark(i, i + 1);
      ++i;
      prev_begin = false;
    }
  }
  flush();
  return out;
}

}  // namespace strata::driver
