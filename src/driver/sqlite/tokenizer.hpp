// A small SQLite tokenizer: enough to find statement boundaries and recognize statements in the
// connection (conn.cpp), and for the dialect to read back what the pragmas do not expose from the
// CREATE statements SQLite keeps in sqlite_schema.sql.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::driver::sqlite {

enum class TokenKind {
  kWord,    // keyword or bare identifier
  kIdent,   // quoted identifier: "…", `…` or […]
  kString,  // '…' string or x'…' blob literal
  kNumber,
  kPunct,  // any other single character: ( ) , . ; + - * …
};

struct Token {
  TokenKind kind;
  std::string_view text;      // a view into the tokenized source, quotes included
  size_t begin = 0;           // byte offset in the source
  bool space_before = false;  // whitespace or a comment separates it from the previous token
};

// Comments and whitespace are skipped; an unterminated quote or comment runs to the end.
std::vector<Token> Tokenize(std::string_view sql);

// The offset of the first character at or after `pos` that is not whitespace or part of a comment.
size_t SkipSpace(std::string_view sql, size_t pos);

// True for a kWord token spelling `upper` in any case.
bool IsKeyword(const Token& token, std::string_view upper);
bool IsPunct(const Token& token, char c);

// The name a word or quoted-identifier token stands for (quotes removed, doubled quotes undone);
// other tokens unchanged.
std::string Unquote(const Token& token);

// The tokens as text: a single space where the source had whitespace or a comment, none elsewhere.
// Normalizes layout (line breaks, indentation, comments) without touching meaning.
std::string Join(std::span<const Token> tokens);

// ASCII case folding, which is how SQLite compares identifiers.
std::string Lower(std::string_view s);
bool EqualFold(std::string_view a, std::string_view b);

}  // namespace strata::driver::sqlite
