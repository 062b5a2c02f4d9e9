// AWS's six-field UTC cron syntax, as Glue triggers/crawlers and EventBridge
// accept it: cron(Minutes Hours Day-of-month Month Day-of-week Year).
// See README.md for the field table and the exact rules enforced.
//
// Immutable after parse(); safe to share and call from any thread.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mortar::schedule {

class CronExpression {
 public:
  static constexpr int kMinYear = 1970;
  static constexpr int kMaxYear = 2199;

  // Parses "cron(...)". Errors are InvalidArgument naming the field and what
  // was wrong with it.
  static StatusOr<CronExpression> parse(std::string_view text);

  // The first fire time strictly after `epoch_seconds` (second 0 of a minute,
  // UTC), or nullopt when there is none (e.g. only past years match).
  // Skips by field (year, month, day, hour, minute), never minute by minute.
  std::optional<int64_t> next_after(int64_t epoch_seconds) const;

  // Whether the expression fires at the minute containing `epoch_seconds`.
  bool matches(int64_t epoch_seconds) const;

  // Canonical text: "cron(" + the six fields, upper-cased, single-spaced + ")".
  std::string to_string() const;

  // The shortest gap in minutes between two fire times implied by the
  // Minutes and Hours fields (wrapping over the hour and midnight). Glue
  // rejects schedules faster than 5 minutes; see glue_schedule.h.
  int shortest_gap_minutes() const;

 private:
  friend class CronParser;
  CronExpression() = default;

  // Bit i set: day i of this month (1..31) fires.
  uint32_t day_mask(int year, unsigned month) const;

  std::string text_;      // canonical form, see to_string()
  uint64_t minutes_ = 0;  // bit m, 0..59
  uint32_t hours_ = 0;    // bit h, 0..23
  uint16_t months_ = 0;   // bit m, 1..12
  std::bitset<kMaxYear - kMinYear + 1> years_;

  // Exactly one of the two day fields is in force; the other was '?'.
  bool use_day_of_month_ = true;
  // Day-of-month: plain days, or L / LW / nW.
  uint32_t days_ = 0;           // bit d, 1..31
  bool last_day_ = false;       // L
  bool last_weekday_ = false;   // LW
  int nearest_weekday_to_ = 0;  // nW: n (1..31), 0 = unused
  // Day-of-week (1 = SUN .. 7 = SAT): plain weekdays, or dL / d#n.
  uint8_t weekdays_ = 0;     // bit d, 1..7
  int last_of_weekday_ = 0;  // dL: d, 0 = unused
  int nth_weekday_ = 0;      // d#n: d, 0 = unused
  int nth_occurrence_ = 0;   // d#n: n (1..5)
};

}  // namespace mortar::schedule
