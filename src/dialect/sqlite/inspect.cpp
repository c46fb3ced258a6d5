// The SQLite inspector: the main database as a Realm, in five queries whatever the number of tables
// (pragma table-valued functions joined to sqlite_schema). What the pragmas do not report (CHECKs,
// AUTOINCREMENT, generated expressions, collations, constraint names, DEFERRABLE, index expressions
// and WHERE clauses) is read from the CREATE statements kept in sqlite_schema.sql.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "dialect/sqlite/parse.hpp"
#include "dialect/sqlite/sqlite.hpp"
#include "driver/sqlite/tokenizer.hpp"

namespace strata::dialect::sqlite {

using driver::sqlite::EqualFold;
using driver::sqlite::Join;
using driver::sqlite::Lower;
using driver::sqlite::Token;
using driver::sqlite::Tokenize;
using driver::sqlite::TokenKind;
using driver::sqlite::Unquote;

namespace {

// A query over every ordinary user table `m` joined to a pragma function. Virtual tables are left
// out: their pragmas fail when the module is not loaded.
std::string PerTable(std::string_view columns, std::string_view joins, std::string_view where,
                     std::string_view order) {
  return fmt::format(
      "SELECT m.name, {} FROM main.sqlite_schema AS m, {} WHERE m.type = 'table' AND m.name NOT "
      "LIKE 'sqlite\\_%' ESCAPE '\\' AND m.sql NOT LIKE 'CREATE VIRTUAL TABLE%'{} ORDER BY m.name, "
      "{}",
      columns, joins, where, order);
}

const std::string& Text(const Row& row, size_t i) {
  static const std::string kEmpty;
  return row[i] ? *row[i] : kEmpty;
}

bool IsInternal(std::string_view name) { return EqualFold(name.substr(0, 7), "sqlite_"); }

schema::FkAction Action(std::string_view text) {
  if (text == "CASCADE") return schema::FkAction::kCascade;
  if (text == "RESTRICT") return schema::FkAction::kRestrict;
  if (text == "SET NULL") return schema::FkAction::kSetNull;
  if (text == "SET DEFAULT") return schema::FkAction::kSetDefault;
  return schema::FkAction::kNoAction;
}

bool SameNames(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const std::string& x, const std::string& y) { return EqualFold(x, y); });
}

// The column of `table` named `name` in any case, spelled as declared.
std::string ColumnName(const schema::Table& table, const std::string& name) {
  for (const auto& c : table.columns) {
    if (EqualFold(c.name, name)) return c.name;
  }
  return name;
}

// Runs of consecutive rows with the same first two columns (table and index, or table and
// foreign key id).
std::vector<std::vector<const Row*>> Groups(const Rows& rows) {
  std::vector<std::vector<const Row*>> out;
  for (const Row& row : rows.rows) {
    const Row* last = out.empty() ? nullptr : out.back().front();
    if (last == nullptr || (*last)[0] != row[0] || (*last)[1] != row[1]) out.emplace_back();
    out.back().push_back(&row);
  }
  return out;
}

struct TableState {
  schema::Table table;
  ParsedTable parsed;
  std::vector<std::pair<int, std::string>> pk;  // (position in key, column), sorted once read
  std::set<std::string> pk_desc;                // key columns its index orders DESC
  // Foreign keys as the pragma lists them (by id, i.e. newest first), one entry per column.
  std::vector<std::vector<const Row*>> fks;
};

void AddIndex(TableState& state, const std::vector<const Row*>& rows,
              const std::map<std::string, std::string>& index_sql) {
  // m.name, il.name, il."unique", il.origin, il.partial, ix.cid, ix.name, ix."desc"
  const Row& first = *rows.front();
  const std::string& origin = Text(first, 3);
  if (origin == "pk") {  // the primary key's own index (a rowid alias has none)
    for (const Row* r : rows) {
      if (Text(*r, 7) == "1") state.pk_desc.insert(Text(*r, 6));
    }
    return;
  }
  schema::Index index{.name = Text(first, 1), .unique = Text(first, 2) == "1"};
  if (origin == "u") {
    index.constraint = true;
    std::vector<std::string> columns;
    for (const Row* r : rows) {
      index.parts.push_back({.column = Text(*r, 6), .desc = Text(*r, 7) == "1"});
      columns.push_back(Text(*r, 6));
    }
    index.name = UniqueName(state.table.name, columns);
    for (auto& u : state.parsed.uniques) {
      if (!u.columns.empty() && SameNames(u.columns, columns)) {
        if (!u.name.empty()) index.name = u.name;
        u.columns.clear();  // used
        break;
      }
    }
    state.table.indexes.push_back(std::move(index));
    return;
  }
  auto sql = index_sql.find(index.name);
  const ParsedIndex parsed = sql == index_sql.end() ? ParsedIndex{} : ParseCreateIndex(sql->second);
  for (size_t k = 0; k < rows.size(); ++k) {
    const Row& r = *rows[k];
    schema::IndexPart part{.desc = Text(r, 7) == "1"};
    const bool collated = k < parsed.collated.size() && parsed.collated[k];
    if (std::stoi(Text(r, 5)) >= 0 && !collated) {
      part.column = Text(r, 6);
    } else {
      part.expr = k < parsed.parts.size() ? StripOuterParens(parsed.parts[k]) : Text(r, 6);
    }
    index.parts.push_back(std::move(part));
  }
  if (Text(first, 4) == "1") index.where = parsed.where;
  state.table.indexes.push_back(std::move(index));
}

void AddForeignKeys(TableState& state, const std::map<std::string, TableState*>& by_folded_name) {
  schema::Table& table = state.table;
  std::set<std::string> used;
  for (const auto& fk : state.parsed.foreign_keys) {
    if (!fk.name.empty()) used.insert(fk.name);
  }
  std::vector<bool> matched(state.parsed.foreign_keys.size());
  // Declaration order is the reverse of the pragma's ids.
  for (auto it = state.fks.rbegin(); it != state.fks.rend(); ++it) {
    // m.name, f.id, f."table", f."from", f."to", f.on_update, f.on_delete
    const Row& first = *it->front();
    schema::ForeignKey fk{.ref_table = Text(first, 2),
                          .on_update = Action(Text(first, 5)),
                          .on_delete = Action(Text(first, 6))};
    bool ref_columns_given = true;
    for (const Row* r : *it) {
      fk.columns.push_back(ColumnName(table, Text(*r, 3)));
      fk.ref_columns.push_back(Text(*r, 4));
      ref_columns_given = ref_columns_given && (*r)[4].has_value();
    }
    const auto parent = by_folded_name.find(Lower(fk.ref_table));
    if (parent != by_folded_name.end()) {
      const schema::Table& ref = parent->second->table;
      fk.ref_table = ref.name;
      if (!ref_columns_given) {
        // REFERENCES parent with no column list: the parent's primary key.
        fk.ref_columns.clear();
        for (const auto& [position, column] : parent->second->pk) fk.ref_columns.push_back(column);
      }
      for (auto& c : fk.ref_columns) c = ColumnName(ref, c);
    } else if (!ref_columns_given) {
      fk.ref_columns.clear();
    }
    for (size_t i = 0; i < state.parsed.foreign_keys.size(); ++i) {
      const ParsedForeignKey& p = state.parsed.foreign_keys[i];
      if (matched[i] || !SameNames(p.columns, fk.columns) ||
          !EqualFold(p.ref_table, fk.ref_table)) {
        continue;
      }
      matched[i] = true;
      fk.name = p.name;
      fk.deferrable = p.deferrable;
      fk.initially_deferred = p.initially_deferred;
      break;
    }
    if (fk.name.empty()) {
      const std::string base = ForeignKeyName(table.name, fk.columns);
      fk.name = base;
      for (int n = 1; used.contains(fk.name); ++n) fk.name = base + std::to_string(n);
      used.insert(fk.name);
    }
    table.foreign_keys.push_back(std::move(fk));
  }
}

void Finish(TableState& state) {
  schema::Table& table = state.table;
  if (!state.pk.empty()) {
    schema::PrimaryKey key{.name = state.parsed.pk_name,
                           .autoincrement = state.parsed.autoincrement};
    for (const auto& [position, column] : state.pk) {
      key.columns.push_back(column);
      key.desc.push_back(state.pk_desc.contains(column));
    }
    if (state.pk_desc.empty()) key.desc.clear();
    table.primary_key = std::move(key);
  }
  int unnamed = 0;
  for (const auto& check : state.parsed.checks) {
    table.checks.push_back(
        {.name = check.name.empty() ? CheckName(table.name, ++unnamed) : check.name,
         .expr = check.expr});
  }
  auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
  std::sort(table.indexes.begin(), table.indexes.end(), by_name);
  std::sort(table.foreign_keys.begin(), table.foreign_keys.end(), by_name);
  std::sort(table.checks.begin(), table.checks.end(), by_name);
}

}  // namespace

schema::Realm SqliteDialect::Inspect(Conn& conn) const {
  const Rows kinds =
      conn.Query("SELECT name, type, wr, strict FROM pragma_table_list WHERE schema = 'main'");
  const Rows objects = conn.Query("SELECT type, name, sql, tbl_name FROM main.sqlite_schema");
  const Rows columns =
      conn.Query(PerTable("x.name, x.type, x.\"notnull\", x.dflt_value, x.pk, x.hidden",
                          "pragma_table_xinfo(m.name, 'main') AS x", "", "x.cid"));
  const Rows indexes = conn.Query(
      PerTable("il.name, il.\"unique\", il.origin, il.partial, ix.cid, ix.name, ix.\"desc\"",
               "pragma_index_list(m.name, 'main') AS il, pragma_index_xinfo(il.name, 'main') AS ix",
               " AND ix.key = 1", "il.name, ix.seqno"));
  const Rows fks =
      conn.Query(PerTable("f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete",
                          "pragma_foreign_key_list(m.name, 'main') AS f", "", "f.id, f.seq"));

  schema::Realm realm{.scoped = true};
  std::map<std::string, TableState> tables;  // sorted by name, as the IR wants
  std::map<std::string, TableState*> by_folded_name;
  std::map<std::string, std::string> index_sql;
  std::map<std::string, const Row*> kind_of;
  std::vector<const Row*> triggers;
  std::map<std::string, schema::View> views;  // by name
  std::map<std::string, schema::View*> views_by_folded_name;
  for (const Row& row : kinds.rows) kind_of[Text(row, 0)] = &row;
  for (const Row& row : objects.rows) {
    const std::string& type = Text(row, 0);
    const std::string& name = Text(row, 1);
    if (IsInternal(name)) continue;
    if (type == "index") {
      if (row[2]) index_sql[name] = *row[2];
    } else if (type == "view") {
      schema::View& v = views[name];
      v = {.schema = "main", .name = name, .definition = Text(row, 2)};
      views_by_folded_name[Lower(name)] = &v;
    } else if (type == "trigger") {
      triggers.push_back(&row);
    } else if (type == "table" && kind_of.contains(name)) {
      const Row& kind = *kind_of[name];
      if (Text(kind, 1) == "virtual") {
        realm.unsupported.push_back({.kind = "virtual table", .schema = "main", .name = name});
      } else if (Text(kind, 1) == "table") {
        TableState& state = tables[name];
        state.table = {.schema = "main",
                       .name = name,
                       .without_rowid = Text(kind, 2) == "1",
                       .strict = Text(kind, 3) == "1"};
        state.parsed = ParseCreateTable(Text(row, 2));
        by_folded_name[Lower(name)] = &state;
      }  // shadow tables belong to their virtual table
    }
  }

  for (const Row& row : columns.rows) {
    // m.name, x.name, x.type, x."notnull", x.dflt_value, x.pk, x.hidden
    auto it = tables.find(Text(row, 0));
    if (it == tables.end() || Text(row, 6) == "1") continue;
    TableState& state = it->second;
    schema::Column column{.name = Text(row, 1),
                          .type = Text(row, 2),
                          .nullable = Text(row, 3) == "0",
                          .default_expr = row[4]};
    // The pragma gives the expression as written; only its layout is normalized.
    if (column.default_expr) column.default_expr = Join(Tokenize(*column.default_expr));
    for (const auto& parsed : state.parsed.columns) {
      if (!EqualFold(parsed.name, column.name)) continue;
      column.collation = parsed.collation;
      if (Text(row, 6) == "2" || Text(row, 6) == "3") {
        column.generated = parsed.generated;
        column.generated_virtual = Text(row, 6) == "2";
      }
      break;
    }
    if (const int position = std::stoi(Text(row, 5)); position > 0) {
      state.pk.emplace_back(position, column.name);
    }
    state.table.columns.push_back(std::move(column));
  }

  for (auto& group : Groups(indexes)) {
    if (auto it = tables.find(Text(*group[0], 0)); it != tables.end()) {
      AddIndex(it->second, group, index_sql);
    }
  }
  for (auto& group : Groups(fks)) {
    if (auto it = tables.find(Text(*group[0], 0)); it != tables.end()) {
      it->second.fks.push_back(std::move(group));
    }
  }

  // A trigger belongs to its table or view (tbl_name is spelled as the trigger's statement wrote
  // it: names match case-insensitively).
  auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
  for (const Row* row : triggers) {
    schema::Trigger trigger{.name = Text(*row, 1), .definition = Text(*row, 2)};
    if (auto t = by_folded_name.find(Lower(Text(*row, 3))); t != by_folded_name.end()) {
      t->second->table.triggers.push_back(std::move(trigger));
    } else if (auto v = views_by_folded_name.find(Lower(Text(*row, 3)));
               v != views_by_folded_name.end()) {
      v->second->triggers.push_back(std::move(trigger));
    } else {
      realm.unsupported.push_back({.kind = "trigger", .schema = "main", .name = trigger.name});
    }
  }
  schema::Schema main{.name = "main"};
  for (auto& [name, state] : tables) {
    std::sort(state.table.triggers.begin(), state.table.triggers.end(), by_name);
  }
  // What a view reads: the tables and views its statement names (a word that happens to be such a
  // name only adds an ordering constraint, or re-creates the view with a table it does not read).
  for (auto& [name, v] : views) {
    std::sort(v.triggers.begin(), v.triggers.end(), by_name);
    std::set<schema::ObjectRef> depends;
    for (const Token& token : Tokenize(v.definition)) {
      if (token.kind != TokenKind::kWord && token.kind != TokenKind::kIdent) continue;
      const std::string folded = Lower(Unquote(token));
      if (folded == Lower(name)) continue;
      if (auto t = by_folded_name.find(folded); t != by_folded_name.end()) {
        depends.insert({"main", t->second->table.name});
      } else if (auto o = views_by_folded_name.find(folded); o != views_by_folded_name.end()) {
        depends.insert({"main", o->second->name});
      }
    }
    v.depends.assign(depends.begin(), depends.end());
  }
  for (auto& [name, v] : views) main.views.push_back(std::move(v));
  for (auto& [name, state] : tables) std::sort(state.pk.begin(), state.pk.end());
  for (auto& [name, state] : tables) AddForeignKeys(state, by_folded_name);
  for (auto& [name, state] : tables) {
    Finish(state);
    for (const ParsedOnConflict& c : state.parsed.on_conflict) {
      realm.unsupported.push_back({.kind = "constraint option",
                                   .schema = "main",
                                   .name = c.column.empty()
                                               ? name + " " + c.clause
                                               : name + "." + c.column + " " + c.clause});
    }
    main.tables.push_back(std::move(state.table));
  }
  realm.schemas.push_back(std::move(main));
  std::sort(realm.unsupported.begin(), realm.unsupported.end(), [](const auto& a, const auto& b) {
    return std::tie(a.kind, a.name) < std::tie(b.kind, b.name);
  });
  return realm;
}

}  // namespace strata::dialect::sqlite
