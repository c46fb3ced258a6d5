// ent:// sources (see strata/ent/source.hpp).
#include "strata/ent/source.hpp"

#include <filesystem>

#include "ent/graph/graph.hpp"
#include "ent/load/load.hpp"
#include "strata/migrate/state.hpp"

namespace strata::ent {

void RegisterSources() {
  migrate::RegisterScriptSource("ent", [](std::string_view location, Dialect dialect) {
    return ToSql(BuildGraph(LoadSchemas(std::filesystem::path(location))), dialect);
  });
}

}  // namespace strata::ent
