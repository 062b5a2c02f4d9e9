// Type inference for CSV columns without a schema, as Glue's CSV classifier
// and DynamicFrame do it: each sampled value rules types out; the column gets
// the narrowest survivor of bigint, double, boolean, date, timestamp, else
// string. A column with no values is a string.
//
// With `choice` (the choiceTypes option: DynamicFrame reads each value on
// its own), a column whose values are partly numbers and partly other text
// is choice<bigint,string> (choice<double,string> when some numbers have a
// fraction or exponent) instead of string.
#pragma once

#include <string_view>

#include "types/data_type.h"

namespace mortar::formats::csv {

class ColumnGuess {
 public:
  explicit ColumnGuess(bool choice = false) : choice_(choice) {}
  void observe(std::string_view value);
  types::TypePtr result() const;

 private:
  bool choice_;
  bool any_ = false;
  bool can_int_ = true, can_double_ = true, can_bool_ = true, can_date_ = true,
       can_timestamp_ = true;
  // choice mode: some value was a number / not a number / a non-integer number.
  bool saw_number_ = false, saw_text_ = false, saw_fraction_ = false;
};

}  // namespace mortar::formats::csv
