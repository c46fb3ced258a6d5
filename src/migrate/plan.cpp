// Planning entry points: dispatch to the dialect's planner.
#include "strata/migrate/plan.hpp"

#include "dialect/dialect.hpp"

namespace strata::migrate {

Plan PlanChanges(Dialect dialect, const std::vector<Change>& changes, const PlanOptions& options) {
  return dialect::Get(dialect).PlanChanges(changes, options);
}

std::vector<Statement> CreateStatements(Dialect dialect, const schema::Realm& realm,
                                        const PlanOptions& options) {
  schema::Realm empty;
  empty.scoped = realm.scoped;
  for (const auto& s : realm.schemas) {
    // A scoped realm's schema, and PostgreSQL's public schema, already exist on an empty target:
    // only their objects are created.
    if (realm.scoped || s.name == "public") empty.schemas.push_back(schema::Schema{.name = s.name});
  }
  return PlanChanges(dialect, Diff(empty, realm, dialect::Get(dialect).diff_options()), options)
      .statements;
}

}  // namespace strata::migrate
