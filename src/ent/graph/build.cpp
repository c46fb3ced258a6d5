// BuildGraph: entity schemas → the entity graph, with ent's rules for ids, relations, foreign keys,
// join tables, edge schemas and indexes (entc/gen graph.go and type.go), and every check ent makes
// on them, collected so that one error lists every problem.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "ent/graph/graph.hpp"
#include "ent/graph/names.hpp"
#include "strata/error.hpp"

namespace strata::ent {

std::string_view RelationName(Relation relation) {
  switch (relation) {
    case Relation::kO2O:
      return "O2O";
    case Relation::kO2M:
      return "O2M";
    case Relation::kM2O:
      return "M2O";
    case Relation::kM2M:
      return "M2M";
  }
  return "?";
}

const EntityField* Entity::FindField(std::string_view name) const {
  for (const EntityField& f : fields) {
    if (f.desc.name == name) return &f;
  }
  return nullptr;
}

const EntityEdge* Entity::FindEdge(std::string_view name) const {
  for (const EntityEdge& e : edges) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

const Entity* Graph::Find(std::string_view name) const {
  for (const Entity& e : entities) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

namespace {

bool IsSigned(FieldType t) {
  return t == FieldType::kInt || t == FieldType::kInt8 || t == FieldType::kInt16 ||
         t == FieldType::kInt32 || t == FieldType::kInt64;
}
bool IsUnsigned(FieldType t) {
  return t == FieldType::kUint || t == FieldType::kUint8 || t == FieldType::kUint16 ||
         t == FieldType::kUint32 || t == FieldType::kUint64;
}
bool IsInteger(FieldType t) { return IsSigned(t) || IsUnsigned(t); }
bool IsFloat(FieldType t) { return t == FieldType::kFloat || t == FieldType::kFloat32; }
bool HoldsText(FieldType t) {
  return t == FieldType::kString || t == FieldType::kText || t == FieldType::kEnum ||
         t == FieldType::kBytes || t == FieldType::kJSON;
}

// Edge fields must have the type of the id they reference; Text is a String of unlimited size.
FieldType Comparable(FieldType t) { return t == FieldType::kText ? FieldType::kString : t; }

// The values an integer field's column holds. Uint and Uint64 columns are signed 64-bit
// integers (bigint, SQLite integer), so their defaults stop at INT64_MAX.
struct Range {
  long double lo, hi;
};
Range IntegerRange(FieldType t) {
  switch (t) {
    case FieldType::kInt8:
      return {-128, 127};
    case FieldType::kInt16:
      return {-32768, 32767};
    case FieldType::kInt32:
      return {-2147483648.0L, 2147483647};
    case FieldType::kUint8:
      return {0, 255};
    case FieldType::kUint16:
      return {0, 65535};
    case FieldType::kUint32:
      return {0, 4294967295.0L};
    case FieldType::kUint:
    case FieldType::kUint64:
      return {0, 9223372036854775807.0L};
    default:
      return {-9223372036854775808.0L, 9223372036854775807.0L};
  }
}

std::string Join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

std::string Quoted(const std::vector<std::string>& items) {
  std::vector<std::string> q;
  for (const std::string& s : items) q.push_back(fmt::format("\"{}\"", s));
  return Join(q);
}

bool IsIdentifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const char* ValueKind(const Value& v) {
  if (std::holds_alternative<bool>(v)) return "bool";
  if (std::holds_alternative<std::int64_t>(v)) return "int";
  if (std::holds_alternative<std::uint64_t>(v)) return "uint";
  if (std::holds_alternative<double>(v)) return "float";
  if (std::holds_alternative<std::string>(v)) return "string";
  if (std::holds_alternative<Time>(v)) return "time";
  if (std::holds_alternative<UUID>(v)) return "UUID";
  return "empty";
}

// What is wrong with field `f`'s literal default, or empty.
std::string DefaultProblem(const FieldDescriptor& f) {
  const Value& v = *f.default_value;
  const std::string type = FieldTypeName(f.type);
  auto mismatch = [&] {
    return fmt::format("its default is a {} value, but the field is {}", ValueKind(v), type);
  };
  if (f.type == FieldType::kTime || f.type == FieldType::kUUID) {
    return fmt::format("a {} field cannot have a literal default: give it a function", type);
  }
  if (f.type == FieldType::kBool) return std::holds_alternative<bool>(v) ? "" : mismatch();
  if (IsInteger(f.type) || IsFloat(f.type)) {
    long double x;
    std::string shown;
    if (const auto* i = std::get_if<std::int64_t>(&v)) {
      x = static_cast<long double>(*i);
      shown = std::to_string(*i);
    } else if (const auto* u = std::get_if<std::uint64_t>(&v)) {
      x = static_cast<long double>(*u);
      shown = std::to_string(*u);
    } else if (const auto* d = std::get_if<double>(&v); d != nullptr && IsFloat(f.type)) {
      if (!std::isfinite(*d)) return "its default must be a finite number";
      if (f.type == FieldType::kFloat32 && std::fabs(*d) > FLT_MAX) {
        return fmt::format("default {} is out of range for float32", *d);
      }
      return "";
    } else {
      return mismatch();
    }
    if (IsFloat(f.type)) return "";
    const Range r = IntegerRange(f.type);
    if (x < r.lo || x > r.hi) {
      const bool wide = f.type == FieldType::kUint || f.type == FieldType::kUint64;
      return fmt::format("default {} is out of range for {} ({}..{}{})", shown, type,
                         static_cast<std::int64_t>(r.lo), static_cast<std::uint64_t>(r.hi),
                         wide ? ": its column is a signed 64-bit integer" : "");
    }
    return "";
  }
  if (!HoldsText(f.type)) return "";
  const auto* s = std::get_if<std::string>(&v);
  if (s == nullptr) return mismatch();
  if (f.type == FieldType::kEnum &&
      std::find(f.enum_values.begin(), f.enum_values.end(), *s) == f.enum_values.end()) {
    return fmt::format("default \"{}\" is not one of its values ({})", *s, Quoted(f.enum_values));
  }
  if (f.type == FieldType::kJSON && !nlohmann::json::accept(*s)) {
    return fmt::format("default {} is not valid JSON", *s);
  }
  return "";
}

// An edge of a node: indexes into Builder::nodes_ and its entity's edges.
struct EdgeRef {
  size_t node = 0;
  size_t edge = 0;
  bool operator==(const EdgeRef&) const = default;
};

// One relation: an assoc edge and the inverse edge that refers to it, if any.
struct Rel {
  EdgeRef assoc;
  std::optional<EdgeRef> inverse;
  Relation kind = Relation::kO2M;  // as the assoc edge sees it
  bool self = false;               // the assoc edge's owner is its target
  // O2O, O2M, M2O.
  size_t fk_node = 0;             // whose table holds the foreign key
  size_t ref_node = 0;            // whose id it references
  std::optional<EdgeRef> holder;  // the edge of fk_node that may name the column with Field
  std::string column;
  std::string symbol;
  // M2M.
  std::string table;
  std::array<std::string, 2> columns;
  std::array<std::string, 2> symbols;
  std::string through_type;  // an edge schema, if the relation goes through one
  bool ok = true;
};

struct Node {
  SchemaDescriptor desc;
  Entity entity;
  // The declaration of each of entity.edges (Through edges are added after resolution).
  std::vector<EdgeDescriptor> decl;
  std::vector<bool> edge_ok;
  // The relation each edge takes part in (index into Builder::rels_).
  std::vector<size_t> rel;
};

constexpr size_t kNoRel = static_cast<size_t>(-1);

class Builder {
 public:
  Graph Build(std::vector<SchemaDescriptor> schemas) {
    std::sort(schemas.begin(), schemas.end(),
              [](const SchemaDescriptor& a, const SchemaDescriptor& b) { return a.name < b.name; });
    for (SchemaDescriptor& s : schemas) AddNode(std::move(s));
    for (size_t n = 0; n < nodes_.size(); ++n) CheckEdges(n);
    ResolveInverses();
    for (size_t n = 0; n < nodes_.size(); ++n) {
      for (size_t e = 0; e < nodes_[n].entity.edges.size(); ++e) {
        if (!nodes_[n].entity.edges[e].inverse && nodes_[n].edge_ok[e]) AddRelation({n, e});
      }
    }
    for (size_t r = 0; r < rels_.size(); ++r) ResolveRelation(r);
    for (size_t r = 0; r < rels_.size(); ++r) ResolveThrough(r);
    AddForeignKeys();
    for (size_t n = 0; n < nodes_.size(); ++n) AddIndexes(n);
    AddThroughEdges();
    CheckNames();
    if (!problems_.empty()) {
      std::string message =
          problems_.size() == 1
              ? "invalid entity schema:"
              : fmt::format("invalid entity schemas ({} problems):", problems_.size());
      for (const std::string& p : problems_) message += "\n  " + p;
      throw InputError(message);
    }
    Graph g;
    for (Node& n : nodes_) g.entities.push_back(std::move(n.entity));
    g.join_tables = std::move(join_tables_);
    return g;
  }

 private:
  // ---- problems -------------------------------------------------------------------------------

  static std::string Where(const Location& at, const Location& fallback) {
    const Location& l = at.file.empty() ? fallback : at;
    return l.file.empty() ? "" : fmt::format("{}:{}: ", l.file, l.line);
  }

  void SchemaProblem(const Node& n, const std::string& message) {
    problems_.push_back(
        fmt::format("{}schema {}: {}", Where(n.desc.location, {}), n.desc.name, message));
  }
  void FieldProblem(const Node& n, const FieldDescriptor& f, const std::string& message) {
    problems_.push_back(fmt::format("{}schema {}, field \"{}\": {}",
                                    Where(f.location, n.desc.location), n.desc.name, f.name,
                                    message));
  }
  void EdgeProblem(const Node& n, size_t e, const std::string& message) {
    problems_.push_back(fmt::format("{}schema {}, edge \"{}\": {}",
                                    Where(n.entity.edges[e].location, n.desc.location), n.desc.name,
                                    n.entity.edges[e].name, message));
  }
  void EdgeProblem(EdgeRef r, const std::string& message) {
    EdgeProblem(nodes_[r.node], r.edge, message);
  }
  void IndexProblem(const Node& n, const IndexDescriptor& i, const std::string& message) {
    std::vector<std::string> parts = i.fields;
    for (const std::string& e : i.edges) parts.push_back("edge " + e);
    problems_.push_back(fmt::format("{}schema {}, index ({}): {}", Where(n.desc.location, {}),
                                    n.desc.name, Join(parts), message));
  }

  // ---- lookups --------------------------------------------------------------------------------

  std::optional<size_t> NodeNamed(std::string_view name) const {
    auto it = by_name_.find(std::string(name));
    if (it == by_name_.end()) return std::nullopt;
    return it->second;
  }
  EntityEdge& EdgeAt(EdgeRef r) { return nodes_[r.node].entity.edges[r.edge]; }
  const EdgeDescriptor& DeclAt(EdgeRef r) const { return nodes_[r.node].decl[r.edge]; }
  std::string EdgeName(EdgeRef r) const {
    return nodes_[r.node].entity.name + "." + nodes_[r.node].entity.edges[r.edge].name;
  }
  static EntityField* FieldNamed(Entity& e, std::string_view name) {
    for (EntityField& f : e.fields) {
      if (f.desc.name == name) return &f;
    }
    return nullptr;
  }

  // ---- schemas, fields and edges --------------------------------------------------------------

  void AddNode(SchemaDescriptor s) {
    Node n;
    n.desc = std::move(s);
    Entity& ent = n.entity;
    ent.name = n.desc.name;
    ent.location = n.desc.location;
    if (!IsIdentifier(ent.name)) {
      problems_.push_back(fmt::format("{}schema \"{}\": a schema name must be an identifier",
                                      Where(n.desc.location, {}), ent.name));
    }
    if (by_name_.count(ent.name) > 0) {
      SchemaProblem(n, "declared twice");
      return;
    }
    ent.label = Snake(ent.name);
    ent.table = n.desc.annotation.table.empty() ? TableName(ent.name) : n.desc.annotation.table;
    ent.schema = n.desc.annotation.schema;
    ent.checks = n.desc.annotation.checks;
    AddFields(n);
    AddEdges(n);
    CheckChecks(n);
    by_name_[ent.name] = nodes_.size();
    nodes_.push_back(std::move(n));
  }

  void AddFields(Node& n) {
    Entity& ent = n.entity;
    const bool composite = !n.desc.annotation.id_fields.empty();
    std::map<std::string, const FieldDescriptor*> seen;
    for (const FieldDescriptor& f : n.desc.fields) {
      if (f.name.empty()) {
        FieldProblem(n, f, "a field name cannot be empty");
        continue;
      }
      if (auto [it, added] = seen.emplace(f.name, &f); !added) {
        const Location& first = it->second->location;
        FieldProblem(n, f,
                     first.file.empty()
                         ? "declared twice"
                         : fmt::format("declared twice (first at {}:{})", first.file, first.line));
        continue;
      }
      CheckField(n, f);
      if (f.name == "id" && !composite) {
        SetId(n, f);
      } else {
        ent.fields.push_back({f, f.storage_key.empty() ? Snake(f.name) : f.storage_key, ""});
      }
    }
    if (!ent.id && !composite) ent.id = EntityId{};
    if (ent.id) {
      ent.primary_key = {ent.id->column};
      return;
    }
    std::set<std::string> listed;
    for (const std::string& name : n.desc.annotation.id_fields) {
      const EntityField* f = ent.FindField(name);
      if (f == nullptr) {
        SchemaProblem(
            n, fmt::format("field::ID names \"{}\", which is not a field of {}", name, ent.name));
      } else if (!listed.insert(name).second) {
        SchemaProblem(n, fmt::format("field::ID lists \"{}\" twice", name));
      } else if (f->desc.optional) {
        FieldProblem(n, f->desc, "a primary-key field (field::ID) cannot be Optional");
      } else {
        ent.primary_key.push_back(f->column);
      }
    }
  }

  void SetId(Node& n, const FieldDescriptor& f) {
    if (f.optional) FieldProblem(n, f, "the id field cannot be Optional");
    const bool key_type = IsInteger(f.type) || f.type == FieldType::kString ||
                          f.type == FieldType::kText || f.type == FieldType::kBytes ||
                          f.type == FieldType::kUUID;
    if (!key_type) {
      FieldProblem(n, f,
                   fmt::format("a {} field cannot be the id: use an integer, string or UUID field",
                               FieldTypeName(f.type)));
    }
    EntityId id;
    id.column = f.storage_key.empty() ? "id" : f.storage_key;
    id.type = f.type;
    id.field = f;
    id.increment = IsInteger(f.type) && !f.default_value;
    n.entity.id = std::move(id);
  }

  void CheckField(const Node& n, const FieldDescriptor& f) {
    if (f.type == FieldType::kEnum) {
      if (f.enum_values.empty()) FieldProblem(n, f, "an enum needs values: list them with Values");
      std::set<std::string> values;
      for (const std::string& v : f.enum_values) {
        if (v.empty()) {
          FieldProblem(n, f, "an enum value cannot be empty");
        } else if (!values.insert(v).second) {
          FieldProblem(n, f, fmt::format("enum value \"{}\" is listed twice", v));
        }
      }
    }
    if (f.default_value) {
      if (std::string p = DefaultProblem(f); !p.empty()) FieldProblem(n, f, p);
      if (f.unique) {
        FieldProblem(n, f,
                     "a Unique field cannot have a default value: every row would get the same "
                     "one");
      }
    }
    std::set<std::string> dialects;
    for (const auto& [dialect, type] : f.schema_type) {
      if (dialect != "postgres" && dialect != "sqlite") {
        FieldProblem(n, f,
                     fmt::format("SchemaType names dialect \"{}\": use \"postgres\" or \"sqlite\"",
                                 dialect));
      } else if (!dialects.insert(dialect).second) {
        FieldProblem(n, f, fmt::format("SchemaType gives \"{}\" two types", dialect));
      } else if (type.empty()) {
        FieldProblem(n, f, fmt::format("SchemaType gives \"{}\" an empty type", dialect));
      }
    }
  }

  static EntityEdge EdgeOf(const EdgeDescriptor& d) {
    EntityEdge e;
    e.name = d.name;
    e.type = d.type;
    e.location = d.location;
    e.inverse = d.inverse;
    e.ref = d.inverse ? d.ref : "";
    e.unique = d.unique;
    e.required = d.required;
    e.immutable = d.immutable;
    e.field = d.field;
    e.comment = d.comment;
    e.through_name = d.through_name;
    e.through_type = d.through_type;
    return e;
  }

  void AddEdge(Node& n, EdgeDescriptor d) {
    d.assoc.reset();
    n.entity.edges.push_back(EdgeOf(d));
    n.decl.push_back(std::move(d));
    n.edge_ok.push_back(true);
    n.rel.push_back(kNoRel);
  }

  // edge::To(…).From(…) gives the inverse edge, then the assoc edge, as ent's addEdges does.
  void AddEdges(Node& n) {
    for (const EdgeDescriptor& d : n.desc.edges) {
      if (d.assoc) {
        const size_t at = n.entity.edges.size();
        AddEdge(n, d);
        AddEdge(n, *d.assoc);
        if (d.assoc->type != n.entity.name) {
          EdgeProblem(n, at,
                      fmt::format("edge::To(\"{0}\", \"{1}\").From(\"{2}\") declares both edges "
                                  "on {3}, so it must point at {3}; declare edge::From(\"{2}\", "
                                  "\"{3}\").Ref(\"{0}\") in {1} instead",
                                  d.assoc->name, d.assoc->type, d.name, n.entity.name));
          n.edge_ok[at] = n.edge_ok[at + 1] = false;
        } else if (d.ref != d.assoc->name) {
          EdgeProblem(n, at,
                      fmt::format("the edge::From of To(\"{}\", …).From(\"{}\") inverts \"{}\": "
                                  "remove its Ref(\"{}\")",
                                  d.assoc->name, d.name, d.assoc->name, d.ref));
          n.edge_ok[at] = false;
        }
      } else {
        AddEdge(n, d);
      }
    }
  }

  void CheckChecks(const Node& n) {
    std::set<std::string> names;
    for (const CheckDescriptor& c : n.entity.checks) {
      if (c.expr.empty()) SchemaProblem(n, "a CHECK constraint (entsql::Check) has no expression");
      if (!c.name.empty() && !names.insert(c.name).second) {
        SchemaProblem(n, fmt::format("CHECK constraint \"{}\" is declared twice", c.name));
      }
    }
  }

  void CheckEdges(size_t ni) {
    Node& n = nodes_[ni];
    std::map<std::string, size_t> seen;
    for (size_t e = 0; e < n.entity.edges.size(); ++e) {
      const EntityEdge& edge = n.entity.edges[e];
      if (edge.name.empty()) {
        EdgeProblem(n, e, "an edge name cannot be empty");
        n.edge_ok[e] = false;
      } else if (!seen.emplace(edge.name, e).second) {
        EdgeProblem(n, e, "declared twice");
        n.edge_ok[e] = false;
      } else if (n.entity.FindField(edge.name) != nullptr ||
                 (n.entity.id && n.entity.id->field && edge.name == "id")) {
        EdgeProblem(n, e, "a field has the same name: rename one of them");
      }
      if (!NodeNamed(edge.type)) {
        std::vector<std::string> known;
        for (const auto& [name, i] : by_name_) known.push_back(name);
        EdgeProblem(n, e,
                    fmt::format("its type \"{}\" is not a schema (the schemas are: {})", edge.type,
                                Join(known)));
        n.edge_ok[e] = false;
      }
      if (edge.inverse && edge.ref.empty()) {
        EdgeProblem(n, e,
                    fmt::format("an edge::From needs Ref(\"…\") naming the edge::To of {} it "
                                "inverts",
                                edge.type));
        n.edge_ok[e] = false;
      }
      if (n.decl[e].on_delete && edge.inverse) {
        EdgeProblem(n, e,
                    fmt::format("OnDelete belongs on the edge::To \"{}\" of {}, which defines the "
                                "foreign key (ent ignores it on an edge::From)",
                                edge.ref, edge.type));
      }
    }
  }

  // Pairs every edge::From with the edge::To it names.
  void ResolveInverses() {
    for (size_t ni = 0; ni < nodes_.size(); ++ni) {
      Node& n = nodes_[ni];
      for (size_t e = 0; e < n.entity.edges.size(); ++e) {
        EntityEdge& edge = n.entity.edges[e];
        if (!edge.inverse || !n.edge_ok[e]) continue;
        const size_t ti = *NodeNamed(edge.type);
        Node& target = nodes_[ti];
        std::optional<size_t> ref;
        std::vector<std::string> assocs;
        for (size_t r = 0; r < target.entity.edges.size(); ++r) {
          const EntityEdge& cand = target.entity.edges[r];
          if (!cand.inverse) assocs.push_back(fmt::format("\"{}\"", cand.name));
          if (cand.name == edge.ref && !ref) ref = r;
        }
        if (!ref) {
          EdgeProblem(n, e,
                      fmt::format("Ref(\"{}\") names no edge of {} (its edge::To edges: {})",
                                  edge.ref, edge.type, assocs.empty() ? "none" : Join(assocs)));
          n.edge_ok[e] = false;
          continue;
        }
        const EntityEdge& assoc = target.entity.edges[*ref];
        if (assoc.inverse) {
          EdgeProblem(n, e,
                      fmt::format("Ref(\"{}\") names an edge::From of {}: it must name the "
                                  "edge::To this edge inverts",
                                  edge.ref, edge.type));
          n.edge_ok[e] = false;
          continue;
        }
        if (assoc.type != n.entity.name) {
          EdgeProblem(n, e,
                      fmt::format("Ref(\"{0}\") names {1}.{0}, which points at {2}, not at {3}",
                                  edge.ref, edge.type, assoc.type, n.entity.name));
          n.edge_ok[e] = false;
          continue;
        }
        if (!target.edge_ok[*ref]) {
          n.edge_ok[e] = false;
          continue;
        }
        const EdgeRef me{ni, e}, them{ti, *ref};
        if (auto it = inverse_of_.find({ti, *ref}); it != inverse_of_.end()) {
          EdgeProblem(n, e,
                      fmt::format("{}.{} is already inverted by {}: an edge::To has one inverse",
                                  edge.type, edge.ref, EdgeName(it->second)));
          n.edge_ok[e] = false;
          continue;
        }
        inverse_of_[{ti, *ref}] = me;
        edge.ref = assoc.name;
        EdgeAt(them).ref = edge.name;
        if (assoc.required && edge.required) {
          EdgeProblem(n, e,
                      fmt::format("edges cannot be Required in both directions: {} <-> {}",
                                  EdgeName(them), EdgeName(me)));
        }
      }
    }
  }

  // ---- relations ------------------------------------------------------------------------------

  void AddRelation(EdgeRef a) {
    Rel rel;
    rel.assoc = a;
    if (auto it = inverse_of_.find({a.node, a.edge}); it != inverse_of_.end()) {
      rel.inverse = it->second;
    }
    nodes_[a.node].rel[a.edge] = rels_.size();
    if (rel.inverse) nodes_[rel.inverse->node].rel[rel.inverse->edge] = rels_.size();
    rels_.push_back(std::move(rel));
  }

  // Both edges of `r` get `kind` (as the assoc sees it) and its mirror.
  void SetKind(Rel& r, Relation kind) {
    r.kind = kind;
    EdgeAt(r.assoc).relation = kind;
    if (r.inverse) {
      EdgeAt(*r.inverse).relation = kind == Relation::kO2M   ? Relation::kM2O
                                    : kind == Relation::kM2O ? Relation::kO2M
                                                             : kind;
    }
  }

  // ent's resolve(): the relation kind, where the foreign key lives, and the default names.
  void ResolveRelation(size_t ri) {
    Rel& r = rels_[ri];
    const size_t a_node = r.assoc.node;
    const EntityEdge& a = EdgeAt(r.assoc);
    const size_t b_node = *NodeNamed(a.type);
    const Entity& A = nodes_[a_node].entity;
    const Entity& B = nodes_[b_node].entity;
    r.self = a_node == b_node;
    const std::string fk_column = A.label + "_" + Snake(a.name);
    if (r.inverse) {
      const EntityEdge& inv = EdgeAt(*r.inverse);
      if (a.unique && inv.unique) {
        SetKind(r, Relation::kO2O);
        SetForeignKey(r, b_node, a_node, r.inverse, fk_column);
      } else if (!a.unique && inv.unique) {
        SetKind(r, Relation::kO2M);
        SetForeignKey(r, b_node, a_node, r.inverse, fk_column);
      } else if (a.unique) {
        SetKind(r, Relation::kM2O);
        SetForeignKey(r, a_node, b_node, r.assoc, fk_column);
      } else {
        SetKind(r, Relation::kM2M);
        r.table = A.label + "_" + a.name;
        r.columns = {A.label + "_id", r.self ? Singularize(inv.name) + "_id" : B.label + "_id"};
      }
    } else if (r.self) {
      EdgeAt(r.assoc).bidi = true;
      if (a.unique) {
        SetKind(r, Relation::kO2O);
        SetForeignKey(r, a_node, a_node, r.assoc, fk_column);
      } else {
        SetKind(r, Relation::kM2M);
        r.table = A.label + "_" + a.name;
        r.columns = {A.label + "_id", Singularize(a.name) + "_id"};
      }
    } else if (a.unique) {
      SetKind(r, Relation::kM2O);
      SetForeignKey(r, a_node, b_node, r.assoc, fk_column);
    } else {
      SetKind(r, Relation::kO2M);
      SetForeignKey(r, b_node, a_node, std::nullopt, fk_column);
    }
    ApplyStorageKey(r);
    if (r.kind == Relation::kM2M) {
      CheckReferenced(r, a_node);
      CheckReferenced(r, b_node);
      if (r.columns[0] == r.columns[1]) {
        EdgeProblem(r.assoc, fmt::format("both columns of its join table are named \"{}\": name "
                                         "them with StorageKey(edge::Columns(…))",
                                         r.columns[0]));
        r.ok = false;
      }
      if (DeclAt(r.assoc).on_delete) {
        EdgeProblem(r.assoc,
                    "OnDelete has no effect on an M2M edge: join rows are always deleted with "
                    "either end (ON DELETE CASCADE)");
      }
    } else {
      CheckReferenced(r, r.ref_node);
      ApplyEdgeField(r);
    }
    for (size_t i = 0; i < 2; ++i) r.symbols[i] = r.table + "_" + r.columns[i];
    const EdgeDescriptor& sk = StorageDecl(r);
    if (r.kind == Relation::kM2M) {
      if (!sk.storage_symbols.empty()) r.symbols[0] = sk.storage_symbols[0];
      if (sk.storage_symbols.size() > 1) r.symbols[1] = sk.storage_symbols[1];
    } else {
      r.symbol =
          nodes_[r.fk_node].entity.table + "_" + nodes_[r.ref_node].entity.table + "_" + a.name;
      if (sk.storage_symbols.size() == 1) r.symbol = sk.storage_symbols[0];
    }
    // Both edges of the relation describe where it is stored.
    for (const std::optional<EdgeRef>& e : {std::optional<EdgeRef>(r.assoc), r.inverse}) {
      if (!e) continue;
      EntityEdge& edge = EdgeAt(*e);
      if (r.kind == Relation::kM2M) {
        edge.join_table = r.table;
        edge.join_columns = r.columns;
      } else {
        edge.fk_entity = nodes_[r.fk_node].entity.name;
        edge.fk_column = r.column;
      }
    }
  }

  void SetForeignKey(Rel& r, size_t fk_node, size_t ref_node, std::optional<EdgeRef> holder,
                     const std::string& column) {
    r.fk_node = fk_node;
    r.ref_node = ref_node;
    r.holder = holder;
    r.column = column;
  }

  // The relation's foreign key references `node`'s id, which must be a single column.
  void CheckReferenced(Rel& r, size_t node) {
    const Entity& e = nodes_[node].entity;
    if (e.id) return;
    EdgeProblem(r.assoc,
                fmt::format("{} has a composite primary key (field::ID), which a foreign key "
                            "cannot reference: give {} an id, or reach it through an edge schema",
                            e.name, e.name));
    r.ok = false;
  }

  // The declaration whose StorageKey applies to the relation: the assoc edge's, which the
  // inverse inherits, or else the inverse's.
  const EdgeDescriptor& StorageDecl(const Rel& r) const {
    const EdgeDescriptor& a = DeclAt(r.assoc);
    if (!r.inverse || HasStorageKey(a)) return a;
    return DeclAt(*r.inverse);
  }
  static bool HasStorageKey(const EdgeDescriptor& d) {
    return !d.storage_table.empty() || !d.storage_columns.empty() || !d.storage_symbols.empty();
  }

  void ApplyStorageKey(Rel& r) {
    if (r.inverse && HasStorageKey(DeclAt(r.assoc)) && HasStorageKey(DeclAt(*r.inverse))) {
      EdgeProblem(*r.inverse,
                  fmt::format("both it and {} have a StorageKey: keep the one on the edge::To",
                              EdgeName(r.assoc)));
    }
    const EdgeRef at = r.inverse && !HasStorageKey(DeclAt(r.assoc)) ? *r.inverse : r.assoc;
    const EdgeDescriptor& sk = DeclAt(at);
    const std::string kind(RelationName(r.kind));
    if (r.kind == Relation::kM2M) {
      if (!sk.storage_table.empty()) r.table = sk.storage_table;
      if (sk.storage_columns.size() == 1) {
        EdgeProblem(at, "an M2M edge has two join columns: use StorageKey(edge::Columns(…))");
      } else if (sk.storage_columns.size() == 2) {
        r.columns = {sk.storage_columns[0], sk.storage_columns[1]};
      }
      return;
    }
    if (!sk.storage_table.empty()) {
      EdgeProblem(
          at,
          fmt::format("StorageKey(edge::Table(…)) is for M2M edges only (this one is {})", kind));
    }
    if (sk.storage_columns.size() > 1) {
      EdgeProblem(at, fmt::format("an {} edge has one foreign-key column: use "
                                  "StorageKey(edge::Column(…))",
                                  kind));
    } else if (sk.storage_columns.size() == 1) {
      r.column = sk.storage_columns[0];
    }
    if (sk.storage_symbols.size() > 1) {
      EdgeProblem(
          at, fmt::format("an {} edge has one foreign key: use StorageKey(edge::Symbol(…))", kind));
    }
  }

  // edge::Field: only the edge whose owner holds the foreign key may name its column, with a
  // field that agrees with the edge and has the referenced id's type.
  void ApplyEdgeField(Rel& r) {
    for (const std::optional<EdgeRef>& e : {std::optional<EdgeRef>(r.assoc), r.inverse}) {
      if (!e || EdgeAt(*e).field.empty() || (r.holder && *r.holder == *e)) continue;
      const EntityEdge& edge = EdgeAt(*e);
      const std::string& table = nodes_[r.fk_node].entity.table;
      EdgeProblem(*e, r.holder ? fmt::format("Field(\"{}\") belongs on {}: the foreign key is in "
                                             "its table ({})",
                                             edge.field, EdgeName(*r.holder), table)
                               : fmt::format("Field(\"{}\") names a column of this schema, but "
                                             "the foreign key is in table {}: declare the "
                                             "edge::From(…).Ref(\"{}\") in {} and give it the "
                                             "Field",
                                             edge.field, table, EdgeAt(r.assoc).name,
                                             nodes_[r.fk_node].entity.name));
      r.ok = false;
    }
    if (!r.holder || EdgeAt(*r.holder).field.empty()) return;
    Node& holder = nodes_[r.holder->node];
    const EntityEdge& edge = EdgeAt(*r.holder);
    EntityField* f = FieldNamed(holder.entity, edge.field);
    if (f == nullptr) {
      EdgeProblem(*r.holder, fmt::format("Field(\"{}\") names no field of {}", edge.field,
                                         holder.entity.name));
      r.ok = false;
      return;
    }
    const FieldDescriptor& fd = f->desc;
    if (!f->edge.empty()) {
      EdgeProblem(*r.holder, fmt::format("field \"{}\" already holds the foreign key of edge "
                                         "\"{}\"",
                                         fd.name, f->edge));
      r.ok = false;
      return;
    }
    if (fd.optional == edge.required) {
      EdgeProblem(*r.holder, fd.optional
                                 ? fmt::format("edge field \"{}\" is Optional but the edge is "
                                               "Required: make both optional or both required",
                                               fd.name)
                                 : fmt::format("edge field \"{}\" is not Optional but the edge is "
                                               "not Required: make both optional or both required",
                                               fd.name));
    }
    if (fd.immutable != edge.immutable) {
      EdgeProblem(*r.holder, fmt::format("edge field \"{}\" is {}Immutable but the edge is {}: "
                                         "make both immutable or neither",
                                         fd.name, fd.immutable ? "" : "not ",
                                         edge.immutable ? "Immutable" : "not"));
    }
    const Entity& ref = nodes_[r.ref_node].entity;
    if (ref.id && Comparable(fd.type) != Comparable(ref.id->type)) {
      EdgeProblem(*r.holder, fmt::format("edge field \"{}\" is a {} field, but the id of {} it "
                                         "references is {}",
                                         fd.name, FieldTypeName(fd.type), ref.name,
                                         FieldTypeName(ref.id->type)));
    }
    if (fd.unique && r.kind != Relation::kO2O) {
      EdgeProblem(*r.holder, fmt::format("edge field \"{}\" is Unique, which an {} relation "
                                         "cannot be: make the edges Unique (O2O) instead",
                                         fd.name, RelationName(edge.relation)));
    }
    const EdgeDescriptor& sk = StorageDecl(r);
    if (sk.storage_columns.size() == 1 && sk.storage_columns[0] != f->column) {
      EdgeProblem(*r.holder, fmt::format("its StorageKey column \"{}\" differs from the column "
                                         "\"{}\" of its field \"{}\": drop the StorageKey",
                                         sk.storage_columns[0], f->column, fd.name));
    }
    f->edge = edge.name;
    r.column = f->column;
  }

  // ---- edge schemas (Through) -----------------------------------------------------------------

  void ResolveThrough(size_t ri) {
    Rel& r = rels_[ri];
    const EntityEdge& a = EdgeAt(r.assoc);
    const EntityEdge* inv = r.inverse ? &EdgeAt(*r.inverse) : nullptr;
    std::vector<EdgeRef> with;  // the edges of the relation that have Through
    if (!a.through_type.empty()) with.push_back(r.assoc);
    if (inv != nullptr && !inv->through_type.empty()) with.push_back(*r.inverse);
    if (with.empty()) return;
    if (r.kind != Relation::kM2M) {
      for (EdgeRef e : with) {
        EdgeProblem(e, fmt::format("Through is allowed only on M2M edges, but this one is {}",
                                   RelationName(EdgeAt(e).relation)));
      }
      return;
    }
    const std::string type = EdgeAt(with[0]).through_type;
    bool ok = true;
    for (EdgeRef e : with) {
      const EntityEdge& edge = EdgeAt(e);
      const Entity& owner = nodes_[e.node].entity;
      if (edge.through_type != type) {
        EdgeProblem(e, fmt::format("goes Through {} but {} goes Through {}: an M2M relation has "
                                   "one edge schema",
                                   edge.through_type, EdgeName(with[0]), type));
        ok = false;
      }
      if (edge.through_name.empty()) {
        EdgeProblem(e, "Through needs the name of the edge that reaches the edge schema's rows");
        ok = false;
      } else if (owner.FindEdge(edge.through_name) != nullptr ||
                 owner.FindField(edge.through_name) != nullptr ||
                 std::any_of(through_edges_.begin(), through_edges_.end(), [&](const auto& t) {
                   return t.first.node == e.node && t.second.name == edge.through_name;
                 })) {
        EdgeProblem(e, fmt::format("Through(\"{}\", …): {} already has a field or edge named "
                                   "\"{}\"",
                                   edge.through_name, owner.name, edge.through_name));
        ok = false;
      }
    }
    const auto s_node = NodeNamed(type);
    if (!s_node) {
      EdgeProblem(with[0], fmt::format("Through(…, \"{}\"): {} is not a schema", type, type));
      return;
    }
    if (*s_node == r.assoc.node || (r.inverse && *s_node == r.inverse->node)) {
      EdgeProblem(with[0], fmt::format("Through(…, \"{}\"): an edge cannot go through an end of "
                                       "itself",
                                       type));
      return;
    }
    Node& s = nodes_[*s_node];
    if (!s.entity.edge_schema_for.empty()) {
      EdgeProblem(with[0], fmt::format("{} is already the edge schema of {}: each M2M relation "
                                       "needs its own",
                                       type, s.entity.edge_schema_for));
      return;
    }
    s.entity.edge_schema_for = EdgeName(r.assoc);
    // Each join column must be an edge field of the edge schema, on a Required edge to the
    // entity that column references.
    // An edge named by its field is matched first; else the one edge to the right type.
    const std::array<size_t, 2> refs = {r.assoc.node, *NodeNamed(a.type)};
    std::set<size_t> matched;
    for (size_t i = 0; i < 2; ++i) {
      for (size_t e = 0; e < s.entity.edges.size(); ++e) {
        if (!s.entity.edges[e].field.empty() && s.entity.edges[e].field == r.columns[i]) {
          matched.insert(e);
        }
      }
    }
    for (size_t i = 0; i < 2; ++i) {
      std::optional<size_t> found;
      std::vector<size_t> candidates;
      for (size_t e = 0; e < s.entity.edges.size(); ++e) {
        const EntityEdge& edge = s.entity.edges[e];
        if (edge.field.empty()) continue;
        if (edge.field == r.columns[i]) {
          found = e;
        } else if (edge.type == nodes_[refs[i]].entity.name && matched.count(e) == 0) {
          candidates.push_back(e);
        }
      }
      if (!found && candidates.size() == 1) {
        found = candidates[0];
        matched.insert(*found);
        r.columns[i] = s.entity.edges[*found].field;
      }
      if (!found) {
        EdgeProblem(with[0], fmt::format("its edge schema {} needs an edge to {} that holds "
                                         "column \"{}\": edge::To(\"…\", \"{}\").Unique()."
                                         "Required().Field(\"{}\") with a field \"{}\"",
                                         type, nodes_[refs[i]].entity.name, r.columns[i],
                                         nodes_[refs[i]].entity.name, r.columns[i], r.columns[i]));
        ok = false;
        continue;
      }
      if (!s.entity.edges[*found].required) {
        EdgeProblem(s, *found,
                    fmt::format("the edge schema's edge holding \"{}\" must be "
                                "Required",
                                r.columns[i]));
        ok = false;
      }
    }
    const std::vector<std::string>& key = s.desc.annotation.id_fields;
    if (!key.empty() && (key.size() != 2 || key[0] != r.columns[0] || key[1] != r.columns[1])) {
      SchemaProblem(s, fmt::format("an edge schema's primary key is its id or field::ID(\"{}\", "
                                   "\"{}\"), in that order",
                                   r.columns[0], r.columns[1]));
      ok = false;
    }
    if (!ok) return;
    r.through_type = type;
    for (const std::optional<EdgeRef>& e : {std::optional<EdgeRef>(r.assoc), r.inverse}) {
      if (!e) continue;
      EntityEdge& edge = EdgeAt(*e);
      edge.join_table.clear();
      edge.join_columns = r.columns;
      edge.through_type = type;
      if (!edge.through_name.empty()) {
        EntityEdge through;
        through.name = edge.through_name;
        through.type = type;
        through.location = edge.location;
        through.relation = Relation::kO2M;
        through.fk_entity = type;
        through.fk_column = r.columns[*e == r.assoc ? 0 : 1];
        through.through_edge = edge.name;
        through_edges_.push_back({*e, std::move(through)});
      }
    }
    if (s.entity.id) {
      const std::set<std::string> pair = {r.columns[0], r.columns[1]};
      const bool covered =
          std::any_of(s.desc.indexes.begin(), s.desc.indexes.end(), [&](const IndexDescriptor& i) {
            std::set<std::string> columns;
            for (const std::string& f : i.fields) {
              const EntityField* field = s.entity.FindField(f);
              columns.insert(field != nullptr ? field->column : f);
            }
            return i.unique && i.edges.empty() && i.where.empty() && columns == pair;
          });
      if (!covered) {
        auto_indexes_[*s_node] = {Lower(type) + "_" + r.columns[0] + "_" + r.columns[1],
                                  {r.columns[0], r.columns[1]},
                                  true,
                                  ""};
      }
    }
  }

  void AddThroughEdges() {
    // Inserted after their M2M edge, last ones first so earlier positions stay valid.
    std::stable_sort(
        through_edges_.begin(), through_edges_.end(), [](const auto& x, const auto& y) {
          return std::tie(x.first.node, x.first.edge) > std::tie(y.first.node, y.first.edge);
        });
    for (auto& [at, edge] : through_edges_) {
      auto& edges = nodes_[at.node].entity.edges;
      edges.insert(edges.begin() + static_cast<std::ptrdiff_t>(at.edge) + 1, std::move(edge));
    }
  }

  // ---- foreign keys (ent's Tables()) ----------------------------------------------------------

  void AddForeignKeys() {
    for (const Rel& r : rels_) {
      if (!r.ok) continue;
      const EntityEdge& a = EdgeAt(r.assoc);
      const Entity& owner = nodes_[r.assoc.node].entity;
      if (r.kind == Relation::kM2M) {
        if (!r.through_type.empty()) continue;
        join_tables_.push_back({.name = r.table,
                                .schema = owner.schema,
                                .columns = r.columns,
                                .ref_entities = {owner.name, a.type},
                                .symbols = r.symbols,
                                .edge_owner = owner.name,
                                .edge = a.name});
        continue;
      }
      Entity& table = nodes_[r.fk_node].entity;
      ForeignKeyColumn fk;
      fk.column = r.column;
      fk.ref_entity = nodes_[r.ref_node].entity.name;
      fk.symbol = r.symbol;
      fk.unique = r.kind == Relation::kO2O;
      if (r.kind == Relation::kM2O) {
        fk.nullable = r.self || !a.required;
      } else {
        fk.nullable = r.self || !r.inverse || !EdgeAt(*r.inverse).required;
      }
      if (table.primary_key.size() == 1 && table.primary_key[0] == fk.column) fk.nullable = false;
      const auto& on_delete = DeclAt(r.assoc).on_delete;
      fk.on_delete = on_delete ? *on_delete : fk.nullable ? Action::kSetNull : Action::kNoAction;
      if (r.holder && !EdgeAt(*r.holder).field.empty()) {
        fk.field = FieldNamed(nodes_[r.holder->node].entity, EdgeAt(*r.holder).field)->desc;
      }
      fk.edge_owner = owner.name;
      fk.edge = a.name;
      table.foreign_keys.push_back(std::move(fk));
    }
  }

  // ---- indexes --------------------------------------------------------------------------------

  void AddIndexes(size_t ni) {
    Node& n = nodes_[ni];
    Entity& ent = n.entity;
    for (const IndexDescriptor& i : n.desc.indexes) {
      if (i.fields.empty() && i.edges.empty()) {
        IndexProblem(n, i, "an index needs fields or edges");
        continue;
      }
      EntityIndex index{.unique = i.unique, .where = i.where};
      bool ok = true;
      for (const std::string& name : i.fields) {
        if (const EntityField* f = ent.FindField(name)) {
          index.columns.push_back(f->column);
        } else if (ent.id && name == "id") {
          index.columns.push_back(ent.id->column);
        } else {
          IndexProblem(n, i, fmt::format("\"{}\" is not a field of {}", name, ent.name));
          ok = false;
        }
      }
      for (const std::string& name : i.edges) {
        const EntityEdge* e = ent.FindEdge(name);
        if (e == nullptr) {
          IndexProblem(n, i, fmt::format("\"{}\" is not an edge of {}", name, ent.name));
          ok = false;
        } else if (e->relation == Relation::kO2O && !e->inverse) {
          IndexProblem(n, i,
                       fmt::format("edge \"{}\" is the edge::To of an O2O relation: index "
                                   "its edge::From, whose table holds the foreign key",
                                   name));
          ok = false;
        } else if (e->relation != Relation::kO2O && e->relation != Relation::kM2O) {
          IndexProblem(n, i,
                       fmt::format("edge \"{}\" is {}, so {}'s table holds no foreign key "
                                   "for it (index O2O and M2O edges)",
                                   name, RelationName(e->relation), ent.name));
          ok = false;
        } else if (e->fk_column.empty()) {
          ok = false;  // its relation could not be resolved, which is reported already
        } else {
          index.columns.push_back(e->fk_column);
        }
      }
      if (!ok) continue;
      index.name =
          !i.storage_key.empty() ? i.storage_key : Lower(ent.name) + "_" + Join(index.columns, "_");
      ent.indexes.push_back(std::move(index));
    }
    if (auto it = auto_indexes_.find(ni); it != auto_indexes_.end()) {
      ent.indexes.push_back(it->second);
    }
  }

  // ---- names that must be unique --------------------------------------------------------------

  // Tables and indexes are unique by name whatever their entsql::Schema, so that the same schemas
  // work on SQLite, which has one schema.
  void CheckNames() {
    std::map<std::string, std::string> tables;   // table → whose
    std::map<std::string, std::string> symbols;  // foreign-key name → its table
    std::map<std::string, std::string> indexes;  // index name → whose
    auto table = [&](const std::string& name, std::string whose, std::string prefix) {
      auto [it, added] = tables.emplace(name, whose);
      if (added) return;
      problems_.push_back(fmt::format(
          "{}: table \"{}\" is also the table of {}: give one an "
          "entsql::Table annotation{}",
          prefix, name, it->second, whose.starts_with("schema") ? "" : " or a StorageKey"));
    };
    auto symbol = [&](const std::string& name, const std::string& in, const std::string& prefix) {
      auto [it, added] = symbols.emplace(name, in);
      if (added) return;
      problems_.push_back(
          fmt::format("{}: foreign-key name \"{}\" is also used in table \"{}\": "
                      "rename one with StorageKey(edge::Symbol(…))",
                      prefix, name, it->second));
    };
    for (const Node& n : nodes_) {
      table(n.entity.table, "schema " + n.entity.name,
            fmt::format("{}schema {}", Where(n.desc.location, {}), n.entity.name));
      for (const ForeignKeyColumn& fk : n.entity.foreign_keys) {
        symbol(fk.symbol, n.entity.table, EdgePrefix(fk.edge_owner, fk.edge));
      }
      for (const EntityIndex& i : n.entity.indexes) {
        auto [it, added] = indexes.emplace(i.name, n.entity.name);
        if (!added) {
          SchemaProblem(n, fmt::format("index name \"{}\" is also used by {}: name one with "
                                       "StorageKey",
                                       i.name, it->second));
        }
      }
    }
    for (const JoinTable& j : join_tables_) {
      const std::string prefix = EdgePrefix(j.edge_owner, j.edge);
      table(j.name, fmt::format("the join table of {}.{}", j.edge_owner, j.edge),
            prefix + ", its join table");
      for (const std::string& s : j.symbols) symbol(s, j.name, prefix);
    }
  }

  // "file:line: schema User, edge \"pets\"" for messages about an edge found by name.
  std::string EdgePrefix(const std::string& owner, const std::string& edge) const {
    const Node& n = nodes_[*NodeNamed(owner)];
    const EntityEdge* e = n.entity.FindEdge(edge);
    return fmt::format("{}schema {}, edge \"{}\"",
                       Where(e != nullptr ? e->location : Location{}, n.desc.location), owner,
                       edge);
  }

  std::vector<Node> nodes_;
  std::map<std::string, size_t> by_name_;
  std::map<std::pair<size_t, size_t>, EdgeRef> inverse_of_;  // assoc edge → its inverse
  std::vector<Rel> rels_;
  std::vector<JoinTable> join_tables_;
  std::map<size_t, EntityIndex> auto_indexes_;  // edge schema node → its pair index
  std::vector<std::pair<EdgeRef, EntityEdge>> through_edges_;
  std::vector<std::string> problems_;
};

}  // namespace

Graph BuildGraph(std::vector<SchemaDescriptor> schemas) {
  return Builder().Build(std::move(schemas));
}

}  // namespace strata::ent
