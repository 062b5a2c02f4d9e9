// PartitionFilter::to_sql: each predicate becomes
//   <id> IN (SELECT partition_id FROM partition_keys
//            WHERE table_id = ? AND key_index = ? AND <condition on one key>)
// which SQLite answers from the (table_id, key_index, text_value) or
// (table_id, key_index, kind, num_value) index, and AND/OR/NOT combine those
// sets, so a selective filter never visits the other partitions.
#include "absl/strings/str_cat.h"
#include "catalog/expression/filter.h"

namespace mortar::catalog::expression {
namespace {

const char* sql_op(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "<>";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
  }
  return "=";
}

store::Value number_param(const Number& n) {
  if (std::holds_alternative<int64_t>(n)) return std::get<int64_t>(n);
  return std::get<double>(n);
}

ValueKind kind_of(KeyClass c) {
  switch (c) {
    case KeyClass::kNumber: return ValueKind::kNumber;
    case KeyClass::kDate: return ValueKind::kDate;
    case KeyClass::kTimestamp: return ValueKind::kTimestamp;
    default: return ValueKind::kText;
  }
}

class Translator {
 public:
  Translator(std::string_view id_column, int64_t table_id, std::string_view dialect)
      : id_column_(id_column), table_id_(table_id), dialect_(dialect) {}

  void emit(const BoundNode& node, SqlFragment& out) {
    switch (node.kind) {
      case Node::Kind::kAnd:
      case Node::Kind::kOr:
        out.sql += "(";
        emit(*node.children[0], out);
        out.sql += node.kind == Node::Kind::kAnd ? " AND " : " OR ";
        emit(*node.children[1], out);
        out.sql += ")";
        return;
      case Node::Kind::kNot:
        out.sql += "(NOT ";
        emit(*node.children[0], out);
        out.sql += ")";
        return;
      default:
        break;
    }
    out.sql += id_column_;
    absl::StrAppend(&out.sql,
                    " IN (SELECT partition_id FROM partition_keys WHERE table_id = ? AND "
                    "key_index = ? AND ");
    out.params.push_back(table_id_);
    out.params.push_back(int64_t{node.key_index});
    if (node.key_class == KeyClass::kString) {
      string_condition(node, out);
    } else {
      number_condition(node, out);
    }
    out.sql += ")";
  }

 private:
  void string_condition(const BoundNode& node, SqlFragment& out) {
    if (node.kind == Node::Kind::kIsNull) {
      out.sql += "text_value = ?";
      out.params.push_back(std::string(kHiveNullValue));
      return;
    }
    switch (node.kind) {
      case Node::Kind::kCompare:
        absl::StrAppend(&out.sql, "text_value ", sql_op(node.op), " ?");
        out.params.push_back(node.literals[0].text);
        break;
      case Node::Kind::kBetween:
        out.sql += "text_value >= ? AND text_value <= ?";
        out.params.push_back(node.literals[0].text);
        out.params.push_back(node.literals[1].text);
        break;
      case Node::Kind::kIn:
        in_list(node, "text_value", out, /*numbers=*/false);
        break;
      case Node::Kind::kLike:
        like_condition(node, out);
        break;
      default:
        break;
    }
    // NULL partitions match no predicate but IS NULL.
    out.sql += " AND text_value <> ?";
    out.params.push_back(std::string(kHiveNullValue));
  }

  void number_condition(const BoundNode& node, SqlFragment& out) {
    int64_t kind = static_cast<int64_t>(kind_of(node.key_class));
    if (node.kind == Node::Kind::kIsNull) {
      out.sql += "kind <> ?";
      out.params.push_back(kind);
      return;
    }
    out.sql += "kind = ? AND ";
    out.params.push_back(kind);
    switch (node.kind) {
      case Node::Kind::kCompare:
        absl::StrAppend(&out.sql, "num_value ", sql_op(node.op), " ?");
        out.params.push_back(number_param(node.literals[0].number));
        break;
      case Node::Kind::kBetween:
        out.sql += "num_value >= ? AND num_value <= ?";
        out.params.push_back(number_param(node.literals[0].number));
        out.params.push_back(number_param(node.literals[1].number));
        break;
      case Node::Kind::kIn:
        in_list(node, "num_value", out, /*numbers=*/true);
        break;
      default:
        out.sql += "0 = 1";
        break;
    }
  }

  static void in_list(const BoundNode& node, std::string_view column, SqlFragment& out,
                      bool numbers) {
    out.sql += column;
    out.sql += " IN (";
    for (size_t i = 0; i < node.literals.size(); ++i) {
      out.sql += i ? ", ?" : "?";
      if (numbers) {
        out.params.push_back(number_param(node.literals[i].number));
      } else {
        out.params.push_back(node.literals[i].text);
      }
    }
    out.sql += ")";
  }

  void like_condition(const BoundNode& node, SqlFragment& out) {
    // A literal prefix bounds an index range scan.
    std::string prefix;
    for (const auto& piece : node.like) {
      if (piece.kind != BoundNode::LikePiece::kChar) break;
      prefix.push_back(piece.c);
    }
    std::string pattern;
    if (dialect_ == "sqlite") {
      // GLOB is SQLite's case-sensitive LIKE: * ? and [x] for a literal x.
      for (const auto& piece : node.like) {
        if (piece.kind == BoundNode::LikePiece::kAny) {
          pattern += "*";
        } else if (piece.kind == BoundNode::LikePiece::kOne) {
          pattern += "?";
        } else if (piece.c == '*' || piece.c == '?' || piece.c == '[') {
          pattern += std::string("[") + piece.c + "]";
        } else {
          pattern.push_back(piece.c);
        }
      }
      out.sql += "text_value GLOB ?";
    } else {
      for (const auto& piece : node.like) {
        if (piece.kind == BoundNode::LikePiece::kAny) {
          pattern += "%";
        } else if (piece.kind == BoundNode::LikePiece::kOne) {
          pattern += "_";
        } else {
          if (piece.c == '%' || piece.c == '_' || piece.c == '\\') pattern += "\\";
          pattern.push_back(piece.c);
        }
      }
      out.sql += "text_value LIKE ? ESCAPE '\\'";
    }
    out.params.push_back(pattern);
    if (!prefix.empty()) {
      out.sql += " AND text_value >= ?";
      out.params.push_back(prefix);
      // The smallest string above every string starting with prefix.
      std::string upper = prefix;
      while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xFF) upper.pop_back();
      if (!upper.empty()) {
        upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
        out.sql += " AND text_value < ?";
        out.params.push_back(upper);
      }
    }
  }

  std::string_view id_column_;
  int64_t table_id_;
  std::string_view dialect_;
};

}  // namespace

SqlFragment PartitionFilter::to_sql(std::string_view partition_id_column, int64_t table_id,
                                    std::string_view dialect) const {
  SqlFragment out;
  if (root_ == nullptr) {
    out.sql = "1 = 1";
    return out;
  }
  Translator(partition_id_column, table_id, dialect).emit(*root_, out);
  return out;
}

}  // namespace mortar::catalog::expression
