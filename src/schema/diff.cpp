// The differ: two realms → ordered changes; and the reverse of a change list.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "strata/driver.hpp"
#include "strata/migrate/changes.hpp"

namespace strata::migrate {
namespace {
using namespace strata::schema;

bool SameType(const std::string& a, const std::string& b, const DiffOptions& options) {
  if (!options.case_insensitive_types) return a == b;
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::uint32_t ColumnDifferences(const Column& a, const Column& b, const DiffOptions& options) {
  std::uint32_t what = 0;
  if (!SameType(a.type, b.type, options)) what |= kColumnType;
  if (a.nullable != b.nullable) what |= kColumnNull;
  if (a.default_expr != b.default_expr) what |= kColumnDefault;
  if (a.identity != b.identity || a.identity_start != b.identity_start ||
      a.identity_increment != b.identity_increment) {
    what |= kColumnIdentity;
  }
  if (a.generated != b.generated || a.generated_virtual != b.generated_virtual) {
    what |= kColumnGenerated;
  }
  if (a.collation != b.collation) what |= kColumnCollation;
  if (a.comment != b.comment) what |= kColumnComment;
  return what;
}

// Adds Add/Drop/Modify changes for two lists of named objects (indexes, keys, checks).
template <typename T, typename Add, typename Drop, typename Modify>
void DiffNamed(const std::vector<T>& from, const std::vector<T>& to,
               std::vector<TableChange>& out) {
  for (const T& f : from) {
    auto it = std::find_if(to.begin(), to.end(), [&](const T& t) { return t.name == f.name; });
    if (it == to.end()) {
      out.push_back(Drop{f});
    } else if (!(*it == f)) {
      out.push_back(Modify{f, *it});
    }
  }
  for (const T& t : to) {
    if (std::none_of(from.begin(), from.end(), [&](const T& f) { return f.name == t.name; })) {
      out.push_back(Add{t});
    }
  }
}

std::vector<TableChange> DiffTable(const Table& from, const Table& to, const DiffOptions& options) {
  std::vector<TableChange> out;
  for (const Column& f : from.columns) {
    const Column* t = to.FindColumn(f.name);
    if (t == nullptr) {
      out.push_back(DropColumn{f});
    } else if (std::uint32_t what = ColumnDifferences(f, *t, options); what != 0) {
      out.push_back(ModifyColumn{f, *t, what});
    }
  }
  for (const Column& t : to.columns) {
    if (from.FindColumn(t.name) == nullptr) out.push_back(AddColumn{t});
  }
  if (from.primary_key && !to.primary_key) out.push_back(DropPrimaryKey{*from.primary_key});
  if (!from.primary_key && to.primary_key) out.push_back(AddPrimaryKey{*to.primary_key});
  if (from.primary_key && to.primary_key && !(*from.primary_key == *to.primary_key)) {
    out.push_back(ModifyPrimaryKey{*from.primary_key, *to.primary_key});
  }
  DiffNamed<Index, AddIndex, DropIndex, ModifyIndex>(from.indexes, to.indexes, out);
  DiffNamed<ForeignKey, AddForeignKey, DropForeignKey, ModifyForeignKey>(from.foreign_keys,
                                                                         to.foreign_keys, out);
  DiffNamed<Check, AddCheck, DropCheck, ModifyCheck>(from.checks, to.checks, out);
  DiffNamed<Trigger, AddTrigger, DropTrigger, ModifyTrigger>(from.triggers, to.triggers, out);
  if (from.comment != to.comment) out.push_back(ModifyTableComment{from.comment, to.comment});
  if (from.without_rowid != to.without_rowid || from.strict != to.strict) {
    out.push_back(ModifyTableOptions{});
  }
  return out;
}

// Renames schema `from` to `to` everywhere inside `s` (tables, enums, FK targets).
void RenameSchema(Schema& s, const std::string& to) {
  const std::string from = s.name;
  s.name = to;
  for (Table& t : s.tables) {
    t.schema = to;
    for (ForeignKey& fk : t.foreign_keys) {
      if (fk.ref_schema == from) fk.ref_schema = to;
    }
  }
  for (Enum& e : s.enums) e.schema = to;
  for (View& v : s.views) {
    v.schema = to;
    for (ObjectRef& r : v.depends) {
      if (r.schema == from) r.schema = to;
    }
  }
}

// Makes the two realms comparable when one or both are scoped to a single schema: two scoped
// realms compare their schemas whatever their names; a scoped realm against a whole database
// compares with the schema of the same name only.
void Align(Realm& from, Realm& to) {
  if (from.scoped && to.scoped) {
    if (from.schemas.size() == 1 && to.schemas.size() == 1 &&
        from.schemas[0].name != to.schemas[0].name) {
      RenameSchema(to.schemas[0], from.schemas[0].name);
    }
    return;
  }
  auto keep_only = [](Realm& realm, const Realm& scoped) {
    if (!scoped.scoped || scoped.schemas.size() != 1) return;
    std::erase_if(realm.schemas, [&](const Schema& s) { return s.name != scoped.schemas[0].name; });
  };
  keep_only(to, from);
  keep_only(from, to);
}

// A unique key a foreign key can reference: the table and its columns, in sorted order (the
// server matches them as a set).
using KeyRef = std::tuple<std::string, std::string, std::vector<std::string>>;

KeyRef MakeKeyRef(const std::string& schema, const std::string& table,
                  std::vector<std::string> columns) {
  std::sort(columns.begin(), columns.end());
  return {schema, table, std::move(columns)};
}

// The columns of a unique index a foreign key can use (plain columns, no predicate), or none.
std::optional<std::vector<std::string>> ReferenceableColumns(const Index& index) {
  if (!index.unique || !index.where.empty()) return std::nullopt;
  std::vector<std::string> columns;
  for (const IndexPart& part : index.parts) {
    if (part.column.empty()) return std::nullopt;
    columns.push_back(part.column);
  }
  return columns;
}

// See DiffOptions::rebind_foreign_keys. `from` and `to` are the aligned realms `out` was computed
// from.
void RebindForeignKeys(const Realm& from, const Realm& to, std::vector<Change>& out) {
  std::set<KeyRef> replaced;
  for (const Change& change : out) {
    const auto* m = std::get_if<ModifyTable>(&change);
    if (m == nullptr) continue;
    auto add = [&](const std::vector<std::string>& columns) {
      replaced.insert(MakeKeyRef(m->from.schema, m->from.name, columns));
    };
    for (const TableChange& c : m->changes) {
      if (const auto* x = std::get_if<DropPrimaryKey>(&c)) add(x->key.columns);
      if (const auto* x = std::get_if<ModifyPrimaryKey>(&c)) add(x->from.columns);
      const Index* index = nullptr;
      if (const auto* x = std::get_if<DropIndex>(&c)) index = &x->index;
      if (const auto* x = std::get_if<ModifyIndex>(&c)) index = &x->from;
      if (index != nullptr) {
        if (auto columns = ReferenceableColumns(*index)) add(*columns);
      }
    }
  }
  if (replaced.empty()) return;
  for (const Schema& s : from.schemas) {
    const Schema* ts = to.FindSchema(s.name);
    if (ts == nullptr) continue;
    for (const Table& table : s.tables) {
      const Table* tt = ts->FindTable(table.name);
      if (tt == nullptr) continue;
      for (const ForeignKey& fk : table.foreign_keys) {
        const std::string& ref_schema = fk.ref_schema.empty() ? table.schema : fk.ref_schema;
        if (!replaced.contains(MakeKeyRef(ref_schema, fk.ref_table, fk.ref_columns))) continue;
        // Only keys that stay as they are: dropped or modified ones are re-created already.
        auto kept = std::find_if(tt->foreign_keys.begin(), tt->foreign_keys.end(),
                                 [&](const ForeignKey& k) { return k == fk; });
        if (kept == tt->foreign_keys.end()) continue;
        auto modify = std::find_if(out.begin(), out.end(), [&](const Change& c) {
          const auto* m = std::get_if<ModifyTable>(&c);
          return m != nullptr && m->from.schema == table.schema && m->from.name == table.name;
        });
        if (modify == out.end()) {
          out.push_back(ModifyTable{table, *tt, {}});
          modify = out.end() - 1;
        }
        std::get<ModifyTable>(*modify).changes.push_back(ModifyForeignKey{fk, fk});
      }
    }
  }
}

// Marks `recreate` on the views that must be dropped before the other changes and created again
// after them: those reading a column that is dropped or changes type (PostgreSQL refuses both
// while a view uses the column; SQLite's DROP COLUMN too), a column an enum type re-creation
// converts, or a view that is dropped or redefined, transitively. A view that stays as it is gets
// a ModifyView with both sides equal. `from` and `to` are the aligned realms `out` came from.
void RecreateDependentViews(const Realm& from, const Realm& to, std::vector<Change>& out) {
  std::set<ObjectRef> blocked;  // relations whose dependent views cannot stay
  for (const Change& change : out) {
    if (const auto* m = std::get_if<ModifyTable>(&change)) {
      for (const TableChange& c : m->changes) {
        const auto* mc = std::get_if<ModifyColumn>(&c);
        if (std::holds_alternative<DropColumn>(c) ||
            (mc != nullptr && (mc->what & (kColumnType | kColumnCollation)) != 0)) {
          blocked.insert({m->from.schema, m->from.name});
        }
      }
    } else if (const auto* e = std::get_if<ModifyEnum>(&change)) {
      for (const EnumTable& t : e->tables) {
        if (!t.from_columns.empty()) blocked.insert({t.from.schema, t.from.name});
      }
    } else if (const auto* d = std::get_if<DropView>(&change)) {
      blocked.insert({d->view.schema, d->view.name});
    } else if (const auto* v = std::get_if<ModifyView>(&change)) {
      if (!SameDefinition(v->from, v->to)) blocked.insert({v->from.schema, v->from.name});
    } else if (const auto* t = std::get_if<DropTable>(&change)) {
      blocked.insert({t->table.schema, t->table.name});
    }
  }
  auto reads_blocked = [&](const View& v) {
    return std::any_of(v.depends.begin(), v.depends.end(),
                       [&](const ObjectRef& r) { return blocked.contains(r); });
  };
  for (bool grew = true; grew;) {
    grew = false;
    for (Change& change : out) {
      auto* m = std::get_if<ModifyView>(&change);
      if (m != nullptr && !m->recreate && reads_blocked(m->from)) {
        m->recreate = true;
        grew = blocked.insert({m->from.schema, m->from.name}).second || grew;
      }
    }
    for (const Schema& fs : from.schemas) {
      const Schema* ts = to.FindSchema(fs.name);
      if (ts == nullptr) continue;
      for (const View& v : fs.views) {
        const View* tv = ts->FindView(v.name);
        if (tv == nullptr || !(*tv == v) || blocked.contains({v.schema, v.name}) ||
            !reads_blocked(v)) {
          continue;
        }
        out.push_back(ModifyView{v, *tv, true});
        blocked.insert({v.schema, v.name});
        grew = true;
      }
    }
  }
}

// PostgreSQL's built-in types whose names format_type prints as they are (it spells integer,
// boolean, timestamp… its own way, and those are keywords, which an enum type's name would have
// quoted). An enum type of such a name is shadowed by pg_catalog's on any search_path, so the
// server prints it qualified, and a bare spelling of the name is the built-in type.
constexpr std::string_view kBuiltinTypeNames =
    "|text|uuid|json|jsonb|jsonpath|xml|bytea|date|money|inet|cidr|macaddr|macaddr8|point|line"
    "|lseg|box|path|polygon|circle|tsvector|tsquery|name|char|oid|xid|xid8|cid|tid|regclass"
    "|regtype|regproc|regprocedure|regoper|regoperator|regnamespace|regrole|regconfig"
    "|regdictionary|int4range|int8range|numrange|tsrange|tstzrange|daterange|int4multirange"
    "|int8multirange|nummultirange|tsmultirange|tstzmultirange|datemultirange|pg_lsn"
    "|pg_snapshot|txid_snapshot|refcursor|aclitem|int2vector|oidvector|record|";

// The ways the server's deparsers may write identifier `name`: double-quoted, or bare when it is a
// plain lower-case name (quote_identifier quotes keywords too; the quoted form covers them).
std::vector<std::string> IdentSpellings(const std::string& name) {
  std::vector<std::string> out = {QuoteIdent(name)};
  const bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                     });
  if (plain) out.push_back(name);
  return out;
}

// Whether a column type as inspected (format_type's spelling) is enum type `e` or an array of it.
// Types are qualified unless their schema is on the search_path, which only a scoped inspection
// sets: there the bare name stands for the enum type, unless it names a built-in type.
bool IsOfEnum(std::string_view type, const Enum& e) {
  while (type.ends_with("[]")) type.remove_suffix(2);
  for (const std::string& name : IdentSpellings(e.name)) {
    if (type == name) {
      return kBuiltinTypeNames.find("|" + e.name + "|") == std::string_view::npos;
    }
    for (const std::string& schema : IdentSpellings(e.schema)) {
      if (type == schema + "." + name) return true;
    }
  }
  return false;
}

std::vector<std::string> ColumnsOfEnum(const Table& table, const Enum& e) {
  std::vector<std::string> out;
  for (const Column& c : table.columns) {
    if (IsOfEnum(c.type, e)) out.push_back(c.name);
  }
  return out;
}

// Fills in the tables and names of `m` (see ModifyEnum) from the aligned realms.
void DescribeEnumUse(const Realm& from, const Realm& to, ModifyEnum& m) {
  for (const Schema& fs : from.schemas) {
    const Schema* ts = to.FindSchema(fs.name);
    if (ts == nullptr) continue;
    for (const Table& ft : fs.tables) {
      const Table* tt = ts->FindTable(ft.name);
      if (tt == nullptr) continue;
      std::vector<std::string> from_columns = ColumnsOfEnum(ft, m.from);
      std::vector<std::string> to_columns = ColumnsOfEnum(*tt, m.to);
      if (from_columns.empty() && to_columns.empty()) continue;
      m.tables.push_back({ft, *tt, std::move(from_columns), std::move(to_columns)});
    }
  }
  for (const Realm* realm : {&from, &to}) {
    if (const Schema* s = realm->FindSchema(m.from.schema)) {
      for (const Table& t : s->tables) m.names.push_back(t.name);
      for (const Enum& e : s->enums) m.names.push_back(e.name);
    }
    for (const Unsupported& u : realm->unsupported) {
      if (u.schema == m.from.schema) m.names.push_back(u.name);
    }
  }
  std::sort(m.names.begin(), m.names.end());
  m.names.erase(std::unique(m.names.begin(), m.names.end()), m.names.end());
}

}  // namespace

std::vector<Change> Diff(const Realm& from_in, const Realm& to_in, const DiffOptions& options) {
  Realm from = from_in;
  Realm to = to_in;
  Align(from, to);

  std::vector<Change> out;
  for (const Extension& e : to.extensions) {
    if (std::none_of(from.extensions.begin(), from.extensions.end(),
                     [&](const Extension& f) { return f.name == e.name; })) {
      out.push_back(AddExtension{e});
    }
  }
  for (const Schema& f : from.schemas) {
    const Schema* t = to.FindSchema(f.name);
    if (t == nullptr) {
      for (const View& v : f.views) out.push_back(DropView{v});
      for (const Table& table : f.tables) out.push_back(DropTable{table});
      for (const Enum& e : f.enums) out.push_back(DropEnum{e});
      out.push_back(DropSchema{Schema{.name = f.name, .comment = f.comment}});
      continue;
    }
    if (f.comment != t->comment) out.push_back(ModifySchemaComment{f.name, f.comment, t->comment});
    for (const Enum& e : f.enums) {
      const Enum* te = t->FindEnum(e.name);
      if (te == nullptr) {
        out.push_back(DropEnum{e});
      } else if (!(*te == e)) {
        ModifyEnum modify{e, *te};
        DescribeEnumUse(from, to, modify);
        out.push_back(std::move(modify));
      }
    }
    for (const Enum& e : t->enums) {
      if (f.FindEnum(e.name) == nullptr) out.push_back(AddEnum{e});
    }
    for (const Table& table : f.tables) {
      const Table* tt = t->FindTable(table.name);
      if (tt == nullptr) {
        out.push_back(DropTable{table});
      } else if (auto changes = DiffTable(table, *tt, options); !changes.empty()) {
        out.push_back(ModifyTable{table, *tt, std::move(changes)});
      }
    }
    for (const Table& table : t->tables) {
      if (f.FindTable(table.name) == nullptr) out.push_back(AddTable{table});
    }
    for (const View& v : f.views) {
      const View* tv = t->FindView(v.name);
      if (tv == nullptr) {
        out.push_back(DropView{v});
      } else if (!(*tv == v)) {
        out.push_back(ModifyView{v, *tv});
      }
    }
    for (const View& v : t->views) {
      if (f.FindView(v.name) == nullptr) out.push_back(AddView{v});
    }
  }
  for (const Schema& t : to.schemas) {
    if (from.FindSchema(t.name) != nullptr) continue;
    out.push_back(AddSchema{Schema{.name = t.name, .comment = t.comment}});
    for (const Enum& e : t.enums) out.push_back(AddEnum{e});
    for (const Table& table : t.tables) out.push_back(AddTable{table});
    for (const View& v : t.views) out.push_back(AddView{v});
  }
  if (options.rebind_foreign_keys) RebindForeignKeys(from, to, out);
  RecreateDependentViews(from, to, out);
  return out;
}

std::vector<std::string> ExtensionsLeftInPlace(const Realm& from, const Realm& to) {
  std::vector<std::string> out;
  for (const Extension& e : from.extensions) {
    if (std::none_of(to.extensions.begin(), to.extensions.end(),
                     [&](const Extension& t) { return t.name == e.name; })) {
      out.push_back(fmt::format(
          "extension \"{}\" is installed but not in the desired state: strata leaves it in place "
          "(other objects may depend on it); drop it yourself (DROP EXTENSION \"{}\") if it must "
          "go",
          e.name, e.name));
    }
  }
  return out;
}

namespace {

struct TableChangeReverser {
  TableChange operator()(const AddColumn& c) const { return DropColumn{c.column}; }
  TableChange operator()(const DropColumn& c) const { return AddColumn{c.column}; }
  TableChange operator()(const ModifyColumn& c) const { return ModifyColumn{c.to, c.from, c.what}; }
  TableChange operator()(const AddIndex& c) const { return DropIndex{c.index}; }
  TableChange operator()(const DropIndex& c) const { return AddIndex{c.index}; }
  TableChange operator()(const ModifyIndex& c) const { return ModifyIndex{c.to, c.from}; }
  TableChange operator()(const AddPrimaryKey& c) const { return DropPrimaryKey{c.key}; }
  TableChange operator()(const DropPrimaryKey& c) const { return AddPrimaryKey{c.key}; }
  TableChange operator()(const ModifyPrimaryKey& c) const { return ModifyPrimaryKey{c.to, c.from}; }
  TableChange operator()(const AddForeignKey& c) const { return DropForeignKey{c.key}; }
  TableChange operator()(const DropForeignKey& c) const { return AddForeignKey{c.key}; }
  TableChange operator()(const ModifyForeignKey& c) const { return ModifyForeignKey{c.to, c.from}; }
  TableChange operator()(const AddCheck& c) const { return DropCheck{c.check}; }
  TableChange operator()(const DropCheck& c) const { return AddCheck{c.check}; }
  TableChange operator()(const ModifyCheck& c) const { return ModifyCheck{c.to, c.from}; }
  TableChange operator()(const ModifyTableComment& c) const {
    return ModifyTableComment{c.to, c.from};
  }
  TableChange operator()(const ModifyTableOptions& c) const { return c; }
  TableChange operator()(const AddTrigger& c) const { return DropTrigger{c.trigger}; }
  TableChange operator()(const DropTrigger& c) const { return AddTrigger{c.trigger}; }
  TableChange operator()(const ModifyTrigger& c) const { return ModifyTrigger{c.to, c.from}; }
};

struct ChangeReverser {
  Change operator()(const AddSchema& c) const { return DropSchema{c.schema}; }
  Change operator()(const AddExtension& c) const { return DropExtension{c.extension}; }
  Change operator()(const DropExtension& c) const { return AddExtension{c.extension}; }
  Change operator()(const DropSchema& c) const { return AddSchema{c.schema}; }
  Change operator()(const ModifySchemaComment& c) const {
    return ModifySchemaComment{c.schema, c.to, c.from};
  }
  Change operator()(const AddEnum& c) const { return DropEnum{c.type}; }
  Change operator()(const DropEnum& c) const { return AddEnum{c.type}; }
  Change operator()(const ModifyEnum& c) const {
    ModifyEnum r{c.to, c.from, {}, c.names};
    for (const EnumTable& t : c.tables) {
      r.tables.push_back({t.to, t.from, t.to_columns, t.from_columns});
    }
    return r;
  }
  Change operator()(const AddTable& c) const { return DropTable{c.table}; }
  Change operator()(const DropTable& c) const { return AddTable{c.table}; }
  Change operator()(const ModifyTable& c) const {
    ModifyTable r{c.to, c.from, {}};
    for (auto it = c.changes.rbegin(); it != c.changes.rend(); ++it) {
      r.changes.push_back(std::visit(TableChangeReverser{}, *it));
    }
    return r;
  }
  Change operator()(const AddView& c) const { return DropView{c.view}; }
  Change operator()(const DropView& c) const { return AddView{c.view}; }
  Change operator()(const ModifyView& c) const { return ModifyView{c.to, c.from, c.recreate}; }
};

// A name as descriptions show it: double-quoted with inner quotes doubled, and control
// characters as \xHH, so that whatever a name holds, a description stays one line and the name's
// end is unambiguous (descriptions become `--` comment lines in migration files).
std::string Shown(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"') {
      out += "\"\"";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string TableName(const Table& t) {
  if (t.schema.empty() || t.schema == "public" || t.schema == "main") return Shown(t.name);
  return Shown(t.schema) + "." + Shown(t.name);
}

std::string EnumName(const Enum& e) {
  if (e.schema.empty() || e.schema == "public") return Shown(e.name);
  return Shown(e.schema) + "." + Shown(e.name);
}

std::string ViewName(const View& v) {
  if (v.schema.empty() || v.schema == "public" || v.schema == "main") return Shown(v.name);
  return Shown(v.schema) + "." + Shown(v.name);
}

std::string_view ViewKind(const View& v) { return v.materialized ? "materialized view" : "view"; }

struct Describer {
  std::string operator()(const AddSchema& c) const {
    return fmt::format("add new schema named {}", Shown(c.schema.name));
  }
  std::string operator()(const DropSchema& c) const {
    return fmt::format("drop schema named {}", Shown(c.schema.name));
  }
  std::string operator()(const ModifySchemaComment& c) const {
    return fmt::format("set comment to schema: {}", Shown(c.schema));
  }
  std::string operator()(const AddExtension& c) const {
    return fmt::format("create extension {}", Shown(c.extension.name));
  }
  std::string operator()(const DropExtension& c) const {
    return fmt::format("drop extension {}", Shown(c.extension.name));
  }
  std::string operator()(const AddEnum& c) const {
    return fmt::format("create enum type {}", EnumName(c.type));
  }
  std::string operator()(const DropEnum& c) const {
    return fmt::format("drop enum type {}", EnumName(c.type));
  }
  std::string operator()(const ModifyEnum& c) const {
    return fmt::format("modify enum type {}", EnumName(c.to));
  }
  std::string operator()(const AddTable& c) const {
    return fmt::format("create {} table", TableName(c.table));
  }
  std::string operator()(const DropTable& c) const {
    return fmt::format("drop {} table", TableName(c.table));
  }
  std::string operator()(const ModifyTable& c) const {
    return fmt::format("modify {} table", TableName(c.to));
  }
  std::string operator()(const AddView& c) const {
    return fmt::format("create {} {}", ViewName(c.view), ViewKind(c.view));
  }
  std::string operator()(const DropView& c) const {
    return fmt::format("drop {} {}", ViewName(c.view), ViewKind(c.view));
  }
  std::string operator()(const ModifyView& c) const {
    if (c.recreate && c.from == c.to) {
      return fmt::format("re-create {} {}", ViewName(c.to), ViewKind(c.to));
    }
    return fmt::format("modify {} {}", ViewName(c.to), ViewKind(c.to));
  }
};

}  // namespace

std::vector<Change> Reverse(const std::vector<Change>& changes) {
  std::vector<Change> out;
  out.reserve(changes.size());
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    out.push_back(std::visit(ChangeReverser{}, *it));
  }
  return out;
}

std::string Describe(const Change& change) { return std::visit(Describer{}, change); }

}  // namespace strata::migrate
