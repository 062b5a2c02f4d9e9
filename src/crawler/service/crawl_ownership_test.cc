// Several CrawlerServices on one store, as several `mortar serve` processes
// share one PostgreSQL: schedule fires claimed once, atomic starts, crawl
// heartbeats and recovery of a dead server's crawls, StopCrawler through
// another server, schedules created elsewhere reaching the leader. A fake
// clock drives the heartbeat timeout; tick()/heartbeat() are called by hand.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "crawler/service/crawl_claims.h"
#include "crawler/service/crawler_rows.h"
#include "crawler/service/crawler_service.h"
#include "testing/memory_log_sink.h"
#include "testing/store_backends.h"

namespace mortar::crawler {
namespace {

using namespace std::chrono_literals;

// A crawl that runs until released or cancelled.
struct BlockingCrawl {
  std::atomic<bool> release{false};
  CrawlFunction fn() {
    return [this](const Json&, CrawlEnvironment& env) -> StatusOr<CrawlResult> {
      env.log("INFO", "crawling");
      while (!release.load()) {
        if (env.cancel.cancelled()) return absl::CancelledError("stopped");
        std::this_thread::sleep_for(1ms);
      }
      return CrawlResult{};
    };
  }
};

class CountingScheduler : public CrawlerScheduler {
 public:
  Status schedule(const std::string&, const std::string& crawler,
                  const std::string& expr) override {
    entries[crawler] = expr;
    ++calls;
    return ok_status();
  }
  void unschedule(const std::string&, const std::string& crawler) override {
    entries.erase(crawler);
  }
  std::map<std::string, std::string> entries;
  int calls = 0;
};

std::string exception_name(const Status& s) {
  return glue_error_name(s).value_or("<" + s.ToString() + ">");
}

using test_support::StoreBackend;

class CrawlOwnershipTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    const std::string error = store_.open(GetParam());
    ASSERT_EQ(error, "");
    ASSERT_TRUE(catalog::Catalog::migrate(*store_).ok());
    ASSERT_TRUE(CrawlerService::migrate(*store_).ok());
    catalog_ = std::make_unique<catalog::Catalog>(*store_, clock_);
    partitions_ = std::make_unique<catalog::PartitionCatalog>(*catalog_);
    dir_ =
        std::filesystem::temp_directory_path() /
        ("crawl_ownership_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter_));
    std::filesystem::remove_all(dir_);
    // Both "servers" exist before any crawl: a service made later on this
    // SQLite store would fail every RUNNING crawl as a restart.
    a_ = make("server-a", a_crawl_);
    b_ = make("server-b", b_crawl_);
    ctx_.account_id = ctx_.catalog_id = "111122223333";
    ctx_.principal = "root";
    ASSERT_TRUE(catalog_->create_database(ctx_, {{"Name", "db"}}, Json::object()).ok());
    ASSERT_TRUE(a_->create_crawler(ctx_, crawler_request("c")).ok());
  }
  void TearDown() override {
    a_crawl_.release = b_crawl_.release = true;
    a_.reset();
    b_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<CrawlerService> make(const std::string& id, BlockingCrawl& crawl,
                                       const std::string& instance = "") {
    CrawlerServiceOptions o;
    o.instance_id = instance;
    o.log_sink = &log_sink_;  // the servers share the store, where logs live
    o.clock = &clock_;
    o.crawl = crawl.fn();
    o.server_id = id;
    o.heartbeat_interval_millis = 0;
    o.heartbeat_timeout_millis = 30'000;
    o.is_leader = [this, id] { return leader_ == id; };
    o.on_crawl_finished = [this, id](const std::string&, const std::string& crawler,
                                     const std::string& crawl_id, const std::string& status) {
      std::lock_guard<std::mutex> lock(told_mu_);
      told_.push_back(id + " finished " + crawler + " " + crawl_id + " " + status);
    };
    o.on_crawl_event = [this, id](const CrawlEvent& e) {
      std::lock_guard<std::mutex> lock(told_mu_);
      told_.push_back(id + " event " + e.crawler + " " + e.crawl_id + " " + e.status);
    };
    return std::move(CrawlerService::create(*store_, *catalog_, *partitions_, std::move(o)))
        .value();
  }
  Json crawler_request(const std::string& name) {
    return {{"Name", name},
            {"Role", "arn:aws:iam::111122223333:role/crawler"},
            {"DatabaseName", "db"},
            {"Targets", {{"S3Targets", {{{"Path", "/data/sales"}}}}}}};
  }
  Json crawler(const std::string& name = "c") { return *b_->get_crawler(ctx_, name); }
  std::vector<Json> crawls(const std::string& name = "c") {
    return b_->list_crawls(ctx_, name, Json(), 0, 50)->items;
  }
  std::vector<Firing> firings(const std::string& name = "c") {
    std::vector<Firing> out;
    EXPECT_TRUE(store::run_in_read_transaction(*store_, [&](store::Transaction& tx) -> Status {
                  MORTAR_ASSIGN_OR_RETURN(out, list_firings(tx, ctx_.account_id, name));
                  return ok_status();
                }).ok());
    return out;
  }

  std::vector<std::string> told() {
    std::lock_guard<std::mutex> lock(told_mu_);
    return told_;
  }

  std::mutex told_mu_;
  std::vector<std::string> told_;  // what the hooks heard: "<server> finished|event ..."
  static inline std::atomic<int> counter_{0};
  FakeClock clock_;
  BlockingCrawl a_crawl_, b_crawl_;
  std::string leader_ = "server-b";
  test_support::TestStore store_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<catalog::PartitionCatalog> partitions_;
  std::unique_ptr<CrawlerService> a_, b_;
  std::filesystem::path dir_;
  test_support::MemoryLogSink log_sink_;
  CallContext ctx_;
};

TEST_P(CrawlOwnershipTest, AScheduleFireRunsOnceAcrossServers) {
  const int64_t t = 1700000400;
  EXPECT_TRUE(a_->fire_scheduled(ctx_.account_id, "c", t));
  a_crawl_.release = true;
  a_->wait_idle();
  // The new leader replays the same cron time (catch-up after a failover):
  // the claim is there, nothing runs twice.
  EXPECT_FALSE(b_->fire_scheduled(ctx_.account_id, "c", t));
  EXPECT_FALSE(a_->fire_scheduled(ctx_.account_id, "c", t));
  ASSERT_EQ(crawls().size(), 1u);
  auto f = firings();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].server_id, "server-a");
  EXPECT_EQ(f[0].outcome, "STARTED");
  EXPECT_EQ(f[0].crawl_id, crawls()[0]["CrawlId"]);
  // The next cron time is a new fire.
  EXPECT_TRUE(b_->fire_scheduled(ctx_.account_id, "c", t + 300));
  b_crawl_.release = true;
  b_->wait_idle();
  EXPECT_EQ(crawls().size(), 2u);
  EXPECT_EQ(firings().size(), 2u);
}

TEST_P(CrawlOwnershipTest, AFireWhileTheCrawlRunsElsewhereIsSkippedAndSpent) {
  ASSERT_TRUE(a_->start_crawler(ctx_, "c").ok());
  // B has no crawl of its own: the store's state says RUNNING.
  EXPECT_EQ(exception_name(b_->start_crawler(ctx_, "c")), "CrawlerRunningException");
  EXPECT_FALSE(b_->fire_scheduled(ctx_.account_id, "c", 1700000400));
  auto f = firings();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].crawl_id, "");
  EXPECT_NE(f[0].outcome.find("SKIPPED"), std::string::npos) << f[0].outcome;
  a_crawl_.release = true;
  a_->wait_idle();
  // Spent, as in Glue: the skipped time is not fired later either.
  EXPECT_FALSE(b_->fire_scheduled(ctx_.account_id, "c", 1700000400));
  EXPECT_EQ(crawls().size(), 1u);
}

TEST_P(CrawlOwnershipTest, ADeadServersCrawlIsFailedWithTheReason) {
  ASSERT_TRUE(a_->start_crawler(ctx_, "c").ok());
  const std::string crawl_id = crawls()[0]["CrawlId"];
  auto log_text = [&] { return log_sink_.text(ctx_.account_id, "/aws-glue/crawlers", "c"); };
  for (int i = 0; i < 2000 && log_text().find("crawling") == std::string::npos; ++i)
    std::this_thread::sleep_for(1ms);
  // Server A stops beating. Within the timeout nothing happens.
  clock_.advance(29'000'000);
  EXPECT_EQ(*b_->recover_stale_crawls(), 0);
  EXPECT_EQ(crawler()["State"], "RUNNING");
  clock_.advance(2'000'000);
  EXPECT_EQ(*b_->recover_stale_crawls(), 1);

  const std::string reason =
      "the server running this crawl (id server-a) stopped responding; last heartbeat at "
      "2023-11-14T22:13:20Z";
  Json c = crawler();
  EXPECT_EQ(c["State"], "READY");
  EXPECT_EQ(c["LastCrawl"]["Status"], "FAILED");
  EXPECT_EQ(c["LastCrawl"]["ErrorMessage"], reason);
  EXPECT_EQ(c["LastCrawl"]["MessagePrefix"], crawl_id);
  auto history = crawls();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]["State"], "FAILED");
  EXPECT_EQ(history[0]["ErrorMessage"], reason);
  // The crawl's log says so too.
  EXPECT_NE(log_text().find(reason), std::string::npos) << log_text();
  // The recovering server tells its hooks (conditional triggers on FAILED,
  // the crawler event); the dead one had told of the start.
  EXPECT_EQ(told(), (std::vector<std::string>{"server-a event c " + crawl_id + " RUNNING",
                                              "server-b event c " + crawl_id + " FAILED",
                                              "server-b finished c " + crawl_id + " FAILED"}));
  // The crawler runs again, on the live server.
  ASSERT_TRUE(b_->start_crawler(ctx_, "c").ok());
  b_crawl_.release = true;
  b_->wait_idle();
  EXPECT_EQ(crawler()["LastCrawl"]["Status"], "SUCCEEDED");
}

TEST_P(CrawlOwnershipTest, ARestartedServerFailsItsPreviousProcesssCrawlAtOnce) {
  // Same data dir (instance), another pid: the first process was killed with
  // its heartbeat still fresh; the next one knows the crawl is dead.
  const std::string prefix = server_id_prefix("inst");
  BlockingCrawl first_crawl, second_crawl;
  auto first = make(prefix + "111", first_crawl, "inst");
  ASSERT_TRUE(first->start_crawler(ctx_, "c").ok());
  EXPECT_EQ(crawler()["State"], "RUNNING");
  auto second = make(prefix + "222", second_crawl, "inst");
  Json c = crawler();
  EXPECT_EQ(c["State"], "READY");
  EXPECT_EQ(c["LastCrawl"]["Status"], "FAILED");
  EXPECT_EQ(c["LastCrawl"]["ErrorMessage"], "server restarted during the crawl");
  // The old process, were it still running, records nothing over that.
  first_crawl.release = true;
  first->wait_idle();
  auto history = crawls();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]["State"], "FAILED");
  second_crawl.release = true;
  second.reset();
  first.reset();
}

TEST_P(CrawlOwnershipTest, AFireSkippedForADeadServersCrawlRunsOnceWhenItIsGivenUp) {
  const int64_t t = 1700000400;
  ASSERT_TRUE(a_->fire_scheduled(ctx_.account_id, "c", t));
  // A dies; B takes the lead before the timeout and fires the next hour,
  // which finds the crawler still RUNNING.
  clock_.advance(1'000'000);
  EXPECT_FALSE(b_->fire_scheduled(ctx_.account_id, "c", t + 3600));
  ASSERT_EQ(firings().size(), 2u);
  EXPECT_EQ(firings()[1].crawl_id, "");
  clock_.advance(30'000'000);
  EXPECT_EQ(*b_->recover_stale_crawls(), 1);
  // That hour runs now, on B, once.
  auto history = crawls();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1]["State"], "FAILED");
  EXPECT_EQ(history[0]["State"], "RUNNING");
  auto f = firings();
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].outcome, "STARTED");
  EXPECT_EQ(f[1].crawl_id, history[0]["CrawlId"]);
  EXPECT_EQ(*b_->recover_stale_crawls(), 0);
  b_crawl_.release = true;
  b_->wait_idle();
  EXPECT_EQ(crawls().size(), 2u);
  EXPECT_EQ(crawls()[0]["State"], "COMPLETED");
  EXPECT_EQ(crawler()["LastCrawl"]["Status"], "SUCCEEDED");
}

TEST_P(CrawlOwnershipTest, AFireSkippedWhileTheOwnerWasAliveStaysSpentWhenItDiesLater) {
  ASSERT_TRUE(a_->start_crawler(ctx_, "c").ok());
  EXPECT_FALSE(b_->fire_scheduled(ctx_.account_id, "c", 1700000400));
  clock_.advance(1'000'000);
  ASSERT_TRUE(a_->heartbeat().ok());  // A was alive after the skip
  clock_.advance(31'000'000);
  EXPECT_EQ(*b_->recover_stale_crawls(), 1);
  EXPECT_EQ(crawls().size(), 1u);
  EXPECT_EQ(crawler()["State"], "READY");
  EXPECT_NE(firings()[0].outcome.find("SKIPPED"), std::string::npos);
}

TEST_P(CrawlOwnershipTest, ALateServerLearnsItsCrawlWasGivenUpAndRecordsNothing) {
  ASSERT_TRUE(a_->start_crawler(ctx_, "c").ok());
  clock_.advance(31'000'000);
  ASSERT_EQ(*b_->recover_stale_crawls(), 1);
  ASSERT_TRUE(b_->start_crawler(ctx_, "c").ok());  // the crawler is B's now
  // A was only slow: its next heartbeat finds the claim gone and cancels.
  ASSERT_TRUE(a_->heartbeat().ok());
  a_->wait_idle();
  auto history = crawls();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1]["State"], "FAILED");   // A's: the recovery's verdict stands
  EXPECT_EQ(history[0]["State"], "RUNNING");  // B's is untouched
  EXPECT_EQ(crawler()["State"], "RUNNING");
  b_crawl_.release = true;
  b_->wait_idle();
  EXPECT_EQ(crawler()["State"], "READY");
  EXPECT_EQ(crawls()[0]["State"], "COMPLETED");
}

TEST_P(CrawlOwnershipTest, HeartbeatsKeepALongCrawlAlive) {
  ASSERT_TRUE(a_->start_crawler(ctx_, "c").ok());
  for (int i = 0; i < 10; ++i) {
    clock_.advance(20'000'000);
    ASSERT_TRUE(a_->heartbeat().ok());
    EXPECT_EQ(*b_->recover_stale_crawls(), 0);
  }
  EXPECT_EQ(crawler()["State"], "RUNNING");
  a_crawl_.release = true;
  a_->wait_idle();
  EXPECT_EQ(crawls()[0]["State"], "COMPLETED");
}

TEST_P(CrawlOwnershipTest, OnlyTheLeaderRecoversInItsTick) {
  ASSERT_TRUE(a_->start_crawler(ctx_, "c").ok());
  clock_.advance(31'000'000);
  leader_ = "nobody";
  b_->tick();
  EXPECT_EQ(crawler()["State"], "RUNNING");
  leader_ = "server-b";
  b_->tick();
  EXPECT_EQ(crawler()["State"], "READY");
  EXPECT_EQ(crawler()["LastCrawl"]["Status"], "FAILED");
}

TEST_P(CrawlOwnershipTest, StopCrawlerThroughAnotherServer) {
  ASSERT_TRUE(a_->start_crawler(ctx_, "c").ok());
  ASSERT_TRUE(b_->stop_crawler(ctx_, "c").ok());
  EXPECT_EQ(crawler()["State"], "STOPPING");
  EXPECT_EQ(exception_name(b_->stop_crawler(ctx_, "c")), "CrawlerStoppingException");
  ASSERT_TRUE(a_->heartbeat().ok());  // A sees STOPPING and stops its crawl
  a_->wait_idle();
  EXPECT_EQ(crawler()["State"], "READY");
  EXPECT_EQ(crawler()["LastCrawl"]["Status"], "CANCELLED");
  EXPECT_EQ(crawls()[0]["State"], "STOPPED");
  EXPECT_EQ(exception_name(b_->stop_crawler(ctx_, "c")), "CrawlerNotRunningException");
}

TEST_P(CrawlOwnershipTest, SchedulesMadeThroughAnotherServerReachTheLeader) {
  CountingScheduler sched;
  ASSERT_TRUE(b_->set_scheduler(&sched).ok());
  Json req = crawler_request("s");
  req["Schedule"] = "cron(0 2 * * ? *)";
  ASSERT_TRUE(a_->create_crawler(ctx_, req).ok());  // through A, which does not lead
  EXPECT_EQ(sched.entries.count("s"), 0u);
  b_->tick();
  EXPECT_EQ(sched.entries["s"], "cron(0 2 * * ? *)");
  const int calls = sched.calls;
  b_->tick();  // unchanged: not registered again (that would move its next fire)
  EXPECT_EQ(sched.calls, calls);
  ASSERT_TRUE(a_->update_crawler_schedule(ctx_, "s", "cron(30 3 * * ? *)").ok());
  b_->tick();
  EXPECT_EQ(sched.entries["s"], "cron(30 3 * * ? *)");
  ASSERT_TRUE(a_->stop_crawler_schedule(ctx_, "s").ok());
  b_->tick();
  EXPECT_EQ(sched.entries.count("s"), 0u);
  ASSERT_TRUE(b_->set_scheduler(nullptr).ok());
}

// SQLite: the one-server store of a data dir, but the store logic is the
// same; PostgreSQL: what several servers really share.
INSTANTIATE_TEST_SUITE_P(Backends, CrawlOwnershipTest,
                         ::testing::Values(StoreBackend::kSqliteMemory, StoreBackend::kPostgres),
                         [](const auto& info) { return test_support::backend_name(info.param); });

}  // namespace
}  // namespace mortar::crawler
