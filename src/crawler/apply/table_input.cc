#include "crawler/apply/table_input.h"

#include <map>
#include <set>

#include <fmt/format.h>

namespace mortar::crawler {

namespace {

const Json& member(const Json& obj, const char* key) {
  static const Json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

std::string string_member(const Json& obj, const char* key) {
  const Json& v = member(obj, key);
  return v.is_string() ? v.get<std::string>() : "";
}

std::string strip_slashes(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// The crawler's parameters for a table or partition with these figures.
Json crawler_parameters(const Classification& c, int64_t object_count, int64_t size_bytes,
                        const std::map<std::string, std::string>& extra, const ApplyPolicy& policy) {
  Json params = Json::object();
  for (const auto& [k, v] : c.parameters) params[k] = v;
  for (const auto& [k, v] : extra) params[k] = v;
  params["classification"] = c.classification;
  params["compressionType"] = c.compression_type.empty() ? "none" : c.compression_type;
  if (!params.contains("typeOfData")) params["typeOfData"] = "file";
  if (params["typeOfData"] == "file") {  // database tables and views have no file figures
    params["recordCount"] = std::to_string(c.record_count);
    params["averageRecordSize"] = std::to_string(c.average_record_size);
    params["objectCount"] = std::to_string(object_count);
    params["sizeKey"] = std::to_string(size_bytes);
  }
  params["UPDATED_BY_CRAWLER"] = policy.crawler_name;
  params["CrawlerSchemaSerializerVersion"] = "1.0";
  params["CrawlerSchemaDeserializerVersion"] = "1.0";
  if (!policy.crawl_id.empty()) params["CRAWL_RUN_ID"] = policy.crawl_id;
  return params;
}

Json serde_json(const Classification& c) {
  Json serde = c.serde_info.is_object() ? c.serde_info : Json::object();
  if (!serde.contains("Parameters")) serde["Parameters"] = Json::object();
  return serde;
}

Json storage_descriptor(Json columns, const std::string& location, const Classification& c,
                        const Json& params) {
  Json sd = {{"Columns", std::move(columns)},
             {"Location", location},
             {"Compressed", !c.compression_type.empty() && c.compression_type != "none"},
             {"NumberOfBuckets", -1},
             {"SerdeInfo", serde_json(c)},
             {"BucketColumns", Json::array()},
             {"SortColumns", Json::array()},
             {"Parameters", params},
             {"StoredAsSubDirectories", false}};
  if (!c.input_format.empty()) sd["InputFormat"] = c.input_format;
  if (!c.output_format.empty()) sd["OutputFormat"] = c.output_format;
  return sd;
}

// name -> type, in order, of a Columns/PartitionKeys array.
std::vector<std::pair<std::string, std::string>> name_types(const Json& cols) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!cols.is_array()) return out;
  for (const Json& c : cols) out.emplace_back(string_member(c, "Name"), string_member(c, "Type"));
  return out;
}

void describe_columns(const char* what, const Json& before, const Json& after,
                      std::vector<std::string>& out) {
  auto b = name_types(before), a = name_types(after);
  if (b == a) return;
  std::map<std::string, std::string> bm(b.begin(), b.end()), am(a.begin(), a.end());
  std::vector<std::string> added, removed, retyped;
  for (const auto& [n, t] : a)
    if (!bm.count(n)) added.push_back(n);
  for (const auto& [n, t] : b) {
    auto it = am.find(n);
    if (it == am.end()) removed.push_back(n);
    else if (it->second != t) retyped.push_back(fmt::format("{}: {} -> {}", n, t, it->second));
  }
  auto join = [](const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, ", ")); };
  if (!added.empty()) out.push_back(fmt::format("added {} {}", what, join(added)));
  if (!removed.empty()) out.push_back(fmt::format("removed {} {}", what, join(removed)));
  if (!retyped.empty()) out.push_back(fmt::format("changed {} types {}", what, join(retyped)));
  if (added.empty() && removed.empty() && retyped.empty())
    out.push_back(fmt::format("reordered {}", what));
}

}  // namespace

bool is_volatile_parameter(const std::string& key) {
  static const std::set<std::string> kVolatile = {
      "recordCount", "averageRecordSize", "objectCount", "sizeKey", "CRAWL_RUN_ID",
      "UPDATED_BY_CRAWLER", "DEPRECATED_BY_CRAWLER", "CrawlerSchemaSerializerVersion",
      "CrawlerSchemaDeserializerVersion"};
  return kVolatile.count(key) > 0;
}

Json columns_json(const types::TypePtr& schema) {
  Json cols = Json::array();
  if (!schema) return cols;
  for (const auto& f : schema->fields())
    cols.push_back({{"Name", f.name}, {"Type", f.type ? f.type->to_string() : "string"}});
  return cols;
}

Json build_table_input(const PlannedTable& table, const ApplyPolicy& policy) {
  const Classification& c = table.classification;
  Json params = crawler_parameters(c, table.object_count, table.size_bytes, table.extra_parameters,
                                   policy);
  Json keys = Json::array();
  for (const auto& [name, type] : table.partition_keys) keys.push_back({{"Name", name}, {"Type", type}});
  return {{"Name", table.name},
          {"Owner", "owner"},
          {"Retention", 0},
          {"TableType", "EXTERNAL_TABLE"},
          {"StorageDescriptor", storage_descriptor(columns_json(c.schema), table.location, c, params)},
          {"PartitionKeys", keys},
          {"Parameters", params}};
}

Json build_partition_input(const PlannedPartition& partition, const Json& table_input, bool inherit,
                           const ApplyPolicy& policy) {
  const Json& table_sd = member(table_input, "StorageDescriptor");
  Classification c = partition.classification;
  // A partition whose files could not give a schema takes the table's.
  bool own = !inherit && c.schema && c.classification != "UNKNOWN";
  Json params = crawler_parameters(c, partition.object_count, partition.size_bytes, {}, policy);
  Json sd;
  if (own) {
    sd = storage_descriptor(columns_json(c.schema), partition.location, c, params);
  } else {
    // The table's columns, formats and SerDe; the partition's own figures.
    const Json& tparams = member(table_input, "Parameters");
    for (const char* k : {"classification", "compressionType", "typeOfData", "delimiter",
                          "skip.header.line.count", "areColumnsQuoted", "columnsOrdered"}) {
      if (tparams.is_object() && tparams.contains(k)) params[k] = tparams[k];
      else if (params.contains(k) && std::string(k) != "typeOfData") params.erase(k);
    }
    sd = table_sd.is_object() ? table_sd : Json::object();
    sd["Location"] = partition.location;
    sd["Parameters"] = params;
  }
  return {{"Values", partition.values}, {"StorageDescriptor", sd}, {"Parameters", params}};
}

Json table_input_from_table(const Json& table) {
  Json input = Json::object();
  for (const char* k : {"Name", "Description", "Owner", "Retention", "StorageDescriptor",
                        "PartitionKeys", "TableType", "Parameters", "ViewOriginalText",
                        "ViewExpandedText", "TargetTable"}) {
    if (table.is_object() && table.contains(k)) input[k] = table[k];
  }
  return input;
}

std::string describe_schema_change(const Json& before, const Json& after) {
  std::vector<std::string> out;
  const Json& bsd = member(before, "StorageDescriptor");
  const Json& asd = member(after, "StorageDescriptor");
  describe_columns("columns", member(bsd, "Columns"), member(asd, "Columns"), out);
  if (after.is_object() && after.contains("PartitionKeys"))
    describe_columns("partition keys", member(before, "PartitionKeys"), member(after, "PartitionKeys"), out);
  if (strip_slashes(string_member(bsd, "Location")) != strip_slashes(string_member(asd, "Location")))
    out.push_back(fmt::format("location {} -> {}", string_member(bsd, "Location"),
                              string_member(asd, "Location")));
  for (const char* k : {"InputFormat", "OutputFormat"}) {
    if (string_member(bsd, k) != string_member(asd, k))
      out.push_back(fmt::format("{} {} -> {}", k, string_member(bsd, k), string_member(asd, k)));
  }
  const Json& bserde = member(bsd, "SerdeInfo");
  const Json& aserde = member(asd, "SerdeInfo");
  if (string_member(bserde, "SerializationLibrary") != string_member(aserde, "SerializationLibrary") ||
      member(bserde, "Parameters") != member(aserde, "Parameters"))
    out.push_back(fmt::format("SerDe {} -> {}", bserde.dump(), aserde.dump()));
  const Json& bp = member(before, "Parameters");
  const Json& ap = member(after, "Parameters");
  std::set<std::string> keys;
  for (const Json* p : {&bp, &ap})
    if (p->is_object())
      for (const auto& [k, v] : p->items()) keys.insert(k);
  for (const auto& k : keys) {
    if (is_volatile_parameter(k)) continue;
    const Json& b = member(bp, k.c_str());
    const Json& a = member(ap, k.c_str());
    if (b != a)
      out.push_back(fmt::format("parameter {}: {} -> {}", k, b.is_string() ? b.get<std::string>() : b.dump(),
                                a.is_string() ? a.get<std::string>() : a.dump()));
  }
  if (bp.is_object() && bp.contains("DEPRECATED_BY_CRAWLER") &&
      !(ap.is_object() && ap.contains("DEPRECATED_BY_CRAWLER")))
    out.push_back("data found again: DEPRECATED_BY_CRAWLER cleared");
  return fmt::format("{}", fmt::join(out, "; "));
}

bool location_under(const std::string& location, const std::string& root) {
  std::string l = strip_slashes(location), r = strip_slashes(root);
  if (l == r) return true;
  return l.size() > r.size() && l.compare(0, r.size(), r) == 0 && (r.back() == '/' || l[r.size()] == '/');
}

}  // namespace mortar::crawler
