// Parses a GetPartitions `Expression` into a syntax tree.
//
//   expr      := or
//   or        := and (OR and)*
//   and       := not (AND not)*
//   not       := NOT not | primary
//   primary   := '(' expr ')' | predicate
//   predicate := column op literal | literal op column
//              | column [NOT] BETWEEN literal AND literal
//              | column [NOT] IN '(' literal (',' literal)* ')'
//              | column [NOT] LIKE pattern [ESCAPE string]
//              | column IS [NOT] NULL
//   op        := = | <> | != | < | > | <= | >=
//   column    := name | '(' column ')'
//   literal   := 'string' | [+|-] number | '(' literal ')'
//   pattern   := 'string' | '(' pattern ')'
//
// A '(' opens a parenthesised operand when one name or literal and as many
// ')' follow it ("(year) = ((2))"), else a sub-expression; telling them
// apart looks a bounded number of tokens ahead (about 2 * kMaxDepth), so
// parsing stays linear.
// Errors are InvalidArgument (InvalidInputException) naming the 1-based
// position. Nesting deeper than kMaxDepth (sub-expressions and operand
// parentheses alike) is refused, so hostile input cannot exhaust the stack.
#pragma once

#include <memory>
#include <string_view>

#include "catalog/expression/ast.h"
#include "common/status.h"

namespace mortar::catalog::expression {

inline constexpr int kMaxDepth = 100;

// An empty or blank expression means "no filter" and yields nullptr.
StatusOr<std::unique_ptr<Node>> parse(std::string_view expression);

}  // namespace mortar::catalog::expression
