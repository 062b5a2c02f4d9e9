// CrawlRunner: policies -> classifier -> planner -> per table: read the
// catalog, diff (table_diff), write (CatalogWriter) -> retire tables whose
// data is gone. Table by table, checking the cancel token in between, so a
// stopped or failed crawl leaves every table it wrote whole.
#include "crawler/apply/crawl_runner.h"

#include <optional>
#include <set>

#include <fmt/format.h>

#include "crawler/apply/apply_policy.h"
#include "crawler/apply/catalog_writer.h"
#include "crawler/apply/table_diff.h"
#include "crawler/apply/table_input.h"
#include "crawler/classify/file_classifier.h"
#include "crawler/plan/crawl_planner.h"

namespace mortar::crawler {

namespace {

struct Work {
  PlannedTable table;
  std::string database;
  TargetMode mode;
};

void log_to(const CrawlEnvironment& env, const char* level, const std::string& message) {
  if (env.log) env.log(level, message);
}

catalog::CallContext op(const CrawlEnvironment& env, const char* name) {
  catalog::CallContext c = env.ctx;
  c.operation = name;
  return c;
}

Status cancelled() { return absl::CancelledError("the crawl was stopped"); }

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string strip_slashes(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// Glue's suffix for a table name already used by a table at another location.
std::string hash_suffix(const std::string& location) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char ch : strip_slashes(location)) h = (h ^ ch) * 1099511628211ULL;
  return fmt::format("_{:08x}", static_cast<uint32_t>(h ^ (h >> 32)));
}

size_t array_size(const Json& targets, const char* key) {
  auto it = targets.find(key);
  return it != targets.end() && it->is_array() ? it->size() : 0;
}

// Target kinds Mortar cannot crawl yet fail the crawl naming the kind.
Status check_supported_targets(const Json& targets) {
  if (array_size(targets, "JdbcTargets") > 0)
    return unimplemented("JDBC targets are not supported yet (JdbcTargets)");
  static const std::pair<const char*, const char*> kUnsupported[] = {
      {"MongoDBTargets", "MongoDB"}, {"DynamoDBTargets", "DynamoDB"}, {"DeltaTargets", "Delta Lake"},
      {"IcebergTargets", "Iceberg"}, {"HudiTargets", "Hudi"}};
  for (const auto& [key, kind] : kUnsupported)
    if (array_size(targets, key) > 0)
      return unimplemented(fmt::format("{} targets are not supported ({})", kind, key));
  return ok_status();
}

std::vector<Json> json_list(const Json& targets, const char* key) {
  std::vector<Json> out;
  auto it = targets.find(key);
  if (it != targets.end() && it->is_array())
    for (const Json& t : *it) out.push_back(t);
  return out;
}

StatusOr<std::optional<Json>> find_table(CrawlEnvironment& env, const std::string& db,
                                         const std::string& name) {
  auto t = env.catalog.get_table(op(env, "GetTable"), db, name);
  if (absl::IsNotFound(t.status())) return std::optional<Json>();
  if (!t.ok()) return t.status();
  return std::optional<Json>(std::move(*t));
}

StatusOr<std::vector<Json>> all_partitions(CrawlEnvironment& env, const std::string& db,
                                           const std::string& table) {
  std::vector<Json> out;
  catalog::PartitionScan scan;
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(auto page, env.partitions.get_partitions(op(env, "GetPartitions"), db, table, scan));
    for (auto& p : page.partitions) out.push_back(std::move(p));
    if (!page.next_after_id) break;
    scan.after_id = *page.next_after_id;
  }
  return out;
}

StatusOr<std::vector<Json>> all_tables(CrawlEnvironment& env, const std::string& db) {
  std::vector<Json> out;
  Json after;
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(auto page, env.catalog.get_tables(op(env, "GetTables"), db, std::nullopt, after, 1000));
    for (auto& t : page.items) out.push_back(std::move(t));
    if (page.next.is_null()) break;
    after = page.next;
  }
  return out;
}

bool well_formed(const PlannedTable& t) {
  return t.classification.classification != "UNKNOWN" && t.classification.schema &&
         !t.classification.schema->fields().empty() && !t.name.empty();
}

// Plans every target into `work`.
Status plan_targets(const Json& targets, const ApplyPolicy& policy, PlanEnvironment& penv,
                    CrawlEnvironment& env, CrawlResult& result, std::vector<Work>& work) {
  std::vector<Json> s3 = json_list(targets, "S3Targets");
  if (!s3.empty()) {
    MORTAR_ASSIGN_OR_RETURN(PlanResult plan, CrawlPlanner::plan_s3_targets(s3, penv));
    result.summary.files_listed += plan.files_listed;
    result.summary.files_classified += plan.files_classified;
    result.summary.files_reused += plan.files_reused;
    for (auto& p : plan.problems) result.problems.push_back(std::move(p));
    for (auto& t : plan.tables) work.push_back({std::move(t), policy.database, TargetMode::kS3});
  }
  for (const Json& ct : json_list(targets, "CatalogTargets")) {
    const std::string db = ct.value("DatabaseName", std::string());
    for (const Json& name_json : ct.value("Tables", Json::array())) {
      if (env.cancel.cancelled()) return cancelled();
      const std::string name = name_json.is_string() ? name_json.get<std::string>() : "";
      MORTAR_ASSIGN_OR_RETURN(auto table, find_table(env, db, name));
      if (!table) {
        result.problems.push_back({db + "." + name, "catalog target table not found"});
        continue;
      }
      MORTAR_ASSIGN_OR_RETURN(PlanResult plan, CrawlPlanner::plan_existing_table(*table, penv));
      result.summary.files_listed += plan.files_listed;
      result.summary.files_classified += plan.files_classified;
      result.summary.files_reused += plan.files_reused;
      for (auto& p : plan.problems) result.problems.push_back(std::move(p));
      for (auto& t : plan.tables) {
        t.name = lower(name);  // a catalog target keeps its table
        work.push_back({std::move(t), db, TargetMode::kCatalog});
      }
    }
  }
  return ok_status();
}

// Diffs and (unless DryRun) writes one table.
Status diff_and_apply(Work& w, const ApplyPolicy& policy, CrawlEnvironment& env, CatalogWriter& writer,
                      CrawlResult& result, std::set<std::string>& written_names) {
  w.table.name = lower(w.table.name);
  MORTAR_ASSIGN_OR_RETURN(auto existing, find_table(env, w.database, w.table.name));
  if (w.mode == TargetMode::kS3 && existing) {
    const std::string loc = (*existing)["StorageDescriptor"].value("Location", std::string());
    if (strip_slashes(loc) != strip_slashes(w.table.location)) {
      // The name is taken by a table of other data: Glue adds a hash of the location.
      std::string renamed = w.table.name + hash_suffix(w.table.location);
      w.table.reasons.push_back(fmt::format("name {} is used by the table at {}: named {}", w.table.name,
                                            loc, renamed));
      log_to(env, "INFO", w.table.reasons.back());
      w.table.name = renamed;
      MORTAR_ASSIGN_OR_RETURN(existing, find_table(env, w.database, w.table.name));
    }
  }
  written_names.insert(w.database + "." + w.table.name);
  std::vector<Json> partitions;
  if (existing) {
    MORTAR_ASSIGN_OR_RETURN(partitions, all_partitions(env, w.database, w.table.name));
  }
  TableAction action = diff_table(w.database, w.table, existing, partitions, w.mode, policy, result.problems);
  for (const auto& c : action.changes)
    log_to(env, "INFO", (result.dry_run ? "[dry run] " : "") + c.as_json().dump());
  if (!result.dry_run && action.writes_anything())
    MORTAR_RETURN_IF_ERROR(writer.apply(action, result.summary, result.problems));
  for (auto& c : action.changes) result.changes.push_back(std::move(c));
  return ok_status();
}

// Tables this crawler wrote before that no plan has any more.
Status retire_stale_tables(const ApplyPolicy& policy, CrawlEnvironment& env, CatalogWriter& writer,
                           CrawlResult& result, const std::set<std::string>& written_names) {
  MORTAR_ASSIGN_OR_RETURN(auto tables, all_tables(env, policy.database));
  for (const Json& t : tables) {
    if (env.cancel.cancelled()) return cancelled();
    const Json params = t.value("Parameters", Json::object());
    if (params.value("UPDATED_BY_CRAWLER", std::string()) != policy.crawler_name) continue;
    const std::string name = t.value("Name", std::string());
    if (written_names.count(policy.database + "." + name)) continue;
    const std::string location = t.value("StorageDescriptor", Json::object()).value("Location", std::string());
    if (location_has_problems(location, result.problems)) {
      log_to(env, "WARN", fmt::format("table {} kept: its location {} could not be read this crawl", name,
                                      location));
      continue;
    }
    TableAction action = retire_table(policy.database, t, policy);
    for (const auto& c : action.changes)
      log_to(env, "INFO", (result.dry_run ? "[dry run] " : "") + c.as_json().dump());
    if (!result.dry_run && action.writes_anything())
      MORTAR_RETURN_IF_ERROR(writer.apply(action, result.summary, result.problems));
    for (auto& c : action.changes) result.changes.push_back(std::move(c));
  }
  return ok_status();
}

}  // namespace

Status CrawlRunner::migrate(store::Store& store) { return CrawlPlanner::migrate(store); }

StatusOr<CrawlResult> CrawlRunner::run(const Json& crawler, CrawlEnvironment& env) {
  MORTAR_ASSIGN_OR_RETURN(ApplyPolicy policy, read_apply_policy(crawler));
  policy.crawl_id = env.crawl_id;
  policy.now_millis = env.clock.now_micros() / 1000;
  const Json targets = crawler.value("Targets", Json::object());
  if (!targets.is_object()) return invalid_input("crawler Targets is not an object");
  MORTAR_RETURN_IF_ERROR(check_supported_targets(targets));
  const bool has_s3 = array_size(targets, "S3Targets") > 0;
  if (!has_s3 && array_size(targets, "CatalogTargets") == 0)
    return invalid_input("the crawler has no targets to crawl");
  if (has_s3) {
    if (policy.database.empty()) return invalid_input("the crawler has no DatabaseName to write tables to");
    auto db = env.catalog.get_database(op(env, "GetDatabase"), policy.database);
    if (absl::IsNotFound(db.status()))
      return not_found(fmt::format("Database {} not found: create it before running the crawler",
                                   policy.database));
    MORTAR_RETURN_IF_ERROR(db.status());
  }

  CrawlResult result;
  result.dry_run = policy.config.dry_run;
  MORTAR_ASSIGN_OR_RETURN(auto classifier, FileClassifier::create(env.custom_classifiers,
                                                                  ClassifyOptions{policy.config.smart_csv}));
  PlanEnvironment penv{*classifier, policy.config, env.cancel, env.log, env.file_system_for,
                       // A DryRun writes nothing, not even the listing manifest.
                       result.dry_run ? nullptr : &env.store, policy.crawler_name,
                       policy.table_prefix, policy.recrawl_behavior, env.threads};

  std::vector<Work> work;
  MORTAR_RETURN_IF_ERROR(plan_targets(targets, policy, penv, env, result, work));
  if (env.cancel.cancelled()) return cancelled();

  size_t detected = 0;
  for (const auto& w : work) detected += w.mode == TargetMode::kS3;
  if (policy.config.table_threshold && detected > static_cast<size_t>(*policy.config.table_threshold)) {
    for (const auto& w : work) log_to(env, "INFO", "table detected at " + w.table.location);
    log_to(env, "ERROR", fmt::format("Table Threshold value = {}, Tables detected - {}",
                                     *policy.config.table_threshold, detected));
    return absl::FailedPreconditionError(to_absl(fmt::format(
        "The number of tables detected by the crawler ({}) is greater than the table threshold "
        "value provided ({}): no table was written. Table Threshold value = {}, Tables detected - {}",
        detected, *policy.config.table_threshold, *policy.config.table_threshold, detected)));
  }

  CatalogWriter writer(env.catalog, env.partitions, env.ctx);
  std::set<std::string> written_names;
  for (Work& w : work) {
    result.plan.push_back(w.table);
    if (w.mode == TargetMode::kS3 && !well_formed(w.table)) {
      result.problems.push_back({w.table.location, fmt::format(
          "no table written for {}: no schema could be inferred (classification {})",
          w.table.location, w.table.classification.classification)});
      continue;
    }
    if (env.cancel.cancelled()) return cancelled();
    MORTAR_RETURN_IF_ERROR(diff_and_apply(w, policy, env, writer, result, written_names));
    result.plan.back().name = w.table.name;
  }
  if (has_s3 && !policy.new_folders_only() && !policy.config.partition_sync)
    MORTAR_RETURN_IF_ERROR(retire_stale_tables(policy, env, writer, result, written_names));

  if (result.dry_run) count_changes(result.changes, result.summary);
  result.summary.problems = static_cast<int64_t>(result.problems.size());
  for (const auto& p : result.problems) log_to(env, "WARN", fmt::format("{}: {}", p.path, p.message));
  log_to(env, "INFO", fmt::format("crawl {} {}: {}", env.crawl_id, result.dry_run ? "planned (dry run)" : "finished",
                                  result.summary.as_json().dump()));
  return result;
}

}  // namespace mortar::crawler
