#include "crawler/apply/table_diff.h"

#include <map>
#include <set>

#include <fmt/format.h>

#include "common/ascii.h"
#include "crawler/apply/table_input.h"

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

CrawlChange change(CrawlChange::Kind kind, const std::string& db, const std::string& table,
                   std::vector<std::string> values, std::string detail) {
  return CrawlChange{kind, db, table, std::move(values), std::move(detail)};
}

std::vector<std::string> values_of(const Json& partition) {
  std::vector<std::string> out;
  const Json& v = member(partition, "Values");
  if (v.is_array())
    for (const Json& x : v) out.push_back(x.is_string() ? x.get<std::string>() : x.dump());
  return out;
}

// Parameters the crawler wrote (and may drop) rather than the user's: the
// statistics and format keys, and whatever it copied into the
// StorageDescriptor's Parameters (user parameters live on the table only).
bool crawler_owned(const std::string& key, const Json& old_entity) {
  static const std::set<std::string> kFormatKeys = {
      "classification", "compressionType", "typeOfData", "delimiter", "skip.header.line.count",
      "areColumnsQuoted", "columnsOrdered", "grokPattern", "connectionName"};
  if (is_volatile_parameter(key) || kFormatKeys.count(key)) return true;
  const Json& sd_params = member(member(old_entity, "StorageDescriptor"), "Parameters");
  return sd_params.is_object() && sd_params.contains(key);
}

// Keeps what the user added to a table or partition the crawler rewrites:
// their own parameters, description, owner, retention, column comments.
void keep_user_parts(const Json& old_entity, Json& fresh) {
  for (const char* k : {"Description", "Owner", "Retention"})
    if (old_entity.contains(k)) fresh[k] = old_entity[k];
  const Json& old_params = member(old_entity, "Parameters");
  if (old_params.is_object())
    for (const auto& [k, v] : old_params.items())
      if (!crawler_owned(k, old_entity) && !fresh["Parameters"].contains(k)) fresh["Parameters"][k] = v;
  std::map<std::string, Json> comments;
  const Json& old_cols = member(member(old_entity, "StorageDescriptor"), "Columns");
  if (old_cols.is_array())
    for (const Json& c : old_cols)
      if (c.contains("Comment")) comments[ascii_lower(string_member(c, "Name"))] = c["Comment"];
  Json& cols = fresh["StorageDescriptor"]["Columns"];
  for (Json& c : cols) {
    auto it = comments.find(ascii_lower(string_member(c, "Name")));
    if (it != comments.end() && !c.contains("Comment")) c["Comment"] = it->second;
  }
}

// MergeNewColumns: the old columns as they were, then the new ones; a
// table keeps its old partition keys. (Partitions merge the same way.)
void merge_new_columns(const Json& old_entity, Json& fresh) {
  Json merged = member(member(old_entity, "StorageDescriptor"), "Columns");
  if (!merged.is_array()) merged = Json::array();
  std::set<std::string> have;
  for (const Json& c : merged) have.insert(ascii_lower(string_member(c, "Name")));
  for (const Json& c : fresh["StorageDescriptor"]["Columns"])
    if (have.insert(ascii_lower(string_member(c, "Name"))).second) merged.push_back(c);
  fresh["StorageDescriptor"]["Columns"] = merged;
  const Json& keys = member(old_entity, "PartitionKeys");
  if (fresh.contains("PartitionKeys") && keys.is_array() && !keys.empty()) fresh["PartitionKeys"] = keys;
}

std::string sd_location(const Json& entity) {
  return string_member(member(entity, "StorageDescriptor"), "Location");
}

void diff_partitions(const PlannedTable& planned, const Json& final_table,
                     const std::vector<Json>& existing_partitions, bool schema_locked,
                     const ApplyPolicy& policy, const std::vector<CrawlProblem>& problems,
                     TableAction& action) {
  const std::string& db = action.database;
  const std::string& name = action.table;
  std::map<std::vector<std::string>, const Json*> existing;
  for (const Json& p : existing_partitions) existing[values_of(p)] = &p;
  const bool inherit = policy.config.partitions_inherit_from_table || schema_locked;
  std::set<std::vector<std::string>> planned_values;

  for (const PlannedPartition& pp : planned.partitions) {
    if (!planned_values.insert(pp.values).second) continue;  // the planner's duplicate
    Json input = build_partition_input(pp, final_table, inherit, policy);
    auto it = existing.find(pp.values);
    if (it == existing.end()) {
      action.partitions_to_create.push_back(input);
      action.changes.push_back(change(CrawlChange::Kind::kCreatePartition, db, name, pp.values,
                                      fmt::format("location {}", pp.location)));
      continue;
    }
    // Incremental crawls only add; partition sync never touches schemas.
    if (policy.new_folders_only() || policy.config.partition_sync) continue;
    const Json& old = *it->second;
    if (policy.config.merge_new_columns && !inherit) merge_new_columns(old, input);
    keep_user_parts(old, input);
    std::string what = describe_schema_change(old, input);
    if (what.empty()) continue;
    if (!policy.update_in_database) {
      action.changes.push_back(change(CrawlChange::Kind::kLogOnly, db, name, pp.values,
                                      "UpdateBehavior LOG: partition not updated: " + what));
      continue;
    }
    action.partitions_to_update.push_back({{"PartitionValueList", pp.values}, {"PartitionInput", input}});
    action.changes.push_back(change(CrawlChange::Kind::kUpdatePartition, db, name, pp.values, what));
  }

  if (policy.new_folders_only()) return;  // the plan holds only new folders: nothing is "gone"
  const std::string table_location = sd_location(final_table);
  for (const auto& [values, p] : existing) {
    if (planned_values.count(values)) continue;
    const std::string location = sd_location(*p);
    // Only partitions of the crawled data: under the table, or written by this crawler.
    bool ours = location_under(location, table_location) ||
                string_member(member(*p, "Parameters"), "UPDATED_BY_CRAWLER") == policy.crawler_name;
    if (!ours) continue;
    if (location_has_problems(location, problems)) {
      action.changes.push_back(change(CrawlChange::Kind::kLogOnly, db, name, values,
                                      "partition kept: its folder could not be read this crawl"));
      continue;
    }
    std::string behavior = policy.delete_behavior;
    if (policy.config.partition_sync && behavior == "DEPRECATE_IN_DATABASE")
      behavior = "DELETE_FROM_DATABASE";  // sync mirrors the folders, like MSCK REPAIR ... SYNC
    if (behavior == "LOG") {
      action.changes.push_back(change(CrawlChange::Kind::kLogOnly, db, name, values,
                                      "DeleteBehavior LOG: partition folder no longer exists: " + location));
    } else if (behavior == "DELETE_FROM_DATABASE") {
      action.partitions_to_delete.push_back({{"Values", values}});
      action.changes.push_back(change(CrawlChange::Kind::kDeletePartition, db, name, values,
                                      "folder no longer exists: " + location));
    } else if (!member(member(*p, "Parameters"), "DEPRECATED_BY_CRAWLER").is_string()) {
      Json input = {{"Values", values},
                    {"StorageDescriptor", member(*p, "StorageDescriptor")},
                    {"Parameters", member(*p, "Parameters").is_object() ? member(*p, "Parameters")
                                                                         : Json::object()}};
      for (const char* k : {"LastAccessTime", "LastAnalyzedTime"})
        if (p->contains(k)) input[k] = (*p)[k];
      input["Parameters"]["DEPRECATED_BY_CRAWLER"] = std::to_string(policy.now_millis);
      action.partitions_to_update.push_back({{"PartitionValueList", values}, {"PartitionInput", input}});
      action.changes.push_back(change(CrawlChange::Kind::kUpdatePartition, db, name, values,
                                      "DEPRECATED_BY_CRAWLER: folder no longer exists: " + location));
    }
  }
}

}  // namespace

bool location_has_problems(const std::string& location, const std::vector<CrawlProblem>& problems) {
  if (location.empty()) return false;
  for (const auto& pr : problems)
    if (location_under(pr.path, location) || location_under(location, pr.path)) return true;
  return false;
}

TableAction diff_table(const std::string& database, const PlannedTable& planned,
                       const std::optional<Json>& existing,
                       const std::vector<Json>& existing_partitions, TargetMode mode,
                       const ApplyPolicy& policy, const std::vector<CrawlProblem>& problems) {
  TableAction action;
  action.database = database;
  action.table = ascii_lower(planned.name);
  Json fresh = build_table_input(planned, policy);
  fresh["Name"] = action.table;

  if (!existing) {
    action.op = TableAction::Op::kCreate;
    action.table_input = fresh;
    action.changes.push_back(change(
        CrawlChange::Kind::kCreateTable, database, action.table, {},
        fmt::format("{} columns, classification {}, location {}, {} partitions",
                    fresh["StorageDescriptor"]["Columns"].size(), planned.classification.classification,
                    planned.location, planned.partitions.size())));
    // A new table's partitions follow their own schema unless configured otherwise.
    diff_partitions(planned, fresh, {}, policy.config.partition_sync, policy, problems, action);
    return action;
  }

  const Json old_input = table_input_from_table(*existing);
  // CatalogTargets, partition sync and incremental crawls never change a table's schema.
  const bool schema_locked =
      mode == TargetMode::kCatalog || policy.config.partition_sync || policy.new_folders_only();
  Json final_table = old_input;
  if (!schema_locked) {
    if (policy.config.merge_new_columns) merge_new_columns(*existing, fresh);
    keep_user_parts(*existing, fresh);
    std::string what = describe_schema_change(old_input, fresh);
    if (!what.empty()) {
      if (policy.update_in_database) {
        action.op = TableAction::Op::kUpdate;
        action.table_input = fresh;
        if (existing->contains("VersionId") && (*existing)["VersionId"].is_string())
          action.version_id = (*existing)["VersionId"].get<std::string>();
        action.changes.push_back(change(CrawlChange::Kind::kUpdateTable, database, action.table, {}, what));
        final_table = fresh;
      } else {
        action.changes.push_back(change(CrawlChange::Kind::kLogOnly, database, action.table, {},
                                        "UpdateBehavior LOG: table not updated: " + what));
      }
    }
  }
  diff_partitions(planned, final_table, existing_partitions, schema_locked, policy, problems, action);
  return action;
}

TableAction retire_table(const std::string& database, const Json& existing, const ApplyPolicy& policy) {
  TableAction action;
  action.database = database;
  action.table = string_member(existing, "Name");
  const std::string location = sd_location(existing);
  if (policy.delete_behavior == "LOG") {
    action.changes.push_back(change(CrawlChange::Kind::kLogOnly, database, action.table, {},
                                    "DeleteBehavior LOG: table data no longer found at " + location));
  } else if (policy.delete_behavior == "DELETE_FROM_DATABASE") {
    action.op = TableAction::Op::kDelete;
    action.changes.push_back(change(CrawlChange::Kind::kDeleteTable, database, action.table, {},
                                    "table data no longer found at " + location));
  } else if (!member(member(existing, "Parameters"), "DEPRECATED_BY_CRAWLER").is_string()) {
    Json input = table_input_from_table(existing);
    const std::string stamp = std::to_string(policy.now_millis);
    if (!input["Parameters"].is_object()) input["Parameters"] = Json::object();
    input["Parameters"]["DEPRECATED_BY_CRAWLER"] = stamp;
    if (input.contains("StorageDescriptor") && input["StorageDescriptor"].is_object()) {
      if (!input["StorageDescriptor"]["Parameters"].is_object())
        input["StorageDescriptor"]["Parameters"] = Json::object();
      input["StorageDescriptor"]["Parameters"]["DEPRECATED_BY_CRAWLER"] = stamp;
    }
    action.op = TableAction::Op::kUpdate;
    action.table_input = input;
    const Json& version = member(existing, "VersionId");
    if (version.is_string()) action.version_id = version.get<std::string>();
    action.changes.push_back(change(CrawlChange::Kind::kDeprecateTable, database, action.table, {},
                                    "DEPRECATED_BY_CRAWLER=" + stamp + ": table data no longer found at " +
                                        location));
  }
  return action;
}

}  // namespace mortar::crawler
