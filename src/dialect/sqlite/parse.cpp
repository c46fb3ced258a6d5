// CREATE TABLE / CREATE INDEX readers and constraint naming rules (see parse.hpp).
#include "dialect/sqlite/parse.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <span>

#include "driver/sqlite/tokenizer.hpp"

namespace strata::dialect::sqlite {

using driver::sqlite::EqualFold;
using driver::sqlite::IsKeyword;
using driver::sqlite::IsPunct;
using driver::sqlite::Join;
using driver::sqlite::Token;
using driver::sqlite::Tokenize;
using driver::sqlite::TokenKind;
using driver::sqlite::Unquote;

namespace {

using Tokens = std::span<const Token>;

// The index one past the ')' matching the '(' at tokens[open] (the end when unbalanced).
size_t GroupEnd(Tokens tokens, size_t open) {
  int depth = 0;
  for (size_t i = open; i < tokens.size(); ++i) {
    if (IsPunct(tokens[i], '(')) ++depth;
    if (IsPunct(tokens[i], ')') && --depth == 0) return i + 1;
  }
  return tokens.size();
}

// The tokens inside the parenthesized group opening at tokens[open].
Tokens Inside(Tokens tokens, size_t open) {
  const size_t end = GroupEnd(tokens, open);
  const size_t last = end > open + 1 && IsPunct(tokens[end - 1], ')') ? end - 1 : end;
  return tokens.subspan(open + 1, last - open - 1);
}

// `tokens` split at commas outside parentheses.
std::vector<Tokens> SplitCommas(Tokens tokens) {
  std::vector<Tokens> out;
  size_t start = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (IsPunct(tokens[i], '(')) {
      i = GroupEnd(tokens, i) - 1;
    } else if (IsPunct(tokens[i], ',')) {
      out.push_back(tokens.subspan(start, i - start));
      start = i + 1;
    }
  }
  if (start < tokens.size()) out.push_back(tokens.subspan(start));
  return out;
}

// The first index at or after `from` of a '(' outside parentheses, or the end.
size_t FindOpen(Tokens tokens, size_t from) {
  while (from < tokens.size() && !IsPunct(tokens[from], '(')) ++from;
  return from;
}

// The leading identifier of each comma-separated item of a column list: "(a COLLATE x DESC, b)".
std::vector<std::string> ColumnNames(Tokens list) {
  std::vector<std::string> out;
  for (Tokens item : SplitCommas(list)) {
    if (!item.empty()) out.push_back(Unquote(item.front()));
  }
  return out;
}

bool IsConstraintStart(const Token& t) {
  for (std::string_view kw : {"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT",
                              "COLLATE", "REFERENCES", "GENERATED", "AS"}) {
    if (IsKeyword(t, kw)) return true;
  }
  return false;
}

// Reads a foreign-key clause after REFERENCES (tokens[i] is the parent table); returns the index
// after it.
size_t ReadReferences(Tokens tokens, size_t i, ParsedForeignKey* fk) {
  if (i >= tokens.size()) return i;
  fk->ref_table = Unquote(tokens[i++]);
  if (i < tokens.size() && IsPunct(tokens[i], '(')) i = GroupEnd(tokens, i);
  while (i < tokens.size()) {
    const Token& t = tokens[i];
    if (IsKeyword(t, "ON")) {
      // ON DELETE|UPDATE SET NULL|SET DEFAULT|CASCADE|RESTRICT|NO ACTION (the pragma reports these)
      i += 2;
      if (i < tokens.size() && (IsKeyword(tokens[i], "SET") || IsKeyword(tokens[i], "NO"))) ++i;
      ++i;
    } else if (IsKeyword(t, "MATCH")) {
      i += 2;
    } else if (IsKeyword(t, "NOT") && i + 1 < tokens.size() &&
               IsKeyword(tokens[i + 1], "DEFERRABLE")) {
      fk->deferrable = false;
      i += 2;
    } else if (IsKeyword(t, "DEFERRABLE")) {
      fk->deferrable = true;
      ++i;
    } else if (IsKeyword(t, "INITIALLY") && i + 1 < tokens.size()) {
      // SQLite: a NOT DEFERRABLE constraint is immediate whatever INITIALLY says.
      fk->initially_deferred = fk->deferrable && IsKeyword(tokens[i + 1], "DEFERRED");
      i += 2;
    } else {
      break;
    }
  }
  return i;
}

// Reads `ON CONFLICT <algorithm>` at tokens[i], if there, as the clause of constraint `what` (of
// `column`, or of the table when empty); returns the index after it.
size_t ReadOnConflict(Tokens tokens, size_t i, const std::string& column, std::string_view what,
                      ParsedTable* table) {
  if (i + 2 >= tokens.size() || !IsKeyword(tokens[i], "ON") ||
      !IsKeyword(tokens[i + 1], "CONFLICT")) {
    return i;
  }
  if (!IsKeyword(tokens[i + 2], "ABORT")) {
    std::string algorithm(tokens[i + 2].text);
    for (char& c : algorithm) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    table->on_conflict.push_back({column, fmt::format("{} ON CONFLICT {}", what, algorithm)});
  }
  return i + 3;
}

void ReadColumn(Tokens def, ParsedTable* table) {
  ParsedColumn column{.name = Unquote(def.front())};
  size_t i = 1;
  while (i < def.size() && !IsConstraintStart(def[i])) {
    i = IsPunct(def[i], '(') ? GroupEnd(def, i) : i + 1;  // the declared type
  }
  std::string name;  // of the constraint being read, from CONSTRAINT name
  while (i < def.size()) {
    const Token& t = def[i];
    if (IsKeyword(t, "CONSTRAINT") && i + 1 < def.size()) {
      name = Unquote(def[i + 1]);
      i += 2;
      continue;
    }
    if (IsKeyword(t, "PRIMARY")) {
      table->pk_name = name;
      ++i;
      // KEY [ASC|DESC] [ON CONFLICT …] [AUTOINCREMENT]
      while (i < def.size() && !IsConstraintStart(def[i])) {
        if (IsKeyword(def[i], "AUTOINCREMENT")) table->autoincrement = true;
        const size_t next = ReadOnConflict(def, i, column.name, "PRIMARY KEY", table);
        i = next == i ? i + 1 : next;
      }
    } else if (IsKeyword(t, "UNIQUE")) {
      table->uniques.push_back({name, {column.name}});
      i = ReadOnConflict(def, i + 1, column.name, "UNIQUE", table);
    } else if (IsKeyword(t, "NOT") && i + 1 < def.size() && IsKeyword(def[i + 1], "NULL")) {
      i = ReadOnConflict(def, i + 2, column.name, "NOT NULL", table);
    } else if (IsKeyword(t, "CHECK") && i + 1 < def.size()) {
      table->checks.push_back({name, Join(Inside(def, i + 1))});
      i = GroupEnd(def, i + 1);
    } else if (IsKeyword(t, "DEFAULT") && i + 1 < def.size()) {
      i += 1;
      if (IsPunct(def[i], '+') || IsPunct(def[i], '-')) ++i;
      i = i < def.size() && IsPunct(def[i], '(') ? GroupEnd(def, i) : i + 1;
    } else if (IsKeyword(t, "COLLATE") && i + 1 < def.size()) {
      column.collation = Unquote(def[i + 1]);
      i += 2;
    } else if (IsKeyword(t, "REFERENCES")) {
      ParsedForeignKey fk{.name = name, .columns = {column.name}};
      i = ReadReferences(def, i + 1, &fk);
      table->foreign_keys.push_back(std::move(fk));
    } else if (IsKeyword(t, "AS")) {
      // [GENERATED ALWAYS] AS (expr) [STORED|VIRTUAL]
      const size_t open = FindOpen(def, i);
      if (open < def.size()) column.generated = Join(Inside(def, open));
      i = GroupEnd(def, open);
    } else {
      ++i;  // NULL, GENERATED ALWAYS, STORED, ON CONFLICT of NULL …
      continue;
    }
    name.clear();
  }
  table->columns.push_back(std::move(column));
}

void ReadTableConstraint(Tokens def, ParsedTable* table) {
  std::string name;
  size_t i = 0;
  if (IsKeyword(def[0], "CONSTRAINT") && def.size() > 1) {
    name = Unquote(def[1]);
    i = 2;
  }
  if (i >= def.size()) return;
  const size_t open = FindOpen(def, i);
  if (open >= def.size()) return;
  // The constraint as reported with its ON CONFLICT clause: "UNIQUE (a, b)".
  auto described = [&](std::string_view kind) {
    return fmt::format("{} ({})", kind, fmt::join(ColumnNames(Inside(def, open)), ", "));
  };
  if (IsKeyword(def[i], "PRIMARY")) {
    table->pk_name = name;
    for (const Token& t : Inside(def, open)) {
      if (IsKeyword(t, "AUTOINCREMENT")) table->autoincrement = true;
    }
    ReadOnConflict(def, GroupEnd(def, open), "", described("PRIMARY KEY"), table);
  } else if (IsKeyword(def[i], "UNIQUE")) {
    table->uniques.push_back({name, ColumnNames(Inside(def, open))});
    ReadOnConflict(def, GroupEnd(def, open), "", described("UNIQUE"), table);
  } else if (IsKeyword(def[i], "CHECK")) {
    table->checks.push_back({name, Join(Inside(def, open))});
  } else if (IsKeyword(def[i], "FOREIGN")) {
    ParsedForeignKey fk{.name = name, .columns = ColumnNames(Inside(def, open))};
    size_t j = GroupEnd(def, open);
    if (j < def.size() && IsKeyword(def[j], "REFERENCES")) ReadReferences(def, j + 1, &fk);
    table->foreign_keys.push_back(std::move(fk));
  }
}

bool IsTableConstraintStart(const Token& t) {
  for (std::string_view kw : {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"}) {
    if (IsKeyword(t, kw)) return true;
  }
  return false;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "_") + n;
  return out;
}

}  // namespace

ParsedTable ParseCreateTable(std::string_view sql) {
  const std::vector<Token> all = Tokenize(sql);
  const Tokens tokens(all);
  ParsedTable table;
  const size_t open = FindOpen(tokens, 0);
  if (open >= tokens.size()) return table;
  for (Tokens def : SplitCommas(Inside(tokens, open))) {
    if (def.empty()) continue;
    if (IsTableConstraintStart(def.front())) {
      ReadTableConstraint(def, &table);
    } else {
      ReadColumn(def, &table);
    }
  }
  return table;
}

ParsedIndex ParseCreateIndex(std::string_view sql) {
  const std::vector<Token> all = Tokenize(sql);
  const Tokens tokens(all);
  ParsedIndex index;
  size_t on = 0;
  while (on < tokens.size() && !IsKeyword(tokens[on], "ON")) ++on;
  const size_t open = FindOpen(tokens, on);
  if (open >= tokens.size()) return index;
  for (Tokens part : SplitCommas(Inside(tokens, open))) {
    if (!part.empty() && (IsKeyword(part.back(), "ASC") || IsKeyword(part.back(), "DESC"))) {
      part = part.first(part.size() - 1);
    }
    bool collated = false;
    for (size_t i = 0; i < part.size(); ++i) {
      if (IsPunct(part[i], '(')) i = GroupEnd(part, i) - 1;
      if (i < part.size() && IsKeyword(part[i], "COLLATE")) collated = true;
    }
    index.parts.push_back(Join(part));
    index.collated.push_back(collated);
  }
  const size_t after = GroupEnd(tokens, open);
  if (after < tokens.size() && IsKeyword(tokens[after], "WHERE")) {
    index.where = Join(tokens.subspan(after + 1));
  }
  return index;
}

std::string StripOuterParens(std::string_view expr) {
  std::vector<Token> all = Tokenize(expr);
  Tokens tokens(all);
  while (tokens.size() >= 2 && IsPunct(tokens.front(), '(') &&
         GroupEnd(tokens, 0) == tokens.size()) {
    tokens = tokens.subspan(1, tokens.size() - 2);
  }
  if (tokens.size() == all.size()) return std::string(expr);
  // Keep the text between the first and last remaining tokens as written.
  if (tokens.empty()) return std::string();
  const size_t begin = tokens.front().begin;
  const size_t end = tokens.back().begin + tokens.back().text.size();
  return std::string(expr.substr(begin, end - begin));
}

bool MentionsColumn(std::string_view expr, std::string_view column) {
  const std::vector<Token> tokens = Tokenize(expr);
  return std::any_of(tokens.begin(), tokens.end(), [&](const Token& t) {
    return (t.kind == TokenKind::kWord || t.kind == TokenKind::kIdent) &&
           EqualFold(Unquote(t), column);
  });
}

std::string UniqueName(std::string_view table, const std::vector<std::string>& columns) {
  return fmt::format("{}_{}_key", table, JoinNames(columns));
}

std::string ForeignKeyName(std::string_view table, const std::vector<std::string>& columns) {
  return fmt::format("{}_{}_fkey", table, JoinNames(columns));
}

std::string CheckName(std::string_view table, int n) { return fmt::format("{}_chk_{}", table, n); }

bool IsDerivedForeignKeyName(const schema::Table& table, const schema::ForeignKey& fk) {
  const std::string base = ForeignKeyName(table.name, fk.columns);
  if (fk.name != base) return false;
  return std::count_if(table.foreign_keys.begin(), table.foreign_keys.end(),
                       [&](const schema::ForeignKey& other) {
                         return ForeignKeyName(table.name, other.columns) == base;
                       }) <= 1;
}

}  // namespace strata::dialect::sqlite
