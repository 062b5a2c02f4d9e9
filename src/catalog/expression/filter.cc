#include "catalog/expression/filter.h"

#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "catalog/expression/parser.h"
#include "common/ascii.h"

namespace mortar::catalog::expression {
namespace {

const char* class_name(KeyClass c) {
  switch (c) {
    case KeyClass::kNumber: return "a number";
    case KeyClass::kDate: return "a date (yyyy-mm-dd)";
    case KeyClass::kTimestamp: return "a timestamp (yyyy-mm-dd hh:mm:ss[.fffffffff])";
    default: return "a string";
  }
}

class Binder {
 public:
  explicit Binder(const std::vector<PartitionKey>& keys) : keys_(keys) {}

  StatusOr<std::unique_ptr<BoundNode>> bind(const Node& node) {
    auto out = std::make_unique<BoundNode>();
    out->kind = node.kind;
    out->op = node.op;
    if (node.kind == Node::Kind::kAnd || node.kind == Node::Kind::kOr ||
        node.kind == Node::Kind::kNot) {
      for (const auto& child : node.children) {
        MORTAR_ASSIGN_OR_RETURN(auto bound, bind(*child));
        out->children.push_back(std::move(bound));
      }
      return out;
    }
    MORTAR_ASSIGN_OR_RETURN(out->key_index, find_key(node));
    const PartitionKey& key = keys_[out->key_index];
    out->key_class = classify_key_type(key.type);
    if (out->key_class == KeyClass::kUnsupported) {
      return invalid_input(absl::StrCat("Invalid partition expression: partition key '", key.name,
                                        "' has type '", key.type,
                                        "', which partition filters do not support (position ",
                                        node.column_position, ")."));
    }
    if (node.kind == Node::Kind::kLike) {
      if (out->key_class != KeyClass::kString) {
        return invalid_input(absl::StrCat("Invalid partition expression: LIKE needs a string "
                                          "partition key, but '",
                                          key.name, "' has type '", key.type, "' (position ",
                                          node.column_position, ")."));
      }
      compile_like(node.literals[0].text, node.escape, *out);
      return out;
    }
    for (const Literal& lit : node.literals) {
      MORTAR_ASSIGN_OR_RETURN(TypedLiteral typed, type_literal(lit, key, out->key_class));
      out->literals.push_back(std::move(typed));
    }
    return out;
  }

 private:
  StatusOr<int> find_key(const Node& node) {
    std::string wanted = ascii_lower(node.column);
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (ascii_lower(keys_[i].name) == wanted) return static_cast<int>(i);
    }
    std::vector<std::string> names;
    for (const auto& k : keys_) names.push_back(k.name);
    return invalid_input(absl::StrCat(
        "Invalid partition expression: '", node.column, "' at position ", node.column_position,
        " is not a partition key of this table (partition keys: ",
        names.empty() ? "none" : absl::StrJoin(names, ", "), ")."));
  }

  static StatusOr<TypedLiteral> type_literal(const Literal& lit, const PartitionKey& key,
                                             KeyClass key_class) {
    TypedLiteral out;
    out.text = lit.text;
    std::optional<Number> number;
    switch (key_class) {
      case KeyClass::kString:
        return out;
      case KeyClass::kNumber:
        number = parse_number(lit.text);
        break;
      case KeyClass::kDate:
        if (lit.kind == Literal::Kind::kString) {
          if (auto d = parse_date(lit.text)) number = Number{*d};
        }
        break;
      case KeyClass::kTimestamp:
        if (lit.kind == Literal::Kind::kString) {
          if (auto t = parse_timestamp(lit.text)) {
            number = Number{t->micros};
            out.nanos = t->nanos;
          } else if (auto d = parse_date(lit.text)) {
            number = Number{*d * 86400 * int64_t{1000000}};
          }
        }
        break;
      case KeyClass::kUnsupported:
        break;
    }
    if (!number) {
      return invalid_input(absl::StrCat("Invalid partition expression: ",
                                        lit.kind == Literal::Kind::kString ? "'" : "", lit.text,
                                        lit.kind == Literal::Kind::kString ? "'" : "",
                                        " at position ", lit.position, " is not ",
                                        class_name(key_class), " as partition key '", key.name,
                                        "' of type '", key.type, "' needs."));
    }
    out.number = *number;
    return out;
  }

  static void compile_like(const std::string& pattern, const std::string& escape,
                           BoundNode& out) {
    for (size_t i = 0; i < pattern.size(); ++i) {
      char c = pattern[i];
      if (!escape.empty() && c == escape[0] && i + 1 < pattern.size()) {
        out.like.push_back({BoundNode::LikePiece::kChar, pattern[++i]});
      } else if (c == '%') {
        out.like.push_back({BoundNode::LikePiece::kAny, 0});
      } else if (c == '_') {
        out.like.push_back({BoundNode::LikePiece::kOne, 0});
      } else {
        out.like.push_back({BoundNode::LikePiece::kChar, c});
      }
    }
  }

  const std::vector<PartitionKey>& keys_;
};

// Length in bytes of the UTF-8 character starting at s[i] (1 for bytes that
// do not start a valid sequence), as SQLite's GLOB steps over characters.
size_t char_length(std::string_view s, size_t i) {
  size_t n = 1;
  if (static_cast<unsigned char>(s[i]) >= 0xC0) {
    while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
  }
  return n;
}

bool like_match(const std::vector<BoundNode::LikePiece>& pattern, std::string_view s) {
  // Iterative wildcard matching with backtracking to the last '%'.
  size_t p = 0, i = 0;
  size_t star_p = std::string::npos, star_i = 0;
  while (i < s.size()) {
    if (p < pattern.size() && pattern[p].kind == BoundNode::LikePiece::kAny) {
      star_p = p++;
      star_i = i;
    } else if (p < pattern.size() && pattern[p].kind == BoundNode::LikePiece::kOne) {
      ++p;
      i += char_length(s, i);
    } else if (p < pattern.size() && pattern[p].c == s[i]) {
      ++p;
      ++i;
    } else if (star_p != std::string::npos) {
      p = star_p + 1;
      star_i += char_length(s, star_i);
      i = star_i;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p].kind == BoundNode::LikePiece::kAny) ++p;
  return p == pattern.size();
}

bool compare_holds(CompareOp op, int cmp) {
  switch (op) {
    case CompareOp::kEq: return cmp == 0;
    case CompareOp::kNe: return cmp != 0;
    case CompareOp::kLt: return cmp < 0;
    case CompareOp::kLe: return cmp <= 0;
    case CompareOp::kGt: return cmp > 0;
    case CompareOp::kGe: return cmp >= 0;
  }
  return false;
}

ValueKind expected_kind(KeyClass c) {
  switch (c) {
    case KeyClass::kNumber: return ValueKind::kNumber;
    case KeyClass::kDate: return ValueKind::kDate;
    case KeyClass::kTimestamp: return ValueKind::kTimestamp;
    default: return ValueKind::kText;
  }
}

int compare_value(const BoundNode& node, std::string_view text, const ClassifiedValue& value,
                  const TypedLiteral& lit) {
  if (node.key_class == KeyClass::kString) {
    int c = text.compare(lit.text);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  int c = compare_numbers(value.number, lit.number);
  if (c != 0) return c;
  return value.nanos < lit.nanos ? -1 : value.nanos > lit.nanos ? 1 : 0;  // 0 unless timestamps
}

bool eval(const BoundNode& node, const std::vector<std::string>& values) {
  switch (node.kind) {
    case Node::Kind::kAnd:
      return eval(*node.children[0], values) && eval(*node.children[1], values);
    case Node::Kind::kOr:
      return eval(*node.children[0], values) || eval(*node.children[1], values);
    case Node::Kind::kNot:
      return !eval(*node.children[0], values);
    default:
      break;
  }
  if (node.key_index >= static_cast<int>(values.size())) return node.kind == Node::Kind::kIsNull;
  std::string_view text = values[node.key_index];
  ClassifiedValue classified;
  bool is_null = text == kHiveNullValue;
  if (!is_null && node.key_class != KeyClass::kString) {
    classified = classify_value(text);
    is_null = classified.kind != expected_kind(node.key_class);
  }
  if (node.kind == Node::Kind::kIsNull) return is_null;
  if (is_null) return false;
  switch (node.kind) {
    case Node::Kind::kCompare:
      return compare_holds(node.op, compare_value(node, text, classified, node.literals[0]));
    case Node::Kind::kBetween:
      return compare_value(node, text, classified, node.literals[0]) >= 0 &&
             compare_value(node, text, classified, node.literals[1]) <= 0;
    case Node::Kind::kIn:
      for (const auto& lit : node.literals) {
        if (compare_value(node, text, classified, lit) == 0) return true;
      }
      return false;
    case Node::Kind::kLike:
      return like_match(node.like, text);
    default:
      return false;
  }
}

}  // namespace

StatusOr<PartitionFilter> PartitionFilter::compile(std::string_view expression,
                                                   const std::vector<PartitionKey>& keys) {
  MORTAR_ASSIGN_OR_RETURN(std::unique_ptr<Node> tree, parse(expression));
  PartitionFilter filter;
  if (tree) {
    Binder binder(keys);
    MORTAR_ASSIGN_OR_RETURN(std::unique_ptr<BoundNode> root, binder.bind(*tree));
    filter.root_ = std::move(root);
  }
  return filter;
}

bool PartitionFilter::matches(const std::vector<std::string>& values) const {
  return root_ == nullptr || eval(*root_, values);
}

}  // namespace mortar::catalog::expression
