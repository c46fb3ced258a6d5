// The dialect of a connection or URL, by its Dialect (see dialect.hpp).
#include "dialect/dialect.hpp"

namespace strata::dialect {

const DialectImpl& Get(Dialect d) { return d == Dialect::kPostgres ? Postgres() : Sqlite(); }

}  // namespace strata::dialect
