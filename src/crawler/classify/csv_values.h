// Value typing for the CSV classifiers: Glue's built-in CSV classifier knows
// bigint, double, boolean and string; Mortar's smart sniffer adds date and
// timestamp (ISO-8601 and common day/month orders).
#pragma once

#include <string>
#include <string_view>

#include "types/data_type.h"

namespace mortar::crawler {

bool csv_is_bigint(std::string_view v);
bool csv_is_double(std::string_view v);  // numeric text only (no NaN/Infinity words)
bool csv_is_boolean(std::string_view v);
bool csv_is_date(std::string_view v);       // 2024-01-31, 2024/01/31, 01/31/2024, 31.01.2024 ...
bool csv_is_timestamp(std::string_view v);  // a date, then T or space and HH:MM[:SS[.f]][zone]
std::string_view csv_trim(std::string_view v);

// Narrows a column's type over its values; empty values say nothing.
class CsvColumnGuess {
 public:
  explicit CsvColumnGuess(bool temporal = false) : temporal_(temporal) {}
  void observe(std::string_view value);
  bool any() const { return any_; }
  // bigint, double, boolean, (date, timestamp,) else string.
  types::TypePtr result() const;
  bool is_string() const;

 private:
  bool temporal_;
  bool any_ = false;
  bool can_int_ = true, can_double_ = true, can_bool_ = true, can_date_ = true,
       can_timestamp_ = true;
};

// Whether a single value would type as something other than string.
bool csv_value_is_typed(std::string_view v, bool temporal);

}  // namespace mortar::crawler
