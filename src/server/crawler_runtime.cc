#include "server/crawler_runtime.h"

#include "api/ops/crawler_operations.h"
#include "schedule/glue_schedule.h"
#include "server/logging.h"

namespace mortar::server {
namespace {

constexpr const char* kEntryPrefix = "crawler/";

LogLevel level_of(const std::string& level) {
  if (level == "error") return LogLevel::kError;
  if (level == "warn") return LogLevel::kWarn;
  if (level == "debug") return LogLevel::kDebug;
  return LogLevel::kInfo;
}

}  // namespace

StatusOr<std::unique_ptr<CrawlerRuntime>> CrawlerRuntime::start(
    store::Store& store, catalog::Catalog& catalog, catalog::PartitionCatalog& partitions,
    schedule::Scheduler& scheduler, CrawlerRuntimeOptions options) {
  std::unique_ptr<CrawlerRuntime> rt(new CrawlerRuntime(scheduler, std::move(options)));
  crawler::CrawlerServiceOptions service_options;
  service_options.log_sink = rt->options_.log_sink;
  service_options.instance_id = rt->options_.instance_id;
  service_options.event_log = [](const std::string& level, const std::string& message) {
    log_event(level_of(level), message);
  };
  service_options.is_leader = rt->options_.is_leader;
  service_options.heartbeat_timeout_millis = rt->options_.heartbeat_timeout_seconds * 1000;
  service_options.on_crawl_finished = rt->options_.on_crawl_finished;
  service_options.on_crawl_event = rt->options_.on_crawl_event;
  MORTAR_ASSIGN_OR_RETURN(
      rt->service_,
      crawler::CrawlerService::create(store, catalog, partitions, std::move(service_options)));
  MORTAR_RETURN_IF_ERROR(rt->service_->set_scheduler(rt.get()));
  return rt;
}

CrawlerRuntime::~CrawlerRuntime() {
  if (service_) (void)service_->set_scheduler(nullptr);
  for (const std::string& id : scheduler_.ids()) {
    if (id.starts_with(kEntryPrefix)) (void)scheduler_.remove(id);
  }
  scheduler_.wait_idle();  // fires already running call into the service
  service_.reset();
}

void CrawlerRuntime::register_operations(api::OperationRegistry& registry,
                                         const api::NextTokenCodec& codec) {
  api::CrawlerOperationOptions options;
  options.enforce_min_schedule_interval = options_.enforce_min_schedule_interval;
  api::register_crawler_operations(registry, *service_, codec, options);
}

Status CrawlerRuntime::on_leadership_acquired(int64_t now_seconds) {
  MORTAR_RETURN_IF_ERROR(service_->sync_schedules());
  const int n =
      scheduler_.catch_up(now_seconds, options_.catch_up_window_seconds,
                          [](const std::string& id) { return id.starts_with(kEntryPrefix); });
  if (n > 0) {
    log_event(LogLevel::kInfo,
              "scheduler leadership: crawler schedules with a fire in the catch-up window",
              {{"count", std::to_string(n)},
               {"window_seconds", std::to_string(options_.catch_up_window_seconds)}});
  }
  return ok_status();
}

std::string CrawlerRuntime::entry_id(const std::string& account, const std::string& crawler) {
  return kEntryPrefix + account + "/" + crawler;
}

Status CrawlerRuntime::schedule(const std::string& account, const std::string& crawler,
                                const std::string& expression) {
  schedule::GlueScheduleOptions o;
  o.enforce_min_interval = false;  // the api layer enforced Glue's rule on input
  MORTAR_ASSIGN_OR_RETURN(schedule::CronExpression cron,
                          schedule::parse_glue_schedule(expression, o));
  crawler::CrawlerService* service = service_.get();
  auto fire = [service, account, crawler](const schedule::FireEvent& e) {
    service->fire_scheduled(account, crawler, e.scheduled_time);
  };
  const std::string id = entry_id(account, crawler);
  if (scheduler_.contains(id)) return scheduler_.replace(id, std::move(cron), fire);
  return scheduler_.add(id, std::move(cron), fire);
}

void CrawlerRuntime::unschedule(const std::string& account, const std::string& crawler) {
  (void)scheduler_.remove(entry_id(account, crawler));
}

}  // namespace mortar::server
