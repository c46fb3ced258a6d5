// Finding what a schema program is built with: the compiler, strata's headers and the
// strata_ent_schema library, and the cache folder.
#include <unistd.h>

#include <cstdlib>
#include <system_error>

#include "ent/load/internal.hpp"
#include "ent/load/load.hpp"

// Baked in by CMakeLists.txt; the fallbacks keep the file compiling on its own (e.g. for tools).
#ifndef STRATA_ENT_CXX
#define STRATA_ENT_CXX "c++"
#endif
#ifndef STRATA_ENT_BUILD_INCLUDE_DIR
#define STRATA_ENT_BUILD_INCLUDE_DIR ""
#endif
#ifndef STRATA_ENT_BUILD_LIBRARY
#define STRATA_ENT_BUILD_LIBRARY ""
#endif
#ifndef STRATA_ENT_INSTALL_INCLUDEDIR
#define STRATA_ENT_INSTALL_INCLUDEDIR "include"
#endif
#ifndef STRATA_ENT_INSTALL_LIBDIR
#define STRATA_ENT_INSTALL_LIBDIR "lib"
#endif
#ifndef STRATA_ENT_INSTALL_PREFIX
#define STRATA_ENT_INSTALL_PREFIX "/usr/local"
#endif

namespace strata::ent {

namespace fs = std::filesystem;

namespace {

constexpr const char* kLibraryName = "libstrata_ent_schema.a";

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

bool IsFile(const fs::path& p) {
  std::error_code ec;
  return !p.empty() && fs::is_regular_file(p, ec);
}

bool HasHeaders(const fs::path& include_dir) {
  return IsFile(include_dir / "strata" / "ent" / "schema.hpp");
}

std::vector<std::string> SplitWords(const std::string& s) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < s.size()) {
    const size_t begin = s.find_first_not_of(" \t", i);
    if (begin == std::string::npos) break;
    size_t end = s.find_first_of(" \t", begin);
    if (end == std::string::npos) end = s.size();
    words.push_back(s.substr(begin, end - begin));
    i = end;
  }
  return words;
}

}  // namespace

namespace load {

std::optional<fs::path> FindProgram(const std::string& word) {
  if (word.empty()) return std::nullopt;
  if (word.find('/') != std::string::npos) {
    if (access(word.c_str(), X_OK) == 0 && IsFile(word)) return fs::absolute(word);
    return std::nullopt;
  }
  const std::string path = Env("PATH");
  size_t begin = 0;
  while (begin <= path.size()) {
    size_t end = path.find(':', begin);
    if (end == std::string::npos) end = path.size();
    // An empty PATH entry means the current folder.
    const fs::path dir = end == begin ? fs::path(".") : fs::path(path.substr(begin, end - begin));
    const fs::path candidate = dir / word;
    if (access(candidate.c_str(), X_OK) == 0 && IsFile(candidate)) return fs::absolute(candidate);
    begin = end + 1;
  }
  return std::nullopt;
}

Compiler ResolveCompiler(const std::string& option) {
  std::string command = option;
  std::string origin = "the compiler option";
  if (command.empty()) {
    command = Env("CXX");
    origin = "$CXX";
  }
  if (command.find_first_not_of(" \t") == std::string::npos) {
    command = STRATA_ENT_CXX;
    origin = "the compiler strata was built with";
  }
  // A path with spaces in it is taken whole; otherwise the words are a wrapper, the compiler and
  // arguments.
  std::vector<std::string> argv =
      IsFile(command) ? std::vector<std::string>{command} : SplitWords(command);
  const std::optional<fs::path> program = FindProgram(argv.at(0));
  if (!program) {
    throw InputError("cannot find the C++ compiler `" + argv[0] + "` (" + origin +
                     ") to build the entity schemas with: install g++ or clang++, or set CXX to "
                     "a C++20 compiler");
  }
  argv[0] = program->string();
  return {std::move(argv), origin + " `" + command + "`"};
}

}  // namespace load

EntToolchain FindEntToolchain(const fs::path& exe) {
  const fs::path env_include = Env("STRATA_ENT_INCLUDE_DIR");
  const fs::path env_library = Env("STRATA_ENT_LIB");
  std::vector<EntToolchain> candidates;
  // An installed strata: <prefix>/bin/strata.
  const fs::path prefix = exe.parent_path().parent_path();
  for (const char* libdir : {STRATA_ENT_INSTALL_LIBDIR, "lib", "lib64"}) {
    candidates.push_back({prefix / STRATA_ENT_INSTALL_INCLUDEDIR, prefix / libdir / kLibraryName});
  }
  // Running from the build tree (the command, the tests, a program linking strata).
  candidates.push_back({STRATA_ENT_BUILD_INCLUDE_DIR, STRATA_ENT_BUILD_LIBRARY});
  // Installed where it was configured to go, used by another program.
  const fs::path configured = STRATA_ENT_INSTALL_PREFIX;
  candidates.push_back({configured / STRATA_ENT_INSTALL_INCLUDEDIR,
                        configured / STRATA_ENT_INSTALL_LIBDIR / kLibraryName});

  std::string looked;
  for (EntToolchain& c : candidates) {
    if (!env_include.empty()) c.include_dir = env_include;
    if (!env_library.empty()) c.library = env_library;
    if (HasHeaders(c.include_dir) && IsFile(c.library)) return c;
    looked +=
        "\n  " + (c.include_dir / "strata/ent/schema.hpp").string() + " and " + c.library.string();
  }
  throw InputError(
      "cannot find strata's entity schema headers and library (strata/ent/schema.hpp, " +
      std::string(kLibraryName) + ") next to " + exe.string() + "; looked for:" + looked +
      "\nreinstall strata (cmake --install), or set STRATA_ENT_INCLUDE_DIR and STRATA_ENT_LIB");
}

fs::path RunningExecutable() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe;
}

fs::path DefaultCacheDir() {
  if (std::string dir = Env("STRATA_CACHE_DIR"); !dir.empty()) return dir;
  if (std::string dir = Env("XDG_CACHE_HOME"); !dir.empty()) return fs::path(dir) / "strata";
  if (std::string home = Env("HOME"); !home.empty()) return fs::path(home) / ".cache" / "strata";
  return {};
}

}  // namespace strata::ent
