#include "catalog/expression/value.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include "common/ascii.h"

namespace mortar::catalog::expression {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Days from 1970-01-01 to y-m-d (proleptic Gregorian); Howard Hinnant's
// well-known civil-date arithmetic.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool digits(std::string_view s, size_t pos, size_t n, int64_t& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::optional<int64_t> parse_date_prefix(std::string_view s) {
  int64_t y, m, d;
  if (s.size() < 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return std::nullopt;
  int64_t max_day = kDays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
  if (d > max_day) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

}  // namespace

KeyClass classify_key_type(std::string_view type) {
  std::string t = ascii_lower(type);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  size_t start = 0;
  while (start < t.size() && std::isspace(static_cast<unsigned char>(t[start]))) ++start;
  t = t.substr(start);
  if (t == "string" || starts_with(t, "varchar") || starts_with(t, "char")) {
    return KeyClass::kString;
  }
  if (t == "int" || t == "integer" || t == "bigint" || t == "long" || t == "smallint" ||
      t == "tinyint" || t == "float" || t == "double" || starts_with(t, "decimal")) {
    return KeyClass::kNumber;
  }
  if (t == "date") return KeyClass::kDate;
  if (t == "timestamp") return KeyClass::kTimestamp;
  return KeyClass::kUnsupported;
}

std::optional<Number> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  size_t i = 0;
  if (text[0] == '+' || text[0] == '-') i = 1;
  bool any_digit = false, integral = true;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    ++i;
    any_digit = true;
  }
  if (i < text.size() && text[i] == '.') {
    integral = false;
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      ++i;
      any_digit = true;
    }
  }
  if (!any_digit) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    integral = false;
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    bool exp_digit = false;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      ++i;
      exp_digit = true;
    }
    if (!exp_digit) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  std::string_view body = text[0] == '+' ? text.substr(1) : text;
  if (integral) {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
    if (ec == std::errc() && ptr == body.data() + body.size()) return Number{v};
  }
  // Non-integral, or an integer too large for int64.
  std::string copy(body);
  char* end = nullptr;
  double d = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(d)) return std::nullopt;
  return Number{d};
}

std::optional<int64_t> parse_date(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  return parse_date_prefix(text);
}

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  if (text.size() < 19 || (text[10] != ' ' && text[10] != 'T')) return std::nullopt;
  auto days = parse_date_prefix(text.substr(0, 10));
  int64_t h, mi, s;
  if (!days || !digits(text, 11, 2, h) || text[13] != ':' || !digits(text, 14, 2, mi) ||
      text[16] != ':' || !digits(text, 17, 2, s) || h > 23 || mi > 59 || s > 59) {
    return std::nullopt;
  }
  int64_t frac_nanos = 0;
  if (text.size() > 19) {
    size_t n = text.size() - 20;
    if (text[19] != '.' || n < 1 || n > 9) return std::nullopt;
    if (!digits(text, 20, n, frac_nanos)) return std::nullopt;
    for (size_t i = n; i < 9; ++i) frac_nanos *= 10;
  }
  Timestamp out;
  out.micros = ((*days * 24 + h) * 60 + mi) * 60 * 1000000 + s * 1000000 + frac_nanos / 1000;
  out.nanos = frac_nanos % 1000;
  return out;
}

ClassifiedValue classify_value(std::string_view value) {
  ClassifiedValue out;
  if (auto n = parse_number(value)) {
    out.kind = ValueKind::kNumber;
    out.number = *n;
  } else if (auto d = parse_date(value)) {
    out.kind = ValueKind::kDate;
    out.number = *d;
  } else if (auto t = parse_timestamp(value)) {
    out.kind = ValueKind::kTimestamp;
    out.number = t->micros;
    out.nanos = t->nanos;
  }
  return out;
}

int compare_numbers(const Number& a, const Number& b) {
  if (std::holds_alternative<int64_t>(a) && std::holds_alternative<int64_t>(b)) {
    int64_t x = std::get<int64_t>(a), y = std::get<int64_t>(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  auto as_ld = [](const Number& n) {
    return std::holds_alternative<int64_t>(n) ? static_cast<long double>(std::get<int64_t>(n))
                                              : static_cast<long double>(std::get<double>(n));
  };
  long double x = as_ld(a), y = as_ld(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

}  // namespace mortar::catalog::expression
