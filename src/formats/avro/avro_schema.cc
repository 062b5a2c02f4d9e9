#include "formats/avro/avro_schema.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace mortar::formats::avro {

namespace {

using nlohmann::json;
using types::DataType;
using types::TypeKind;
using types::TypePtr;

constexpr int kMaxDepth = 64;

Status bad(std::string_view what) { return invalid_input("Avro schema: " + std::string(what)); }

bool primitive_kind(const std::string& name, AvroKind* kind) {
  static const std::map<std::string, AvroKind> kPrimitives = {
      {"null", AvroKind::kNull},   {"boolean", AvroKind::kBoolean}, {"int", AvroKind::kInt},
      {"long", AvroKind::kLong},   {"float", AvroKind::kFloat},     {"double", AvroKind::kDouble},
      {"bytes", AvroKind::kBytes}, {"string", AvroKind::kString}};
  auto it = kPrimitives.find(name);
  if (it == kPrimitives.end()) return false;
  *kind = it->second;
  return true;
}

class Parser {
 public:
  StatusOr<std::shared_ptr<AvroNode>> parse(const json& j, const std::string& ns, int depth) {
    if (depth > kMaxDepth) return bad("nested too deeply");
    if (j.is_string()) return parse_name(j.get<std::string>(), ns);
    if (j.is_array()) return parse_union(j, ns, depth);
    if (!j.is_object()) return bad("expected a type name, object or union array");
    auto t = j.find("type");
    if (t == j.end()) return bad("object without \"type\"");
    if (!t->is_string()) {
      // {"type": {...}} or {"type": [...]}: the wrapper adds nothing.
      return parse(*t, ns, depth + 1);
    }
    std::string type = t->get<std::string>();
    AvroKind kind;
    if (primitive_kind(type, &kind)) {
      auto node = std::make_shared<AvroNode>();
      node->kind = kind;
      apply_logical(j, node.get());
      finish(node.get());
      return node;
    }
    if (type == "record" || type == "error") return parse_record(j, ns, depth);
    if (type == "enum") return parse_enum(j, ns);
    if (type == "fixed") return parse_fixed(j, ns);
    if (type == "array" || type == "map") {
      auto node = std::make_shared<AvroNode>();
      node->kind = type == "array" ? AvroKind::kArray : AvroKind::kMap;
      auto inner = j.find(type == "array" ? "items" : "values");
      if (inner == j.end()) return bad(type + " without " + (type == "array" ? "items" : "values"));
      MORTAR_ASSIGN_OR_RETURN(auto child, parse(*inner, ns, depth + 1));
      node->children.push_back(std::move(child));
      finish(node.get());
      return node;
    }
    return parse_name(type, ns);
  }

 private:
  static std::string full_name(const json& j, const std::string& ns, std::string* out_ns) {
    std::string name = j.contains("name") && j["name"].is_string() ? j["name"].get<std::string>() : "";
    std::string space = j.contains("namespace") && j["namespace"].is_string()
                            ? j["namespace"].get<std::string>()
                            : ns;
    std::string full = name.find('.') != std::string::npos || space.empty() ? name : space + "." + name;
    auto dot = full.rfind('.');
    *out_ns = dot == std::string::npos ? "" : full.substr(0, dot);
    return full;
  }

  StatusOr<std::shared_ptr<AvroNode>> parse_name(const std::string& name, const std::string& ns) {
    AvroKind kind;
    if (primitive_kind(name, &kind)) {
      auto node = std::make_shared<AvroNode>();
      node->kind = kind;
      finish(node.get());
      return node;
    }
    for (const std::string& candidate : {ns.empty() ? name : ns + "." + name, name}) {
      if (in_progress_.count(candidate)) return bad("recursive type '" + name + "' is not supported");
      auto it = named_.find(candidate);
      if (it != named_.end()) return it->second;
    }
    return bad("unknown type '" + name + "'");
  }

  Status define(const std::string& full, std::shared_ptr<AvroNode> node) {
    if (full.empty()) return bad("named type without a name");
    if (named_.count(full)) return bad("type '" + full + "' defined twice");
    named_[full] = std::move(node);
    return ok_status();
  }

  StatusOr<std::shared_ptr<AvroNode>> parse_record(const json& j, const std::string& ns, int depth) {
    std::string inner_ns;
    std::string full = full_name(j, ns, &inner_ns);
    if (full.empty()) return bad("record without a name");
    auto fields = j.find("fields");
    if (fields == j.end() || !fields->is_array()) return bad("record '" + full + "' without fields");
    auto node = std::make_shared<AvroNode>();
    node->kind = AvroKind::kRecord;
    in_progress_.insert(full);
    for (const auto& f : *fields) {
      if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("type")) {
        in_progress_.erase(full);
        return bad("record '" + full + "' has a field without name or type");
      }
      auto child = parse(f["type"], inner_ns, depth + 1);
      if (!child.ok()) {
        in_progress_.erase(full);
        return child.status();
      }
      node->field_names.push_back(f["name"].get<std::string>());
      node->children.push_back(std::move(*child));
    }
    in_progress_.erase(full);
    finish(node.get());
    MORTAR_RETURN_IF_ERROR(define(full, node));
    return node;
  }

  StatusOr<std::shared_ptr<AvroNode>> parse_enum(const json& j, const std::string& ns) {
    std::string inner_ns;
    std::string full = full_name(j, ns, &inner_ns);
    auto node = std::make_shared<AvroNode>();
    node->kind = AvroKind::kEnum;
    auto symbols = j.find("symbols");
    if (symbols == j.end() || !symbols->is_array()) return bad("enum '" + full + "' without symbols");
    for (const auto& s : *symbols) {
      if (!s.is_string()) return bad("enum '" + full + "' has a non-string symbol");
      node->symbols.push_back(s.get<std::string>());
    }
    finish(node.get());
    MORTAR_RETURN_IF_ERROR(define(full, node));
    return node;
  }

  StatusOr<std::shared_ptr<AvroNode>> parse_fixed(const json& j, const std::string& ns) {
    std::string inner_ns;
    std::string full = full_name(j, ns, &inner_ns);
    auto size = j.find("size");
    if (size == j.end() || !size->is_number_integer() || size->get<int64_t>() < 0 ||
        size->get<int64_t>() > (1 << 20)) {
      return bad("fixed '" + full + "' needs a size between 0 and 1 MiB");
    }
    auto node = std::make_shared<AvroNode>();
    node->kind = AvroKind::kFixed;
    node->fixed_size = static_cast<int>(size->get<int64_t>());
    apply_logical(j, node.get());
    finish(node.get());
    MORTAR_RETURN_IF_ERROR(define(full, node));
    return node;
  }

  StatusOr<std::shared_ptr<AvroNode>> parse_union(const json& j, const std::string& ns, int depth) {
    auto node = std::make_shared<AvroNode>();
    node->kind = AvroKind::kUnion;
    if (j.empty()) return bad("empty union");
    if (j.size() > 127) return bad("unions of more than 127 branches are not supported");
    std::vector<TypePtr> alternatives;
    for (const auto& b : j) {
      MORTAR_ASSIGN_OR_RETURN(auto child, parse(b, ns, depth + 1));
      if (child->kind == AvroKind::kUnion) return bad("union directly inside a union");
      if (child->kind == AvroKind::kNull) {
        node->null_branch = static_cast<int>(node->children.size());
        node->branch_alternative.push_back(-1);
      } else {
        node->branch_alternative.push_back(static_cast<int>(alternatives.size()));
        alternatives.push_back(child->type);
      }
      node->children.push_back(std::move(child));
    }
    if (alternatives.empty()) {
      node->type = DataType::null();
    } else if (alternatives.size() == 1) {
      node->type = alternatives[0];
    } else {
      node->union_is_choice = true;
      node->type = DataType::choice(alternatives);
    }
    node->min_size = 1;
    return node;
  }

  static void apply_logical(const json& j, AvroNode* node) {
    auto lt = j.find("logicalType");
    if (lt == j.end() || !lt->is_string()) return;
    std::string name = lt->get<std::string>();
    // Invalid logical types are ignored (the spec says: use the underlying type).
    if (name == "decimal" && (node->kind == AvroKind::kBytes || node->kind == AvroKind::kFixed)) {
      int precision = j.contains("precision") && j["precision"].is_number_integer() ? j["precision"].get<int>() : 0;
      int scale = j.contains("scale") && j["scale"].is_number_integer() ? j["scale"].get<int>() : 0;
      if (precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision) {
        node->logical = Logical::kDecimal;
        node->type = DataType::decimal(precision, scale);
      }
    } else if (name == "date" && node->kind == AvroKind::kInt) {
      node->logical = Logical::kDate;
    } else if ((name == "timestamp-millis" || name == "local-timestamp-millis") &&
               node->kind == AvroKind::kLong) {
      node->logical = Logical::kTimestampMillis;
    } else if ((name == "timestamp-micros" || name == "local-timestamp-micros") &&
               node->kind == AvroKind::kLong) {
      node->logical = Logical::kTimestampMicros;
    }
    // time-millis/-micros stay int/long (Mortar has no time type): read as bigint.
    // uuid stays string.
  }

  static void finish(AvroNode* node) {
    switch (node->kind) {
      case AvroKind::kNull: node->type = DataType::null(); node->min_size = 0; return;
      case AvroKind::kBoolean: node->type = DataType::boolean(); node->min_size = 1; return;
      case AvroKind::kInt:
        node->type = node->logical == Logical::kDate ? DataType::date() : DataType::int32();
        node->min_size = 1;
        return;
      case AvroKind::kLong:
        node->type = node->logical == Logical::kNone ? DataType::bigint() : DataType::timestamp();
        node->min_size = 1;
        return;
      case AvroKind::kFloat: node->type = DataType::float32(); node->min_size = 4; return;
      case AvroKind::kDouble: node->type = DataType::float64(); node->min_size = 8; return;
      case AvroKind::kBytes:
        if (node->logical != Logical::kDecimal) node->type = DataType::binary();
        node->min_size = 1;
        return;
      case AvroKind::kString: node->type = DataType::string(); node->min_size = 1; return;
      case AvroKind::kEnum: node->type = DataType::string(); node->min_size = 1; return;
      case AvroKind::kFixed:
        if (node->logical != Logical::kDecimal) node->type = DataType::binary();
        node->min_size = node->fixed_size;
        return;
      case AvroKind::kArray:
        node->type = DataType::array(node->children[0]->type);
        node->min_size = 1;
        return;
      case AvroKind::kMap:
        node->type = DataType::map(DataType::string(), node->children[0]->type);
        node->min_size = 1;
        return;
      case AvroKind::kRecord: {
        std::vector<types::Field> fields;
        int64_t size = 0;
        for (size_t i = 0; i < node->children.size(); ++i) {
          fields.push_back({node->field_names[i], node->children[i]->type});
          size += node->children[i]->min_size;
        }
        node->type = DataType::structure(std::move(fields));
        node->min_size = size;
        return;
      }
      case AvroKind::kUnion: return;  // parse_union fills it
    }
  }

  std::map<std::string, std::shared_ptr<AvroNode>> named_;
  std::set<std::string> in_progress_;
};

// --- writer schemas ---------------------------------------------------------

StatusOr<json> avro_json_for(const TypePtr& type, int* record_counter, int depth);

StatusOr<json> nullable(const TypePtr& type, int* record_counter, int depth) {
  if (type->kind() == TypeKind::kNull) return json("null");
  MORTAR_ASSIGN_OR_RETURN(json inner, avro_json_for(type, record_counter, depth));
  if (inner.is_array()) return inner;  // choice: already a union with null
  return json::array({"null", inner});
}

StatusOr<json> avro_json_for(const TypePtr& type, int* record_counter, int depth) {
  if (depth > kMaxDepth) return bad("type nested too deeply");
  switch (type->kind()) {
    case TypeKind::kNull: return json("null");
    case TypeKind::kBoolean: return json("boolean");
    case TypeKind::kTinyInt:
    case TypeKind::kSmallInt:
    case TypeKind::kInt: return json("int");
    case TypeKind::kBigInt: return json("long");
    case TypeKind::kFloat: return json("float");
    case TypeKind::kDouble: return json("double");
    case TypeKind::kDecimal:
      return json{{"type", "bytes"}, {"logicalType", "decimal"},
                  {"precision", type->precision()}, {"scale", type->scale()}};
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar: return json("string");
    case TypeKind::kBinary: return json("bytes");
    case TypeKind::kDate: return json{{"type", "int"}, {"logicalType", "date"}};
    case TypeKind::kTimestamp: return json{{"type", "long"}, {"logicalType", "timestamp-micros"}};
    case TypeKind::kArray: {
      MORTAR_ASSIGN_OR_RETURN(json items, nullable(type->element(), record_counter, depth + 1));
      return json{{"type", "array"}, {"items", items}};
    }
    case TypeKind::kMap: {
      TypeKind k = type->key()->kind();
      if (k != TypeKind::kString && k != TypeKind::kVarchar && k != TypeKind::kChar) {
        return bad("Avro map keys must be strings, not " + type->key()->to_string());
      }
      MORTAR_ASSIGN_OR_RETURN(json values, nullable(type->value(), record_counter, depth + 1));
      return json{{"type", "map"}, {"values", values}};
    }
    case TypeKind::kStruct: {
      json fields = json::array();
      std::string name = "record_" + std::to_string((*record_counter)++);
      for (const auto& f : type->fields()) {
        MORTAR_ASSIGN_OR_RETURN(json ft, nullable(f.type, record_counter, depth + 1));
        fields.push_back(json{{"name", f.name}, {"type", ft}, {"default", nullptr}});
      }
      return json{{"type", "record"}, {"name", name}, {"fields", fields}};
    }
    case TypeKind::kChoice: {
      json branches = json::array({"null"});
      for (const auto& f : type->fields()) {
        if (f.type->kind() == TypeKind::kChoice || f.type->kind() == TypeKind::kNull) {
          return bad("choice alternative " + f.type->to_string() + " cannot be an Avro union branch");
        }
        MORTAR_ASSIGN_OR_RETURN(json b, avro_json_for(f.type, record_counter, depth + 1));
        branches.push_back(b);
      }
      return branches;
    }
  }
  return bad("unsupported type " + type->to_string());
}

}  // namespace

StatusOr<AvroNodePtr> parse_schema(std::string_view json_text) {
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad("not valid JSON");
  Parser parser;
  try {  // nlohmann throws on unexpected value types; never let that escape
    MORTAR_ASSIGN_OR_RETURN(auto node, parser.parse(j, "", 0));
    return AvroNodePtr(std::move(node));
  } catch (const json::exception& e) {
    return bad(e.what());
  }
}

StatusOr<WriterSchema> schema_for_type(const types::TypePtr& type) {
  if (type->kind() != TypeKind::kStruct) return bad("the written schema must be a struct");
  int counter = 0;
  json fields = json::array();
  for (const auto& f : type->fields()) {
    MORTAR_ASSIGN_OR_RETURN(json ft, nullable(f.type, &counter, 1));
    fields.push_back(json{{"name", f.name}, {"type", ft}, {"default", nullptr}});
  }
  json root{{"type", "record"}, {"name", "topLevelRecord"}, {"namespace", "mortar"}, {"fields", fields}};
  WriterSchema out;
  try {
    out.json = root.dump();  // throws on names that are not UTF-8
  } catch (const json::exception& e) {
    return bad(e.what());
  }
  MORTAR_ASSIGN_OR_RETURN(out.root, parse_schema(out.json));
  return out;
}

}  // namespace mortar::formats::avro
