#include "server/parts.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "api/accounts.h"
#include "api/ops/catalog_operations.h"
#include "api/ops/events_operations.h"
#include "api/ops/job_bookmark_operations.h"
#include "api/ops/job_operations.h"
#include "api/ops/logs_operations.h"
#include "api/ops/partition_operations.h"
#include "api/ops/trigger_operations.h"
#include "api/ops/workflow_operations.h"
#include "common/crypto.h"
#include "crawler/service/crawl_claims.h"
#include "crawler/service/crawler_service.h"
#include "events/glue_events.h"
#include "io/s3/s3_file_system.h"
#include "server/audit_retention.h"
#include "server/logging.h"
#include "server/run_credentials.h"
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
  StatusOr<std::vector<store::Row>> read_one(std::string_view sql,
                                             const std::vector<store::Value>& params) override {
    return inner_.read_one(sql, params);
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
  MORTAR_RETURN_IF_ERROR(jobs::JobBookmarks::migrate(recording));
  MORTAR_RETURN_IF_ERROR(jobs::JobService::migrate(recording));
  MORTAR_RETURN_IF_ERROR(schedule::TriggerService::migrate(recording));
  MORTAR_RETURN_IF_ERROR(schedule::WorkflowService::migrate(recording));
  MORTAR_RETURN_IF_ERROR(logs::LogStore::migrate(recording));
  MORTAR_RETURN_IF_ERROR(events::EventRules::migrate(recording));
  MORTAR_RETURN_IF_ERROR(schedule::EventTriggerBatcher::migrate(recording));
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
                 schedule::SchedulerOptions{
                     .max_sleep_millis = test_clock_ ? 100 : 60'000,
                     .on_fire_lag = [this](double lag) { schedule_lag_.observe(lag); }}),
      bookmarks_(store, Clock::real()) {}

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
        s = p->triggers_->on_leadership_acquired(p->clock().now_seconds());
        if (!s.ok()) {
          log_event(LogLevel::kWarn, "catching up trigger schedules failed",
                    {{"error", s.ToString()}});
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
  parts->webhooks_ = std::make_unique<events::WebhookPublisher>(parts->options_.webhooks);
  crawler_options.on_crawl_finished = [p](const std::string& account, const std::string& crawler,
                                          const std::string& crawl_id, const std::string& status) {
    p->tell_crawl_finished(account, crawler, crawl_id, status);
  };
  crawler_options.on_crawl_event = [p](const crawler::CrawlEvent& e) { p->publish_crawl_event(e); };
  MORTAR_ASSIGN_OR_RETURN(parts->crawlers_,
                          CrawlerRuntime::start(store, parts->catalog_, parts->partitions_,
                                                parts->scheduler_, std::move(crawler_options)));
  MORTAR_RETURN_IF_ERROR(parts->start_jobs(store));
  parts->trigger_actions_ = std::make_unique<ServerTriggerActions>(parts->crawlers_->service(),
                                                                   job_action_hooks(*parts->jobs_));
  schedule::TriggerServiceOptions trigger_options;
  trigger_options.clock = &parts->clock();
  trigger_options.rules.enforce_min_schedule_interval = parts->test_clock_ == nullptr;
  trigger_options.server_id = parts->crawlers_->service().server_id();
  trigger_options.is_leader = [p] { return p->leadership_->leading(); };
  // Several servers: the leader re-reads triggers changed through the others.
  trigger_options.sync_interval_millis = store.shared() ? 5000 : 0;
  trigger_options.event_log = [](const std::string& level, const std::string& message) {
    log_event(level == "error"  ? LogLevel::kError
              : level == "warn" ? LogLevel::kWarn
                                : LogLevel::kInfo,
              message);
  };
  parts->workflow_actions_ = std::make_unique<schedule::WorkflowRunActions>(
      store, *parts->trigger_actions_, parts->clock());
  MORTAR_ASSIGN_OR_RETURN(parts->triggers_, schedule::TriggerService::create(
                                                store, parts->scheduler_, *parts->workflow_actions_,
                                                std::move(trigger_options)));
  schedule::WorkflowServiceOptions workflow_options;
  workflow_options.clock = &parts->clock();
  workflow_options.is_leader = [p] { return p->leadership_->leading(); };
  workflow_options.sweep_interval_millis = 5000;
  workflow_options.event_log = [](const std::string& level, const std::string& message) {
    log_event(level == "warn" ? LogLevel::kWarn : LogLevel::kInfo, message);
  };
  MORTAR_ASSIGN_OR_RETURN(
      parts->workflows_,
      schedule::WorkflowService::create(store, *parts->triggers_, *parts->workflow_actions_,
                                        std::move(workflow_options)));
  parts->hooks_ready();
  MORTAR_RETURN_IF_ERROR(schedule_audit_retention(parts->scheduler_, store, parts->clock(),
                                                  parts->options_.audit_retention));
  MORTAR_RETURN_IF_ERROR(schedule_log_retention(parts->scheduler_, *parts->logs_, parts->clock()));
  MORTAR_RETURN_IF_ERROR(parts->start_events(store));
  // What start-up recovery logged (crawls and runs failed because this
  // server restarted) is readable before the server answers its first request.
  parts->logs_->flush();
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
    runner.log_sink = logs_.get();
    runner.bookmarks = &bookmarks_;
    launcher_ = std::make_unique<jobs::PosixLauncher>();
    jobs::ProcessLauncher* launcher = launcher_.get();
    if (options_.warm_pool.size > 0) {
      // Python runs fork from pre-started interpreters; the rest start cold.
      warm_pool_ = std::make_unique<jobs::WarmPoolLauncher>(options_.warm_pool, *launcher_);
      launcher = warm_pool_.get();
    }
    runner_ = std::make_unique<jobs::JobRunner>(*launcher, std::move(runner));
    executor = runner_.get();
    if (warm_pool_) {
      // So the first glueetl/pythonshell run is warm too (resolving the
      // interpreter runs it once: off the start-up path).
      prestart_ = std::thread([this] {
        jobs::JobRunner::Startup s = runner_->default_startup();
        warm_pool_->prestart(s.python, s.env);
      });
    }
  }
  jobs::JobServiceOptions o;
  // Run timeouts and queue expiry follow the scheduler's clock, so a test
  // server (MORTAR_TEST_CLOCK_FILE) can make a run's Timeout pass.
  o.clock = &clock();
  o.executor = executor;
  o.on_job_deleted = [this](const std::string& account, const std::string& job) {
    Status s = bookmarks_.forget(account, job);
    if (!s.ok())
      log_event(LogLevel::kWarn, "forgetting a deleted job's bookmark failed",
                {{"error", s.ToString()}});
  };
  o.credentials = run_credentials_.get();
  o.endpoint = options_.jobs_endpoint;
  o.max_concurrent_runs = options_.jobs_max_concurrent_runs;
  // The server's listener (if any), then conditional triggers.
  o.on_run_finished = [this, outer = options_.on_job_run_finished](const jobs::JobRunFinished& f) {
    if (outer) outer(f);
    publish_run_finished(f);
    tell_run_finished(f);
  };
  o.on_run_delayed = [this](const jobs::JobRunDelayed& d) {
    events::EventSource source{d.account_id, options_.region, clock().now_seconds()};
    webhooks_->publish(
        events::job_run_status(source, d.job_name, d.run_id, d.state, d.notify_delay_minutes));
  };
  o.event_log = [](const std::string& level, const std::string& message) {
    log_event(level == "error"  ? LogLevel::kError
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

crawler::CrawlerService& Parts::crawler_service() { return crawlers_->service(); }

Status Parts::start_events(store::Store& store) {
  auto event_log = [](const std::string& level, const std::string& message) {
    log_event(level == "error"  ? LogLevel::kError
              : level == "warn" ? LogLevel::kWarn
                                : LogLevel::kInfo,
              message);
  };
  schedule::EventBatcherOptions batching;
  batching.clock = &clock();
  // Several servers: windows armed by a server that died still close.
  batching.rescan_interval_millis = store.shared() ? 30'000 : 0;
  batching.event_log = event_log;
  MORTAR_ASSIGN_OR_RETURN(event_batcher_,
                          schedule::EventTriggerBatcher::create(store, std::move(batching)));
  // A closed batch starts a run of the EVENT trigger's workflow.
  event_batcher_->set_starter(workflows_.get());
  events::EventRulesOptions rules;
  rules.region = options_.region;
  rules.deliver = [this](const std::string& account, const std::string& workflow,
                         const nlohmann::json& event) {
    if (!event_batcher_) return;  // stopping
    auto taken = event_batcher_->deliver(account, workflow, event);
    if (!taken.ok()) {
      log_event(LogLevel::kWarn, "delivering an event to a workflow failed",
                {{"workflow", workflow}, {"error", taken.status().ToString()}});
    }
  };
  rules.on_rules_changed = [this] {
    if (event_sources_) event_sources_->request_sync();
  };
  // Crawlers in CRAWL_EVENT_MODE: "Object Created" events (watched or put)
  // below their targets are recorded for their next crawl, and their
  // targets are watched.
  rules.observe = [this](const std::string& account, const nlohmann::json& event) {
    const std::string uri = events::object_created_uri(event);
    if (uri.empty()) return;
    auto recorded = crawlers_->service().record_object_created(account, uri);
    if (!recorded.ok()) {
      log_event(LogLevel::kWarn, "recording an object for event-mode crawlers failed",
                {{"object", uri}, {"error", recorded.status().ToString()}});
    }
  };
  crawlers_->service().set_event_watches_listener([this] {
    if (event_sources_) event_sources_->request_sync();
  });
  event_rules_ = std::make_unique<events::EventRules>(store, std::move(rules));
  events::EventSourcesOptions sources;
  sources.poll_interval_millis = options_.events_poll_interval_millis;
  sources.is_leader = [this] { return leadership_->leading(); };
  sources.s3 = &io::s3_file_system();
  sources.event_log = event_log;
  sources.extra_watches = [this, event_log] {
    auto watches = crawlers_->service().event_watches();
    if (!watches.ok()) {
      event_log("warn",
                "reading event-mode crawlers' targets failed: " + watches.status().ToString());
      return std::vector<std::pair<std::string, std::string>>();
    }
    return std::move(watches).value();
  };
  event_sources_ = std::make_unique<events::EventSources>(*event_rules_, std::move(sources));
  event_sources_->start();
  return ok_status();
}

Parts::~Parts() {
  if (prestart_.joinable()) prestart_.join();
  // Nothing new is watched, delivered or started while the rest stops (the
  // HTTP side is stopped already): no batch window fires into a stopping
  // workflow starter.
  event_sources_.reset();
  event_batcher_.reset();
  {
    // Runs and crawls ended by the shutdown below fire no conditional triggers.
    std::unique_lock lock(triggers_hook_mu_);
    triggers_hook_ = nullptr;
    workflows_hook_ = nullptr;
  }
  // Before the jobs and crawlers its actions start: removes its scheduler
  // entries, waits for fires in flight (which may start workflow runs).
  triggers_.reset();
  workflows_.reset();  // stops its sweep
  workflow_actions_.reset();
  // Then, while the leadership it asks about lives: stops this server's
  // runs (recorded FAILED, or retried).
  jobs_.reset();
  leadership_.reset();  // stops the scheduler if leading, and trying to lead
  scheduler_.stop();
  crawlers_.reset();  // cancels running crawls (each stops within a second)
  trigger_actions_.reset();
  logs_.reset();      // writes what is still queued
  webhooks_.reset();  // dead-letters what it could not deliver
}

bool Parts::keep_until_ready(std::function<void()> tell) {
  std::lock_guard<std::mutex> lock(early_mu_);
  if (hooks_set_) return false;
  early_.push_back(std::move(tell));
  return true;
}

void Parts::hooks_ready() {
  {
    std::unique_lock lock(triggers_hook_mu_);
    triggers_hook_ = triggers_.get();
    workflows_hook_ = workflows_.get();
  }
  std::vector<std::function<void()>> early;
  {
    std::lock_guard<std::mutex> lock(early_mu_);
    hooks_set_ = true;
    early.swap(early_);
  }
  for (auto& tell : early) tell();
}

void Parts::tell_run_finished(const jobs::JobRunFinished& f) {
  if (keep_until_ready([this, f] { tell_run_finished(f); })) return;
  std::shared_lock lock(triggers_hook_mu_);
  if (triggers_hook_ == nullptr) return;  // shutting down
  schedule::TriggerOrigin origin;
  origin.trigger_name = f.origin.trigger_name;
  origin.workflow_name = f.origin.workflow_name;
  origin.workflow_run_id = f.origin.workflow_run_id;
  triggers_hook_->on_job_run_finished(f.account_id, f.job_name, f.run_id, f.state, origin);
  // After the triggers: what the run fired is recorded before its workflow run is checked.
  if (workflows_hook_ != nullptr) {
    workflows_hook_->on_job_run_finished(f.account_id, f.job_name, f.run_id, f.state, origin,
                                         f.error_message, f.retry_run_id);
  }
}

void Parts::tell_crawl_finished(const std::string& account, const std::string& crawler,
                                const std::string& crawl_id, const std::string& status) {
  if (keep_until_ready([=, this] { tell_crawl_finished(account, crawler, crawl_id, status); }))
    return;
  std::shared_lock lock(triggers_hook_mu_);
  if (triggers_hook_ != nullptr)
    triggers_hook_->on_crawl_finished(account, crawler, crawl_id, status);
  // After the triggers: what the crawl fired is recorded before its run is checked.
  if (workflows_hook_ != nullptr) workflows_hook_->on_crawl_finished(account, crawler, status);
}

int64_t Parts::runs_finished(const std::string& state) const {
  std::lock_guard<std::mutex> lock(finished_mu_);
  auto it = finished_.find(state);
  return it == finished_.end() ? 0 : it->second;
}

int64_t Parts::crawls_reported(const std::string& status) const {
  std::lock_guard<std::mutex> lock(finished_mu_);
  auto it = crawls_.find(status);
  return it == crawls_.end() ? 0 : it->second;
}

// Glue sends "Glue Job State Change" for these four states only.
void Parts::publish_run_finished(const jobs::JobRunFinished& f) {
  {
    std::lock_guard<std::mutex> lock(finished_mu_);
    ++finished_[f.state];
  }
  if (f.duration_seconds >= 0) run_durations_.observe(f.duration_seconds);
  if (f.state != "SUCCEEDED" && f.state != "FAILED" && f.state != "TIMEOUT" &&
      f.state != "STOPPED") {
    return;
  }
  events::EventSource source{f.account_id, options_.region, clock().now_seconds()};
  webhooks_->publish(
      events::job_state_change(source, f.job_name, f.run_id, f.state, f.error_message));
}

// Glue's crawler events are Started, Succeeded and Failed: a stopped crawl sends none.
void Parts::publish_crawl_event(const crawler::CrawlEvent& e) {
  {
    std::lock_guard<std::mutex> lock(finished_mu_);
    ++crawls_[e.status];
  }
  const bool started = e.status == "RUNNING";
  if (!started && e.status != "SUCCEEDED" && e.status != "FAILED") return;
  const int64_t start = static_cast<int64_t>(e.start_time);
  events::EventSource source{e.account, options_.region,
                             started ? start : static_cast<int64_t>(e.end_time)};
  std::optional<events::CrawlCounts> counts;
  if (e.summary && e.status == "SUCCEEDED") {
    const crawler::CrawlSummary& s = *e.summary;
    counts = events::CrawlCounts{s.tables_created,     s.tables_updated,     s.tables_deleted,
                                 s.partitions_created, s.partitions_updated, s.partitions_deleted};
  }
  const std::string state = started ? "Started" : e.status == "SUCCEEDED" ? "Succeeded" : "Failed";
  webhooks_->publish(
      events::crawler_state_change(source, e.crawler, state, start, counts, e.error));
}

api::OperationRegistry Parts::operations() {
  api::OperationRegistry ops;
  api::register_catalog_operations(ops, catalog_, codec_);
  api::register_partition_operations(ops, catalog_, partitions_, codec_);
  crawlers_->register_operations(ops, codec_);
  api::register_job_operations(ops, *jobs_, codec_);
  api::register_trigger_operations(ops, *triggers_, codec_);
  api::register_workflow_operations(ops, *workflows_, codec_);
  api::register_job_bookmark_operations(
      ops, bookmarks_, [this](const std::string& account, const std::string& job) -> Status {
        CallContext ctx;
        ctx.account_id = ctx.catalog_id = account;
        return jobs_->get_job(ctx, job).status();
      });
  return ops;
}

api::OperationRegistry Parts::events_operations() {
  api::OperationRegistry ops;
  api::register_events_operations(ops, *event_rules_, codec_);
  return ops;
}

api::OperationRegistry Parts::logs_operations() {
  api::OperationRegistry ops;
  api::register_logs_operations(ops, *logs_, store_, codec_);
  return ops;
}

}  // namespace mortar::server
