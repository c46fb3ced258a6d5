// Fuzzes migration directories, file names first, in every format. The input is a folder as text:
// a line `== <name>` starts a file of that name (text before the first is ignored), holding the
// lines up to the next. The files are written to a scratch folder, which is then read as each of
// the five formats. Dir::Open and DetectDirFormat may only fail with InputError; a folder that
// opens must hold its migrations in strictly ascending version order, each version and name taken
// from its file's name, and NextVersion must be greater than all of them; writing a migration
// with it must succeed, and the folder must then open with one migration more and match the
// strata.sum that Write rewrote.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/error.hpp"
#include "strata/migrate/dir.hpp"

namespace {

namespace fs = std::filesystem;
namespace migrate = strata::migrate;

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "dir_names_fuzz: %s\n", what);
  std::abort();
}

// The files the input describes. Names are made into single path components ('/' and NUL
// replaced, at most 200 bytes); ".", ".." and empty names are dropped.
std::vector<std::pair<std::string, std::string>> Files(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> files;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.starts_with("== ")) {
      std::string name(line.substr(3, 200));
      for (char& c : name) {
        if (c == '/' || c == '\0') c = '_';
      }
      files.emplace_back(std::move(name), "");
    } else if (!files.empty()) {
      files.back().second.append(line).push_back('\n');
    }
  }
  std::erase_if(files,
                [](const auto& f) { return f.first.empty() || f.first == "." || f.first == ".."; });
  return files;
}

// A scratch folder of this process under $TMPDIR (fuzz/run points it at a tmpfs folder when there
// is one: the file system is this target's bottleneck), removed at exit. Set up by
// LLVMFuzzerInitialize.
const fs::path* scratch = nullptr;

const fs::path& Scratch() { return *scratch; }

void Lay(const std::vector<std::pair<std::string, std::string>>& files) {
  fs::remove_all(Scratch());
  fs::create_directories(Scratch());
  for (const auto& [name, content] : files) {
    std::ofstream(Scratch() / name, std::ios::binary) << content;
  }
}

void CheckOrder(const migrate::Dir& dir) {
  const auto& migrations = dir.migrations();
  for (size_t i = 0; i < migrations.size(); ++i) {
    const migrate::Migration& m = migrations[i];
    Require(!m.version.empty() && !m.up_file.empty(), "a migration without version or up file");
    Require(migrate::CompareVersions(m.version, m.version) == 0, "a version differs from itself");
    if (i == 0) continue;
    const std::string& before = migrations[i - 1].version;
    Require(migrate::CompareVersions(before, m.version) < 0 &&
                migrate::CompareVersions(m.version, before) > 0,
            "migrations are not in strictly ascending version order");
  }
}

// Reads the scratch folder as `format`; returns whether it wrote to it (then it needs laying out
// again).
bool CheckFormat(migrate::DirFormat format) {
  migrate::Dir dir;
  try {
    dir = migrate::Dir::Open(Scratch(), format);
  } catch (const strata::InputError&) {
    return false;
  }
  CheckOrder(dir);
  dir.Files();
  dir.ComputeSum();
  // A fixed clock keeps runs reproducible: 2024-01-02 03:04:05 UTC.
  const auto now = std::chrono::system_clock::from_time_t(1704164645);
  for (const bool sequence : {false, true}) {
    const std::string next = dir.NextVersion(sequence, now);
    for (const migrate::Migration& m : dir.migrations()) {
      Require(migrate::CompareVersions(next, m.version) > 0,
              "NextVersion is not greater than every version");
    }
  }
  const std::string next = dir.NextVersion(true, now);
  const size_t count = dir.migrations().size();
  try {
    dir.Write(next, "fuzz", "SELECT 1;\n", "SELECT 2;\n");
  } catch (const strata::InputError&) {
    Require(false, "Write refuses the version NextVersion gave");
  }
  try {
    const migrate::Dir again = migrate::Dir::Open(Scratch(), format);
    Require(again.migrations().size() == count + 1, "Write did not add one migration");
    CheckOrder(again);
    again.VerifySum();
  } catch (const strata::InputError&) {
    Require(false, "a folder Write wrote to does not open or does not match its strata.sum");
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  scratch =
      new fs::path(fs::temp_directory_path() / ("strata-dir-fuzz-" + std::to_string(getpid())));
  std::atexit([] { fs::remove_all(Scratch()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto files = Files(std::string_view(reinterpret_cast<const char*>(data), size));
  if (files.size() > 16) return -1;  // not worth the file system's time: kept out of the corpus
  Lay(files);
  try {
    migrate::DetectDirFormat(Scratch());
  } catch (const strata::InputError&) {
  }
  for (const migrate::DirFormat format :
       {migrate::DirFormat::kGolangMigrate, migrate::DirFormat::kAtlas, migrate::DirFormat::kGoose,
        migrate::DirFormat::kFlyway, migrate::DirFormat::kDbmate}) {
    if (CheckFormat(format)) Lay(files);
  }
  return 0;
}
