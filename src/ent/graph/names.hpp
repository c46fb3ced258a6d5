// ent's naming functions, re-implemented from their rules (go-openapi/inflect v0.19.0's default
// ruleset, ent's snake(), Atlas's symbol shortening) so that entity schemas get the table, column
// and constraint names ent v0.14 gives them. Internal to src/ent/graph.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace strata::ent {

// inflect's Pluralize: the first matching rule, most recently added first; suffix rules compare
// case-sensitively, so they only fire on the lower-case tail of a PascalCase name ("Person" →
// "Persons", "Salesperson" → "Salespeople"); uncountable words are found case-insensitively; with
// no rule, "s" is appended.
std::string Pluralize(std::string_view word);

// inflect's Singularize, by the same algorithm; with no rule, the word is returned unchanged.
std::string Singularize(std::string_view word);

// ent's snake(): an underscore goes before an upper-case letter (never the first or last byte)
// that follows a lower-case one, or that starts a word after an acronym ("HTTPCode" →
// "http_code"); digits are neither case ("IPv4Address" → "ipv4address"). Like ent it walks bytes:
// each byte of a non-ASCII character is taken for the Latin-1 character of that code and written
// back lower-cased in UTF-8, so such names come out as mangled as ent makes them.
std::string Snake(std::string_view name);

// snake(Pluralize(type)): the table ent gives an entity type without a table annotation.
std::string TableName(std::string_view type);

// The lower-case hexadecimal MD5 digest of `data`.
std::string Md5Hex(std::string_view data);

// Atlas's symbol(): a name longer than `limit` bytes becomes its first limit-33 bytes, "_" and
// the MD5 of the whole name, which is `limit` bytes. ent applies it to index and foreign-key names
// (limit 63 on PostgreSQL, 64 on SQLite), not to tables, columns or <table>_<column>_key indexes.
std::string ShortenName(std::string_view name, std::size_t limit);

}  // namespace strata::ent
