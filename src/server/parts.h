// The parts `mortar serve` is made of, each built exactly once and lent by
// reference to whoever needs it (server/ is the only composition root: no
// module builds a second Catalog or a Scheduler of its own):
//   - one catalog::Catalog and one catalog::PartitionCatalog over it, served
//     by the API and written by crawls;
//   - one schedule::Scheduler and the clock it follows (crawler schedules,
//     audit retention), run only while this server leads (leadership.h);
//   - the CrawlerRuntime (crawler service + its scheduler bridge);
//   - the jobs::JobService (jobs, runs; its per-run credentials over the
//     account registry, and the RunExecutor it is given);
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

#include <memory>
#include <string>

#include "api/accounts.h"
#include "api/next_token.h"
#include "api/operation.h"
#include "catalog/audit.h"
#include "catalog/catalog.h"
#include "catalog/partition_catalog.h"
#include "common/clock.h"
#include "jobs/job_runner.h"
#include "jobs/job_service.h"
#include "jobs/posix_launcher.h"
#include "schedule/scheduler.h"
#include "server/crawler_runtime.h"
#include "server/leadership.h"
#include "server/readiness.h"
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
  // Told when a job run ends (the triggers side); may be unset.
  std::function<void(const jobs::JobRunFinished&)> on_job_run_finished;
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
  schedule::Scheduler& scheduler() { return scheduler_; }
  jobs::JobService& jobs() { return *jobs_; }

  // Every Glue operation the server serves, over these parts (which must
  // outlive the registry's handlers).
  api::OperationRegistry operations();

 private:
  Parts(store::Store& store, PartsOptions options, std::unique_ptr<Clock> test_clock);
  Status start_jobs(store::Store& store);

  const PartsOptions options_;
  const std::unique_ptr<Clock> test_clock_;  // set with MORTAR_TEST_CLOCK_FILE
  const api::NextTokenCodec codec_;
  catalog::Catalog catalog_;
  catalog::PartitionCatalog partitions_;
  schedule::Scheduler scheduler_;
  // Destroyed first (~Parts), while the scheduler and catalog live.
  std::unique_ptr<CrawlerRuntime> crawlers_;
  std::unique_ptr<jobs::CredentialIssuer> run_credentials_;
  std::unique_ptr<jobs::PosixLauncher> launcher_;
  std::unique_ptr<jobs::JobRunner> runner_;  // outlives jobs_, which runs through it
  std::unique_ptr<jobs::JobService> jobs_;  // destroyed before the credentials it uses
  std::unique_ptr<Leadership> leadership_;
};

}  // namespace mortar::server
