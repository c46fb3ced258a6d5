// Whole-file reads, atomic writes and line trimming for the migration-directory code.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace strata::migrate {

// Throws InputError naming the file and the system's reason.
std::string ReadFile(const std::filesystem::path& path);

// Writes `content` to a temporary file next to `path` (".<name>.tmp"), then renames it over
// `path`, so readers see the old file or the new one, never a part. Throws Error on failure.
void WriteFileAtomically(const std::filesystem::path& path, std::string_view content);

// `s` without leading and trailing spaces, tabs and carriage returns.
std::string_view Trim(std::string_view s);

}  // namespace strata::migrate
