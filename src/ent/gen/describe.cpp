// `strata describe` (see describe.hpp).
#include "ent/gen/describe.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace strata::ent {

namespace {

using Row = std::vector<std::string>;

// An ASCII table with a header row, indented by a tab, as ent describe draws it.
std::string TableText(const Row& header, const std::vector<Row>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) {
    width[i] = header[i].size();
    for (const Row& r : rows) width[i] = std::max(width[i], r[i].size());
  }
  std::string rule = "\t+";
  for (size_t w : width) rule += std::string(w + 2, '-') + "+";
  rule += "\n";
  auto line = [&](const Row& r) {
    std::string out = "\t|";
    for (size_t i = 0; i < r.size(); ++i) out += fmt::format(" {:<{}} |", r[i], width[i]);
    return out + "\n";
  };
  std::string out = rule + line(header) + rule;
  for (const Row& r : rows) out += line(r);
  return out + rule;
}

std::string Bool(bool b) { return b ? "true" : "false"; }

std::string DefaultText(const FieldDescriptor& f) {
  if (f.default_value) {
    const Value& v = *f.default_value;
    if (const auto* b = std::get_if<bool>(&v)) return Bool(*b);
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* u = std::get_if<std::uint64_t>(&v)) return std::to_string(*u);
    if (const auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
    if (const auto* s = std::get_if<std::string>(&v)) return fmt::format("\"{}\"", *s);
  }
  return f.has_default_func ? "func" : "";
}

std::string Validators(const FieldDescriptor& f) {
  std::string out;
  for (const Validator& v : f.validators) {
    out += (out.empty() ? "" : ", ") + v.name + (v.arg.empty() ? "" : "(" + v.arg + ")");
  }
  return out;
}

std::string TypeText(const FieldDescriptor& f) {
  std::string type = FieldTypeName(f.type);
  if (f.type == FieldType::kEnum) {
    type += "(";
    for (size_t i = 0; i < f.enum_values.size(); ++i) {
      type += (i ? "," : "") + f.enum_values[i];
    }
    type += ")";
  }
  return type;
}

Row FieldRow(const FieldDescriptor& f, const std::string& column) {
  return {f.name,
          TypeText(f),
          column,
          Bool(f.unique),
          Bool(f.optional),
          Bool(f.nillable),
          DefaultText(f),
          Bool(f.has_update_default),
          Bool(f.immutable),
          Bool(f.sensitive),
          Validators(f),
          f.comment};
}

// Where an edge's relation is stored: the foreign-key column or the join table.
std::string Storage(const Graph& graph, const EntityEdge& e) {
  if (e.relation == Relation::kM2M) {
    if (!e.through_type.empty()) return "through " + e.through_type;
    return fmt::format("{}({}, {})", e.join_table, e.join_columns[0], e.join_columns[1]);
  }
  const Entity* holder = graph.Find(e.fk_entity);
  return fmt::format("{}.{}", holder ? holder->table : e.fk_entity, e.fk_column);
}

}  // namespace

std::string DescribeGraph(const Graph& graph) {
  std::string out;
  for (const Entity& entity : graph.entities) {
    out += fmt::format("{} (table {}{}):\n", entity.name,
                       entity.schema.empty() ? "" : entity.schema + ".", entity.table);
    std::vector<Row> fields;
    if (entity.id) {
      if (entity.id->field) {
        fields.push_back(FieldRow(*entity.id->field, entity.id->column));
      } else {
        fields.push_back({"id", "int", entity.id->column, "false", "false", "false", "", "false",
                          "false", "false", "", ""});
      }
    }
    for (const EntityField& f : entity.fields) fields.push_back(FieldRow(f.desc, f.column));
    out += TableText({"Field", "Type", "Column", "Unique", "Optional", "Nillable", "Default",
                      "UpdateDefault", "Immutable", "Sensitive", "Validators", "Comment"},
                     fields);
    if (!entity.primary_key.empty() && !entity.id) {
      std::string key;
      for (const std::string& c : entity.primary_key) key += (key.empty() ? "" : ", ") + c;
      out += fmt::format("\tprimary key ({})\n", key);
    }
    if (!entity.edges.empty()) {
      std::vector<Row> edges;
      for (const EntityEdge& e : entity.edges) {
        edges.push_back({e.name, e.type, Bool(e.inverse), e.inverse ? e.ref : "",
                         std::string(RelationName(e.relation)), Bool(e.unique), Bool(!e.required),
                         Storage(graph, e), e.comment});
      }
      out += TableText({"Edge", "Type", "Inverse", "BackRef", "Relation", "Unique", "Optional",
                        "Stored in", "Comment"},
                       edges);
    }
    if (!entity.indexes.empty()) {
      std::vector<Row> indexes;
      for (const EntityIndex& i : entity.indexes) {
        std::string columns;
        for (const std::string& c : i.columns) columns += (columns.empty() ? "" : ", ") + c;
        indexes.push_back({i.name, columns, Bool(i.unique), i.where});
      }
      out += TableText({"Index", "Columns", "Unique", "Where"}, indexes);
    }
    out += "\n";
  }
  return out;
}

}  // namespace strata::ent
