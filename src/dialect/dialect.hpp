// The dialect boundary: everything that differs between PostgreSQL and SQLite above the connection
// (src/driver) sits behind this interface, one implementation per folder (src/dialect/postgres,
// src/dialect/sqlite).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strata/driver.hpp"
#include "strata/migrate/changes.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/schema.hpp"

namespace strata::dialect {

class DialectImpl {
 public:
  virtual ~DialectImpl() = default;

  // See migrate::Inspect. Must use a number of round trips that does not depend on the number of
  // tables.
  virtual schema::Realm Inspect(Conn& conn) const = 0;

  // Runs a script statement by statement, mapping a failure to the source's line (see
  // migrate::ExecScript).
  virtual void ExecScript(Conn& conn, std::string_view script,
                          std::string_view source_name) const = 0;

  // Statements that drop every object of `realm` (as inspected from the connection's scope).
  virtual void Clean(Conn& conn) const = 0;

  virtual migrate::Plan PlanChanges(const std::vector<migrate::Change>& changes,
                                    const migrate::PlanOptions& options) const = 0;

  virtual migrate::DiffOptions diff_options() const = 0;
};

const DialectImpl& Get(Dialect dialect);

// Defined in each dialect folder.
const DialectImpl& Postgres();
const DialectImpl& Sqlite();

}  // namespace strata::dialect
