// The SQLite dialect: inspector (inspect.cpp), planner with table rebuilds (plan.cpp) and the rest
// (sqlite.cpp), on the connection of src/driver/sqlite. Internal to src/dialect/sqlite.
#pragma once

#include "dialect/dialect.hpp"

namespace strata::dialect::sqlite {

class SqliteDialect final : public DialectImpl {
 public:
  schema::Realm Inspect(Conn& conn) const override;
  void ExecScript(Conn& conn, std::string_view script, std::string_view source_name) const override;
  void Clean(Conn& conn) const override;
  migrate::Plan PlanChanges(const std::vector<migrate::Change>& changes,
                            const migrate::PlanOptions& options) const override;
  migrate::DiffOptions diff_options() const override;
};

}  // namespace strata::dialect::sqlite
