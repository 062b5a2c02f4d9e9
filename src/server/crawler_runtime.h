// The crawler runtime of `mortar serve`: the CrawlerService, bridged to the
// server's one schedule::Scheduler (crawler/ cannot depend on schedule/, so
// the bridge lives here). It owns neither the Scheduler nor the catalog: the
// server's parts (parts.h) lend them.
#pragma once

#include <memory>
#include <string>

#include "api/next_token.h"
#include "api/operation.h"
#include "catalog/catalog.h"
#include "catalog/partition_catalog.h"
#include "crawler/service/crawler_service.h"
#include "schedule/scheduler.h"
#include "store/store.h"

namespace mortar::server {

struct CrawlerRuntimeOptions {
  std::string data_dir;  // crawl logs go under <data_dir>/logs/crawlers/
  // Glue's 5-minute minimum between schedule fires (lifted with the test clock).
  bool enforce_min_schedule_interval = true;
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
