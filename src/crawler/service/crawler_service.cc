// CrawlerService: crawler definitions (create/get/list/update/delete) and
// schedules. The crawl runtime is in crawl_execution.cc, the history and
// metrics queries in crawl_history.cc.
#include "crawler/service/crawler_service.h"

#include <algorithm>

#include "catalog/tag_rules.h"
#include "crawler/plan/crawl_events.h"
#include "crawler/service/crawl_claims.h"
#include "crawler/service/crawler_rows.h"

namespace mortar::crawler {
namespace {

constexpr const char* kTargetLists[] = {"S3Targets",       "JdbcTargets",    "MongoDBTargets",
                                        "DynamoDBTargets", "CatalogTargets", "DeltaTargets",
                                        "IcebergTargets",  "HudiTargets"};
// Request members copied into the stored Crawler object as given.
constexpr const char* kDefinitionMembers[] = {"Role",
                                              "Targets",
                                              "DatabaseName",
                                              "Description",
                                              "Classifiers",
                                              "RecrawlPolicy",
                                              "SchemaChangePolicy",
                                              "LineageConfiguration",
                                              "TablePrefix",
                                              "Configuration",
                                              "CrawlerSecurityConfiguration",
                                              "LakeFormationConfiguration",
                                              "CatalogId"};

Status crawler_running(const std::string& message) {
  return glue_error(absl::StatusCode::kFailedPrecondition, "CrawlerRunningException", message);
}

// Update/Delete of a crawler whose crawl runs (here or on another server).
Status running_error(const std::string& name, const std::string& what) {
  if (what == "update") {
    return crawler_running("Cannot update Crawler " + name +
                           " while it is running. Stop the crawl or wait until it completes.");
  }
  return crawler_running("Cannot delete Crawler " + name + " while it is running.");
}

// Glue's defaults for members a request left out.
void fill_defaults(Json& body) {
  Json& scp = body["SchemaChangePolicy"];
  if (!scp.is_object()) scp = Json::object();
  if (!scp.contains("UpdateBehavior")) scp["UpdateBehavior"] = "UPDATE_IN_DATABASE";
  if (!scp.contains("DeleteBehavior")) scp["DeleteBehavior"] = "DEPRECATE_IN_DATABASE";
  Json& rp = body["RecrawlPolicy"];
  if (!rp.is_object()) rp = Json::object();
  if (!rp.contains("RecrawlBehavior")) rp["RecrawlBehavior"] = "CRAWL_EVERYTHING";
  Json& lc = body["LineageConfiguration"];
  if (!lc.is_object()) lc = Json::object();
  if (!lc.contains("CrawlerLineageSettings")) lc["CrawlerLineageSettings"] = "DISABLE";
  Json& lf = body["LakeFormationConfiguration"];
  if (!lf.is_object()) lf = Json::object();
  if (!lf.contains("UseLakeFormationCredentials")) lf["UseLakeFormationCredentials"] = false;
  if (!body.contains("Classifiers")) body["Classifiers"] = Json::array();
  Json& targets = body["Targets"];
  if (!targets.is_object()) targets = Json::object();
  for (const char* list : kTargetLists) {
    if (!targets.contains(list)) targets[list] = Json::array();
  }
}

void set_schedule(Json& body, const std::string& expression) {
  if (expression.empty()) {
    body.erase("Schedule");
    return;
  }
  std::string state = "SCHEDULED";
  if (body.contains("Schedule")) state = body["Schedule"].value("State", "SCHEDULED");
  body["Schedule"] = {{"ScheduleExpression", expression}, {"State", state}};
}

bool is_scheduled(const Json& body) {
  auto it = body.find("Schedule");
  return it != body.end() && it->value("State", "") == "SCHEDULED" &&
         !it->value("ScheduleExpression", "").empty();
}

}  // namespace

CrawlerService::CrawlerService(store::Store& store, catalog::Catalog& catalog,
                               catalog::PartitionCatalog& partitions, CrawlerServiceOptions options)
    : store_(store),
      options_(std::move(options)),
      clock_(*options_.clock),
      classifiers_(store, *options_.clock),
      catalog_(catalog),
      partitions_(partitions) {
  if (!options_.crawl) options_.crawl = &CrawlRunner::run;
  if (options_.max_parallel_crawls < 1) options_.max_parallel_crawls = 1;
}

Status CrawlerService::migrate(store::Store& store) {
  MORTAR_RETURN_IF_ERROR(migrate_crawler_rows(store));
  return CrawlRunner::migrate(store);
}

StatusOr<std::unique_ptr<CrawlerService>> CrawlerService::create(
    store::Store& store, catalog::Catalog& catalog, catalog::PartitionCatalog& partitions,
    CrawlerServiceOptions options) {
  if (options.server_id.empty()) options.server_id = new_server_id(options.instance_id);
  // A live server beats at least three times per timeout, so a short timeout
  // never gives up a crawl that is still running.
  if (options.heartbeat_interval_millis > 0) {
    options.heartbeat_interval_millis = std::max<int64_t>(
        1, std::min(options.heartbeat_interval_millis, options.heartbeat_timeout_millis / 3));
  }
  std::unique_ptr<CrawlerService> service(
      new CrawlerService(store, catalog, partitions, std::move(options)));
  // One server on the store: whatever is RUNNING was this data dir's previous
  // process. Several: only crawls whose server stopped beating are dead.
  if (!store.shared()) {
    MORTAR_RETURN_IF_ERROR(service->recover());
  } else {
    MORTAR_RETURN_IF_ERROR(service->recover_stale_crawls().status());
  }
  for (int i = 0; i < service->options_.max_parallel_crawls; ++i) {
    service->workers_.emplace_back([s = service.get()] { s->worker(); });
  }
  // One server on the store: nobody else to beat for, or to recover.
  if (store.shared() && service->options_.heartbeat_interval_millis > 0) {
    service->maintenance_ = std::thread([s = service.get()] { s->maintenance_loop(); });
  }
  return service;
}

void CrawlerService::log_event(const std::string& level, const std::string& message) const {
  if (options_.event_log) options_.event_log(level, message);
}

Status CrawlerService::set_scheduler(CrawlerScheduler* scheduler) {
  {
    absl::MutexLock lock(&mu_);
    scheduler_ = scheduler;
    registered_.clear();
  }
  return sync_schedules();
}

Status CrawlerService::schedule_locked(const std::string& account, const std::string& name,
                                       const std::string& expression) {
  if (scheduler_ == nullptr) return ok_status();
  MORTAR_RETURN_IF_ERROR(scheduler_->schedule(account, name, expression));
  registered_[{account, name}] = expression;
  return ok_status();
}

void CrawlerService::unschedule_locked(const std::string& account, const std::string& name) {
  if (scheduler_ == nullptr) return;
  scheduler_->unschedule(account, name);
  registered_.erase({account, name});
}

Status CrawlerService::sync_schedules() {
  // Under mu_, so a schedule this server changes meanwhile is not undone.
  absl::MutexLock lock(&mu_);
  if (scheduler_ == nullptr) return ok_status();
  std::vector<std::pair<std::string, CrawlerRow>> rows;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(rows, scheduled_crawlers(tx));
        return ok_status();
      }));
  std::map<Key, std::string> wanted;
  for (const auto& [account, row] : rows) {
    wanted[{account, row.name}] = row.body["Schedule"].value("ScheduleExpression", "");
  }
  std::vector<Key> gone;
  for (const auto& [key, expression] : registered_) {
    if (!wanted.count(key)) gone.push_back(key);
  }
  for (const auto& key : gone) unschedule_locked(key.first, key.second);
  for (const auto& [key, expression] : wanted) {
    auto it = registered_.find(key);
    if (it != registered_.end() && it->second == expression)
      continue;  // unchanged: keep its next fire
    Status s = schedule_locked(key.first, key.second, expression);
    if (!s.ok())
      log_event("warn", "crawler " + key.second + ": schedule not registered: " + s.ToString());
  }
  return ok_status();
}

Status CrawlerService::validate_crawler(store::Transaction& tx, const std::string& account,
                                        const Json& crawler) {
  const Json& targets = crawler.value("Targets", Json::object());
  bool any = false;
  for (const char* list : kTargetLists) {
    auto it = targets.find(list);
    if (it != targets.end() && it->is_array() && !it->empty()) any = true;
  }
  if (!any) {
    return invalid_input(
        "At least one crawl target must be specified (S3Targets, JdbcTargets, "
        "CatalogTargets ...).");
  }
  for (const auto& t : targets.value("S3Targets", Json::array())) {
    if (t.value("Path", "").empty()) return invalid_input("Every S3Target needs a Path.");
  }
  for (const auto& t : targets.value("CatalogTargets", Json::array())) {
    if (t.value("DatabaseName", "").empty() || t.value("Tables", Json::array()).empty()) {
      return invalid_input("Every CatalogTarget needs a DatabaseName and at least one table.");
    }
  }
  const Json& rp = crawler.value("RecrawlPolicy", Json::object());
  const Json& scp = crawler.value("SchemaChangePolicy", Json::object());
  if (rp.value("RecrawlBehavior", "") == "CRAWL_NEW_FOLDERS_ONLY" &&
      (scp.value("UpdateBehavior", "") != "LOG" || scp.value("DeleteBehavior", "") != "LOG")) {
    return invalid_input(
        "The SchemaChangePolicy for \"Crawl new folders only\" crawlers can have only the LOG "
        "UpdateBehavior and the LOG DeleteBehavior.");
  }
  if (!targets.value("CatalogTargets", Json::array()).empty() &&
      scp.value("DeleteBehavior", "") == "DELETE_FROM_DATABASE") {
    return invalid_input(
        "A crawler with CatalogTargets cannot use the DELETE_FROM_DATABASE "
        "DeleteBehavior (use LOG or DEPRECATE_IN_DATABASE).");
  }
  MORTAR_RETURN_IF_ERROR(validate_event_mode(crawler));
  auto config = parse_crawler_config(crawler.value("Configuration", ""));
  if (!config.ok())
    return invalid_input("Invalid Configuration: " + std::string(status_message(config.status())));
  for (const auto& c : crawler.value("Classifiers", Json::array())) {
    if (!c.is_string()) continue;
    MORTAR_ASSIGN_OR_RETURN(auto found, load_classifier(tx, account, c.get<std::string>()));
    if (!found) return not_found("Classifier " + c.get<std::string>() + " does not exist");
  }
  return ok_status();
}

Status CrawlerService::create_crawler(const CallContext& ctx, const Json& request) {
  CrawlerRow row;
  row.name = request.value("Name", "");
  row.state = "READY";
  row.body = Json::object();
  row.body["Name"] = row.name;
  for (const char* m : kDefinitionMembers) {
    if (request.contains(m)) row.body[m] = request[m];
  }
  fill_defaults(row.body);
  set_schedule(row.body, request.value("Schedule", ""));
  double t = static_cast<double>(clock_.now_seconds());
  row.body["CreationTime"] = t;
  row.body["LastUpdated"] = t;
  row.body["Version"] = 1;
  if (request.contains("Tags") && request["Tags"].is_object()) {
    row.tags = request["Tags"];
    MORTAR_RETURN_IF_ERROR(catalog::check_tag_values(row.tags));
    MORTAR_RETURN_IF_ERROR(catalog::check_tag_count(static_cast<int64_t>(row.tags.size())));
  }
  absl::MutexLock lock(&mu_);
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_RETURN_IF_ERROR(validate_crawler(tx, ctx.account_id, row.body));
        return insert_crawler(tx, ctx.account_id, row);
      }));
  event_watches_changed();
  if (is_scheduled(row.body)) {
    MORTAR_RETURN_IF_ERROR(
        schedule_locked(ctx.account_id, row.name, row.body["Schedule"]["ScheduleExpression"]));
  }
  return ok_status();
}

Status CrawlerService::update_crawler(const CallContext& ctx, const Json& request) {
  const std::string name = request.value("Name", "");
  absl::MutexLock lock(&mu_);
  if (active_.count({ctx.account_id, name})) return running_error(name, "update");
  // Read, merge and write under the row lock in one transaction: another
  // server's StartCrawler or TagResource cannot slip in between.
  CrawlerRow row;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(row, require_crawler_for_write(tx, ctx.account_id, name));
        if (row.state != "READY") return running_error(name, "update");
        for (const char* m : kDefinitionMembers) {
          if (request.contains(m)) row.body[m] = request[m];
        }
        fill_defaults(row.body);
        if (request.contains("Schedule")) set_schedule(row.body, request.value("Schedule", ""));
        row.body["LastUpdated"] = static_cast<double>(clock_.now_seconds());
        row.body["Version"] = row.body.value("Version", int64_t{1}) + 1;
        MORTAR_RETURN_IF_ERROR(validate_crawler(tx, ctx.account_id, row.body));
        // Glue: after an update, an event-mode crawler lists everything once.
        MORTAR_RETURN_IF_ERROR(CrawlEvents::reset_baseline(tx, ctx.account_id, name));
        return save_crawler(tx, ctx.account_id, row);
      }));
  event_watches_changed();
  if (request.contains("Schedule")) {
    if (is_scheduled(row.body)) {
      return schedule_locked(ctx.account_id, name, row.body["Schedule"]["ScheduleExpression"]);
    }
    unschedule_locked(ctx.account_id, name);
  }
  return ok_status();
}

Status CrawlerService::delete_crawler(const CallContext& ctx, const std::string& name) {
  absl::MutexLock lock(&mu_);
  if (active_.count({ctx.account_id, name})) return running_error(name, "delete");
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(CrawlerRow row,
                                require_crawler_for_write(tx, ctx.account_id, name));
        if (row.state != "READY") return running_error(name, "delete");
        MORTAR_RETURN_IF_ERROR(CrawlEvents::drop(tx, ctx.account_id, name));
        return delete_crawler_row(tx, ctx.account_id, name);
      }));
  event_watches_changed();
  unschedule_locked(ctx.account_id, name);
  return ok_status();
}

Json CrawlerService::crawler_view(const std::string& account, const Json& body,
                                  const std::string& state) {
  Json out = body;
  out["State"] = state;
  // Glue always returns CrawlElapsedTime: the running crawl's age in
  // milliseconds, 0 when no crawl is running.
  int64_t elapsed_ms = 0;
  auto it = active_.find({account, body.value("Name", "")});
  if (it != active_.end()) elapsed_ms = (clock_.now_micros() - it->second->start_micros) / 1000;
  out["CrawlElapsedTime"] = std::max<int64_t>(0, elapsed_ms);
  return out;
}

StatusOr<Json> CrawlerService::get_crawler(const CallContext& ctx, const std::string& name) {
  CrawlerRow row;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(row, require_crawler(tx, ctx.account_id, name));
        return ok_status();
      }));
  absl::ReaderMutexLock lock(&mu_);
  return crawler_view(ctx.account_id, row.body, row.state);
}

StatusOr<Page> CrawlerService::get_crawlers(const CallContext& ctx, const std::string& after,
                                            int limit) {
  std::vector<CrawlerRow> rows;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(rows, crawler::list_crawlers(tx, ctx.account_id, after, limit + 1));
    return ok_status();
  }));
  Page page;
  if (static_cast<int>(rows.size()) > limit) {
    rows.pop_back();
    page.next = rows.back().name;
  }
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& row : rows)
    page.items.push_back(crawler_view(ctx.account_id, row.body, row.state));
  return page;
}

StatusOr<Page> CrawlerService::list_crawlers(const CallContext& ctx, const Json& tags,
                                             const std::string& after, int limit) {
  Page page;
  std::string cursor = after;
  // Tag filtering happens after the keyset read: keep reading until a page fills.
  while (true) {
    std::vector<CrawlerRow> rows;
    MORTAR_RETURN_IF_ERROR(
        store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
          MORTAR_ASSIGN_OR_RETURN(rows, crawler::list_crawlers(tx, ctx.account_id, cursor, 500));
          return ok_status();
        }));
    for (const auto& row : rows) {
      bool match = true;
      if (tags.is_object()) {
        for (auto it = tags.begin(); it != tags.end(); ++it) {
          auto have = row.tags.find(it.key());
          if (have == row.tags.end() || *have != it.value()) match = false;
        }
      }
      cursor = row.name;
      if (!match) continue;
      if (static_cast<int>(page.items.size()) == limit) {
        page.next = page.items.back();
        return page;
      }
      page.items.push_back(row.name);
    }
    if (rows.size() < 500) return page;
  }
}

StatusOr<Json> CrawlerService::batch_get_crawlers(const CallContext& ctx,
                                                  const std::vector<std::string>& names) {
  Json found = Json::array(), missing = Json::array();
  std::vector<CrawlerRow> rows;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        for (const auto& name : names) {
          MORTAR_ASSIGN_OR_RETURN(auto row, load_crawler(tx, ctx.account_id, name));
          if (row) {
            rows.push_back(std::move(*row));
          } else {
            missing.push_back(name);
          }
        }
        return ok_status();
      }));
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& row : rows) found.push_back(crawler_view(ctx.account_id, row.body, row.state));
  return Json{{"Crawlers", std::move(found)}, {"CrawlersNotFound", std::move(missing)}};
}

Status CrawlerService::update_crawler_schedule(const CallContext& ctx, const std::string& name,
                                               const std::string& expression) {
  absl::MutexLock lock(&mu_);
  CrawlerRow row;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(row, require_crawler_for_write(tx, ctx.account_id, name));
        set_schedule(row.body, expression);
        row.body["LastUpdated"] = static_cast<double>(clock_.now_seconds());
        return save_crawler(tx, ctx.account_id, row);
      }));
  if (is_scheduled(row.body)) {
    return schedule_locked(ctx.account_id, name, row.body["Schedule"]["ScheduleExpression"]);
  }
  unschedule_locked(ctx.account_id, name);
  return ok_status();
}

Status CrawlerService::start_crawler_schedule(const CallContext& ctx, const std::string& name) {
  absl::MutexLock lock(&mu_);
  CrawlerRow row;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(row, require_crawler_for_write(tx, ctx.account_id, name));
        auto it = row.body.find("Schedule");
        if (it == row.body.end() || it->value("ScheduleExpression", "").empty()) {
          return glue_error(absl::StatusCode::kFailedPrecondition, "NoScheduleException",
                            "Crawler " + name + " has no schedule.");
        }
        if (it->value("State", "") == "SCHEDULED") {
          return glue_error(absl::StatusCode::kFailedPrecondition, "SchedulerRunningException",
                            "Schedule of crawler " + name + " is already running.");
        }
        (*it)["State"] = "SCHEDULED";
        return save_crawler(tx, ctx.account_id, row);
      }));
  return schedule_locked(ctx.account_id, name, row.body["Schedule"]["ScheduleExpression"]);
}

Status CrawlerService::stop_crawler_schedule(const CallContext& ctx, const std::string& name) {
  absl::MutexLock lock(&mu_);
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(CrawlerRow row,
                                require_crawler_for_write(tx, ctx.account_id, name));
        auto it = row.body.find("Schedule");
        if (it == row.body.end() || it->value("State", "") != "SCHEDULED") {
          return glue_error(absl::StatusCode::kFailedPrecondition, "SchedulerNotRunningException",
                            "Schedule of crawler " + name + " is not running.");
        }
        (*it)["State"] = "NOT_SCHEDULED";
        return save_crawler(tx, ctx.account_id, row);
      }));
  unschedule_locked(ctx.account_id, name);
  return ok_status();
}

}  // namespace mortar::crawler
