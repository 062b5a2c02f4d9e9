#include "server/parts.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "api/accounts.h"
#include "api/ops/catalog_operations.h"
#include "api/ops/logs_operations.h"
#include "api/ops/partition_operations.h"
#include "common/crypto.h"
#include "crawler/service/crawler_service.h"
#include "server/audit_retention.h"
#include "server/logging.h"
#include "server/shared_settings.h"

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
  MORTAR_RETURN_IF_ERROR(logs::LogStore::migrate(recording));
  MORTAR_RETURN_IF_ERROR(migrate_shared_settings(recording));
  return recording.versions();
}

Parts::Parts(store::Store& store, PartsOptions options, std::unique_ptr<Clock> test_clock)
    : options_(std::move(options)),
      test_clock_(std::move(test_clock)),
      store_(store),
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
  logs::LogStoreOptions log_options;
  log_options.default_glue_retention_days = parts->options_.log_retention_days;
  log_options.warn = [](const std::string& message) {
    log_event(LogLevel::kWarn, "logs", {{"warning", message}});
  };
  parts->logs_ = std::make_unique<logs::LogStore>(store, std::move(log_options));
  CrawlerRuntimeOptions crawler_options;
  crawler_options.log_sink = parts->logs_.get();
  crawler_options.instance_id = parts->options_.instance_id;
  crawler_options.enforce_min_schedule_interval = parts->test_clock_ == nullptr;
  crawler_options.is_leader = [p] { return p->leadership_->leading(); };
  crawler_options.heartbeat_timeout_seconds = parts->options_.crawl_heartbeat_timeout_seconds;
  MORTAR_ASSIGN_OR_RETURN(parts->crawlers_,
                          CrawlerRuntime::start(store, parts->catalog_, parts->partitions_,
                                                parts->scheduler_, std::move(crawler_options)));
  MORTAR_RETURN_IF_ERROR(schedule_audit_retention(parts->scheduler_, store, parts->clock(),
                                                  parts->options_.audit_retention));
  parts->leadership_->start();
  return parts;
}

Parts::~Parts() {
  leadership_.reset();  // stops the scheduler if leading, and trying to lead
  scheduler_.stop();
  crawlers_.reset();  // cancels running crawls (each stops within a second)
  logs_.reset();      // writes what is still queued
}

api::OperationRegistry Parts::operations() {
  api::OperationRegistry ops;
  api::register_catalog_operations(ops, catalog_, codec_);
  api::register_partition_operations(ops, catalog_, partitions_, codec_);
  crawlers_->register_operations(ops, codec_);
  return ops;
}

api::OperationRegistry Parts::logs_operations() {
  api::OperationRegistry ops;
  api::register_logs_operations(ops, *logs_, store_, codec_);
  return ops;
}

}  // namespace mortar::server
