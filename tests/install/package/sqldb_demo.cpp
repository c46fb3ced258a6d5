#include <cstdio>
#include <strata/sqldb.hpp>

// The migrations are embedded (strata_embed_migrations): the folder named here does not exist.
strata::sqldb::Database& demo_db =
    strata::sqldb::NewDatabase("demo", {.migrations = "/nonexistent/demo-migrations"});

int main() {
  const strata::sqldb::OpenReport& report = demo_db.Open();
  auto conn = demo_db.Driver().Acquire();
  strata::Rows r = conn->Query("SELECT name FROM users WHERE id = 1");
  std::printf("sqldb: applied %zu, user %s\n", report.applied.size(),
              r.rows.at(0).at(0).value().c_str());
}
