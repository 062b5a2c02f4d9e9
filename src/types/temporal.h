// Dates and timestamps as text. Dates are int32 days since 1970-01-01,
// timestamps int64 microseconds since the epoch, UTC (see column.h).
//
// Printed form (used by debug_string, JSON lines and CSV writers):
//   date       "2020-01-02"
//   timestamp  "2020-01-02 03:04:05" or, with a fraction, exactly six digits
//              "2020-01-02 03:04:05.123400" (a space, no zone: it is UTC).
// Years outside 0000..9999 print with as many digits as needed and a leading
// '-' for negative years.
//
// Parsed forms: dates "YYYY-MM-DD" (month and day may be one digit);
// timestamps "<date>[T| ]HH:MM[:SS[.fraction]][zone]" where the fraction has
// 1..9 digits (truncated to microseconds) and zone is "Z", "UTC", "+HH",
// "+HHMM" or "+HH:MM" (also '-'); a date alone is midnight. The try_* forms
// never allocate (hot paths in readers); the StatusOr forms explain failures.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mortar::types {

// Days since 1970-01-01 of a proleptic Gregorian date (no range checks).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
// The inverse.
void civil_from_days(int64_t days, int64_t* year, unsigned* month, unsigned* day);

std::string format_date(int32_t days);
std::string format_timestamp(int64_t micros);
// Appending forms (no temporary strings).
void append_date(std::string& out, int32_t days);
void append_timestamp(std::string& out, int64_t micros);

bool try_parse_date(std::string_view text, int32_t* days);
bool try_parse_timestamp(std::string_view text, int64_t* micros);
StatusOr<int32_t> parse_date(std::string_view text);
StatusOr<int64_t> parse_timestamp(std::string_view text);

}  // namespace mortar::types
