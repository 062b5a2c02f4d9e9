// Scalar values as text: the parsers and printers CSV and JSON share, so both
// formats spell dates, timestamps and special numbers the same way (as Spark
// and Glue do: "2024-01-31", "2024-01-31 12:00:00.5", "NaN", "Infinity").
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mortar::formats {

// Each parser accepts the whole of `text` or returns false.
bool parse_int64(std::string_view text, int64_t* out);
// Decimal, exponent, "NaN", "Infinity"/"inf" (any case, optional sign).
bool parse_double(std::string_view text, double* out);
bool parse_bool(std::string_view text, bool* out);  // true/false, any case
// YYYY-MM-DD -> days since 1970-01-01.
bool parse_date(std::string_view text, int32_t* out);
// YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]][Z|+HH[:MM]|-HH[:MM]] -> UTC micros.
bool parse_timestamp(std::string_view text, int64_t* out);
// "-123.45" with `scale` digits after the point -> unscaled; false when it
// does not fit `precision` digits.
bool parse_decimal(std::string_view text, int precision, int scale, __int128* out);

int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t days, int64_t* y, unsigned* m, unsigned* d);

// Appenders (no allocation beyond the output string).
void append_int64(std::string& out, int64_t v);
void append_double(std::string& out, double v);  // shortest round-trip text
void append_float(std::string& out, float v);
void append_date(std::string& out, int32_t days);
void append_timestamp(std::string& out, int64_t micros);  // "YYYY-MM-DD HH:MM:SS[.ffffff]"
void append_decimal(std::string& out, __int128 unscaled, int scale);
void append_base64(std::string& out, std::string_view bytes);

}  // namespace mortar::formats
