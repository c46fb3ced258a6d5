// Fuzzes the SQLite tokenizer with arbitrary text. Besides memory errors and undefined behaviour,
// it aborts when the tokens break Tokenize's contract: each is a non-empty view into the source at
// its offset, in order, separated from the one before by nothing but whitespace and comments
// (space_before saying whether there was any); and Join only normalizes layout, so the joined text
// tokenizes into the same tokens.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "driver/sqlite/tokenizer.hpp"
namespace sqlite = strata::driver::sqlite;

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "sqlite_tokenize_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view sql(reinterpret_cast<const char*>(data), size);
  const std::vector<sqlite::Token> tokens = sqlite::Tokenize(sql);
  size_t previous_end = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const sqlite::Token& t = tokens[i];
    Require(!t.text.empty(), "an empty token");
    Require(t.begin >= previous_end && t.begin + t.text.size() <= sql.size(),
            "a token outside the source or before the previous one");
    Require(t.text.data() == sql.data() + t.begin, "a token's text is not the source at begin");
    Require(sqlite::SkipSpace(sql, previous_end) == t.begin,
            "something other than whitespace or a comment between two tokens");
    Require(t.space_before == (i > 0 && t.begin != previous_end), "a wrong space_before");
    previous_end = t.begin + t.text.size();
    // The helpers the parser applies to every token.
    sqlite::Unquote(t);
    sqlite::IsKeyword(t, "CONSTRAINT");
    sqlite::IsPunct(t, '(');
  }
  Require(sqlite::SkipSpace(sql, previous_end) == sql.size(), "text left after the last token");

  const std::string joined = sqlite::Join(tokens);
  const std::vector<sqlite::Token> again = sqlite::Tokenize(joined);
  Require(again.size() == tokens.size(), "the joined text has another number of tokens");
  for (size_t i = 0; i < tokens.size(); ++i) {
    Require(again[i].kind == tokens[i].kind && again[i].text == tokens[i].text,
            "the joined text has other tokens");
  }
  Require(sqlite::Join(again) == joined, "Join is not idempotent");
  return 0;
}
