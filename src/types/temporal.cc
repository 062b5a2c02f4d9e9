#include "types/temporal.h"

namespace mortar::types {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

void append_padded(std::string& out, int64_t v, int width) {
  char buf[24];
  int n = 0;
  uint64_t u = static_cast<uint64_t>(v);
  do {
    buf[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  for (int i = n; i < width; ++i) out += '0';
  while (n) out += buf[--n];
}

// Reads 1..max_digits digits into *v.
bool read_digits(std::string_view s, size_t* pos, int min_digits, int max_digits, int64_t* v) {
  size_t start = *pos;
  int64_t r = 0;
  while (*pos < s.size() && *pos - start < static_cast<size_t>(max_digits) && s[*pos] >= '0' &&
         s[*pos] <= '9') {
    r = r * 10 + (s[*pos] - '0');
    ++*pos;
  }
  if (*pos - start < static_cast<size_t>(min_digits)) return false;
  *v = r;
  return true;
}

bool parse_date_prefix(std::string_view s, size_t* pos, int64_t* days) {
  bool negative = false;
  if (*pos < s.size() && (s[*pos] == '-' || s[*pos] == '+')) {
    negative = s[*pos] == '-';
    ++*pos;
  }
  int64_t y, m, d;
  if (!read_digits(s, pos, 4, 6, &y)) return false;
  if (*pos >= s.size() || s[*pos] != '-') return false;
  ++*pos;
  if (!read_digits(s, pos, 1, 2, &m)) return false;
  if (*pos >= s.size() || s[*pos] != '-') return false;
  ++*pos;
  if (!read_digits(s, pos, 1, 2, &d)) return false;
  if (negative) y = -y;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, static_cast<unsigned>(m))) return false;
  *days = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  // Shift the year to start in March so the leap day is the last day of a year.
  y -= m <= 2;
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;                                      // [0, 399]
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;     // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;              // [0, 146096]
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2);
}

void append_date(std::string& out, int32_t days) {
  int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  if (y < 0) {
    out += '-';
    y = -y;
  }
  append_padded(out, y, 4);
  out += '-';
  append_padded(out, m, 2);
  out += '-';
  append_padded(out, d, 2);
}

void append_timestamp(std::string& out, int64_t micros) {
  int64_t days = floor_div(micros, kMicrosPerDay);
  int64_t rem = micros - days * kMicrosPerDay;
  append_date(out, static_cast<int32_t>(days));
  int64_t secs = rem / kMicrosPerSecond;
  int64_t frac = rem % kMicrosPerSecond;
  out += ' ';
  append_padded(out, secs / 3600, 2);
  out += ':';
  append_padded(out, secs / 60 % 60, 2);
  out += ':';
  append_padded(out, secs % 60, 2);
  if (frac) {
    out += '.';
    append_padded(out, frac, 6);
  }
}

std::string format_date(int32_t days) {
  std::string s;
  append_date(s, days);
  return s;
}

std::string format_timestamp(int64_t micros) {
  std::string s;
  append_timestamp(s, micros);
  return s;
}

bool try_parse_date(std::string_view text, int32_t* days) {
  size_t pos = 0;
  int64_t d;
  if (!parse_date_prefix(text, &pos, &d) || pos != text.size()) return false;
  if (d < INT32_MIN || d > INT32_MAX) return false;
  *days = static_cast<int32_t>(d);
  return true;
}

bool try_parse_timestamp(std::string_view s, int64_t* micros) {
  size_t pos = 0;
  int64_t days;
  if (!parse_date_prefix(s, &pos, &days)) return false;
  int64_t h = 0, mi = 0, sec = 0, frac = 0, offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != ' ') return false;
    ++pos;
    if (!read_digits(s, &pos, 1, 2, &h) || pos >= s.size() || s[pos] != ':') return false;
    ++pos;
    if (!read_digits(s, &pos, 2, 2, &mi)) return false;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!read_digits(s, &pos, 2, 2, &sec)) return false;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        size_t start = pos;
        int64_t f;
        if (!read_digits(s, &pos, 1, 9, &f)) return false;
        for (size_t n = pos - start; n < 9; ++n) f *= 10;
        frac = f / 1000;  // nanoseconds -> microseconds (truncated)
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return false;  // 60: a leap second, folded forward
    // Zone.
    if (pos < s.size() && s[pos] == ' ') ++pos;
    if (pos < s.size()) {
      std::string_view zone = s.substr(pos);
      if (zone == "Z" || zone == "z" || zone == "UTC") {
        pos = s.size();
      } else if (s[pos] == '+' || s[pos] == '-') {
        int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int64_t zh, zm = 0;
        if (!read_digits(s, &pos, 2, 2, &zh)) return false;
        if (pos < s.size() && s[pos] == ':') ++pos;
        if (pos < s.size() && !read_digits(s, &pos, 2, 2, &zm)) return false;
        if (zh > 18 || zm > 59) return false;
        offset_minutes = sign * (zh * 60 + zm);
      } else {
        return false;
      }
    }
    if (pos != s.size()) return false;
  }
  // Far-out dates overflow int64 micros (about +-292,000 years): refuse them.
  if (days > 106751990 || days < -106751990) return false;
  *micros = days * kMicrosPerDay + ((h * 60 + mi - offset_minutes) * 60 + sec) * kMicrosPerSecond +
            frac;
  return true;
}

StatusOr<int32_t> parse_date(std::string_view text) {
  int32_t d;
  if (!try_parse_date(text, &d)) {
    return invalid_input("invalid date '" + std::string(text.substr(0, 64)) +
                         "' (expected YYYY-MM-DD)");
  }
  return d;
}

StatusOr<int64_t> parse_timestamp(std::string_view text) {
  int64_t t;
  if (!try_parse_timestamp(text, &t)) {
    return invalid_input("invalid timestamp '" + std::string(text.substr(0, 64)) +
                         "' (expected YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][Z|+HH:MM])");
  }
  return t;
}

}  // namespace mortar::types
