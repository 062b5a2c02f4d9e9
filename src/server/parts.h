// The parts `mortar serve` is made of, each built exactly once and lent by
// reference to whoever needs it (server/ is the only composition root: no
// module builds a second Catalog or a Scheduler of its own):
//   - one catalog::Catalog and one catalog::PartitionCatalog over it, served
//     by the API and written by crawls;
//   - one schedule::Scheduler and the clock it follows (crawler schedules,
//     audit retention), run only while this server leads (leadership.h);
//   - the CrawlerRuntime (crawler service + its scheduler bridge);
//   - the schedule::TriggerService, firing through ServerTriggerActions
//     (trigger_actions.h) on the same scheduler and leadership, told of
//     every crawl that ends (conditional triggers);
//   - the schedule::WorkflowService (workflows and their runs), starting
//     runs for the TriggerService and told of every run and crawl that ends
//     after it; triggers fire through WorkflowRunActions, which records what
//     each workflow run starts;
//   - the jobs::JobService (jobs, runs; its per-run credentials over the
//     account registry, and the RunExecutor it is given);
//   - the logs::LogStore crawls (and job runs) write and the CloudWatch Logs
//     API reads;
//   - the EventBridge subset: events::EventRules (rules, targets,
//     PutEvents), the EventSources watching what the rules ask for (on the
//     leader), and the schedule::EventTriggerBatcher that turns events
//     delivered to a workflow into its EVENT trigger's batches;
//   - the NextToken codec the operations page with.
// operations() registers every Glue operation over these parts for
// api::Service.
//
// Test-only: when MORTAR_TEST_CLOCK_FILE names a file, the scheduler's clock
// is the real clock plus the whole number of seconds that file holds (0 if
// absent or unreadable; re-read on every call), the scheduler re-reads the
// clock every 100 ms, and the 5-minute minimum schedule interval is lifted;
// job run timeouts and queue expiry follow that clock too.
// A test writes "3600" into the file to make an hour pass for schedules.
// Never set it in production.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>

#include "api/accounts.h"
#include "api/next_token.h"
#include "api/operation.h"
#include "catalog/audit.h"
#include "catalog/catalog.h"
#include "catalog/partition_catalog.h"
#include "common/clock.h"
#include "events/event_rules.h"
#include "events/event_sources.h"
#include "events/webhook_publisher.h"
#include "jobs/job_bookmarks.h"
#include "jobs/job_runner.h"
#include "jobs/job_service.h"
#include "jobs/posix_launcher.h"
#include "jobs/warm_pool.h"
#include "logs/log_store.h"
#include "schedule/event_trigger_batcher.h"
#include "schedule/scheduler.h"
#include "schedule/trigger_service.h"
#include "schedule/workflow_run_actions.h"
#include "schedule/workflow_service.h"
#include "server/crawler_runtime.h"
#include "server/leadership.h"
#include "server/metrics.h"
#include "server/readiness.h"
#include "server/trigger_actions.h"
#include "store/store.h"

namespace mortar::server {

// Runs the store migrations of every component the server uses and returns
// the versions it knows (what /readyz expects the store to hold).
StatusOr<SchemaVersions> migrate_components(store::Store& store);

struct PartsOptions {
  std::string data_dir;
  std::string instance_id;  // the data dir's server.id (crawl ownership across restarts) // crawl
                            // logs
  std::string token_secret;         // NextToken HMAC key
  catalog::CatalogOptions catalog;  // cache bounds
  catalog::AuditRetention audit_retention;
  LeadershipOptions leadership;
  // A RUNNING crawl whose server has not beaten for this long is FAILED.
  int64_t crawl_heartbeat_timeout_seconds = 30;

  // Jobs (jobs/README.md).
  std::string jobs_endpoint;  // the URL run scripts reach this server's API at
  int jobs_max_concurrent_runs = 4;
  int64_t jobs_heartbeat_timeout_seconds = 30;
  // Per-run access keys come from here; unset: runs get no key of their own.
  api::AccountRegistry* accounts = nullptr;
  // Executes claimed runs; unset: a jobs::JobRunner over a PosixLauncher
  // with `job_runner` (its data_dir defaults to data_dir).
  jobs::RunExecutor* job_executor = nullptr;
  jobs::JobRunnerOptions job_runner;
  // Size 0: every run starts cold. python_dir: where _mortar_forkserver is.
  jobs::WarmPoolOptions warm_pool;
  // Told when a job run ends (the triggers side); may be unset.
  std::function<void(const jobs::JobRunFinished&)> on_job_run_finished;
  // Retention of Glue's log groups without a policy of their own; 0: forever.
  int log_retention_days = 0;
  // Where Glue's state-change events go (events/README.md); no URLs: nowhere.
  events::WebhookOptions webhooks;
  std::string region = "us-east-1";  // in the events
  // EventBridge event sources (events/event_sources.h): rules re-read, S3
  // listed and directories without inotify scanned this often.
  int64_t events_poll_interval_millis = 10000;
};

class Parts {
 public:
  // `store` must be migrated (migrate_components) and outlive the parts.
  // Starts the scheduler leadership: on SQLite the scheduler runs at once.
  static StatusOr<std::unique_ptr<Parts>> build(store::Store& store, PartsOptions options);
  // Gives up leadership (stopping the scheduler), then stops the crawlers
  // (cancelling running crawls).
  ~Parts();
  Parts(const Parts&) = delete;
  Parts& operator=(const Parts&) = delete;

  const Clock& clock() const { return test_clock_ ? *test_clock_ : Clock::real(); }
  catalog::Catalog& catalog() { return catalog_; }
  catalog::PartitionCatalog& partitions() { return partitions_; }
  jobs::JobBookmarks& bookmarks() { return bookmarks_; }
  schedule::Scheduler& scheduler() { return scheduler_; }
  schedule::TriggerService& triggers() { return *triggers_; }
  schedule::WorkflowService& workflows() { return *workflows_; }
  jobs::JobService& jobs() { return *jobs_; }
  // Null when jobs.warm_pool_size is 0 or an executor was given.
  const jobs::WarmPoolLauncher* warm_pool() const { return warm_pool_.get(); }
  // Runs that ended in `state` on this server since start-up.
  int64_t runs_finished(const std::string& state) const;
  // Crawls this server's crawler reported in `status` (RUNNING when one
  // starts, then SUCCEEDED, FAILED or CANCELLED) since start-up.
  int64_t crawls_reported(const std::string& status) const;
  // StartedOn to CompletedOn of the runs that ended on this server.
  const Histogram& run_durations() const { return run_durations_; }
  // How late scheduler callbacks (crawler schedules, triggers) started.
  const Histogram& schedule_lag() const { return schedule_lag_; }
  logs::LogStore& logs() { return *logs_; }
  events::EventRules& event_rules() { return *event_rules_; }
  events::EventSources& event_sources() { return *event_sources_; }
  crawler::CrawlerService& crawler_service();
  schedule::EventTriggerBatcher& event_batcher() { return *event_batcher_; }

  // Every Glue operation the server serves, over these parts (which must
  // outlive the registry's handlers).
  api::OperationRegistry operations();
  // Every CloudWatch Logs operation, over the LogStore.
  api::OperationRegistry logs_operations();
  // The EventBridge operations, over the event rules.
  api::OperationRegistry events_operations();

 private:
  Parts(store::Store& store, PartsOptions options, std::unique_ptr<Clock> test_clock);
  void publish_run_finished(const jobs::JobRunFinished& finished);
  // A finished run or crawl to the conditional triggers and workflows: what
  // start-up recovery finishes before they exist is kept and told once the
  // hooks are set (hooks_ready()), so a crawl or run failed by this server's
  // restart still fires its FAILED triggers.
  void tell_run_finished(const jobs::JobRunFinished& finished);
  void tell_crawl_finished(const std::string& account, const std::string& crawler,
                           const std::string& crawl_id, const std::string& status);
  // Sets the hooks and tells what was kept for them.
  void hooks_ready();
  // Whether `tell` was kept for later (the hooks are not set yet).
  bool keep_until_ready(std::function<void()> tell);
  void publish_crawl_event(const crawler::CrawlEvent& e);
  Status start_jobs(store::Store& store);
  // After the WorkflowService: closed batches start its runs.
  Status start_events(store::Store& store);

  const PartsOptions options_;
  const std::unique_ptr<Clock> test_clock_;  // set with MORTAR_TEST_CLOCK_FILE
  store::Store& store_;
  const api::NextTokenCodec codec_;
  catalog::Catalog catalog_;
  catalog::PartitionCatalog partitions_;
  // Before the scheduler, which records into it until it stops.
  Histogram schedule_lag_{{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300}};
  schedule::Scheduler scheduler_;
  jobs::JobBookmarks bookmarks_;
  std::unique_ptr<logs::LogStore> logs_;  // outlives the crawlers that write it
  // Outlives the jobs and crawlers whose hooks publish to it.
  std::unique_ptr<events::WebhookPublisher> webhooks_;
  mutable std::mutex finished_mu_;
  std::map<std::string, int64_t> finished_;  // by final state, guarded by finished_mu_
  std::map<std::string, int64_t> crawls_;    // by reported status, guarded by finished_mu_
  Histogram run_durations_{{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200}};
  // Destroyed first (~Parts), while the scheduler and catalog live.
  std::unique_ptr<CrawlerRuntime> crawlers_;
  std::unique_ptr<ServerTriggerActions> trigger_actions_;
  std::unique_ptr<schedule::WorkflowRunActions> workflow_actions_;  // over trigger_actions_
  std::unique_ptr<schedule::TriggerService> triggers_;
  std::unique_ptr<schedule::WorkflowService> workflows_;  // destroyed after triggers_
  // Guards the hooks: the crawl-finished hook reads them on crawl threads.
  std::shared_mutex triggers_hook_mu_;
  schedule::TriggerService* triggers_hook_ = nullptr;
  schedule::WorkflowService* workflows_hook_ = nullptr;
  std::mutex early_mu_;
  bool hooks_set_ = false;                    // guarded by early_mu_
  std::vector<std::function<void()>> early_;  // guarded by early_mu_: told at hooks_ready()
  std::unique_ptr<jobs::CredentialIssuer> run_credentials_;
  std::unique_ptr<jobs::PosixLauncher> launcher_;
  std::unique_ptr<jobs::WarmPoolLauncher> warm_pool_;  // over launcher_
  std::unique_ptr<jobs::JobRunner> runner_;            // outlives jobs_, which runs through it
  std::thread prestart_;  // starts warm_pool_'s default pool; joined first in ~Parts
  std::unique_ptr<jobs::JobService> jobs_;             // destroyed before the credentials it uses
  // Events: ~Parts destroys the sources (they route into the rules, which
  // deliver to the batcher) and then the batcher before anything else.
  std::unique_ptr<schedule::EventTriggerBatcher> event_batcher_;
  std::unique_ptr<events::EventRules> event_rules_;
  std::unique_ptr<events::EventSources> event_sources_;
  std::unique_ptr<Leadership> leadership_;
};

}  // namespace mortar::server
