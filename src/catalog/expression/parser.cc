#include "catalog/expression/parser.h"

#include "absl/strings/str_cat.h"
#include "catalog/expression/lexer.h"

namespace mortar::catalog::expression {
namespace {

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  StatusOr<std::unique_ptr<Node>> parse_all() {
    MORTAR_ASSIGN_OR_RETURN(auto node, parse_or(0));
    if (peek().kind != TokenKind::kEnd) return unexpected("AND, OR or end of expression");
    return node;
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool at_keyword(std::string_view k) const {
    return peek().kind == TokenKind::kKeyword && peek().text == k;
  }

  Status unexpected(const std::string& expected) const {
    return invalid_input(absl::StrCat("Invalid partition expression: expected ", expected,
                                      " but found ", describe(peek()), " at position ",
                                      peek().position, "."));
  }

  Status check_depth(int depth) const {
    if (depth > kMaxDepth) {
      return invalid_input(absl::StrCat("Invalid partition expression: nested more than ",
                                        kMaxDepth, " levels deep at position ", peek().position,
                                        "."));
    }
    return ok_status();
  }

  static std::unique_ptr<Node> binary(Node::Kind kind, std::unique_ptr<Node> a,
                                      std::unique_ptr<Node> b) {
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->children.push_back(std::move(a));
    node->children.push_back(std::move(b));
    return node;
  }

  static std::unique_ptr<Node> negate(std::unique_ptr<Node> a) {
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::kNot;
    node->children.push_back(std::move(a));
    return node;
  }

  StatusOr<std::unique_ptr<Node>> parse_or(int depth) {
    MORTAR_RETURN_IF_ERROR(check_depth(depth));
    MORTAR_ASSIGN_OR_RETURN(auto left, parse_and(depth + 1));
    while (at_keyword("OR")) {
      next();
      MORTAR_ASSIGN_OR_RETURN(auto right, parse_and(depth + 1));
      left = binary(Node::Kind::kOr, std::move(left), std::move(right));
    }
    return left;
  }

  StatusOr<std::unique_ptr<Node>> parse_and(int depth) {
    MORTAR_ASSIGN_OR_RETURN(auto left, parse_not(depth + 1));
    while (at_keyword("AND")) {
      next();
      MORTAR_ASSIGN_OR_RETURN(auto right, parse_not(depth + 1));
      left = binary(Node::Kind::kAnd, std::move(left), std::move(right));
    }
    return left;
  }

  StatusOr<std::unique_ptr<Node>> parse_not(int depth) {
    MORTAR_RETURN_IF_ERROR(check_depth(depth));
    if (at_keyword("NOT")) {
      next();
      MORTAR_ASSIGN_OR_RETURN(auto inner, parse_not(depth + 1));
      return negate(std::move(inner));
    }
    if (peek().kind == TokenKind::kLeftParen && !opens_operand()) {
      next();
      MORTAR_ASSIGN_OR_RETURN(auto inner, parse_or(depth + 1));
      if (peek().kind != TokenKind::kRightParen) return unexpected("')'");
      next();
      return inner;
    }
    return parse_predicate(depth);
  }

  // Whether the '(' at the cursor wraps an operand ("(year) = 1", "((2)) <
  // year") rather than a sub-expression ("(year = 1 OR ...)"): true when the
  // run of '(' is followed by one key name or literal and at least as many
  // ')'. The look-ahead stops just past kMaxDepth parentheses (deeper nesting
  // is refused either way), so parsing stays linear in the input.
  bool opens_operand() const {
    constexpr size_t kCap = kMaxDepth + 2;
    size_t i = pos_, opened = 0;
    while (opened < kCap && tokens_[i].kind == TokenKind::kLeftParen) ++i, ++opened;
    const Token& t = tokens_[i];
    if (t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kString ||
        t.kind == TokenKind::kNumber) {
      i += 1;
    } else if (t.kind == TokenKind::kOperator && (t.text == "-" || t.text == "+") &&
               tokens_[i + 1].kind == TokenKind::kNumber) {
      i += 2;
    } else {
      return false;
    }
    size_t closed = 0;
    while (closed < opened && tokens_[i].kind == TokenKind::kRightParen) ++i, ++closed;
    return closed == opened;
  }

  // Consumes the '(' around an operand, counting them against the depth limit.
  StatusOr<size_t> open_parens(int depth) {
    size_t opened = 0;
    while (peek().kind == TokenKind::kLeftParen) {
      MORTAR_RETURN_IF_ERROR(check_depth(depth + static_cast<int>(++opened)));
      next();
    }
    return opened;
  }

  Status close_parens(size_t opened) {
    for (; opened > 0; --opened) {
      if (peek().kind != TokenKind::kRightParen) return unexpected("')'");
      next();
    }
    return ok_status();
  }

  bool at_literal() const {
    const Token& t = peek();
    if (t.kind == TokenKind::kString || t.kind == TokenKind::kNumber) return true;
    return t.kind == TokenKind::kOperator && (t.text == "-" || t.text == "+") &&
           tokens_[pos_ + 1].kind == TokenKind::kNumber;
  }

  StatusOr<Literal> parse_bare_literal() {
    Literal lit;
    lit.position = peek().position;
    std::string sign;
    if (peek().kind == TokenKind::kOperator && (peek().text == "-" || peek().text == "+")) {
      sign = next().text == "-" ? "-" : "";
      if (peek().kind != TokenKind::kNumber) return unexpected("a number");
    }
    if (peek().kind == TokenKind::kString) {
      lit.kind = Literal::Kind::kString;
      lit.text = next().text;
    } else if (peek().kind == TokenKind::kNumber) {
      lit.kind = Literal::Kind::kNumber;
      lit.text = sign + next().text;
    } else {
      return unexpected("a literal (a 'string' or a number)");
    }
    return lit;
  }

  // A literal, possibly parenthesised: 2, (2), ((-2)).
  StatusOr<Literal> parse_literal(int depth) {
    MORTAR_ASSIGN_OR_RETURN(size_t opened, open_parens(depth));
    MORTAR_ASSIGN_OR_RETURN(Literal lit, parse_bare_literal());
    MORTAR_RETURN_IF_ERROR(close_parens(opened));
    return lit;
  }

  // A partition key name, possibly parenthesised, into node->column.
  Status parse_column(int depth, Node& node) {
    MORTAR_ASSIGN_OR_RETURN(size_t opened, open_parens(depth));
    if (peek().kind != TokenKind::kIdentifier) return unexpected("a partition key name");
    node.column_position = peek().position;
    node.column = next().text;
    return close_parens(opened);
  }

  StatusOr<std::unique_ptr<Node>> parse_predicate(int depth) {
    auto node = std::make_unique<Node>();
    MORTAR_ASSIGN_OR_RETURN(size_t opened, open_parens(depth));
    if (at_literal()) {
      // literal op column: flip it around.
      MORTAR_ASSIGN_OR_RETURN(Literal lit, parse_bare_literal());
      MORTAR_RETURN_IF_ERROR(close_parens(opened));
      MORTAR_ASSIGN_OR_RETURN(CompareOp op, parse_compare_op());
      MORTAR_RETURN_IF_ERROR(parse_column(depth, *node));
      node->kind = Node::Kind::kCompare;
      node->op = mirror(op);
      node->literals.push_back(std::move(lit));
      return node;
    }
    if (peek().kind != TokenKind::kIdentifier) return unexpected("a partition key name");
    node->column_position = peek().position;
    node->column = next().text;
    MORTAR_RETURN_IF_ERROR(close_parens(opened));

    if (peek().kind == TokenKind::kOperator) {
      node->kind = Node::Kind::kCompare;
      MORTAR_ASSIGN_OR_RETURN(node->op, parse_compare_op());
      MORTAR_ASSIGN_OR_RETURN(size_t around, open_parens(depth));
      if (peek().kind == TokenKind::kIdentifier) {
        return invalid_input(absl::StrCat(
            "Invalid partition expression: comparing two partition keys is not supported (",
            describe(peek()), " at position ", peek().position, ")."));
      }
      MORTAR_ASSIGN_OR_RETURN(Literal lit, parse_bare_literal());
      MORTAR_RETURN_IF_ERROR(close_parens(around));
      node->literals.push_back(std::move(lit));
      return node;
    }
    if (at_keyword("IS")) {
      next();
      bool negated = false;
      if (at_keyword("NOT")) {
        next();
        negated = true;
      }
      if (!at_keyword("NULL")) return unexpected("NULL");
      next();
      node->kind = Node::Kind::kIsNull;
      return negated ? negate(std::move(node)) : std::move(node);
    }
    bool negated = false;
    if (at_keyword("NOT")) {
      next();
      negated = true;
    }
    if (at_keyword("BETWEEN")) {
      next();
      node->kind = Node::Kind::kBetween;
      MORTAR_ASSIGN_OR_RETURN(Literal low, parse_literal(depth));
      if (!at_keyword("AND")) return unexpected("AND");
      next();
      MORTAR_ASSIGN_OR_RETURN(Literal high, parse_literal(depth));
      node->literals.push_back(std::move(low));
      node->literals.push_back(std::move(high));
    } else if (at_keyword("IN")) {
      next();
      node->kind = Node::Kind::kIn;
      if (peek().kind != TokenKind::kLeftParen) return unexpected("'('");
      next();
      while (true) {
        MORTAR_ASSIGN_OR_RETURN(Literal lit, parse_literal(depth + 1));
        node->literals.push_back(std::move(lit));
        if (peek().kind == TokenKind::kComma) {
          next();
          continue;
        }
        if (peek().kind == TokenKind::kRightParen) {
          next();
          break;
        }
        return unexpected("',' or ')'");
      }
    } else if (at_keyword("LIKE")) {
      next();
      node->kind = Node::Kind::kLike;
      MORTAR_ASSIGN_OR_RETURN(size_t around, open_parens(depth));
      if (peek().kind != TokenKind::kString) return unexpected("a 'pattern' string");
      Literal pattern;
      pattern.position = peek().position;
      pattern.text = next().text;
      MORTAR_RETURN_IF_ERROR(close_parens(around));
      node->literals.push_back(std::move(pattern));
      if (at_keyword("ESCAPE")) {
        next();
        if (peek().kind != TokenKind::kString || peek().text.size() != 1) {
          return unexpected("a one-character escape string");
        }
        node->escape = next().text;
      }
    } else {
      return unexpected(negated ? "BETWEEN, IN or LIKE"
                                : "a comparison operator, BETWEEN, IN, LIKE or IS");
    }
    return negated ? negate(std::move(node)) : std::move(node);
  }

  StatusOr<CompareOp> parse_compare_op() {
    if (peek().kind != TokenKind::kOperator) return unexpected("a comparison operator");
    const std::string& t = peek().text;
    CompareOp op;
    if (t == "=") {
      op = CompareOp::kEq;
    } else if (t == "<>" || t == "!=") {
      op = CompareOp::kNe;
    } else if (t == "<") {
      op = CompareOp::kLt;
    } else if (t == "<=") {
      op = CompareOp::kLe;
    } else if (t == ">") {
      op = CompareOp::kGt;
    } else if (t == ">=") {
      op = CompareOp::kGe;
    } else {
      return unexpected("a comparison operator");
    }
    next();
    return op;
  }

  static CompareOp mirror(CompareOp op) {
    switch (op) {
      case CompareOp::kLt: return CompareOp::kGt;
      case CompareOp::kLe: return CompareOp::kGe;
      case CompareOp::kGt: return CompareOp::kLt;
      case CompareOp::kGe: return CompareOp::kLe;
      default: return op;
    }
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

std::string quote(const Literal& lit) {
  if (lit.kind == Literal::Kind::kNumber) return lit.text;
  std::string out = "'";
  for (char c : lit.text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

std::string quote_column(const std::string& name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out.push_back('`');
    out.push_back(c);
  }
  return out + "`";
}

}  // namespace

StatusOr<std::unique_ptr<Node>> parse(std::string_view expression) {
  MORTAR_ASSIGN_OR_RETURN(std::vector<Token> tokens, tokenize(expression));
  if (tokens.size() == 1) return std::unique_ptr<Node>();
  Parser parser(std::move(tokens));
  return parser.parse_all();
}

const char* to_string(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "<>";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
  }
  return "?";
}

std::string to_string(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kAnd:
      return absl::StrCat("(", to_string(*node.children[0]), " AND ", to_string(*node.children[1]),
                          ")");
    case Node::Kind::kOr:
      return absl::StrCat("(", to_string(*node.children[0]), " OR ", to_string(*node.children[1]),
                          ")");
    case Node::Kind::kNot:
      return absl::StrCat("(NOT ", to_string(*node.children[0]), ")");
    case Node::Kind::kCompare:
      return absl::StrCat(quote_column(node.column), " ", to_string(node.op), " ",
                          quote(node.literals[0]));
    case Node::Kind::kBetween:
      return absl::StrCat(quote_column(node.column), " BETWEEN ", quote(node.literals[0]), " AND ",
                          quote(node.literals[1]));
    case Node::Kind::kIn: {
      std::string out = quote_column(node.column) + " IN (";
      for (size_t i = 0; i < node.literals.size(); ++i) {
        if (i) out += ", ";
        out += quote(node.literals[i]);
      }
      return out + ")";
    }
    case Node::Kind::kLike: {
      std::string out = absl::StrCat(quote_column(node.column), " LIKE ", quote(node.literals[0]));
      if (!node.escape.empty()) {
        Literal esc;
        esc.text = node.escape;
        out += " ESCAPE " + quote(esc);
      }
      return out;
    }
    case Node::Kind::kIsNull:
      return quote_column(node.column) + " IS NULL";
  }
  return "";
}

}  // namespace mortar::catalog::expression
