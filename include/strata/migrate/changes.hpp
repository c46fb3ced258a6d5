// The change model: what differs between two realms, as an ordered list the planners turn into
// statements. Every change can be reversed (Reverse), which is how down migrations are planned.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "strata/schema.hpp"

namespace strata::migrate {

// Which properties of a column changed (bit set).
enum ColumnChange : std::uint32_t {
  kColumnType = 1u << 0,
  kColumnNull = 1u << 1,
  kColumnDefault = 1u << 2,
  kColumnIdentity = 1u << 3,  // the identity, or its START WITH / INCREMENT BY
  kColumnGenerated = 1u << 4,
  kColumnCollation = 1u << 5,
  kColumnComment = 1u << 6,
};

// One line per change kind: the list reads as a table.
// clang-format off
struct AddColumn { schema::Column column; };
struct DropColumn { schema::Column column; };
struct ModifyColumn { schema::Column from, to; std::uint32_t what = 0; };
struct AddIndex { schema::Index index; };
struct DropIndex { schema::Index index; };
struct ModifyIndex { schema::Index from, to; };  // anything but the comment: drop and re-create
struct AddPrimaryKey { schema::PrimaryKey key; };
struct DropPrimaryKey { schema::PrimaryKey key; };
struct ModifyPrimaryKey { schema::PrimaryKey from, to; };
struct AddForeignKey { schema::ForeignKey key; };
struct DropForeignKey { schema::ForeignKey key; };
struct ModifyForeignKey { schema::ForeignKey from, to; };
struct AddCheck { schema::Check check; };
struct DropCheck { schema::Check check; };
struct ModifyCheck { schema::Check from, to; };
struct ModifyTableComment { std::string from, to; };
struct AddTrigger { schema::Trigger trigger; };
struct DropTrigger { schema::Trigger trigger; };
struct ModifyTrigger { schema::Trigger from, to; };  // drop and re-create
// SQLite-only table options (WITHOUT ROWID, STRICT): always a rebuild.
struct ModifyTableOptions {};

using TableChange =
    std::variant<AddColumn, DropColumn, ModifyColumn, AddIndex, DropIndex, ModifyIndex,
                 AddPrimaryKey, DropPrimaryKey, ModifyPrimaryKey, AddForeignKey, DropForeignKey,
                 ModifyForeignKey, AddCheck, DropCheck, ModifyCheck, ModifyTableComment,
                 ModifyTableOptions, AddTrigger, DropTrigger, ModifyTrigger>;

struct AddSchema { schema::Schema schema; };        // the schema, empty of objects
struct DropSchema { schema::Schema schema; };       // the schema, empty of objects
struct ModifySchemaComment { std::string schema, from, to; };
struct AddExtension { schema::Extension extension; };
struct DropExtension { schema::Extension extension; };
struct AddEnum { schema::Enum type; };
struct DropEnum { schema::Enum type; };
// A table present on both sides of a ModifyEnum that has a column of the type, or an array of it,
// on either side: the table on each side and the names of those columns there.
struct EnumTable { schema::Table from, to; std::vector<std::string> from_columns, to_columns; };
// `tables` and `names` serve a planner that cannot change the values in place and re-creates the
// type (PostgreSQL, when values are removed or reordered): the tables whose columns it converts
// (tables only on one side are dropped before or created after it), and every name the type's
// schema gives a table, an enum type or an object the IR does not model, on either side, which
// the new type must not take while the old one is still in use.
struct ModifyEnum {
  schema::Enum from, to;
  std::vector<EnumTable> tables;
  std::vector<std::string> names;
};
struct AddTable { schema::Table table; };
struct DropTable { schema::Table table; };
// `from` and `to` are the whole table before and after; `changes` what differs.
struct ModifyTable { schema::Table from, to; std::vector<TableChange> changes; };
struct AddView { schema::View view; };
struct DropView { schema::View view; };
// `recreate`: the view must be dropped before the plan's other changes and created again after
// them, because it reads a column that is dropped or changes type, or a view that is re-created
// (the differ adds such views with `from` and `to` equal). Otherwise the planner decides how to
// get from `from` to `to`.
struct ModifyView { schema::View from, to; bool recreate = false; };
// clang-format on

using Change = std::variant<AddSchema, DropSchema, ModifySchemaComment, AddExtension, DropExtension,
                            AddEnum, DropEnum, ModifyEnum, AddTable, DropTable, ModifyTable,
                            AddView, DropView, ModifyView>;

struct DiffOptions {
  // Compare column types case-insensitively (SQLite stores declared types as written).
  bool case_insensitive_types = false;
  // A foreign key is bound to the unique index of the columns it references (PostgreSQL): when
  // that primary key, unique constraint or unique index is dropped or re-created, the keys that
  // reference it and stay are dropped before and added back after (a ModifyForeignKey with the
  // same key on both sides), or dropping the index fails.
  bool rebind_foreign_keys = false;
};

// The changes that turn `from` into `to`. Renames are never guessed: a renamed table is a drop and
// an add. Order: as the objects appear; the planners order statements for dependencies.
// Extensions `to` has and `from` lacks are added; one `from` has and `to` lacks is left alone (an
// administrator may have installed it, and other objects may depend on it): only Reverse drops
// an extension, undoing its addition.
std::vector<Change> Diff(const schema::Realm& from, const schema::Realm& to,
                         const DiffOptions& options = {});

// Warnings for the extensions `from` has and `to` lacks, which Diff leaves in place (migrate diff
// shows them: there `from` is what the migrations created, not what an administrator installed).
std::vector<std::string> ExtensionsLeftInPlace(const schema::Realm& from, const schema::Realm& to);

// The changes that undo `changes` (add ↔ drop, from ↔ to), in reverse order.
std::vector<Change> Reverse(const std::vector<Change>& changes);

// A one-line description of a change, used as the comment above its statements:
// `create "users" table`, `modify "users" table`, `add value to enum type "mood"`.
std::string Describe(const Change& change);

}  // namespace strata::migrate
