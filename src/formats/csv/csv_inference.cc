#include "formats/csv/csv_inference.h"

#include "formats/text_values.h"

namespace mortar::formats::csv {

void ColumnGuess::observe(std::string_view v) {
  any_ = true;
  if (can_int_) {
    int64_t x;
    if (!parse_int64(v, &x)) can_int_ = false;
  }
  if (!can_int_ && can_double_) {
    double x;
    if (!parse_double(v, &x)) can_double_ = false;
  }
  if (can_bool_) {
    bool b;
    if (!parse_bool(v, &b)) can_bool_ = false;
  }
  if (can_date_) {
    int32_t d;
    if (!parse_date(v, &d)) can_date_ = false;
  }
  if (can_timestamp_) {
    int64_t t;
    int32_t d;
    // A timestamp column may hold bare dates too (midnight).
    if (!parse_timestamp(v, &t) && !parse_date(v, &d)) can_timestamp_ = false;
  }
  // Once the column is known to be mixed only the integer/fraction split
  // can still change; until then numeric columns cost nothing extra here.
  if (choice_ && !can_double_) {
    int64_t i;
    double x;
    if (parse_int64(v, &i)) {
      saw_number_ = true;
    } else if (parse_double(v, &x)) {
      saw_number_ = saw_fraction_ = true;
    } else {
      saw_text_ = true;
    }
  } else if (choice_) {
    saw_number_ = true;
    if (!can_int_) saw_fraction_ = true;
  }
}

types::TypePtr ColumnGuess::result() const {
  using types::DataType;
  if (!any_) return DataType::string();
  if (can_int_) return DataType::bigint();
  if (can_double_) return DataType::float64();
  if (choice_ && saw_number_ && saw_text_) {
    return DataType::choice(
        {saw_fraction_ ? DataType::float64() : DataType::bigint(), DataType::string()});
  }
  if (can_bool_) return DataType::boolean();
  if (can_date_) return DataType::date();
  if (can_timestamp_) return DataType::timestamp();
  return DataType::string();
}

}  // namespace mortar::formats::csv
