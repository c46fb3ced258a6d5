// `strata describe`: what the loader saw, entity by entity, as tables a user can check.
#pragma once

#include <string>

#include "ent/graph/graph.hpp"

namespace strata::ent {

// Per entity (by name): its table, then a table of its fields (the id first), one of its edges
// (relation, inverse, the foreign-key column or join table) and one of its indexes, as ent
// describe prints them, with strata's column names added.
std::string DescribeGraph(const Graph& graph);

}  // namespace strata::ent
