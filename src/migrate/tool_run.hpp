// Running a migration file the way the tool of its directory's format does, so that `migrate diff`
// verifies what that tool will run (and the test suites apply directories as it would). How each
// tool sends a file, from its own source, is in docs/formats.md.
#pragma once

#include <string_view>

#include "strata/driver.hpp"
#include "strata/migrate/dir.hpp"

namespace strata::migrate {

// One part of a migration file, as read from a directory of `format`.
struct ToolPart {
  std::string_view sql;   // the part's text (for goose and dbmate: its section)
  std::string_view file;  // for messages: the file's path
  int first_line = 1;     // line of `file` where `sql` starts
  bool no_tx = false;  // the file's own marker (goose NO TRANSACTION, dbmate transaction:false…)
};

// Runs `part` on `conn` as the format's tool does:
//  - golang-migrate: the whole file in one request (PostgreSQL runs a request of several
//    statements as one implicit transaction); on SQLite the whole file inside BEGIN … COMMIT;
//  - dbmate: the whole section in one request, inside a transaction unless `transaction:false`;
//  - goose, flyway, atlas: statement by statement, inside a transaction unless the file's marker
//    says otherwise (flyway has none).
// With `nested` the caller holds a transaction open on `conn` (a dev-database replay that is rolled
// back): the tool's transaction becomes a savepoint, and what needs a commit of its own (using an
// enum value added earlier in the same transaction, CREATE INDEX CONCURRENTLY) fails as it would in
// one transaction; callers replay outside a transaction where the files need it.
// Throws Error naming the file, the line, the tool and the server's message; nothing of the part
// is left when it ran in a transaction or one request.
void RunAsTool(Conn& conn, DirFormat format, const ToolPart& part, bool nested);

}  // namespace strata::migrate
