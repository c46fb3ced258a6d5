// Opens one declared database and says what Open did: the program sqldb_test starts 8 times at
// once against one database. Usage: sqldb_open_once NAME MIGRATIONS_DIR [advisory|table]
#include <cstdio>

#include "strata/sqldb.hpp"

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: %s NAME MIGRATIONS_DIR [advisory|table]\n", argv[0]);
    return 2;
  }
  try {
    strata::sqldb::Database& db = strata::sqldb::NewDatabase(
        argv[1],
        {.migrations = argv[2],
         .lock_strategy = strata::migrate::ParseLockStrategy(argc == 4 ? argv[3] : "advisory")});
    const strata::sqldb::OpenReport& report = db.Open();
    std::printf("applied %zu\n", report.applied.size());
    return 0;
  } catch (const strata::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
