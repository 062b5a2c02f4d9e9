// Per-value typing for choice columns (the choiceTypes option): a value goes
// into the first alternative it parses as; a string alternative takes any
// text. Kept apart from the converter's per-type loops, which stay free of
// this cost for the columns that are not mixed.
#pragma once

#include <string_view>

#include "types/column.h"

namespace mortar::formats::csv {

// Whether a choice type is one the CSV reader can fill: scalar alternatives.
bool is_csv_choice(const types::DataType& type);

// Parses `text` as the column's (scalar) type and appends it; false, with
// nothing appended, when it does not parse.
bool append_parsed(types::Column& column, std::string_view text);

// Whether `text` parses as `type` (a scalar type; string-like take anything).
bool parses_as(const types::TypePtr& type, std::string_view text);
// The same for double, with a fast path for plain decimals ("-12.5e3").
bool parses_as_double(std::string_view text);

// Appends `text` to the first alternative of the choice column that takes
// it; false when none does.
bool append_choice_value(types::Column& column, std::string_view text);

}  // namespace mortar::formats::csv
