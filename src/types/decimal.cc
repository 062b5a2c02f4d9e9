#include "types/decimal.h"

namespace mortar::types {

int128 pow10_int128(int n) {
  static const auto table = [] {
    struct T {
      int128 v[39];
    } t;
    t.v[0] = 1;
    for (int i = 1; i < 39; ++i) t.v[i] = t.v[i - 1] * 10;
    return t;
  }();
  if (n < 0) return 1;
  if (n > 38) n = 38;
  return table.v[n];
}

void append_int128(std::string& out, int128 v) {
  char buf[48];
  int n = 0;
  // Work in negative space so the minimum value does not overflow.
  bool negative = v < 0;
  if (!negative) v = -v;
  do {
    buf[n++] = static_cast<char>('0' - static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  if (negative) out += '-';
  while (n) out += buf[--n];
}

std::string int128_to_string(int128 v) {
  std::string s;
  append_int128(s, v);
  return s;
}

void append_decimal(std::string& out, int128 unscaled, int scale) {
  if (scale <= 0) {
    append_int128(out, unscaled);
    return;
  }
  std::string digits;
  append_int128(digits, unscaled);
  bool negative = !digits.empty() && digits[0] == '-';
  std::string_view mag(digits);
  if (negative) mag.remove_prefix(1);
  if (negative) out += '-';
  if (mag.size() <= static_cast<size_t>(scale)) {
    out += "0.";
    out.append(scale - mag.size(), '0');
    out += mag;
  } else {
    out += mag.substr(0, mag.size() - scale);
    out += '.';
    out += mag.substr(mag.size() - scale);
  }
}

std::string format_decimal(int128 unscaled, int scale) {
  std::string s;
  append_decimal(s, unscaled, scale);
  return s;
}

bool try_parse_decimal(std::string_view s, int precision, int scale, int128* out) {
  size_t pos = 0;
  bool negative = false;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) negative = s[pos++] == '-';
  // Collect significant digits and where the decimal point falls.
  int128 value = 0;
  int digits = 0;          // significant digits kept in value
  int frac_digits = 0;     // of which after the point
  bool any_digit = false, seen_point = false;
  int round_digit = -1;    // first digit dropped past 38 significant digits / the scale
  int64_t dropped_int_digits = 0;
  for (; pos < s.size(); ++pos) {
    char c = s[pos];
    if (c == '.') {
      if (seen_point) return false;
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any_digit = true;
    if (value == 0 && c == '0' && !seen_point) continue;  // leading zeros
    if (digits >= 38) {
      if (seen_point) {
        if (round_digit < 0) round_digit = c - '0';
        continue;
      }
      ++dropped_int_digits;  // integer part too long: fails the precision check below
      continue;
    }
    value = value * 10 + (c - '0');
    if (value != 0 || seen_point) ++digits;
    if (seen_point) ++frac_digits;
  }
  if (!any_digit) return false;
  int64_t exponent = 0;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    bool eneg = false;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) eneg = s[pos++] == '-';
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (exponent < 100000) exponent = exponent * 10 + (s[pos] - '0');
      ++pos;
    }
    if (start == pos) return false;
    if (eneg) exponent = -exponent;
  }
  if (pos != s.size()) return false;
  if (dropped_int_digits) return false;
  // value * 10^(exponent - frac_digits) scaled by 10^scale.
  int64_t shift = static_cast<int64_t>(scale) + exponent - frac_digits;
  if (shift == 0 && round_digit >= 5) {
    ++value;  // digits past 38 significant ones round the last kept digit
  } else if (shift >= 0) {
    if (value != 0) {
      if (shift > 38) return false;
      int128 limit = decimal_max_unscaled(precision);
      int128 factor = pow10_int128(static_cast<int>(shift));
      if (value > limit / factor) return false;
      value *= factor;
    }
  } else {
    int64_t drop = -shift;
    if (drop > 38) {
      value = 0;
    } else {
      int128 factor = pow10_int128(static_cast<int>(drop));
      int128 rem = value % factor;
      value /= factor;
      // Round half away from zero on the first dropped digit.
      int128 half = factor / 2;
      if (rem >= half) ++value;
    }
  }
  if (value > decimal_max_unscaled(precision)) return false;
  *out = negative ? -value : value;
  return true;
}

StatusOr<int128> parse_decimal(std::string_view text, int precision, int scale) {
  int128 v;
  if (!try_parse_decimal(text, precision, scale, &v)) {
    return invalid_input("invalid decimal(" + std::to_string(precision) + "," +
                         std::to_string(scale) + ") value '" + std::string(text.substr(0, 64)) +
                         "'");
  }
  return v;
}

}  // namespace mortar::types

