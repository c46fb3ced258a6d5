// Migration directories for the executor tests (see migration_files.hpp).
#include "support/migration_files.hpp"

#include <fstream>

namespace strata::testing {

migrate::Dir WriteMigrations(const std::filesystem::path& dir, const Files& files,
                             migrate::DirFormat format) {
  std::filesystem::create_directories(dir);
  for (const auto& [name, text] : files) std::ofstream(dir / name, std::ios::binary) << text;
  migrate::Dir::Open(dir, format).WriteSum();
  return migrate::Dir::Open(dir, format);
}

migrate::Dir RemoveMigrationFile(const std::filesystem::path& dir, const std::string& name,
                                 migrate::DirFormat format) {
  std::filesystem::remove(dir / name);
  migrate::Dir::Open(dir, format).WriteSum();
  return migrate::Dir::Open(dir, format);
}

std::string QueryValue(Conn& conn, const std::string& sql) {
  const Rows rows = conn.Query(sql);
  if (rows.rows.empty() || rows.rows[0].empty() || !rows.rows[0][0]) return {};
  return *rows.rows[0][0];
}

bool TableExists(Conn& conn, const std::string& table) {
  if (conn.dialect() == Dialect::kPostgres) {
    return QueryValue(conn, "SELECT to_regclass(" + QuoteLiteral(table) + ") IS NOT NULL") == "t";
  }
  return QueryValue(conn, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = " +
                              QuoteLiteral(table)) == "1";
}

}  // namespace strata::testing
