// Fuzzes strata.toml reading (the environment `local`, as `--env local` reads it). ParseEnv may
// only fail with InputError, whatever the text, its encoding or its nesting.
#include <cstdint>
#include <string_view>

#include "cli/config.hpp"
#include "strata/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    strata::cli::ParseEnv(text, "strata.toml", "local");
  } catch (const strata::InputError&) {
  }
  return 0;
}
