#include "formats/hive_storage.h"

namespace mortar::formats {

namespace {

constexpr std::string_view kTextInput = "org.apache.hadoop.mapred.TextInputFormat";
constexpr std::string_view kTextOutput =
    "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";

constexpr HiveStorage kStorage[] = {
    {"csv", kTextInput, kTextOutput, "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"},
    {"json", kTextInput, kTextOutput, "org.openx.data.jsonserde.JsonSerDe"},
    {"parquet", "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
     "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
     "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
    {"orc", "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
     "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
     "org.apache.hadoop.hive.ql.io.orc.OrcSerde"},
    {"avro", "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
     "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat",
     "org.apache.hadoop.hive.serde2.avro.AvroSerDe"},
    // The Hive XML SerDe, as Athena reads XML tables; rowTag is a table parameter.
    {"xml", "com.ibm.spss.hive.serde2.xml.XmlInputFormat",
     "org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat",
     "com.ibm.spss.hive.serde2.xml.XmlSerDe"},
    // Built-in log formats and custom grok classifiers.
    {"grok", kTextInput, kTextOutput, "com.amazonaws.glue.serde.GrokSerDe"},
};

}  // namespace

const HiveStorage* hive_storage(std::string_view format) {
  for (const HiveStorage& s : kStorage)
    if (s.format == format) return &s;
  return nullptr;
}

}  // namespace mortar::formats
