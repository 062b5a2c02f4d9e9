#include "crawler/classify/csv_values.h"

#include <cctype>

#include "formats/text_values.h"

namespace mortar::crawler {

namespace {

bool digits(std::string_view s, size_t min_len, size_t max_len) {
  if (s.size() < min_len || s.size() > max_len) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool valid_ymd(int y, int m, int d) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= kDays[m - 1];
}

// The date at the start of `v` (in one of the accepted layouts); returns its length or 0.
size_t date_prefix(std::string_view v) {
  // YYYY-MM-DD or YYYY/MM/DD (one- or two-digit month and day).
  auto split3 = [&](char sep, std::string_view s, std::string_view parts[3]) {
    size_t a = s.find(sep);
    if (a == std::string_view::npos) return false;
    size_t b = s.find(sep, a + 1);
    if (b == std::string_view::npos) return false;
    size_t e = b + 1;
    while (e < s.size() && std::isdigit(static_cast<unsigned char>(s[e]))) ++e;
    parts[0] = s.substr(0, a);
    parts[1] = s.substr(a + 1, b - a - 1);
    parts[2] = s.substr(b + 1, e - b - 1);
    return true;
  };
  for (char sep : {'-', '/', '.'}) {
    std::string_view p[3];
    if (!split3(sep, v, p)) continue;
    size_t len = p[0].size() + p[1].size() + p[2].size() + 2;
    if (digits(p[0], 4, 4) && digits(p[1], 1, 2) && digits(p[2], 1, 2) && sep != '.') {
      if (valid_ymd(to_int(p[0]), to_int(p[1]), to_int(p[2]))) return len;
    }
    if (digits(p[0], 1, 2) && digits(p[1], 1, 2) && digits(p[2], 4, 4)) {
      int a = to_int(p[0]), b = to_int(p[1]), y = to_int(p[2]);
      // MM/DD/YYYY or DD/MM/YYYY (DD.MM.YYYY, DD-MM-YYYY): either order may hold.
      if (valid_ymd(y, a, b) || valid_ymd(y, b, a)) return len;
    }
  }
  return 0;
}

bool time_suffix(std::string_view t) {
  // HH:MM[:SS[.fraction]] then optional Z or +HH[:MM] / -HH[:MM].
  if (t.size() < 5 || !digits(t.substr(0, 2), 2, 2) || t[2] != ':' || !digits(t.substr(3, 2), 2, 2))
    return false;
  if (to_int(t.substr(0, 2)) > 23 || to_int(t.substr(3, 2)) > 59) return false;
  size_t i = 5;
  if (i < t.size() && t[i] == ':') {
    if (!digits(t.substr(i + 1, 2), 2, 2) || to_int(t.substr(i + 1, 2)) > 60) return false;
    i += 3;
    if (i < t.size() && (t[i] == '.' || t[i] == ',')) {
      size_t j = i + 1;
      while (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j]))) ++j;
      if (j == i + 1) return false;
      i = j;
    }
  }
  std::string_view zone = t.substr(i);
  if (zone.empty() || zone == "Z" || zone == " UTC" || zone == "UTC") return true;
  if (zone[0] == ' ') zone.remove_prefix(1);
  if (zone[0] != '+' && zone[0] != '-') return false;
  zone.remove_prefix(1);
  return digits(zone, 2, 2) || digits(zone, 4, 4) ||
         (zone.size() == 5 && zone[2] == ':' && digits(zone.substr(0, 2), 2, 2) &&
          digits(zone.substr(3), 2, 2));
}

}  // namespace

std::string_view csv_trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

bool csv_is_bigint(std::string_view v) {
  int64_t out;
  if (v.empty() || v.size() > 20) return false;
  return formats::parse_int64(v, &out);
}

bool csv_is_double(std::string_view v) {
  size_t i = 0;
  if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
  bool mantissa = false;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i, mantissa = true;
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i, mantissa = true;
  }
  if (!mantissa) return false;
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
    size_t start = i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
    if (i == start) return false;
  }
  return i == v.size();
}

bool csv_is_boolean(std::string_view v) {
  bool b;
  return formats::parse_bool(v, &b);
}

bool csv_is_date(std::string_view v) { return !v.empty() && date_prefix(v) == v.size(); }

bool csv_is_timestamp(std::string_view v) {
  size_t n = date_prefix(v);
  if (n == 0 || n >= v.size()) return false;
  if (v[n] != 'T' && v[n] != ' ') return false;
  return time_suffix(v.substr(n + 1));
}

void CsvColumnGuess::observe(std::string_view value) {
  if (value.empty()) return;
  any_ = true;
  if (can_int_ && !csv_is_bigint(value)) can_int_ = false;
  if (can_double_ && !csv_is_double(value)) can_double_ = false;
  if (can_bool_ && !csv_is_boolean(value)) can_bool_ = false;
  if (temporal_) {
    bool date = (can_date_ || can_timestamp_) && csv_is_date(value);
    if (can_date_ && !date) can_date_ = false;
    if (can_timestamp_ && !date && !csv_is_timestamp(value)) can_timestamp_ = false;
  }
}

types::TypePtr CsvColumnGuess::result() const {
  using types::DataType;
  if (!any_) return DataType::string();
  if (can_int_) return DataType::bigint();
  if (can_double_) return DataType::float64();
  if (can_bool_) return DataType::boolean();
  if (temporal_ && can_date_) return DataType::date();
  if (temporal_ && can_timestamp_) return DataType::timestamp();
  return DataType::string();
}

bool CsvColumnGuess::is_string() const {
  return result()->kind() == types::TypeKind::kString;
}

bool csv_value_is_typed(std::string_view v, bool temporal) {
  if (v.empty()) return false;
  if (csv_is_double(v) || csv_is_boolean(v)) return true;
  return temporal && (csv_is_date(v) || csv_is_timestamp(v));
}

}  // namespace mortar::crawler
