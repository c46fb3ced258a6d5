// Compiler output as the user should see it, and the dependency files the compiler writes.
#include <string>

#include "ent/load/internal.hpp"

namespace strata::ent::load {

namespace {

constexpr std::string_view kIncluded = "In file included from ";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// One line of an include stack: "In file included from F:N:" or GCC's continuation
// "                 from F:N,"; `location` is "F:N".
struct StackLine {
  std::string_view location;
  bool continuation = false;
};

std::optional<StackLine> ParseStackLine(std::string_view line) {
  StackLine s;
  if (StartsWith(line, kIncluded)) {
    s.location = line.substr(kIncluded.size());
  } else {
    const size_t text = line.find_first_not_of(' ');
    if (text == 0 || text == std::string_view::npos || !StartsWith(line.substr(text), "from ")) {
      return std::nullopt;
    }
    s.location = line.substr(text + 5);
    s.continuation = true;
  }
  if (s.location.empty() || (s.location.back() != ':' && s.location.back() != ',')) {
    return std::nullopt;
  }
  s.location.remove_suffix(1);
  return s;
}

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

}  // namespace

std::string RewriteDiagnostics(std::string_view text, const std::filesystem::path& build_dir,
                               const std::filesystem::path& include_dir, bool* names_generated) {
  if (names_generated != nullptr) *names_generated = false;
  const std::string build = build_dir.string() + "/";
  const std::string include = include_dir.string() + "/";
  std::vector<std::string_view> lines;
  for (size_t begin = 0; begin < text.size();) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }

  std::string out;
  for (size_t i = 0; i < lines.size();) {
    // An include stack: consecutive stack lines, the first one starting "In file included from".
    std::vector<StackLine> stack;
    if (StartsWith(lines[i], kIncluded)) {
      for (size_t j = i; j < lines.size(); ++j) {
        std::optional<StackLine> s = ParseStackLine(lines[j]);
        if (!s || (j > i && !s->continuation && !StartsWith(lines[j], kIncluded))) break;
        stack.push_back(*s);
      }
    }
    if (stack.empty()) {
      std::string line(lines[i]);
      if (names_generated != nullptr && line.find(build) != std::string::npos) {
        *names_generated = true;
      }
      ReplaceAll(line, build, "");
      out += line;
      out += '\n';
      ++i;
      continue;
    }
    i += stack.size();
    std::vector<StackLine> kept;
    bool names_user_file = false;
    for (const StackLine& s : stack) {
      if (StartsWith(s.location, build)) continue;
      if (!StartsWith(s.location, include)) names_user_file = true;
      kept.push_back(s);
    }
    if (!names_user_file) continue;
    // Written back in its own style: GCC's one "In file included from" with continuation lines
    // ending in ',' but the last; clang's one line per file.
    for (size_t k = 0; k < kept.size(); ++k) {
      const bool gcc_continues = k + 1 < kept.size() && kept[k + 1].continuation;
      if (k == 0 || !kept[k].continuation) {
        out += kIncluded;
      } else {
        out.append(kIncluded.size() - 5, ' ');
        out += "from ";
      }
      out += kept[k].location;
      out += gcc_continues ? ",\n" : ":\n";
    }
  }
  if (!text.empty() && text.back() != '\n' && !out.empty()) out.pop_back();
  return out;
}

std::vector<std::string> ParseDepFile(std::string_view text) {
  std::vector<std::string> deps;
  // Skip the target ("x:", as -MT x names it; a path could hold ':' only when escaped).
  size_t i = 0;
  while (i < text.size() && !(text[i] == ':' && (i + 1 == text.size() || text[i + 1] == ' ' ||
                                                 text[i + 1] == '\n' || text[i + 1] == '\t'))) {
    i += text[i] == '\\' ? 2 : 1;
  }
  ++i;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) deps.push_back(std::move(word));
    word.clear();
  };
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      const char next = text[i + 1];
      if (next == '\n') {
        flush();
        ++i;
      } else if (next == ' ' || next == '#' || next == '\t') {
        word += next;
        ++i;
      } else {
        word += c;
      }
    } else if (c == '$' && i + 1 < text.size() && text[i + 1] == '$') {
      word += '$';
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  return deps;
}

}  // namespace strata::ent::load
