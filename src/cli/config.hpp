// strata.toml: named environments that supply defaults for command-line flags (like atlas.hcl).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace strata::cli {

struct EnvConfig {
  std::string name;
  std::string src;                    // desired state source (--to)
  std::string url;                    // target database (--url)
  std::string dev;                    // dev database (--dev-url)
  std::string migration_dir;          // --dir
  std::string migration_format;       // --dir-format
  std::string migration_lock;         // --lock-strategy
  std::optional<std::string> indent;  // [env.X.format] indent
};

// Reads environment `name` from the strata.toml at `path`. Throws InputError naming the file (and
// line, for syntax errors) when the file or the environment is missing or malformed.
EnvConfig LoadEnv(const std::string& path, const std::string& name);

// The same from the file's `content`; `path` is only named in messages.
EnvConfig ParseEnv(std::string_view content, const std::string& path, const std::string& name);

}  // namespace strata::cli
