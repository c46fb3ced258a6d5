// LoadSchemas: hash the schema folder, look the result up in the cache, else build the schema
// program in a temporary folder, run it and cache what it prints.
#include "ent/load/load.hpp"

#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

#include "ent/load/internal.hpp"
#include "ent/schema/json.hpp"
#include "migrate/sha256.hpp"

#ifndef STRATA_VERSION
#define STRATA_VERSION "unknown"
#endif

namespace strata::ent {

namespace fs = std::filesystem;
using load::Compiler;
using load::ExitStatus;
using load::FileStamp;
using Clock = std::chrono::steady_clock;

namespace {

// Bumped whenever the generated program, the flags or the cache entry change meaning.
constexpr std::string_view kCacheFormat = "strata-ent-load 1";
// -O0 without -g: the program runs once, so compile time is all that counts.
const std::vector<std::string> kCompileFlags = {"-std=c++20", "-O0"};
// What the link adds. A sanitized strata (CMake's STRATA_SANITIZE) has an instrumented
// libstrata_ent_schema.a, whose programs need the sanitizer runtimes: CMake then bakes in the flag
// that links them. The program's output does not depend on it, so the cache key leaves it out.
#ifdef STRATA_ENT_LINK_FLAG
const std::vector<std::string> kLinkFlags = {STRATA_ENT_LINK_FLAG};
#else
const std::vector<std::string> kLinkFlags;
#endif
// Rounds of splitting a failing unity chunk before compiling what is left of it file by file.
constexpr int kUnityRounds = 2;
// A dependency modified this close to (or after) the start of the build may have changed while
// it was compiled: the result is then not cached. File times lag the clock by a kernel tick.
constexpr std::int64_t kClockSlackNs = 20'000'000;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::int64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The cores this process may run on (its affinity mask: a container or taskset limits it).
unsigned Cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) {
    return static_cast<unsigned>(CPU_COUNT(&set));
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The whole of `file`; nullopt (errno set) when it cannot be read.
std::optional<std::string> TryRead(const fs::path& file) {
  std::string data;
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char buf[1 << 16];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) data.append(buf, static_cast<size_t>(n));
  const int read_errno = errno;
  close(fd);
  if (n < 0) {
    errno = read_errno;
    return std::nullopt;
  }
  return data;
}

// A file the build wrote: empty when missing (a compiler that died early).
std::string ReadText(const fs::path& file) { return TryRead(file).value_or(""); }

bool WriteText(const fs::path& file, std::string_view text) {
  std::FILE* out = std::fopen(file.c_str(), "wb");
  if (out == nullptr) return false;
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  return std::fclose(out) == 0 && written;
}

// Hashes length-prefixed strings, so no two lists of them hash alike.
class KeyHash {
 public:
  void Add(std::string_view s) {
    sha_.Update(std::to_string(s.size()));
    sha_.Update(":");
    sha_.Update(s);
  }
  void Add(const std::optional<FileStamp>& stamp) {
    if (!stamp) return Add("missing");
    Add(std::to_string(stamp->size) + " " + std::to_string(stamp->mtime_ns));
  }
  std::string Hex() const {
    const migrate::Sha256::Digest digest = sha_.Sum();
    return migrate::Hex(digest.data(), digest.size());
  }

 private:
  migrate::Sha256 sha_;
};

// One schema folder file, hashed into the key; the .cpp ones are compiled.
struct Source {
  fs::path path;  // absolute
  std::string content;
  std::optional<FileStamp> stamp;  // when it was read
};

// The folder's files, sorted by name. Hidden files are skipped (editors keep swap files there);
// one that a schema file includes is covered as a dependency instead.
std::vector<Source> ReadFolder(const fs::path& dir) {
  std::vector<Source> files;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    std::error_code type_ec;  // a dangling link is no file, not an error
    const std::string name = e.path().filename().string();
    if (StartsWith(name, ".") || !e.is_regular_file(type_ec)) continue;
    files.push_back({e.path(), "", std::nullopt});
  }
  if (ec) throw InputError("cannot read the schema folder " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const Source& a, const Source& b) { return a.path < b.path; });
  for (Source& f : files) {
    f.stamp = load::Stamp(f.path.string());
    std::optional<std::string> content = TryRead(f.path);
    if (!content) {
      throw InputError("cannot read " + f.path.string() + ": " + std::strerror(errno));
    }
    f.content = std::move(*content);
  }
  return files;
}

// A temporary folder, removed with everything in it.
class BuildDir {
 public:
  BuildDir() {
    std::string pattern = (fs::temp_directory_path() / "strata-ent-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw Error("cannot create a temporary folder in " + fs::temp_directory_path().string() +
                  " to build the entity schemas in: " + std::strerror(errno));
    }
    path_ = pattern;
  }
  ~BuildDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  BuildDir(const BuildDir&) = delete;
  BuildDir& operator=(const BuildDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// One translation unit of the schema program: a generated unity file including schema files by
// absolute path (and the loader's main), or a single schema file compiled as it is.
struct Unit {
  std::vector<const Source*> files;
  bool main = false;
  fs::path source, object, deps, log;
  ExitStatus status;
};

// Runs `commands` with at most `parallel` at a time; returns their exit statuses.
std::vector<ExitStatus> RunAll(const std::vector<std::vector<std::string>>& commands,
                               const std::vector<fs::path>& logs, unsigned parallel) {
  std::vector<ExitStatus> statuses(commands.size());
  std::vector<std::exception_ptr> errors(commands.size());
  std::mutex mu;
  size_t next = 0;
  auto work = [&] {
    for (;;) {
      size_t i;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (next == commands.size()) return;
        i = next++;
      }
      try {
        // The C locale keeps the compiler's include-stack lines in the words RewriteDiagnostics
        // knows.
        statuses[i] = load::Wait(load::Spawn(commands[i], logs[i], logs[i], {"LC_ALL=C"}));
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> threads;
  const size_t n = std::min<size_t>(std::max(parallel, 1u), commands.size());
  for (size_t t = 1; t < n; ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return statuses;
}

// A path that `#include "…"` can name (backslashes and single quotes are taken literally).
bool Includable(const fs::path& p) { return p.string().find_first_of("\"\n") == std::string::npos; }

// Builds the schema program and runs it.
class Builder {
 public:
  Builder(const std::string& origin, const EntToolchain& toolchain, Compiler compiler,
          unsigned parallel)
      : origin_(origin),
        toolchain_(toolchain),
        compiler_(std::move(compiler)),
        parallel_(parallel) {}

  // Compiles and links `files` (the folder's .cpp files) into the schema program, in
  // `chunks` unity files compiled in parallel; returns the dependencies of what was compiled
  // (every file the compiler read but the generated ones).
  std::vector<std::string> Compile(const std::vector<const Source*>& files, unsigned chunks);
  // Runs the program; returns its stdout.
  std::string Run();

  unsigned compiler_runs() const { return compiler_runs_; }

 private:
  Unit NewUnit(std::vector<const Source*> files, bool main);
  void CompileUnits(std::vector<Unit>& units);
  // The diagnostics of a failed unit as the user should see them.
  std::string Diagnostics(const Unit& u) const {
    return load::RewriteDiagnostics(ReadText(u.log), build_.path(), toolchain_.include_dir);
  }
  [[noreturn]] void ThrowCompileErrors(const std::string& diagnostics) const {
    throw SchemaLoadError(origin_ + ": the entity schemas do not compile (with " +
                              compiler_.origin + "):\n" + diagnostics,
                          diagnostics);
  }

  std::string origin_;
  EntToolchain toolchain_;
  Compiler compiler_;
  unsigned parallel_;
  BuildDir build_;
  unsigned next_unit_ = 0;
  unsigned compiler_runs_ = 0;
};

Unit Builder::NewUnit(std::vector<const Source*> files, bool main) {
  Unit u;
  const std::string stem = "unit" + std::to_string(next_unit_++);
  u.files = std::move(files);
  u.main = main;
  u.object = build_.path() / (stem + ".o");
  u.deps = build_.path() / (stem + ".d");
  u.log = build_.path() / (stem + ".log");
  if (u.files.size() == 1 && !main) {
    u.source = u.files[0]->path;
    return u;
  }
  // The main comes first: a schema file left open (a missing '}') cannot swallow it.
  std::string text = "// Generated by strata: schema files compiled as one translation unit.\n";
  if (main) {
    text +=
        "#include <strata/ent/descriptor.hpp>\n"
        "int main() { return strata::ent::detail::PrintRegisteredSchemas(); }\n";
  }
  for (const Source* f : u.files) text += "#include \"" + f->path.string() + "\"\n";
  u.source = build_.path() / (stem + ".cpp");
  if (!WriteText(u.source, text)) {
    throw Error("cannot write " + u.source.string() + ": " + std::strerror(errno));
  }
  return u;
}

void Builder::CompileUnits(std::vector<Unit>& units) {
  std::vector<std::vector<std::string>> commands;
  std::vector<fs::path> logs;
  for (const Unit& u : units) {
    std::vector<std::string> argv = compiler_.argv;
    argv.insert(argv.end(), kCompileFlags.begin(), kCompileFlags.end());
    argv.insert(argv.end(), {"-I" + toolchain_.include_dir.string(), "-MD", "-MF", u.deps.string(),
                             "-MT", "x", "-c", u.source.string(), "-o", u.object.string()});
    commands.push_back(std::move(argv));
    logs.push_back(u.log);
  }
  const std::vector<ExitStatus> statuses = RunAll(commands, logs, parallel_);
  compiler_runs_ += static_cast<unsigned>(units.size());
  for (size_t i = 0; i < units.size(); ++i) units[i].status = statuses[i];
}

// Unity builds can fail where the files compile on their own: two files define the same
// file-local helper or macro, or one's `using` makes another's names ambiguous. The user's valid
// code must still load, so a failed chunk is taken apart:
//  - the files its diagnostics name are compiled on their own, in chunk order, `parallel_` at a
//    time. A file that fails on its own is the user's error, reported with its own diagnostics
//    (free of unity noise; errors only cascade forward, so the culprit comes first). The first
//    batch with a failure ends the chunk's tries, and the build fails.
//  - if they all compile, the failure came from putting files together: they keep their own
//    objects and the rest of the chunk is compiled again as a unity chunk; after kUnityRounds
//    such rounds, the rest is compiled file by file.
// A unit of one schema file (with or without the main) needs no such test: its rewritten
// diagnostics are reported as they are, unless they still point into the generated file (then the
// file is compiled on its own for its own diagnostics). Files that only compile because an earlier
// file of their chunk included what they use can fail when taken apart; they need their own
// #includes anyway.
std::vector<std::string> Builder::Compile(const std::vector<const Source*>& files,
                                          unsigned chunks) {
  std::vector<Unit> pending;
  std::vector<const Source*> unity;
  for (const Source* f : files) {
    if (Includable(f->path)) {
      unity.push_back(f);
    } else {
      pending.push_back(NewUnit({f}, false));
    }
  }
  // Contiguous runs of files of about equal size; the main goes with the first.
  chunks = std::clamp<unsigned>(chunks, 1, std::max<size_t>(unity.size(), 1));
  size_t total = 0;
  for (const Source* f : unity) total += f->content.size() + 1;
  std::vector<std::vector<const Source*>> groups(chunks);
  size_t before = 0;
  for (const Source* f : unity) {
    const size_t weight = f->content.size() + 1;
    const size_t mid = before + weight / 2;
    groups[std::min<size_t>(chunks - 1, mid * chunks / total)].push_back(f);
    before += weight;
  }
  bool main = true;
  for (std::vector<const Source*>& g : groups) {
    if (g.empty()) continue;
    pending.push_back(NewUnit(std::move(g), main));
    main = false;
  }
  if (main) pending.push_back(NewUnit({}, true));

  std::vector<Unit> done;
  for (int round = 0; !pending.empty(); ++round) {
    CompileUnits(pending);
    std::vector<Unit> next;
    std::string errors;
    for (Unit& u : pending) {
      if (u.status.ok()) {
        done.push_back(std::move(u));
        continue;
      }
      if (u.files.empty()) {
        throw Error("the loader's main does not compile with " + compiler_.origin + " and " +
                    toolchain_.include_dir.string() + "; is strata installed correctly?\n" +
                    Diagnostics(u));
      }
      bool names_generated = false;
      const std::string log = ReadText(u.log);
      const std::string diagnostics =
          load::RewriteDiagnostics(log, build_.path(), toolchain_.include_dir, &names_generated);
      if (u.files.size() == 1 && !names_generated) {
        errors += diagnostics;
        continue;
      }
      // The files to try on their own, in chunk order: those the diagnostics name, or all of
      // them when none is named or the chunk keeps failing.
      std::vector<const Source*> alone;
      for (const Source* f : u.files) {
        if (round >= kUnityRounds || log.find(f->path.string() + ":") != std::string::npos) {
          alone.push_back(f);
        }
      }
      if (alone.empty()) alone = u.files;
      std::vector<const Source*> rest;
      for (const Source* f : u.files) {
        if (std::find(alone.begin(), alone.end(), f) == alone.end()) rest.push_back(f);
      }
      bool user_error = false;
      for (size_t at = 0; at < alone.size() && !user_error; at += parallel_) {
        std::vector<Unit> batch;
        for (size_t i = at; i < std::min(alone.size(), at + parallel_); ++i) {
          batch.push_back(NewUnit({alone[i]}, false));
        }
        CompileUnits(batch);
        for (Unit& b : batch) {
          if (b.status.ok()) {
            done.push_back(std::move(b));
          } else {
            errors += Diagnostics(b);
            user_error = true;
          }
        }
      }
      if (!rest.empty() || u.main) next.push_back(NewUnit(std::move(rest), u.main));
    }
    if (!errors.empty()) ThrowCompileErrors(errors);
    pending = std::move(next);
  }

  // Link.
  std::vector<std::string> argv = compiler_.argv;
  for (const Unit& u : done) argv.push_back(u.object.string());
  argv.insert(argv.end(),
              {toolchain_.library.string(), "-o", (build_.path() / "schemas").string()});
  argv.insert(argv.end(), kLinkFlags.begin(), kLinkFlags.end());
  const fs::path link_log = build_.path() / "link.log";
  const ExitStatus linked = RunAll({argv}, {link_log}, 1).at(0);
  ++compiler_runs_;
  if (!linked.ok()) {
    const std::string diagnostics =
        load::RewriteDiagnostics(ReadText(link_log), build_.path(), toolchain_.include_dir);
    throw SchemaLoadError(origin_ +
                              ": the entity schemas compile but do not link (a function defined "
                              "in two files, or declared and never defined?):\n" +
                              diagnostics,
                          diagnostics);
  }

  std::vector<std::string> deps;
  const std::string build_prefix = build_.path().string() + "/";
  for (const Unit& u : done) {
    for (std::string& d : load::ParseDepFile(ReadText(u.deps))) {
      if (!StartsWith(d, build_prefix)) deps.push_back(std::move(d));
    }
  }
  return deps;
}

std::string Builder::Run() {
  const fs::path out = build_.path() / "schemas.json";
  const fs::path err = build_.path() / "schemas.err";
  const ExitStatus status =
      load::Wait(load::Spawn({(build_.path() / "schemas").string()}, out, err));
  if (!status.ok()) {
    std::string stderr_text = ReadText(err);
    if (stderr_text.empty()) stderr_text = "(nothing on stderr)\n";
    const std::string what =
        status.signal != 0 ? "crashed (" + load::Describe(status) + ")" : "failed";
    throw SchemaLoadError(
        origin_ + ": the schema program " + what + " while describing the schemas:\n" + stderr_text,
        stderr_text);
  }
  return ReadText(out);
}

}  // namespace

std::vector<SchemaDescriptor> LoadSchemas(const fs::path& dir, const LoadOptions& options,
                                          LoadTimings* timings) {
  const Clock::time_point start = Clock::now();
  LoadTimings t;
  const std::string origin = dir.empty() ? "." : dir.string();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw InputError(origin + ": no such folder; an entity schema folder holds one .cpp file per " +
                     "schema (see strata/ent/schema.hpp)");
  }
  const fs::path abs_dir = fs::absolute(dir).lexically_normal();
  const std::vector<Source> files = ReadFolder(abs_dir);
  std::vector<const Source*> cpp;
  for (const Source& f : files) {
    if (f.path.extension() == ".cpp") cpp.push_back(&f);
  }
  if (cpp.empty()) {
    throw InputError(origin +
                     ": no .cpp files; an entity schema folder holds one .cpp file per schema "
                     "(class User : public strata::ent::Schema {…}; STRATA_SCHEMA(User);)");
  }

  EntToolchain toolchain{options.include_dir, options.library};
  if (toolchain.include_dir.empty() || toolchain.library.empty()) {
    const EntToolchain found = FindEntToolchain(RunningExecutable());
    if (toolchain.include_dir.empty()) toolchain.include_dir = found.include_dir;
    if (toolchain.library.empty()) toolchain.library = found.library;
  }
  Compiler compiler = load::ResolveCompiler(options.compiler);
  const unsigned cores = Cores();

  // The key: everything the program's output depends on but the files it includes from outside
  // the folder (checked on look-up from the stamps in the entry). The slot (the entry's file
  // name) leaves out the sources, so editing a schema replaces its folder's entry.
  KeyHash key;
  key.Add(kCacheFormat);
  key.Add(STRATA_VERSION);
  key.Add(abs_dir.string());
  for (size_t i = 0; i < compiler.argv.size(); ++i) {
    const std::string& word = compiler.argv[i];
    key.Add(word);
    if (i > 0 && StartsWith(word, "-")) continue;
    // The program and, behind a wrapper like ccache, the compiler: their files change when they
    // are upgraded (canonical: /usr/bin/c++ is a link switched by update-alternatives).
    if (const std::optional<fs::path> program = load::FindProgram(word)) {
      const fs::path real = fs::canonical(*program, ec);
      key.Add(real.string());
      key.Add(load::Stamp(real.string()));
    }
  }
  for (const std::string& flag : kCompileFlags) key.Add(flag);
  key.Add(toolchain.include_dir.string());
  key.Add(load::Stamp((toolchain.include_dir / "strata/ent/schema.hpp").string()));
  key.Add(load::Stamp((toolchain.include_dir / "strata/ent/descriptor.hpp").string()));
  key.Add(toolchain.library.string());
  key.Add(load::Stamp(toolchain.library.string()));
  const std::string slot = key.Hex().substr(0, 32);
  for (const Source& f : files) {
    key.Add(f.path.filename().string());
    key.Add(f.content);
  }
  const std::string full_key = key.Hex();

  fs::path cache_file;
  if (options.use_cache) {
    const fs::path base = options.cache_dir.empty() ? DefaultCacheDir() : options.cache_dir;
    if (!base.empty()) cache_file = base / "ent" / (slot + ".entry");
  }
  if (!cache_file.empty()) {
    if (std::optional<std::string> json = load::CacheLookup(cache_file, full_key)) {
      try {
        std::vector<SchemaDescriptor> schemas = SchemasFromJson(*json, cache_file.string());
        if (!schemas.empty()) {
          t.cache_hit = true;
          t.total_ms = MsSince(start);
          if (timings != nullptr) *timings = t;
          return schemas;
        }
      } catch (const InputError&) {
        // A damaged entry: build again and replace it.
      }
    }
  }

  const std::int64_t build_start_ns = NowNs();
  const Clock::time_point compile_start = Clock::now();
  Builder builder(origin, toolchain, std::move(compiler), cores);
  std::vector<std::string> deps = builder.Compile(cpp, options.chunks ? options.chunks : cores);
  t.compiler_runs = builder.compiler_runs();
  t.compile_ms = MsSince(compile_start);
  const Clock::time_point run_start = Clock::now();
  std::string json = builder.Run();
  t.run_ms = MsSince(run_start);

  std::vector<SchemaDescriptor> schemas;
  try {
    schemas = SchemasFromJson(json, origin + ": the schema program's output");
  } catch (const InputError& e) {
    throw InputError(std::string(e.what()) +
                     "\n(does a schema write to std::cout? the schema program's stdout must hold "
                     "only what strata prints)");
  }
  if (schemas.empty()) {
    throw InputError(origin +
                     ": the .cpp files register no schema; write STRATA_SCHEMA(Name) after each "
                     "schema class (see strata/ent/schema.hpp)");
  }

  if (!cache_file.empty()) {
    // Cached only when nothing the build read may have changed while it ran.
    bool unchanged = true;
    for (const Source& f : files) {
      if (load::Stamp(f.path.string()) != f.stamp) unchanged = false;
    }
    load::CacheEntry entry{full_key, {}, json};
    std::set<std::string> hashed;
    for (const Source& f : files) hashed.insert(f.path.string());
    std::set<std::string> seen;
    for (const std::string& d : deps) {
      const std::string normal = fs::path(d).lexically_normal().string();
      if (hashed.count(normal) != 0 || !seen.insert(normal).second) continue;
      std::optional<FileStamp> stamp = load::Stamp(normal);
      if (!stamp || stamp->mtime_ns >= build_start_ns - kClockSlackNs) {
        unchanged = false;
        break;
      }
      entry.deps.push_back(std::move(*stamp));
    }
    if (unchanged) load::CacheStore(cache_file, entry);
  }
  t.total_ms = MsSince(start);
  if (timings != nullptr) *timings = t;
  return schemas;
}

}  // namespace strata::ent
