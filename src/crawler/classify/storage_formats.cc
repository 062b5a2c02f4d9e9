// fill_storage_for(): the StorageDescriptor pieces Glue's crawler writes for
// each classification (Hive class names from formats/hive_storage.h, SerDe
// parameters here).
#include <string>

#include "crawler/classify/file_classifier.h"
#include "formats/hive_storage.h"

namespace mortar::crawler {

namespace {

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
  const formats::HiveStorage* hive = formats::hive_storage(classification);
  c.input_format = hive ? std::string(hive->input_format) : "";
  c.output_format = hive ? std::string(hive->output_format) : "";
  std::string serde = hive ? std::string(hive->serde) : "";
  if (classification == "csv") {
    std::string delim = param(c, "delimiter", ",");
    if (param(c, "areColumnsQuoted", "false") == "true") {
      serde = formats::kOpenCsvSerde;
      params["separatorChar"] = delim;
      params["quoteChar"] = param(c, "quoteChar", "\"");
      if (auto e = param(c, "escapeChar", ""); !e.empty()) params["escapeChar"] = e;
    } else {
      // Hive's delimited text (the table's csv SerDe, LazySimpleSerDe): no
      // quote character at all, so a file whose sample quoted nothing reads
      // its quote characters as data.
      params["field.delim"] = delim;
      if (auto e = param(c, "escapeChar", ""); !e.empty()) params["escape.delim"] = e;
    }
  } else if (classification == "json") {
    if (c.schema) {
      std::string paths;
      for (const auto& f : c.schema->fields()) paths += (paths.empty() ? "" : ",") + f.name;
      params["paths"] = paths;
    }
  } else if (classification == "parquet" || classification == "orc") {
    params["serialization.format"] = "1";
  } else if (classification == "avro") {
    if (auto lit = param(c, "avro.schema.literal", ""); !lit.empty()) params["avro.schema.literal"] = lit;
  } else if (classification == "xml") {
    if (auto tag = param(c, "rowTag", ""); !tag.empty()) {
      params["xmlinput.start"] = "<" + tag;
      params["xmlinput.end"] = "</" + tag + ">";
    }
  } else if (classification == "grok") {
    params["input.format"] = c.parameters.at("grokPattern");
    if (auto cp = param(c, "grokCustomPatterns", ""); !cp.empty()) params["input.grokCustomPatterns"] = cp;
  }
  c.serde_info = Json::object();
  if (!serde.empty()) {
    c.serde_info["SerializationLibrary"] = serde;
    c.serde_info["Parameters"] = params;
  }
  c.parameters["typeOfData"] = "file";
}

}  // namespace mortar::crawler
