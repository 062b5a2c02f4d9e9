// CRAWL_EVENT_MODE in the service: which roots are watched (S3Targets'
// paths, CatalogTargets' table locations), which crawlers record an
// "Object Created" object, and what UpdateCrawler and DeleteCrawler do to
// the recorded state.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crawler/plan/crawl_events.h"
#include "crawler/service/crawler_service.h"

namespace mortar::crawler {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr char kAccount[] = "111122223333";

class CrawlEventWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::open_sqlite_store(":memory:")).value();
    ASSERT_TRUE(catalog::Catalog::migrate(*store_).ok());
    ASSERT_TRUE(CrawlerService::migrate(*store_).ok());
    catalog_ = std::make_unique<catalog::Catalog>(*store_, clock_);
    partitions_ = std::make_unique<catalog::PartitionCatalog>(*catalog_);
    CrawlerServiceOptions o;
    o.clock = &clock_;
    o.crawl = [](const Json&, CrawlEnvironment&) -> StatusOr<CrawlResult> { return CrawlResult(); };
    service_ =
        std::move(CrawlerService::create(*store_, *catalog_, *partitions_, std::move(o))).value();
    service_->set_event_watches_listener([this] { ++watch_changes_; });
    ctx_.account_id = ctx_.catalog_id = kAccount;
    ctx_.principal = "root";
    ASSERT_TRUE(catalog_->create_database(ctx_, {{"Name", "db"}}, Json::object()).ok());
  }
  void TearDown() override { service_.reset(); }

  Json crawler(const std::string& name, const std::string& path,
               const std::string& recrawl = "CRAWL_EVENT_MODE") {
    return {{"Name", name},
            {"Role", "arn:aws:iam::111122223333:role/crawler"},
            {"DatabaseName", "db"},
            {"RecrawlPolicy", {{"RecrawlBehavior", recrawl}}},
            {"Targets", {{"S3Targets", {{{"Path", path}}}}}}};
  }
  std::vector<std::string> pending(const std::string& crawler) {
    std::vector<std::string> out;
    auto read = CrawlEvents::pending(*store_, kAccount, crawler);
    EXPECT_TRUE(read.ok()) << read.status();
    if (read.ok())
      for (const auto& o : *read) out.push_back(o.path);
    return out;
  }

  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<catalog::PartitionCatalog> partitions_;
  std::unique_ptr<CrawlerService> service_;
  CallContext ctx_;
  int watch_changes_ = 0;
};

TEST_F(CrawlEventWatchTest, EventModeCrawlersTargetsAreWatched) {
  ASSERT_TRUE(service_->create_crawler(ctx_, crawler("ev", "file:///data/sales/")).ok());
  ASSERT_TRUE(service_->create_crawler(ctx_, crawler("s3", "s3://landing/raw/")).ok());
  ASSERT_TRUE(
      service_->create_crawler(ctx_, crawler("full", "/data/other", "CRAWL_EVERYTHING")).ok());
  EXPECT_EQ(watch_changes_, 3);
  auto watches = service_->event_watches();
  ASSERT_TRUE(watches.ok()) << watches.status();
  EXPECT_THAT(*watches, UnorderedElementsAre(Pair(kAccount, "/data/sales"),
                                             Pair(kAccount, "s3://landing/raw")));

  ASSERT_TRUE(service_->delete_crawler(ctx_, "s3").ok());
  EXPECT_EQ(watch_changes_, 4);
  EXPECT_THAT(*service_->event_watches(), ElementsAre(Pair(kAccount, "/data/sales")));
}

TEST_F(CrawlEventWatchTest, CatalogTargetsWatchTheirTablesLocations) {
  Json table = {{"Name", "t"},
                {"StorageDescriptor", {{"Location", "s3://lake/t/"}, {"Columns", Json::array()}}}};
  ASSERT_TRUE(catalog_->create_table(ctx_, "db", table).ok());
  Json c = crawler("cat", "/unused");
  c["Targets"] = {{"CatalogTargets", {{{"DatabaseName", "db"}, {"Tables", {"t"}}}}}};
  c["SchemaChangePolicy"] = {{"DeleteBehavior", "LOG"}};
  ASSERT_TRUE(service_->create_crawler(ctx_, c).ok());
  EXPECT_THAT(*service_->event_watches(), ElementsAre(Pair(kAccount, "s3://lake/t")));
  EXPECT_EQ(*service_->record_object_created(kAccount, "s3://lake/t/day=1/x.json"), 1);
  EXPECT_THAT(pending("cat"), ElementsAre("s3://lake/t/day=1/x.json"));
}

TEST_F(CrawlEventWatchTest, ObjectsAreRecordedForTheCrawlersAboveThem) {
  ASSERT_TRUE(service_->create_crawler(ctx_, crawler("a", "/data/sales")).ok());
  ASSERT_TRUE(service_->create_crawler(ctx_, crawler("b", "/data")).ok());
  ASSERT_TRUE(service_->create_crawler(ctx_, crawler("full", "/data", "CRAWL_EVERYTHING")).ok());
  EXPECT_EQ(*service_->record_object_created(kAccount, "/data/sales/year=1/x.csv"), 2);
  EXPECT_EQ(*service_->record_object_created(kAccount, "file:///data/salesman/y.csv"), 1);
  EXPECT_EQ(*service_->record_object_created(kAccount, "/elsewhere/z.csv"), 0);
  EXPECT_EQ(*service_->record_object_created("999999999999", "/data/sales/year=1/x.csv"), 0);
  EXPECT_THAT(pending("a"), ElementsAre("/data/sales/year=1/x.csv"));
  EXPECT_THAT(pending("b"), ElementsAre("/data/sales/year=1/x.csv", "/data/salesman/y.csv"));
  EXPECT_TRUE(pending("full").empty());
  EXPECT_EQ(service_->objects_recorded(), 3);
}

TEST_F(CrawlEventWatchTest, UpdateResetsTheBaselineDeleteForgetsEverything) {
  ASSERT_TRUE(service_->create_crawler(ctx_, crawler("a", "/data/sales")).ok());
  ASSERT_TRUE(CrawlEvents::set_baseline(*store_, kAccount, "a").ok());
  ASSERT_EQ(*service_->record_object_created(kAccount, "/data/sales/x.csv"), 1);
  ASSERT_TRUE(service_->update_crawler(ctx_, {{"Name", "a"}, {"Description", "d"}}).ok());
  EXPECT_FALSE(*CrawlEvents::has_baseline(*store_, kAccount, "a"));
  EXPECT_THAT(pending("a"), ElementsAre("/data/sales/x.csv"));  // the next crawl consumes it

  ASSERT_TRUE(CrawlEvents::set_baseline(*store_, kAccount, "a").ok());
  ASSERT_TRUE(service_->delete_crawler(ctx_, "a").ok());
  EXPECT_FALSE(*CrawlEvents::has_baseline(*store_, kAccount, "a"));
  EXPECT_TRUE(pending("a").empty());
}

}  // namespace
}  // namespace mortar::crawler
