// PartitionFilter::to_sql. Two shapes of the same predicate on one key:
//   driver:  <id> IN (SELECT partition_id FROM partition_keys
//                     WHERE table_id = ? AND key_index = ? AND <condition>)
//            an index range scan over (table_id, key_index, text_value) or
//            (table_id, key_index, kind, num_value) yielding candidate ids;
//   check:   EXISTS (SELECT 1 FROM partition_keys WHERE partition_id = <id>
//                    AND key_index = ? AND <condition>)
//            one primary-key lookup per candidate (every partition has one
//            row per key, so EXISTS is exactly the predicate's truth).
// The result is `driver AND exact-check` where the driver is picked from the
// top-level conjuncts by likely selectivity (=, IN > BETWEEN, prefix LIKE >
// ranges), or an OR of drivers when every disjunct has one. Without a
// driver (e.g. NOT ...) the caller scans the table's partitions.
#include "absl/strings/str_cat.h"
#include "catalog/expression/filter.h"
#include "store/dialect.h"

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

bool is_leaf(const BoundNode& node) {
  return node.kind != Node::Kind::kAnd && node.kind != Node::Kind::kOr &&
         node.kind != Node::Kind::kNot;
}

bool has_like_prefix(const BoundNode& node) {
  return !node.like.empty() && node.like[0].kind == BoundNode::LikePiece::kChar;
}

// How well a leaf narrows an index scan: 0 = not worth driving from.
int leaf_score(const BoundNode& node) {
  switch (node.kind) {
    case Node::Kind::kCompare:
      return node.op == CompareOp::kEq ? 4 : node.op == CompareOp::kNe ? 0 : 1;
    case Node::Kind::kIn: return 3;
    case Node::Kind::kBetween: return 2;
    case Node::Kind::kLike: return has_like_prefix(node) ? 2 : 0;
    case Node::Kind::kIsNull: return node.key_class == KeyClass::kString ? 3 : 0;
    default: return 0;
  }
}

// The driver of `node`: the leaves whose IN-subqueries, ORed, cover every
// match of `node` (empty when there is none worth using), and its score.
int choose_driver(const BoundNode& node, std::vector<const BoundNode*>& leaves) {
  if (is_leaf(node)) {
    int score = leaf_score(node);
    if (score > 0) leaves = {&node};
    return score;
  }
  if (node.kind == Node::Kind::kAnd) {
    std::vector<const BoundNode*> a, b;
    int sa = choose_driver(*node.children[0], a);
    int sb = choose_driver(*node.children[1], b);
    if (sa == 0 && sb == 0) return 0;
    leaves = sa >= sb ? std::move(a) : std::move(b);
    return std::max(sa, sb);
  }
  if (node.kind == Node::Kind::kOr) {
    std::vector<const BoundNode*> a, b;
    int sa = choose_driver(*node.children[0], a);
    int sb = choose_driver(*node.children[1], b);
    if (sa == 0 || sb == 0) return 0;
    leaves = std::move(a);
    leaves.insert(leaves.end(), b.begin(), b.end());
    return std::min(sa, sb);
  }
  return 0;
}

class Translator {
 public:
  Translator(std::string_view id_column, int64_t table_id, std::string_view dialect)
      : id_column_(id_column),
        table_id_(table_id),
        dialect_(dialect),
        // PostgreSQL: a float8 parameter against the NUMERIC column would
        // compare as float8 (inexact, no index); as NUMERIC it matches the
        // stored conversion and keeps the index range scan.
        number_placeholder_(dialect == store::kSqlite ? "?" : "CAST(? AS NUMERIC)") {}

  void driver(const BoundNode& leaf, SqlFragment& out) {
    out.sql += id_column_;
    out.sql += " IN (SELECT partition_id FROM partition_keys WHERE table_id = ? AND key_index = ? AND ";
    out.params.push_back(table_id_);
    out.params.push_back(int64_t{leaf.key_index});
    condition(leaf, out);
    out.sql += ")";
  }

  void check(const BoundNode& node, SqlFragment& out) {
    switch (node.kind) {
      case Node::Kind::kAnd:
      case Node::Kind::kOr:
        out.sql += "(";
        check(*node.children[0], out);
        out.sql += node.kind == Node::Kind::kAnd ? " AND " : " OR ";
        check(*node.children[1], out);
        out.sql += ")";
        return;
      case Node::Kind::kNot:
        out.sql += "(NOT ";
        check(*node.children[0], out);
        out.sql += ")";
        return;
      default:
        break;
    }
    out.sql += "EXISTS (SELECT 1 FROM partition_keys WHERE partition_id = ";
    out.sql += id_column_;
    out.sql += " AND key_index = ? AND ";
    out.params.push_back(int64_t{node.key_index});
    condition(node, out);
    out.sql += ")";
  }

 private:
  void condition(const BoundNode& node, SqlFragment& out) {
    if (node.key_class == KeyClass::kString) {
      string_condition(node, out);
    } else {
      number_condition(node, out);
    }
  }

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
        in_list(node, "text_value", out, nullptr);
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
    if (node.key_class == KeyClass::kTimestamp) {
      timestamp_condition(node, out);
      return;
    }
    switch (node.kind) {
      case Node::Kind::kCompare:
        absl::StrAppend(&out.sql, "num_value ", sql_op(node.op), " ", number_placeholder_);
        out.params.push_back(number_param(node.literals[0].number));
        break;
      case Node::Kind::kBetween:
        absl::StrAppend(&out.sql, "num_value >= ", number_placeholder_,
                        " AND num_value <= ", number_placeholder_);
        out.params.push_back(number_param(node.literals[0].number));
        out.params.push_back(number_param(node.literals[1].number));
        break;
      case Node::Kind::kIn:
        in_list(node, "num_value", out, number_placeholder_);
        break;
      default:
        out.sql += "0 = 1";
        break;
    }
  }

  // Timestamps compare as (num_value, num_nanos): microseconds, then the
  // nanoseconds within them. Each range keeps a bound on num_value alone so
  // it stays an index range scan.
  static void timestamp_condition(const BoundNode& node, SqlFragment& out) {
    switch (node.kind) {
      case Node::Kind::kCompare:
        timestamp_compare(node.op, node.literals[0], out);
        break;
      case Node::Kind::kBetween:
        timestamp_compare(CompareOp::kGe, node.literals[0], out);
        out.sql += " AND ";
        timestamp_compare(CompareOp::kLe, node.literals[1], out);
        break;
      case Node::Kind::kIn:
        in_list(node, "num_value", out, "?");  // int64 microseconds
        out.sql += " AND (";
        for (size_t i = 0; i < node.literals.size(); ++i) {
          if (i) out.sql += " OR ";
          timestamp_compare(CompareOp::kEq, node.literals[i], out);
        }
        out.sql += ")";
        break;
      default:
        out.sql += "0 = 1";
        break;
    }
  }

  static void timestamp_compare(CompareOp op, const TypedLiteral& lit, SqlFragment& out) {
    store::Value micros = number_param(lit.number);
    switch (op) {
      case CompareOp::kEq:
        out.sql += "(num_value = ? AND num_nanos = ?)";
        out.params.insert(out.params.end(), {micros, lit.nanos});
        return;
      case CompareOp::kNe:
        out.sql += "(num_value <> ? OR num_nanos <> ?)";
        out.params.insert(out.params.end(), {micros, lit.nanos});
        return;
      default:
        break;
    }
    bool below = op == CompareOp::kLt || op == CompareOp::kLe;
    const char* nanos_op = sql_op(op);
    absl::StrAppend(&out.sql, "num_value ", below ? "<=" : ">=", " ? AND (num_value ",
                    below ? "<" : ">", " ? OR num_nanos ", nanos_op, " ?)");
    out.params.insert(out.params.end(), {micros, micros, lit.nanos});
  }

  // `number_placeholder` for numbers, nullptr for text.
  static void in_list(const BoundNode& node, const char* column, SqlFragment& out,
                      const char* number_placeholder) {
    absl::StrAppend(&out.sql, column, " IN (");
    for (size_t i = 0; i < node.literals.size(); ++i) {
      absl::StrAppend(&out.sql, i ? ", " : "", number_placeholder ? number_placeholder : "?");
      if (number_placeholder) {
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
    if (dialect_ == store::kSqlite) {
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
      // PostgreSQL: LIKE is case-sensitive; % _ and the escape character
      // itself are escaped (the column's "C" collation makes it bytewise).
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
      // PostgreSQL rejects text that is not UTF-8: only an ASCII last byte is
      // bumped there (the lower bound alone still drives the range scan).
      const bool valid = dialect_ == store::kSqlite ||
                         (!upper.empty() && static_cast<unsigned char>(upper.back()) < 0x7F);
      if (!upper.empty() && valid) {
        upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
        out.sql += " AND text_value < ?";
        out.params.push_back(upper);
      }
    }
  }

  std::string id_column_;
  int64_t table_id_;
  std::string_view dialect_;
  const char* number_placeholder_;
};

}  // namespace

SqlFragment PartitionFilter::to_sql(std::string_view partition_id_column, int64_t table_id,
                                    std::string_view dialect) const {
  SqlFragment out;
  if (root_ == nullptr) {
    out.sql = "1 = 1";
    return out;
  }
  Translator translator(partition_id_column, table_id, dialect);
  std::vector<const BoundNode*> leaves;
  if (choose_driver(*root_, leaves) > 0) {
    out.indexed = true;
    out.sql += "(";
    for (size_t i = 0; i < leaves.size(); ++i) {
      if (i) out.sql += " OR ";
      translator.driver(*leaves[i], out);
    }
    out.sql += ")";
    // A lone driving leaf is the whole filter.
    if (leaves.size() == 1 && leaves[0] == root_.get()) return out;
    out.sql += " AND ";
  }
  translator.check(*root_, out);
  return out;
}

}  // namespace mortar::catalog::expression
