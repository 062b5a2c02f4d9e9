#include "crawler/crawl_types.h"

#include <set>

#include <fmt/format.h>

namespace mortar::crawler {

namespace {

const char* action_name(CrawlChange::Kind kind) {
  switch (kind) {
    case CrawlChange::Kind::kCreateTable: return "CREATE_TABLE";
    case CrawlChange::Kind::kUpdateTable: return "UPDATE_TABLE";
    case CrawlChange::Kind::kDeleteTable: return "DELETE_TABLE";
    case CrawlChange::Kind::kDeprecateTable: return "DEPRECATE_TABLE";
    case CrawlChange::Kind::kCreatePartition: return "CREATE_PARTITION";
    case CrawlChange::Kind::kUpdatePartition: return "UPDATE_PARTITION";
    case CrawlChange::Kind::kDeletePartition: return "DELETE_PARTITION";
    case CrawlChange::Kind::kLogOnly: return "LOG_ONLY";
  }
  return "UNKNOWN";
}

// Reads an optional member of `obj` with the expected JSON type; a wrong type
// is InvalidInput naming the key path.
template <typename T>
Status read_member(const Json& obj, const char* key, const std::string& where, T* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status();
  try {
    *out = it->get<T>();
  } catch (const Json::exception&) {
    return invalid_input(fmt::format("crawler Configuration: {}.{} has the wrong type ({})", where,
                                     key, it->type_name()));
  }
  return Status();
}

Status parse_glue_keys(const Json& root, CrawlerConfig& config) {
  if (auto g = root.find("Grouping"); g != root.end()) {
    if (!g->is_object()) return invalid_input("crawler Configuration: Grouping must be an object");
    std::string policy;
    MORTAR_RETURN_IF_ERROR(read_member(*g, "TableGroupingPolicy", "Grouping", &policy));
    if (!policy.empty() && policy != "CombineCompatibleSchemas")
      return invalid_input(fmt::format(
          "crawler Configuration: Grouping.TableGroupingPolicy '{}' is not supported "
          "(only CombineCompatibleSchemas)", policy));
    config.combine_compatible_schemas = policy == "CombineCompatibleSchemas";
    int level = 0;
    MORTAR_RETURN_IF_ERROR(read_member(*g, "TableLevelConfiguration", "Grouping", &level));
    if (g->contains("TableLevelConfiguration")) {
      if (level < 1)
        return invalid_input("crawler Configuration: Grouping.TableLevelConfiguration must be >= 1");
      config.table_level = level;
    }
  }
  if (auto o = root.find("CrawlerOutput"); o != root.end()) {
    if (!o->is_object()) return invalid_input("crawler Configuration: CrawlerOutput must be an object");
    if (auto p = o->find("Partitions"); p != o->end() && p->is_object()) {
      std::string behavior;
      MORTAR_RETURN_IF_ERROR(read_member(*p, "AddOrUpdateBehavior", "CrawlerOutput.Partitions", &behavior));
      if (!behavior.empty() && behavior != "InheritFromTable")
        return invalid_input(fmt::format(
            "crawler Configuration: CrawlerOutput.Partitions.AddOrUpdateBehavior '{}' is not "
            "valid (InheritFromTable)", behavior));
      config.partitions_inherit_from_table = behavior == "InheritFromTable";
    }
    if (auto t = o->find("Tables"); t != o->end() && t->is_object()) {
      std::string behavior;
      MORTAR_RETURN_IF_ERROR(read_member(*t, "AddOrUpdateBehavior", "CrawlerOutput.Tables", &behavior));
      if (!behavior.empty() && behavior != "MergeNewColumns")
        return invalid_input(fmt::format(
            "crawler Configuration: CrawlerOutput.Tables.AddOrUpdateBehavior '{}' is not valid "
            "(MergeNewColumns)", behavior));
      config.merge_new_columns = behavior == "MergeNewColumns";
      int threshold = 0;
      MORTAR_RETURN_IF_ERROR(read_member(*t, "TableThreshold", "CrawlerOutput.Tables", &threshold));
      if (t->contains("TableThreshold")) {
        if (threshold < 1)
          return invalid_input("crawler Configuration: CrawlerOutput.Tables.TableThreshold must be >= 1");
        config.table_threshold = threshold;
      }
    }
  }
  return Status();
}

Status parse_mortar_keys(const Json& m, CrawlerConfig& config) {
  if (!m.is_object()) return invalid_input("crawler Configuration: Mortar must be an object");
  static const std::set<std::string> kKnown = {
      "DryRun", "CsvSniffer", "IgnoreMarkerFiles", "Manifest", "PartitionSync", "TypedPartitions",
      "PathTemplate", "SimilarityThreshold", "MaxSchemaClusters", "Enhanced", "SmartCsvFallback"};
  for (const auto& [key, value] : m.items()) {
    if (!kKnown.count(key))
      return invalid_input(fmt::format("crawler Configuration: unknown key Mortar.{} (known: DryRun, "
                                       "CsvSniffer, IgnoreMarkerFiles, Manifest, PartitionSync, "
                                       "TypedPartitions, PathTemplate, SimilarityThreshold, "
                                       "MaxSchemaClusters, Enhanced, SmartCsvFallback)", key));
  }
  bool enhanced = false;
  MORTAR_RETURN_IF_ERROR(read_member(m, "Enhanced", "Mortar", &enhanced));
  if (enhanced) {
    config.smart_csv = config.ignore_marker_files = config.use_manifest = config.typed_partitions = true;
  }
  MORTAR_RETURN_IF_ERROR(read_member(m, "DryRun", "Mortar", &config.dry_run));
  std::string sniffer;
  MORTAR_RETURN_IF_ERROR(read_member(m, "CsvSniffer", "Mortar", &sniffer));
  if (!sniffer.empty()) {
    if (sniffer != "glue" && sniffer != "smart")
      return invalid_input(fmt::format(
          "crawler Configuration: Mortar.CsvSniffer '{}' is not valid (glue | smart)", sniffer));
    config.smart_csv = sniffer == "smart";
  }
  MORTAR_RETURN_IF_ERROR(read_member(m, "SmartCsvFallback", "Mortar", &config.smart_csv_fallback));
  MORTAR_RETURN_IF_ERROR(read_member(m, "IgnoreMarkerFiles", "Mortar", &config.ignore_marker_files));
  MORTAR_RETURN_IF_ERROR(read_member(m, "Manifest", "Mortar", &config.use_manifest));
  MORTAR_RETURN_IF_ERROR(read_member(m, "PartitionSync", "Mortar", &config.partition_sync));
  MORTAR_RETURN_IF_ERROR(read_member(m, "TypedPartitions", "Mortar", &config.typed_partitions));
  MORTAR_RETURN_IF_ERROR(read_member(m, "PathTemplate", "Mortar", &config.path_template));
  MORTAR_RETURN_IF_ERROR(read_member(m, "SimilarityThreshold", "Mortar", &config.similarity_threshold));
  if (config.similarity_threshold < 0.0 || config.similarity_threshold > 1.0)
    return invalid_input("crawler Configuration: Mortar.SimilarityThreshold must be within 0..1");
  MORTAR_RETURN_IF_ERROR(read_member(m, "MaxSchemaClusters", "Mortar", &config.max_schema_clusters));
  if (config.max_schema_clusters < 1)
    return invalid_input("crawler Configuration: Mortar.MaxSchemaClusters must be >= 1");
  return Status();
}

}  // namespace

Json CrawlChange::as_json() const {
  Json j = {{"Action", action_name(kind)}, {"Database", database}, {"Table", table}};
  if (!partition_values.empty()) j["PartitionValues"] = partition_values;
  if (!detail.empty()) j["Detail"] = detail;
  return j;
}

Json CrawlSummary::as_json() const {
  return {{"TablesCreated", tables_created},         {"TablesUpdated", tables_updated},
          {"TablesDeleted", tables_deleted},         {"PartitionsCreated", partitions_created},
          {"PartitionsUpdated", partitions_updated}, {"PartitionsDeleted", partitions_deleted},
          {"FilesListed", files_listed},             {"FilesClassified", files_classified},
          {"FilesReused", files_reused},             {"Problems", problems}};
}

StatusOr<CrawlerConfig> parse_crawler_config(const std::string& configuration) {
  CrawlerConfig config;
  if (configuration.find_first_not_of(" \t\r\n") == std::string::npos) return config;
  Json root = Json::parse(configuration, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object())
    return invalid_input("crawler Configuration is not a JSON object");
  MORTAR_RETURN_IF_ERROR(parse_glue_keys(root, config));
  if (auto m = root.find("Mortar"); m != root.end()) MORTAR_RETURN_IF_ERROR(parse_mortar_keys(*m, config));
  return config;
}

Json classification_to_json(const Classification& c) {
  Json params = Json::object();
  for (const auto& [k, v] : c.parameters) params[k] = v;
  Json j = {{"classification", c.classification},
            {"certainty", c.certainty},
            {"classifier", c.classifier_name},
            {"compression", c.compression_type},
            {"schema", c.schema ? c.schema->to_string() : ""},
            {"inputFormat", c.input_format},
            {"outputFormat", c.output_format},
            {"serde", c.serde_info},
            {"parameters", params},
            {"recordCount", c.record_count},
            {"averageRecordSize", c.average_record_size}};
  if (!c.error.empty()) j["error"] = c.error;
  if (!c.reason.empty()) j["reason"] = c.reason;
  return j;
}

StatusOr<Classification> classification_from_json(const Json& j) {
  if (!j.is_object()) return invalid_input("classification record is not an object");
  Classification c;
  try {
    c.classification = j.value("classification", "UNKNOWN");
    c.certainty = j.value("certainty", 0.0);
    c.classifier_name = j.value("classifier", "");
    c.compression_type = j.value("compression", "");
    std::string schema = j.value("schema", "");
    if (!schema.empty()) {
      MORTAR_ASSIGN_OR_RETURN(c.schema, types::DataType::parse(schema));
    }
    c.input_format = j.value("inputFormat", "");
    c.output_format = j.value("outputFormat", "");
    c.serde_info = j.value("serde", Json::object());
    const Json params = j.value("parameters", Json::object());
    for (const auto& [k, v] : params.items()) c.parameters[k] = v.get<std::string>();
    c.record_count = j.value("recordCount", int64_t{0});
    c.average_record_size = j.value("averageRecordSize", int64_t{0});
    c.error = j.value("error", "");
    c.reason = j.value("reason", "");
  } catch (const Json::exception& e) {
    return invalid_input(fmt::format("classification record is malformed: {}", e.what()));
  }
  return c;
}

Json planned_table_to_json(const PlannedTable& t) {
  Json keys = Json::array();
  for (const auto& [name, type] : t.partition_keys) keys.push_back({{"Name", name}, {"Type", type}});
  Json partitions = Json::array();
  for (const auto& p : t.partitions)
    partitions.push_back({{"Values", p.values},
                          {"Location", p.location},
                          {"ObjectCount", p.object_count},
                          {"SizeBytes", p.size_bytes},
                          {"Classification", p.classification.classification}});
  Json extra = Json::object();
  for (const auto& [k, v] : t.extra_parameters) extra[k] = v;
  return {{"Name", t.name},
          {"Location", t.location},
          {"PartitionKeys", keys},
          {"Classification", classification_to_json(t.classification)},
          {"Partitions", partitions},
          {"ObjectCount", t.object_count},
          {"SizeBytes", t.size_bytes},
          {"Parameters", extra},
          {"ClassifiedBy", t.classified_by},
          {"Reasons", t.reasons}};
}

}  // namespace mortar::crawler
