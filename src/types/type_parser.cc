// DataType::parse: a recursive-descent parser for Glue/Hive type strings.
//
// Accepted beyond the canonical spelling (what to_string prints):
//   keywords in any case, whitespace around tokens, `integer` (int, as Athena
//   DML spells it), `dec` and `numeric` (decimal), `void` (null, Spark's
//   NullType), `double precision` (double), `timestamp_ntz` (timestamp),
//   Hive's `uniontype<...>` (choice), `decimal`
//   alone = decimal(10,0) and `decimal(p)` = decimal(p,0) as in Hive, struct
//   field names that are back-quoted (`` `a b` ``, with `` `` `` for a
//   back-quote) or bare runs of anything but `:,<>()` and back-quote.
#include <cctype>
#include <charconv>

#include "types/data_type.h"

namespace mortar::types {
namespace {

constexpr int kMaxDepth = 64;  // nesting limit; keeps recursion bounded on hostile input

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  StatusOr<TypePtr> parse_all() {
    auto t = parse_type(0);
    if (!t.ok()) return t;
    skip_space();
    if (pos_ != text_.size()) return error("end of type string");
    return t;
  }

 private:
  Status error(std::string_view expected) const {
    std::string found = pos_ >= text_.size()
                            ? std::string("end of input")
                            : "'" + std::string(text_.substr(pos_, 12)) + "'";
    return invalid_input("invalid type string '" + std::string(text_.substr(0, 200)) +
                         "': at offset " + std::to_string(pos_) + " expected " +
                         std::string(expected) + ", found " + found);
  }
  Status error_at(size_t at, std::string_view message) const {
    return invalid_input("invalid type string '" + std::string(text_.substr(0, 200)) +
                         "': at offset " + std::to_string(at) + ": " + std::string(message));
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool peek(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool accept(char c) {
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }
  Status expect(char c) {
    if (accept(c)) return ok_status();
    return error(std::string("'") + c + "'");
  }
  std::string_view word() {
    skip_space();
    size_t start = pos_;
    while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  StatusOr<int> number(int max_value) {
    skip_space();
    size_t start = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    if (start == pos_) return error("a number");
    if (pos_ - start > 9) return error_at(start, "number too large");
    int v = 0;
    std::from_chars(text_.data() + start, text_.data() + pos_, v);
    if (v > max_value) {
      return error_at(start, "value " + std::to_string(v) + " exceeds the maximum " +
                                 std::to_string(max_value));
    }
    return v;
  }

  StatusOr<TypePtr> parse_type(int depth) {
    if (depth > kMaxDepth) return error_at(pos_, "type nested too deeply");
    skip_space();
    size_t start = pos_;
    std::string_view w = word();
    if (w.empty()) return error("a type name");
    if (iequals(w, "boolean")) return DataType::boolean();
    if (iequals(w, "tinyint")) return DataType::tinyint();
    if (iequals(w, "smallint")) return DataType::smallint();
    if (iequals(w, "int") || iequals(w, "integer")) return DataType::int32();
    if (iequals(w, "bigint")) return DataType::bigint();
    if (iequals(w, "float")) return DataType::float32();
    if (iequals(w, "double")) {
      // Hive's `double precision`.
      size_t save = pos_;
      if (!iequals(word(), "precision")) pos_ = save;
      return DataType::float64();
    }
    if (iequals(w, "string")) return DataType::string();
    if (iequals(w, "binary")) return DataType::binary();
    if (iequals(w, "date")) return DataType::date();
    if (iequals(w, "timestamp") || iequals(w, "timestamp_ntz")) return DataType::timestamp();
    if (iequals(w, "null") || iequals(w, "void")) return DataType::null();
    if (iequals(w, "decimal") || iequals(w, "dec") || iequals(w, "numeric")) {
      int precision = 10, scale = 0;
      if (accept('(')) {
        size_t at = pos_;
        MORTAR_ASSIGN_OR_RETURN(precision, number(38));
        if (precision < 1) return error_at(at, "decimal precision must be 1..38");
        if (accept(',')) {
          at = pos_;
          MORTAR_ASSIGN_OR_RETURN(scale, number(38));
          if (scale > precision) return error_at(at, "decimal scale exceeds its precision");
        }
        MORTAR_RETURN_IF_ERROR(expect(')'));
      }
      return DataType::decimal(precision, scale);
    }
    if (iequals(w, "varchar") || iequals(w, "char")) {
      bool is_char = iequals(w, "char");
      int max_len = is_char ? 255 : 65535;
      if (!accept('(')) return error(std::string("'(' and a length after ") + (is_char ? "char" : "varchar"));
      size_t at = pos_;
      MORTAR_ASSIGN_OR_RETURN(int len, number(max_len));
      if (len < 1) return error_at(at, "length must be at least 1");
      MORTAR_RETURN_IF_ERROR(expect(')'));
      return is_char ? DataType::chr(len) : DataType::varchar(len);
    }
    if (iequals(w, "array")) {
      MORTAR_RETURN_IF_ERROR(expect('<'));
      MORTAR_ASSIGN_OR_RETURN(TypePtr element, parse_type(depth + 1));
      MORTAR_RETURN_IF_ERROR(expect('>'));
      return DataType::array(std::move(element));
    }
    if (iequals(w, "map")) {
      MORTAR_RETURN_IF_ERROR(expect('<'));
      MORTAR_ASSIGN_OR_RETURN(TypePtr key, parse_type(depth + 1));
      MORTAR_RETURN_IF_ERROR(expect(','));
      MORTAR_ASSIGN_OR_RETURN(TypePtr value, parse_type(depth + 1));
      MORTAR_RETURN_IF_ERROR(expect('>'));
      return DataType::map(std::move(key), std::move(value));
    }
    if (iequals(w, "struct")) {
      MORTAR_RETURN_IF_ERROR(expect('<'));
      std::vector<Field> fields;
      if (!accept('>')) {
        do {
          MORTAR_ASSIGN_OR_RETURN(std::string name, field_name());
          MORTAR_RETURN_IF_ERROR(expect(':'));
          MORTAR_ASSIGN_OR_RETURN(TypePtr type, parse_type(depth + 1));
          fields.push_back(Field{std::move(name), std::move(type)});
        } while (accept(','));
        MORTAR_RETURN_IF_ERROR(expect('>'));
      }
      return DataType::structure(std::move(fields));
    }
    if (iequals(w, "choice") || iequals(w, "uniontype")) {
      MORTAR_RETURN_IF_ERROR(expect('<'));
      std::vector<TypePtr> alternatives;
      do {
        MORTAR_ASSIGN_OR_RETURN(TypePtr type, parse_type(depth + 1));
        alternatives.push_back(std::move(type));
      } while (accept(','));
      MORTAR_RETURN_IF_ERROR(expect('>'));
      return DataType::choice(std::move(alternatives));
    }
    pos_ = start;
    return error_at(start, "unknown type '" + std::string(w.substr(0, 40)) + "'");
  }

  StatusOr<std::string> field_name() {
    skip_space();
    std::string name;
    if (pos_ < text_.size() && text_[pos_] == '`') {
      size_t start = pos_++;
      while (true) {
        if (pos_ >= text_.size()) return error_at(start, "unterminated back-quoted field name");
        char c = text_[pos_++];
        if (c == '`') {
          if (pos_ < text_.size() && text_[pos_] == '`') {
            name += '`';
            ++pos_;
            continue;
          }
          break;
        }
        name += c;
      }
      return name;
    }
    size_t start = pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ':' || c == ',' || c == '<' || c == '>' || c == '(' || c == ')' || c == '`') break;
      ++pos_;
    }
    size_t end = pos_;
    while (end > start && std::isspace(static_cast<unsigned char>(text_[end - 1]))) --end;
    if (end == start) {
      pos_ = start;
      return error("a field name");
    }
    return std::string(text_.substr(start, end - start));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

StatusOr<TypePtr> DataType::parse(std::string_view text) { return Parser(text).parse_all(); }

}  // namespace mortar::types
