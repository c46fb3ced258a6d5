#include <cstdio>
#include <strata/ent/descriptor.hpp>

#include "ent/client.hpp"

int main() {
  // What the generator wrote, and the schemas compiled into the program with it.
  for (const std::string& name : ent::EntityNames()) std::printf("generated: %s\n", name.c_str());
  for (const strata::ent::SchemaDescriptor& s : strata::ent::RegisteredSchemas())
    std::printf("registered: %s\n", s.name.c_str());
}
