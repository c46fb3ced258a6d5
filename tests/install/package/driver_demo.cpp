#include <cstdio>
#include <strata/driver.hpp>

int main() {
  auto db = strata::Connect("sqlite://:memory:");
  db->Exec("CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL)");
  db->Exec("INSERT INTO users (name) VALUES ('ada'), ('grace')");
  strata::Rows r =
      db->Query("SELECT count(*), group_concat(name, ',') FROM users WHERE id > ?1", {"0"});
  std::printf("driver: %s users: %s\n", r.rows.at(0).at(0).value().c_str(),
              r.rows.at(0).at(1).value().c_str());
}
