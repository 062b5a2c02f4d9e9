#include "formats/orc/orc_schema.h"

namespace mortar::formats::orc {

using types::DataType;
using types::TypePtr;

namespace {

constexpr int kMaxDepth = 64;
// Hive's defaults for decimals written without precision (ORC 0.11).
constexpr int kDefaultPrecision = 38;
constexpr int kDefaultScale = 10;

struct Builder {
  const std::vector<OrcType>& types;
  std::vector<bool> seen;

  StatusOr<std::unique_ptr<SchemaNode>> build(uint64_t id, int depth, const std::string& name,
                                              const std::string& path) {
    auto bad = [&](const std::string& what) {
      return invalid_input("type " + std::to_string(id) + ": " + what);
    };
    if (id >= types.size())
      return invalid_input("subtype id " + std::to_string(id) + " out of range");
    if (seen[id]) return bad("referenced twice");
    if (depth > kMaxDepth) return bad("nested deeper than " + std::to_string(kMaxDepth));
    seen[id] = true;
    const OrcType& t = types[id];
    auto node = std::make_unique<SchemaNode>();
    node->column = static_cast<uint32_t>(id);
    node->kind = t.kind;
    node->name = name;
    node->path = path;
    size_t want_children = 0;
    switch (t.kind) {
      case OrcKind::kList:
        want_children = 1;
        break;
      case OrcKind::kMap:
        want_children = 2;
        break;
      case OrcKind::kStruct:
        if (t.field_names.size() != t.subtypes.size()) {
          return bad(std::to_string(t.subtypes.size()) + " subtypes but " +
                     std::to_string(t.field_names.size()) + " field names");
        }
        want_children = t.subtypes.size();
        break;
      case OrcKind::kUnion:
        if (t.subtypes.empty() || t.subtypes.size() > 127)
          return bad("a union needs 1..127 alternatives");
        want_children = t.subtypes.size();
        break;
      default:
        break;
    }
    if (t.subtypes.size() != want_children) {
      return bad("has " + std::to_string(t.subtypes.size()) + " subtypes, expected " +
                 std::to_string(want_children));
    }
    for (size_t i = 0; i < t.subtypes.size(); ++i) {
      if (t.subtypes[i] <= id) return bad("subtype ids must follow their parent");
      std::string child_name = t.kind == OrcKind::kStruct ? t.field_names[i] : "";
      std::string child_path;
      if (t.kind == OrcKind::kStruct)
        child_path = path.empty() ? child_name : path + "." + child_name;
      MORTAR_ASSIGN_OR_RETURN(auto child, build(t.subtypes[i], depth + 1, child_name, child_path));
      node->children.push_back(std::move(child));
    }
    auto length = [&]() -> StatusOr<int> {
      if (t.maximum_length == 0 || t.maximum_length > 65535) {
        return bad("bad maximum length " + std::to_string(t.maximum_length));
      }
      return static_cast<int>(t.maximum_length);
    };
    switch (t.kind) {
      case OrcKind::kBoolean:
        node->type = DataType::boolean();
        break;
      case OrcKind::kByte:
        node->type = DataType::tinyint();
        break;
      case OrcKind::kShort:
        node->type = DataType::smallint();
        break;
      case OrcKind::kInt:
        node->type = DataType::int32();
        break;
      case OrcKind::kLong:
        node->type = DataType::bigint();
        break;
      case OrcKind::kFloat:
        node->type = DataType::float32();
        break;
      case OrcKind::kDouble:
        node->type = DataType::float64();
        break;
      case OrcKind::kString:
        node->type = DataType::string();
        break;
      case OrcKind::kBinary:
        node->type = DataType::binary();
        break;
      case OrcKind::kTimestamp:
      case OrcKind::kTimestampInstant:
        node->type = DataType::timestamp();
        break;
      case OrcKind::kDate:
        node->type = DataType::date();
        break;
      case OrcKind::kVarchar: {
        MORTAR_ASSIGN_OR_RETURN(int n, length());
        node->type = DataType::varchar(n);
        break;
      }
      case OrcKind::kChar: {
        MORTAR_ASSIGN_OR_RETURN(int n, length());
        node->type = DataType::chr(n);
        break;
      }
      case OrcKind::kDecimal: {
        int precision = static_cast<int>(std::min<uint64_t>(t.precision, 1000));
        int scale = static_cast<int>(std::min<uint64_t>(t.scale, 1000));
        if (precision == 0) {
          precision = kDefaultPrecision;
          scale = kDefaultScale;
        }
        if (precision > 38 || scale > precision) {
          return bad("decimal(" + std::to_string(precision) + "," + std::to_string(scale) +
                     ") is out of range");
        }
        node->precision = precision;
        node->scale = scale;
        node->type = DataType::decimal(precision, scale);
        break;
      }
      case OrcKind::kList:
        node->type = DataType::array(node->children[0]->type);
        break;
      case OrcKind::kMap:
        node->type = DataType::map(node->children[0]->type, node->children[1]->type);
        break;
      case OrcKind::kStruct: {
        std::vector<types::Field> fields;
        for (const auto& c : node->children) fields.push_back({c->name, c->type});
        node->type = DataType::structure(std::move(fields));
        break;
      }
      case OrcKind::kUnion: {
        std::vector<TypePtr> alternatives;
        for (const auto& c : node->children) alternatives.push_back(c->type);
        node->type = DataType::choice(std::move(alternatives));
        break;
      }
    }
    return node;
  }
};

}  // namespace

StatusOr<std::unique_ptr<SchemaNode>> build_schema(const std::vector<OrcType>& types) {
  if (types.empty()) return invalid_input("the footer has no types");
  Builder b{types, std::vector<bool>(types.size(), false)};
  if (types[0].kind == OrcKind::kStruct) return b.build(0, 0, "", "");
  // A file whose rows are not structs reads as one column, named as Hive
  // names unnamed columns.
  auto root = std::make_unique<SchemaNode>();
  root->column = UINT32_MAX;
  MORTAR_ASSIGN_OR_RETURN(auto only, b.build(0, 0, "_col0", "_col0"));
  root->type = DataType::structure({{"_col0", only->type}});
  root->children.push_back(std::move(only));
  return root;
}

void collect_columns(const SchemaNode& node, std::vector<uint32_t>* out) {
  out->push_back(node.column);
  for (const auto& c : node.children) collect_columns(*c, out);
}

}  // namespace mortar::formats::orc
