// Crawler state transitions under real concurrency: two CrawlerService
// objects (two servers) over two Store objects on one SQLite file or
// PostgreSQL database, many threads racing on one crawler. Each service keeps
// its own in-memory set of running crawls, so only the store row can decide.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <thread>

#include "catalog/catalog.h"
#include "crawler/service/crawler_service.h"
#include "testing/store_backends.h"

namespace mortar::crawler {
namespace {

constexpr int kRacers = 8;

class CrawlerConcurrencyTest : public ::testing::TestWithParam<test_support::StoreBackend> {
 protected:
  void SetUp() override {
    ASSERT_EQ(first_.open(GetParam()), "");
    ASSERT_TRUE(catalog::Catalog::migrate(*first_).ok());
    ASSERT_TRUE(CrawlerService::migrate(*first_).ok());
    ctx_.account_id = ctx_.catalog_id = "111122223333";
    ctx_.principal = "root";
    for (int i = 0; i < 2; ++i) {
      auto s = first_.open_again();
      ASSERT_TRUE(s.ok()) << s.status();
      stores_.push_back(std::move(*s));
      // Each "server" has its own store connection and catalog objects.
      catalogs_.push_back(std::make_unique<catalog::Catalog>(*stores_.back(), clock_));
      partitions_.push_back(std::make_unique<catalog::PartitionCatalog>(*catalogs_.back()));
      CrawlerServiceOptions o;
      o.server_id = "server-" + std::to_string(i);
      o.clock = &clock_;
      o.crawl = [this](const Json&, CrawlEnvironment& env) -> StatusOr<CrawlResult> {
        ++crawls_;
        while (!release_.load()) {
          if (env.cancel.cancelled()) return absl::CancelledError("stopped");
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return CrawlResult();
      };
      auto service = CrawlerService::create(*stores_.back(), *catalogs_.back(),
                                            *partitions_.back(), std::move(o));
      ASSERT_TRUE(service.ok()) << service.status();
      services_.push_back(std::move(*service));
    }
    catalog::Catalog cat(*stores_[0], clock_);
    ASSERT_TRUE(cat.create_database(ctx_, {{"Name", "db"}}, Json::object()).ok());
    ASSERT_TRUE(service(0).create_crawler(ctx_, request()).ok());
  }
  void TearDown() override {
    release_ = true;
    services_.clear();
    partitions_.clear();
    catalogs_.clear();
    stores_.clear();
  }

  CrawlerService& service(int i) { return *services_[i % 2]; }
  static Json request(const std::string& description = "") {
    Json r = {{"Name", "c"},
              {"Role", "arn:aws:iam::111122223333:role/crawler"},
              {"DatabaseName", "db"},
              {"Targets", {{"S3Targets", {{{"Path", "/data/sales"}}}}}}};
    if (!description.empty()) r["Description"] = description;
    return r;
  }
  static std::string glue_name(const Status& s) {
    return glue_error_name(s).value_or("<" + s.ToString() + ">");
  }
  static void race(const std::function<void(int)>& body) {
    std::barrier sync(kRacers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kRacers; ++i) {
      threads.emplace_back([&, i] {
        sync.arrive_and_wait();
        body(i);
      });
    }
    for (auto& t : threads) t.join();
  }

  FakeClock clock_;
  test_support::TestStore first_;
  std::vector<std::unique_ptr<store::Store>> stores_;
  std::vector<std::unique_ptr<catalog::Catalog>> catalogs_;
  std::vector<std::unique_ptr<catalog::PartitionCatalog>> partitions_;
  std::vector<std::unique_ptr<CrawlerService>> services_;
  std::atomic<bool> release_{false};
  std::atomic<int> crawls_{0};
  CallContext ctx_;
};

TEST_P(CrawlerConcurrencyTest, StartCrawlerRaceStartsExactlyOneCrawl) {
  std::atomic<int> started{0}, running{0}, other{0};
  race([&](int i) {
    Status s = service(i).start_crawler(ctx_, "c");
    if (s.ok()) {
      ++started;
    } else if (glue_name(s) == "CrawlerRunningException") {
      ++running;
    } else {
      ++other;
    }
  });
  EXPECT_EQ(started.load(), 1);
  EXPECT_EQ(running.load(), kRacers - 1);
  EXPECT_EQ(other.load(), 0);
  release_ = true;
  service(0).wait_idle();
  service(1).wait_idle();
  EXPECT_EQ(crawls_.load(), 1);
  auto history = service(1).list_crawls(ctx_, "c", Json(), 0, 100);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->items.size(), 1u);
  EXPECT_EQ(service(0).get_crawler(ctx_, "c")->value("State", ""), "READY");
}

TEST_P(CrawlerConcurrencyTest, UpdateAndDeleteRefuseACrawlRunningOnTheOtherServer) {
  ASSERT_TRUE(service(0).start_crawler(ctx_, "c").ok());
  EXPECT_EQ(glue_name(service(1).update_crawler(ctx_, request("x"))), "CrawlerRunningException");
  EXPECT_EQ(glue_name(service(1).delete_crawler(ctx_, "c")), "CrawlerRunningException");
  EXPECT_EQ(glue_name(service(1).start_crawler(ctx_, "c")), "CrawlerRunningException");
  release_ = true;
  service(0).wait_idle();
  EXPECT_TRUE(service(1).update_crawler(ctx_, request("after")).ok());
}

TEST_P(CrawlerConcurrencyTest, ConcurrentUpdatesAndTagsLoseNothing) {
  // Half the racers update the definition, half tag the crawler: every update
  // bumps Version once and every tag stays (UpdateCrawler rewrites the row).
  std::atomic<int> failed{0};
  race([&](int i) {
    Status s = i % 2 == 0 ? service(i).update_crawler(ctx_, request("d" + std::to_string(i)))
                          : service(i).tag_crawler(ctx_, "c", {{"k" + std::to_string(i), "v"}});
    if (!s.ok()) ++failed;
  });
  EXPECT_EQ(failed.load(), 0);
  auto c = service(0).get_crawler(ctx_, "c");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->value("Version", 0), 1 + kRacers / 2);
  auto tags = service(1).get_crawler_tags(ctx_, "c");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags->size(), static_cast<size_t>(kRacers / 2));
}

INSTANTIATE_TEST_SUITE_P(Backends, CrawlerConcurrencyTest,
                         ::testing::Values(test_support::StoreBackend::kSqliteFile,
                                           test_support::StoreBackend::kPostgres),
                         [](const auto& info) { return test_support::backend_name(info.param); });

}  // namespace
}  // namespace mortar::crawler
