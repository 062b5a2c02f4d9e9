// The pieces FileClassifier is made of (internal to classify/): what one
// classifier sees of a file, and one function per built-in classifier.
// Each returns a Classification whose certainty is 0 when it does not match
// (with `reason` saying why) and whose `error` is set when the file is
// corrupt for that format.
#pragma once

#include <string>
#include <string_view>

#include "crawler/classify/csv_classifier.h"
#include "crawler/classify/file_sample.h"
#include "crawler/crawl_types.h"
#include "io/file_system.h"

namespace mortar::crawler {

// Read budgets (Glue's).
constexpr int64_t kHeadBytes = 64 * 1024;
constexpr int64_t kCsvBytes = 1 << 20;
constexpr int64_t kJsonBytes = 1 << 20;
constexpr int64_t kJsonMaxBytes = 10 << 20;
constexpr size_t kCsvRecords = 1000;

struct ClassifyInput {
  io::FileSystem& fs;
  const FileEntry& file;
  SampleReader& sample;  // extend as needed; data() is decompressed
  bool smart_csv = false;
};

Classification classify_metadata_format(ClassifyInput& in);  // avro, orc, parquet by magic
Classification classify_json(ClassifyInput& in, const std::string& json_path);
Classification classify_xml(ClassifyInput& in, const std::string& row_tag);  // "" = detect
Classification classify_builtin_log(ClassifyInput& in);
Classification classify_csv(ClassifyInput& in, const CsvSettings& settings, bool smart);

// The length of the longest prefix of `text` made of complete JSON values
// (JSON Lines / concatenated documents) or, when the text is one top-level
// array, of complete array elements; `records` counts them and `in_array`
// says the prefix needs a closing ']'.
size_t json_complete_prefix(std::string_view text, int64_t* records, bool* in_array);

// Fills record_count/average_record_size from a sample of `sample_records`
// records in `sample_bytes` decompressed bytes, scaling to the whole file
// when the sample was not all of it.
void set_record_figures(Classification& c, const ClassifyInput& in, int64_t sample_records,
                        int64_t sample_bytes);

}  // namespace mortar::crawler
