// CRAWL_EVENT_MODE end to end through CrawlRunner::run on a real catalog:
// the first crawl lists everything; later crawls list only the folders of
// the objects recorded as created (crawl_events.h) and take every other file
// from the manifest; no recorded object, no crawl. And the rules
// CreateCrawler checks for event mode (validate_event_mode).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "crawler/apply/apply_test_util.h"
#include "crawler/apply/crawl_runner.h"
#include "crawler/plan/crawl_events.h"
#include "crawler/service/crawler_service.h"

namespace mortar::crawler {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr char kAccount[] = "123456789012";

class CrawlEventModeTest : public ApplyTest {
 protected:
  void SetUp() override {
    ApplyTest::SetUp();
    ASSERT_TRUE(CrawlRunner::migrate(*store_).ok());
    data_ = dir_ / "data";
    write(data_ / "year=2024" / "a.csv", "id,name\n1,ann\n2,bob\n");
    write(data_ / "year=2025" / "b.csv", "id,name\n3,cy\n4,di\n");
  }

  static void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  Json crawler() const {
    Json c = {{"Name", "c1"},
              {"DatabaseName", "sales"},
              {"RecrawlPolicy", {{"RecrawlBehavior", "CRAWL_EVENT_MODE"}}},
              {"Targets", {{"S3Targets", Json::array({{{"Path", data_.string()}}})}}}};
    if (delete_from_database_)
      c["SchemaChangePolicy"] = {{"DeleteBehavior", "DELETE_FROM_DATABASE"}};
    return c;
  }
  StatusOr<CrawlResult> crawl() {
    log_lines_.clear();
    auto e = env();
    return CrawlRunner::run(crawler(), e);
  }
  void created(const fs::path& p) {
    ASSERT_TRUE(store::run_in_write_transaction(*store_, [&](store::Transaction& tx) {
                  return CrawlEvents::record(tx, kAccount, "c1", p.string(), clock_.now_micros());
                }).ok());
  }
  std::vector<std::string> partition_values() {
    std::vector<std::string> out;
    for (const Json& p : partitions("data")) out.push_back(p["Values"][0].get<std::string>());
    return out;
  }
  bool logged(const std::string& text) {
    for (const auto& l : log_lines_)
      if (l.find(text) != std::string::npos) return true;
    return false;
  }

  fs::path data_;
  bool delete_from_database_ = false;
};

TEST_F(CrawlEventModeTest, TheFirstCrawlListsEverything) {
  auto r = crawl();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->summary.files_listed, 2);
  EXPECT_EQ(r->summary.tables_created, 1);
  EXPECT_THAT(partition_values(), UnorderedElementsAre("2024", "2025"));
  EXPECT_TRUE(logged("not running in S3 event mode"));
}

TEST_F(CrawlEventModeTest, OnlyTheFoldersOfCreatedObjectsAreCrawled) {
  ASSERT_TRUE(crawl().ok());
  // A new partition, announced; and a new file in an old one, not announced:
  // only the first is seen.
  write(data_ / "year=2026" / "c.csv", "id,name\n5,ed\n");
  created(data_ / "year=2026" / "c.csv");
  write(data_ / "year=2025" / "unannounced.csv", "id,name\n6,fay\n");
  auto r = crawl();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->summary.files_listed, 1);
  EXPECT_EQ(r->summary.files_classified, 1);
  EXPECT_EQ(r->summary.files_reused, 2);  // the other partitions' files, from the manifest
  EXPECT_THAT(actions(*r), ElementsAre("CREATE_PARTITION data [\"2026\"]"));
  EXPECT_THAT(partition_values(), UnorderedElementsAre("2024", "2025", "2026"));
  EXPECT_TRUE(logged("running by consuming S3 events: 1 object(s)"));
  EXPECT_TRUE(logged("listed 1 changed folder(s)"));
  EXPECT_TRUE(logged("year=2026"));
  // Consumed: the next crawl has nothing to do.
  auto pending = CrawlEvents::pending(*store_, kAccount, "c1");
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
}

TEST_F(CrawlEventModeTest, NoEventsNothingChanges) {
  ASSERT_TRUE(crawl().ok());
  write(data_ / "year=2026" / "c.csv", "id,name\n5,ed\n");  // never announced
  auto r = crawl();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->changes.empty());
  EXPECT_EQ(r->summary.files_listed, 0);
  EXPECT_EQ(r->summary.files_classified, 0);
  EXPECT_THAT(partition_values(), UnorderedElementsAre("2024", "2025"));
  EXPECT_TRUE(logged("nothing to crawl"));
}

TEST_F(CrawlEventModeTest, AnObjectOutsideTheTargetsIsNotCrawled) {
  ASSERT_TRUE(crawl().ok());
  created(dir_ / "elsewhere" / "x.csv");
  auto r = crawl();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->changes.empty());
  EXPECT_EQ(r->summary.files_listed, 0);
}

TEST_F(CrawlEventModeTest, AFolderGoneSinceItsEventLosesItsPartition) {
  delete_from_database_ = true;
  ASSERT_TRUE(crawl().ok());
  created(data_ / "year=2025" / "b2.csv");
  fs::remove_all(data_ / "year=2025");
  auto r = crawl();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->problems.empty());
  EXPECT_EQ(r->summary.files_listed, 0);
  EXPECT_THAT(partition_values(), ElementsAre("2024"));
}

TEST_F(CrawlEventModeTest, AnUpdatedCrawlerListsEverythingOnce) {
  ASSERT_TRUE(crawl().ok());
  write(data_ / "year=2026" / "c.csv", "id,name\n5,ed\n");
  ASSERT_TRUE(store::run_in_write_transaction(*store_, [&](store::Transaction& tx) {
                return CrawlEvents::reset_baseline(tx, kAccount, "c1");
              }).ok());
  auto r = crawl();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->summary.files_listed, 3);
  EXPECT_THAT(partition_values(), UnorderedElementsAre("2024", "2025", "2026"));
}

TEST_F(CrawlEventModeTest, AFailedCrawlKeepsItsObjectsPending) {
  ASSERT_TRUE(crawl().ok());
  write(data_ / "year=2026" / "c.csv", "id,name\n5,ed\n");
  created(data_ / "year=2026" / "c.csv");
  cancel_.cancel();
  EXPECT_FALSE(crawl().ok());
  auto pending = CrawlEvents::pending(*store_, kAccount, "c1");
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 1u);
}

TEST_F(CrawlEventModeTest, CatalogTargetsCrawlOnlyTheChangedPartitions) {
  // A table made by an ordinary crawl, then re-crawled as a catalog target.
  Json seed = crawler();
  seed["Name"] = "seed";
  seed.erase("RecrawlPolicy");
  auto e = env();
  ASSERT_TRUE(CrawlRunner::run(seed, e).ok());
  Json c = {{"Name", "c1"},
            {"RecrawlPolicy", {{"RecrawlBehavior", "CRAWL_EVENT_MODE"}}},
            {"SchemaChangePolicy", {{"DeleteBehavior", "LOG"}}},
            {"Targets", {{"CatalogTargets", {{{"DatabaseName", "sales"}, {"Tables", {"data"}}}}}}}};
  auto run_c = [&] {
    log_lines_.clear();
    auto env_c = env();
    return CrawlRunner::run(c, env_c);
  };
  ASSERT_TRUE(run_c().ok());
  write(data_ / "year=2026" / "c.csv", "id,name\n5,ed\n");
  created(data_ / "year=2026" / "c.csv");
  auto r = run_c();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->summary.files_listed, 1);
  EXPECT_THAT(actions(*r), ElementsAre("CREATE_PARTITION data [\"2026\"]"));
  EXPECT_THAT(partition_values(), UnorderedElementsAre("2024", "2025", "2026"));
}

TEST(EventModeRules, GlueTargetsAndQueueArns) {
  auto check = [](Json targets) {
    Json c = {{"Name", "c1"},
              {"RecrawlPolicy", {{"RecrawlBehavior", "CRAWL_EVENT_MODE"}}},
              {"Targets", std::move(targets)}};
    return validate_event_mode(c);
  };
  EXPECT_TRUE(check({{"S3Targets", Json::array({{{"Path", "s3://b/t/"}}})}}).ok());
  EXPECT_TRUE(check({{"S3Targets",
                      Json::array({{{"Path", "s3://b/t/"},
                                    {"EventQueueArn", "arn:aws:sqs:us-east-1:123456789012:q"}}})}})
                  .ok());
  Status bad_arn =
      check({{"S3Targets", Json::array({{{"Path", "s3://b/t/"}, {"EventQueueArn", "my-queue"}}})}});
  EXPECT_TRUE(absl::IsInvalidArgument(bad_arn));
  EXPECT_THAT(std::string(bad_arn.message()), HasSubstr("Targets.S3Targets[0].EventQueueArn"));
  Status jdbc =
      check({{"JdbcTargets", Json::array({{{"ConnectionName", "x"}, {"Path", "db/%"}}})}});
  EXPECT_THAT(std::string(jdbc.message()), HasSubstr("only S3Targets and CatalogTargets"));
  Status sample = check({{"S3Targets", Json::array({{{"Path", "s3://b/t/"}, {"SampleSize", 3}}})}});
  EXPECT_THAT(std::string(sample.message()), HasSubstr("SampleSize"));
}

}  // namespace
}  // namespace mortar::crawler
