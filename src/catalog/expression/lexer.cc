#include "catalog/expression/lexer.h"

#include <array>
#include <cctype>

#include "absl/strings/str_cat.h"

namespace mortar::catalog::expression {
namespace {

constexpr std::array<std::string_view, 9> kKeywords = {"AND", "OR",  "NOT", "BETWEEN", "IN",
                                                       "LIKE", "IS", "NULL", "ESCAPE"};

bool is_ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_ident_char(char c) {
  return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '$';
}
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Status error_at(size_t position, const std::string& what) {
  return invalid_input(absl::StrCat("Invalid partition expression: ", what, " at position ",
                                    position, "."));
}

// Reads a quoted run starting at input[i] == quote; a doubled quote stands
// for one. Advances i past the closing quote.
StatusOr<std::string> read_quoted(std::string_view input, size_t& i, char quote,
                                  const std::string& what) {
  size_t start = i;
  std::string out;
  ++i;
  while (i < input.size()) {
    char c = input[i];
    if (c == quote) {
      if (i + 1 < input.size() && input[i + 1] == quote) {
        out.push_back(quote);
        i += 2;
        continue;
      }
      ++i;
      return out;
    }
    out.push_back(c);
    ++i;
  }
  return error_at(start + 1, absl::StrCat("unterminated ", what));
}

}  // namespace

StatusOr<std::vector<Token>> tokenize(std::string_view input) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < input.size()) {
    char c = input[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token token;
    token.position = i + 1;
    if (c == '\'') {
      token.kind = TokenKind::kString;
      MORTAR_ASSIGN_OR_RETURN(token.text, read_quoted(input, i, '\'', "string literal"));
    } else if (c == '`' || c == '"') {
      token.kind = TokenKind::kIdentifier;
      MORTAR_ASSIGN_OR_RETURN(token.text, read_quoted(input, i, c, "quoted identifier"));
      if (token.text.empty()) return error_at(token.position, "empty quoted identifier");
    } else if (is_digit(c) || (c == '.' && i + 1 < input.size() && is_digit(input[i + 1]))) {
      size_t start = i;
      while (i < input.size() && is_digit(input[i])) ++i;
      if (i < input.size() && input[i] == '.') {
        ++i;
        while (i < input.size() && is_digit(input[i])) ++i;
      }
      if (i < input.size() && (input[i] == 'e' || input[i] == 'E')) {
        size_t j = i + 1;
        if (j < input.size() && (input[j] == '+' || input[j] == '-')) ++j;
        if (j < input.size() && is_digit(input[j])) {
          i = j;
          while (i < input.size() && is_digit(input[i])) ++i;
        }
      }
      if (i < input.size() && is_ident_char(input[i])) {
        return error_at(i + 1, absl::StrCat("unexpected character '", std::string(1, input[i]),
                                            "' in number"));
      }
      token.kind = TokenKind::kNumber;
      token.text = std::string(input.substr(start, i - start));
    } else if (is_ident_start(c)) {
      size_t start = i;
      while (i < input.size() && is_ident_char(input[i])) ++i;
      std::string_view word = input.substr(start, i - start);
      std::string up = upper(word);
      bool keyword = false;
      for (std::string_view k : kKeywords) keyword = keyword || up == k;
      token.kind = keyword ? TokenKind::kKeyword : TokenKind::kIdentifier;
      token.text = keyword ? up : std::string(word);
    } else if (c == '(' || c == ')' || c == ',') {
      token.kind = c == '(' ? TokenKind::kLeftParen
                   : c == ')' ? TokenKind::kRightParen
                              : TokenKind::kComma;
      token.text = std::string(1, c);
      ++i;
    } else if (c == '=' || c == '+' || c == '-') {
      token.kind = TokenKind::kOperator;
      token.text = std::string(1, c);
      ++i;
    } else if (c == '<' || c == '>' || c == '!') {
      std::string op(1, c);
      ++i;
      if (i < input.size() && (input[i] == '=' || (c == '<' && input[i] == '>'))) {
        op.push_back(input[i]);
        ++i;
      } else if (c == '<' && i < input.size() && std::isspace(static_cast<unsigned char>(input[i]))) {
        // Glue's documentation spells not-equal "< >"; accept the space.
        size_t j = i;
        while (j < input.size() && std::isspace(static_cast<unsigned char>(input[j]))) ++j;
        if (j < input.size() && input[j] == '>') {
          op = "<>";
          i = j + 1;
        }
      }
      if (op == "!") return error_at(token.position, "unexpected character '!'");
      token.kind = TokenKind::kOperator;
      token.text = op;
    } else {
      return error_at(token.position,
                      absl::StrCat("unexpected character '", std::string(1, c), "'"));
    }
    tokens.push_back(std::move(token));
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.position = input.size() + 1;
  tokens.push_back(end);
  return tokens;
}

std::string describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kIdentifier: return absl::StrCat("identifier ", token.text);
    case TokenKind::kString: return absl::StrCat("string '", token.text, "'");
    case TokenKind::kNumber: return absl::StrCat("number ", token.text);
    case TokenKind::kKeyword: return absl::StrCat("keyword ", token.text);
    case TokenKind::kEnd: return "end of expression";
    default: return absl::StrCat("'", token.text, "'");
  }
}

}  // namespace mortar::catalog::expression
