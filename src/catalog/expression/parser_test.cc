#include "catalog/expression/parser.h"

#include <gtest/gtest.h>

#include "catalog/expression/lexer.h"

namespace mortar::catalog::expression {
namespace {

std::string round_trip(std::string_view text) {
  auto tree = parse(text);
  EXPECT_TRUE(tree.ok()) << text << ": " << tree.status();
  if (!tree.ok() || *tree == nullptr) return "<none>";
  return to_string(**tree);
}

std::string error_of(std::string_view text) {
  auto tree = parse(text);
  EXPECT_FALSE(tree.ok()) << text << " parsed as " << (tree.ok() && *tree ? to_string(**tree) : "");
  if (tree.ok()) return "";
  EXPECT_EQ(tree.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(tree.status().message());
}

TEST(ParserTest, EmptyOrBlankMeansNoFilter) {
  EXPECT_EQ(round_trip(""), "<none>");
  EXPECT_EQ(round_trip("  \t\n"), "<none>");
}

TEST(ParserTest, EveryComparisonOperator) {
  EXPECT_EQ(round_trip("year = 2020"), "`year` = 2020");
  EXPECT_EQ(round_trip("year <> 2020"), "`year` <> 2020");
  EXPECT_EQ(round_trip("year != 2020"), "`year` <> 2020");
  EXPECT_EQ(round_trip("year < > 2020"), "`year` <> 2020");
  EXPECT_EQ(round_trip("year<2020"), "`year` < 2020");
  EXPECT_EQ(round_trip("year<=2020"), "`year` <= 2020");
  EXPECT_EQ(round_trip("year>2020"), "`year` > 2020");
  EXPECT_EQ(round_trip("year>=2020"), "`year` >= 2020");
}

TEST(ParserTest, LiteralOnTheLeftIsMirrored) {
  EXPECT_EQ(round_trip("2020 < year"), "`year` > 2020");
  EXPECT_EQ(round_trip("'a' >= k"), "`k` <= 'a'");
}

TEST(ParserTest, Literals) {
  EXPECT_EQ(round_trip("k = 'it''s'"), "`k` = 'it''s'");
  EXPECT_EQ(round_trip("k = -5"), "`k` = -5");
  EXPECT_EQ(round_trip("k = +5"), "`k` = 5");
  EXPECT_EQ(round_trip("k = 3.25"), "`k` = 3.25");
  EXPECT_EQ(round_trip("k = 1e3"), "`k` = 1e3");
  EXPECT_EQ(round_trip("k = ''"), "`k` = ''");
}

TEST(ParserTest, QuotedIdentifiers) {
  EXPECT_EQ(round_trip("`my key` = 1"), "`my key` = 1");
  EXPECT_EQ(round_trip("\"year\" = 1"), "`year` = 1");
  EXPECT_EQ(round_trip("`a``b` = 1"), "`a``b` = 1");
}

TEST(ParserTest, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(round_trip("a = 1 and b = 2 Or not c is null"),
            "((`a` = 1 AND `b` = 2) OR (NOT `c` IS NULL))");
}

TEST(ParserTest, AndBindsTighterThanOr) {
  EXPECT_EQ(round_trip("a = 1 OR b = 2 AND c = 3"), "(`a` = 1 OR (`b` = 2 AND `c` = 3))");
  EXPECT_EQ(round_trip("(a = 1 OR b = 2) AND c = 3"), "((`a` = 1 OR `b` = 2) AND `c` = 3)");
  EXPECT_EQ(round_trip("a = 1 AND b = 2 AND c = 3"), "((`a` = 1 AND `b` = 2) AND `c` = 3)");
}

TEST(ParserTest, NotForms) {
  EXPECT_EQ(round_trip("NOT a = 1"), "(NOT `a` = 1)");
  EXPECT_EQ(round_trip("NOT NOT a = 1"), "(NOT (NOT `a` = 1))");
  EXPECT_EQ(round_trip("a NOT BETWEEN 1 AND 2"), "(NOT `a` BETWEEN 1 AND 2)");
  EXPECT_EQ(round_trip("a NOT IN (1)"), "(NOT `a` IN (1))");
  EXPECT_EQ(round_trip("a NOT LIKE 'x%'"), "(NOT `a` LIKE 'x%')");
  EXPECT_EQ(round_trip("a IS NOT NULL"), "(NOT `a` IS NULL)");
}

TEST(ParserTest, BetweenInLikeIsNull) {
  EXPECT_EQ(round_trip("d BETWEEN '2020-01-01' AND '2020-12-31' AND x = 1"),
            "(`d` BETWEEN '2020-01-01' AND '2020-12-31' AND `x` = 1)");
  EXPECT_EQ(round_trip("m IN (1, 2, '3')"), "`m` IN (1, 2, '3')");
  EXPECT_EQ(round_trip("s LIKE 'a_c%'"), "`s` LIKE 'a_c%'");
  EXPECT_EQ(round_trip("s LIKE 'a!%%' ESCAPE '!'"), "`s` LIKE 'a!%%' ESCAPE '!'");
  EXPECT_EQ(round_trip("s IS NULL"), "`s` IS NULL");
}

TEST(ParserTest, ParenthesisedOperands) {
  EXPECT_EQ(round_trip("(int_col) = ((2)) OR (int_col) = (3)"), "(`int_col` = 2 OR `int_col` = 3)");
  EXPECT_EQ(round_trip("((2)) < (year)"), "`year` > 2");
  EXPECT_EQ(round_trip("(-2) < year"), "`year` > -2");
  EXPECT_EQ(round_trip("year = (-2)"), "`year` = -2");
  EXPECT_EQ(round_trip("((year) = 1)"), "`year` = 1");
  EXPECT_EQ(round_trip("((year) = 1 AND (('a')) = k)"), "(`year` = 1 AND `k` = 'a')");
  EXPECT_EQ(round_trip("(`my key`) IS NOT NULL"), "(NOT `my key` IS NULL)");
  EXPECT_EQ(round_trip("(d) NOT BETWEEN ('a') AND (('b'))"), "(NOT `d` BETWEEN 'a' AND 'b')");
  EXPECT_EQ(round_trip("m IN ((1), 2, (('3')))"), "`m` IN (1, 2, '3')");
  EXPECT_EQ(round_trip("s LIKE ('a%')"), "`s` LIKE 'a%'");
  EXPECT_EQ(round_trip("NOT (a) = 1"), "(NOT `a` = 1)");
}

TEST(ParserTest, ParenthesisedOperandErrors) {
  EXPECT_EQ(
      error_of("(a = 1"),
      "Invalid partition expression: expected ')' but found end of expression at position 7.");
  EXPECT_EQ(
      error_of("((a) = 1"),
      "Invalid partition expression: expected ')' but found end of expression at position 9.");
  EXPECT_EQ(
      error_of("a = ((1)"),
      "Invalid partition expression: expected ')' but found end of expression at position 9.");
  EXPECT_EQ(error_of("a = (b)"),
            "Invalid partition expression: comparing two partition keys is not supported "
            "(identifier b at position 6).");
  EXPECT_EQ(error_of("(a)"),
            "Invalid partition expression: expected a comparison operator, BETWEEN, IN, LIKE or "
            "IS but found end of expression at position 4.");
  EXPECT_EQ(error_of("(1) = (2)"),
            "Invalid partition expression: expected a partition key name but found number 2 at "
            "position 8.");
  EXPECT_EQ(error_of("a IN ((1, 2))"),
            "Invalid partition expression: expected ')' but found ',' at position 9.");
}

TEST(ParserTest, ErrorsNamePositions) {
  EXPECT_EQ(error_of("year = "),
            "Invalid partition expression: expected a literal (a 'string' or a number) but found "
            "end of expression at position 8.");
  EXPECT_EQ(error_of("a = 'abc"),
            "Invalid partition expression: unterminated string literal at position 5.");
  EXPECT_EQ(error_of("`abc = 1"),
            "Invalid partition expression: unterminated quoted identifier at position 1.");
  EXPECT_EQ(error_of("a = 1 AND"),
            "Invalid partition expression: expected a partition key name but found end of "
            "expression at position 10.");
  EXPECT_EQ(error_of("a = 1 b = 2"),
            "Invalid partition expression: expected AND, OR or end of expression but found "
            "identifier b at position 7.");
  EXPECT_EQ(error_of("(a = 1"),
            "Invalid partition expression: expected ')' but found end of expression at position 7.");
  EXPECT_EQ(error_of("a # 1"), "Invalid partition expression: unexpected character '#' at position 3.");
  EXPECT_EQ(error_of("a ! 1"), "Invalid partition expression: unexpected character '!' at position 3.");
  EXPECT_EQ(error_of("a BETWEEN 1 OR 2"),
            "Invalid partition expression: expected AND but found keyword OR at position 13.");
  EXPECT_EQ(error_of("a IN ()"),
            "Invalid partition expression: expected a literal (a 'string' or a number) but found "
            "')' at position 7.");
  EXPECT_EQ(error_of("a IN (1 2)"),
            "Invalid partition expression: expected ',' or ')' but found number 2 at position 9.");
  EXPECT_EQ(error_of("a LIKE 5"),
            "Invalid partition expression: expected a 'pattern' string but found number 5 at "
            "position 8.");
  EXPECT_EQ(error_of("a IS 5"),
            "Invalid partition expression: expected NULL but found number 5 at position 6.");
  EXPECT_EQ(error_of("a NOT = 1"),
            "Invalid partition expression: expected BETWEEN, IN or LIKE but found '=' at "
            "position 7.");
  EXPECT_EQ(error_of("a 1"),
            "Invalid partition expression: expected a comparison operator, BETWEEN, IN, LIKE or "
            "IS but found number 1 at position 3.");
  EXPECT_EQ(error_of("12abc = 1"),
            "Invalid partition expression: unexpected character 'a' in number at position 3.");
  EXPECT_EQ(error_of("a = b"),
            "Invalid partition expression: comparing two partition keys is not supported "
            "(identifier b at position 5).");
  EXPECT_EQ(error_of("a = - 'x'"),
            "Invalid partition expression: expected a number but found string 'x' at position 7.");
  EXPECT_EQ(error_of("= 1"),
            "Invalid partition expression: expected a partition key name but found '=' at "
            "position 1.");
}

TEST(ParserTest, DeepNestingIsRefusedNotACrash) {
  std::string deep(5000, '(');
  deep += "a = 1";
  deep += std::string(5000, ')');
  EXPECT_NE(error_of(deep).find("nested more than"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "NOT ";
  EXPECT_NE(error_of(nots + "a = 1").find("nested more than"), std::string::npos);
  // Parenthesised operands count against the same limit.
  std::string wrapped = "a = " + std::string(5000, '(') + "1" + std::string(5000, ')');
  EXPECT_NE(error_of(wrapped).find("nested more than"), std::string::npos);
  EXPECT_NE(error_of(std::string(5000, '(') + "a" + std::string(5000, ')') + " = 1")
                .find("nested more than"),
            std::string::npos);
  // Moderate nesting is fine.
  EXPECT_EQ(round_trip("((((a = 1))))"), "`a` = 1");
  EXPECT_EQ(round_trip("((((a)))) = ((((1))))"), "`a` = 1");
}

TEST(LexerTest, PositionsAreOneBasedOffsets) {
  auto tokens = tokenize("ab  >= 'x'");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 4u);
  EXPECT_EQ((*tokens)[0].position, 1u);
  EXPECT_EQ((*tokens)[1].position, 5u);
  EXPECT_EQ((*tokens)[1].text, ">=");
  EXPECT_EQ((*tokens)[2].position, 8u);
  EXPECT_EQ((*tokens)[2].kind, TokenKind::kString);
  EXPECT_EQ((*tokens)[3].kind, TokenKind::kEnd);
  EXPECT_EQ((*tokens)[3].position, 11u);
}

}  // namespace
}  // namespace mortar::catalog::expression
