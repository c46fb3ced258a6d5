// Reading schemas: inspecting a live database, loading a desired state from a source, and the dev
// ("shadow") database that normalizes SQL through the server itself.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "strata/driver.hpp"
#include "strata/migrate/dir.hpp"
#include "strata/schema.hpp"

namespace strata::migrate {

// Inspects the schemas in the connection's scope: the URL's search_path schema if it has one, else
// every non-system schema (PostgreSQL); the main database (SQLite). The migration tracking tables
// (strata_schema_revisions, and golang-migrate's schema_migrations) are left out: like Atlas's
// revisions table, they belong to the tools, not to the schema being managed.
schema::Realm Inspect(Conn& conn);

// Runs a SQL script: on PostgreSQL inside a transaction in one request, else statement by
// statement. A failure throws SqlError whose message names `source_name`, the line, the statement
// and the server's message.
void ExecScript(Conn& conn, std::string_view script, std::string_view source_name);

// Drops every object in the connection's scope (schemas other than public and the scope itself
// are dropped; public or the scope schema is emptied).
void Clean(Conn& conn);

// Throws InputError when the connection's scope holds any object, listing what it found: a dev
// database must be clean so that what is inspected there is exactly the desired state.
void RequireClean(Conn& conn, std::string_view role);

// What a realm holds, for "not clean" messages: `table "public"."users", type "public"."mood", …`,
// ten objects at most, then "and N more"; empty when it holds nothing. Schemas other than public or
// main count with `count_schemas` when the realm is not scoped; extensions count only with
// `count_extensions`.
std::string ListObjects(const schema::Realm& realm, bool count_schemas, bool count_extensions);

// Loads the desired (or current) state a source describes:
//   postgres://… / sqlite://…   a live database, inspected as it is;
//   file://path.sql             a SQL file executed on `dev`, then inspected;
//   file://dir                  a migration directory in one of the five formats (DetectDirFormat)
//                               replayed on `dev` (its strata.sum verified when it has one), or
//                               else a folder of .sql files executed in name order;
//   <scheme>://location         a scheme registered with RegisterScriptSource (ent://dir once
//                               strata::ent::RegisterSources() ran): its script executed on `dev`.
// The dev database must be clean and is left clean (see LoadDir). `dev` may be null for database
// sources; for the others a missing dev database is an InputError.
schema::Realm LoadState(std::string_view source, Conn* dev);

// A source scheme served by a layer above this one: turns the part of the source after
// "<scheme>://" into the desired state as a SQL script for `dialect` (the dev database's), which
// LoadState executes on the dev database and inspects like a file:// source. Throws InputError
// for bad input.
using ScriptSource = std::function<std::string(std::string_view location, Dialect dialect)>;
// Registers (or replaces) the handler of `scheme` ("ent"). Not thread-safe: call at start-up.
void RegisterScriptSource(std::string scheme, ScriptSource source);

// Gives the unscoped PostgreSQL URLs among `sources` the search_path of the first scoped one, so
// that every side of one comparison (the sources, and the dev database that normalizes file
// sources) is inspected with the same scope. A scoped inspection leaves the names of its schema
// unqualified where a whole-database one qualifies them (`mood` and `public.mood`,
// `nextval('s'::regclass)` and `nextval('public.s'::regclass)`), and Diff compares only that
// schema anyway. Other sources (SQLite, file://, empty) are left as they are.
void AlignScopes(std::initializer_list<std::string*> sources);

// Executes the up parts of `dir` on `dev` in version order: every migration, or those up to and
// including version `until`. A failure throws SqlError naming the file, its line and the
// statement. What the files create stays in place: LoadDir is the replay that cleans up.
void Replay(Conn& dev, const Dir& dir, std::string_view until = {});

// True when `dir` cannot be replayed inside one transaction: a part must run outside one
// (Migration::no_tx, down_no_tx), controls transactions itself (BEGIN … COMMIT in the file), or
// adds a value to an enum type (ALTER TYPE … ADD VALUE) that a later file may use, which
// PostgreSQL allows only once the transaction that added it has committed.
bool NeedsNoTx(const Dir& dir);

// The state `dir` describes: its up parts replayed on the clean dev database `dev`, then
// inspected. `dev` is left clean, also on failure: the replay runs in a transaction that is
// rolled back, or, when a file must run outside one, `dev` is emptied with Clean afterwards.
schema::Realm LoadDir(Conn& dev, const Dir& dir);

}  // namespace strata::migrate
