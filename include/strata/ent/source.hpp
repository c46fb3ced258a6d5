// ent:// sources: a folder of C++ entity schemas as a desired state, wherever strata takes one
// (`schema diff`, `schema apply`, `migrate diff`, `src` in strata.toml).
#pragma once

namespace strata::ent {

// Makes migrate::LoadState accept `ent://DIR`: DIR's schemas are loaded (compiled and run, or
// taken from the cache), checked as a whole, and turned into the tables ent makes, as a script
// for the dev database's dialect that LoadState executes there and inspects. The strata command
// calls it at start-up; a program using the library calls it once before loading such a source.
void RegisterSources();

}  // namespace strata::ent
