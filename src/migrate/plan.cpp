// Planning entry points: dispatch to the dialect's planner, and plans as scripts. Running them is
// ApplyStatements' (statements.cpp).
#include "strata/migrate/plan.hpp"

#include "dialect/dialect.hpp"
#include "strata/error.hpp"

namespace strata::migrate {

DiffOptions DiffOptionsFor(Dialect dialect) { return dialect::Get(dialect).diff_options(); }

std::vector<std::string> TableNames(const schema::Realm& a, const schema::Realm& b) {
  std::vector<std::string> names;
  for (const schema::Realm* realm : {&a, &b}) {
    for (const schema::Schema& s : realm->schemas) {
      for (const schema::Table& t : s.tables) names.push_back(t.name);
      for (const schema::View& v : s.views) names.push_back(v.name);
    }
  }
  return names;
}

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

std::string FormatScript(const std::vector<Statement>& statements) {
  std::string out;
  const std::string* last_comment = nullptr;
  for (const Statement& st : statements) {
    if (!st.comment.empty() && (last_comment == nullptr || *last_comment != st.comment)) {
      // A line break would end the comment and make the rest of it a statement: descriptions
      // escape what names hold (Describe), so one here is a bug, never something to write.
      if (st.comment.find_first_of("\r\n") != std::string::npos) {
        throw Error("internal error: a plan comment spans lines: " + st.comment.substr(0, 80));
      }
      out += "-- " + st.comment + "\n";
    }
    last_comment = &st.comment;
    out += st.sql + ";\n";
  }
  return out;
}

}  // namespace strata::migrate
