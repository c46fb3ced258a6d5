// Usage: app URL — the database must hold the schema's tables (the test applies them with the
// installed strata).
#include <cstdio>

#include "ent/client.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  ent::Client client(strata::Open(argv[1]));
  auto u = client.User.Create().SetName("a").Save();
  client.Pet.Create().SetName("pedro").SetOwner(u).Save();
  for (const ent::User& user : client.User.Query().WithPets().All()) {
    std::printf("user %s, %zu pets\n", user.name.c_str(), user.edges.pets->size());
  }
}
