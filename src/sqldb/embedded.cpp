// Migration files compiled into the program (strata_embed_migrations writes the calls to
// RegisterEmbeddedMigrations), kept per database name until a Database opens.
#include <fmt/format.h>

#include <map>
#include <mutex>

#include "sqldb/runtime.hpp"
#include "strata/error.hpp"
#include "strata/sqldb.hpp"

namespace strata::sqldb {
namespace {

struct Embedded {
  std::mutex mutex;
  // Every registration per database: more than one is a build mistake reported at use.
  std::map<std::string, std::vector<std::pair<const EmbeddedFile*, std::size_t>>, std::less<>>
      files;
};

// A function-local static: registrations run during static initialisation, in any order.
Embedded& GetEmbedded() {
  static Embedded embedded;
  return embedded;
}

}  // namespace

bool RegisterEmbeddedMigrations(std::string_view database, const EmbeddedFile* files,
                                std::size_t count) {
  Embedded& embedded = GetEmbedded();
  std::lock_guard lock(embedded.mutex);
  embedded.files[std::string(database)].emplace_back(files, count);
  return true;
}

std::optional<std::vector<std::pair<std::string, std::string>>> EmbeddedFiles(
    std::string_view database) {
  Embedded& embedded = GetEmbedded();
  std::lock_guard lock(embedded.mutex);
  const auto it = embedded.files.find(database);
  if (it == embedded.files.end()) return std::nullopt;
  if (it->second.size() > 1) {
    throw InputError(fmt::format(
        "the migrations of database \"{}\" are embedded {} times into this program: call "
        "strata_embed_migrations(… DATABASE {} …) for one target of the program only",
        database, it->second.size(), database));
  }
  const auto& [files, count] = it->second.front();
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    out.emplace_back(files[i].name, std::string(files[i].data, files[i].size));
  }
  return out;
}

}  // namespace strata::sqldb
