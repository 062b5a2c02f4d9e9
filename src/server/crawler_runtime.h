// The crawler runtime of `mortar serve`: the CrawlerService, the
// schedule::Scheduler that fires crawler schedules (crawler/ cannot depend
// on schedule/, so the bridge lives here), and the test-only clock.
//
// Test-only: when MORTAR_TEST_CLOCK_FILE names a file, the scheduler's clock
// is the real clock plus the whole number of seconds that file holds (0 if
// absent or unreadable; re-read on every call), the scheduler re-reads the
// clock every 100 ms, and the 5-minute minimum schedule interval is lifted.
// A test writes "3600" into the file to make an hour pass for schedules.
// Never set it in production.
#pragma once

#include <memory>
#include <string>

#include "api/next_token.h"
#include "api/operation.h"
#include "common/clock.h"
#include "crawler/service/crawler_service.h"
#include "schedule/scheduler.h"
#include "store/store.h"

namespace mortar::server {

class CrawlerRuntime : public crawler::CrawlerScheduler {
 public:
  // Creates the service (migrating its tables, recovering crawls left
  // running), registers schedules and starts the scheduler.
  static StatusOr<std::unique_ptr<CrawlerRuntime>> start(store::Store& store, const std::string& data_dir);
  // Stops the scheduler first, then the service (cancelling running crawls).
  ~CrawlerRuntime() override;

  Status register_operations(api::OperationRegistry& registry, const api::NextTokenCodec& codec);

  // The server's one Scheduler and the clock it follows (the test clock when
  // set): other periodic work (audit retention) registers here too.
  schedule::Scheduler& scheduler() { return *scheduler_; }
  const Clock& clock() const { return test_clock_ ? *test_clock_ : Clock::real(); }

  // crawler::CrawlerScheduler
  Status schedule(const std::string& account, const std::string& crawler,
                  const std::string& expression) override;
  void unschedule(const std::string& account, const std::string& crawler) override;

 private:
  CrawlerRuntime() = default;
  static std::string entry_id(const std::string& account, const std::string& crawler);

  std::unique_ptr<Clock> test_clock_;  // set with MORTAR_TEST_CLOCK_FILE
  std::unique_ptr<crawler::CrawlerService> service_;
  std::unique_ptr<schedule::Scheduler> scheduler_;
};

}  // namespace mortar::server
