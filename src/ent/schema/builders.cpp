// The schema builders of strata/ent/schema.hpp: each records its options into a descriptor.
#include <random>
#include <regex>
#include <stdexcept>

#include "strata/ent/descriptor.hpp"
#include "strata/ent/mutation.hpp"

namespace strata::ent {

UUID NewUUID() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  UUID u;
  for (size_t i = 0; i < 16; i += 8) {
    const std::uint64_t r = gen();
    for (size_t j = 0; j < 8; ++j) u.bytes[i + j] = static_cast<std::uint8_t>(r >> (8 * j));
  }
  u.bytes[6] = static_cast<std::uint8_t>((u.bytes[6] & 0x0f) | 0x40);  // version 4
  u.bytes[8] = static_cast<std::uint8_t>((u.bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return u;
}

namespace hook {
Hook On(Hook h, Op ops) {
  return [h = std::move(h), ops](Mutator next) -> Mutator {
    Mutator wrapped = h(next);
    return [wrapped = std::move(wrapped), next = std::move(next), ops](Mutation& m) {
      (HasOp(ops, m.op()) ? wrapped : next)(m);
    };
  };
}
}  // namespace hook

namespace {

std::string Str(std::string_view s) { return std::string(s); }

// The length rules count bytes, as ent's (Go's len) do.
std::size_t Length(const Value& v) { return std::get<std::string>(v).size(); }

std::string Show(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&v)) return std::to_string(*u);
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return "";
}

// -1, 0 or 1 comparing two numbers of the same alternative.
int Compare(const Value& a, const Value& b) {
  if (const auto* i = std::get_if<std::int64_t>(&a)) {
    const auto j = std::get<std::int64_t>(b);
    return *i < j ? -1 : *i > j ? 1 : 0;
  }
  if (const auto* u = std::get_if<std::uint64_t>(&a)) {
    const auto w = std::get<std::uint64_t>(b);
    return *u < w ? -1 : *u > w ? 1 : 0;
  }
  const double x = std::get<double>(a), y = std::get<double>(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

Value Zero(const Value& like) {
  if (std::holds_alternative<std::int64_t>(like)) return std::int64_t{0};
  if (std::holds_alternative<std::uint64_t>(like)) return std::uint64_t{0};
  return 0.0;
}

}  // namespace

namespace detail {

Validator MinLenValidator(std::size_t n) {
  return {n == 1 ? "not_empty" : "min_len", n == 1 ? "" : std::to_string(n), [n](const Value& v) {
            if (Length(v) < n) {
              throw std::invalid_argument(n == 1 ? "must not be empty"
                                                 : "shorter than " + std::to_string(n) + " bytes");
            }
          }};
}

Validator MaxLenValidator(std::size_t n) {
  return {"max_len", std::to_string(n), [n](const Value& v) {
            if (Length(v) > n) {
              throw std::invalid_argument("longer than " + std::to_string(n) + " bytes");
            }
          }};
}

Validator MatchValidator(std::string pattern) {
  auto re = std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
  return {"match", pattern, [re, pattern](const Value& v) {
            if (!std::regex_search(std::get<std::string>(v), *re)) {
              throw std::invalid_argument("does not match /" + pattern + "/");
            }
          }};
}

// "min" and "max" take one bound, "range" both; "positive", "negative" and "non_negative" none.
Validator NumberValidator(const char* name, Value lo, Value hi) {
  const std::string kind = name;
  std::string arg;
  if (kind == "min") arg = Show(lo);
  if (kind == "max") arg = Show(hi);
  if (kind == "range") arg = Show(lo) + ".." + Show(hi);
  return {kind, arg, [kind, lo, hi](const Value& v) {
            const bool ok = kind == "min"        ? Compare(v, lo) >= 0
                            : kind == "max"      ? Compare(v, hi) <= 0
                            : kind == "range"    ? Compare(v, lo) >= 0 && Compare(v, hi) <= 0
                            : kind == "positive" ? Compare(v, Zero(v)) > 0
                            : kind == "negative" ? Compare(v, Zero(v)) < 0
                                                 : Compare(v, Zero(v)) >= 0;
            if (ok) return;
            const std::string value = Show(v);
            if (kind == "min") throw std::invalid_argument(value + " is less than " + Show(lo));
            if (kind == "max") throw std::invalid_argument(value + " is greater than " + Show(hi));
            if (kind == "range") {
              throw std::invalid_argument(value + " is outside " + Show(lo) + ".." + Show(hi));
            }
            throw std::invalid_argument(
                value + " is not " + (kind == "non_negative" ? std::string("non-negative") : kind));
          }};
}

template <class Self>
FieldOptions<Self>::FieldOptions(std::string_view name, FieldType type, const char* file,
                                 unsigned line)
    : d_(std::make_shared<FieldDescriptor>()) {
  d_->name = Str(name);
  d_->type = type;
  d_->location = {file, line};
}

template <class Self>
FieldOptions<Self>::operator Field() const {
  return Field(std::make_shared<const FieldDescriptor>(*d_));
}

#define STRATA_OPTION(method, param, statement) \
  template <class Self>                         \
  Self& FieldOptions<Self>::method(param) {     \
    statement;                                  \
    return static_cast<Self&>(*this);           \
  }
STRATA_OPTION(Optional, , d_->optional = true)
STRATA_OPTION(Nillable, , d_->nillable = true)
STRATA_OPTION(Unique, , d_->unique = true)
STRATA_OPTION(Immutable, , d_->immutable = true)
STRATA_OPTION(Sensitive, , d_->sensitive = true)
STRATA_OPTION(StorageKey, std::string_view column, d_->storage_key = Str(column))
STRATA_OPTION(Comment, std::string_view text, d_->comment = Str(text))
#undef STRATA_OPTION

template <class Self>
Self& FieldOptions<Self>::SchemaType(std::vector<std::pair<std::string, std::string>> types) {
  d_->schema_type = std::move(types);
  return static_cast<Self&>(*this);
}

template class FieldOptions<BoolBuilder>;
template class FieldOptions<NumberBuilder<std::int64_t>>;
template class FieldOptions<NumberBuilder<std::uint64_t>>;
template class FieldOptions<NumberBuilder<double>>;
template class FieldOptions<StringBuilder>;
template class FieldOptions<EnumBuilder>;
template class FieldOptions<TimeBuilder>;
template class FieldOptions<UUIDBuilder>;
template class FieldOptions<JSONBuilder>;

}  // namespace detail

namespace {

// A default function of the field's own value type, as the descriptor keeps it.
template <class T>
void SetFunc(FieldDescriptor& d, std::function<T()> fn, bool update) {
  std::function<Value()> wrapped = [fn = std::move(fn)] { return Value(fn()); };
  if (update) {
    d.update_default = std::move(wrapped);
    d.has_update_default = true;
  } else {
    d.default_func = std::move(wrapped);
    d.has_default_func = true;
  }
}

}  // namespace

BoolBuilder::BoolBuilder(std::string_view name, const char* file, unsigned line)
    : FieldOptions(name, FieldType::kBool, file, line) {}
BoolBuilder& BoolBuilder::Default(bool v) {
  d_->default_value = Value(v);
  return *this;
}
BoolBuilder& BoolBuilder::DefaultFunc(std::function<bool()> fn) {
  SetFunc(*d_, std::move(fn), false);
  return *this;
}
BoolBuilder& BoolBuilder::UpdateDefault(std::function<bool()> fn) {
  SetFunc(*d_, std::move(fn), true);
  return *this;
}

template <class T>
NumberBuilder<T>::NumberBuilder(std::string_view name, FieldType type, const char* file,
                                unsigned line)
    : detail::FieldOptions<NumberBuilder<T>>(name, type, file, line) {}
template <class T>
NumberBuilder<T>& NumberBuilder<T>::Default(T v) {
  this->d_->default_value = Value(v);
  return *this;
}
template <class T>
NumberBuilder<T>& NumberBuilder<T>::DefaultFunc(std::function<T()> fn) {
  SetFunc(*this->d_, std::move(fn), false);
  return *this;
}
template <class T>
NumberBuilder<T>& NumberBuilder<T>::UpdateDefault(std::function<T()> fn) {
  SetFunc(*this->d_, std::move(fn), true);
  return *this;
}
template <class T>
NumberBuilder<T>& NumberBuilder<T>::Min(T v) {
  this->d_->validators.push_back(detail::NumberValidator("min", v, {}));
  return *this;
}
template <class T>
NumberBuilder<T>& NumberBuilder<T>::Max(T v) {
  this->d_->validators.push_back(detail::NumberValidator("max", {}, v));
  return *this;
}
template <class T>
NumberBuilder<T>& NumberBuilder<T>::Range(T lo, T hi) {
  this->d_->validators.push_back(detail::NumberValidator("range", lo, hi));
  return *this;
}
template <class T>
NumberBuilder<T>& NumberBuilder<T>::Positive() {
  this->d_->validators.push_back(detail::NumberValidator("positive", {}, {}));
  return *this;
}
template <class T>
NumberBuilder<T>& NumberBuilder<T>::Negative() {
  this->d_->validators.push_back(detail::NumberValidator("negative", {}, {}));
  return *this;
}
template <class T>
NumberBuilder<T>& NumberBuilder<T>::NonNegative() {
  this->d_->validators.push_back(detail::NumberValidator("non_negative", {}, {}));
  return *this;
}
template <class T>
NumberBuilder<T>& NumberBuilder<T>::Validate(std::function<void(T)> fn) {
  this->d_->validators.push_back(
      {"custom", "", [fn = std::move(fn)](const Value& v) { fn(std::get<T>(v)); }});
  return *this;
}
template class NumberBuilder<std::int64_t>;
template class NumberBuilder<std::uint64_t>;
template class NumberBuilder<double>;

StringBuilder::StringBuilder(std::string_view name, FieldType type, const char* file, unsigned line)
    : FieldOptions(name, type, file, line) {}
StringBuilder& StringBuilder::Default(std::string_view v) {
  d_->default_value = Value(Str(v));
  return *this;
}
StringBuilder& StringBuilder::DefaultFunc(std::function<std::string()> fn) {
  SetFunc(*d_, std::move(fn), false);
  return *this;
}
StringBuilder& StringBuilder::UpdateDefault(std::function<std::string()> fn) {
  SetFunc(*d_, std::move(fn), true);
  return *this;
}
StringBuilder& StringBuilder::NotEmpty() { return MinLen(1); }
StringBuilder& StringBuilder::MinLen(std::size_t n) {
  d_->validators.push_back(detail::MinLenValidator(n));
  return *this;
}
StringBuilder& StringBuilder::MaxLen(std::size_t n) {
  d_->validators.push_back(detail::MaxLenValidator(n));
  return *this;
}
StringBuilder& StringBuilder::Match(std::string_view pattern) {
  d_->validators.push_back(detail::MatchValidator(Str(pattern)));
  return *this;
}
StringBuilder& StringBuilder::Validate(std::function<void(const std::string&)> fn) {
  d_->validators.push_back(
      {"custom", "", [fn = std::move(fn)](const Value& v) { fn(std::get<std::string>(v)); }});
  return *this;
}

EnumBuilder::EnumBuilder(std::string_view name, const char* file, unsigned line)
    : FieldOptions(name, FieldType::kEnum, file, line) {}
EnumBuilder& EnumBuilder::ValueList(std::initializer_list<std::string_view> values) {
  for (std::string_view v : values) d_->enum_values.emplace_back(v);
  return *this;
}
EnumBuilder& EnumBuilder::Default(std::string_view v) {
  d_->default_value = Value(Str(v));
  return *this;
}

TimeBuilder::TimeBuilder(std::string_view name, const char* file, unsigned line)
    : FieldOptions(name, FieldType::kTime, file, line) {}
TimeBuilder& TimeBuilder::Default(std::function<Time()> fn) { return DefaultFunc(std::move(fn)); }
TimeBuilder& TimeBuilder::DefaultFunc(std::function<Time()> fn) {
  SetFunc(*d_, std::move(fn), false);
  return *this;
}
TimeBuilder& TimeBuilder::UpdateDefault(std::function<Time()> fn) {
  SetFunc(*d_, std::move(fn), true);
  return *this;
}

UUIDBuilder::UUIDBuilder(std::string_view name, const char* file, unsigned line)
    : FieldOptions(name, FieldType::kUUID, file, line) {}
UUIDBuilder& UUIDBuilder::Default(std::function<UUID()> fn) { return DefaultFunc(std::move(fn)); }
UUIDBuilder& UUIDBuilder::DefaultFunc(std::function<UUID()> fn) {
  SetFunc(*d_, std::move(fn), false);
  return *this;
}

JSONBuilder::JSONBuilder(std::string_view name, const char* file, unsigned line)
    : FieldOptions(name, FieldType::kJSON, file, line) {}
JSONBuilder& JSONBuilder::Default(std::string_view json) {
  d_->default_value = Value(Str(json));
  return *this;
}

namespace field {
BoolBuilder Bool(std::string_view n, const char* f, unsigned l) { return {n, f, l}; }
#define STRATA_NUMBER(Name, T)                                           \
  NumberBuilder<T> Name(std::string_view n, const char* f, unsigned l) { \
    return {n, FieldType::k##Name, f, l};                                \
  }
STRATA_NUMBER(Int, std::int64_t)
STRATA_NUMBER(Int8, std::int64_t)
STRATA_NUMBER(Int16, std::int64_t)
STRATA_NUMBER(Int32, std::int64_t)
STRATA_NUMBER(Int64, std::int64_t)
STRATA_NUMBER(Uint, std::uint64_t)
STRATA_NUMBER(Uint8, std::uint64_t)
STRATA_NUMBER(Uint16, std::uint64_t)
STRATA_NUMBER(Uint32, std::uint64_t)
STRATA_NUMBER(Uint64, std::uint64_t)
STRATA_NUMBER(Float, double)
STRATA_NUMBER(Float32, double)
#undef STRATA_NUMBER
StringBuilder String(std::string_view n, const char* f, unsigned l) {
  return {n, FieldType::kString, f, l};
}
StringBuilder Text(std::string_view n, const char* f, unsigned l) {
  return {n, FieldType::kText, f, l};
}
StringBuilder Bytes(std::string_view n, const char* f, unsigned l) {
  return {n, FieldType::kBytes, f, l};
}
TimeBuilder Time(std::string_view n, const char* f, unsigned l) { return {n, f, l}; }
UUIDBuilder UUID(std::string_view n, const char* f, unsigned l) { return {n, f, l}; }
JSONBuilder JSON(std::string_view n, const char* f, unsigned l) { return {n, f, l}; }
EnumBuilder Enum(std::string_view n, const char* f, unsigned l) { return {n, f, l}; }

Annotation IDList(std::initializer_list<std::string_view> fields) {
  auto d = std::make_shared<AnnotationDescriptor>();
  for (std::string_view f : fields) d->id_fields.emplace_back(f);
  return Annotation(std::move(d));
}
}  // namespace field

// ---- Edges ----------------------------------------------------------------------------------

namespace edge {
StorageOption Table(std::string_view name) { return {Str(name), {}, {}}; }
StorageOption Column(std::string_view name) { return {{}, {Str(name)}, {}}; }
StorageOption Columns(std::string_view self, std::string_view target) {
  return {{}, {Str(self), Str(target)}, {}};
}
StorageOption Symbol(std::string_view name) { return {{}, {}, {Str(name)}}; }
StorageOption Symbols(std::string_view self, std::string_view target) {
  return {{}, {}, {Str(self), Str(target)}};
}

EdgeBuilder To(std::string_view name, std::string_view type, const char* file, unsigned line) {
  return {name, type, false, file, line};
}
EdgeBuilder From(std::string_view name, std::string_view type, const char* file, unsigned line) {
  return {name, type, true, file, line};
}
}  // namespace edge

EdgeBuilder::EdgeBuilder(std::string_view name, std::string_view type, bool inverse,
                         const char* file, unsigned line)
    : d_(std::make_shared<EdgeDescriptor>()) {
  d_->name = Str(name);
  d_->type = Str(type);
  d_->inverse = inverse;
  d_->location = {file, line};
}

EdgeBuilder::operator Edge() const { return Edge(std::make_shared<const EdgeDescriptor>(*d_)); }

EdgeBuilder EdgeBuilder::From(std::string_view name, const char* file, unsigned line) const {
  EdgeBuilder inverse(name, d_->type, true, file, line);
  inverse.d_->ref = d_->name;
  inverse.d_->assoc = std::make_shared<const EdgeDescriptor>(*d_);
  return inverse;
}

#define STRATA_OPTION(method, param, statement) \
  EdgeBuilder& EdgeBuilder::method(param) {     \
    statement;                                  \
    return *this;                               \
  }
STRATA_OPTION(Ref, std::string_view to_edge, d_->ref = Str(to_edge))
STRATA_OPTION(Unique, , d_->unique = true)
STRATA_OPTION(Required, , d_->required = true)
STRATA_OPTION(Immutable, , d_->immutable = true)
STRATA_OPTION(Field, std::string_view field_name, d_->field = Str(field_name))
STRATA_OPTION(OnDelete, Action action, d_->on_delete = action)
STRATA_OPTION(Comment, std::string_view text, d_->comment = Str(text))
#undef STRATA_OPTION

EdgeBuilder& EdgeBuilder::Through(std::string_view name, std::string_view type) {
  d_->through_name = Str(name);
  d_->through_type = Str(type);
  return *this;
}

EdgeBuilder& EdgeBuilder::StorageKeyList(
    std::initializer_list<const edge::StorageOption*> options) {
  for (const edge::StorageOption* o : options) {
    if (!o->table.empty()) d_->storage_table = o->table;
    if (!o->columns.empty()) d_->storage_columns = o->columns;
    if (!o->symbols.empty()) d_->storage_symbols = o->symbols;
  }
  return *this;
}

// ---- Indexes --------------------------------------------------------------------------------

IndexBuilder::IndexBuilder() : d_(std::make_shared<IndexDescriptor>()) {}
IndexBuilder::operator Index() const { return Index(std::make_shared<const IndexDescriptor>(*d_)); }
IndexBuilder& IndexBuilder::FieldList(std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) d_->fields.emplace_back(n);
  return *this;
}
IndexBuilder& IndexBuilder::EdgeList(std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) d_->edges.emplace_back(n);
  return *this;
}
IndexBuilder& IndexBuilder::Unique() {
  d_->unique = true;
  return *this;
}
IndexBuilder& IndexBuilder::StorageKey(std::string_view name) {
  d_->storage_key = Str(name);
  return *this;
}
IndexBuilder& IndexBuilder::Where(std::string_view where) {
  d_->where = Str(where);
  return *this;
}

// ---- Annotations ----------------------------------------------------------------------------

namespace entsql {
Annotation Table(std::string_view name) {
  auto d = std::make_shared<AnnotationDescriptor>();
  d->table = Str(name);
  return Annotation(std::move(d));
}
Annotation Schema(std::string_view name) {
  auto d = std::make_shared<AnnotationDescriptor>();
  d->schema = Str(name);
  return Annotation(std::move(d));
}
Annotation Check(std::string_view expr) {
  auto d = std::make_shared<AnnotationDescriptor>();
  d->checks.push_back({"", Str(expr)});
  return Annotation(std::move(d));
}
Annotation Checks(std::vector<std::pair<std::string, std::string>> checks) {
  auto d = std::make_shared<AnnotationDescriptor>();
  for (auto& [name, expr] : checks) d->checks.push_back({std::move(name), std::move(expr)});
  return Annotation(std::move(d));
}
}  // namespace entsql

// ---- Mixins and schemas ---------------------------------------------------------------------

Mixin::~Mixin() = default;
Fields Mixin::GetFields() const { return {}; }
Edges Mixin::GetEdges() const { return {}; }
Indexes Mixin::GetIndexes() const { return {}; }
Annotations Mixin::GetAnnotations() const { return {}; }
Hooks Mixin::GetHooks() const { return {}; }

Schema::~Schema() = default;
Fields Schema::GetFields() const { return {}; }
Edges Schema::GetEdges() const { return {}; }
Indexes Schema::GetIndexes() const { return {}; }
Mixins Schema::GetMixins() const { return {}; }
Annotations Schema::GetAnnotations() const { return {}; }
Hooks Schema::GetHooks() const { return {}; }

namespace mixin {
namespace {
ent::Time Now() { return std::chrono::system_clock::now(); }
}  // namespace
Fields Time::GetFields() const {
  return {field::Time("create_time").Default(Now).Immutable(),
          field::Time("update_time").Default(Now).UpdateDefault(Now)};
}
Fields CreateTime::GetFields() const {
  return {field::Time("create_time").Default(Now).Immutable()};
}
Fields UpdateTime::GetFields() const {
  return {field::Time("update_time").Default(Now).UpdateDefault(Now)};
}
}  // namespace mixin

}  // namespace strata::ent
