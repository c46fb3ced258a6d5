// Migration parts (see part.hpp).
#include "migrate/part.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "migrate/sha256.hpp"
#include "migrate/statements.hpp"

namespace strata::migrate {
namespace {

constexpr size_t kMaxStatementShown = 1000;

}  // namespace

int LinesBefore(std::string_view statement, int position) {
  int chars = 0, lines = 0;
  for (char c : statement) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && ++chars >= position) break;
    if (c == '\n') ++lines;
  }
  return position > 0 ? lines : 0;
}

std::vector<Statement> Part::ToRun(Grouping grouping, int start) const {
  std::vector<Statement> out;
  for (int i = start; i < size(); ++i) {
    const bool edge = i == 0 || i == size() - 1;
    out.push_back(
        {.sql = statements[i].text,
         .no_tx = grouping == Grouping::kAlone || (grouping == Grouping::kPragmaEdges && edge)});
  }
  return out;
}

std::string Part::PrefixHash(int count) const {
  Sha256 h;
  for (int i = 0; i < count; ++i) h.Update(statements[i].text + '\0');
  return Base64(h.Sum());
}

std::string Part::FailureAt(const std::filesystem::path& dir, int index, std::string_view whose,
                            const SqlError& e) const {
  const driver::ScriptStatement& st = statements[index];
  return fmt::format("{} failed at line {} (statement {} of {}, {}): {}{}\n  statement: {}",
                     (dir / file).string(), LineOf(index) + LinesBefore(st.text, e.position),
                     index + 1, size(), whose, e.server_message,
                     e.sqlstate.empty() ? "" : fmt::format(" ({})", e.sqlstate), Shown(st.text));
}

Part MakePart(std::string file, int first_line, std::string_view sql, bool no_tx, Dialect dialect) {
  Part part{std::move(file), first_line,
            driver::SplitStatements(sql, driver::SplitDialectOf(dialect)), no_tx};
  const bool controls_transactions =
      std::any_of(part.statements.begin(), part.statements.end(),
                  [](const auto& s) { return IsTransactionControl(s.text); });
  part.no_tx = no_tx || controls_transactions;
  part.fk_pragma_edges = part.no_tx && !controls_transactions && part.size() >= 2 &&
                         ForeignKeysPragma(part.statements.front().text) == false &&
                         ForeignKeysPragma(part.statements.back().text) == true;
  return part;
}

Part UpPart(const Migration& m, Dialect dialect) {
  return MakePart(m.up_file, m.up_line, m.up_sql, m.no_tx, dialect);
}

Part DownPart(const Migration& m, Dialect dialect) {
  return MakePart(m.down_file, m.down_line, m.down_sql, m.down_no_tx, dialect);
}

std::string HashOf(std::string_view text) {
  Sha256 h;
  h.Update(text);
  return Base64(h.Sum());
}

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string Plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string FirstStatements(int n) {
  return n == 1 ? std::string("statement 1") : fmt::format("statements 1–{}", n);
}

std::string Shown(std::string_view sql) {
  if (sql.size() <= kMaxStatementShown) return std::string(sql);
  return std::string(sql.substr(0, kMaxStatementShown)) + " …";
}

}  // namespace strata::migrate
