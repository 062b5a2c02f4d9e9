// JSON text for column values: used by the JSON Lines writer and by the CSV
// writer for nested values. Dates and timestamps print as strings
// ("2024-01-31", "2024-01-31 12:00:00.5"), binary as base64, NaN/Infinity as
// the strings "NaN"/"Infinity" (JSON has no such numbers), maps as objects
// (non-string keys printed as text), choices as their current alternative.
#pragma once

#include <string>
#include <string_view>

#include "types/column.h"

namespace mortar::formats::json {

void append_json_string(std::string& out, std::string_view s);
void append_json_value(std::string& out, const types::Column& column, int64_t row);
// A scalar value as plain text (no quotes), as CSV writes it.
void append_text_value(std::string& out, const types::Column& column, int64_t row);

}  // namespace mortar::formats::json
