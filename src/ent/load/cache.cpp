// The loader's result cache: one file per schema folder and toolchain, holding the key of the
// sources it was built from, the files outside the folder it was compiled with, and the JSON.
//
//   strata-ent-cache 1
//   <key>
//   <number of dependencies>
//   <size> <mtime in ns> <path>      (one line per dependency)
//   <the JSON, to the end of the file>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <system_error>

#include "ent/load/internal.hpp"

namespace strata::ent::load {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "strata-ent-cache 1\n";

// The next line of `text` from `at`, without its '\n'; nullopt at the end.
std::optional<std::string_view> NextLine(std::string_view text, size_t& at) {
  const size_t end = text.find('\n', at);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = text.substr(at, end - at);
  at = end + 1;
  return line;
}

template <class T>
bool ParseNumber(std::string_view s, T& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::optional<std::string> ReadWhole(const fs::path& file) {
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string data;
  struct stat st {};
  if (fstat(fd, &st) == 0) data.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) data.append(buf, static_cast<size_t>(n));
  close(fd);
  if (n < 0) return std::nullopt;
  return data;
}

}  // namespace

std::optional<FileStamp> Stamp(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileStamp{
      path, static_cast<std::uintmax_t>(st.st_size),
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

std::optional<std::string> CacheLookup(const fs::path& file, const std::string& key) {
  std::optional<std::string> data = ReadWhole(file);
  if (!data) return std::nullopt;
  const std::string_view text(*data);
  if (text.substr(0, kMagic.size()) != kMagic) return std::nullopt;
  size_t at = kMagic.size();
  const std::optional<std::string_view> stored_key = NextLine(text, at);
  if (!stored_key || *stored_key != key) return std::nullopt;
  const std::optional<std::string_view> count_line = NextLine(text, at);
  size_t count = 0;
  if (!count_line || !ParseNumber(*count_line, count)) return std::nullopt;
  for (size_t i = 0; i < count; ++i) {
    const std::optional<std::string_view> line = NextLine(text, at);
    if (!line) return std::nullopt;
    const size_t space1 = line->find(' ');
    const size_t space2 = line->find(' ', space1 + 1);
    if (space1 == std::string_view::npos || space2 == std::string_view::npos) return std::nullopt;
    FileStamp want;
    if (!ParseNumber(line->substr(0, space1), want.size) ||
        !ParseNumber(line->substr(space1 + 1, space2 - space1 - 1), want.mtime_ns)) {
      return std::nullopt;
    }
    want.path = std::string(line->substr(space2 + 1));
    const std::optional<FileStamp> now = Stamp(want.path);
    if (!now || *now != want) return std::nullopt;
  }
  return std::string(text.substr(at));
}

void CacheStore(const fs::path& file, const CacheEntry& entry) {
  std::string data(kMagic);
  data += entry.key + "\n" + std::to_string(entry.deps.size()) + "\n";
  for (const FileStamp& d : entry.deps) {
    if (d.path.find('\n') != std::string::npos) return;  // not representable: do not cache
    data += std::to_string(d.size) + " " + std::to_string(d.mtime_ns) + " " + d.path + "\n";
  }
  data += entry.json;

  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  // Unique per process and call, so concurrent writers never share a temporary file.
  static std::atomic<unsigned> counter{0};
  const fs::path temp =
      file.parent_path() /
      ("." + file.filename().string() + "." + std::to_string(getpid()) + "." +
       std::to_string(counter++) + "." +
       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ".tmp");
  std::FILE* out = std::fopen(temp.c_str(), "wb");
  if (out == nullptr) return;
  const bool written = std::fwrite(data.data(), 1, data.size(), out) == data.size();
  if (std::fclose(out) != 0 || !written) {
    fs::remove(temp, ec);
    return;
  }
  fs::rename(temp, file, ec);
  if (ec) fs::remove(temp, ec);
}

}  // namespace strata::ent::load
