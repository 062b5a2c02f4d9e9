// CrawlerService tags: what TagResource/UntagResource/GetTags on a crawler
// ARN do to the tags CreateCrawler stored and ListCrawlers filters on.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "catalog/catalog.h"
#include "catalog/tag_rules.h"
#include "crawler/service/crawler_service.h"

namespace mortar::crawler {
namespace {

using namespace std::chrono_literals;

class CrawlerTagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::open_sqlite_store(":memory:")).value();
    ASSERT_TRUE(catalog::Catalog::migrate(*store_).ok());
    ASSERT_TRUE(CrawlerService::migrate(*store_).ok());
    catalog_ = std::make_unique<catalog::Catalog>(*store_, clock_);
    partitions_ = std::make_unique<catalog::PartitionCatalog>(*catalog_);
    CrawlerServiceOptions o;
    o.clock = &clock_;
    o.crawl = [this](const Json&, CrawlEnvironment& env) -> StatusOr<CrawlResult> {
      while (!release_.load() && !env.cancel.cancelled()) std::this_thread::sleep_for(1ms);
      return CrawlResult{};
    };
    service_ = std::move(CrawlerService::create(*store_, *catalog_, *partitions_, std::move(o)))
                   .value();
    ctx_.account_id = ctx_.catalog_id = "111122223333";
    ctx_.principal = "root";
    // The crawlers write into "db": without it a started crawl fails at once
    // and a test that looks at a running crawl races that failure.
    ASSERT_TRUE(catalog_->create_database(ctx_, {{"Name", "db"}}, Json::object()).ok());
  }
  void TearDown() override {
    release_ = true;
    service_.reset();
  }
  Status create(const std::string& name, const Json& tags) {
    Json request = {{"Name", name},
                    {"Role", "arn:aws:iam::111122223333:role/crawler"},
                    {"DatabaseName", "db"},
                    {"Targets", {{"S3Targets", {{{"Path", "/data/sales"}}}}}}};
    if (!tags.is_null()) request["Tags"] = tags;
    return service_->create_crawler(ctx_, request);
  }
  Json tags(const std::string& name) { return service_->get_crawler_tags(ctx_, name).value(); }
  std::vector<Json> listed(const Json& filter) {
    return service_->list_crawlers(ctx_, filter, "", 100).value().items;
  }
  static Json many_tags(int n, const std::string& prefix) {
    Json out = Json::object();
    for (int i = 0; i < n; ++i) out[prefix + std::to_string(i)] = "v";
    return out;
  }

  FakeClock clock_;
  std::atomic<bool> release_{false};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<catalog::PartitionCatalog> partitions_;
  std::unique_ptr<CrawlerService> service_;
  catalog::CallContext ctx_;
};

TEST_F(CrawlerTagsTest, TagsGivenAtCreationAreReadAndChangedByArn) {
  ASSERT_TRUE(create("c1", {{"team", "data"}, {"tier", "gold"}}).ok());
  ASSERT_TRUE(create("c2", Json()).ok());
  EXPECT_EQ(tags("c1"), Json({{"team", "data"}, {"tier", "gold"}}));
  EXPECT_EQ(tags("c2"), Json::object());

  ASSERT_TRUE(service_->tag_crawler(ctx_, "c1", {{"tier", "silver"}, {"pii", "no"}}).ok());
  EXPECT_EQ(tags("c1"), Json({{"team", "data"}, {"tier", "silver"}, {"pii", "no"}}));
  // ListCrawlers' Tags filter sees the change.
  EXPECT_EQ(listed({{"tier", "silver"}}), std::vector<Json>{"c1"});
  EXPECT_TRUE(listed({{"tier", "gold"}}).empty());

  // Removing a key that is not there is fine.
  ASSERT_TRUE(service_->untag_crawler(ctx_, "c1", {"team", "absent"}).ok());
  EXPECT_EQ(tags("c1"), Json({{"tier", "silver"}, {"pii", "no"}}));
  EXPECT_TRUE(listed({{"team", "data"}}).empty());
  ASSERT_TRUE(service_->tag_crawler(ctx_, "c2", {{"team", "data"}}).ok());
  EXPECT_EQ(listed({{"team", "data"}}), std::vector<Json>{"c2"});
}

TEST_F(CrawlerTagsTest, UnknownCrawlerIsNotFound) {
  EXPECT_EQ(service_->get_crawler_tags(ctx_, "nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(service_->tag_crawler(ctx_, "nope", {{"a", "b"}}).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(service_->untag_crawler(ctx_, "nope", {"a"}).code(), absl::StatusCode::kNotFound);
  // Another account's crawler of the same name is not this account's.
  ASSERT_TRUE(create("mine", {{"a", "b"}}).ok());
  catalog::CallContext other = ctx_;
  other.account_id = other.catalog_id = "444455556666";
  EXPECT_EQ(service_->get_crawler_tags(other, "mine").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CrawlerTagsTest, AtMostFiftyTagsPerCrawler) {
  EXPECT_EQ(create("big", many_tags(51, "k")).code(), absl::StatusCode::kResourceExhausted);
  ASSERT_TRUE(create("c", many_tags(30, "a")).ok());
  // 30 + 21 new keys: refused, and nothing of the request is kept.
  Status s = service_->tag_crawler(ctx_, "c", many_tags(21, "b"));
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_EQ(tags("c").size(), 30u);
  // Overwriting existing keys does not count twice; reaching exactly 50 is fine.
  ASSERT_TRUE(service_->tag_crawler(ctx_, "c", many_tags(30, "a")).ok());
  ASSERT_TRUE(service_->tag_crawler(ctx_, "c", many_tags(20, "b")).ok());
  EXPECT_EQ(tags("c").size(), 50u);
}

TEST_F(CrawlerTagsTest, TagValuesMustBeStrings) {
  ASSERT_TRUE(create("c", Json()).ok());
  EXPECT_EQ(service_->tag_crawler(ctx_, "c", {{"n", 5}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(create("d", {{"n", true}}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tags("c"), Json::object());
}

TEST_F(CrawlerTagsTest, TaggingLeavesTheDefinitionAndARunningCrawlAlone) {
  ASSERT_TRUE(create("c", {{"a", "1"}}).ok());
  ASSERT_TRUE(service_->start_crawler(ctx_, "c").ok());
  ASSERT_TRUE(service_->tag_crawler(ctx_, "c", {{"b", "2"}}).ok());
  EXPECT_EQ(service_->get_crawler(ctx_, "c")->value("State", ""), "RUNNING");
  release_ = true;
  service_->wait_idle();
  // The crawl's end rewrote the row: the tags added meanwhile are still there.
  EXPECT_EQ(service_->get_crawler(ctx_, "c")->value("State", ""), "READY");
  EXPECT_EQ(tags("c"), Json({{"a", "1"}, {"b", "2"}}));
  // UpdateCrawler keeps the tags, and tagging does not bump the definition's Version.
  Json update = {{"Name", "c"}, {"Description", "changed"}};
  ASSERT_TRUE(service_->update_crawler(ctx_, update).ok());
  EXPECT_EQ(tags("c"), Json({{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(service_->get_crawler(ctx_, "c")->value("Version", 0), 2);
}

TEST_F(CrawlerTagsTest, TagsGoAwayWithTheCrawler) {
  ASSERT_TRUE(create("c", {{"a", "1"}}).ok());
  ASSERT_TRUE(service_->delete_crawler(ctx_, "c").ok());
  ASSERT_TRUE(create("c", Json()).ok());
  EXPECT_EQ(tags("c"), Json::object());
}

// The shared ARN rules the router applies before any tagger runs.
TEST(TagArnTest, ParsesGlueArnsAndRefusesOthers) {
  catalog::CallContext ctx;
  ctx.account_id = ctx.catalog_id = "111122223333";
  auto a = catalog::parse_tag_arn(ctx, "arn:aws:glue:us-east-1:111122223333:crawler/my/odd:name");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->type, "crawler");
  EXPECT_EQ(a->path, "my/odd:name");
  EXPECT_EQ(catalog::parse_tag_arn(ctx, "arn:aws:glue:us-east-1:111122223333").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      catalog::parse_tag_arn(ctx, "arn:aws:s3:us-east-1:111122223333:crawler/x").status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      catalog::parse_tag_arn(ctx, "arn:aws:glue:us-east-1:444455556666:crawler/x").status().code(),
      absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace mortar::crawler
