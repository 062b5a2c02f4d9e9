#include "server/parts.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "api/accounts.h"
#include "api/ops/catalog_operations.h"
#include "api/ops/job_operations.h"
#include "api/ops/partition_operations.h"
#include "common/crypto.h"
#include "crawler/service/crawl_claims.h"
#include "crawler/service/crawler_service.h"
#include "server/run_credentials.h"
#include "server/audit_retention.h"
#include "server/logging.h"
#include "server/shared_settings.h"

namespace mortar::server {
namespace {

// Test-only (see the header): real time shifted by the seconds in a file.
class FileOffsetClock : public Clock {
 public:
  explicit FileOffsetClock(std::string path) : path_(std::move(path)) {}
  ~FileOffsetClock() override { stop_timers(); }  // its timer thread reads path_
  int64_t now_micros() const override {
    int64_t offset = 0;
    std::ifstream in(path_);
    if (in) in >> offset;
    return Clock::real().now_micros() + offset * 1000000;
  }

 private:
  std::string path_;
};

std::unique_ptr<Clock> test_clock_from_env() {
  const char* f = std::getenv("MORTAR_TEST_CLOCK_FILE");
  if (f == nullptr || *f == '\0') return nullptr;
  log_event(LogLevel::kWarn, "MORTAR_TEST_CLOCK_FILE is set: schedules follow a test clock",
            {{"file", f}});
  return std::make_unique<FileOffsetClock>(f);
}

// Passes migrations through to `inner`, noting the newest version of each
// component: the modules own their migration lists, this learns them.
class RecordingStore : public store::Store {
 public:
  explicit RecordingStore(store::Store& inner) : inner_(inner) {}
  StatusOr<std::unique_ptr<store::Transaction>> begin(bool write) override {
    return inner_.begin(write);
  }
  Status migrate(std::string_view component,
                 const std::vector<store::Migration>& migrations) override {
    int& newest = versions_[std::string(component)];
    for (const store::Migration& m : migrations) newest = std::max(newest, m.version);
    return inner_.migrate(component, migrations);
  }
  std::string_view dialect() const override { return inner_.dialect(); }
  bool shared() const override { return inner_.shared(); }
  StatusOr<std::unique_ptr<store::SessionLock>> try_lock(std::string_view name) override {
    return inner_.try_lock(name);
  }
  Status close() override { return internal_error("RecordingStore does not close the store"); }

  const SchemaVersions& versions() const { return versions_; }

 private:
  store::Store& inner_;
  SchemaVersions versions_;
};

}  // namespace

StatusOr<SchemaVersions> migrate_components(store::Store& store) {
  RecordingStore recording(store);
  MORTAR_RETURN_IF_ERROR(api::AccountRegistry::migrate(recording));
  MORTAR_RETURN_IF_ERROR(catalog::Catalog::migrate(recording));
  MORTAR_RETURN_IF_ERROR(crawler::CrawlerService::migrate(recording));
  MORTAR_RETURN_IF_ERROR(jobs::JobService::migrate(recording));
  MORTAR_RETURN_IF_ERROR(migrate_shared_settings(recording));
  return recording.versions();
}

Parts::Parts(store::Store& store, PartsOptions options, std::unique_ptr<Clock> test_clock)
    : options_(std::move(options)),
      test_clock_(std::move(test_clock)),
      codec_(options_.token_secret.empty() ? random_bytes(32) : options_.token_secret),
      catalog_(store, Clock::real(), options_.catalog),
      partitions_(catalog_),
      scheduler_(clock(),
                 schedule::SchedulerOptions{.max_sleep_millis = test_clock_ ? 100 : 60'000}) {}

StatusOr<std::unique_ptr<Parts>> Parts::build(store::Store& store, PartsOptions options) {
  std::unique_ptr<Parts> parts(new Parts(store, std::move(options), test_clock_from_env()));
  Parts* p = parts.get();
  // Built first (started last) so the crawlers can ask whether this server leads.
  parts->leadership_ = std::make_unique<Leadership>(
      store,
      [p] {
        // Taking the lead: catch up a fire missed during the handover, then run.
        Status s = p->crawlers_->on_leadership_acquired(p->clock().now_seconds());
        if (!s.ok()) {
          log_event(LogLevel::kWarn, "catching up crawler schedules failed", {{"error", s.ToString()}});
        }
        p->scheduler_.start();
      },
      [p] { p->scheduler_.stop(); }, parts->options_.leadership);
  CrawlerRuntimeOptions crawler_options;
  crawler_options.data_dir = parts->options_.data_dir;
  crawler_options.instance_id = parts->options_.instance_id;
  crawler_options.enforce_min_schedule_interval = parts->test_clock_ == nullptr;
  crawler_options.is_leader = [p] { return p->leadership_->leading(); };
  crawler_options.heartbeat_timeout_seconds = parts->options_.crawl_heartbeat_timeout_seconds;
  MORTAR_ASSIGN_OR_RETURN(parts->crawlers_,
                          CrawlerRuntime::start(store, parts->catalog_, parts->partitions_,
                                                parts->scheduler_, std::move(crawler_options)));
  MORTAR_RETURN_IF_ERROR(parts->start_jobs(store));
  MORTAR_RETURN_IF_ERROR(schedule_audit_retention(parts->scheduler_, store, parts->clock(),
                                                  parts->options_.audit_retention));
  parts->leadership_->start();
  return parts;
}

Status Parts::start_jobs(store::Store& store) {
  if (options_.accounts != nullptr) {
    run_credentials_ = std::make_unique<AccountCredentialIssuer>(*options_.accounts);
  }
  jobs::RunExecutor* executor = options_.job_executor;
  if (executor == nullptr) {
    jobs::JobRunnerOptions runner = options_.job_runner;
    if (runner.data_dir.empty()) runner.data_dir = options_.data_dir;
    launcher_ = std::make_unique<jobs::PosixLauncher>();
    runner_ = std::make_unique<jobs::JobRunner>(*launcher_, std::move(runner));
    executor = runner_.get();
  }
  jobs::JobServiceOptions o;
  // Run timeouts and queue expiry follow the scheduler's clock, so a test
  // server (MORTAR_TEST_CLOCK_FILE) can make a run's Timeout pass.
  o.clock = &clock();
  o.executor = executor;
  o.credentials = run_credentials_.get();
  o.endpoint = options_.jobs_endpoint;
  o.max_concurrent_runs = options_.jobs_max_concurrent_runs;
  o.on_run_finished = options_.on_job_run_finished;
  o.event_log = [](const std::string& level, const std::string& message) {
    log_event(level == "error" ? LogLevel::kError
              : level == "warn" ? LogLevel::kWarn
                                : LogLevel::kInfo,
              message);
  };
  // Server ids as the crawler's: a restart of this data dir's server
  // finishes its previous process's runs at once.
  o.server_id = crawler::new_server_id(options_.instance_id);
  o.restart_prefix = crawler::server_id_prefix(options_.instance_id);
  o.heartbeat_timeout_millis = options_.jobs_heartbeat_timeout_seconds * 1000;
  o.heartbeat_interval_millis = std::min<int64_t>(2000, o.heartbeat_timeout_millis / 3);
  o.is_leader = [this] { return leadership_->leading(); };
  MORTAR_ASSIGN_OR_RETURN(jobs_, jobs::JobService::create(store, std::move(o)));
  return ok_status();
}

Parts::~Parts() {
  // First, while the leadership it asks about lives: stops this server's
  // runs (recorded FAILED, or retried).
  jobs_.reset();
  leadership_.reset();  // stops the scheduler if leading, and trying to lead
  scheduler_.stop();
  crawlers_.reset();  // cancels running crawls (each stops within a second)
}

api::OperationRegistry Parts::operations() {
  api::OperationRegistry ops;
  api::register_catalog_operations(ops, catalog_, codec_);
  api::register_partition_operations(ops, catalog_, partitions_, codec_);
  crawlers_->register_operations(ops, codec_);
  api::register_job_operations(ops, *jobs_, codec_);
  return ops;
}

}  // namespace mortar::server
