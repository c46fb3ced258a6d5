// The loader's parts, declared for each other and for the tests: running programs, finding the
// compiler, cleaning up compiler output, and the result cache.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::ent::load {

// ---- Processes (process.cpp) ----------------------------------------------------------------

// How a program ended: its exit code, or the signal that killed it.
struct ExitStatus {
  int code = 0;
  int signal = 0;  // non-zero: killed by this signal, `code` meaningless
  bool ok() const { return signal == 0 && code == 0; }
};

// Starts `argv` (argv[0] a path; no shell, no PATH search) with stdin from /dev/null and stdout and
// stderr written to the files given (created or truncated; the same path: both into one file), in
// strata's environment with `env` ("NAME=value") set on top. Throws Error when it cannot start.
pid_t Spawn(const std::vector<std::string>& argv, const std::filesystem::path& stdout_path,
            const std::filesystem::path& stderr_path, const std::vector<std::string>& env = {});

// Waits for `pid` (from Spawn) to end.
ExitStatus Wait(pid_t pid);

// "exit code 3" or "signal 11 (Segmentation fault)".
std::string Describe(const ExitStatus& status);

// ---- The compiler (toolchain.cpp) -----------------------------------------------------------

struct Compiler {
  std::vector<std::string> argv;  // argv[0] an absolute path
  std::string origin;             // where the command came from, for messages ("$CXX", …)
};

// The compiler command from `option` (LoadOptions::compiler), else $CXX, else the compiler strata
// was built with. Throws InputError when its program is not found.
Compiler ResolveCompiler(const std::string& option);

// `word` as a program path: itself when it has a '/', else the first executable on $PATH.
std::optional<std::filesystem::path> FindProgram(const std::string& word);

// ---- Compiler output (diagnostics.cpp) ------------------------------------------------------

// `text` (a compiler's stderr) with the loader's generated files out of sight, so each message
// starts with the user's file and line: include-stack lines naming a file in `build_dir` ("In
// file included from <build_dir>/unit0.cpp:3:", GCC's "                 from <build_dir>/…:3:")
// are dropped, as is a stack left naming only strata's headers under `include_dir` (the loader's
// main includes them before the user's files, and GCC reports macro expansions from them with
// that stack); any other mention of `build_dir/` is removed, and `*names_generated` (if given) set:
// a message about a generated file (clang reports a '}' missing at the end of an included file on
// the #include line).
std::string RewriteDiagnostics(std::string_view text, const std::filesystem::path& build_dir,
                               const std::filesystem::path& include_dir,
                               bool* names_generated = nullptr);

// The prerequisites listed in a make-style dependency file (what -MD writes), unescaped.
std::vector<std::string> ParseDepFile(std::string_view text);

// ---- The cache (cache.cpp) ------------------------------------------------------------------

// A file outside the schema folder that the schemas were compiled with, as it was then.
struct FileStamp {
  std::string path;
  std::uintmax_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

// `path`'s size and modification time; nullopt when it cannot be read.
std::optional<FileStamp> Stamp(const std::string& path);

struct CacheEntry {
  std::string key;  // hex digest of everything the result depends on but `deps`
  std::vector<FileStamp> deps;
  std::string json;  // the schema program's output
};

// The entry at `file` when it exists, is for `key`, and its dependencies are unchanged.
std::optional<std::string> CacheLookup(const std::filesystem::path& file, const std::string& key);

// Writes `entry` to `file` atomically (a uniquely named temporary file renamed over it), so
// concurrent loads each see a whole entry. Failures are ignored: the cache only saves time.
void CacheStore(const std::filesystem::path& file, const CacheEntry& entry);

}  // namespace strata::ent::load
