// A program whose migrations are compiled in (strata_embed_migrations in tests/sqldb): it
// declares a migrations folder that does not exist, so opening works only from the embedded
// files. Prints what Open applied and the row the second file inserts.
#include <cstdio>

#include "strata/sqldb.hpp"

namespace {
strata::sqldb::Database& embedded_db = strata::sqldb::NewDatabase(
    "embedded_db", {.migrations = "/nonexistent/strata-embedded-migrations"});
}

int main() {
  try {
    const strata::sqldb::OpenReport& report = embedded_db.Open();
    std::printf("applied %zu, at version %s\n", report.applied.size(), report.to_version.c_str());
    strata::DB::Lease conn = embedded_db.Driver().Acquire();
    const strata::Rows rows = conn->Query("SELECT name FROM users WHERE id = 1");
    std::printf("user 1: %s\n", rows.rows.empty() ? "none" : rows.rows[0][0].value_or("").c_str());
    return 0;
  } catch (const strata::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
