// The SQLite planner: changes → statements. ALTER TABLE where SQLite has it (ADD COLUMN, DROP
// COLUMN, CREATE/DROP INDEX); everywhere else the documented table rebuild
// (https://www.sqlite.org/lang_altertable.html#otheralter): create "new_<t>" with the new
// definition, copy the rows, drop "<t>", rename "new_<t>" to "<t>", re-create its indexes and
// triggers.
//
// Foreign keys and rebuilds: with enforcement on, DROP TABLE deletes every row first, which fires
// ON DELETE actions in other tables (CASCADE would empty them) or fails on their references, and
// PRAGMA defer_foreign_keys does not help (actions still fire; the orphans are counted). So a plan
// holding a rebuild is wrapped in `PRAGMA foreign_keys = off` / `= on`, both marked no_tx: SQLite
// ignores that pragma inside a transaction, so an executor must run them before opening and after
// committing its transaction. `PRAGMA foreign_key_check` closes the rebuilds inside the transaction
// (the driver fails on its rows), and `PRAGMA legacy_alter_table = on` keeps the final RENAME from
// rejecting views or triggers that name the dropped table (references elsewhere are by name, so
// they point at the rebuilt table once it has its name back).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "dialect/sqlite/parse.hpp"
#include "dialect/sqlite/sqlite.hpp"
#include "driver/sqlite/tokenizer.hpp"
#include "strata/error.hpp"

namespace strata::dialect::sqlite {

using driver::sqlite::EqualFold;
using driver::sqlite::IsKeyword;
using driver::sqlite::IsPunct;
using driver::sqlite::Lower;
using driver::sqlite::Token;
using driver::sqlite::Tokenize;
using driver::sqlite::TokenKind;
using driver::sqlite::Unquote;

namespace {

using migrate::Statement;

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // clang 14 does not deduce aggregates yet

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string QuotedList(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + QuoteIdent(n);
  return out;
}

std::string JoinDefinitions(const std::vector<std::string>& defs, const std::string& indent) {
  std::string out;
  const std::string sep = indent.empty() ? ", " : ",\n" + indent;
  for (const auto& d : defs) out += (out.empty() ? "" : sep) + d;
  return indent.empty() ? out : "\n" + indent + out + "\n";
}

// A DEFAULT value as it must be written: the pragma reports expressions without the parentheses
// SQLite requires around them.
std::string DefaultSql(const std::string& expr) {
  const std::vector<Token> tokens = Tokenize(expr);
  const bool single = tokens.size() == 1 ||
                      (tokens.size() == 2 && (IsPunct(tokens[0], '-') || IsPunct(tokens[0], '+')) &&
                       tokens[1].kind == TokenKind::kNumber);
  return single ? expr : "(" + expr + ")";
}

// Whether ALTER TABLE ADD COLUMN accepts `expr` as the default: a literal, not CURRENT_TIME… nor an
// expression.
bool IsConstantDefault(const std::string& expr) {
  const std::vector<Token> tokens = Tokenize(expr);
  if (tokens.size() == 2) return DefaultSql(expr) == expr;  // a signed number
  if (tokens.size() != 1) return false;
  const Token& t = tokens[0];
  return t.kind == TokenKind::kNumber || t.kind == TokenKind::kString || IsKeyword(t, "NULL") ||
         IsKeyword(t, "TRUE") || IsKeyword(t, "FALSE");
}

bool IsNullDefault(const schema::Column& c) {
  return !c.default_expr || EqualFold(*c.default_expr, "NULL");
}

std::string CollationSql(const std::string& name) {
  for (std::string_view builtin : {"BINARY", "NOCASE", "RTRIM"}) {
    if (EqualFold(name, builtin)) return name;
  }
  return QuoteIdent(name);
}

std::string ReferencesSql(const schema::ForeignKey& fk) {
  std::string out = "REFERENCES " + QuoteIdent(fk.ref_table);
  if (!fk.ref_columns.empty()) out += " (" + QuotedList(fk.ref_columns) + ")";
  if (fk.on_update != schema::FkAction::kNoAction) {
    out += fmt::format(" ON UPDATE {}", schema::FkActionSql(fk.on_update));
  }
  if (fk.on_delete != schema::FkAction::kNoAction) {
    out += fmt::format(" ON DELETE {}", schema::FkActionSql(fk.on_delete));
  }
  if (fk.deferrable)
    out += fk.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
  return out;
}

std::string ConstraintName(const std::string& name) {
  return name.empty() ? "" : "CONSTRAINT " + QuoteIdent(name) + " ";
}

std::string PartsSql(const std::vector<schema::IndexPart>& parts) {
  std::string out;
  for (const auto& p : parts) {
    out += (out.empty() ? "" : ", ") + (p.expr.empty() ? QuoteIdent(p.column) : p.expr);
    if (p.desc) out += " DESC";
  }
  return out;
}

// A single-column UNIQUE constraint with the derived name is written inline on its column.
bool IsInlineUnique(const schema::Table& t, const schema::Index& index) {
  return index.constraint && index.parts.size() == 1 && !index.parts[0].column.empty() &&
         !index.parts[0].desc && index.name == UniqueName(t.name, {index.parts[0].column});
}

std::string ColumnSql(const schema::Table& t, const schema::Column& c) {
  std::string out = QuoteIdent(c.name);
  if (!c.type.empty()) out += " " + c.type;
  if (t.primary_key && t.primary_key->columns.size() == 1 && t.primary_key->columns[0] == c.name) {
    // Inline, DESC keeps `INTEGER PRIMARY KEY DESC` a real key index rather than a rowid alias
    // (in a table constraint SQLite would make it an alias).
    out += " " + ConstraintName(t.primary_key->name) + "PRIMARY KEY";
    if (!t.primary_key->desc.empty() && t.primary_key->desc[0]) out += " DESC";
    if (t.primary_key->autoincrement) out += " AUTOINCREMENT";
  }
  if (!c.nullable) out += " NOT NULL";
  if (c.generated) {
    out += fmt::format(" GENERATED ALWAYS AS ({}) {}", *c.generated,
                       c.generated_virtual ? "VIRTUAL" : "STORED");
  } else if (c.default_expr) {
    out += " DEFAULT " + DefaultSql(*c.default_expr);
  }
  if (!c.collation.empty()) out += " COLLATE " + CollationSql(c.collation);
  for (const auto& index : t.indexes) {
    if (IsInlineUnique(t, index) && index.parts[0].column == c.name) out += " UNIQUE";
  }
  return out;
}

// CREATE TABLE for `t` under the name `name` (t.name, or the temporary name of a rebuild: names of
// unnamed constraints are derived from t.name either way, so they survive the final rename).
// CONSTRAINT clauses are written only where the inspector would not derive the same name.
std::string CreateTableSql(const schema::Table& t, const std::string& name,
                           const std::string& indent) {
  std::vector<std::string> defs;
  for (const auto& c : t.columns) defs.push_back(ColumnSql(t, c));
  if (t.primary_key && t.primary_key->columns.size() > 1) {
    const schema::PrimaryKey& pk = *t.primary_key;
    std::string columns;
    for (size_t i = 0; i < pk.columns.size(); ++i) {
      columns += (i == 0 ? "" : ", ") + QuoteIdent(pk.columns[i]);
      if (i < pk.desc.size() && pk.desc[i]) columns += " DESC";
    }
    defs.push_back(ConstraintName(pk.name) + "PRIMARY KEY (" + columns + ")");
  }
  for (const auto& index : t.indexes) {
    if (!index.constraint || IsInlineUnique(t, index)) continue;
    std::vector<std::string> columns;
    for (const auto& p : index.parts) columns.push_back(p.column);
    const bool derived = index.name == UniqueName(t.name, columns);
    defs.push_back(ConstraintName(derived ? "" : index.name) + "UNIQUE (" + PartsSql(index.parts) +
                   ")");
  }
  int unnamed = 0;  // unnamed checks are numbered in order of appearance
  for (const auto& check : t.checks) {
    const bool derived = check.name == CheckName(t.name, unnamed + 1);
    if (derived) ++unnamed;
    defs.push_back(ConstraintName(derived ? "" : check.name) + "CHECK (" + check.expr + ")");
  }
  for (const auto& fk : t.foreign_keys) {
    defs.push_back(ConstraintName(IsDerivedForeignKeyName(t, fk) ? "" : fk.name) + "FOREIGN KEY (" +
                   QuotedList(fk.columns) + ") " + ReferencesSql(fk));
  }
  std::string out = "CREATE TABLE " + QuoteIdent(name) + " (" + JoinDefinitions(defs, indent) + ")";
  if (t.without_rowid) out += " WITHOUT ROWID";
  if (t.strict) out += t.without_rowid ? ", STRICT" : " STRICT";
  return out;
}

std::string CreateIndexSql(const schema::Table& t, const schema::Index& index) {
  std::string out = fmt::format("CREATE {}INDEX {} ON {} ({})", index.unique ? "UNIQUE " : "",
                                QuoteIdent(index.name), QuoteIdent(t.name), PartsSql(index.parts));
  if (!index.where.empty()) out += " WHERE " + index.where;
  return out;
}

bool IndexUses(const schema::Index& index, const std::string& column) {
  for (const auto& p : index.parts) {
    if (p.column == column || (!p.expr.empty() && MentionsColumn(p.expr, column))) return true;
  }
  return !index.where.empty() && MentionsColumn(index.where, column);
}

// The rules of ALTER TABLE ADD COLUMN, for `c` added to m.to.
bool CanAddColumn(const migrate::ModifyTable& m, const schema::Column& c) {
  const schema::Table& t = m.to;
  if (c.generated && (!c.generated_virtual || !c.nullable)) return false;
  if (!c.nullable && IsNullDefault(c)) return false;
  if (c.default_expr && !IsConstantDefault(*c.default_expr)) return false;
  if (t.primary_key && Contains(t.primary_key->columns, c.name)) return false;
  for (const auto& index : t.indexes) {
    if (index.constraint && IndexUses(index, c.name)) return false;
  }
  int fks = 0;
  for (const auto& fk : t.foreign_keys) {
    if (!Contains(fk.columns, c.name)) continue;
    // Only a single-column REFERENCES clause fits in a column definition, and with foreign keys
    // enforced the column must default to NULL.
    if (fk.columns.size() != 1 || !IsNullDefault(c) || ++fks > 1) return false;
  }
  return true;
}

// The rules of ALTER TABLE DROP COLUMN for `c` of m.from; indexes on it are dropped first.
bool CanDropColumn(const migrate::ModifyTable& m, const schema::Column& c) {
  const schema::Table& t = m.from;
  if (t.primary_key && Contains(t.primary_key->columns, c.name)) return false;
  for (const auto& index : t.indexes) {
    if (!IndexUses(index, c.name)) continue;
    if (index.constraint) return false;
    const bool dropped = std::any_of(m.changes.begin(), m.changes.end(), [&](const auto& change) {
      const auto* drop = std::get_if<migrate::DropIndex>(&change);
      const auto* modify = std::get_if<migrate::ModifyIndex>(&change);
      return (drop && drop->index.name == index.name) ||
             (modify && modify->from.name == index.name);
    });
    if (!dropped) return false;
  }
  for (const auto& fk : t.foreign_keys) {
    if (Contains(fk.columns, c.name)) return false;
  }
  for (const auto& check : t.checks) {
    if (MentionsColumn(check.expr, c.name)) return false;
  }
  for (const auto& other : t.columns) {
    if (other.name != c.name && other.generated && MentionsColumn(*other.generated, c.name)) {
      return false;
    }
  }
  return true;
}

// The column added by `m` that carries `fk` inline (ADD COLUMN … REFERENCES), or null.
const schema::Column* InlineForeignKeyColumn(const migrate::ModifyTable& m,
                                             const schema::ForeignKey& fk) {
  if (fk.columns.size() != 1) return nullptr;
  for (const auto& change : m.changes) {
    const auto* add = std::get_if<migrate::AddColumn>(&change);
    if (add && add->column.name == fk.columns[0] && CanAddColumn(m, add->column)) {
      return &add->column;
    }
  }
  return nullptr;
}

bool NeedsRebuild(const migrate::ModifyTable& m) {
  return std::any_of(m.changes.begin(), m.changes.end(), [&](const migrate::TableChange& change) {
    return !std::visit(
        Overloaded{
            [&](const migrate::AddColumn& c) { return CanAddColumn(m, c.column); },
            [&](const migrate::DropColumn& c) { return CanDropColumn(m, c.column); },
            [](const migrate::ModifyColumn& c) {
              return (c.what & ~std::uint32_t{migrate::kColumnComment}) == 0;
            },
            [](const migrate::AddIndex& c) { return !c.index.constraint; },
            [](const migrate::DropIndex& c) { return !c.index.constraint; },
            [](const migrate::ModifyIndex& c) { return !c.from.constraint && !c.to.constraint; },
            [&](const migrate::AddForeignKey& c) {
              return InlineForeignKeyColumn(m, c.key) != nullptr;
            },
            [](const migrate::ModifyTableComment&) { return true; },
            [](const migrate::AddTrigger&) { return true; },
            [](const migrate::DropTrigger&) { return true; },
            [](const migrate::ModifyTrigger&) { return true; },
            [](const auto&) { return false; },
        },
        change);
  });
}

// Tables ordered so that each comes after the tables it references; cycles (which SQLite accepts,
// as it does not resolve references at CREATE time) are broken in input order and reported in
// `cyclic`.
std::vector<const schema::Table*> ParentsFirst(const std::vector<const schema::Table*>& tables,
                                               bool* cyclic) {
  std::map<std::string, size_t> position;
  for (size_t i = 0; i < tables.size(); ++i) position[tables[i]->name] = i;
  enum class Mark { kNew, kVisiting, kDone };
  std::vector<Mark> marks(tables.size(), Mark::kNew);
  std::vector<const schema::Table*> order;
  *cyclic = false;
  std::function<void(size_t)> visit = [&](size_t i) {
    marks[i] = Mark::kVisiting;
    for (const auto& fk : tables[i]->foreign_keys) {
      auto it = position.find(fk.ref_table);
      if (it == position.end() || it->second == i) continue;
      if (marks[it->second] == Mark::kVisiting) *cyclic = true;
      if (marks[it->second] == Mark::kNew) visit(it->second);
    }
    marks[i] = Mark::kDone;
    order.push_back(tables[i]);
  };
  for (size_t i = 0; i < tables.size(); ++i) {
    if (marks[i] == Mark::kNew) visit(i);
  }
  return order;
}

// A view a plan drops or creates, and the change it comes from.
using ViewChange = std::pair<const schema::View*, const migrate::Change*>;

// `views` ordered so that each comes after the views it reads (or before them, for drops).
std::vector<ViewChange> InDependencyOrder(const std::vector<ViewChange>& views,
                                          bool dependents_first) {
  std::map<std::string, size_t> position;  // folded name → index
  for (size_t i = 0; i < views.size(); ++i) position[Lower(views[i].first->name)] = i;
  std::vector<ViewChange> out;
  std::vector<bool> placed(views.size(), false), visiting(views.size(), false);
  std::function<void(size_t)> visit = [&](size_t i) {
    if (placed[i] || visiting[i]) return;
    visiting[i] = true;
    for (const auto& dep : views[i].first->depends) {
      if (auto it = position.find(Lower(dep.name)); it != position.end()) visit(it->second);
    }
    placed[i] = true;
    out.push_back(views[i]);
  };
  for (size_t i = 0; i < views.size(); ++i) visit(i);
  if (dependents_first) std::reverse(out.begin(), out.end());
  return out;
}

// "main" always exists and cannot go: changes to it need no statement. Other schemas cannot exist.
void RequireMain(const std::string& schema, std::string_view verb) {
  if (schema != "main") {
    throw Error(
        fmt::format("SQLite has a single schema, \"main\": cannot {} schema \"{}\"", verb, schema));
  }
}

class Planner {
 public:
  explicit Planner(const migrate::PlanOptions& options) : options_(options) {}

  std::vector<Statement> Plan(const std::vector<migrate::Change>& changes,
                              std::vector<std::string>* warnings);

 private:
  void Add(std::string sql, const std::string& comment, bool no_tx = false) {
    statements_.push_back({std::move(sql), comment, no_tx});
  }
  void CreateTable(const schema::Table& t, const std::string& comment);
  void ModifyTable(const migrate::ModifyTable& m, const std::string& comment);
  void Rebuild(const migrate::ModifyTable& m, const std::string& comment);
  // "new_<table>", or "new_2_<table>", … when a table has that name (SQLite compares names
  // without regard to ASCII case).
  std::string TemporaryName(const std::string& table);
  void WarnNotNullWithoutDefault(const schema::Table& t, const schema::Column& c);
  // A rebuild re-creates `trigger` as it was; warns when it names columns that `to` lost.
  void WarnTriggerUsesDroppedColumns(const schema::Table& from, const schema::Table& to,
                                     const schema::Trigger& trigger);

  const migrate::PlanOptions& options_;
  std::set<std::string> taken_;  // lower-cased table names: the options' and the changes'
  std::vector<Statement> statements_;
  std::vector<std::string> warnings_;
  bool rebuilds_ = false;
};

std::string Planner::TemporaryName(const std::string& table) {
  std::string name = "new_" + table;
  for (int n = 2; taken_.contains(Lower(name)); ++n) {
    name = fmt::format("new_{}_{}", n, table);
  }
  taken_.insert(Lower(name));
  return name;
}

void Planner::CreateTable(const schema::Table& t, const std::string& comment) {
  Add(CreateTableSql(t, t.name, options_.indent), comment);
  for (const auto& index : t.indexes) {
    if (!index.constraint) Add(CreateIndexSql(t, index), comment);
  }
  for (const auto& trigger : t.triggers) Add(trigger.definition, comment);
}

void Planner::WarnNotNullWithoutDefault(const schema::Table& t, const schema::Column& c) {
  const bool rowid_alias = t.primary_key && t.primary_key->columns == std::vector{c.name} &&
                           t.primary_key->desc.empty() && EqualFold(c.type, "INTEGER");
  if (c.nullable || c.default_expr || c.generated || rowid_alias) return;
  warnings_.push_back(fmt::format(
      "column \"{}\" is added to table \"{}\" as NOT NULL without a default: this fails if the "
      "table has rows (give it a DEFAULT, or add it nullable, fill it, then make it NOT NULL)",
      c.name, t.name));
}

void Planner::ModifyTable(const migrate::ModifyTable& m, const std::string& comment) {
  if (NeedsRebuild(m)) {
    Rebuild(m, comment);
    return;
  }
  const schema::Table& t = m.to;
  const std::string table = QuoteIdent(t.name);
  for (const auto& change : m.changes) {
    if (const auto* c = std::get_if<migrate::DropTrigger>(&change)) {
      Add("DROP TRIGGER " + QuoteIdent(c->trigger.name), comment);
    } else if (const auto* c = std::get_if<migrate::ModifyTrigger>(&change)) {
      Add("DROP TRIGGER " + QuoteIdent(c->from.name), comment);
    }
  }
  // Index names are unique per database: drop before creating, and before dropping columns.
  for (const auto& change : m.changes) {
    if (const auto* c = std::get_if<migrate::DropIndex>(&change)) {
      Add("DROP INDEX " + QuoteIdent(c->index.name), comment);
    } else if (const auto* c = std::get_if<migrate::ModifyIndex>(&change)) {
      Add("DROP INDEX " + QuoteIdent(c->from.name), comment);
    }
  }
  for (const auto& change : m.changes) {
    if (const auto* c = std::get_if<migrate::DropColumn>(&change)) {
      Add(fmt::format("ALTER TABLE {} DROP COLUMN {}", table, QuoteIdent(c->column.name)), comment);
    }
  }
  for (const auto& change : m.changes) {
    const auto* c = std::get_if<migrate::AddColumn>(&change);
    if (c == nullptr) continue;
    std::string sql = fmt::format("ALTER TABLE {} ADD COLUMN {}", table, ColumnSql(t, c->column));
    for (const auto& fk : t.foreign_keys) {
      if (fk.columns == std::vector{c->column.name}) {
        sql +=
            " " + ConstraintName(IsDerivedForeignKeyName(t, fk) ? "" : fk.name) + ReferencesSql(fk);
      }
    }
    Add(std::move(sql), comment);
  }
  for (const auto& change : m.changes) {
    if (const auto* c = std::get_if<migrate::AddIndex>(&change)) {
      Add(CreateIndexSql(t, c->index), comment);
    } else if (const auto* c = std::get_if<migrate::ModifyIndex>(&change)) {
      Add(CreateIndexSql(t, c->to), comment);
    }
  }
  for (const auto& change : m.changes) {
    if (const auto* c = std::get_if<migrate::AddTrigger>(&change)) {
      Add(c->trigger.definition, comment);
    } else if (const auto* c = std::get_if<migrate::ModifyTrigger>(&change)) {
      Add(c->to.definition, comment);
    }
  }
}

void Planner::Rebuild(const migrate::ModifyTable& m, const std::string& comment) {
  const schema::Table& from = m.from;
  const schema::Table& to = m.to;
  const std::string temp = TemporaryName(to.name);
  rebuilds_ = true;
  Add(CreateTableSql(to, temp, options_.indent), comment);
  if (from.primary_key && from.primary_key->autoincrement && to.primary_key &&
      to.primary_key->autoincrement) {
    // Keep AUTOINCREMENT's high-water mark, or ids of deleted rows would be handed out again.
    Add(fmt::format("INSERT INTO sqlite_sequence (name, seq) SELECT {}, seq FROM sqlite_sequence "
                    "WHERE name = {}",
                    QuoteLiteral(temp), QuoteLiteral(from.name)),
        comment);
  }
  std::vector<std::string> columns, values;
  for (const auto& c : to.columns) {
    if (c.generated) continue;
    const schema::Column* old = from.FindColumn(c.name);
    if (old == nullptr) {
      WarnNotNullWithoutDefault(to, c);
      continue;
    }
    columns.push_back(QuoteIdent(c.name));
    // A column becoming NOT NULL takes its default where it held NULL.
    values.push_back(
        old->nullable && !c.nullable && c.default_expr
            ? fmt::format("IFNULL({}, {})", QuoteIdent(c.name), DefaultSql(*c.default_expr))
            : QuoteIdent(c.name));
  }
  if (!columns.empty()) {
    Add(fmt::format("INSERT INTO {} ({}) SELECT {} FROM {}", QuoteIdent(temp),
                    fmt::join(columns, ", "), fmt::join(values, ", "), QuoteIdent(from.name)),
        comment);
  }
  Add("DROP TABLE " + QuoteIdent(from.name), comment);
  Add(fmt::format("ALTER TABLE {} RENAME TO {}", QuoteIdent(temp), QuoteIdent(to.name)), comment);
  for (const auto& index : to.indexes) {
    if (!index.constraint) Add(CreateIndexSql(to, index), comment);
  }
  // DROP TABLE took the table's triggers with it: those of the new definition are created.
  for (const auto& trigger : to.triggers) {
    WarnTriggerUsesDroppedColumns(from, to, trigger);
    const bool kept =
        std::find(from.triggers.begin(), from.triggers.end(), trigger) != from.triggers.end();
    Add(trigger.definition,
        kept ? fmt::format("{} (re-create trigger \"{}\")", comment, trigger.name) : comment);
  }
}

void Planner::WarnTriggerUsesDroppedColumns(const schema::Table& from, const schema::Table& to,
                                            const schema::Trigger& trigger) {
  std::vector<std::string> gone;
  for (const Token& token : Tokenize(trigger.definition)) {
    if (token.kind != TokenKind::kWord && token.kind != TokenKind::kIdent) continue;
    const std::string name = Unquote(token);
    const schema::Column* column = nullptr;
    for (const auto& c : from.columns) {
      if (EqualFold(c.name, name)) column = &c;
    }
    bool kept = false;
    for (const auto& c : to.columns) kept = kept || EqualFold(c.name, name);
    if (column != nullptr && !kept && !Contains(gone, column->name)) gone.push_back(column->name);
  }
  if (gone.empty()) return;
  warnings_.push_back(fmt::format(
      "trigger \"{}\" is re-created on the rebuilt table \"{}\" but names {} \"{}\", which the "
      "table no longer has: SQLite only reports that when the trigger fires (change or drop the "
      "trigger in the same migration)",
      trigger.name, to.name, gone.size() == 1 ? "column" : "columns", fmt::join(gone, "\", \"")));
}

std::vector<Statement> Planner::Plan(const std::vector<migrate::Change>& changes,
                                     std::vector<std::string>* warnings) {
  std::vector<const migrate::Change*> dropped, modified, added;
  std::vector<ViewChange> dropped_views, created_views;
  for (const std::string& name : options_.taken_names) taken_.insert(Lower(name));
  for (const auto& change : changes) {
    const schema::Table* named = nullptr;
    if (const auto* c = std::get_if<migrate::AddTable>(&change)) named = &c->table;
    if (const auto* c = std::get_if<migrate::DropTable>(&change)) named = &c->table;
    if (const auto* c = std::get_if<migrate::ModifyTable>(&change)) named = &c->from;
    if (named != nullptr) taken_.insert(Lower(named->name));
  }
  for (const auto& change : changes) {
    std::visit(
        Overloaded{
            [](const migrate::AddSchema& c) { RequireMain(c.schema.name, "create"); },
            [](const migrate::DropSchema& c) { RequireMain(c.schema.name, "drop"); },
            [](const migrate::ModifySchemaComment&) {},  // SQLite has no comments
            [](const migrate::AddExtension& c) {
              throw Error(
                  fmt::format("SQLite has no extensions: cannot create \"{}\"", c.extension.name));
            },
            [](const migrate::DropExtension&) {},  // nothing to drop
            [](const migrate::AddEnum& c) {
              throw Error(fmt::format(
                  "SQLite has no enum types: cannot create \"{}\" (use a CHECK constraint)",
                  c.type.name));
            },
            [](const migrate::DropEnum& c) {
              throw Error(fmt::format("SQLite has no enum types: cannot drop \"{}\"", c.type.name));
            },
            [](const migrate::ModifyEnum& c) {
              throw Error(
                  fmt::format("SQLite has no enum types: cannot modify \"{}\"", c.from.name));
            },
            [&](const migrate::AddTable&) { added.push_back(&change); },
            [&](const migrate::DropTable&) { dropped.push_back(&change); },
            [&](const migrate::ModifyTable&) { modified.push_back(&change); },
            [&](const migrate::AddView& c) {
              created_views.push_back({&c.view, &change});
            },
            [&](const migrate::DropView& c) {
              dropped_views.push_back({&c.view, &change});
            },
            [&](const migrate::ModifyView& c) {
              // SQLite has no CREATE OR REPLACE VIEW: a changed view is dropped and created.
              dropped_views.push_back({&c.from, &change});
              created_views.push_back({&c.to, &change});
            },
        },
        change);
  }
  // Views are dropped first (a view before those it reads) and created last (after them), so that
  // no ALTER TABLE meets a view it would break: SQLite checks every view when a column is dropped.
  for (const auto& [view, change] : InDependencyOrder(dropped_views, true)) {
    Add("DROP VIEW " + QuoteIdent(view->name), migrate::Describe(*change));
  }
  // Each change's table, ordered parents first, with the change it comes from.
  struct Ordered {
    std::vector<const schema::Table*> tables;
    std::map<const schema::Table*, const migrate::Change*> change_of;
    bool cyclic = false;
  };
  auto ordered = [](const std::vector<const migrate::Change*>& list) {
    Ordered out;
    std::vector<const schema::Table*> tables;
    for (const auto* c : list) {
      const schema::Table* t = std::holds_alternative<migrate::AddTable>(*c)
                                   ? &std::get<migrate::AddTable>(*c).table
                                   : &std::get<migrate::DropTable>(*c).table;
      tables.push_back(t);
      out.change_of[t] = c;
    }
    out.tables = ParentsFirst(tables, &out.cyclic);
    return out;
  };

  // Drops first (children before parents) so that names they free can be reused, then new tables
  // (parents before children), then modifications: a rebuilt table copies its rows into a table
  // whose foreign keys may reference a new one, which must exist by then when foreign keys are
  // enforced (the pragma that turns them off does nothing inside the transaction golang-migrate
  // runs a file in).
  const Ordered drops = ordered(dropped);
  if (drops.cyclic) {
    // Whichever table of a cycle goes first still has rows referencing it.
    Add("PRAGMA defer_foreign_keys = on",
        "check foreign keys at commit: the dropped tables reference each other");
  }
  for (auto it = drops.tables.rbegin(); it != drops.tables.rend(); ++it) {
    Add("DROP TABLE " + QuoteIdent((*it)->name), migrate::Describe(*drops.change_of.at(*it)));
  }
  const Ordered adds = ordered(added);
  for (const auto* t : adds.tables) CreateTable(*t, migrate::Describe(*adds.change_of.at(t)));
  for (const auto* c : modified) {
    ModifyTable(std::get<migrate::ModifyTable>(*c), migrate::Describe(*c));
  }
  for (const auto& [view, change] : InDependencyOrder(created_views, false)) {
    const std::string comment = migrate::Describe(*change);
    Add(view->definition, comment);
    for (const auto& trigger : view->triggers) Add(trigger.definition, comment);
  }

  if (rebuilds_) {
    statements_.insert(
        statements_.begin(),
        {{"PRAGMA foreign_keys = off",
          "disable foreign key enforcement while tables are rebuilt (outside the transaction)",
          true},
         {"PRAGMA legacy_alter_table = on",
          "rename rebuilt tables without re-checking views and triggers"}});
    Add("PRAGMA legacy_alter_table = off", "restore ALTER TABLE RENAME checks");
    Add("PRAGMA foreign_key_check", "check that the rebuilt tables break no foreign key");
    Add("PRAGMA foreign_keys = on",
        "enable foreign key enforcement again (outside the transaction)", true);
  }
  if (warnings != nullptr) *warnings = std::move(warnings_);
  return std::move(statements_);
}

}  // namespace

migrate::Plan SqliteDialect::PlanChanges(const std::vector<migrate::Change>& changes,
                                         const migrate::PlanOptions& options) const {
  migrate::Plan plan;
  plan.statements = Planner(options).Plan(changes, &plan.warnings);
  plan.reverse = Planner(options).Plan(migrate::Reverse(changes), nullptr);
  return plan;
}

}  // namespace strata::dialect::sqlite
