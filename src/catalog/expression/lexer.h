// Tokens of Glue's partition filter language (GetPartitions `Expression`):
// identifiers (bare, `back-quoted` or "double-quoted"), 'string' literals
// with '' escapes, numbers, comparison operators, parentheses, commas and the
// keywords AND OR NOT BETWEEN IN LIKE IS NULL (case-insensitive).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mortar::catalog::expression {

enum class TokenKind {
  kIdentifier,  // text = the name, quotes removed
  kString,      // text = the value, quotes and escapes removed
  kNumber,      // text = as written ("12", "-3.5", "1e3"; a sign is its own token)
  kKeyword,     // text = upper-cased keyword
  kOperator,    // = <> != < > <= >= + -
  kLeftParen,
  kRightParen,
  kComma,
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  size_t position = 0;  // 1-based character offset into the expression
};

// Splits `input` into tokens ending with kEnd. Unterminated quotes and
// stray characters are InvalidArgument errors that name the position.
StatusOr<std::vector<Token>> tokenize(std::string_view input);

// "'abc'" / "identifier x" / "end of expression": for error messages.
std::string describe(const Token& token);

}  // namespace mortar::catalog::expression
