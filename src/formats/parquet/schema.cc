#include "formats/parquet/schema.h"

namespace mortar::formats::parquet {

using types::DataType;
using types::TypeKind;
using types::TypePtr;

namespace {

constexpr int kMaxSchemaDepth = 64;

struct Elem {
  const SchemaElement* e;
  std::vector<Elem> children;
};

Status build_tree(const std::vector<SchemaElement>& els, size_t* pos, Elem* out, int depth) {
  if (depth > kMaxSchemaDepth) return invalid_input("schema nested too deeply");
  if (*pos >= els.size()) return invalid_input("schema ends early");
  out->e = &els[(*pos)++];
  int n = out->e->type ? 0 : out->e->num_children;
  if (n < 0 || static_cast<size_t>(n) > els.size() - *pos) {
    return invalid_input("schema element '" + out->e->name + "' claims " + std::to_string(n) +
                         " children");
  }
  if (!out->e->type && n == 0 && depth > 0) {
    return invalid_input("schema group '" + out->e->name + "' has no children");
  }
  out->children.resize(n);
  for (int i = 0; i < n; ++i) MORTAR_RETURN_IF_ERROR(build_tree(els, pos, &out->children[i], depth + 1));
  return ok_status();
}

bool is_repeated(const Elem& e) { return e.e->repetition == Repetition::kRepeated; }
bool is_optional(const Elem& e) { return e.e->repetition == Repetition::kOptional; }
bool has_converted(const Elem& e, int32_t c) { return e.e->converted_type && *e.e->converted_type == c; }

bool is_list(const Elem& e) {
  return e.e->logical.kind == LogicalType::kList || has_converted(e, converted::kList);
}
bool is_map(const Elem& e) {
  return e.e->logical.kind == LogicalType::kMap || has_converted(e, converted::kMap) ||
         has_converted(e, converted::kMapKeyValue);
}

class Builder {
 public:
  explicit Builder(FileSchema* schema) : schema_(schema) {}

  // `exist_def`/`rep`: levels at which the parent offers this node a slot.
  // `ignore_repetition`: the node is the repeated element of a list/map.
  // `def_base`: the definition level of the enclosing node when present.
  StatusOr<std::unique_ptr<FieldNode>> convert(const Elem& e, int16_t exist_def, int16_t def_base,
                                               int16_t rep, bool ignore_repetition, int depth) {
    if (depth > kMaxSchemaDepth) return invalid_input("schema nested too deeply");
    if (is_repeated(e) && !ignore_repetition) {
      // An unannotated repeated field: a required list of required elements.
      auto list = std::make_unique<FieldNode>();
      list->kind = FieldNode::kList;
      list->name = e.e->name;
      list->exist_def = exist_def;
      list->def_present = def_base;
      list->rep_level = rep;
      list->elem_def = def_base + 1;
      list->elem_rep = rep + 1;
      MORTAR_ASSIGN_OR_RETURN(auto elem, convert(e, list->elem_def, list->elem_def, list->elem_rep, true, depth + 1));
      list->type = DataType::array(elem->type);
      list->children.push_back(std::move(elem));
      return list;
    }
    auto node = std::make_unique<FieldNode>();
    node->name = e.e->name;
    node->exist_def = exist_def;
    node->rep_level = rep;
    node->def_present = def_base + (!ignore_repetition && is_optional(e) ? 1 : 0);
    if (e.e->type) {
      MORTAR_RETURN_IF_ERROR(convert_leaf(*e.e, node.get()));
      node->leaf_index = schema_->num_leaves++;
      node->max_def = node->def_present;
      node->max_rep = rep;
      return node;
    }
    if (is_list(e) && e.children.size() == 1 && is_repeated(e.children[0])) {
      const Elem& r = e.children[0];
      node->kind = FieldNode::kList;
      node->elem_def = node->def_present + 1;
      node->elem_rep = rep + 1;
      // Legacy 2-level lists: the repeated node is the element itself.
      bool two_level = r.e->type.has_value() || r.children.size() > 1 || r.e->name == "array" ||
                       r.e->name == e.e->name + "_tuple";
      std::unique_ptr<FieldNode> elem;
      if (two_level) {
        MORTAR_ASSIGN_OR_RETURN(elem, convert(r, node->elem_def, node->elem_def, node->elem_rep, true, depth + 1));
      } else {
        MORTAR_ASSIGN_OR_RETURN(elem, convert(r.children[0], node->elem_def, node->elem_def, node->elem_rep, false, depth + 1));
      }
      node->type = DataType::array(elem->type);
      node->children.push_back(std::move(elem));
      return node;
    }
    if (is_map(e) && e.children.size() == 1 && is_repeated(e.children[0]) &&
        !e.children[0].e->type) {
      const Elem& kv = e.children[0];
      if (kv.children.empty() || kv.children.size() > 2) {
        return invalid_input("MAP '" + e.e->name + "' must have a key and a value (has " +
                             std::to_string(kv.children.size()) + " fields)");
      }
      node->elem_def = node->def_present + 1;
      node->elem_rep = rep + 1;
      if (kv.children.size() == 1) {
        // A map without values (parquet-rs writes these): a list of keys, as pyarrow reads it.
        node->kind = FieldNode::kList;
        MORTAR_ASSIGN_OR_RETURN(auto key, convert(kv.children[0], node->elem_def, node->elem_def, node->elem_rep, false, depth + 1));
        node->type = DataType::array(key->type);
        node->children.push_back(std::move(key));
        return node;
      }
      node->kind = FieldNode::kMap;
      MORTAR_ASSIGN_OR_RETURN(auto key, convert(kv.children[0], node->elem_def, node->elem_def, node->elem_rep, false, depth + 1));
      MORTAR_ASSIGN_OR_RETURN(auto value, convert(kv.children[1], node->elem_def, node->elem_def, node->elem_rep, false, depth + 1));
      node->type = DataType::map(key->type, value->type);
      node->children.push_back(std::move(key));
      node->children.push_back(std::move(value));
      return node;
    }
    node->kind = FieldNode::kStruct;
    std::vector<types::Field> fields;
    for (const Elem& c : e.children) {
      // Struct children get a slot whenever the struct does (null inside a
      // null struct), so they share its exist level.
      MORTAR_ASSIGN_OR_RETURN(auto child, convert(c, exist_def, node->def_present, rep, false, depth + 1));
      fields.push_back({child->name, child->type});
      node->children.push_back(std::move(child));
    }
    node->type = DataType::structure(std::move(fields));
    return node;
  }

 private:
  Status convert_leaf(const SchemaElement& s, FieldNode* node) {
    node->kind = FieldNode::kLeaf;
    node->physical = *s.type;
    node->type_length = s.type_length;
    const LogicalType& lt = s.logical;
    int32_t ct = s.converted_type.value_or(-1);
    auto fail = [&](const std::string& why) {
      return invalid_input("column '" + s.name + "': " + why);
    };
    // Decimal annotations (logical or converted).
    bool is_decimal = lt.kind == LogicalType::kDecimal || ct == converted::kDecimal;
    int precision = lt.kind == LogicalType::kDecimal ? lt.precision : s.precision;
    int scale = lt.kind == LogicalType::kDecimal ? lt.scale : s.scale;
    if (is_decimal) {
      if (precision <= 0 || scale < 0 || scale > precision) {
        return fail("bad decimal precision/scale " + std::to_string(precision) + "," + std::to_string(scale));
      }
      if (precision > 38) {
        node->type = DataType::float64();
        node->conversion = LeafConversion::kDecimalToDouble;
        node->scale = scale;
        if (s.type != PhysicalType::kByteArray && s.type != PhysicalType::kFixedLenByteArray) {
          return fail("decimal precision > 38 on an integer type");
        }
        return ok_status();
      }
      node->type = DataType::decimal(precision, scale);
      switch (*s.type) {
        case PhysicalType::kInt32: node->conversion = LeafConversion::kInt32ToDecimal; return ok_status();
        case PhysicalType::kInt64: node->conversion = LeafConversion::kInt64ToDecimal; return ok_status();
        case PhysicalType::kByteArray:
        case PhysicalType::kFixedLenByteArray: node->conversion = LeafConversion::kBytesToDecimal; return ok_status();
        default: return fail("DECIMAL on an unsupported physical type");
      }
    }
    switch (*s.type) {
      case PhysicalType::kBoolean:
        node->type = DataType::boolean();
        return ok_status();
      case PhysicalType::kInt32: {
        int bits = 32;
        bool is_signed = true;
        if (lt.kind == LogicalType::kInteger) {
          bits = lt.bit_width;
          is_signed = lt.is_signed;
        } else if (ct == converted::kInt8 || ct == converted::kUint8) {
          bits = 8, is_signed = ct == converted::kInt8;
        } else if (ct == converted::kInt16 || ct == converted::kUint16) {
          bits = 16, is_signed = ct == converted::kInt16;
        } else if (ct == converted::kUint32) {
          is_signed = false;
        }
        if (lt.kind == LogicalType::kDate || ct == converted::kDate) {
          node->type = DataType::date();
        } else if (lt.kind == LogicalType::kTime || ct == converted::kTimeMillis) {
          node->type = DataType::bigint();
          node->conversion = LeafConversion::kInt32TimeMillis;
        } else if (bits == 8) {
          node->type = is_signed ? DataType::tinyint() : DataType::smallint();
          node->conversion = is_signed ? LeafConversion::kInt32ToInt8 : LeafConversion::kUint8ToInt16;
        } else if (bits == 16) {
          node->type = is_signed ? DataType::smallint() : DataType::int32();
          node->conversion = is_signed ? LeafConversion::kInt32ToInt16 : LeafConversion::kUint16ToInt32;
        } else if (!is_signed) {
          node->type = DataType::bigint();
          node->conversion = LeafConversion::kUint32ToInt64;
        } else {
          node->type = DataType::int32();
        }
        return ok_status();
      }
      case PhysicalType::kInt64: {
        bool ts = lt.kind == LogicalType::kTimestamp || ct == converted::kTimestampMillis ||
                  ct == converted::kTimestampMicros;
        bool time = lt.kind == LogicalType::kTime || ct == converted::kTimeMicros;
        TimeUnit unit = lt.unit;
        if (unit == TimeUnit::kNone) {
          unit = (ct == converted::kTimestampMillis || ct == converted::kTimeMillis) ? TimeUnit::kMillis
                                                                                      : TimeUnit::kMicros;
        }
        if (ts || time) {
          node->type = ts ? DataType::timestamp() : DataType::bigint();
          node->conversion = unit == TimeUnit::kMillis  ? LeafConversion::kMillisToMicros
                             : unit == TimeUnit::kNanos ? LeafConversion::kNanosToMicros
                                                        : LeafConversion::kNone;
        } else if ((lt.kind == LogicalType::kInteger && !lt.is_signed) || ct == converted::kUint64) {
          node->type = DataType::decimal(20, 0);
          node->conversion = LeafConversion::kUint64ToDecimal;
        } else {
          node->type = DataType::bigint();
        }
        return ok_status();
      }
      case PhysicalType::kInt96:
        node->type = DataType::timestamp();
        node->conversion = LeafConversion::kInt96ToMicros;
        return ok_status();
      case PhysicalType::kFloat:
        node->type = DataType::float32();
        return ok_status();
      case PhysicalType::kDouble:
        node->type = DataType::float64();
        return ok_status();
      case PhysicalType::kByteArray:
        if (lt.kind == LogicalType::kString || lt.kind == LogicalType::kEnum ||
            lt.kind == LogicalType::kJson || ct == converted::kUtf8 || ct == converted::kEnum ||
            ct == converted::kJson) {
          node->type = DataType::string();
        } else {
          node->type = DataType::binary();
        }
        return ok_status();
      case PhysicalType::kFixedLenByteArray:
        if (s.type_length <= 0 || s.type_length > (1 << 20)) {
          return fail("bad FIXED_LEN_BYTE_ARRAY length " + std::to_string(s.type_length));
        }
        if (lt.kind == LogicalType::kUuid && s.type_length == 16) {
          node->type = DataType::string();
          node->conversion = LeafConversion::kUuidToString;
        } else if (lt.kind == LogicalType::kFloat16 && s.type_length == 2) {
          node->type = DataType::float32();
          node->conversion = LeafConversion::kFloat16ToFloat;
        } else {
          node->type = DataType::binary();
          node->conversion = LeafConversion::kFixedToBinary;
        }
        return ok_status();
    }
    return fail("unknown physical type " + std::to_string(static_cast<int>(*s.type)));
  }

  FileSchema* schema_;
};

void collect_leaves(const FieldNode* node, std::vector<const FieldNode*>* out) {
  if (node->kind == FieldNode::kLeaf) {
    out->push_back(node);
    return;
  }
  for (const auto& c : node->children) collect_leaves(c.get(), out);
}

}  // namespace

StatusOr<FileSchema> build_file_schema(const std::vector<SchemaElement>& elements) {
  if (elements.empty()) return invalid_input("empty schema");
  Elem root;
  size_t pos = 0;
  MORTAR_RETURN_IF_ERROR(build_tree(elements, &pos, &root, 0));
  if (root.e->type) return invalid_input("schema root is not a group");
  FileSchema schema;
  Builder builder(&schema);
  for (const Elem& c : root.children) {
    MORTAR_ASSIGN_OR_RETURN(auto node, builder.convert(c, 0, 0, 0, false, 1));
    schema.fields.push_back(std::move(node));
  }
  for (const auto& f : schema.fields) collect_leaves(f.get(), &schema.leaves);
  return schema;
}

// ------------------------------------------------------------- writer side --

namespace {

Status append_elements(const std::string& name, const DataType& type, Repetition rep,
                       std::vector<SchemaElement>* out, int depth) {
  if (depth > kMaxSchemaDepth) return invalid_input("type nested too deeply for parquet");
  SchemaElement e;
  e.name = name;
  e.repetition = rep;
  switch (type.kind()) {
    case TypeKind::kBoolean: e.type = PhysicalType::kBoolean; break;
    case TypeKind::kTinyInt:
    case TypeKind::kSmallInt:
      e.type = PhysicalType::kInt32;
      e.converted_type = type.kind() == TypeKind::kTinyInt ? converted::kInt8 : converted::kInt16;
      e.logical.kind = LogicalType::kInteger;
      e.logical.bit_width = type.kind() == TypeKind::kTinyInt ? 8 : 16;
      e.logical.is_signed = true;
      break;
    case TypeKind::kInt: e.type = PhysicalType::kInt32; break;
    case TypeKind::kBigInt: e.type = PhysicalType::kInt64; break;
    case TypeKind::kFloat: e.type = PhysicalType::kFloat; break;
    case TypeKind::kDouble: e.type = PhysicalType::kDouble; break;
    case TypeKind::kDecimal: {
      int p = type.precision();
      if (p <= 9) {
        e.type = PhysicalType::kInt32;
      } else if (p <= 18) {
        e.type = PhysicalType::kInt64;
      } else {
        e.type = PhysicalType::kFixedLenByteArray;
        e.type_length = 16;
      }
      e.converted_type = converted::kDecimal;
      e.precision = p;
      e.scale = type.scale();
      e.logical.kind = LogicalType::kDecimal;
      e.logical.precision = p;
      e.logical.scale = type.scale();
      break;
    }
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
      e.type = PhysicalType::kByteArray;
      e.converted_type = converted::kUtf8;
      e.logical.kind = LogicalType::kString;
      break;
    case TypeKind::kBinary: e.type = PhysicalType::kByteArray; break;
    case TypeKind::kDate:
      e.type = PhysicalType::kInt32;
      e.converted_type = converted::kDate;
      e.logical.kind = LogicalType::kDate;
      break;
    case TypeKind::kTimestamp:
      e.type = PhysicalType::kInt64;
      e.converted_type = converted::kTimestampMicros;
      e.logical.kind = LogicalType::kTimestamp;
      e.logical.unit = TimeUnit::kMicros;
      e.logical.adjusted_to_utc = true;
      break;
    case TypeKind::kNull:
      e.type = PhysicalType::kInt32;
      e.logical.kind = LogicalType::kUnknown;
      break;
    case TypeKind::kStruct: {
      if (type.fields().empty()) return invalid_input("parquet cannot store an empty struct '" + name + "'");
      e.num_children = static_cast<int32_t>(type.fields().size());
      out->push_back(e);
      for (const auto& f : type.fields()) {
        MORTAR_RETURN_IF_ERROR(append_elements(f.name, *f.type, Repetition::kOptional, out, depth + 1));
      }
      return ok_status();
    }
    case TypeKind::kArray: {
      e.num_children = 1;
      e.converted_type = converted::kList;
      e.logical.kind = LogicalType::kList;
      out->push_back(e);
      SchemaElement list;
      list.name = "list";
      list.repetition = Repetition::kRepeated;
      list.num_children = 1;
      out->push_back(list);
      return append_elements("element", *type.element(), Repetition::kOptional, out, depth + 1);
    }
    case TypeKind::kMap: {
      e.num_children = 1;
      e.converted_type = converted::kMap;
      e.logical.kind = LogicalType::kMap;
      out->push_back(e);
      SchemaElement kv;
      kv.name = "key_value";
      kv.repetition = Repetition::kRepeated;
      kv.num_children = 2;
      out->push_back(kv);
      MORTAR_RETURN_IF_ERROR(append_elements("key", *type.key(), Repetition::kRequired, out, depth + 1));
      return append_elements("value", *type.value(), Repetition::kOptional, out, depth + 1);
    }
    case TypeKind::kChoice:
      return invalid_input("parquet cannot store choice column '" + name +
                           "': resolve the choice first");
  }
  out->push_back(e);
  return ok_status();
}

}  // namespace

StatusOr<std::vector<SchemaElement>> to_parquet_schema(const DataType& struct_type) {
  if (struct_type.kind() != TypeKind::kStruct) return invalid_input("parquet schema must be a struct");
  std::vector<SchemaElement> out;
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(struct_type.fields().size());
  out.push_back(root);
  for (const auto& f : struct_type.fields()) {
    MORTAR_RETURN_IF_ERROR(append_elements(f.name, *f.type, Repetition::kOptional, &out, 1));
  }
  return out;
}

}  // namespace mortar::formats::parquet
