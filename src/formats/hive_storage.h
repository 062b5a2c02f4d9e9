// The Hive classes a Glue table names in its StorageDescriptor for each file
// format (InputFormat, OutputFormat, SerdeInfo.SerializationLibrary), as
// Glue's crawler writes them and Athena, Spark and Trino read them. The one
// table: the crawler fills new tables from it and awsglue's catalog sinks
// read it through `_mortar.hive_storage`. Constant data; thread-safe.
#pragma once

#include <string_view>

namespace mortar::formats {

struct HiveStorage {
  std::string_view format;  // "csv", "json", "parquet", "orc", "avro", "xml", "grok"
  std::string_view input_format;
  std::string_view output_format;
  std::string_view serde;  // csv: LazySimpleSerDe (quoted files: kOpenCsvSerde)
};

// The classes for `format` (a classification as above), or nullptr.
const HiveStorage* hive_storage(std::string_view format);

// The SerDe of CSV files with quoted fields.
inline constexpr std::string_view kOpenCsvSerde = "org.apache.hadoop.hive.serde2.OpenCSVSerde";

}  // namespace mortar::formats
