// Loading a folder of C++ entity schemas, the way ent loads Go schemas: strata compiles the
// folder's .cpp files together with a generated main against its own headers and the
// strata_ent_schema library, runs that program, and reads back the schemas it registers with
// STRATA_SCHEMA (as JSON on its stdout). Results are cached, so loading unchanged schemas again
// compiles nothing.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "strata/ent/descriptor.hpp"
#include "strata/error.hpp"

namespace strata::ent {

struct LoadOptions {
  // The compiler command: a path or a name looked up on PATH, optionally with a wrapper and
  // arguments ("ccache g++", "clang++ -stdlib=libstdc++"); split on spaces unless the whole string
  // names an existing file. Empty: $CXX, else the compiler strata was built with.
  std::string compiler;
  // Look results up in, and store them into, the cache (see DefaultCacheDir).
  bool use_cache = true;
  // The cache's base folder (entries live in its ent/ subfolder); empty: DefaultCacheDir().
  std::filesystem::path cache_dir;
  // How many translation units the schema files are compiled as, in parallel. 0: one per core.
  // More than the number of files: one per file (slow: every file pays for the headers).
  unsigned chunks = 0;
  // strata's headers (the folder holding strata/ent/schema.hpp) and libstrata_ent_schema.a;
  // either empty: found by FindEntToolchain(RunningExecutable()).
  std::filesystem::path include_dir;
  std::filesystem::path library;
};

struct LoadTimings {
  double compile_ms = 0;  // compiling and linking the schema program; 0 on a cache hit
  double run_ms = 0;      // running it; 0 on a cache hit
  double total_ms = 0;    // the whole call, cache look-up and JSON parsing included
  bool cache_hit = false;
  unsigned compiler_runs = 0;  // compiles and the link; 0 on a cache hit
};

// A schema folder failed to compile, link or run. what() names the folder and ends with
// `diagnostics`: the compiler's messages (naming the user's files and lines) or what the schema
// program wrote to stderr.
class SchemaLoadError : public InputError {
 public:
  SchemaLoadError(const std::string& message, std::string diagnostics)
      : InputError(message), diagnostics(std::move(diagnostics)) {}
  std::string diagnostics;
};

// Compiles the schema folder `dir` (its .cpp files, not those of subfolders) with a loader main,
// runs it and returns the schemas it registers, sorted by name; their locations name the files
// by absolute path. Nothing is written into `dir`; the build happens in a temporary folder that
// is removed afterwards. `timings`, when given, is filled in.
//
// Throws SchemaLoadError when the schemas do not compile, link, or describe themselves (a schema
// threw), and InputError when `dir` is not a folder, holds no .cpp file, registers no schema, or
// the compiler, headers or library cannot be found.
std::vector<SchemaDescriptor> LoadSchemas(const std::filesystem::path& dir,
                                          const LoadOptions& options = {},
                                          LoadTimings* timings = nullptr);

// What a schema program is compiled against.
struct EntToolchain {
  std::filesystem::path include_dir;  // holds strata/ent/schema.hpp
  std::filesystem::path library;      // libstrata_ent_schema.a
};

// The headers and library for a strata whose binary is `exe`, the first that exists of:
// $STRATA_ENT_INCLUDE_DIR and $STRATA_ENT_LIB (each overrides its half); the installed layout
// `<prefix>/bin/strata` with `<prefix>/include` and `<prefix>/<libdir>` (the configured libdir,
// lib or lib64); the source and build tree strata was built from; the configured install prefix.
// Throws InputError listing where it looked when none has both.
EntToolchain FindEntToolchain(const std::filesystem::path& exe);

// The running program (/proc/self/exe).
std::filesystem::path RunningExecutable();

// $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata, else $HOME/.cache/strata; empty when none is
// set (then nothing is cached).
std::filesystem::path DefaultCacheDir();

}  // namespace strata::ent
