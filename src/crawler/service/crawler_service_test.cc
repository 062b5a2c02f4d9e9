// CrawlerService: API semantics and the READY -> RUNNING -> STOPPING -> READY
// state machine, with a fake crawl function and a fake clock.
#include "crawler/service/crawler_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "crawler/service/crawler_rows.h"
#include "testing/memory_log_sink.h"

namespace mortar::crawler {
namespace {

using namespace std::chrono_literals;

// A crawl that runs until released or cancelled, and reports what it was told.
struct FakeCrawl {
  std::atomic<bool> release{false};
  std::atomic<int> started{0};
  std::atomic<bool> dry_run{false};
  std::atomic<bool> fail{false};
  int64_t advance_micros = 5'000'000;
  FakeClock* clock = nullptr;

  CrawlFunction fn() {
    return [this](const Json& crawler, CrawlEnvironment& env) -> StatusOr<CrawlResult> {
      ++started;
      env.log("INFO", "fake crawl of " + crawler.value("Name", ""));
      while (!release.load()) {
        if (env.cancel.cancelled()) return absl::CancelledError("stopped");
        std::this_thread::sleep_for(1ms);
      }
      if (clock) clock->advance(advance_micros);
      if (fail.load()) return invalid_input("target path /nope does not exist");
      CrawlResult r;
      r.summary.tables_created = 2;
      r.summary.tables_updated = 1;
      r.dry_run = dry_run.load();
      PlannedTable t;
      t.name = "sales";
      t.location = "/data/sales";
      t.reasons.push_back("one folder");
      r.plan.push_back(t);
      CrawlChange c{CrawlChange::Kind::kCreateTable, "db", "sales", {}, "new table"};
      r.changes.push_back(c);
      return r;
    };
  }
};

class RecordingScheduler : public CrawlerScheduler {
 public:
  Status schedule(const std::string& account, const std::string& crawler,
                  const std::string& expr) override {
    entries[crawler] = expr;
    return ok_status();
  }
  void unschedule(const std::string& account, const std::string& crawler) override {
    entries.erase(crawler);
  }
  std::map<std::string, std::string> entries;
};

class CrawlerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::open_sqlite_store(":memory:")).value();
    ASSERT_TRUE(catalog::Catalog::migrate(*store_).ok());
    ASSERT_TRUE(CrawlerService::migrate(*store_).ok());
    catalog_ = std::make_unique<catalog::Catalog>(*store_, clock_);
    partitions_ = std::make_unique<catalog::PartitionCatalog>(*catalog_);
    log_dir_ = std::filesystem::temp_directory_path() /
               ("crawler_service_test_" + std::to_string(::getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(log_dir_);
    fake_.clock = &clock_;
    start_service();
    ctx_.account_id = ctx_.catalog_id = "111122223333";
    ctx_.principal = "root";
    ASSERT_TRUE(catalog_->create_database(ctx_, {{"Name", "db"}}, Json::object()).ok());
  }
  void TearDown() override {
    fake_.release = true;
    service_.reset();
    std::filesystem::remove_all(log_dir_);
  }
  void start_service() {
    CrawlerServiceOptions o;
    o.log_sink = &log_sink_;
    o.clock = &clock_;
    o.crawl = fake_.fn();
    service_ = std::move(CrawlerService::create(*store_, *catalog_, *partitions_, std::move(o)))
                   .value();
  }
  Json crawler_request(const std::string& name) {
    return {{"Name", name},
            {"Role", "arn:aws:iam::111122223333:role/crawler"},
            {"DatabaseName", "db"},
            {"Targets", {{"S3Targets", {{{"Path", "/data/sales"}}}}}}};
  }
  std::string state(const std::string& name) {
    return service_->get_crawler(ctx_, name)->value("State", "");
  }
  void wait_for_state(const std::string& name, const std::string& want) {
    for (int i = 0; i < 2000 && state(name) != want; ++i) std::this_thread::sleep_for(1ms);
    ASSERT_EQ(state(name), want);
  }

  FakeClock clock_;
  FakeCrawl fake_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<catalog::PartitionCatalog> partitions_;
  std::unique_ptr<CrawlerService> service_;
  std::filesystem::path log_dir_;
  test_support::MemoryLogSink log_sink_;
  CallContext ctx_;
};

std::string glue_name(const Status& s) {
  return glue_error_name(s).value_or("<" + s.ToString() + ">");
}

TEST_F(CrawlerServiceTest, CreateFillsGlueDefaults) {
  ASSERT_TRUE(service_->create_crawler(ctx_, crawler_request("c1")).ok());
  Json c = *service_->get_crawler(ctx_, "c1");
  EXPECT_EQ(c["State"], "READY");
  EXPECT_EQ(c["Version"], 1);
  EXPECT_EQ(c["SchemaChangePolicy"]["UpdateBehavior"], "UPDATE_IN_DATABASE");
  EXPECT_EQ(c["SchemaChangePolicy"]["DeleteBehavior"], "DEPRECATE_IN_DATABASE");
  EXPECT_EQ(c["RecrawlPolicy"]["RecrawlBehavior"], "CRAWL_EVERYTHING");
  EXPECT_EQ(c["Targets"]["S3Targets"][0]["Path"], "/data/sales");
  EXPECT_EQ(c["CreationTime"], static_cast<double>(clock_.now_seconds()));
  EXPECT_FALSE(c.contains("LastCrawl"));
  EXPECT_FALSE(c.contains("Schedule"));
  Status dup = service_->create_crawler(ctx_, crawler_request("c1"));
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(CrawlerServiceTest, RejectsWhatGlueRejects) {
  Json no_targets = crawler_request("c");
  no_targets["Targets"] = Json::object();
  EXPECT_EQ(service_->create_crawler(ctx_, no_targets).code(), absl::StatusCode::kInvalidArgument);

  Json new_folders = crawler_request("c");
  new_folders["RecrawlPolicy"] = {{"RecrawlBehavior", "CRAWL_NEW_FOLDERS_ONLY"}};
  Status s = service_->create_crawler(ctx_, new_folders);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(status_message(s)).find("LOG"), std::string::npos);
  new_folders["SchemaChangePolicy"] = {{"UpdateBehavior", "LOG"}, {"DeleteBehavior", "LOG"}};
  EXPECT_TRUE(service_->create_crawler(ctx_, new_folders).ok());

  Json bad_config = crawler_request("c2");
  bad_config["Configuration"] = "{not json";
  EXPECT_EQ(service_->create_crawler(ctx_, bad_config).code(), absl::StatusCode::kInvalidArgument);

  Json unknown_classifier = crawler_request("c3");
  unknown_classifier["Classifiers"] = {"nope"};
  EXPECT_EQ(service_->create_crawler(ctx_, unknown_classifier).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(service_->get_crawler(ctx_, "c3").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CrawlerServiceTest, StateMachineStartStop) {
  ASSERT_TRUE(service_->create_crawler(ctx_, crawler_request("c")).ok());
  EXPECT_EQ(glue_name(service_->stop_crawler(ctx_, "c")), "CrawlerNotRunningException");
  ASSERT_TRUE(service_->start_crawler(ctx_, "c").ok());
  EXPECT_EQ(state("c"), "RUNNING");
  EXPECT_EQ(glue_name(service_->start_crawler(ctx_, "c")), "CrawlerRunningException");
  EXPECT_EQ(glue_name(service_->update_crawler(ctx_, crawler_request("c"))),
            "CrawlerRunningException");
  EXPECT_EQ(glue_name(service_->delete_crawler(ctx_, "c")), "CrawlerRunningException");
  clock_.advance(3'000'000);
  EXPECT_GE(service_->get_crawler(ctx_, "c")->value("CrawlElapsedTime", 0), 3000);

  ASSERT_TRUE(service_->stop_crawler(ctx_, "c").ok());
  std::string after_stop = state("c");
  EXPECT_TRUE(after_stop == "STOPPING" || after_stop == "READY") << after_stop;
  if (after_stop == "STOPPING") {
    EXPECT_EQ(glue_name(service_->stop_crawler(ctx_, "c")), "CrawlerStoppingException");
  }
  service_->wait_idle();  // the fake crawl only returns once cancelled
  Json c = *service_->get_crawler(ctx_, "c");
  EXPECT_EQ(c["State"], "READY");
  EXPECT_EQ(c["LastCrawl"]["Status"], "CANCELLED");
  EXPECT_EQ(c["LastCrawl"]["LogGroup"], "/aws-glue/crawlers");
  EXPECT_EQ(c["LastCrawl"]["LogStream"], "c");
  EXPECT_EQ(c["CrawlElapsedTime"], 0);

  auto crawls = *service_->list_crawls(ctx_, "c", Json(), 0, 10);
  ASSERT_EQ(crawls.items.size(), 1u);
  EXPECT_EQ(crawls.items[0]["State"], "STOPPED");
  EXPECT_EQ(crawls.items[0]["CrawlId"], c["LastCrawl"]["MessagePrefix"]);
  // The crawler is usable again.
  EXPECT_TRUE(service_->update_crawler(ctx_, {{"Name", "c"}, {"Description", "d"}}).ok());
  EXPECT_EQ(service_->get_crawler(ctx_, "c")->value("Version", 0), 2);
}

TEST_F(CrawlerServiceTest, SuccessfulCrawlRecordsHistoryMetricsAndLog) {
  ASSERT_TRUE(service_->create_crawler(ctx_, crawler_request("c")).ok());
  fake_.release = true;
  ASSERT_TRUE(service_->start_crawler(ctx_, "c").ok());
  service_->wait_idle();
  Json c = *service_->get_crawler(ctx_, "c");
  EXPECT_EQ(c["State"], "READY");
  EXPECT_EQ(c["LastCrawl"]["Status"], "SUCCEEDED");
  EXPECT_FALSE(c["LastCrawl"].contains("ErrorMessage"));

  auto crawls = *service_->list_crawls(ctx_, "c", Json(), 0, 10);
  ASSERT_EQ(crawls.items.size(), 1u);
  const Json& h = crawls.items[0];
  EXPECT_EQ(h["State"], "COMPLETED");
  EXPECT_EQ(h["EndTime"].get<double>() - h["StartTime"].get<double>(), 5.0);
  Json summary = Json::parse(h["Summary"].get<std::string>());
  EXPECT_EQ(summary["TablesCreated"], 2);
  EXPECT_LE(h["Summary"].get<std::string>().size(), 255u);

  auto metrics = *service_->get_crawler_metrics(ctx_, {"c", "missing"}, "", 10);
  ASSERT_EQ(metrics.items.size(), 1u);
  EXPECT_EQ(metrics.items[0]["TablesCreated"], 2);
  EXPECT_EQ(metrics.items[0]["TablesUpdated"], 1);
  EXPECT_EQ(metrics.items[0]["LastRuntimeSeconds"], 5.0);

  // The crawl's log: Glue's group and stream, each line prefixed by the crawl id.
  std::string text = log_sink_.text("111122223333", "/aws-glue/crawlers", "c");
  const std::string prefix = "[" + c["LastCrawl"]["MessagePrefix"].get<std::string>() + "] ";
  EXPECT_NE(text.find(prefix + "INFO : fake crawl of c"), std::string::npos) << text;
  EXPECT_NE(text.find(prefix + "INFO : crawl SUCCEEDED"), std::string::npos) << text;
}

TEST_F(CrawlerServiceTest, FailedCrawlAndMissingDatabase) {
  ASSERT_TRUE(service_->create_crawler(ctx_, crawler_request("c")).ok());
  fake_.release = true;
  fake_.fail = true;
  ASSERT_TRUE(service_->start_crawler(ctx_, "c").ok());
  service_->wait_idle();
  Json c = *service_->get_crawler(ctx_, "c");
  EXPECT_EQ(c["LastCrawl"]["Status"], "FAILED");
  EXPECT_EQ(c["LastCrawl"]["ErrorMessage"], "target path /nope does not exist");

  Json other = crawler_request("c2");
  other["DatabaseName"] = "nodb";
  ASSERT_TRUE(service_->create_crawler(ctx_, other).ok());
  int before = fake_.started;
  ASSERT_TRUE(service_->start_crawler(ctx_, "c2").ok());
  service_->wait_idle();
  c = *service_->get_crawler(ctx_, "c2");
  EXPECT_EQ(c["LastCrawl"]["Status"], "FAILED");
  EXPECT_NE(c["LastCrawl"]["ErrorMessage"].get<std::string>().find("Database nodb not found"),
            std::string::npos);
  EXPECT_EQ(fake_.started, before);  // never reached the runner
}

TEST_F(CrawlerServiceTest, ListCrawlsFilters) {
  ASSERT_TRUE(service_->create_crawler(ctx_, crawler_request("c")).ok());
  fake_.release = true;
  for (int i = 0; i < 3; ++i) {
    fake_.fail = i == 1;
    ASSERT_TRUE(service_->start_crawler(ctx_, "c").ok());
    service_->wait_idle();
    clock_.advance(60'000'000);
  }
  auto all = *service_->list_crawls(ctx_, "c", Json(), 0, 10);
  ASSERT_EQ(all.items.size(), 3u);
  EXPECT_GT(all.items[0]["StartTime"].get<double>(),
            all.items[2]["StartTime"].get<double>());  // newest first
  Json failed =
      Json::array({{{"FieldName", "STATE"}, {"FilterOperator", "EQ"}, {"FieldValue", "FAILED"}}});
  auto f = *service_->list_crawls(ctx_, "c", failed, 0, 10);
  ASSERT_EQ(f.items.size(), 1u);
  EXPECT_EQ(f.items[0]["ErrorMessage"], "target path /nope does not exist");
  double second = all.items[1]["StartTime"].get<double>();
  Json later = Json::array(
      {{{"FieldName", "START_TIME"},
        {"FilterOperator", "GE"},
        {"FieldValue", std::to_string(static_cast<int64_t>(second * 1000))}}});  // epoch ms
  EXPECT_EQ(service_->list_crawls(ctx_, "c", later, 0, 10)->items.size(), 2u);
  auto page = *service_->list_crawls(ctx_, "c", Json(), 0, 2);
  EXPECT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.next, 2);
  EXPECT_EQ(service_->list_crawls(ctx_, "c", Json(), 2, 2)->items.size(), 1u);
  Json bad = Json::array({{{"FieldName", "STATE"}, {"FilterOperator", "GT"}, {"FieldValue", "X"}}});
  EXPECT_EQ(service_->list_crawls(ctx_, "c", bad, 0, 10).status().message(),
            "Only EQ or NE operator is allowed for field : STATE");
  Json no_value = Json::array({{{"FieldName", "STATE"}, {"FilterOperator", "EQ"}}});
  EXPECT_EQ(service_->list_crawls(ctx_, "c", no_value, 0, 10).status().message(),
            "Invalid Filter Provided: FieldName: STATE, FilterOperator: EQ, FieldValue: null");
  EXPECT_EQ(service_->list_crawls(ctx_, "nope", Json(), 0, 10).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CrawlerServiceTest, DryRunStoresThePlan) {
  Json req = crawler_request("c");
  req["Configuration"] = R"({"Version":1.0,"Mortar":{"DryRun":true}})";
  ASSERT_TRUE(service_->create_crawler(ctx_, req).ok());
  fake_.release = true;
  fake_.dry_run = true;
  ASSERT_TRUE(service_->start_crawler(ctx_, "c").ok());
  service_->wait_idle();
  std::vector<CrawlRow> rows;
  ASSERT_TRUE(store::run_in_read_transaction(*store_, [&](store::Transaction& tx) -> Status {
                MORTAR_ASSIGN_OR_RETURN(rows, list_crawl_rows(tx, ctx_.account_id, "c"));
                return ok_status();
              }).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].dry_run);
  Json plan = Json::parse(rows[0].plan);
  EXPECT_EQ(plan["Tables"][0]["Name"], "sales");
  EXPECT_EQ(plan["Changes"][0]["Action"], "CREATE_TABLE");
}

TEST_F(CrawlerServiceTest, RestartMarksInterruptedCrawlsFailed) {
  ASSERT_TRUE(service_->create_crawler(ctx_, crawler_request("c")).ok());
  // What a killed server leaves behind: a RUNNING crawl and a RUNNING crawler.
  ASSERT_TRUE(store::run_in_write_transaction(*store_, [&](store::Transaction& tx) -> Status {
                CrawlRow crawl;
                crawl.crawler = "c";
                crawl.crawl_id = "crawl-1";
                crawl.state = "RUNNING";
                crawl.start_time = 1700000000;
                MORTAR_RETURN_IF_ERROR(insert_crawl(tx, ctx_.account_id, crawl));
                MORTAR_ASSIGN_OR_RETURN(CrawlerRow row, require_crawler(tx, ctx_.account_id, "c"));
                row.state = "STOPPING";
                return save_crawler(tx, ctx_.account_id, row);
              }).ok());
  service_.reset();
  start_service();
  Json c = *service_->get_crawler(ctx_, "c");
  EXPECT_EQ(c["State"], "READY");
  EXPECT_EQ(c["LastCrawl"]["Status"], "FAILED");
  EXPECT_EQ(c["LastCrawl"]["ErrorMessage"], "server restarted during the crawl");
  EXPECT_EQ(c["LastCrawl"]["MessagePrefix"], "crawl-1");
  auto crawls = *service_->list_crawls(ctx_, "c", Json(), 0, 10);
  ASSERT_EQ(crawls.items.size(), 1u);
  EXPECT_EQ(crawls.items[0]["State"], "FAILED");
  EXPECT_TRUE(service_->start_crawler(ctx_, "c").ok());  // READY again
}

TEST_F(CrawlerServiceTest, Schedules) {
  RecordingScheduler sched;
  ASSERT_TRUE(service_->set_scheduler(&sched).ok());
  Json req = crawler_request("c");
  req["Schedule"] = "cron(0 2 * * ? *)";
  ASSERT_TRUE(service_->create_crawler(ctx_, req).ok());
  EXPECT_EQ(sched.entries["c"], "cron(0 2 * * ? *)");
  Json c = *service_->get_crawler(ctx_, "c");
  EXPECT_EQ(c["Schedule"]["State"], "SCHEDULED");
  EXPECT_EQ(glue_name(service_->start_crawler_schedule(ctx_, "c")), "SchedulerRunningException");
  ASSERT_TRUE(service_->stop_crawler_schedule(ctx_, "c").ok());
  EXPECT_EQ(sched.entries.count("c"), 0u);
  EXPECT_EQ(service_->get_crawler(ctx_, "c")->at("Schedule")["State"], "NOT_SCHEDULED");
  EXPECT_EQ(glue_name(service_->stop_crawler_schedule(ctx_, "c")), "SchedulerNotRunningException");
  ASSERT_TRUE(service_->update_crawler_schedule(ctx_, "c", "cron(30 3 * * ? *)").ok());
  EXPECT_EQ(sched.entries.count("c"), 0u);  // still stopped
  ASSERT_TRUE(service_->start_crawler_schedule(ctx_, "c").ok());
  EXPECT_EQ(sched.entries["c"], "cron(30 3 * * ? *)");

  // A fire while the crawl runs is skipped.
  EXPECT_TRUE(service_->fire_scheduled(ctx_.account_id, "c", 1700000000));
  wait_for_state("c", "RUNNING");
  EXPECT_FALSE(service_->fire_scheduled(ctx_.account_id, "c", 1700000300));
  fake_.release = true;
  service_->wait_idle();
  EXPECT_EQ(service_->list_crawls(ctx_, "c", Json(), 0, 10)->items.size(), 1u);

  ASSERT_TRUE(service_->create_crawler(ctx_, crawler_request("plain")).ok());
  EXPECT_EQ(glue_name(service_->start_crawler_schedule(ctx_, "plain")), "NoScheduleException");
  ASSERT_TRUE(service_->delete_crawler(ctx_, "c").ok());
  EXPECT_EQ(sched.entries.count("c"), 0u);
  ASSERT_TRUE(service_->set_scheduler(nullptr).ok());
}

TEST_F(CrawlerServiceTest, ListCrawlersByTagsAndPages) {
  for (std::string n : {"a", "b", "c", "d"}) {
    Json req = crawler_request(n);
    req["Tags"] = {{"team", n == "b" || n == "d" ? "x" : "y"}};
    ASSERT_TRUE(service_->create_crawler(ctx_, req).ok());
  }
  auto tagged = *service_->list_crawlers(ctx_, {{"team", "x"}}, "", 10);
  EXPECT_EQ(tagged.items, (std::vector<Json>{"b", "d"}));
  auto p1 = *service_->get_crawlers(ctx_, "", 3);
  ASSERT_EQ(p1.items.size(), 3u);
  EXPECT_EQ(p1.next, "c");
  auto p2 = *service_->get_crawlers(ctx_, "c", 3);
  ASSERT_EQ(p2.items.size(), 1u);
  EXPECT_TRUE(p2.next.is_null());
  Json batch = *service_->batch_get_crawlers(ctx_, {"a", "zz"});
  EXPECT_EQ(batch["Crawlers"].size(), 1u);
  EXPECT_EQ(batch["CrawlersNotFound"], Json::array({"zz"}));
}

TEST_F(CrawlerServiceTest, ClassifierCrud) {
  ClassifierRegistry& reg = service_->classifiers();
  const std::string acct = ctx_.account_id;
  ASSERT_TRUE(reg.create(acct, {{"CsvClassifier", {{"Name", "pipes"}, {"Delimiter", "|"}}}}).ok());
  ASSERT_TRUE(
      reg.create(acct, {{"GrokClassifier",
                         {{"Name", "g"}, {"Classification", "app"}, {"GrokPattern", "%{WORD:w}"}}}})
          .ok());
  ASSERT_TRUE(
      reg.create(acct, {{"JsonClassifier", {{"Name", "j"}, {"JsonPath", "$.items[*]"}}}}).ok());
  ASSERT_TRUE(reg.create(acct, {{"XMLClassifier",
                                 {{"Name", "x"}, {"Classification", "xml"}, {"RowTag", "row"}}}})
                  .ok());
  EXPECT_EQ(reg.create(acct, {{"CsvClassifier", {{"Name", "pipes"}}}}).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(reg.create(acct, {{"JsonClassifier", {{"Name", "j2"}, {"JsonPath", "items"}}}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reg.create(acct, Json::object()).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reg.create(acct, {{"CsvClassifier",
                               {{"Name", "q"}, {"Delimiter", "'"}, {"QuoteSymbol", "'"}}}})
                .code(),
            absl::StatusCode::kInvalidArgument);

  Json csv = *reg.get(acct, "pipes");
  EXPECT_EQ(csv["CsvClassifier"]["Delimiter"], "|");
  EXPECT_EQ(csv["CsvClassifier"]["Version"], 1);
  ASSERT_TRUE(
      reg.update(acct, {{"CsvClassifier", {{"Name", "pipes"}, {"ContainsHeader", "PRESENT"}}}})
          .ok());
  csv = *reg.get(acct, "pipes");
  EXPECT_EQ(csv["CsvClassifier"]["Version"], 2);
  EXPECT_EQ(csv["CsvClassifier"]["Delimiter"], "|");  // kept
  EXPECT_EQ(csv["CsvClassifier"]["ContainsHeader"], "PRESENT");
  EXPECT_EQ(reg.update(acct, {{"JsonClassifier", {{"Name", "pipes"}, {"JsonPath", "$"}}}}).code(),
            absl::StatusCode::kInvalidArgument);

  bool more = false;
  auto page = *reg.list(acct, "", 3, &more);
  EXPECT_EQ(page.size(), 3u);
  EXPECT_TRUE(more);
  EXPECT_EQ(classifier_name(page[0]), "g");

  Json req = crawler_request("c");
  req["Classifiers"] = {"pipes", "g"};
  ASSERT_TRUE(service_->create_crawler(ctx_, req).ok());
  ASSERT_TRUE(reg.remove(acct, "pipes").ok());
  EXPECT_EQ(reg.get(acct, "pipes").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(reg.remove(acct, "pipes").code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace mortar::crawler
