#include "formats/text_values.h"

#include <charconv>
#include <algorithm>
#include <cmath>
#include <limits>

namespace mortar::formats {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

bool digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + static_cast<int>(d);
  }
  *out = v;
  return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

// Parses "YYYY-MM-DD" at the start of s; sets *used to the bytes consumed.
bool parse_ymd(std::string_view s, int64_t* days, size_t* used) {
  int y, m, d;
  if (!digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, &m) ||
      s[7] != '-' || !digits(s, 8, 2, &d))
    return false;
  if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > days_in_month(y, m)) return false;
  *days = days_from_civil(y, m, d);
  *used = 10;
  return true;
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  // Shift the year to start in March so the leap day is last.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool parse_int64(std::string_view s, int64_t* out) {
  size_t i = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == s.size() || s.size() - i > 19) {
    // 19 digits may still overflow; more than 19 always does.
    if (i == s.size()) return false;
    size_t j = i;
    while (j < s.size() && s[j] == '0') ++j;  // leading zeros
    if (s.size() - j > 19) return false;
    s = std::string_view(s.data() + j, s.size() - j);
    i = 0;
    if (s.empty()) { *out = 0; return true; }
  }
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

bool parse_double(std::string_view s, double* out) {
  if (s.empty()) return false;
  std::string_view body = s;
  bool neg = false;
  if (body[0] == '-' || body[0] == '+') {
    neg = body[0] == '-';
    body.remove_prefix(1);
    if (body.empty()) return false;
  }
  if (!is_digit(body[0]) && body[0] != '.') {
    if (iequals(body, "nan")) {
      *out = std::numeric_limits<double>::quiet_NaN();
      return true;
    }
    if (iequals(body, "inf") || iequals(body, "infinity")) {
      *out = neg ? -std::numeric_limits<double>::infinity()
                 : std::numeric_limits<double>::infinity();
      return true;
    }
    return false;
  }
  double v;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ptr != body.data() + body.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    // Overflow to +-inf or underflow to 0, as strtod does.
    bool tiny = false;
    for (char c : body) {
      if (c == 'e' || c == 'E') { tiny = body.find('-', &c - body.data()) != std::string_view::npos; break; }
    }
    v = tiny ? 0.0 : std::numeric_limits<double>::infinity();
  } else if (ec != std::errc()) {
    return false;
  }
  *out = neg ? -v : v;
  return true;
}

bool parse_bool(std::string_view s, bool* out) {
  if (iequals(s, "true")) { *out = true; return true; }
  if (iequals(s, "false")) { *out = false; return true; }
  return false;
}

bool parse_date(std::string_view s, int32_t* out) {
  int64_t days;
  size_t used;
  if (!parse_ymd(s, &days, &used) || used != s.size()) return false;
  *out = static_cast<int32_t>(days);
  return true;
}

bool parse_timestamp(std::string_view s, int64_t* out) {
  int64_t days;
  size_t i;
  if (!parse_ymd(s, &days, &i)) return false;
  int64_t micros = days * 86400LL * 1000000LL;
  if (i == s.size()) return false;  // a bare date is a date, not a timestamp
  if (s[i] != 'T' && s[i] != ' ') return false;
  ++i;
  int hh, mm, ss = 0;
  if (!digits(s, i, 2, &hh) || i + 2 >= s.size() || s[i + 2] != ':' || !digits(s, i + 3, 2, &mm))
    return false;
  i += 5;
  if (i < s.size() && s[i] == ':') {
    if (!digits(s, i + 1, 2, &ss)) return false;
    i += 3;
  }
  if (hh > 23 || mm > 59 || ss > 60) return false;
  int64_t frac = 0;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    int n = 0;
    while (i < s.size() && is_digit(s[i])) {
      if (n < 6) frac = frac * 10 + (s[i] - '0');
      ++n;
      ++i;
    }
    if (n == 0) return false;
    for (int k = n; k < 6; ++k) frac *= 10;
  }
  micros += (hh * 3600LL + mm * 60LL + ss) * 1000000LL + frac;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int sign = s[i] == '-' ? -1 : 1;
      int oh, om = 0;
      if (!digits(s, i + 1, 2, &oh)) return false;
      i += 3;
      if (i < s.size() && s[i] == ':') ++i;
      if (i < s.size()) {
        if (!digits(s, i, 2, &om)) return false;
        i += 2;
      }
      if (oh > 18 || om > 59) return false;
      micros -= sign * (oh * 3600LL + om * 60LL) * 1000000LL;
    }
  }
  if (i != s.size()) return false;
  *out = micros;
  return true;
}

bool parse_decimal(std::string_view s, int precision, int scale, __int128* out) {
  size_t i = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    i = 1;
  }
  __int128 v = 0;
  int int_digits = 0, frac_digits = 0;
  bool any = false, point = false, round_up = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      if (point) return false;
      point = true;
      continue;
    }
    if (!is_digit(c)) return false;
    any = true;
    if (point) {
      if (frac_digits == scale) {
        if (frac_digits == scale && !round_up && c >= '5') round_up = true;
        // Further digits beyond scale are dropped after rounding on the first.
        frac_digits = scale + 1;
        continue;
      }
      if (frac_digits > scale) continue;
      ++frac_digits;
    } else {
      if (v == 0 && c == '0') continue;
      ++int_digits;
    }
    v = v * 10 + (c - '0');
  }
  if (!any) return false;
  for (int k = std::min(frac_digits, scale); k < scale; ++k) v *= 10;
  if (round_up) v += 1;
  if (int_digits > precision - scale) return false;
  *out = neg ? -v : v;
  return true;
}

void append_int64(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

void append_double(std::string& out, double v) {
  if (std::isnan(v)) { out += "NaN"; return; }
  if (std::isinf(v)) { out += v < 0 ? "-Infinity" : "Infinity"; return; }
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
  // Keep integral values recognizably floating point ("1.0"), so the type
  // survives a round trip through text.
  if (std::find_if(buf, r.ptr, [](char c) { return c == '.' || c == 'e'; }) == r.ptr) out += ".0";
}

void append_float(std::string& out, float v) {
  if (std::isnan(v)) { out += "NaN"; return; }
  if (std::isinf(v)) { out += v < 0 ? "-Infinity" : "Infinity"; return; }
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
  // Keep integral values recognizably floating point ("1.0"), so the type
  // survives a round trip through text.
  if (std::find_if(buf, r.ptr, [](char c) { return c == '.' || c == 'e'; }) == r.ptr) out += ".0";
}

namespace {
void append_2(std::string& out, unsigned v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}
void append_year(std::string& out, int64_t y) {
  if (y >= 0 && y <= 9999) {
    out += static_cast<char>('0' + y / 1000);
    out += static_cast<char>('0' + y / 100 % 10);
    out += static_cast<char>('0' + y / 10 % 10);
    out += static_cast<char>('0' + y % 10);
  } else {
    append_int64(out, y);
  }
}
}  // namespace

void append_date(std::string& out, int32_t days) {
  int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  append_year(out, y);
  out += '-';
  append_2(out, m);
  out += '-';
  append_2(out, d);
}

void append_timestamp(std::string& out, int64_t micros) {
  int64_t days = micros / 86400000000LL;
  int64_t rem = micros % 86400000000LL;
  if (rem < 0) {
    rem += 86400000000LL;
    --days;
  }
  append_date(out, static_cast<int32_t>(days));
  out += ' ';
  int64_t secs = rem / 1000000;
  int64_t frac = rem % 1000000;
  append_2(out, static_cast<unsigned>(secs / 3600));
  out += ':';
  append_2(out, static_cast<unsigned>(secs / 60 % 60));
  out += ':';
  append_2(out, static_cast<unsigned>(secs % 60));
  if (frac) {
    char buf[8];
    for (int i = 5; i >= 0; --i) {
      buf[i] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    int n = 6;
    while (n > 1 && buf[n - 1] == '0') --n;
    out += '.';
    out.append(buf, n);
  }
}

void append_decimal(std::string& out, __int128 v, int scale) {
  bool neg = v < 0;
  unsigned __int128 u = neg ? static_cast<unsigned __int128>(-(v + 1)) + 1 : v;
  char buf[48];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  } while (u);
  while (n <= scale) buf[n++] = '0';
  if (neg) out += '-';
  for (int i = n - 1; i >= 0; --i) {
    out += buf[i];
    if (i == scale && scale > 0) out += '.';
  }
}

void append_base64(std::string& out, std::string_view in) {
  static const char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) |
                 static_cast<uint8_t>(in[i + 2]);
    out += kChars[v >> 18];
    out += kChars[(v >> 12) & 63];
    out += kChars[(v >> 6) & 63];
    out += kChars[v & 63];
  }
  if (i < in.size()) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<uint8_t>(in[i + 1]) << 8;
    out += kChars[v >> 18];
    out += kChars[(v >> 12) & 63];
    out += i + 1 < in.size() ? kChars[(v >> 6) & 63] : '=';
    out += '=';
  }
}

}  // namespace mortar::formats
