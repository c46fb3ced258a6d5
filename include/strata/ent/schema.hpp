// Entity schemas as C++ code. A schema is a class deriving strata::ent::Schema, registered with
// STRATA_SCHEMA(Name), whose Get* methods return its fields, edges, indexes, mixins, annotations
// and hooks. strata loads a folder of them (`ent://DIR`), turns them into tables with ent's naming
// conventions, and generates a typed client from them.
//
//   #include <strata/ent/schema.hpp>
//   using namespace strata::ent;
//   class User : public Schema {
//    public:
//     Fields GetFields() const override {
//       return {field::String("name").NotEmpty(), field::Int("age").Positive().Optional()};
//     }
//     Edges GetEdges() const override { return {edge::To("pets", "Pet")}; }
//   };
//   STRATA_SCHEMA(User);
//
// Every schema file includes this header, so it is kept cheap to compile: builders are declared
// here and defined in the library, and what they record (strata/ent/descriptor.hpp) is not needed
// to write a schema.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/types.hpp"

namespace strata::ent {

using strata::Bytes;
using strata::Time;
using strata::UUID;
// A random (version 4) UUID, for `field::UUID("id").Default(NewUUID)`.
UUID NewUUID();

enum class FieldType {
  kBool,
  kInt,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUint,
  kUint8,
  kUint16,
  kUint32,
  kUint64,
  kFloat,
  kFloat32,
  kString,
  kText,
  kBytes,
  kTime,
  kUUID,
  kJSON,
  kEnum,
};

// What ON DELETE does to the rows holding a foreign key.
enum class Action { kNoAction, kRestrict, kCascade, kSetNull, kSetDefault };

// ---- Hooks (run by the generated client) ----------------------------------------------------

// The client's view of one create, update or delete; defined by the client runtime.
class Mutation;

enum class Op : unsigned {
  kCreate = 1,
  kUpdate = 2,
  kUpdateOne = 4,
  kDelete = 8,
  kDeleteOne = 16,
};
constexpr Op operator|(Op a, Op b) {
  return static_cast<Op>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool HasOp(Op set, Op op) {
  return (static_cast<unsigned>(set) & static_cast<unsigned>(op)) != 0;
}

// A mutator performs a mutation; a hook wraps one, running code before and after it:
//   Hook log = [](Mutator next) { return [next](Mutation& m) { …; next(m); …; }; };
using Mutator = std::function<void(Mutation&)>;
using Hook = std::function<Mutator(Mutator)>;

namespace hook {
// `h`, applied only to mutations whose operation is in `ops`.
Hook On(Hook h, Op ops);
}  // namespace hook

// ---- What a schema returns ------------------------------------------------------------------

struct FieldDescriptor;
struct EdgeDescriptor;
struct IndexDescriptor;
struct AnnotationDescriptor;

// A field, edge, index or annotation as its builder left it (see strata/ent/descriptor.hpp).
class Field {
 public:
  explicit Field(std::shared_ptr<const FieldDescriptor> d) : d_(std::move(d)) {}
  const FieldDescriptor& Descriptor() const { return *d_; }

 private:
  std::shared_ptr<const FieldDescriptor> d_;
};

class Edge {
 public:
  explicit Edge(std::shared_ptr<const EdgeDescriptor> d) : d_(std::move(d)) {}
  const EdgeDescriptor& Descriptor() const { return *d_; }

 private:
  std::shared_ptr<const EdgeDescriptor> d_;
};

class Index {
 public:
  explicit Index(std::shared_ptr<const IndexDescriptor> d) : d_(std::move(d)) {}
  const IndexDescriptor& Descriptor() const { return *d_; }

 private:
  std::shared_ptr<const IndexDescriptor> d_;
};

class Annotation {
 public:
  explicit Annotation(std::shared_ptr<const AnnotationDescriptor> d) : d_(std::move(d)) {}
  const AnnotationDescriptor& Descriptor() const { return *d_; }

 private:
  std::shared_ptr<const AnnotationDescriptor> d_;
};

using Fields = std::vector<Field>;
using Edges = std::vector<Edge>;
using Indexes = std::vector<Index>;
using Annotations = std::vector<Annotation>;
using Hooks = std::vector<Hook>;

// ---- Field builders -------------------------------------------------------------------------

// Default arguments that record the caller's file and line, for error messages (g++ and clang both
// have these builtins; std::source_location is missing from clang 14 with libstdc++ 12).
#define STRATA_ENT_CALLER const char *file = __builtin_FILE(), unsigned line = __builtin_LINE()

namespace detail {

// Options every field type has. `Self` is the concrete builder, so a chain keeps its methods.
// Defined in the library for each builder.
template <class Self>
class FieldOptions {
 public:
  operator Field() const;  // NOLINT(google-explicit-constructor)

  // NULL allowed; the field may be left unset on create.
  Self& Optional();
  // The client's struct holds std::optional<T>, telling NULL from the zero value.
  Self& Nillable();
  // A unique index on the column.
  Self& Unique();
  // Set on create only: the client has no update setter for it.
  Self& Immutable();
  // Masked in debug logs and in the entity's string form.
  Self& Sensitive();
  // The column name (default: the field name in snake case).
  Self& StorageKey(std::string_view column);
  // Per-dialect column types: SchemaType({{"postgres", "citext"}, {"sqlite", "text"}}).
  Self& SchemaType(std::vector<std::pair<std::string, std::string>> types);
  Self& Comment(std::string_view text);

 protected:
  FieldOptions(std::string_view name, FieldType type, const char* file, unsigned line);
  std::shared_ptr<FieldDescriptor> d_;
};

}  // namespace detail

class BoolBuilder : public detail::FieldOptions<BoolBuilder> {
 public:
  BoolBuilder(std::string_view name, const char* file, unsigned line);
  BoolBuilder& Default(bool v);
  BoolBuilder& DefaultFunc(std::function<bool()> fn);
  BoolBuilder& UpdateDefault(std::function<bool()> fn);
};

// Int*, Uint* and Float* fields. `T` is std::int64_t, std::uint64_t or double; the narrower
// types (Int8, Uint16, Float32, …) take the same arguments, range-checked when loaded.
template <class T>
class NumberBuilder : public detail::FieldOptions<NumberBuilder<T>> {
 public:
  NumberBuilder(std::string_view name, FieldType type, const char* file, unsigned line);
  NumberBuilder& Default(T v);
  NumberBuilder& DefaultFunc(std::function<T()> fn);
  NumberBuilder& UpdateDefault(std::function<T()> fn);
  // Validators (bounds inclusive).
  NumberBuilder& Min(T v);
  NumberBuilder& Max(T v);
  NumberBuilder& Range(T lo, T hi);
  NumberBuilder& Positive();     // > 0
  NumberBuilder& Negative();     // < 0
  NumberBuilder& NonNegative();  // >= 0
  // `fn` throws (any std::exception) to reject a value.
  NumberBuilder& Validate(std::function<void(T)> fn);
};

// String, Text and Bytes fields (Bytes values are std::string too).
class StringBuilder : public detail::FieldOptions<StringBuilder> {
 public:
  StringBuilder(std::string_view name, FieldType type, const char* file, unsigned line);
  StringBuilder& Default(std::string_view v);
  StringBuilder& DefaultFunc(std::function<std::string()> fn);
  StringBuilder& UpdateDefault(std::function<std::string()> fn);
  // Validators.
  StringBuilder& NotEmpty();
  StringBuilder& MinLen(std::size_t n);
  StringBuilder& MaxLen(std::size_t n);
  // The value must contain a match of the ECMAScript regular expression `pattern`, as ent's
  // Match does; anchor it (^…$) to constrain the whole value.
  StringBuilder& Match(std::string_view pattern);
  // `fn` throws (any std::exception) to reject a value.
  StringBuilder& Validate(std::function<void(const std::string&)> fn);
};

class EnumBuilder : public detail::FieldOptions<EnumBuilder> {
 public:
  EnumBuilder(std::string_view name, const char* file, unsigned line);
  // The allowed values, in order: Values("active", "blocked").
  template <class... S>
  EnumBuilder& Values(S... values) {
    return ValueList({std::string_view(values)...});
  }
  EnumBuilder& Default(std::string_view v);

 private:
  EnumBuilder& ValueList(std::initializer_list<std::string_view> values);
};

// Time and UUID values are made at run time, so their Default takes a function (as in ent).
class TimeBuilder : public detail::FieldOptions<TimeBuilder> {
 public:
  TimeBuilder(std::string_view name, const char* file, unsigned line);
  TimeBuilder& Default(std::function<Time()> fn);
  TimeBuilder& DefaultFunc(std::function<Time()> fn);  // the same as Default
  TimeBuilder& UpdateDefault(std::function<Time()> fn);
};

class UUIDBuilder : public detail::FieldOptions<UUIDBuilder> {
 public:
  UUIDBuilder(std::string_view name, const char* file, unsigned line);
  UUIDBuilder& Default(std::function<UUID()> fn);
  UUIDBuilder& DefaultFunc(std::function<UUID()> fn);  // the same as Default
};

// JSON fields hold JSON text; a literal default must be valid JSON.
class JSONBuilder : public detail::FieldOptions<JSONBuilder> {
 public:
  JSONBuilder(std::string_view name, const char* file, unsigned line);
  JSONBuilder& Default(std::string_view json);
};

namespace field {
BoolBuilder Bool(std::string_view name, STRATA_ENT_CALLER);
NumberBuilder<std::int64_t> Int(std::string_view name, STRATA_ENT_CALLER);
NumberBuilder<std::int64_t> Int8(std::string_view name, STRATA_ENT_CALLER);
NumberBuilder<std::int64_t> Int16(std::string_view name, STRATA_ENT_CALLER);
NumberBuilder<std::int64_t> Int32(std::string_view name, STRATA_ENT_CALLER);
NumberBuilder<std::int64_t> Int64(std::string_view name, STRATA_ENT_CALLER);
NumberBuilder<std::uint64_t> Uint(std::string_view name, STRATA_ENT_CALLER);
NumberBuilder<std::uint64_t> Uint8(std::string_view name, STRATA_ENT_CALLER);
NumberBuilder<std::uint64_t> Uint16(std::string_view name, STRATA_ENT_CALLER);
NumberBuilder<std::uint64_t> Uint32(std::string_view name, STRATA_ENT_CALLER);
NumberBuilder<std::uint64_t> Uint64(std::string_view name, STRATA_ENT_CALLER);
NumberBuilder<double> Float(std::string_view name, STRATA_ENT_CALLER);
NumberBuilder<double> Float32(std::string_view name, STRATA_ENT_CALLER);
StringBuilder String(std::string_view name, STRATA_ENT_CALLER);
StringBuilder Text(std::string_view name, STRATA_ENT_CALLER);
StringBuilder Bytes(std::string_view name, STRATA_ENT_CALLER);
TimeBuilder Time(std::string_view name, STRATA_ENT_CALLER);
UUIDBuilder UUID(std::string_view name, STRATA_ENT_CALLER);
JSONBuilder JSON(std::string_view name, STRATA_ENT_CALLER);
EnumBuilder Enum(std::string_view name, STRATA_ENT_CALLER);

// A composite primary key of the named fields, listed in GetAnnotations (as in ent). Any schema
// may have one, not only edge schemas.
Annotation IDList(std::initializer_list<std::string_view> fields);
template <class... S>
Annotation ID(S... fields) {
  return IDList({std::string_view(fields)...});
}
}  // namespace field

// ---- Edges ----------------------------------------------------------------------------------

namespace edge {
// StorageKey options: the join table of an M2M edge; the foreign-key column (O2O, O2M, M2O) or
// the join table's two columns (this side's, then the target's); the constraint name(s).
struct StorageOption {
  std::string table;
  std::vector<std::string> columns;
  std::vector<std::string> symbols;
};
StorageOption Table(std::string_view name);
StorageOption Column(std::string_view name);
StorageOption Columns(std::string_view self, std::string_view target);
StorageOption Symbol(std::string_view name);
StorageOption Symbols(std::string_view self, std::string_view target);
}  // namespace edge

// edge::To and edge::From.
class EdgeBuilder {
 public:
  EdgeBuilder(std::string_view name, std::string_view type, bool inverse, const char* file,
              unsigned line);
  operator Edge() const;  // NOLINT(google-explicit-constructor)

  // edge::From: the edge::To of the target schema that this edge is the inverse of.
  EdgeBuilder& Ref(std::string_view to_edge);
  // edge::To(…).From(name): declares the inverse edge on the target together with this one (the
  // usual way to write a self-reference); the options that follow apply to the inverse edge.
  EdgeBuilder From(std::string_view name, STRATA_ENT_CALLER) const;
  // At most one target (O2O, M2O).
  EdgeBuilder& Unique();
  // The target must be set on create: the foreign key is NOT NULL.
  EdgeBuilder& Required();
  EdgeBuilder& Immutable();
  // The field of this schema that holds the foreign key (declared in GetFields).
  EdgeBuilder& Field(std::string_view field_name);
  // Column, table and constraint names: StorageKey(edge::Column("owner_id")).
  template <class... O>
  EdgeBuilder& StorageKey(const O&... options) {
    return StorageKeyList({&options...});
  }
  EdgeBuilder& OnDelete(Action action);
  // An M2M edge whose join rows are entities of the edge schema `type`, reachable as `name`.
  EdgeBuilder& Through(std::string_view name, std::string_view type);
  EdgeBuilder& Comment(std::string_view text);

 private:
  EdgeBuilder& StorageKeyList(std::initializer_list<const edge::StorageOption*> options);
  std::shared_ptr<EdgeDescriptor> d_;
};

namespace edge {
EdgeBuilder To(std::string_view name, std::string_view type, STRATA_ENT_CALLER);
EdgeBuilder From(std::string_view name, std::string_view type, STRATA_ENT_CALLER);
}  // namespace edge

#undef STRATA_ENT_CALLER

// ---- Indexes --------------------------------------------------------------------------------

class IndexBuilder {
 public:
  IndexBuilder();
  operator Index() const;  // NOLINT(google-explicit-constructor)
  template <class... S>
  IndexBuilder& Fields(S... names) {
    return FieldList({std::string_view(names)...});
  }
  // The foreign-key columns of these edges are part of the index.
  template <class... S>
  IndexBuilder& Edges(S... names) {
    return EdgeList({std::string_view(names)...});
  }
  IndexBuilder& Unique();
  // The index name (default: lower-case type name and columns joined by "_").
  IndexBuilder& StorageKey(std::string_view name);
  // A partial index over the rows matching the SQL predicate `where`.
  IndexBuilder& Where(std::string_view where);

 private:
  IndexBuilder& FieldList(std::initializer_list<std::string_view> names);
  IndexBuilder& EdgeList(std::initializer_list<std::string_view> names);
  std::shared_ptr<IndexDescriptor> d_;
};

namespace index {
template <class... S>
IndexBuilder Fields(S... names) {
  return IndexBuilder().Fields(names...);
}
template <class... S>
IndexBuilder Edges(S... names) {
  return IndexBuilder().Edges(names...);
}
}  // namespace index

// ---- Annotations: table options, named as ent's entsql package names them ------------------

namespace entsql {
Annotation Table(std::string_view name);
// The PostgreSQL schema the table lives in (ent cannot set this per entity).
Annotation Schema(std::string_view name);
// An unnamed CHECK constraint.
Annotation Check(std::string_view expr);
// Named CHECK constraints: Checks({{"age_positive", "age > 0"}}).
Annotation Checks(std::vector<std::pair<std::string, std::string>> checks);
}  // namespace entsql

// ---- Mixins and schemas ---------------------------------------------------------------------

// A reusable group of fields, edges, indexes, annotations and hooks. Derive from it and list it in
// a schema's GetMixins; its fields come before the schema's own.
class Mixin {
 public:
  virtual ~Mixin();
  virtual Fields GetFields() const;
  virtual Edges GetEdges() const;
  virtual Indexes GetIndexes() const;
  virtual Annotations GetAnnotations() const;
  virtual Hooks GetHooks() const;
};

// Holds any mixin by value: `Mixins GetMixins() const override { return {mixin::Time(), Audit()};
// }`
class MixinRef {
 public:
  template <class M>
  MixinRef(M m) : m_(std::make_shared<M>(std::move(m))) {}  // NOLINT(google-explicit-constructor)
  const Mixin& operator*() const { return *m_; }
  const Mixin* operator->() const { return m_.get(); }

 private:
  std::shared_ptr<const Mixin> m_;
};
using Mixins = std::vector<MixinRef>;

namespace mixin {
// create_time (set on create, immutable) and update_time (set on create and on every update),
// both to the current time by the client.
class Time : public Mixin {
 public:
  Fields GetFields() const override;
};
class CreateTime : public Mixin {
 public:
  Fields GetFields() const override;
};
class UpdateTime : public Mixin {
 public:
  Fields GetFields() const override;
};
}  // namespace mixin

class Schema {
 public:
  virtual ~Schema();
  virtual Fields GetFields() const;
  virtual Edges GetEdges() const;
  virtual Indexes GetIndexes() const;
  virtual Mixins GetMixins() const;
  virtual Annotations GetAnnotations() const;
  virtual Hooks GetHooks() const;
};

namespace detail {
// `make` returns a new schema object that the registry owns. (A plain function: make_unique for
// every schema class costs more to compile than the schemas themselves.)
struct Registration {
  Registration(const char* name, const char* file, unsigned line, Schema* (*make)());
};
}  // namespace detail

}  // namespace strata::ent

// Registers schema class `Name`; write it at namespace scope after the class.
#define STRATA_SCHEMA(Name)                                                        \
  static ::strata::ent::Schema* StrataEntMake##Name() { return new Name(); }       \
  static const ::strata::ent::detail::Registration strata_ent_registration_##Name( \
      #Name, __FILE__, __LINE__, &StrataEntMake##Name)
