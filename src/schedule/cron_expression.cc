// CronExpression::next_after(): a field-by-field search on the civil UTC
// calendar (std::chrono), so even "only Feb 29 that is a Monday" or a search
// that ends in 2199 costs a few thousand cheap steps at most.
#include "schedule/cron_expression.h"

#include <bit>
#include <chrono>
#include <vector>

namespace mortar::schedule {
namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;
using std::chrono::year_month_day_last;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

unsigned days_in_month(int y, unsigned m) {
  return static_cast<unsigned>(
      year_month_day_last(year{y}, std::chrono::month_day_last{month{m}}).day());
}

// 1 = Sunday .. 7 = Saturday, AWS's numbering.
int weekday_of(int y, unsigned m, unsigned d) {
  return static_cast<int>(
             std::chrono::weekday(sys_days(year{y} / month{m} / day{d})).c_encoding()) +
         1;
}

int64_t epoch_days(int y, unsigned m, unsigned d) {
  return sys_days(year{y} / month{m} / day{d}).time_since_epoch().count();
}

// The lowest set bit at position >= from, or -1.
template <typename T>
int next_bit(T bits, int from) {
  if (from >= static_cast<int>(sizeof(T) * 8)) return -1;
  T masked = bits & (~T{0} << from);
  return masked == 0 ? -1 : std::countr_zero(masked);
}

// Epoch seconds of kMaxYear + 1 -01-01: no fire time is at or after it.
int64_t end_of_range() {
  static const int64_t end = epoch_days(CronExpression::kMaxYear + 1, 1, 1) * 86400;
  return end;
}

}  // namespace

uint32_t CronExpression::day_mask(int y, unsigned m) const {
  const unsigned dim = days_in_month(y, m);
  const uint32_t in_month = static_cast<uint32_t>(((uint64_t{1} << (dim + 1)) - 1) & ~uint64_t{1});
  if (use_day_of_month_) {
    if (last_day_) return 1u << dim;
    if (last_weekday_) {
      int wd = weekday_of(y, m, dim);
      unsigned d = wd == 7 ? dim - 1 : wd == 1 ? dim - 2 : dim;
      return 1u << d;
    }
    if (nearest_weekday_to_ != 0) {
      unsigned n = static_cast<unsigned>(nearest_weekday_to_);
      if (n > dim) return 0;  // no such day this month
      int wd = weekday_of(y, m, n);
      // Saturday moves to Friday, Sunday to Monday, never across the month.
      if (wd == 7)
        n = n == 1 ? 3 : n - 1;
      else if (wd == 1)
        n = n == dim ? n - 2 : n + 1;
      return 1u << n;
    }
    return days_ & in_month;
  }
  const int first_wd = weekday_of(y, m, 1);
  if (last_of_weekday_ != 0) {
    // The last day d in the month with weekday last_of_weekday_.
    int last_wd = (first_wd - 1 + static_cast<int>(dim) - 1) % 7 + 1;
    unsigned d = dim - static_cast<unsigned>((last_wd - last_of_weekday_ + 7) % 7);
    return 1u << d;
  }
  if (nth_weekday_ != 0) {
    unsigned d = 1 + static_cast<unsigned>((nth_weekday_ - first_wd + 7) % 7) +
                 7 * static_cast<unsigned>(nth_occurrence_ - 1);
    return d <= dim ? 1u << d : 0;
  }
  uint32_t mask = 0;
  for (unsigned d = 1; d <= dim; ++d) {
    int wd = (first_wd - 1 + static_cast<int>(d) - 1) % 7 + 1;
    if (weekdays_ & (1u << wd)) mask |= 1u << d;
  }
  return mask;
}

std::optional<int64_t> CronExpression::next_after(int64_t epoch_seconds) const {
  if (epoch_seconds >= end_of_range()) return std::nullopt;
  int64_t minute_index = floor_div(epoch_seconds, 60) + 1;  // strictly after
  if (minute_index < 0) minute_index = 0;                   // no years before 1970
  const int64_t day_index = minute_index / 1440;
  const year_month_day ymd{sys_days{days{day_index}}};
  int y = static_cast<int>(ymd.year());
  unsigned mo = static_cast<unsigned>(ymd.month());
  unsigned d = static_cast<unsigned>(ymd.day());
  int h = static_cast<int>(minute_index % 1440) / 60;
  int mi = static_cast<int>(minute_index % 60);

  auto next_month = [&] {
    if (++mo > 12) {
      mo = 1;
      ++y;
    }
    d = 1;
    h = mi = 0;
  };
  auto next_day = [&] {
    if (++d > days_in_month(y, mo)) next_month();
    h = mi = 0;
  };

  // Every pass moves forward by at least one unit of some field, and each
  // field is reset below when a coarser one moves, so this terminates by
  // year kMaxYear + 1 after at most a few thousand passes.
  while (y <= kMaxYear) {
    int yi = y - kMinYear;
    while (yi < static_cast<int>(years_.size()) && !years_.test(yi)) ++yi;
    if (yi >= static_cast<int>(years_.size())) return std::nullopt;
    if (yi + kMinYear != y) {
      y = yi + kMinYear;
      mo = d = 1;
      h = mi = 0;
    }
    int m2 = next_bit(months_, static_cast<int>(mo));
    if (m2 < 0) {
      ++y;
      mo = d = 1;
      h = mi = 0;
      continue;
    }
    if (static_cast<unsigned>(m2) != mo) {
      mo = static_cast<unsigned>(m2);
      d = 1;
      h = mi = 0;
    }
    int d2 = next_bit(day_mask(y, mo), static_cast<int>(d));
    if (d2 < 0) {
      next_month();
      continue;
    }
    if (static_cast<unsigned>(d2) != d) {
      d = static_cast<unsigned>(d2);
      h = mi = 0;
    }
    int h2 = next_bit(hours_, h);
    if (h2 < 0) {
      next_day();
      continue;
    }
    if (h2 != h) {
      h = h2;
      mi = 0;
    }
    int mi2 = next_bit(minutes_, mi);
    if (mi2 < 0) {
      if (++h > 23)
        next_day();
      else
        mi = 0;
      continue;
    }
    return (epoch_days(y, mo, d) * 1440 + h * 60 + mi2) * 60;
  }
  return std::nullopt;
}

bool CronExpression::matches(int64_t epoch_seconds) const {
  if (epoch_seconds < 0 || epoch_seconds >= end_of_range()) return false;
  const int64_t minute_index = floor_div(epoch_seconds, 60);
  const int64_t day_index = floor_div(minute_index, 1440);
  const int minute_of_day = static_cast<int>(minute_index - day_index * 1440);
  if (!(minutes_ & (uint64_t{1} << (minute_of_day % 60))) ||
      !(hours_ & (1u << (minute_of_day / 60)))) {
    return false;
  }
  const year_month_day ymd{sys_days{days{day_index}}};
  const int y = static_cast<int>(ymd.year());
  if (y > kMaxYear || !years_.test(y - kMinYear)) return false;
  const unsigned mo = static_cast<unsigned>(ymd.month());
  if (!(months_ & (1u << mo))) return false;
  return (day_mask(y, mo) >> static_cast<unsigned>(ymd.day())) & 1u;
}

std::string CronExpression::to_string() const { return text_; }

int CronExpression::shortest_gap_minutes() const {
  std::vector<int> times;  // minutes of the day, ascending
  for (int h = 0; h < 24; ++h) {
    if (!(hours_ & (1u << h))) continue;
    for (int m = 0; m < 60; ++m) {
      if (minutes_ & (uint64_t{1} << m)) times.push_back(h * 60 + m);
    }
  }
  if (times.empty()) return 24 * 60;
  int gap = times.front() + 24 * 60 - times.back();  // over midnight
  for (size_t i = 1; i < times.size(); ++i) gap = std::min(gap, times[i] - times[i - 1]);
  return gap;
}

}  // namespace mortar::schedule
