// Decimal text: values are __int128 unscaled integers with the type's scale
// (decimal(5,2) 123.45 is 12345). Printing is exact ("-0.05", "12.30": always
// `scale` fraction digits, as Hive and Spark print them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mortar::types {

using int128 = __int128;

// 10^n for n in 0..38.
int128 pow10_int128(int n);
// The largest unscaled magnitude a decimal(precision, _) holds: 10^precision - 1.
inline int128 decimal_max_unscaled(int precision) { return pow10_int128(precision) - 1; }

void append_int128(std::string& out, int128 v);
std::string int128_to_string(int128 v);
void append_decimal(std::string& out, int128 unscaled, int scale);
std::string format_decimal(int128 unscaled, int scale);

// Parses "[+-]digits[.digits][e[+-]digits]" into an unscaled value of the
// given scale, rounding half away from zero when there are more fraction
// digits; false when malformed or when the value needs more than `precision`
// digits. Never allocates.
bool try_parse_decimal(std::string_view text, int precision, int scale, int128* unscaled);
StatusOr<int128> parse_decimal(std::string_view text, int precision, int scale);

}  // namespace mortar::types
