// libFuzzer: arbitrary COPY rows and value texts through the PostgreSQL text
// parsers for every column type the source builds; errors are fine, crashes
// and invalid column layouts are not.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sql/pg_text.h"
#include "types/data_type.h"

using mortar::types::Column;
using mortar::types::DataType;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> fields;
  std::vector<bool> nulls;
  mortar::sql::split_copy_row(text, fields, nulls);
  static const auto kTypes = {DataType::int32(), DataType::bigint(), DataType::float64(),
                              DataType::decimal(38, 18), DataType::boolean(), DataType::date(),
                              DataType::timestamp(), DataType::binary(), DataType::string(),
                              DataType::array(DataType::string()), DataType::array(DataType::int32())};
  for (const auto& type : kTypes) {
    Column col(type);
    for (const auto& f : fields) {
      if (!mortar::sql::append_pg_text(col, f).ok()) col.truncate(col.length());
    }
    if (!col.validate().ok()) __builtin_trap();
  }
  return 0;
}
