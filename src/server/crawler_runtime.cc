#include "server/crawler_runtime.h"

#include <cstdlib>
#include <fstream>

#include "api/ops/crawler_operations.h"
#include "schedule/glue_schedule.h"
#include "server/logging.h"

namespace mortar::server {
namespace {

// Test-only (see the header): real time shifted by the seconds in a file.
class FileOffsetClock : public Clock {
 public:
  explicit FileOffsetClock(std::string path) : path_(std::move(path)) {}
  int64_t now_micros() const override {
    int64_t offset = 0;
    std::ifstream in(path_);
    if (in) in >> offset;
    return Clock::real().now_micros() + offset * 1000000;
  }

 private:
  std::string path_;
};

LogLevel level_of(const std::string& level) {
  if (level == "error") return LogLevel::kError;
  if (level == "warn") return LogLevel::kWarn;
  if (level == "debug") return LogLevel::kDebug;
  return LogLevel::kInfo;
}

}  // namespace

StatusOr<std::unique_ptr<CrawlerRuntime>> CrawlerRuntime::start(store::Store& store,
                                                                const std::string& data_dir) {
  std::unique_ptr<CrawlerRuntime> rt(new CrawlerRuntime());
  schedule::SchedulerOptions sched_options;
  if (const char* f = std::getenv("MORTAR_TEST_CLOCK_FILE"); f != nullptr && *f != '\0') {
    rt->test_clock_ = std::make_unique<FileOffsetClock>(f);
    sched_options.max_sleep_millis = 100;
    log_event(LogLevel::kWarn, "MORTAR_TEST_CLOCK_FILE is set: schedules follow a test clock",
              {{"file", f}});
  }
  crawler::CrawlerServiceOptions options;
  options.data_dir = data_dir;
  options.event_log = [](const std::string& level, const std::string& message) {
    log_event(level_of(level), message);
  };
  MORTAR_ASSIGN_OR_RETURN(rt->service_, crawler::CrawlerService::create(store, std::move(options)));
  const Clock& clock = rt->test_clock_ ? *rt->test_clock_ : Clock::real();
  rt->scheduler_ = std::make_unique<schedule::Scheduler>(clock, sched_options);
  MORTAR_RETURN_IF_ERROR(rt->service_->set_scheduler(rt.get()));
  rt->scheduler_->start();
  return rt;
}

CrawlerRuntime::~CrawlerRuntime() {
  if (scheduler_) scheduler_->stop();
  if (service_) (void)service_->set_scheduler(nullptr);
  scheduler_.reset();  // waits for fire callbacks, which call into the service
  service_.reset();
}

Status CrawlerRuntime::register_operations(api::OperationRegistry& registry,
                                           const api::NextTokenCodec& codec) {
  api::CrawlerOperationOptions options;
  options.enforce_min_schedule_interval = test_clock_ == nullptr;
  api::register_crawler_operations(registry, *service_, codec, options);
  return ok_status();
}

std::string CrawlerRuntime::entry_id(const std::string& account, const std::string& crawler) {
  return "crawler/" + account + "/" + crawler;
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
  if (scheduler_->contains(id)) return scheduler_->replace(id, std::move(cron), fire);
  return scheduler_->add(id, std::move(cron), fire);
}

void CrawlerRuntime::unschedule(const std::string& account, const std::string& crawler) {
  (void)scheduler_->remove(entry_id(account, crawler));
}

}  // namespace mortar::server
