// Building statements: the Sql builder, predicates, and the SELECT, INSERT, UPDATE and DELETE
// forms the generated client sends (see strata/ent/runtime.hpp).
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstring>

#include "strata/ent/runtime.hpp"

namespace strata::ent::rt {
namespace {

// A value as text inside an array literal (PostgreSQL) or a JSON array (SQLite).
std::string ListElement(const strata::Value& v, Dialect dialect) {
  const bool pg = dialect == Dialect::kPostgres;
  const auto quoted = [pg](std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') out.push_back('\\');
      if (!pg && static_cast<unsigned char>(c) < 0x20) {
        out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        continue;
      }
      out.push_back(c);
    }
    return out + "\"";
  };
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&v)) return quoted(*s);
  if (const auto* u = std::get_if<UUID>(&v)) return quoted(u->ToString());
  if (const auto* b = std::get_if<bool>(&v)) return pg ? (*b ? "t" : "f") : (*b ? "1" : "0");
  if (const auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  throw Error(
      "a list of this kind of value cannot be bound (only integers, strings, UUIDs, "
      "booleans and floats can be)");
}

std::string ShowValue(const strata::Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          return "NULL";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return fmt::format("{:?}", x);
        } else {
          return Show(x);
        }
      },
      v);
}

class CompareNode final : public Node {
 public:
  CompareNode(const char* column, const char* op, strata::Value value, bool sensitive)
      : column_(column), op_(op), value_(std::move(value)), sensitive_(sensitive) {}
  void Render(Sql& sql, std::string_view alias) const override {
    sql.Column(alias, column_).Raw(" ").Raw(op_).Raw(" ").Arg(value_, sensitive_);
  }

 private:
  const char* column_;
  const char* op_;
  strata::Value value_;
  bool sensitive_;
};

class InNode final : public Node {
 public:
  InNode(const char* column, std::vector<strata::Value> values, bool negate)
      : column_(column), values_(std::move(values)), negate_(negate) {}
  void Render(Sql& sql, std::string_view alias) const override {
    if (negate_) sql.Raw("NOT (");
    sql.InList(alias, column_, values_);
    if (negate_) sql.Raw(")");
  }

 private:
  const char* column_;
  std::vector<strata::Value> values_;
  bool negate_;
};

class NullNode final : public Node {
 public:
  NullNode(const char* column, bool negate) : column_(column), negate_(negate) {}
  void Render(Sql& sql, std::string_view alias) const override {
    sql.Column(alias, column_).Raw(negate_ ? " IS NOT NULL" : " IS NULL");
  }

 private:
  const char* column_;
  bool negate_;
};

// LIKE with the pattern's own wildcards escaped; the fold forms compare lower-cased text.
class LikeNode final : public Node {
 public:
  LikeNode(const char* column, Match match, std::string value)
      : column_(column), match_(match), value_(std::move(value)) {}
  void Render(Sql& sql, std::string_view alias) const override {
    if (match_ == Match::kEqualFold) {
      sql.Raw("lower(").Column(alias, column_).Raw(") = lower(").Arg(value_).Raw(")");
      return;
    }
    const bool fold = match_ == Match::kContainsFold;
    // SQLite's LIKE ignores ASCII case: the case-sensitive forms compare slices instead.
    if (!fold && sql.dialect() == Dialect::kSqlite) {
      SqliteCaseSensitive(sql, alias);
      return;
    }
    std::string pattern;
    for (char c : value_) {
      if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
      pattern.push_back(c);
    }
    if (match_ != Match::kHasPrefix) pattern.insert(0, "%");
    if (match_ != Match::kHasSuffix) pattern.push_back('%');
    if (fold) {
      sql.Raw("lower(").Column(alias, column_).Raw(") LIKE lower(").Arg(pattern).Raw(")");
    } else {
      sql.Column(alias, column_).Raw(" LIKE ").Arg(pattern);
    }
    sql.Raw(" ESCAPE '\\'");
  }

 private:
  // instr() and substr() are case-sensitive on SQLite.
  void SqliteCaseSensitive(Sql& sql, std::string_view alias) const {
    switch (match_) {
      case Match::kContains:
        sql.Raw("instr(").Column(alias, column_).Raw(", ").Arg(value_).Raw(") > 0");
        return;
      case Match::kHasPrefix:
        sql.Raw("substr(").Column(alias, column_).Raw(", 1, length(").Arg(value_).Raw(")) = ");
        sql.Arg(value_);
        return;
      default:
        sql.Raw("(length(").Arg(value_).Raw(") = 0 OR substr(").Column(alias, column_);
        sql.Raw(", -length(").Arg(value_).Raw(")) = ").Arg(value_).Raw(")");
        return;
    }
  }

  const char* column_;
  Match match_;
  std::string value_;
};

// The subquery selecting `column` of the rows of `spec` matching `where`.
void SubSelect(Sql& sql, const TableSpec& spec, const char* column,
               const std::vector<Predicate>& where) {
  const std::string a = sql.NewAlias();
  sql.Raw("SELECT ").Column(a, column).Raw(" FROM ").Table(spec).Raw(" AS ").Ident(a);
  RenderWhere(sql, where, a);
}

class HasEdgeNode final : public Node {
 public:
  HasEdgeNode(const EdgeSpec& edge, std::vector<Predicate> with)
      : edge_(edge), with_(std::move(with)) {}
  void Render(Sql& sql, std::string_view alias) const override {
    const TableSpec& owner = edge_.owner();
    const TableSpec& target = edge_.target();
    switch (edge_.kind) {
      case EdgeSpec::Kind::kOwnFk:
        if (with_.empty()) {
          sql.Column(alias, edge_.column).Raw(" IS NOT NULL");
          return;
        }
        sql.Column(alias, edge_.column).Raw(" IN (");
        SubSelect(sql, target, target.id, with_);
        sql.Raw(")");
        return;
      case EdgeSpec::Kind::kTheirFk: {
        const std::string a = sql.NewAlias();
        sql.Raw("EXISTS (SELECT 1 FROM ").Table(target).Raw(" AS ").Ident(a).Raw(" WHERE ");
        sql.Column(a, edge_.column).Raw(" = ").Column(alias, owner.id);
        for (const Predicate& p : with_) {
          sql.Raw(" AND ");
          p.Render(sql, a);
        }
        sql.Raw(")");
        return;
      }
      case EdgeSpec::Kind::kJoin: {
        const std::string a = sql.NewAlias();
        sql.Raw("EXISTS (SELECT 1 FROM ").JoinTable(edge_).Raw(" AS ").Ident(a);
        sql.Raw(" WHERE ").Column(a, edge_.join_this).Raw(" = ").Column(alias, owner.id);
        if (!with_.empty()) {
          sql.Raw(" AND ").Column(a, edge_.join_other).Raw(" IN (");
          SubSelect(sql, target, target.id, with_);
          sql.Raw(")");
        }
        sql.Raw(")");
        return;
      }
    }
  }

 private:
  const EdgeSpec& edge_;
  std::vector<Predicate> with_;
};

class JunctionNode final : public Node {
 public:
  JunctionNode(const char* op, std::vector<Predicate> parts) : op_(op), parts_(std::move(parts)) {}
  void Render(Sql& sql, std::string_view alias) const override {
    if (parts_.empty()) {
      sql.Raw(std::string_view(op_) == "AND" ? "TRUE" : "FALSE");
      return;
    }
    sql.Raw("(");
    for (size_t i = 0; i < parts_.size(); ++i) {
      if (i > 0) sql.Raw(" ").Raw(op_).Raw(" ");
      parts_[i].Render(sql, alias);
    }
    sql.Raw(")");
  }

 private:
  const char* op_;
  std::vector<Predicate> parts_;
};

class NotNode final : public Node {
 public:
  explicit NotNode(Predicate p) : p_(std::move(p)) {}
  void Render(Sql& sql, std::string_view alias) const override {
    sql.Raw("NOT (");
    p_.Render(sql, alias);
    sql.Raw(")");
  }

 private:
  Predicate p_;
};

// The rows of the new query's table that are neighbours through `edge` of the parent rows the
// subquery `parents` (rendered by the callback, selecting the parent column asked for) gives.
class ThroughNode final : public Node {
 public:
  using Parents = std::function<void(Sql&, const char* column)>;
  ThroughNode(const EdgeSpec& edge, Parents parents) : edge_(edge), parents_(std::move(parents)) {}
  void Render(Sql& sql, std::string_view alias) const override {
    const TableSpec& owner = edge_.owner();
    const TableSpec& target = edge_.target();
    switch (edge_.kind) {
      case EdgeSpec::Kind::kOwnFk:
        sql.Column(alias, target.id).Raw(" IN (");
        parents_(sql, edge_.column);
        sql.Raw(")");
        return;
      case EdgeSpec::Kind::kTheirFk:
        sql.Column(alias, edge_.column).Raw(" IN (");
        parents_(sql, owner.id);
        sql.Raw(")");
        return;
      case EdgeSpec::Kind::kJoin: {
        const std::string j = sql.NewAlias();
        sql.Column(alias, target.id).Raw(" IN (SELECT ").Column(j, edge_.join_other);
        sql.Raw(" FROM ").JoinTable(edge_).Raw(" AS ").Ident(j).Raw(" WHERE ");
        sql.Column(j, edge_.join_this).Raw(" IN (");
        parents_(sql, owner.id);
        sql.Raw("))");
        return;
      }
    }
  }

 private:
  const EdgeSpec& edge_;
  Parents parents_;
};

void RenderOrder(Sql& sql, const std::vector<OrderTerm>& order, std::string_view alias) {
  for (size_t i = 0; i < order.size(); ++i) {
    sql.Raw(i == 0 ? " ORDER BY " : ", ");
    const OrderTerm& term = order[i];
    if (term.column != nullptr) {
      sql.Column(alias, term.column);
    } else {
      const EdgeSpec& e = *term.count_of;
      const std::string a = sql.NewAlias();
      switch (e.kind) {
        case EdgeSpec::Kind::kOwnFk:
          sql.Raw("(CASE WHEN ").Column(alias, e.column).Raw(" IS NULL THEN 0 ELSE 1 END)");
          break;
        case EdgeSpec::Kind::kTheirFk:
          sql.Raw("(SELECT count(*) FROM ").Table(e.target()).Raw(" AS ").Ident(a);
          sql.Raw(" WHERE ").Column(a, e.column).Raw(" = ").Column(alias, e.owner().id);
          sql.Raw(")");
          break;
        case EdgeSpec::Kind::kJoin:
          sql.Raw("(SELECT count(*) FROM ").JoinTable(e).Raw(" AS ").Ident(a);
          sql.Raw(" WHERE ").Column(a, e.join_this).Raw(" = ").Column(alias, e.owner().id);
          sql.Raw(")");
          break;
      }
    }
    if (term.option.desc) sql.Raw(" DESC");
    if (term.option.nulls < 0) sql.Raw(" NULLS FIRST");
    if (term.option.nulls > 0) sql.Raw(" NULLS LAST");
  }
}

void RenderLimit(Sql& sql, const QueryState& state) {
  if (state.limit) {
    sql.Raw(" LIMIT ").Arg(*state.limit);
  } else if (state.offset && sql.dialect() == Dialect::kSqlite) {
    sql.Raw(" LIMIT -1");  // SQLite has no OFFSET without LIMIT
  }
  if (state.offset) sql.Raw(" OFFSET ").Arg(*state.offset);
}

void RenderColumns(Sql& sql, const TableSpec& spec, std::span<const char* const> columns,
                   std::string_view alias) {
  if (columns.empty()) columns = spec.columns;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql.Raw(", ");
    sql.Column(alias, columns[i]);
  }
}

void RenderReturning(Sql& sql, const TableSpec& spec) {
  sql.Raw(" RETURNING ");
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    if (i > 0) sql.Raw(", ");
    sql.Ident(spec.columns[i]);
  }
}

}  // namespace

Sql& Sql::Ident(std::string_view name) {
  text_.push_back('"');
  for (char c : name) {
    if (c == '"') text_.push_back('"');
    text_.push_back(c);
  }
  text_.push_back('"');
  return *this;
}

Sql& Sql::Column(std::string_view alias, std::string_view column) {
  return Ident(alias).Raw(".").Ident(column);
}

Sql& Sql::Table(const TableSpec& spec) {
  if (spec.schema[0] != '\0') Ident(spec.schema).Raw(".");
  return Ident(spec.table);
}

Sql& Sql::JoinTable(const EdgeSpec& edge) {
  const TableSpec& owner = edge.owner();
  if (owner.schema[0] != '\0') Ident(owner.schema).Raw(".");
  return Ident(edge.join_table);
}

Sql& Sql::Arg(strata::Value value, bool sensitive) {
  args_.push_back(std::move(value));
  sensitive_.push_back(sensitive);
  char buf[24];
  buf[0] = dialect_ == Dialect::kPostgres ? '$' : '?';
  const auto [end, ec] = std::to_chars(buf + 1, buf + sizeof buf, args_.size());
  text_.append(buf, end);
  return *this;
}

Sql& Sql::InList(std::string_view alias, std::string_view column,
                 const std::vector<strata::Value>& values) {
  const bool pg = dialect_ == Dialect::kPostgres;
  std::string list = pg ? "{" : "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) list.push_back(',');
    list += ListElement(values[i], dialect_);
  }
  list.push_back(pg ? '}' : ']');
  Column(alias, column);
  if (pg) {
    Raw(" = ANY(").Arg(std::move(list)).Raw(")");
  } else {
    Raw(" IN (SELECT value FROM json_each(").Arg(std::move(list)).Raw("))");
  }
  return *this;
}

std::string Sql::Describe() const {
  std::string out = text_;
  if (args_.empty()) return out;
  out += " args=[";
  for (size_t i = 0; i < args_.size(); ++i) {
    if (i > 0) out += ", ";
    out += sensitive_[i] ? "xxxxx" : ShowValue(args_[i]);
  }
  return out + "]";
}

std::string Sql::Describe(std::string_view text, std::span<const strata::Value> args) {
  Sql sql(Dialect::kSqlite);
  sql.text_ = text;
  sql.args_.assign(args.begin(), args.end());
  sql.sensitive_.assign(args.size(), false);
  return sql.Describe();
}

Predicate Compare(const char* column, const char* op, strata::Value value, bool sensitive) {
  return Predicate(std::make_shared<CompareNode>(column, op, std::move(value), sensitive));
}
Predicate In(const char* column, std::vector<strata::Value> values, bool negate) {
  return Predicate(std::make_shared<InNode>(column, std::move(values), negate));
}
Predicate IsNull(const char* column, bool negate) {
  return Predicate(std::make_shared<NullNode>(column, negate));
}
Predicate Like(const char* column, Match match, std::string value) {
  return Predicate(std::make_shared<LikeNode>(column, match, std::move(value)));
}
Predicate HasEdge(const EdgeSpec& edge, std::vector<Predicate> with) {
  return Predicate(std::make_shared<HasEdgeNode>(edge, std::move(with)));
}
Predicate And(std::vector<Predicate> predicates) {
  return Predicate(std::make_shared<JunctionNode>("AND", std::move(predicates)));
}
Predicate Or(std::vector<Predicate> predicates) {
  return Predicate(std::make_shared<JunctionNode>("OR", std::move(predicates)));
}
Predicate Not(Predicate predicate) {
  return Predicate(std::make_shared<NotNode>(std::move(predicate)));
}

void RenderWhere(Sql& sql, const std::vector<Predicate>& where, std::string_view alias) {
  for (size_t i = 0; i < where.size(); ++i) {
    sql.Raw(i == 0 ? " WHERE " : " AND ");
    where[i].Render(sql, alias);
  }
}

void RenderSelect(Sql& sql, const QueryState& state, std::span<const char* const> columns) {
  const TableSpec& spec = *state.spec;
  sql.Raw(state.unique.value_or(false) ? "SELECT DISTINCT " : "SELECT ");
  if (columns.empty()) columns = state.select;
  RenderColumns(sql, spec, columns, "t0");
  sql.Raw(" FROM ").Table(spec).Raw(" AS ").Ident("t0");
  RenderWhere(sql, state.where, "t0");
  RenderOrder(sql, state.order, "t0");
  RenderLimit(sql, state);
  if (state.for_update && sql.dialect() == Dialect::kPostgres) sql.Raw(" FOR UPDATE");
}

void RenderCount(Sql& sql, const QueryState& state) {
  const TableSpec& spec = *state.spec;
  if (!state.limit && !state.offset && !state.unique.value_or(false) && state.select.empty()) {
    sql.Raw("SELECT count(*) FROM ").Table(spec).Raw(" AS ").Ident("t0");
    RenderWhere(sql, state.where, "t0");
    return;
  }
  QueryState inner = state;
  inner.order.clear();
  inner.for_update = false;
  sql.Raw("SELECT count(*) FROM (");
  const char* id[] = {spec.id};
  RenderSelect(sql, inner, inner.select.empty() ? std::span<const char* const>(id) : inner.select);
  sql.Raw(") AS ").Ident("c");
}

std::vector<int> ColumnIndexes(const TableSpec& spec, std::span<const char* const> selected,
                               int first) {
  std::vector<int> at(spec.columns.size(), -1);
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    if (selected.empty()) {
      at[i] = first + static_cast<int>(i);
      continue;
    }
    for (size_t k = 0; k < selected.size(); ++k) {
      if (std::strcmp(selected[k], spec.columns[i]) == 0) {
        at[i] = first + static_cast<int>(k);
        break;
      }
    }
  }
  return at;
}

Predicate Through(const EdgeSpec& edge, const QueryState& parent) {
  return Predicate(std::make_shared<ThroughNode>(edge, [parent](Sql& sql, const char* column) {
    const std::string a = sql.NewAlias();
    QueryState p = parent;
    p.for_update = false;
    sql.Raw("SELECT ").Column(a, column).Raw(" FROM (");
    const char* cols[] = {column};
    RenderSelect(sql, p, cols);
    sql.Raw(") AS ").Ident(a);
  }));
}

Predicate NeighboursOf(const EdgeSpec& edge, std::vector<strata::Value> parent_ids) {
  return Predicate(std::make_shared<ThroughNode>(
      edge, [&edge, ids = std::move(parent_ids)](Sql& sql, const char* column) {
        const TableSpec& owner = edge.owner();
        const std::string a = sql.NewAlias();
        sql.Raw("SELECT ").Column(a, column).Raw(" FROM ").Table(owner).Raw(" AS ").Ident(a);
        sql.Raw(" WHERE ").InList(a, owner.id, ids);
      }));
}

void RenderEdgeLoad(Sql& sql, const EdgeSpec& edge, const std::vector<strata::Value>& keys,
                    const QueryState& child) {
  const TableSpec& target = edge.target();
  std::span<const char* const> columns =
      child.select.empty() ? target.columns : std::span<const char* const>(child.select);
  sql.Raw("SELECT ");
  switch (edge.kind) {
    case EdgeSpec::Kind::kOwnFk:
      sql.Column("t0", target.id);
      break;
    case EdgeSpec::Kind::kTheirFk:
      sql.Column("t0", edge.column);
      break;
    case EdgeSpec::Kind::kJoin:
      sql.Column("j", edge.join_this);
      break;
  }
  sql.Raw(" AS ").Ident("strata_key").Raw(", ");
  RenderColumns(sql, target, columns, "t0");
  sql.Raw(" FROM ").Table(target).Raw(" AS ").Ident("t0");
  if (edge.kind == EdgeSpec::Kind::kJoin) {
    sql.Raw(" JOIN ").JoinTable(edge).Raw(" AS ").Ident("j").Raw(" ON ");
    sql.Column("j", edge.join_other).Raw(" = ").Column("t0", target.id);
  }
  sql.Raw(" WHERE ");
  switch (edge.kind) {
    case EdgeSpec::Kind::kOwnFk:
      sql.InList("t0", target.id, keys);
      break;
    case EdgeSpec::Kind::kTheirFk:
      sql.InList("t0", edge.column, keys);
      break;
    case EdgeSpec::Kind::kJoin:
      sql.InList("j", edge.join_this, keys);
      break;
  }
  for (const Predicate& p : child.where) {
    sql.Raw(" AND ");
    p.Render(sql, "t0");
  }
  RenderOrder(sql, child.order, "t0");
  RenderLimit(sql, child);
}

void RenderInsert(Sql& sql, const TableSpec& spec, std::vector<std::vector<Assignment>> rows) {
  RenderInsert(sql, spec, std::move(rows), OnConflict{});
}

void RenderInsert(Sql& sql, const TableSpec& spec, std::vector<std::vector<Assignment>> rows,
                  const OnConflict& conflict) {
  sql.Raw("INSERT INTO ").Table(spec);
  const std::vector<Assignment>& first = rows.front();
  if (first.empty()) {
    if (rows.size() != 1) throw Error("a bulk create of rows without values is not supported");
    sql.Raw(" DEFAULT VALUES");
  } else {
    sql.Raw(" (");
    for (size_t i = 0; i < first.size(); ++i) {
      if (i > 0) sql.Raw(", ");
      sql.Ident(first[i].column);
    }
    sql.Raw(") VALUES ");
    sql.ReserveArgs(rows.size() * first.size());
    for (size_t r = 0; r < rows.size(); ++r) {
      if (r > 0) sql.Raw(", ");
      sql.Raw("(");
      for (size_t i = 0; i < rows[r].size(); ++i) {
        if (i > 0) sql.Raw(", ");
        sql.Arg(std::move(rows[r][i].value), rows[r][i].sensitive);
      }
      sql.Raw(")");
    }
  }
  if (!conflict.columns.empty()) {
    sql.Raw(" ON CONFLICT (");
    for (size_t i = 0; i < conflict.columns.size(); ++i) {
      if (i > 0) sql.Raw(", ");
      sql.Ident(conflict.columns[i]);
    }
    sql.Raw(")");
    std::vector<const char*> update = conflict.update;
    if (conflict.update_new_values) {
      for (const Assignment& a : first) update.push_back(a.column);
    }
    if (conflict.do_nothing) {
      sql.Raw(" DO NOTHING");
    } else if (!update.empty()) {
      sql.Raw(" DO UPDATE SET ");
      for (size_t i = 0; i < update.size(); ++i) {
        if (i > 0) sql.Raw(", ");
        sql.Ident(update[i]).Raw(" = ").Raw("excluded.").Ident(update[i]);
      }
    } else {
      // Ignore(): a no-op update so that RETURNING gives the existing row.
      sql.Raw(" DO UPDATE SET ").Ident(conflict.columns.front()).Raw(" = ");
      sql.Table(spec).Raw(".").Ident(conflict.columns.front());
    }
  }
  RenderReturning(sql, spec);
}

void RenderUpdate(Sql& sql, const TableSpec& spec, const std::vector<Assignment>& set,
                  const std::vector<Predicate>& where, bool returning) {
  sql.Raw("UPDATE ").Table(spec).Raw(" AS ").Ident("t0").Raw(" SET ");
  for (size_t i = 0; i < set.size(); ++i) {
    if (i > 0) sql.Raw(", ");
    const Assignment& a = set[i];
    sql.Ident(a.column).Raw(" = ");
    switch (a.op) {
      case Assignment::Op::kSet:
        sql.Arg(a.value, a.sensitive);
        break;
      case Assignment::Op::kAdd:
        sql.Raw("COALESCE(").Column("t0", a.column).Raw(", 0) + ").Arg(a.value, a.sensitive);
        break;
      case Assignment::Op::kClear:
        sql.Raw("NULL");
        break;
    }
  }
  RenderWhere(sql, where, "t0");
  if (returning) RenderReturning(sql, spec);
}

void RenderDelete(Sql& sql, const TableSpec& spec, const std::vector<Predicate>& where) {
  sql.Raw("DELETE FROM ").Table(spec).Raw(" AS ").Ident("t0");
  RenderWhere(sql, where, "t0");
}

void GroupBy::Render(Sql& sql) const {
  const TableSpec& spec = *state_.spec;
  sql.Raw("SELECT ");
  bool first = true;
  for (const char* c : columns_) {
    if (!first) sql.Raw(", ");
    first = false;
    sql.Column("t0", c);
  }
  for (const AggregateFunc& a : aggregates_) {
    if (!first) sql.Raw(", ");
    first = false;
    sql.Raw(a.fn).Raw("(");
    if (a.column == nullptr) {
      sql.Raw("*");
    } else {
      sql.Column("t0", a.column);
    }
    sql.Raw(")");
  }
  if (first) throw InputError("GroupBy: name the group columns or add an Aggregate");
  sql.Raw(" FROM ").Table(spec).Raw(" AS ").Ident("t0");
  RenderWhere(sql, state_.where, "t0");
  for (size_t i = 0; i < columns_.size(); ++i) {
    sql.Raw(i == 0 ? " GROUP BY " : ", ").Column("t0", columns_[i]);
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    sql.Raw(i == 0 ? " ORDER BY " : ", ").Column("t0", columns_[i]);
  }
}

std::int64_t GroupBy::Int() const {
  struct One {
    std::int64_t value;
  };
  const std::vector<One> rows = Scan<One>(&One::value);
  return rows.empty() ? 0 : rows.front().value;
}

double GroupBy::Float() const {
  struct One {
    double value;
  };
  const std::vector<One> rows = Scan<One>(&One::value);
  return rows.empty() ? 0 : rows.front().value;
}

}  // namespace strata::ent::rt
