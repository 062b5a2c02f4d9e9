#include "formats/json/json_builder.h"

#include <cmath>
#include <charconv>

#include <fmt/format.h>

#include "formats/text_values.h"

namespace mortar::formats::json {

using simdjson::dom::element;
using simdjson::dom::element_type;
using types::Column;
using types::TypeKind;
using types::TypePtr;

struct JsonBuilder::Node {
  TypePtr type;
  TypeKind kind;
  std::vector<std::unique_ptr<Node>> children;
  std::unordered_map<std::string_view, int> field_index;  // struct: name -> child
  std::vector<uint32_t> seen;                             // struct: generation per field
  int alt_for[7] = {-1, -1, -1, -1, -1, -1, -1};          // choice: JSON type -> alternative
};

namespace {

enum JsonKind { kJBool, kJInt, kJDouble, kJString, kJArray, kJObject, kJNull };

JsonKind json_kind(element v) {
  switch (v.type()) {
    case element_type::BOOL: return kJBool;
    case element_type::INT64:
    case element_type::UINT64: return kJInt;
    case element_type::DOUBLE: return kJDouble;
    case element_type::STRING: return kJString;
    case element_type::ARRAY: return kJArray;
    case element_type::OBJECT: return kJObject;
    default: return kJNull;
  }
}

const char* kind_name(element v) {
  switch (json_kind(v)) {
    case kJBool: return "boolean";
    case kJInt: return "integer";
    case kJDouble: return "number";
    case kJString: return "string";
    case kJArray: return "array";
    case kJObject: return "object";
    default: return "null";
  }
}

Status mismatch(const types::DataType& t, element v) {
  std::string text = simdjson::minify(v);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return invalid_input(fmt::format("expected {}, got {} {}", t.to_string(), kind_name(v), text));
}

bool is_string_kind(TypeKind k) {
  return k == TypeKind::kString || k == TypeKind::kVarchar || k == TypeKind::kChar;
}

std::unique_ptr<JsonBuilder::Node> make_node(const TypePtr& type);

}  // namespace

namespace {
std::unique_ptr<JsonBuilder::Node> make_node(const TypePtr& type) {
  auto n = std::make_unique<JsonBuilder::Node>();
  n->type = type;
  n->kind = type->kind();
  for (const auto& f : type->fields()) n->children.push_back(make_node(f.type));
  if (n->kind == TypeKind::kStruct) {
    for (size_t i = 0; i < type->fields().size(); ++i)
      n->field_index.emplace(type->fields()[i].name, static_cast<int>(i));
    n->seen.assign(type->fields().size(), 0);
  } else if (n->kind == TypeKind::kChoice) {
    for (size_t i = 0; i < type->fields().size(); ++i) {
      TypeKind k = type->fields()[i].type->kind();
      int a = static_cast<int>(i);
      if (k == TypeKind::kBoolean) n->alt_for[kJBool] = a;
      else if (k == TypeKind::kTinyInt || k == TypeKind::kSmallInt || k == TypeKind::kInt ||
               k == TypeKind::kBigInt) n->alt_for[kJInt] = a;
      else if (k == TypeKind::kDouble || k == TypeKind::kFloat || k == TypeKind::kDecimal) n->alt_for[kJDouble] = a;
      else if (is_string_kind(k)) n->alt_for[kJString] = a;
      else if (k == TypeKind::kArray) n->alt_for[kJArray] = a;
      else if (k == TypeKind::kStruct || k == TypeKind::kMap) n->alt_for[kJObject] = a;
    }
    if (n->alt_for[kJInt] < 0) n->alt_for[kJInt] = n->alt_for[kJDouble];
    if (n->alt_for[kJDouble] < 0 && n->alt_for[kJString] >= 0) n->alt_for[kJDouble] = n->alt_for[kJString];
  }
  return n;
}
}  // namespace

JsonBuilder::JsonBuilder(TypePtr type) : root_(make_node(type)) {}
JsonBuilder::~JsonBuilder() = default;

Status JsonBuilder::append(Column& column, element v) { return append_node(*root_, column, v); }

Status JsonBuilder::append_fields(const Node& node, std::vector<Column*>& children, element v) {
  Node& n = const_cast<Node&>(node);
  const uint32_t gen = ++generation_;
  simdjson::dom::object obj = v.get_object().value_unsafe();
  for (auto kv : obj) {
    auto it = n.field_index.find(kv.key);
    if (it == n.field_index.end()) continue;
    int i = it->second;
    if (n.seen[i] == gen) continue;  // duplicate key: the first wins
    n.seen[i] = gen;
    Status s = append_node(*n.children[i], *children[i], kv.value);
    if (!s.ok()) {
      return invalid_input(fmt::format("field '{}': {}", node.type->fields()[i].name,
                                       status_message(s)));
    }
  }
  for (size_t i = 0; i < n.seen.size(); ++i)
    if (n.seen[i] != gen) children[i]->append_null();
  return ok_status();
}

Status JsonBuilder::append_record(std::vector<std::unique_ptr<Column>>& columns, element v) {
  std::vector<Column*> children;
  children.reserve(columns.size());
  for (auto& c : columns) children.push_back(c.get());
  if (root_->kind != TypeKind::kStruct) return internal_error("record type must be a struct");
  if (v.type() != element_type::OBJECT) return mismatch(*root_->type, v);
  return append_fields(*root_, children, v);
}

Status JsonBuilder::append_node(const Node& node, Column& col, element v) {
  const element_type jt = v.type();
  if (jt == element_type::NULL_VALUE || node.kind == TypeKind::kNull) {
    col.append_null();
    return ok_status();
  }
  const types::DataType& t = *node.type;
  switch (node.kind) {
    case TypeKind::kBoolean: {
      bool b;
      if (jt == element_type::BOOL) b = v.get_bool().value_unsafe();
      else if (jt != element_type::STRING || !parse_bool(v.get_string().value_unsafe(), &b))
        return mismatch(t, v);
      col.append_bool(b);
      return ok_status();
    }
    case TypeKind::kTinyInt:
    case TypeKind::kSmallInt:
    case TypeKind::kInt:
    case TypeKind::kBigInt: {
      int64_t x;
      if (jt == element_type::INT64) {
        x = v.get_int64().value_unsafe();
      } else if (jt == element_type::UINT64) {
        return mismatch(t, v);
      } else if (jt == element_type::DOUBLE) {
        double d = v.get_double().value_unsafe();
        if (!(d == std::floor(d) && std::fabs(d) < 9.2e18)) return mismatch(t, v);
        x = static_cast<int64_t>(d);
      } else if (jt != element_type::STRING || !parse_int64(v.get_string().value_unsafe(), &x)) {
        return mismatch(t, v);
      }
      int width = node.kind == TypeKind::kTinyInt ? 8 : node.kind == TypeKind::kSmallInt ? 16
                  : node.kind == TypeKind::kInt   ? 32 : 64;
      if (width < 64 && (x < -(int64_t{1} << (width - 1)) || x >= (int64_t{1} << (width - 1))))
        return mismatch(t, v);
      col.append_int(x);
      return ok_status();
    }
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      double d;
      if (jt == element_type::INT64) d = static_cast<double>(v.get_int64().value_unsafe());
      else if (jt == element_type::UINT64) d = static_cast<double>(v.get_uint64().value_unsafe());
      else if (jt == element_type::DOUBLE) d = v.get_double().value_unsafe();
      else if (jt != element_type::STRING || !parse_double(v.get_string().value_unsafe(), &d))
        return mismatch(t, v);
      col.append_double(d);
      return ok_status();
    }
    case TypeKind::kDecimal: {
      std::string text;
      if (jt == element_type::STRING) text = std::string(v.get_string().value_unsafe());
      else if (jt == element_type::INT64 || jt == element_type::UINT64 || jt == element_type::DOUBLE)
        text = simdjson::minify(v);
      else return mismatch(t, v);
      __int128 x;
      if (!parse_decimal(text, t.precision(), t.scale(), &x)) {
        // Exponent notation: go through double.
        double d;
        if (!parse_double(text, &d) || !std::isfinite(d)) return mismatch(t, v);
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
        if (!parse_decimal(std::string_view(buf, r.ptr - buf), t.precision(), t.scale(), &x))
          return mismatch(t, v);
      }
      col.append_decimal(x);
      return ok_status();
    }
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
    case TypeKind::kBinary: {
      if (jt == element_type::STRING) {
        col.append_string(v.get_string().value_unsafe());
      } else {
        scratch_ = simdjson::minify(v);
        col.append_string(scratch_);
      }
      return ok_status();
    }
    case TypeKind::kDate: {
      int32_t d;
      if (jt != element_type::STRING || !parse_date(v.get_string().value_unsafe(), &d))
        return mismatch(t, v);
      col.append_int(d);
      return ok_status();
    }
    case TypeKind::kTimestamp: {
      int64_t ts;
      int32_t d;
      if (jt != element_type::STRING) return mismatch(t, v);
      std::string_view s = v.get_string().value_unsafe();
      if (parse_timestamp(s, &ts)) {
      } else if (parse_date(s, &d)) {
        ts = d * 86400000000LL;
      } else {
        return mismatch(t, v);
      }
      col.append_timestamp(ts);
      return ok_status();
    }
    case TypeKind::kArray: {
      if (jt != element_type::ARRAY) return mismatch(t, v);
      int64_t n = 0;
      simdjson::dom::array arr = v.get_array().value_unsafe();
      for (element e : arr) {
        MORTAR_RETURN_IF_ERROR(append_node(*node.children[0], col.child(0), e));
        ++n;
      }
      col.append_list_length(n);
      return ok_status();
    }
    case TypeKind::kMap: {
      if (jt != element_type::OBJECT) return mismatch(t, v);
      int64_t n = 0;
      const Node& key_node = *node.children[0];
      simdjson::dom::object obj = v.get_object().value_unsafe();
  for (auto kv : obj) {
        Column& keys = col.child(0);
        if (is_string_kind(key_node.kind)) {
          keys.append_string(kv.key);
        } else if (key_node.kind == TypeKind::kBigInt || key_node.kind == TypeKind::kInt) {
          int64_t k;
          if (!parse_int64(kv.key, &k)) return invalid_input(fmt::format("map key '{}' is not an integer", kv.key));
          keys.append_int(k);
        } else {
          return invalid_input("map keys must be strings or integers in JSON");
        }
        MORTAR_RETURN_IF_ERROR(append_node(*node.children[1], col.child(1), kv.value));
        ++n;
      }
      col.append_list_length(n);
      return ok_status();
    }
    case TypeKind::kStruct: {
      if (jt != element_type::OBJECT) return mismatch(t, v);
      std::vector<Column*> children;
      children.reserve(col.children().size());
      for (auto& c : col.children()) children.push_back(c.get());
      MORTAR_RETURN_IF_ERROR(append_fields(node, children, v));
      col.append_struct_row();
      return ok_status();
    }
    case TypeKind::kChoice: {
      int alt = node.alt_for[json_kind(v)];
      if (alt < 0) return mismatch(t, v);
      MORTAR_RETURN_IF_ERROR(append_node(*node.children[alt], col.child(alt), v));
      col.append_choice_row(alt);
      return ok_status();
    }
    case TypeKind::kNull:
      col.append_null();
      return ok_status();
  }
  return mismatch(t, v);
}

}  // namespace mortar::formats::json
