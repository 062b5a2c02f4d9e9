// The crawler runtime of `mortar serve`: the CrawlerService, bridged to the
// server's one schedule::Scheduler (crawler/ cannot depend on schedule/, so
// the bridge lives here). It owns neither the Scheduler nor the catalog: the
// server's parts (parts.h) lend them.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/next_token.h"
#include "api/operation.h"
#include "catalog/catalog.h"
#include "catalog/partition_catalog.h"
#include "crawler/service/crawler_service.h"
#include "logs/log_sink.h"
#include "schedule/scheduler.h"
#include "store/store.h"

namespace mortar::server {

struct CrawlerRuntimeOptions {
  logs::LogSink* log_sink = nullptr;  // where crawls log (crawler/service/crawl_log.h)
  std::string instance_id;  // the data dir's server.id: stable across restarts
  // Glue's 5-minute minimum between schedule fires (lifted with the test clock).
  bool enforce_min_schedule_interval = true;

  // Several servers on one store (crawler/service/README.md).
  // Whether this server leads the scheduler now; unset: always.
  std::function<bool()> is_leader;
  // A RUNNING crawl whose server has not beaten for this long is FAILED.
  int64_t heartbeat_timeout_seconds = 30;
  // On taking the lead, each crawler's latest cron time this recent that no
  // server claimed fires once; older misses are not backfilled.
  int64_t catch_up_window_seconds = 600;
  // A crawl began or ended (Glue's crawler events; CrawlerServiceOptions).
  std::function<void(const crawler::CrawlEvent&)> on_crawl_event;
  // Called when a crawl this server ran ended (conditional triggers).
  std::function<void(const std::string& account, const std::string& crawler,
                     const std::string& crawl_id, const std::string& last_status)>
      on_crawl_finished;
};

class CrawlerRuntime : public crawler::CrawlerScheduler {
 public:
  // Creates the service (recovering crawls left running) and registers the
  // crawler schedules on `scheduler`. The store must be migrated
  // (CrawlerService::migrate); every argument must outlive the runtime.
  static StatusOr<std::unique_ptr<CrawlerRuntime>> start(store::Store& store,
                                                         catalog::Catalog& catalog,
                                                         catalog::PartitionCatalog& partitions,
                                                         schedule::Scheduler& scheduler,
                                                         CrawlerRuntimeOptions options);
  // Removes its schedule entries and waits for fires in flight, then stops
  // the service (cancelling running crawls).
  ~CrawlerRuntime() override;

  void register_operations(api::OperationRegistry& registry, const api::NextTokenCodec& codec);
  // The service, for the parts that act on crawlers (trigger actions).
  crawler::CrawlerService& service() { return *service_; }

  // This server has just become the scheduler's leader (at start-up, or on
  // taking over from a dead one); call it before the scheduler runs.
  // Re-reads the crawler schedules from the store (others may have changed
  // them) and re-arms them for the catch-up window. `now_seconds` is on the
  // scheduler's clock.
  Status on_leadership_acquired(int64_t now_seconds);

  // crawler::CrawlerScheduler
  Status schedule(const std::string& account, const std::string& crawler,
                  const std::string& expression) override;
  void unschedule(const std::string& account, const std::string& crawler) override;

 private:
  CrawlerRuntime(schedule::Scheduler& scheduler, CrawlerRuntimeOptions options)
      : scheduler_(scheduler), options_(std::move(options)) {}
  static std::string entry_id(const std::string& account, const std::string& crawler);

  schedule::Scheduler& scheduler_;
  const CrawlerRuntimeOptions options_;
  std::unique_ptr<crawler::CrawlerService> service_;
};

}  // namespace mortar::server
