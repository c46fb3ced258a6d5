#include <cstdio>
#include <strata/driver.hpp>
#include <strata/migrate/state.hpp>
#include <strata/schema.hpp>

int main() {
  auto db = strata::Connect("sqlite://:memory:");
  db->Exec("CREATE TABLE pets (id integer PRIMARY KEY, name text NOT NULL)");
  strata::schema::Realm realm = strata::migrate::Inspect(*db);
  for (const auto& schema : realm.schemas)
    for (const auto& table : schema.tables)
      std::printf("inspected: %s.%s (%zu columns)\n", schema.name.c_str(), table.name.c_str(),
                  table.columns.size());
}
