// What the generated client calls: the statement builder, predicates, orderings, the tables and
// edges of the entity graph as data, the client's configuration (driver, transaction, hooks, debug
// log) and the generic parts of queries and mutations. Users reach these through the generated
// code; only OrderTermOption (strata::Desc()) and the option helpers are meant to be named.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "strata/driver.hpp"
#include "strata/ent/descriptor.hpp"
#include "strata/ent/mutation.hpp"
#include "strata/error.hpp"

namespace strata {

// How an ordering sorts: `ent::user::ByName(strata::Desc())`.
struct OrderTermOption {
  bool desc = false;
  int nulls = 0;  // -1 NULLS FIRST, 1 NULLS LAST, 0 the database's default
};
inline OrderTermOption Asc() { return {}; }
inline OrderTermOption Desc() { return {true, 0}; }
inline OrderTermOption NullsFirst(OrderTermOption o = {}) { return {o.desc, -1}; }
inline OrderTermOption NullsLast(OrderTermOption o = {}) { return {o.desc, 1}; }

}  // namespace strata

namespace strata::ent::rt {

struct TableSpec;

// How an edge is stored, seen from the entity declaring it.
struct EdgeSpec {
  enum class Kind {
    kOwnFk,    // this entity's table holds the foreign key (M2O, or the O2O side holding it)
    kTheirFk,  // the target's table holds it (O2M, or the O2O side without it)
    kJoin,     // a join table (M2M)
  };
  const char* name;
  const TableSpec& (*owner)();  // the entity declaring the edge
  const TableSpec& (*target)();
  Kind kind;
  bool unique;
  // kOwnFk: this table's column; kTheirFk: the target table's column.
  const char* column;
  // kJoin: the join table, its column referencing this entity and the one referencing the target.
  const char* join_table;
  const char* join_this;
  const char* join_other;
  bool bidi;  // an M2M edge of an entity with itself and no inverse: rows go both ways
};

// A table of the graph: the entity's type name, its (schema-qualified when needed) table, the id
// column, every column the entity's struct reads (the id first) and its edges.
struct TableSpec {
  const char* entity;
  const char* schema;  // empty: wherever the connection's search path points
  const char* table;
  const char* id;
  std::span<const char* const> columns;
  std::span<const EdgeSpec> edges;
  std::span<const bool> sensitive;  // per column: values are masked in debug logs
};

// One statement being built: its SQL text and arguments, placeholders in the dialect's form.
class Sql {
 public:
  explicit Sql(Dialect dialect) : dialect_(dialect) {}
  Dialect dialect() const { return dialect_; }
  Sql& Raw(std::string_view text) {
    text_.append(text);
    return *this;
  }
  Sql& Ident(std::string_view name);
  // "alias"."column"
  Sql& Column(std::string_view alias, std::string_view column);
  // The table of `spec` (schema-qualified when it has one).
  Sql& Table(const TableSpec& spec);
  // The join table of a kJoin edge, in the schema of the entity declaring it.
  Sql& JoinTable(const EdgeSpec& edge);
  // A placeholder for `value`; `sensitive` masks it in debug logs.
  Sql& Arg(strata::Value value, bool sensitive = false);
  // Room for `n` more arguments (a multi-row INSERT knows how many it adds).
  void ReserveArgs(size_t n) {
    args_.reserve(args_.size() + n);
    sensitive_.reserve(sensitive_.size() + n);
  }
  // An argument holding a list, for `IN`: one placeholder whatever the length (an array on
  // PostgreSQL, a JSON array read by json_each on SQLite), so one prepared statement serves
  // every length.
  Sql& InList(std::string_view alias, std::string_view column,
              const std::vector<strata::Value>& values);
  // "t1", "t2", … unique within the statement.
  std::string NewAlias() { return "t" + std::to_string(++aliases_); }

  const std::string& text() const { return text_; }
  const std::vector<strata::Value>& args() const { return args_; }
  // The statement and its arguments for a debug log; sensitive arguments shown as "xxxxx".
  std::string Describe() const;
  // The same for a statement given as text (no argument sensitive).
  static std::string Describe(std::string_view text, std::span<const strata::Value> args);

 private:
  Dialect dialect_;
  std::string text_;
  std::vector<strata::Value> args_;
  std::vector<bool> sensitive_;
  int aliases_ = 0;
};

// A boolean SQL expression over the row of one table, named by its alias in the statement.
class Node {
 public:
  virtual ~Node() = default;
  virtual void Render(Sql& sql, std::string_view alias) const = 0;
};

// A predicate of any entity; the generated code wraps it in a type per entity
// (ent::predicate::User) so that a predicate of one entity cannot filter another's query.
class Predicate {
 public:
  Predicate() = default;
  explicit Predicate(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  void Render(Sql& sql, std::string_view alias) const { node_->Render(sql, alias); }
  bool empty() const { return node_ == nullptr; }

 private:
  std::shared_ptr<const Node> node_;
};

// Field predicates. `column` must outlive the predicate (generated code passes literals).
// op: "=", "<>", ">", ">=", "<", "<="
Predicate Compare(const char* column, const char* op, strata::Value value, bool sensitive = false);
Predicate In(const char* column, std::vector<strata::Value> values, bool negate);
Predicate IsNull(const char* column, bool negate);
enum class Match { kContains, kHasPrefix, kHasSuffix, kEqualFold, kContainsFold };
Predicate Like(const char* column, Match match, std::string value);
// Edge predicates: the entity has at least one `edge` neighbour (matching `with`, if given).
Predicate HasEdge(const EdgeSpec& edge, std::vector<Predicate> with);
Predicate And(std::vector<Predicate> predicates);
Predicate Or(std::vector<Predicate> predicates);
Predicate Not(Predicate predicate);

// One term of ORDER BY: a column, or the number of an edge's neighbours (By<Edge>Count).
struct OrderTerm {
  const char* column = nullptr;
  const EdgeSpec* count_of = nullptr;
  OrderTermOption option;
};

// The connection a client sends its statements on: the pool (each operation leases one
// connection for its statements) or the open transaction of a Tx client.
struct Config {
  DB db;
  Conn* tx = nullptr;  // set for a Tx client
  // Debug log: each statement with its (masked) arguments, before it is sent.
  std::function<void(std::string_view)> log;
  // Hooks added with Client::Use, for every entity, and with <Entity>Client::Use, per entity.
  std::vector<Hook> hooks;
  std::map<std::string, std::vector<Hook>, std::less<>> entity_hooks;
};

// The hooks a mutation of `entity` runs through, outermost first: the client's, the entity
// client's, then the schema's own.
std::vector<Hook> HooksFor(const Config& config, std::string_view entity,
                           const std::vector<Hook>& schema_hooks);

// The transaction of a Tx client: a connection leased for it, BEGIN sent, and the configuration
// its entity clients share. Rolls back on destruction unless committed.
class TxScope {
 public:
  explicit TxScope(const Config& base);
  ~TxScope();
  TxScope(const TxScope&) = delete;
  TxScope& operator=(const TxScope&) = delete;
  void Commit();
  void Rollback();
  const std::shared_ptr<Config>& config() const { return config_; }

 private:
  std::optional<DB::Lease> lease_;
  std::shared_ptr<Config> config_;
  bool open_ = false;
};

// A connection for one operation: the Tx client's, else one leased from the pool.
class Session {
 public:
  explicit Session(const Config& config);
  Conn& conn() { return conn_ != nullptr ? *conn_ : lease_->conn(); }
  Dialect dialect() const { return dialect_; }
  // Sends `sql`, logging it first when the client has a debug log.
  Result Run(const Sql& sql);
  // The same for a statement the generated code holds as text (rendered at generation time).
  Result Run(std::string_view text, std::span<const strata::Value> args);
  // Runs `body` in a transaction unless the session already is in one (a Tx client, or a nested
  // call), so that an operation of several statements is all or nothing.
  void Atomically(const std::function<void()>& body);

 private:
  const Config& config_;
  Dialect dialect_;
  Conn* conn_ = nullptr;
  std::optional<DB::Lease> lease_;
};

// What a query has been told so far; the generated <Entity>Query holds one.
struct QueryState {
  const TableSpec* spec = nullptr;
  std::vector<Predicate> where;
  std::vector<OrderTerm> order;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  std::optional<bool> unique;
  std::vector<const char*> select;  // empty: every column
  bool for_update = false;
};

// SELECT <columns> FROM <table> AS t0 WHERE … ORDER BY … LIMIT … OFFSET … [FOR UPDATE].
// `columns` empty: state.select, else every column of the table.
void RenderSelect(Sql& sql, const QueryState& state, std::span<const char* const> columns = {});
// The WHERE clause's conditions over alias `alias` (nothing when there are none).
void RenderWhere(Sql& sql, const std::vector<Predicate>& where, std::string_view alias);
// SELECT count(*) of the rows the query would return.
void RenderCount(Sql& sql, const QueryState& state);

// Where each spec column is in the result of a statement selecting `selected` (empty: every spec
// column, in order, as RETURNING lists them) from result column `first` on; -1 when not selected.
std::vector<int> ColumnIndexes(const TableSpec& spec, std::span<const char* const> selected = {},
                               int first = 0);

// The predicate "this entity is a neighbour, through `edge` (an edge of the parent), of a row
// the parent query `parent` matches": what Query<Edge>() on a query adds to the new query.
Predicate Through(const EdgeSpec& edge, const QueryState& parent);
// The same for the neighbours of the parents with these ids.
Predicate NeighboursOf(const EdgeSpec& edge, std::vector<strata::Value> parent_ids);

// Eager loading of `edge` in one statement: the neighbours matching `child` (its predicates and
// order) with, in the first column, the key that ties each to its parents: the parent's id, or
// for kOwnFk the neighbour's id (the parents' foreign-key values are the `keys` then). The caller
// scans the rest with ColumnIndexes(target, child.select, 1).
void RenderEdgeLoad(Sql& sql, const EdgeSpec& edge, const std::vector<strata::Value>& keys,
                    const QueryState& child);

// One column written by a create or an update.
struct Assignment {
  enum class Op { kSet, kAdd, kClear };
  const char* column;
  Op op = Op::kSet;
  strata::Value value = nullptr;
  bool sensitive = false;
};

// INSERT INTO <table> (columns) VALUES (…), (…) RETURNING <every column>. Every row assigns the
// same columns, in the same order; a row without assignments inserts the defaults. The rows'
// values are moved into the statement's arguments (a bulk create's strings are not copied).
void RenderInsert(Sql& sql, const TableSpec& spec, std::vector<std::vector<Assignment>> rows);
// The upsert clause after RenderInsert's VALUES: ON CONFLICT (columns) DO NOTHING / DO UPDATE.
struct OnConflict {
  std::vector<const char*> columns;  // the conflict target
  bool do_nothing = false;
  bool update_new_values = false;   // every inserted column takes the new value
  std::vector<const char*> update;  // these columns take the new value
  bool ignore = false;              // Ignore(): keep the row as it is (a no-op update)
};
void RenderInsert(Sql& sql, const TableSpec& spec, std::vector<std::vector<Assignment>> rows,
                  const OnConflict& conflict);
// UPDATE <table> AS t0 SET … WHERE … [RETURNING <every column>].
void RenderUpdate(Sql& sql, const TableSpec& spec, const std::vector<Assignment>& set,
                  const std::vector<Predicate>& where, bool returning);
// DELETE FROM <table> AS t0 WHERE ….
void RenderDelete(Sql& sql, const TableSpec& spec, const std::vector<Predicate>& where);

// Changes to one edge of one entity, made after its row is written.
struct EdgeChange {
  const EdgeSpec* edge = nullptr;
  bool clear = false;
  std::vector<strata::Value> add;
  std::vector<strata::Value> remove;
};
// Sends the statements that make `change` for the entity with id `id`: foreign keys set on the
// neighbours' rows (kTheirFk) or join-table rows inserted and deleted (kJoin; both directions for
// a bidi edge). kOwnFk changes are column assignments of the entity's own row instead.
void ApplyEdgeChange(Session& session, const EdgeChange& change, const strata::Value& id);

// The id of the entity a result row holds, as a strata::Value (for edge changes and eager loading).
strata::Value IdAt(const Result& result, int col, bool integer);

// The statement failed because of a constraint: ConstraintError from the driver, rethrown with
// the entity named; other errors pass through.
[[noreturn]] void RethrowWithEntity(const TableSpec& spec, std::string_view action);

// NotFoundError "<entity> not found" (with what was looked for).
[[noreturn]] void ThrowNotFound(const TableSpec& spec, std::string_view what);
// NotSingularError for Only/OnlyID.
[[noreturn]] void ThrowNotSingular(const TableSpec& spec);

// The schema's descriptor, registered by its STRATA_SCHEMA line in a schema file compiled into
// the program. Throws Error saying how to fix a missing one (compile the schema files with the
// client).
const SchemaDescriptor& Descriptor(std::string_view entity);
// The descriptor of field `field` of `entity`.
const FieldDescriptor& Field(std::string_view entity, std::string_view field);
// Runs the field's validators on `value`; ValidationError names the entity, field and rule.
void Validate(const FieldDescriptor& field, std::string_view entity, const ent::Value& value);

// Conversions between the schema's values (defaults, validators) and the driver's.
strata::Value ToDriver(const ent::Value& value);

// Runs `mutation` through `hooks` (outermost first), then `perform`.
void RunHooks(const std::vector<Hook>& hooks, Mutation& mutation, const Mutator& perform);

// ---- Conversions the generated code calls unqualified (an enum's own overloads, generated in
// its entity's namespace, are found by argument-dependent lookup) --------------------------------

// A cell of the current row into a struct member, the cell read once: ReadCell sets `out` and
// returns true, or returns false (leaving `out` alone) for NULL.
inline bool ReadCell(const Result& r, int c, bool& out) {
  const std::optional<bool> v = r.BoolOrNull(c);
  if (v) out = *v;
  return v.has_value();
}
template <std::integral T>
requires(!std::same_as<T, bool>) inline bool ReadCell(const Result& r, int c, T& out) {
  const std::optional<std::int64_t> v = r.IntOrNull(c);
  if (v) out = static_cast<T>(*v);
  return v.has_value();
}
template <std::floating_point T>
inline bool ReadCell(const Result& r, int c, T& out) {
  const std::optional<double> v = r.DoubleOrNull(c);
  if (v) out = static_cast<T>(*v);
  return v.has_value();
}
inline bool ReadCell(const Result& r, int c, std::string& out) {
  const std::optional<std::string_view> v = r.TextOrNull(c);
  if (v) out.assign(*v);
  return v.has_value();
}
inline bool ReadCell(const Result& r, int c, Bytes& out) {
  std::optional<Bytes> v = r.BlobOrNull(c);
  if (v) out = std::move(*v);
  return v.has_value();
}
inline bool ReadCell(const Result& r, int c, Time& out) {
  const std::optional<Time> v = r.TimeAtOrNull(c);
  if (v) out = *v;
  return v.has_value();
}
inline bool ReadCell(const Result& r, int c, UUID& out) {
  const std::optional<UUID> v = r.UuidOrNull(c);
  if (v) out = *v;
  return v.has_value();
}
// A NULL cell leaves a std::optional empty and gives the zero value otherwise (an Optional field
// that is not Nillable, as ent reads it).
template <class T>
void Read(const Result& r, int c, T& out) {
  if (!ReadCell(r, c, out)) out = T{};
}
template <class T>
void Read(const Result& r, int c, std::optional<T>& out) {
  if (!out) out.emplace();
  if (!ReadCell(r, c, *out)) out.reset();
}

// The key a foreign-key member holds, or null (eager loading reads both forms).
template <class T>
const T* KeyOf(const std::optional<T>& v) {
  return v ? &*v : nullptr;
}
template <class T>
const T* KeyOf(const T& v) {
  return &v;
}

// Eager loading's parent rows by key (their ids, or the foreign keys they hold), each key's rows
// in order: what ties a loaded neighbour back to every parent row it belongs to.
template <class K>
class ParentIndex {
 public:
  static constexpr size_t kNone = static_cast<size_t>(-1);
  explicit ParentIndex(size_t rows) : next_(rows, kNone) { slots_.reserve(rows); }
  // Adds row `row` under `key`, rows in increasing order; true when `key` is new.
  bool Add(const K& key, size_t row) {
    const auto [it, added] = slots_.try_emplace(key, Slot{row, row});
    if (!added) {
      next_[it->second.last] = row;
      it->second.last = row;
    }
    return added;
  }
  // The first row under `key` (kNone for none); Next, the row after `row` under the same key.
  size_t First(const K& key) const {
    const auto it = slots_.find(key);
    return it == slots_.end() ? kNone : it->second.first;
  }
  size_t Next(size_t row) const { return next_[row]; }

 private:
  struct Slot {
    size_t first, last;
  };
  struct Hash {
    template <std::integral T>
    size_t operator()(T v) const {
      return std::hash<T>()(v);
    }
    size_t operator()(const std::string& v) const { return std::hash<std::string>()(v); }
    size_t operator()(const UUID& v) const { return Of(v.bytes.data(), v.bytes.size()); }
    size_t operator()(const Bytes& v) const { return Of(v.data(), v.size()); }
    static size_t Of(const std::uint8_t* p, size_t n) {
      return std::hash<std::string_view>()(std::string_view(reinterpret_cast<const char*>(p), n));
    }
  };
  std::unordered_map<K, Slot, Hash> slots_;
  std::vector<size_t> next_;  // per row: the next row under its key, or kNone
};

// A member as a statement argument.
inline strata::Value ToValue(bool v) { return v; }
template <std::integral T>
requires(!std::same_as<T, bool>) inline strata::Value ToValue(T v) {
  return static_cast<std::int64_t>(v);
}
template <std::floating_point T>
inline strata::Value ToValue(T v) {
  return static_cast<double>(v);
}
inline strata::Value ToValue(const std::string& v) { return v; }
inline strata::Value ToValue(std::string_view v) { return std::string(v); }
inline strata::Value ToValue(const Bytes& v) { return v; }
inline strata::Value ToValue(Time v) { return v; }
inline strata::Value ToValue(UUID v) { return v; }
template <class T>
strata::Value ToValue(const std::optional<T>& v) {
  if (!v) return nullptr;
  return ToValue(*v);
}

// A member as validators and hooks see it (strata/ent/descriptor.hpp's strata::Value).
inline ent::Value ToSchema(bool v) { return v; }
template <std::integral T>
requires(!std::same_as<T, bool>) inline ent::Value ToSchema(T v) {
  if constexpr (std::is_unsigned_v<T>) {
    return static_cast<std::uint64_t>(v);
  } else {
    return static_cast<std::int64_t>(v);
  }
}
template <std::floating_point T>
inline ent::Value ToSchema(T v) {
  return static_cast<double>(v);
}
inline ent::Value ToSchema(const std::string& v) { return v; }
inline ent::Value ToSchema(const Bytes& v) { return std::string(v.begin(), v.end()); }
inline ent::Value ToSchema(Time v) { return v; }
inline ent::Value ToSchema(UUID v) { return v; }

// A value of a default function, UpdateDefault or a hook's SetField into a member. Throws Error
// naming `what` when the value is of another kind.
void FromSchema(const ent::Value& v, bool& out, std::string_view what);
void FromSchema(const ent::Value& v, std::int64_t& out, std::string_view what);
void FromSchema(const ent::Value& v, std::uint64_t& out, std::string_view what);
void FromSchema(const ent::Value& v, double& out, std::string_view what);
void FromSchema(const ent::Value& v, std::string& out, std::string_view what);
void FromSchema(const ent::Value& v, Bytes& out, std::string_view what);
void FromSchema(const ent::Value& v, Time& out, std::string_view what);
void FromSchema(const ent::Value& v, UUID& out, std::string_view what);
template <std::integral T>
requires(!std::same_as<T, bool> && !std::same_as<T, std::int64_t> &&
         !std::same_as<T, std::uint64_t>) void FromSchema(const ent::Value& v, T& out,
                                                          std::string_view what) {
  if constexpr (std::is_unsigned_v<T>) {
    std::uint64_t wide = 0;
    FromSchema(v, wide, what);
    out = static_cast<T>(wide);
  } else {
    std::int64_t wide = 0;
    FromSchema(v, wide, what);
    out = static_cast<T>(wide);
  }
}
inline void FromSchema(const ent::Value& v, float& out, std::string_view what) {
  double wide = 0;
  FromSchema(v, wide, what);
  out = static_cast<float>(wide);
}

// ---- GroupBy and aggregates ------------------------------------------------------------------

// One aggregate of Query().Aggregate(…) or GroupBy(…).Aggregate(…): count(*), sum, min, max, avg.
struct AggregateFunc {
  const char* fn;
  const char* column;  // null for count(*)
};

// A query grouped by columns (none: the whole result is one group), with aggregates; Scan reads
// each result row into a struct, group columns first, then the aggregates, in order:
//   struct NameCount { std::string name; std::int64_t count; };
//   auto rows = client.User.Query().GroupBy(ent::user::FieldName).Aggregate(ent::Count())
//                   .Scan<NameCount>(&NameCount::name, &NameCount::count);
class GroupBy {
 public:
  GroupBy(std::shared_ptr<Config> config, QueryState state, std::vector<const char*> columns)
      : config_(std::move(config)), state_(std::move(state)), columns_(std::move(columns)) {}
  template <class... A>
  GroupBy& Aggregate(const A&... aggregates) {
    (aggregates_.push_back(aggregates), ...);
    return *this;
  }
  template <class T, class... M>
  std::vector<T> Scan(M T::*... members) const {
    Session session(*config_);
    Sql sql(session.dialect());
    Render(sql);
    Result r = session.Run(sql);
    std::vector<T> out;
    while (r.Next()) {
      T row{};
      int c = 0;
      (Read(r, c++, row.*members), ...);
      out.push_back(std::move(row));
    }
    return out;
  }
  // The single integer of a query with one aggregate and no group columns (Count, Sum of ints).
  std::int64_t Int() const;
  // The single float of a query with one aggregate and no group columns (Mean, Sum of floats).
  double Float() const;

 private:
  void Render(Sql& sql) const;
  std::shared_ptr<Config> config_;
  QueryState state_;
  std::vector<const char*> columns_;
  std::vector<AggregateFunc> aggregates_;
};

// Text for an entity's String(): "User(id=1, name=a8m)".
class Printer {
 public:
  explicit Printer(std::string_view entity);
  template <class T>
  Printer& Add(std::string_view name, const T& value, bool sensitive = false);
  std::string Done();

 private:
  void Put(std::string_view name, std::string text);
  std::string out_;
  bool first_ = true;
};

std::string Show(bool v);
std::string Show(std::int64_t v);
std::string Show(std::uint64_t v);
std::string Show(double v);
std::string Show(const std::string& v);
std::string Show(const Bytes& v);
std::string Show(const Time& v);
std::string Show(const UUID& v);
template <class T>
std::string Show(const std::optional<T>& v) {
  return v ? Show(*v) : std::string("<nil>");
}
template <class T>
Printer& Printer::Add(std::string_view name, const T& value, bool sensitive) {
  Put(name, sensitive ? std::string("<sensitive>") : Show(value));
  return *this;
}

}  // namespace strata::ent::rt

namespace strata::ent {

// The aggregates of Aggregate(…); `column` is a Field… constant of the queried entity.
inline rt::AggregateFunc Count() { return {"count", nullptr}; }
inline rt::AggregateFunc Sum(const char* column) { return {"sum", column}; }
inline rt::AggregateFunc Min(const char* column) { return {"min", column}; }
inline rt::AggregateFunc Max(const char* column) { return {"max", column}; }
inline rt::AggregateFunc Mean(const char* column) { return {"avg", column}; }

}  // namespace strata::ent
