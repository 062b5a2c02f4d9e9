// Turns tokenized CSV rows into typed columns, one column at a time (cache
// friendly, and each type gets its own tight loop). Field bytes go straight
// into the column buffers; nothing is allocated per field.
// Thread-safe: convert() is const, so two threads convert two row ranges.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "formats/csv/csv_options.h"
#include "formats/csv/csv_tokenizer.h"
#include "types/column.h"

namespace mortar::formats::csv {

class CsvConverter {
 public:
  // `schema`: the output struct type; `sources[i]`: the CSV column that fills
  // output column i; `expected_fields`: fields per record (the file's width).
  CsvConverter(const CsvOptions& options, std::string path, types::TypePtr schema,
               std::vector<int> sources, int expected_fields, bool inferred);

  // Rows [row_begin, row_end) of `index` over `data`; `base_offset`/`base_line`
  // locate data[0] in the file (for errors). With choiceTypes and an
  // inferred schema, a column holding a value its type does not parse is
  // returned as choice<type,string> (the batch's schema then differs).
  StatusOr<std::unique_ptr<types::RecordBatch>> convert(const char* data, const CsvIndex& index,
                                                        size_t row_begin, size_t row_end,
                                                        int64_t base_offset,
                                                        int64_t base_line) const;

  // Located error for a row (line counted on demand).
  Status row_error(const char* data, const CsvIndex& index, size_t row, int64_t base_offset,
                   int64_t base_line, uint32_t at, const std::string& message) const;

 private:
  Status convert_column(const char* data, const CsvIndex& index, size_t row_begin,
                        size_t row_end, int64_t base_offset, int64_t base_line, int out_col,
                        types::Column* column, bool* widen) const;

  CsvOptions options_;
  std::string path_;
  types::TypePtr schema_;
  std::vector<int> sources_;
  int expected_fields_;
  bool inferred_;
};

}  // namespace mortar::formats::csv
