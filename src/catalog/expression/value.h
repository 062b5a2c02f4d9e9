// How partition values are typed. A partition value is always a string; the
// filter language compares it as the partition key's declared type. To keep
// the key-value index independent of the declared type (UpdateTable may
// change it), every value is classified once by its shape: a number, a date
// (yyyy-mm-dd), a timestamp (yyyy-mm-dd hh:mm:ss[.fffffffff]) or plain text.
// A comparison on an int key then looks only at values shaped as numbers, and
// so on; a value of the wrong shape behaves as NULL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace mortar::catalog::expression {

// Hive's spelling of a NULL partition value.
inline constexpr std::string_view kHiveNullValue = "__HIVE_DEFAULT_PARTITION__";

// What the declared type of a partition key compares as.
enum class KeyClass { kString, kNumber, kDate, kTimestamp, kUnsupported };

// "string", "varchar(10)", "char(2)" -> kString; int/integer/bigint/long/
// smallint/tinyint/decimal(p,s)/float/double -> kNumber; "date" -> kDate;
// "timestamp" -> kTimestamp; anything else (boolean, arrays, ...) ->
// kUnsupported. Case-insensitive.
KeyClass classify_key_type(std::string_view type);

// The shape of a value as stored in partition_keys.kind.
enum class ValueKind : int { kText = 0, kNumber = 1, kDate = 2, kTimestamp = 3 };

// An exact integer where possible (int64), else a double.
using Number = std::variant<int64_t, double>;

struct ClassifiedValue {
  ValueKind kind = ValueKind::kText;
  Number number = int64_t{0};  // days since 1970-01-01 for dates, microseconds for timestamps
  // Timestamps keep Hive's nanosecond precision: the nanoseconds within
  // `number`'s microsecond (0-999), compared after it. (Microseconds alone
  // fit in int64 for every year 0001-9999; nanoseconds would not.)
  int64_t nanos = 0;
};

ClassifiedValue classify_value(std::string_view value);

// A timestamp as microseconds since the epoch plus 0-999 nanoseconds.
struct Timestamp {
  int64_t micros = 0;
  int64_t nanos = 0;
};

// Parsers used for values and literals alike; nullopt when malformed.
std::optional<Number> parse_number(std::string_view text);
std::optional<int64_t> parse_date(std::string_view text);  // days since epoch
std::optional<Timestamp> parse_timestamp(std::string_view text);

// Three-way numeric comparison, exact for int64 pairs.
int compare_numbers(const Number& a, const Number& b);

}  // namespace mortar::catalog::expression
