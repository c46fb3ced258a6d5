// Fuzzes the SQL statement splitter with arbitrary scripts. Besides memory errors and undefined
// behaviour, it aborts when a result breaks SplitStatements' contract: each statement is the
// script's own text at its offset, starts at a significant character, is on the line LineAt
// gives, follows the previous one, and splits again into exactly itself (statements are
// independent: nothing carries over from one to the next).
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "driver/split.hpp"
namespace splitter = strata::driver;

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "split_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using splitter::LineAt;
  using splitter::SplitStatements;
  const std::string_view script(reinterpret_cast<const char*>(data), size);
  size_t previous_end = 0;
  for (const auto& statement : SplitStatements(script)) {
    Require(!statement.text.empty(), "an empty statement");
    Require(statement.offset >= previous_end, "a statement overlaps the one before it");
    Require(statement.offset + statement.text.size() <= script.size(),
            "a statement runs past the script");
    Require(script.substr(statement.offset, statement.text.size()) == statement.text,
            "a statement's text is not the script's text at its offset");
    Require(!std::isspace(static_cast<unsigned char>(statement.text.front())),
            "a statement starts with whitespace");
    Require(statement.line == LineAt(script, statement.offset),
            "a statement's line is not LineAt(offset)");
    const auto again = SplitStatements(statement.text);
    Require(again.size() == 1 && again[0].text == statement.text && again[0].offset == 0,
            "a statement does not split into itself");
    previous_end = statement.offset + statement.text.size();
  }
  return 0;
}
