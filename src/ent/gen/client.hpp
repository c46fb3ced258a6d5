// `strata generate`: the typed client of an entity graph, as plain C++ files.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ent/graph/graph.hpp"

namespace strata::ent {

struct GenerateOptions {
  std::string ns = "ent";  // the namespace of the generated code
  // How the generated headers include each other and strata's: "<dir>/client.hpp" style paths
  // are not needed, the files include their neighbours by name.
};

// The files of the client for `graph`, by name relative to the output folder: client.hpp (the one
// header users include), client.cpp, entities.hpp, and per entity <lower name>.hpp and .cpp. The
// same graph always gives byte-identical files.
std::map<std::string, std::string> GenerateClient(const Graph& graph,
                                                  const GenerateOptions& options);

// Formats `files` with clang-format (Google style, 100 columns), found as $STRATA_CLANG_FORMAT,
// clang-format or clang-format-14 on the PATH. Returns false, leaving the files as emitted (valid
// and deterministic, but not wrapped as clang-format would), when none is found. Throws Error when
// clang-format fails.
bool FormatGenerated(std::map<std::string, std::string>& files);

// The manifest strata keeps in the output folder: every file it wrote, one per line.
inline constexpr const char* kManifest = ".strata-generated";

// Writes `files` into `dir`: a file whose content is unchanged is not rewritten (its time stays,
// so builds do not recompile it), files the previous manifest lists that are no longer generated
// are deleted, and nothing else in `dir` is touched. A file strata does not own (absent from the
// manifest) that would be overwritten is an InputError, before anything is written. Returns the
// names written or deleted.
std::vector<std::string> WriteGenerated(const std::filesystem::path& dir,
                                        const std::map<std::string, std::string>& files);

}  // namespace strata::ent
