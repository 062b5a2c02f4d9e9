// CrawlerService: Glue's crawler API and its runtime. Crawler definitions,
// classifiers and crawl history live in the Store (crawler_rows.h); crawls
// run on a small pool of background threads, never on the API's thread.
//
// State machine per crawler: READY --start--> RUNNING --stop--> STOPPING
// --worker returns--> READY (RUNNING --worker returns--> READY too). The
// store's `state` column is the truth, shared by every server on the store:
// READY -> RUNNING is a compare-and-swap there, so one server wins a start.
//
// Several servers on one store (crawl_ownership.cc): a crawl row names the
// server running it and carries a heartbeat that server refreshes; the
// scheduler leader gives up crawls whose heartbeat is older than the timeout
// (FAILED with the reason, crawler READY). A schedule fire is claimed in the
// store before it runs, so a fire never runs twice across a failover. On a
// store with one server (SQLite), crawls left RUNNING at start-up are failed
// at once ("server restarted during the crawl").
//
// Schedules: the service keeps Crawler.Schedule in the store and tells a
// CrawlerScheduler (implemented by server/ with schedule::Scheduler, which
// sits above crawler/ in the layering) what to fire; a fire calls
// fire_scheduled(). Cron text is validated by the api layer before it
// reaches here.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "catalog/catalog.h"
#include "catalog/partition_catalog.h"
#include "common/call_context.h"
#include "common/clock.h"
#include "common/page.h"
#include "common/status.h"
#include "crawler/apply/crawl_runner.h"
#include "crawler/service/classifier_registry.h"
#include "logs/log_sink.h"
#include "store/store.h"

namespace mortar::crawler {

struct CrawlRow;  // crawler_rows.h
struct Firing;    // crawl_claims.h

// What the service needs from a scheduler (server/ implements it).
class CrawlerScheduler {
 public:
  virtual ~CrawlerScheduler() = default;
  // Registers or replaces the schedule of (account, crawler).
  virtual Status schedule(const std::string& account, const std::string& crawler,
                          const std::string& expression) = 0;
  // Removes it; no-op when absent.
  virtual void unschedule(const std::string& account, const std::string& crawler) = 0;
};

using CrawlFunction =
    std::function<StatusOr<CrawlResult>(const Json& crawler, CrawlEnvironment& env)>;

// A crawl starting or ended, for CrawlerServiceOptions::on_crawl_event.
struct CrawlEvent {
  std::string account, crawler, crawl_id;
  std::string status;                   // RUNNING (it began), SUCCEEDED, FAILED or CANCELLED
  double start_time = 0, end_time = 0;  // epoch seconds; end_time 0 while running
  std::optional<CrawlSummary> summary;  // a crawl that produced a result
  std::string error;
};

struct CrawlerServiceOptions {
  // Where crawls log (group /aws-glue/crawlers, stream = crawler name; see
  // crawl_log.h); null: nowhere. Must outlive the service.
  logs::LogSink* log_sink = nullptr;
  int max_parallel_crawls = 2;  // crawls running at once; more queue (state RUNNING)
  int threads_per_crawl = 2;    // CrawlEnvironment::threads
  const Clock* clock = &Clock::real();
  // Runs one crawl; default CrawlRunner::run. Tests substitute fakes.
  CrawlFunction crawl;
  // Server-level events (crawls started and finished, schedule fires skipped,
  // recovery); may be unset.
  std::function<void(const std::string& level, const std::string& message)> event_log;

  // --- Several servers on one store (crawl_ownership.cc) ---
  // Names this process in the crawls it runs; "" makes one from instance_id
  // (host:instance:pid), or host:pid:random without one.
  std::string server_id;
  // Stable across restarts of one data dir's server: a restarted server
  // recognises the RUNNING crawls of its previous process (same host and
  // instance, another pid) and fails them at once, as on SQLite, instead of
  // waiting for their heartbeat to go stale.
  std::string instance_id;
  // How often the background thread refreshes this server's crawl
  // heartbeats (and, on the leader, re-reads schedules and recovers dead
  // servers' crawls); 0: no thread (tests call tick()). There is no thread
  // on a store with one server (SQLite). At most a third of the timeout.
  int64_t heartbeat_interval_millis = 5000;
  // A RUNNING crawl whose heartbeat is older than this is given up.
  int64_t heartbeat_timeout_millis = 30000;
  // Whether this server leads the scheduler now; unset: always (one server).
  std::function<bool()> is_leader;

  // Glue's crawler state-change events: a crawl this server began (status
  // RUNNING), then every crawl recorded as ended, by this server or by
  // recovery. Outside the service's lock; may be unset.
  std::function<void(const CrawlEvent&)> on_crawl_event;
  // Called when a crawl this server ran has been recorded as ended
  // (last_status SUCCEEDED, FAILED or CANCELLED), outside the service's lock
  // (conditional triggers start crawls from it); may be unset.
  std::function<void(const std::string& account, const std::string& crawler,
                     const std::string& crawl_id, const std::string& last_status)>
      on_crawl_finished;
};

// CRAWL_EVENT_MODE's rules (crawl_event_watch.cc): only S3 and catalog
// targets, no SampleSize; EventQueueArn/DlqEventQueueArn, when given, must be
// SQS ARNs (Mortar reads no queue: the value is kept, never used).
Status validate_event_mode(const Json& crawler);

class CrawlerService {
 public:
  // The store migrations of its tables and CrawlRunner's (server/ runs
  // them, with the catalog's, before building the service).
  static Status migrate(store::Store& store);
  // Recovers crawls a previous process left running and starts the worker
  // threads. Crawls write through `catalog` and `partitions` (the server's
  // one Catalog; both must outlive the service). The store must be migrated.
  static StatusOr<std::unique_ptr<CrawlerService>> create(store::Store& store,
                                                          catalog::Catalog& catalog,
                                                          catalog::PartitionCatalog& partitions,
                                                          CrawlerServiceOptions options);
  // Cancels running crawls, waits for the workers (each returns within ~1 s).
  ~CrawlerService();
  CrawlerService(const CrawlerService&) = delete;
  CrawlerService& operator=(const CrawlerService&) = delete;

  // Registers every SCHEDULED crawler with `scheduler` (which must outlive
  // this service, or be reset with nullptr first).
  Status set_scheduler(CrawlerScheduler* scheduler);

  // --- Crawlers (inputs are the Glue requests, already model-checked) ------
  Status create_crawler(const CallContext& ctx, const Json& request);
  Status update_crawler(const CallContext& ctx, const Json& request);
  Status delete_crawler(const CallContext& ctx, const std::string& name);
  StatusOr<Json> get_crawler(const CallContext& ctx, const std::string& name);
  // Crawler objects after `after` (by name); Page::next is the last name.
  StatusOr<Page> get_crawlers(const CallContext& ctx, const std::string& after, int limit);
  // Crawler names carrying every tag in `tags` (an object; empty: all).
  StatusOr<Page> list_crawlers(const CallContext& ctx, const Json& tags, const std::string& after,
                               int limit);
  // {"Crawlers": [...], "CrawlersNotFound": [...]}.
  StatusOr<Json> batch_get_crawlers(const CallContext& ctx, const std::vector<std::string>& names);

  // Tags by ARN (crawler_tags.cc): the same tags CreateCrawler stored and
  // ListCrawlers filters on. Glue's rules (catalog/tag_rules.h): at most 50
  // per crawler, string values; removing an absent key is fine.
  StatusOr<Json> get_crawler_tags(const CallContext& ctx, const std::string& name);
  Status tag_crawler(const CallContext& ctx, const std::string& name, const Json& tags_to_add);
  Status untag_crawler(const CallContext& ctx, const std::string& name,
                       const std::vector<std::string>& keys);

  Status start_crawler(const CallContext& ctx, const std::string& name);
  Status stop_crawler(const CallContext& ctx, const std::string& name);

  // CrawlerMetrics for `names` (empty: every crawler), from `after` (by name).
  StatusOr<Page> get_crawler_metrics(const CallContext& ctx, const std::vector<std::string>& names,
                                     const std::string& after, int limit);
  // CrawlerHistory objects, newest first, filtered by ListCrawls' Filters;
  // `offset` into the filtered list.
  StatusOr<Page> list_crawls(const CallContext& ctx, const std::string& name, const Json& filters,
                             int64_t offset, int limit);

  // `expression` "" removes the schedule.
  Status update_crawler_schedule(const CallContext& ctx, const std::string& name,
                                 const std::string& expression);
  Status start_crawler_schedule(const CallContext& ctx, const std::string& name);
  Status stop_crawler_schedule(const CallContext& ctx, const std::string& name);

  // A schedule fired for the cron time `scheduled_time` (epoch seconds):
  // claims that fire in the store -- one claim per crawler and time across
  // every server, so a fire already claimed (e.g. by a leader that died just
  // after) is skipped -- and starts the crawl unless it is running (then the
  // fire is skipped and logged, as Glue does). Returns whether it started.
  bool fire_scheduled(const std::string& account, const std::string& name, int64_t scheduled_time);

  // Re-reads every SCHEDULED crawler from the store and brings the
  // scheduler in line (entries whose expression is unchanged keep their next
  // fire): schedules created or changed through other servers reach the leader.
  Status sync_schedules();

  // One round of background work: heartbeat(); on the leader also
  // sync_schedules(), recover_stale_crawls() and pruning old fire claims.
  void tick();
  // Refreshes the heartbeat of every crawl this server runs; a crawl whose
  // claim was given up meanwhile is cancelled here, and one a StopCrawler on
  // another server marked STOPPING is stopped.
  Status heartbeat();
  // Gives up RUNNING crawls whose heartbeat is older than the timeout:
  // FAILED with "the server running this crawl (id …) stopped responding;
  // last heartbeat at …", crawler READY. A fire of that crawler skipped as
  // "running" after the crawl's last heartbeat (its server was already
  // silent: nothing really ran) starts now, once -- the latest, if it is the
  // crawler's latest fire. Returns how many crawls were given up.
  StatusOr<int> recover_stale_crawls();
  const std::string& server_id() const { return options_.server_id; }

  ClassifierRegistry& classifiers() { return classifiers_; }

  // --- CRAWL_EVENT_MODE (crawl_event_watch.cc) ---------------------------------
  // The roots to watch for event-mode crawlers, over all accounts:
  // (account, local path or s3:// URI of an S3Target).
  StatusOr<std::vector<std::pair<std::string, std::string>>> event_watches();
  // Called (under the service's lock) when a crawler was created, updated or
  // deleted, so the watches are re-read; the server's event sources.
  void set_event_watches_listener(std::function<void()> listener);
  // An object was created (an "Object Created" event named it): recorded for
  // each event-mode crawler of `account` with a target above it, for its next
  // crawl. Returns how many crawlers recorded it.
  StatusOr<int> record_object_created(const std::string& account, const std::string& uri);
  int64_t objects_recorded() const { return objects_recorded_.load(); }

  // Blocks until no crawl is queued or running (tests).
  void wait_idle();

 private:
  struct ActiveCrawl {
    std::string account;
    std::string name;
    std::string crawl_id;
    int64_t start_micros = 0;
    bool stopping = false;
    bool lost = false;  // recovery gave the claim up: record nothing more
    std::shared_ptr<CancelToken> cancel = std::make_shared<CancelToken>();
  };
  using Key = std::pair<std::string, std::string>;  // (account, name)

  CrawlerService(store::Store& store, catalog::Catalog& catalog,
                 catalog::PartitionCatalog& partitions, CrawlerServiceOptions options);
  Status recover();
  // Tells the hooks of a crawl recovery recorded FAILED (no lock held).
  void tell_failed(const std::string& account, const CrawlRow& crawl);
  void maintenance_loop();
  void worker();
  void run_crawl(const std::shared_ptr<ActiveCrawl>& crawl);
  // Records a finished crawl and makes the crawler READY.
  void finish(const std::shared_ptr<ActiveCrawl>& crawl, const std::string& last_status,
              const std::string& error, const CrawlResult* result);
  Status start_locked(const std::string& account, const std::string& name)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // In `tx`: claims the crawler (READY -> RUNNING) and records the crawl as
  // this server's. CrawlerRunningException when it is not READY.
  Status claim_crawl(store::Transaction& tx, const ActiveCrawl& crawl);
  std::shared_ptr<ActiveCrawl> new_crawl(const std::string& account, const std::string& name) const;
  void enqueue_locked(std::shared_ptr<ActiveCrawl> crawl) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // In `tx`, after `dead` was given up: claims and returns the crawl of the
  // skipped fire recover_stale_crawls() runs (filling `fire`), or nullptr.
  StatusOr<std::shared_ptr<ActiveCrawl>> refire_skipped(store::Transaction& tx,
                                                        const std::string& account,
                                                        const CrawlRow& dead, Firing* fire);
  Status schedule_locked(const std::string& account, const std::string& name,
                         const std::string& expression) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void unschedule_locked(const std::string& account, const std::string& name)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Json crawler_view(const std::string& account, const Json& body, const std::string& state)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Inside the caller's transaction (the classifiers named must exist).
  Status validate_crawler(store::Transaction& tx, const std::string& account, const Json& crawler);
  void log_event(const std::string& level, const std::string& message) const;
  void event_watches_changed() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The roots an event-mode crawler watches: its S3Targets' paths and its
  // CatalogTargets' tables' locations (local paths without file://).
  std::vector<std::string> event_roots(const std::string& account, const Json& crawler);
  double now() const { return static_cast<double>(clock_.now_micros()) / 1e6; }

  store::Store& store_;
  CrawlerServiceOptions options_;
  const Clock& clock_;
  ClassifierRegistry classifiers_;
  // The server's catalog, which the API serves too.
  catalog::Catalog& catalog_;
  catalog::PartitionCatalog& partitions_;

  absl::Mutex mu_;
  absl::CondVar work_cv_;         // queue_ gained a crawl, or shutting down
  absl::CondVar idle_cv_;         // a crawl finished
  absl::CondVar maintenance_cv_;  // shutting down
  std::map<Key, std::shared_ptr<ActiveCrawl>> active_ ABSL_GUARDED_BY(mu_);
  std::deque<std::shared_ptr<ActiveCrawl>> queue_ ABSL_GUARDED_BY(mu_);
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  CrawlerScheduler* scheduler_ ABSL_GUARDED_BY(mu_) = nullptr;
  // What scheduler_ has, so sync_schedules() touches only what changed.
  std::map<Key, std::string> registered_ ABSL_GUARDED_BY(mu_);
  std::function<void()> watches_changed_ ABSL_GUARDED_BY(mu_);
  std::atomic<int64_t> objects_recorded_{0};
  std::atomic<int64_t> last_prune_{0};  // tick(): when fire claims were last pruned
  std::vector<std::thread> workers_;
  std::thread maintenance_;
};

}  // namespace mortar::crawler
