// Internals of the PostgreSQL dialect: the pieces the DialectImpl in postgres.cpp is assembled from
// (inspector, planner, cleaner), on the libpq connection of src/driver/postgres.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "driver/postgres/conn.hpp"
#include "strata/driver.hpp"
#include "strata/migrate/changes.hpp"
#include "strata/migrate/plan.hpp"
#include "strata/schema.hpp"

namespace strata::dialect::postgres {

// See DialectImpl::Inspect. One round trip whatever the number of objects.
schema::Realm Inspect(driver::postgres::PgConn& conn);

// See DialectImpl::ExecScript.
void ExecScript(Conn& conn, std::string_view script, std::string_view source_name);

// See DialectImpl::Clean. Two round trips whatever the number of objects.
void Clean(driver::postgres::PgConn& conn);

// See DialectImpl::PlanChanges.
migrate::Plan PlanChanges(const std::vector<migrate::Change>& changes,
                          const migrate::PlanOptions& options);

// The name PostgreSQL gives implicit objects (a serial column's sequence: MakeObjectName(table,
// column, "seq")), truncated as the server truncates it to fit in 63 bytes.
std::string MakeObjectName(std::string_view name1, std::string_view name2, std::string_view label);

}  // namespace strata::dialect::postgres
