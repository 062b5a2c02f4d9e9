// fill_storage_for(): the StorageDescriptor pieces Glue's crawler writes for
// each classification (Hive class names, as Athena, Spark and Trino expect).
#include <string>

#include "crawler/classify/file_classifier.h"

namespace mortar::crawler {

namespace {

constexpr const char* kTextInput = "org.apache.hadoop.mapred.TextInputFormat";
constexpr const char* kTextOutput = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";

std::string param(const Classification& c, const std::string& key, const std::string& fallback) {
  auto it = c.parameters.find(key);
  return it == c.parameters.end() ? fallback : it->second;
}

// The built-in format a classification is stored as: itself, or for a
// custom classifier's own string, the format its parameters reveal.
std::string storage_format(const std::string& classification, const Classification& c) {
  static const char* kBuiltin[] = {"csv", "json", "parquet", "orc", "avro", "xml"};
  for (const char* b : kBuiltin)
    if (classification == b) return b;
  if (c.parameters.count("grokPattern")) return "grok";
  if (c.parameters.count("rowTag")) return "xml";
  if (c.parameters.count("jsonPath")) return "json";
  if (c.parameters.count("delimiter")) return "csv";
  return classification;
}

}  // namespace

void fill_storage_for(const std::string& requested, Classification& c) {
  const std::string classification = storage_format(requested, c);
  Json params = Json::object();
  std::string serde;
  if (classification == "csv") {
    c.input_format = kTextInput;
    c.output_format = kTextOutput;
    std::string delim = param(c, "delimiter", ",");
    if (param(c, "areColumnsQuoted", "false") == "true") {
      serde = "org.apache.hadoop.hive.serde2.OpenCSVSerde";
      params["separatorChar"] = delim;
      params["quoteChar"] = param(c, "quoteChar", "\"");
      if (auto e = param(c, "escapeChar", ""); !e.empty()) params["escapeChar"] = e;
    } else {
      // Hive's delimited text: no quote character at all, so a file whose
      // sample quoted nothing reads its quote characters as data.
      serde = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe";
      params["field.delim"] = delim;
      if (auto e = param(c, "escapeChar", ""); !e.empty()) params["escape.delim"] = e;
    }
  } else if (classification == "json") {
    c.input_format = kTextInput;
    c.output_format = kTextOutput;
    serde = "org.openx.data.jsonserde.JsonSerDe";
    if (c.schema) {
      std::string paths;
      for (const auto& f : c.schema->fields()) paths += (paths.empty() ? "" : ",") + f.name;
      params["paths"] = paths;
    }
  } else if (classification == "parquet") {
    c.input_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
    c.output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
    serde = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";
    params["serialization.format"] = "1";
  } else if (classification == "orc") {
    c.input_format = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat";
    c.output_format = "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat";
    serde = "org.apache.hadoop.hive.ql.io.orc.OrcSerde";
    params["serialization.format"] = "1";
  } else if (classification == "avro") {
    c.input_format = "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat";
    c.output_format = "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat";
    serde = "org.apache.hadoop.hive.serde2.avro.AvroSerDe";
    if (auto lit = param(c, "avro.schema.literal", ""); !lit.empty()) params["avro.schema.literal"] = lit;
  } else if (classification == "xml") {
    // The Hive XML SerDe (as Athena reads XML tables); rowTag is a table parameter.
    c.input_format = "com.ibm.spss.hive.serde2.xml.XmlInputFormat";
    c.output_format = "org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat";
    serde = "com.ibm.spss.hive.serde2.xml.XmlSerDe";
    if (auto tag = param(c, "rowTag", ""); !tag.empty()) {
      params["xmlinput.start"] = "<" + tag;
      params["xmlinput.end"] = "</" + tag + ">";
    }
  } else if (classification == "grok") {
    // Built-in log formats and custom grok classifiers.
    c.input_format = kTextInput;
    c.output_format = kTextOutput;
    serde = "com.amazonaws.glue.serde.GrokSerDe";
    params["input.format"] = c.parameters.at("grokPattern");
    if (auto cp = param(c, "grokCustomPatterns", ""); !cp.empty()) params["input.grokCustomPatterns"] = cp;
  } else {
    c.input_format.clear();
    c.output_format.clear();
  }
  c.serde_info = Json::object();
  if (!serde.empty()) {
    c.serde_info["SerializationLibrary"] = serde;
    c.serde_info["Parameters"] = params;
  }
  c.parameters["typeOfData"] = "file";
}

}  // namespace mortar::crawler
