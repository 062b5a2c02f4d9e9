// Type inference for CSV columns without a schema, as Glue's CSV classifier
// and DynamicFrame do it: each sampled value rules types out; the column gets
// the narrowest survivor of bigint, double, boolean, date, timestamp, else
// string. A column with no values is a string.
#pragma once

#include <string_view>

#include "types/data_type.h"

namespace mortar::formats::csv {

class ColumnGuess {
 public:
  void observe(std::string_view value);
  types::TypePtr result() const;

 private:
  bool any_ = false;
  bool can_int_ = true, can_double_ = true, can_bool_ = true, can_date_ = true,
       can_timestamp_ = true;
};

}  // namespace mortar::formats::csv
