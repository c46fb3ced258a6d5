// Reading schemas: inspecting a live database, loading a desired state from a source, and the dev
// ("shadow") database that normalizes SQL through the server itself.
#pragma once

#include <string>
#include <string_view>

#include "strata/driver.hpp"
#include "strata/schema.hpp"

namespace strata::migrate {

// Inspects the schemas in the connection's scope: the URL's search_path schema if it has one, else
// every non-system schema (PostgreSQL); the main database (SQLite).
schema::Realm Inspect(Conn& conn);

// Runs a SQL script statement by statement. A failure throws SqlError whose message names
// `source_name`, the line, the statement and the server's message.
void ExecScript(Conn& conn, std::string_view script, std::string_view source_name);

// Drops every object in the connection's scope (schemas other than public and the scope itself
// are dropped; public or the scope schema is emptied).
void Clean(Conn& conn);

// Throws InputError when the connection's scope holds any object, listing what it found: a dev
// database must be clean so that what is inspected there is exactly the desired state.
void RequireClean(Conn& conn, std::string_view role);

// Loads the desired (or current) state a source describes:
//   postgres://… / sqlite://…   a live database, inspected as it is;
//   file://path.sql             a SQL file (or a folder of .sql files, in name order) executed on
//                               `dev` inside a transaction that is rolled back, then inspected;
//   file://dir                  a migration directory (holding *.up.sql), replayed on `dev` likewise.
// `dev` may be null for database sources; for the others a missing dev database is an InputError.
schema::Realm LoadState(std::string_view source, Conn* dev);

}  // namespace strata::migrate
