// Opening a connection of each dialect from a parsed URL, for Connect: each is defined in its
// dialect's folder (src/driver/postgres, src/driver/sqlite), so that Connect needs neither's
// headers.
#pragma once

#include <memory>

#include "strata/driver.hpp"

namespace strata::driver {

namespace postgres {
std::unique_ptr<Conn> Open(const Url& url);
}  // namespace postgres

namespace sqlite {
std::unique_ptr<Conn> Open(const Url& url);
}  // namespace sqlite

}  // namespace strata::driver
