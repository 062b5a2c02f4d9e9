// Column values as JSON text: JSON lines for `mortar file cat`, conformance
// tests and Column::debug_string.
//
// Mapping: null -> null; boolean -> true/false; integers -> numbers;
// float/double -> shortest round-trip numbers (always with a '.' or exponent,
// so "1.0"), NaN/Infinity/-Infinity as the strings "NaN", "Infinity",
// "-Infinity" (as Spark writes them); decimal -> exact string "12.30";
// string/varchar/char -> string (bytes that are not valid UTF-8 become
// U+FFFD); binary -> base64 string; date -> "2020-01-02"; timestamp ->
// "2020-01-02 03:04:05.123456" (UTC, see temporal.h); array -> array;
// map -> object keyed by the key's text (non-string keys printed as text);
// struct -> object in field order; choice -> the chosen alternative's value.
#pragma once

#include <string>
#include <string_view>

#include "types/column.h"

namespace mortar::types {

void append_json_string(std::string& out, std::string_view s);
void append_json_value(std::string& out, const Column& column, int64_t row);
// One JSON object per row (keys are the schema's field names), '\n'-terminated.
void append_json_line(std::string& out, const RecordBatch& batch, int64_t row);
std::string to_json_lines(const RecordBatch& batch);

}  // namespace mortar::types
