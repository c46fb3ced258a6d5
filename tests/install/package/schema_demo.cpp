#include <cstdio>
#include <strata/ent/descriptor.hpp>

int main() {
  for (const strata::ent::SchemaDescriptor& s : strata::ent::RegisteredSchemas()) {
    std::printf("schema: %s", s.name.c_str());
    for (const strata::ent::FieldDescriptor& f : s.fields) std::printf(" %s", f.name.c_str());
    std::printf("\n");
  }
}
