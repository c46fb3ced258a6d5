// Migration directories: reading and writing the five file layouts, version order, new versions,
// and strata.sum (see dir.hpp).
#include "strata/migrate/dir.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "migrate/file_io.hpp"
#include "migrate/sum.hpp"
#include "strata/error.hpp"

namespace strata::migrate {
namespace fs = std::filesystem;

namespace {

// How each format names its files, in one place: the writer names files from it, and the messages
// refusing a file name show what it expects from it.
struct FormatSpec {
  DirFormat format;
  std::string_view name;  // as --dir-format takes it
  // fmt patterns of the file names over (version, name); `down` is empty where the down part
  // shares the up file (goose, dbmate) or does not exist (atlas).
  std::string_view up, down;
  std::string_view rule;  // what else names must follow, for messages
};

constexpr FormatSpec kFormats[] = {
    {DirFormat::kGolangMigrate, "golang-migrate", "{}_{}.up.sql", "{}_{}.down.sql",
     "(version: digits)"},
    {DirFormat::kAtlas, "atlas", "{}_{}.sql", "",
     "(version: digits; the atlas format has no down files)"},
    {DirFormat::kGoose, "goose", "{}_{}.sql", "",
     "with a `-- +goose Up` section (version: digits)"},
    {DirFormat::kFlyway, "flyway", "V{}__{}.sql", "U{}__{}.sql",
     "(version: digits separated by '.' or '_', e.g. V1_2__add_users.sql)"},
    {DirFormat::kDbmate, "dbmate", "{}_{}.sql", "",
     "with a `-- migrate:up` section (version: digits)"},
};

// kFormats is indexed by DirFormat.
constexpr bool InEnumOrder() {
  for (size_t i = 0; i < std::size(kFormats); ++i) {
    if (kFormats[i].format != static_cast<DirFormat>(i)) return false;
  }
  return std::size(kFormats) == static_cast<size_t>(DirFormat::kDbmate) + 1;
}
static_assert(InEnumOrder());

const FormatSpec& Spec(DirFormat format) { return kFormats[static_cast<size_t>(format)]; }

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Calls fn(line, number) for each line of `text` (without its '\n'), numbered from 1; stops when
// fn returns false.
void ForEachLine(std::string_view text, const std::function<bool(std::string_view, int)>& fn) {
  int number = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    if (!fn(text.substr(pos, end - pos), ++number)) return;
    pos = end + 1;
  }
}

// The text after "--" when `line` is a SQL line comment, else nullopt.
std::optional<std::string_view> CommentBody(std::string_view line) {
  const std::string_view t = Trim(line);
  if (!t.starts_with("--")) return std::nullopt;
  return Trim(t.substr(2));
}

constexpr std::string_view kTxmodeNone = "strata:txmode none";

// True when the comment lines at the top of `text` hold `-- strata:txmode none` (or Atlas's own
// `-- atlas:txmode none` when `atlas` is set).
bool LeadingTxmodeNone(std::string_view text, bool atlas) {
  bool found = false;
  ForEachLine(text, [&](std::string_view line, int) {
    if (Trim(line).empty()) return true;
    const auto body = CommentBody(line);
    if (!body) return false;
    found = *body == kTxmodeNone || (atlas && *body == "atlas:txmode none");
    return !found;
  });
  return found;
}

// Removes a leading `-- strata:txmode none` line from `sql`; returns whether there was one.
bool TakeLeadingTxmodeNone(std::string* sql) {
  size_t remove_at = std::string::npos, remove_len = 0;
  size_t offset = 0;
  ForEachLine(*sql, [&](std::string_view line, int) {
    const size_t at = offset;
    offset += line.size() + 1;
    if (Trim(line).empty()) return true;
    const auto body = CommentBody(line);
    if (!body) return false;
    if (*body != kTxmodeNone) return true;
    remove_at = at;
    remove_len = std::min(line.size() + 1, sql->size() - at);
    return false;
  });
  if (remove_at == std::string::npos) return false;
  sql->erase(remove_at, remove_len);
  return true;
}

std::string Terminated(std::string_view sql) {
  std::string out(sql);
  if (!out.empty() && out.back() != '\n') out.push_back('\n');
  return out;
}

// What one file name says, per format.
enum class Part { kUp, kDown, kBoth };
struct FileName {
  std::string version;
  std::string description;
  Part part = Part::kUp;
};

std::string MigrationFileName(DirFormat format, std::string_view version, std::string_view name,
                              Part part) {
  const FormatSpec& spec = Spec(format);
  const std::string_view pattern = part == Part::kDown && !spec.down.empty() ? spec.down : spec.up;
  return fmt::format(fmt::runtime(pattern), version, name);
}

// The file names `format` expects, for messages: "<version>_<name>.up.sql or
// <version>_<name>.down.sql (version: digits)".
std::string ExpectedPattern(DirFormat format) {
  const FormatSpec& spec = Spec(format);
  std::string names = MigrationFileName(format, "<version>", "<name>", Part::kUp);
  if (!spec.down.empty()) {
    names += " or " + MigrationFileName(format, "<version>", "<name>", Part::kDown);
  }
  return fmt::format("{} {}", names, spec.rule);
}

// `<digits>_<description>`; the separator is optional when `optional_name`.
std::optional<FileName> NumberedStem(std::string_view stem, bool optional_name, Part part) {
  const size_t sep = stem.find('_');
  const std::string_view version = stem.substr(0, sep);
  if (!IsDigits(version)) return std::nullopt;
  if (sep == std::string_view::npos && !optional_name) return std::nullopt;
  const std::string_view description =
      sep == std::string_view::npos ? std::string_view() : stem.substr(sep + 1);
  return FileName{std::string(version), std::string(description), part};
}

// Flyway: V|U, then digit groups separated by '.' or '_' (normalized to '.'), "__", description.
std::optional<FileName> FlywayName(std::string_view stem) {
  if (stem.empty() || (stem[0] != 'V' && stem[0] != 'U')) return std::nullopt;
  const Part part = stem[0] == 'V' ? Part::kUp : Part::kDown;
  std::string version;
  size_t i = 1;
  while (true) {
    const size_t start = i;
    while (i < stem.size() && std::isdigit(static_cast<unsigned char>(stem[i]))) ++i;
    if (i == start) return std::nullopt;
    version.append(stem.substr(start, i - start));
    const bool more = i + 1 < stem.size() && (stem[i] == '.' || stem[i] == '_') &&
                      std::isdigit(static_cast<unsigned char>(stem[i + 1]));
    if (!more) break;
    version.push_back('.');
    ++i;
  }
  if (stem.substr(i, 2) != "__") return std::nullopt;
  return FileName{version, std::string(stem.substr(i + 2)), part};
}

std::optional<FileName> ParseFileName(DirFormat format, std::string_view file) {
  if (!file.ends_with(".sql")) return std::nullopt;
  const std::string_view stem = file.substr(0, file.size() - 4);
  switch (format) {
    case DirFormat::kGolangMigrate:
      if (stem.ends_with(".up"))
        return NumberedStem(stem.substr(0, stem.size() - 3), false, Part::kUp);
      if (stem.ends_with(".down")) {
        return NumberedStem(stem.substr(0, stem.size() - 5), false, Part::kDown);
      }
      return std::nullopt;
    case DirFormat::kAtlas:
      if (stem.ends_with(".up") || stem.ends_with(".down")) return std::nullopt;
      return NumberedStem(stem, true, Part::kUp);
    case DirFormat::kGoose:
      return NumberedStem(stem, false, Part::kBoth);
    case DirFormat::kDbmate:
      return NumberedStem(stem, true, Part::kBoth);
    case DirFormat::kFlyway:
      return FlywayName(stem);
  }
  return std::nullopt;
}

InputError BadName(const fs::path& dir, std::string_view file, DirFormat format) {
  return InputError(fmt::format(
      "{}: not a {} migration file name: expected {} (pass --dir-format to read another format)",
      (dir / file).string(), DirFormatName(format), ExpectedPattern(format)));
}

// The up and down sections of a goose or dbmate file. Marker lines are blanked (not removed) so
// that lines inside a section keep their numbers relative to up_line/down_line.
struct Sections {
  std::string up, down;
  int up_line = 1, down_line = 1;
  bool has_up = false, has_down = false;
  bool up_no_tx = false, down_no_tx = false;
};

// A marker recognized on one line: which section it opens (if any) and its options.
struct Marker {
  enum { kNone, kUp, kDown, kOther } kind = kNone;
  bool no_tx = false;
};

Marker GooseMarker(std::string_view line) {
  const auto body = CommentBody(line);
  if (!body || !body->starts_with("+goose")) return {};
  const std::string_view command = Trim(body->substr(6));
  if (EqualsIgnoreCase(command, "up")) return {Marker::kUp};
  if (EqualsIgnoreCase(command, "down")) return {Marker::kDown};
  // NO TRANSACTION covers the whole file; StatementBegin/End and ENVSUB are dropped (the
  // splitter understands $$ bodies and BEGIN … END without them).
  return {Marker::kOther, EqualsIgnoreCase(command, "no transaction")};
}

Marker DbmateMarker(std::string_view line) {
  const auto body = CommentBody(line);
  if (!body) return {};
  Marker marker;
  std::string_view rest;
  if (body->starts_with("migrate:up")) {
    marker.kind = Marker::kUp;
    rest = body->substr(10);
  } else if (body->starts_with("migrate:down")) {
    marker.kind = Marker::kDown;
    rest = body->substr(12);
  } else {
    return {};
  }
  if (!rest.empty() && rest[0] != ' ' && rest[0] != '\t') return {};  // e.g. migrate:upper
  marker.no_tx = rest.find("transaction:false") != std::string_view::npos;
  return marker;
}

Sections ParseSections(std::string_view text, const fs::path& file, DirFormat format) {
  const bool goose = format == DirFormat::kGoose;
  const std::string_view up_marker = goose ? "-- +goose Up" : "-- migrate:up";
  const std::string_view down_marker = goose ? "-- +goose Down" : "-- migrate:down";
  Sections s;
  bool file_no_tx = false;
  std::string* section = nullptr;
  int stray_line = 0;  // first line of SQL outside both sections
  ForEachLine(text, [&](std::string_view line, int number) {
    const Marker m = goose ? GooseMarker(line) : DbmateMarker(line);
    if (m.kind == Marker::kUp) {
      if (s.has_up)
        throw InputError(fmt::format("{}:{}: a second `{}`", file.string(), number, up_marker));
      s.has_up = true;
      s.up_line = number + 1;
      s.up_no_tx = m.no_tx;
      section = &s.up;
    } else if (m.kind == Marker::kDown) {
      if (!s.has_up || s.has_down) {
        throw InputError(fmt::format("{}:{}: `{}` must follow `{}` and appear once", file.string(),
                                     number, down_marker, up_marker));
      }
      s.has_down = true;
      s.down_line = number + 1;
      s.down_no_tx = m.no_tx;
      section = &s.down;
    } else if (m.kind == Marker::kOther) {
      file_no_tx = file_no_tx || m.no_tx;
      if (section != nullptr) section->push_back('\n');
    } else if (section != nullptr) {
      section->append(line);
      section->push_back('\n');
    } else if (stray_line == 0 && !Trim(line).empty() && !CommentBody(line)) {
      stray_line = number;
    }
    return true;
  });
  if (!s.has_up) {
    throw InputError(fmt::format("{}: no `{}` line: expected {}", file.string(), up_marker,
                                 ExpectedPattern(format)));
  }
  if (stray_line != 0) {
    throw InputError(
        fmt::format("{}:{}: SQL before the `{}` line: every statement belongs to "
                    "the up or the down section",
                    file.string(), stray_line, up_marker));
  }
  // Goose's NO TRANSACTION and a strata directive at the top of the file cover both sections.
  file_no_tx = file_no_tx || LeadingTxmodeNone(text, false);
  s.up_no_tx = s.up_no_tx || file_no_tx;
  s.down_no_tx = s.down_no_tx || file_no_tx;
  return s;
}

struct VersionLess {
  bool operator()(const std::string& a, const std::string& b) const {
    return CompareVersions(a, b) < 0;
  }
};

// Digit segments compare by value and before any other segment (those compare as bytes): a strict
// weak ordering even for versions that are not numbers (a tracking row edited by hand), which
// std::map and std::sort need.
int CompareSegment(std::string_view a, std::string_view b) {
  const bool a_digits = IsDigits(a), b_digits = IsDigits(b);
  if (a_digits != b_digits) return a_digits ? -1 : 1;
  if (!a_digits) return a.compare(b);
  a.remove_prefix(std::min(a.find_first_not_of('0'), a.size()));
  b.remove_prefix(std::min(b.find_first_not_of('0'), b.size()));
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b);
}

// `t` as a UTC YYYYMMDDHHMMSS version.
std::string UtcStamp(std::time_t t) {
  std::tm utc{};
  gmtime_r(&t, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &utc);
  return stamp;
}

// The time a YYYYMMDDHHMMSS version names; nullopt when it is not a valid UTC time (a sequence
// number, or a hand-written "…0960").
std::optional<std::time_t> ParseUtcStamp(const std::string& version) {
  if (version.size() != 14 || !IsDigits(version)) return std::nullopt;
  auto field = [&](size_t pos, size_t len) { return std::stoi(version.substr(pos, len)); };
  std::tm tm{};
  tm.tm_year = field(0, 4) - 1900;
  tm.tm_mon = field(4, 2) - 1;
  tm.tm_mday = field(6, 2);
  tm.tm_hour = field(8, 2);
  tm.tm_min = field(10, 2);
  tm.tm_sec = field(12, 2);
  const std::time_t t = timegm(&tm);
  if (UtcStamp(t) != version) return std::nullopt;  // timegm normalized an out-of-range field
  return t;
}

// `digits` + 1, keeping its width unless it overflows ("0009" → "0010", "99" → "100").
std::string Increment(std::string digits) {
  for (size_t i = digits.size(); i-- > 0;) {
    if (digits[i] != '9') {
      ++digits[i];
      return digits;
    }
    digits[i] = '0';
  }
  return "1" + digits;
}

// The names of the .sql files in folder `path`, sorted: only they can be migrations (strata.sum,
// atlas.sum, READMEs and folders are not). `what` names the folder in the error.
std::vector<std::string> SqlFileNames(const fs::path& path, std::string_view what) {
  std::vector<std::string> names;
  try {
    for (const auto& entry : fs::directory_iterator(path)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file() && name.ends_with(".sql")) names.push_back(name);
    }
  } catch (const fs::filesystem_error& e) {
    throw InputError(fmt::format("cannot read {} {}: {}", what, path.string(), e.code().message()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The sum of `dir`'s files as they are now (on disk, or as embedded).
SumFile CurrentSum(const Dir& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& name : dir.Files()) files.emplace_back(name, dir.Read(name).value_or(""));
  return ComputeSum(files);
}

}  // namespace

std::string_view DirFormatName(DirFormat f) { return Spec(f).name; }

DirFormat ParseDirFormat(std::string_view name) {
  for (const FormatSpec& spec : kFormats) {
    if (spec.name == name) return spec.format;
  }
  throw InputError(fmt::format(
      "unknown migration directory format \"{}\": use golang-migrate, atlas, goose, flyway or "
      "dbmate",
      name));
}

int CompareVersions(std::string_view a, std::string_view b) {
  // Dotted segments one by one; a missing segment counts as 0, so flyway's 1 and 1.0 are equal.
  while (!a.empty() || !b.empty()) {
    const size_t da = a.find('.'), db = b.find('.');
    const std::string_view sa = a.empty() ? "0" : a.substr(0, da);
    const std::string_view sb = b.empty() ? "0" : b.substr(0, db);
    if (const int c = CompareSegment(sa, sb); c != 0) return c < 0 ? -1 : 1;
    a = da == std::string_view::npos ? std::string_view() : a.substr(da + 1);
    b = db == std::string_view::npos ? std::string_view() : b.substr(db + 1);
  }
  return 0;
}

std::optional<DirFormat> DetectDirFormat(const fs::path& path) {
  const std::vector<std::string> names = SqlFileNames(path, "the folder");
  auto any = [&](const std::function<bool(const std::string&)>& pred) {
    return std::any_of(names.begin(), names.end(), pred);
  };
  if (any([](const std::string& n) { return n.ends_with(".up.sql"); })) {
    return DirFormat::kGolangMigrate;
  }
  if (any([](const std::string& n) {
        return n[0] == 'V' && FlywayName(n.substr(0, n.size() - 4));
      })) {
    return DirFormat::kFlyway;
  }
  auto holds_marker = [&](DirFormat format) {
    return any([&](const std::string& n) {
      bool found = false;
      ForEachLine(ReadFile(path / n), [&](std::string_view line, int) {
        const Marker m = format == DirFormat::kGoose ? GooseMarker(line) : DbmateMarker(line);
        found = m.kind == Marker::kUp;
        return !found;
      });
      return found;
    });
  };
  if (holds_marker(DirFormat::kGoose)) return DirFormat::kGoose;
  if (holds_marker(DirFormat::kDbmate)) return DirFormat::kDbmate;
  if (!names.empty() && std::all_of(names.begin(), names.end(), [](const std::string& n) {
        return ParseFileName(DirFormat::kAtlas, n).has_value();
      })) {
    return DirFormat::kAtlas;
  }
  return std::nullopt;
}

Dir Dir::Open(const fs::path& path, DirFormat format) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    throw InputError(fmt::format(
        "migration directory {} does not exist or is not a folder (create it, or pass --dir)",
        path.string()));
  }
  std::vector<std::pair<std::string, std::string>> files;
  for (std::string& name : SqlFileNames(path, "the migration directory")) {
    std::string text = ReadFile(path / name);
    files.emplace_back(std::move(name), std::move(text));
  }
  return Parse(path, format, std::move(files));
}

Dir Dir::FromFiles(const fs::path& path, DirFormat format,
                   std::vector<std::pair<std::string, std::string>> files) {
  std::map<std::string, std::string> contents;
  std::vector<std::pair<std::string, std::string>> sql;
  for (auto& [name, text] : files) {
    if (name.ends_with(".sql")) sql.emplace_back(name, text);
    contents[name] = std::move(text);
  }
  std::sort(sql.begin(), sql.end());
  Dir dir = Parse(path, format, std::move(sql));
  dir.in_memory_ = true;
  dir.contents_ = std::move(contents);
  return dir;
}

Dir Dir::Parse(const fs::path& path, DirFormat format,
               std::vector<std::pair<std::string, std::string>> files) {
  std::map<std::string, Migration, VersionLess> by_version;
  auto duplicate = [&](const std::string& first, const std::string& second) {
    return InputError(fmt::format(
        "{} and {} have the same version: every version of a migration directory must be "
        "unique (renumber one of them, then run `strata migrate hash`)",
        (path / first).string(), (path / second).string()));
  };
  for (const auto& [name, text] : files) {
    const std::optional<FileName> parsed = ParseFileName(format, name);
    if (!parsed) throw BadName(path, name, format);
    Migration& m = by_version[parsed->version];
    if (m.version.empty()) m.version = parsed->version;
    switch (parsed->part) {
      case Part::kUp:
        if (!m.up_file.empty()) throw duplicate(m.up_file, name);
        m.up_file = name;
        m.description = parsed->description;
        m.up_sql = text;
        m.no_tx = LeadingTxmodeNone(text, format == DirFormat::kAtlas);
        break;
      case Part::kDown:
        if (!m.down_file.empty()) throw duplicate(m.down_file, name);
        m.down_file = name;
        m.down_sql = text;
        m.down_no_tx = LeadingTxmodeNone(text, false);
        break;
      case Part::kBoth: {
        if (!m.up_file.empty()) throw duplicate(m.up_file, name);
        const Sections s = ParseSections(text, path / name, format);
        m.up_file = name;
        m.description = parsed->description;
        m.up_sql = s.up;
        m.up_line = s.up_line;
        m.no_tx = s.up_no_tx;
        if (s.has_down) {
          m.down_file = name;
          m.down_sql = s.down;
          m.down_line = s.down_line;
        }
        m.down_no_tx = s.down_no_tx;
        break;
      }
    }
  }

  Dir dir;
  dir.path_ = path;
  dir.format_ = format;
  for (auto& [version, m] : by_version) {
    if (m.up_file.empty()) {
      throw InputError(fmt::format("{} has no up file: expected {} next to it",
                                   (path / m.down_file).string(),
                                   MigrationFileName(format, m.version, "<name>", Part::kUp)));
    }
    dir.migrations_.push_back(std::move(m));
  }
  return dir;
}

std::vector<std::string> Dir::Files() const {
  std::set<std::string> files;
  for (const Migration& m : migrations_) {
    files.insert(m.up_file);
    if (!m.down_file.empty()) files.insert(m.down_file);
  }
  return {files.begin(), files.end()};
}

std::optional<std::string> Dir::Read(const std::string& name) const {
  if (in_memory_) {
    const auto it = contents_.find(name);
    if (it == contents_.end()) return std::nullopt;
    return it->second;
  }
  std::error_code ec;
  if (!fs::exists(path_ / name, ec)) return std::nullopt;
  return ReadFile(path_ / name);
}

std::string Dir::ComputeSum() const { return FormatSum(CurrentSum(*this)); }

void Dir::WriteSum() const {
  RequireOnDisk();
  WriteFileAtomically(path_ / kSumFileName, ComputeSum());
}

void Dir::RequireOnDisk() const {
  if (!in_memory_) return;
  throw InputError(fmt::format(
      "the migration directory {} is embedded into the program and cannot be written: change "
      "the files of its source folder and rebuild",
      path_.string()));
}

void Dir::VerifySum() const {
  const fs::path sum_path = path_ / kSumFileName;
  const std::optional<std::string> recorded_text = Read(std::string(kSumFileName));
  if (!recorded_text) {
    if (migrations_.empty()) return;
    throw ChecksumError(fmt::format(
        "{} holds migrations but no {}: review the files, then run `strata migrate hash` to "
        "create it",
        path_.string(), kSumFileName));
  }
  const SumFile recorded = ParseSum(*recorded_text, sum_path.string());
  const SumDifference diff = CompareSums(recorded, CurrentSum(*this));
  if (diff.empty()) return;
  std::string message =
      fmt::format("the migration directory {} does not match its {} (files were changed by hand):",
                  path_.string(), kSumFileName);
  auto list = [&](std::string_view what, const std::vector<std::string>& names) {
    for (const std::string& n : names) message += fmt::format("\n  {} {}", what, n);
  };
  list("added:  ", diff.added);
  list("edited: ", diff.edited);
  list("removed:", diff.removed);
  if (!diff.unchecked.empty()) {
    message += fmt::format(
        "\n  ({} later file{} cannot be checked one by one: the sum chains each file to the "
        "ones before it)",
        diff.unchecked.size(), diff.unchecked.size() == 1 ? "" : "s");
  }
  message += "\nRun `strata migrate hash` if the change was intended.";
  throw ChecksumError(message);
}

std::string Dir::NextVersion(bool sequence) const {
  return NextVersion(sequence, std::chrono::system_clock::now());
}

std::string Dir::NextVersion(bool sequence, std::chrono::system_clock::time_point now) const {
  if (migrations_.empty() && sequence) {
    const int width = format_ == DirFormat::kFlyway ? 1 : format_ == DirFormat::kGoose ? 5 : 6;
    return fmt::format("{:0{}}", 1, width);
  }
  // The version just after the greatest one: for a timestamp, the next second (so 20240102030459
  // is followed by 20240102030500, a valid time); else the integer part (flyway's 2.0.3 → 2) plus
  // one.
  std::string after;
  if (!migrations_.empty()) {
    const std::string& greatest = migrations_.back().version;
    const std::optional<std::time_t> time = sequence ? std::nullopt : ParseUtcStamp(greatest);
    if (time) {
      after = UtcStamp(*time + 1);
    } else {
      after = Increment(greatest.substr(0, greatest.find('.')));
      if (!sequence) after.erase(0, std::min(after.find_first_not_of('0'), after.size() - 1));
    }
  }
  if (sequence) return after;
  const std::string stamp = UtcStamp(std::chrono::system_clock::to_time_t(now));
  if (after.empty() || CompareVersions(stamp, after) >= 0) return stamp;
  return after;
}

std::vector<std::string> Dir::Write(const std::string& version, const std::string& name,
                                    const std::string& up_sql, const std::string& down_sql) {
  RequireOnDisk();
  const bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  if (!name_ok) {
    throw InputError(fmt::format(
        "migration name \"{}\": use letters, digits, '_' and '-' only (e.g. add_users)", name));
  }
  const Part up_part = format_ == DirFormat::kGolangMigrate || format_ == DirFormat::kFlyway
                           ? Part::kUp
                           : Part::kBoth;
  const std::string up_name = MigrationFileName(format_, version, name, up_part);
  const std::optional<FileName> parsed = ParseFileName(format_, up_name);
  if (!parsed) {
    throw InputError(fmt::format("version \"{}\" does not fit the {} format: expected {}", version,
                                 DirFormatName(format_), ExpectedPattern(format_)));
  }
  for (const Migration& m : migrations_) {
    if (CompareVersions(m.version, parsed->version) == 0) {
      throw InputError(fmt::format("version {} already exists in {} ({}): pick a greater one",
                                   version, path_.string(), m.up_file));
    }
  }

  std::vector<std::pair<std::string, std::string>> files;
  std::string up = up_sql, down = down_sql;
  switch (format_) {
    case DirFormat::kGolangMigrate:
    case DirFormat::kFlyway:
      files.emplace_back(up_name, up);
      files.emplace_back(MigrationFileName(format_, version, name, Part::kDown), down);
      break;
    case DirFormat::kAtlas:
      files.emplace_back(up_name, up);
      break;
    case DirFormat::kGoose: {
      const bool up_no_tx = TakeLeadingTxmodeNone(&up);
      const bool no_tx = TakeLeadingTxmodeNone(&down) || up_no_tx;
      files.emplace_back(up_name, fmt::format("{}-- +goose Up\n{}\n-- +goose Down\n{}",
                                              no_tx ? "-- +goose NO TRANSACTION\n" : "",
                                              Terminated(up), Terminated(down)));
      break;
    }
    case DirFormat::kDbmate: {
      const char* up_opt = TakeLeadingTxmodeNone(&up) ? " transaction:false" : "";
      const char* down_opt = TakeLeadingTxmodeNone(&down) ? " transaction:false" : "";
      files.emplace_back(up_name, fmt::format("-- migrate:up{}\n{}\n-- migrate:down{}\n{}", up_opt,
                                              Terminated(up), down_opt, Terminated(down)));
      break;
    }
  }
  for (const auto& [file, content] : files) {
    std::error_code ec;
    if (fs::exists(path_ / file, ec)) {
      throw InputError(fmt::format("{} already exists", (path_ / file).string()));
    }
  }
  std::vector<std::string> written;
  try {
    for (const auto& [file, content] : files) {
      WriteFileAtomically(path_ / file, content);
      written.push_back(file);
    }
    *this = Open(path_, format_);
    WriteSum();
  } catch (...) {
    for (const std::string& file : written) {
      std::error_code ignored;
      fs::remove(path_ / file, ignored);
    }
    *this = Open(path_, format_);
    throw;
  }
  return written;
}

}  // namespace strata::migrate
