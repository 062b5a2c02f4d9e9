// CrawlRunner: policies -> classifier -> planner -> per table: read the
// catalog, diff (table_diff), write (CatalogWriter) -> retire tables whose
// data is gone. Table by table, checking the cancel token in between, so a
// stopped or failed crawl leaves every table it wrote whole.
#include "crawler/apply/crawl_runner.h"

#include <fmt/format.h>

#include <optional>
#include <set>

#include "common/ascii.h"
#include "crawler/apply/apply_policy.h"
#include "crawler/apply/plan_applier.h"
#include "crawler/classify/file_classifier.h"
#include "crawler/jdbc/jdbc_target.h"
#include "crawler/plan/crawl_events.h"
#include "crawler/plan/crawl_planner.h"

namespace mortar::crawler {

namespace {

void log_to(const CrawlEnvironment& env, const char* level, const std::string& message) {
  if (env.log) env.log(level, message);
}

CallContext op(const CrawlEnvironment& env, const char* name) {
  CallContext c = env.ctx;
  c.operation = name;
  return c;
}

Status cancelled() { return absl::CancelledError("the crawl was stopped"); }

size_t array_size(const Json& targets, const char* key) {
  auto it = targets.find(key);
  return it != targets.end() && it->is_array() ? it->size() : 0;
}

// Target kinds Mortar cannot crawl yet fail the crawl naming the kind.
Status check_supported_targets(const Json& targets) {
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

// Plans every target into `work`.
Status plan_targets(const Json& targets, const ApplyPolicy& policy, PlanEnvironment& penv,
                    CrawlEnvironment& env, CrawlResult& result, std::vector<PlannedWork>& work) {
  std::vector<Json> s3 = json_list(targets, "S3Targets");
  if (!s3.empty()) {
    MORTAR_ASSIGN_OR_RETURN(PlanResult plan, CrawlPlanner::plan_s3_targets(s3, penv));
    result.summary.files_listed += plan.files_listed;
    result.summary.files_classified += plan.files_classified;
    result.summary.files_reused += plan.files_reused;
    for (auto& p : plan.problems) result.problems.push_back(std::move(p));
    for (auto& t : plan.tables) work.push_back({std::move(t), policy.database, TargetMode::kS3});
  }
  for (const Json& jt : json_list(targets, "JdbcTargets")) {
    if (env.cancel.cancelled()) return cancelled();
    const std::string connection_name = jt.value("ConnectionName", std::string());
    auto connection = env.catalog.get_connection(op(env, "GetConnection"), connection_name,
                                                 /*hide_password=*/false);
    if (absl::IsNotFound(connection.status()))
      return not_found(fmt::format("JdbcTarget {}: connection {} not found",
                                   jt.value("Path", std::string()), connection_name));
    MORTAR_RETURN_IF_ERROR(connection.status());
    MORTAR_ASSIGN_OR_RETURN(JdbcPlan plan, plan_jdbc_target(*connection, jt, policy.table_prefix,
                                                            env.cancel, env.log));
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
        t.name = ascii_lower(name);  // a catalog target keeps its table
        work.push_back({std::move(t), db, TargetMode::kCatalog});
      }
    }
  }
  return ok_status();
}

}  // namespace

Status CrawlRunner::migrate(store::Store& store) {
  MORTAR_RETURN_IF_ERROR(CrawlPlanner::migrate(store));
  return CrawlEvents::migrate(store);
}

StatusOr<CrawlResult> CrawlRunner::run(const Json& crawler, CrawlEnvironment& env) {
  MORTAR_ASSIGN_OR_RETURN(ApplyPolicy policy, read_apply_policy(crawler));
  policy.crawl_id = env.crawl_id;
  policy.now_millis = env.clock.now_micros() / 1000;
  const Json targets = crawler.value("Targets", Json::object());
  if (!targets.is_object()) return invalid_input("crawler Targets is not an object");
  MORTAR_RETURN_IF_ERROR(check_supported_targets(targets));
  // S3 and JDBC targets: the crawler owns the tables it writes.
  const bool owns_tables = array_size(targets, "S3Targets") > 0 || array_size(targets, "JdbcTargets") > 0;
  if (!owns_tables && array_size(targets, "CatalogTargets") == 0)
    return invalid_input("the crawler has no targets to crawl");
  if (owns_tables) {
    if (policy.database.empty()) return invalid_input("the crawler has no DatabaseName to write tables to");
    auto db = env.catalog.get_database(op(env, "GetDatabase"), policy.database);
    if (absl::IsNotFound(db.status()))
      return not_found(fmt::format("Database {} not found: create it before running the crawler",
                                   policy.database));
    MORTAR_RETURN_IF_ERROR(db.status());
  }

  CrawlResult result;
  result.dry_run = policy.config.dry_run;
  MORTAR_ASSIGN_OR_RETURN(auto classifier,
                          FileClassifier::create(env.custom_classifiers,
                                                 ClassifyOptions{policy.config.smart_csv,
                                                                 policy.config.smart_csv_fallback}));
  PlanEnvironment penv{*classifier, policy.config, env.cancel, env.log, env.file_system_for,
                       // Read for reuse and new-folder detection; the planner never
                       // saves it in a DryRun.
                       &env.store, policy.crawler_name,
                       policy.table_prefix, policy.recrawl_behavior, env.threads};

  // CRAWL_EVENT_MODE: after a baseline, only the folders of the objects
  // created since; no object, no crawl (Glue: nothing in the queue).
  std::vector<PendingObject> pending;
  std::vector<std::string> objects;
  bool from_events = false;
  if (policy.event_mode) {
    penv.event_mode = true;
    MORTAR_ASSIGN_OR_RETURN(
        pending, CrawlEvents::pending(env.store, env.ctx.account_id, policy.crawler_name));
    MORTAR_ASSIGN_OR_RETURN(bool baseline, CrawlEvents::has_baseline(env.store, env.ctx.account_id,
                                                                     policy.crawler_name));
    from_events = baseline;
    if (!from_events) {
      log_to(env, "INFO",
             "The crawl is not running in S3 event mode: the first crawl (or the first since "
             "UpdateCrawler) lists every target");
    } else if (pending.empty()) {
      log_to(env, "INFO",
             "The crawl is running by consuming S3 events: no object was created below the "
             "targets since the last crawl; nothing to crawl");
      return result;
    } else {
      for (const PendingObject& o : pending) objects.push_back(o.path);
      penv.event_objects = &objects;
      log_to(env, "INFO",
             fmt::format("The crawl is running by consuming S3 events: {} object(s) created since "
                         "the last crawl",
                         pending.size()));
    }
  }

  std::vector<PlannedWork> work;
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

  // From events, a table absent from the plan is not known to be gone.
  const bool retire =
      owns_tables && !policy.new_folders_only() && !policy.config.partition_sync && !from_events;
  MORTAR_RETURN_IF_ERROR(apply_plan(work, retire, policy, env, result));
  if (policy.event_mode && !result.dry_run) {
    // What this crawl covered is no longer pending; the next one starts from here.
    MORTAR_RETURN_IF_ERROR(
        CrawlEvents::consume(env.store, env.ctx.account_id, policy.crawler_name, pending));
    MORTAR_RETURN_IF_ERROR(
        CrawlEvents::set_baseline(env.store, env.ctx.account_id, policy.crawler_name));
  }
  result.summary.problems = static_cast<int64_t>(result.problems.size());
  log_to(env, "INFO", fmt::format("crawl {} {}: {}", env.crawl_id, result.dry_run ? "planned (dry run)" : "finished",
                                  result.summary.as_json().dump()));
  return result;
}

}  // namespace mortar::crawler
