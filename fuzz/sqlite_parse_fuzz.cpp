// Fuzzes the readers of SQLite's CREATE TABLE and CREATE INDEX text, and the helpers the inspector
// and planner apply to what they return. The parsers are documented for text SQLite accepted, but
// sqlite_schema may hold anything a writable schema was given, so no input may make them read
// out of bounds, loop or hit undefined behaviour; their results are not checked.
#include <cstdint>
#include <string>
#include <string_view>

#include "dialect/sqlite/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace sqlite = strata::dialect::sqlite;
  const std::string_view sql(reinterpret_cast<const char*>(data), size);

  const sqlite::ParsedTable table = sqlite::ParseCreateTable(sql);
  for (const sqlite::ParsedColumn& column : table.columns)
    sqlite::StripOuterParens(column.generated);
  if (!table.columns.empty()) sqlite::MentionsColumn(sql, table.columns.front().name);
  for (const sqlite::ParsedUnique& unique : table.uniques) sqlite::UniqueName("t", unique.columns);
  for (const sqlite::ParsedForeignKey& fk : table.foreign_keys)
    sqlite::ForeignKeyName("t", fk.columns);
  for (const sqlite::ParsedCheck& check : table.checks) sqlite::StripOuterParens(check.expr);

  const sqlite::ParsedIndex index = sqlite::ParseCreateIndex(sql);
  for (const std::string& part : index.parts) sqlite::StripOuterParens(part);
  sqlite::StripOuterParens(index.where);
  sqlite::StripOuterParens(sql);
  return 0;
}
