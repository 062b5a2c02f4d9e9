// The syntax tree of a partition filter expression, before it is typed
// against a table's partition keys (see filter.h).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace mortar::catalog::expression {

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

struct Literal {
  enum class Kind { kString, kNumber };
  Kind kind = Kind::kString;
  std::string text;    // string contents, or the number as written (sign included)
  size_t position = 0;  // 1-based
};

struct Node {
  enum class Kind {
    kAnd,      // children[0] AND children[1]
    kOr,       // children[0] OR children[1]
    kNot,      // NOT children[0]
    kCompare,  // column op literals[0]
    kBetween,  // column BETWEEN literals[0] AND literals[1]
    kIn,       // column IN (literals...)
    kLike,     // column LIKE literals[0] [ESCAPE escape]
    kIsNull,   // column IS NULL
  };
  Kind kind = Kind::kAnd;
  CompareOp op = CompareOp::kEq;
  std::string column;
  size_t column_position = 0;
  std::vector<Literal> literals;
  std::string escape;  // LIKE's escape character, "" when none
  std::vector<std::unique_ptr<Node>> children;
};

// Renders the tree back as an expression (fully parenthesized), for tests
// and messages.
std::string to_string(const Node& node);
const char* to_string(CompareOp op);

}  // namespace mortar::catalog::expression
