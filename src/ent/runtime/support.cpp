// The generated client's run-time support: sessions, schema descriptors, validators, hooks, edge
// changes, errors and the entities' string form (see strata/ent/runtime.hpp).
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <mutex>

#include "strata/ent/runtime.hpp"

namespace strata::ent::rt {

Session::Session(const Config& config) : config_(config), dialect_(config.db.dialect()) {
  if (config.tx != nullptr) {
    conn_ = config.tx;
  } else {
    lease_.emplace(config.db.Acquire());
  }
}

Result Session::Run(const Sql& sql) {
  if (config_.log) config_.log(sql.Describe());
  return conn().Execute(sql.text(), sql.args());
}

Result Session::Run(std::string_view text, std::span<const strata::Value> args) {
  if (config_.log) config_.log(Sql::Describe(text, args));
  return conn().Execute(text, args);
}

void Session::Atomically(const std::function<void()>& body) {
  if (conn().InTransaction()) {
    body();
    return;
  }
  Transaction tx(conn());
  body();
  tx.Commit();
}

std::vector<Hook> HooksFor(const Config& config, std::string_view entity,
                           const std::vector<Hook>& schema_hooks) {
  std::vector<Hook> out = config.hooks;
  if (auto it = config.entity_hooks.find(entity); it != config.entity_hooks.end()) {
    out.insert(out.end(), it->second.begin(), it->second.end());
  }
  out.insert(out.end(), schema_hooks.begin(), schema_hooks.end());
  return out;
}

TxScope::TxScope(const Config& base) : config_(std::make_shared<Config>(base)) {
  if (base.tx != nullptr) {
    throw Error(
        "a transaction is already open on this client: nested transactions are not "
        "supported (use the Tx client's entity clients directly)");
  }
  lease_.emplace(base.db.Acquire());
  config_->tx = &lease_->conn();
  if (config_->log) config_->log("BEGIN");
  config_->tx->Exec("BEGIN");
  open_ = true;
}

TxScope::~TxScope() {
  if (!open_) return;
  try {
    Rollback();
  } catch (const Error&) {
    // The connection is broken: the pool replaces it and the server rolled back.
  }
}

void TxScope::Commit() {
  if (!open_) throw Error("the transaction is already committed or rolled back");
  open_ = false;
  if (config_->log) config_->log("COMMIT");
  config_->tx->Exec("COMMIT");
}

void TxScope::Rollback() {
  if (!open_) throw Error("the transaction is already committed or rolled back");
  open_ = false;
  if (config_->log) config_->log("ROLLBACK");
  config_->tx->Exec("ROLLBACK");
}

const SchemaDescriptor& Descriptor(std::string_view entity) {
  for (const SchemaDescriptor& d : RegisteredSchemas()) {
    if (d.name == entity) return d;
  }
  throw Error(fmt::format(
      "the schema of entity {} is not in this program: compile the schema files (the *.cpp of "
      "the schema folder, with their STRATA_SCHEMA lines) into it together with the generated "
      "client (strata_generate does)",
      entity));
}

const FieldDescriptor& Field(std::string_view entity, std::string_view field) {
  for (const FieldDescriptor& f : Descriptor(entity).fields) {
    if (f.name == field) return f;
  }
  throw Error(fmt::format(
      "entity {} has no field {} in the schema compiled into this program, but the generated "
      "client has: run `strata generate` again",
      entity, field));
}

void Validate(const FieldDescriptor& field, std::string_view entity, const ent::Value& value) {
  for (const Validator& v : field.validators) {
    if (!v.check) continue;
    try {
      v.check(value);
    } catch (const std::exception& e) {
      const std::string rule = v.arg.empty() ? v.name : fmt::format("{} {}", v.name, v.arg);
      throw ValidationError(
          fmt::format("{}.{}: validator {} failed: {}", entity, field.name, rule, e.what()),
          std::string(entity), field.name);
    }
  }
}

strata::Value ToDriver(const ent::Value& value) {
  return std::visit(
      [](const auto& x) -> strata::Value {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
          return static_cast<std::int64_t>(x);
        } else {
          return x;
        }
      },
      value);
}

void RunHooks(const std::vector<Hook>& hooks, Mutation& mutation, const Mutator& perform) {
  if (hooks.empty()) {
    perform(mutation);
    return;
  }
  Mutator chain = perform;
  for (auto it = hooks.rbegin(); it != hooks.rend(); ++it) chain = (*it)(chain);
  chain(mutation);
}

namespace {

// INSERT INTO join (this, other) VALUES … for every pair, skipping pairs already there.
void InsertPairs(Session& session, const EdgeSpec& edge, const strata::Value& id,
                 const std::vector<strata::Value>& others, bool reverse) {
  if (others.empty()) return;
  Sql sql(session.dialect());
  sql.Raw("INSERT INTO ").JoinTable(edge).Raw(" (");
  sql.Ident(edge.join_this).Raw(", ").Ident(edge.join_other).Raw(") VALUES ");
  for (size_t i = 0; i < others.size(); ++i) {
    if (i > 0) sql.Raw(", ");
    sql.Raw("(");
    if (reverse) {
      sql.Arg(others[i]).Raw(", ").Arg(id);
    } else {
      sql.Arg(id).Raw(", ").Arg(others[i]);
    }
    sql.Raw(")");
  }
  sql.Raw(" ON CONFLICT DO NOTHING");
  session.Run(sql);
}

// DELETE FROM join WHERE this = id [AND other IN others] (columns swapped when `reverse`).
void DeletePairs(Session& session, const EdgeSpec& edge, const strata::Value& id,
                 const std::vector<strata::Value>* others, bool reverse) {
  Sql sql(session.dialect());
  const char* mine = reverse ? edge.join_other : edge.join_this;
  const char* theirs = reverse ? edge.join_this : edge.join_other;
  sql.Raw("DELETE FROM ").JoinTable(edge).Raw(" AS ").Ident("j");
  sql.Raw(" WHERE ").Column("j", mine).Raw(" = ").Arg(id);
  if (others != nullptr) sql.Raw(" AND ").InList("j", theirs, *others);
  session.Run(sql);
}

}  // namespace

void ApplyEdgeChange(Session& session, const EdgeChange& change, const strata::Value& id) {
  const EdgeSpec& edge = *change.edge;
  if (edge.kind == EdgeSpec::Kind::kOwnFk) {
    throw Error(fmt::format("edge {} is stored in the entity's own row", edge.name));
  }
  if (edge.kind == EdgeSpec::Kind::kJoin) {
    if (change.clear) {
      DeletePairs(session, edge, id, nullptr, false);
      if (edge.bidi) DeletePairs(session, edge, id, nullptr, true);
    }
    if (!change.remove.empty()) {
      DeletePairs(session, edge, id, &change.remove, false);
      if (edge.bidi) DeletePairs(session, edge, id, &change.remove, true);
    }
    InsertPairs(session, edge, id, change.add, false);
    if (edge.bidi) InsertPairs(session, edge, id, change.add, true);
    return;
  }
  // kTheirFk: the neighbours' rows hold the key.
  const TableSpec& target = edge.target();
  if (change.clear || !change.remove.empty()) {
    Sql sql(session.dialect());
    sql.Raw("UPDATE ").Table(target).Raw(" AS ").Ident("t0").Raw(" SET ").Ident(edge.column);
    sql.Raw(" = NULL WHERE ").Column("t0", edge.column).Raw(" = ").Arg(id);
    if (!change.clear) sql.Raw(" AND ").InList("t0", target.id, change.remove);
    session.Run(sql);
  }
  if (!change.add.empty()) {
    if (edge.unique) {
      // O2O: the neighbour this entity had lets go first (its key column is unique).
      Sql clear(session.dialect());
      clear.Raw("UPDATE ").Table(target).Raw(" AS ").Ident("t0").Raw(" SET ");
      clear.Ident(edge.column).Raw(" = NULL WHERE ").Column("t0", edge.column).Raw(" = ");
      clear.Arg(id).Raw(" AND NOT (").InList("t0", target.id, change.add).Raw(")");
      session.Run(clear);
    }
    Sql sql(session.dialect());
    sql.Raw("UPDATE ").Table(target).Raw(" AS ").Ident("t0").Raw(" SET ").Ident(edge.column);
    sql.Raw(" = ").Arg(id).Raw(" WHERE ").InList("t0", target.id, change.add);
    const std::int64_t n = session.Run(sql).affected();
    if (n != static_cast<std::int64_t>(change.add.size())) {
      throw NotFoundError(fmt::format("{} of the {} {} to add to edge {} of {} do not exist",
                                      change.add.size() - n, change.add.size(), target.entity,
                                      edge.name, edge.owner().entity));
    }
  }
}

strata::Value IdAt(const Result& result, int col, bool integer) {
  if (integer) return result.Int(col);
  return std::string(result.Text(col));
}

void RethrowWithEntity(const TableSpec& spec, std::string_view action) {
  try {
    throw;
  } catch (ConstraintError& e) {
    ConstraintError out(fmt::format("{} {}: {}", action, spec.entity, e.what()), e.sqlstate,
                        e.server_message, e.statement, e.position);
    out.kind = e.kind;
    out.constraint = e.constraint;
    throw out;
  }
}

void ThrowNotFound(const TableSpec& spec, std::string_view what) {
  throw NotFoundError(what.empty() ? fmt::format("{} not found", spec.entity)
                                   : fmt::format("{} not found: {}", spec.entity, what));
}

void ThrowNotSingular(const TableSpec& spec) {
  throw NotSingularError(
      fmt::format("{} not singular: the query matched more than one", spec.entity));
}

namespace {

[[noreturn]] void WrongKind(std::string_view what, std::string_view want) {
  throw Error(fmt::format("{}: expected a value of kind {}", what, want));
}

}  // namespace

void FromSchema(const ent::Value& v, bool& out, std::string_view what) {
  if (const auto* b = std::get_if<bool>(&v)) {
    out = *b;
    return;
  }
  WrongKind(what, "bool");
}
void FromSchema(const ent::Value& v, std::int64_t& out, std::string_view what) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    out = *i;
  } else if (const auto* u = std::get_if<std::uint64_t>(&v)) {
    out = static_cast<std::int64_t>(*u);
  } else {
    WrongKind(what, "integer");
  }
}
void FromSchema(const ent::Value& v, std::uint64_t& out, std::string_view what) {
  if (const auto* u = std::get_if<std::uint64_t>(&v)) {
    out = *u;
  } else if (const auto* i = std::get_if<std::int64_t>(&v); i != nullptr && *i >= 0) {
    out = static_cast<std::uint64_t>(*i);
  } else {
    WrongKind(what, "unsigned integer");
  }
}
void FromSchema(const ent::Value& v, double& out, std::string_view what) {
  if (const auto* d = std::get_if<double>(&v)) {
    out = *d;
  } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
    out = static_cast<double>(*i);
  } else {
    WrongKind(what, "float");
  }
}
void FromSchema(const ent::Value& v, std::string& out, std::string_view what) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    out = *s;
    return;
  }
  WrongKind(what, "string");
}
void FromSchema(const ent::Value& v, Bytes& out, std::string_view what) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    out.assign(s->begin(), s->end());
    return;
  }
  WrongKind(what, "bytes");
}
void FromSchema(const ent::Value& v, Time& out, std::string_view what) {
  if (const auto* t = std::get_if<Time>(&v)) {
    out = *t;
    return;
  }
  WrongKind(what, "time");
}
void FromSchema(const ent::Value& v, UUID& out, std::string_view what) {
  if (const auto* u = std::get_if<UUID>(&v)) {
    out = *u;
    return;
  }
  WrongKind(what, "UUID");
}

Printer::Printer(std::string_view entity) : out_(entity) { out_.push_back('('); }

void Printer::Put(std::string_view name, std::string text) {
  if (!first_) out_ += ", ";
  first_ = false;
  out_ += name;
  out_.push_back('=');
  out_ += text;
}

std::string Printer::Done() { return out_ + ")"; }

std::string Show(bool v) { return v ? "true" : "false"; }
std::string Show(std::int64_t v) { return std::to_string(v); }
std::string Show(std::uint64_t v) { return std::to_string(v); }
std::string Show(double v) { return fmt::format("{}", v); }
std::string Show(const std::string& v) { return v; }
std::string Show(const Bytes& v) {
  std::string out;
  for (std::uint8_t b : v) out += fmt::format("{:02x}", b);
  return out;
}
std::string Show(const Time& v) {
  const auto us = std::chrono::time_point_cast<std::chrono::microseconds>(v);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", us);
}
std::string Show(const UUID& v) { return v.ToString(); }

}  // namespace strata::ent::rt
