// EventRules on SQLite and PostgreSQL: rules and targets, PutEvents' per
// entry results, routing to workflow targets; and EventSources turning files
// dropped in a watched directory (inotify and polling) and objects listed
// under a bucket into routed events.
#include "events/event_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "common/service_errors.h"
#include "events/event_sources.h"
#include "testing/store_backends.h"

namespace mortar::events {
namespace {

using Json = nlohmann::json;
constexpr const char* kAcct = "111122223333";

// As a client sees it: EventBridge's exception names.
std::string failure(const Status& s) {
  if (s.ok()) return "OK";
  GlueError e = to_glue_error(s, events_exception_renames());
  return e.type + ": " + e.message;
}

struct Delivered {
  std::string account, workflow;
  Json event;
};

class EventRulesTest : public ::testing::TestWithParam<test_support::StoreBackend> {
 protected:
  void SetUp() override {
    ASSERT_EQ(store_.open(GetParam()), "");
    ASSERT_TRUE(EventRules::migrate(*store_).ok());
    EventRulesOptions o;
    o.deliver = [this](const std::string& a, const std::string& w, const Json& e) {
      std::lock_guard lock(mu_);
      delivered_.push_back({a, w, e});
    };
    rules_ = std::make_unique<EventRules>(*store_, o);
  }
  std::vector<Delivered> take() {
    std::lock_guard lock(mu_);
    return std::exchange(delivered_, {});
  }
  Status put_rule(const std::string& name, const std::string& pattern) {
    return rules_->put_rule(kAcct, {{"Name", name}, {"EventPattern", pattern}}).status();
  }
  Status target(const std::string& rule, const std::string& id, const std::string& workflow) {
    Json t = Json::array(
        {{{"Id", id},
          {"Arn", std::string("arn:aws:glue:us-east-1:") + kAcct + ":workflow/" + workflow}}});
    return rules_->put_targets(kAcct, rule, t).status();
  }

  test_support::TestStore store_;
  std::mutex mu_;
  std::vector<Delivered> delivered_;
  std::unique_ptr<EventRules> rules_;
};

TEST_P(EventRulesTest, RulesAndTargets) {
  ASSERT_TRUE(put_rule("r1", R"({"source":["app"]})").ok());
  auto d = rules_->describe_rule(kAcct, "r1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)["Arn"], std::string("arn:aws:events:us-east-1:") + kAcct + ":rule/r1");
  EXPECT_EQ((*d)["State"], "ENABLED");
  EXPECT_EQ((*d)["EventBusName"], "default");
  EXPECT_EQ(failure(rules_->describe_rule(kAcct, "nope").status()),
            "ResourceNotFoundException: Rule nope does not exist on EventBus default.");
  // PutRule again replaces the pattern.
  ASSERT_TRUE(put_rule("r1", R"({"source":["app2"]})").ok());
  EXPECT_EQ((*rules_->describe_rule(kAcct, "r1"))["EventPattern"], R"({"source":["app2"]})");
  EXPECT_EQ(failure(put_rule("bad", R"({"source":"x"})")).substr(0, 28),
            "InvalidEventPatternException");
  EXPECT_EQ(failure(rules_->put_rule(kAcct, {{"Name", "n"}}).status()),
            "ValidationException: Parameter(s) EventPattern or ScheduleExpression must be "
            "specified.");
  EXPECT_EQ(
      failure(
          rules_
              ->put_rule(kAcct, {{"Name", "n"}, {"EventPattern", "{}"}, {"EventBusName", "custom"}})
              .status())
          .substr(0, 25),
      "ResourceNotFoundException");

  ASSERT_TRUE(put_rule("r2", "{}").ok());
  ASSERT_TRUE(put_rule("s1", "{}").ok());
  auto listed = rules_->list_rules(kAcct, "r", "", 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[1]["Name"], "r2");
  EXPECT_EQ(rules_->list_rules(kAcct, "", "r2", 10)->size(), 1u);

  ASSERT_TRUE(target("r1", "t1", "wf").ok());
  EXPECT_EQ(
      failure(rules_
                  ->put_targets(kAcct, "r1",
                                Json::array({{{"Id", "q"}, {"Arn", "arn:aws:sqs:us-east-1:1:q"}}}))
                  .status())
          .substr(0, 58),
      "ValidationException: Target q: Arn arn:aws:sqs:us-east-1:1");
  // Another account's workflow is not a target either.
  EXPECT_NE(
      failure(rules_
                  ->put_targets(
                      kAcct, "r1",
                      Json::array({{{"Id", "o"},
                                    {"Arn", "arn:aws:glue:us-east-1:999999999999:workflow/w"}}}))
                  .status()),
      "OK");
  EXPECT_EQ(failure(target("nope", "t", "wf")).substr(0, 25), "ResourceNotFoundException");
  EXPECT_EQ(failure(rules_->delete_rule(kAcct, "r1")),
            "ValidationException: Rule can't be deleted since it has targets.");
  auto targets = rules_->list_targets(kAcct, "r1", "", 10);
  ASSERT_TRUE(targets.ok());
  ASSERT_EQ(targets->size(), 1u);
  EXPECT_EQ((*targets)[0]["Id"], "t1");
  for (int i = 2; i <= 5; ++i) ASSERT_TRUE(target("r1", "t" + std::to_string(i), "wf").ok());
  EXPECT_EQ(failure(target("r1", "t6", "wf")).substr(0, 22), "LimitExceededException");
  ASSERT_TRUE(rules_->remove_targets(kAcct, "r1", {"t1", "t2", "t3", "t4", "t5"}).ok());
  EXPECT_TRUE(rules_->delete_rule(kAcct, "r1").ok());
  EXPECT_TRUE(rules_->delete_rule(kAcct, "r1").ok());  // gone already: fine, as EventBridge
}

TEST_P(EventRulesTest, PutEventsRoutesToEnabledRulesWorkflowTargets) {
  ASSERT_TRUE(put_rule("orders", R"({"source":["shop"],"detail":{"kind":["order"]}})").ok());
  ASSERT_TRUE(target("orders", "t", "wf").ok());
  ASSERT_TRUE(put_rule("all", R"({"source":["shop"]})").ok());
  ASSERT_TRUE(target("all", "t", "wf2").ok());

  Json out = rules_->put_events(
      kAcct,
      Json::array({{{"Source", "shop"}, {"DetailType", "t"}, {"Detail", R"({"kind":"order"})"}},
                   {{"Source", "shop"}, {"DetailType", "t"}, {"Detail", R"({"kind":"x"})"}},
                   {{"Source", "shop"}, {"DetailType", "t"}, {"Detail", "not json"}},
                   {{"DetailType", "t"}, {"Detail", "{}"}},
                   {{"Source", "aws.s3"}, {"DetailType", "t"}, {"Detail", "{}"}}}));
  EXPECT_EQ(out["FailedEntryCount"], 3);
  ASSERT_EQ(out["Entries"].size(), 5u);
  EXPECT_EQ(out["Entries"][0]["EventId"].get<std::string>().size(), 36u);
  EXPECT_EQ(out["Entries"][2]["ErrorCode"], "MalformedDetail");
  EXPECT_EQ(out["Entries"][3]["ErrorCode"], "InvalidArgument");
  EXPECT_EQ(out["Entries"][4]["ErrorCode"], "NotAuthorizedForSourceException");
  auto got = take();
  ASSERT_EQ(got.size(), 3u);  // the order to both workflows, the other event to wf2
  std::multiset<std::string> workflows;
  for (const auto& d : got) workflows.insert(d.workflow);
  EXPECT_EQ(workflows, std::multiset<std::string>({"wf", "wf2", "wf2"}));
  EXPECT_EQ(got[0].event["id"], out["Entries"][0]["EventId"]);
  EXPECT_EQ(got[0].event["detail"]["kind"], "order");
  EXPECT_EQ(got[0].event["account"], kAcct);

  ASSERT_TRUE(rules_->set_rule_state(kAcct, "all", false).ok());
  rules_->put_events(
      kAcct,
      Json::array({{{"Source", "shop"}, {"DetailType", "t"}, {"Detail", R"({"kind":"order"})"}}}));
  got = take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].workflow, "wf");
  EXPECT_EQ(rules_->stats().deliveries, 4);
}

TEST_P(EventRulesTest, FilesInAWatchedDirectoryAreRouted) {
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("mortar_ev_" + std::to_string(::getpid()) + "_" + test_support::backend_name(GetParam()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "old.csv") << "there before\n";
  ASSERT_TRUE(put_rule("files", R"({"source":["mortar.files"],"detail":{"directory":[")" +
                                    dir.string() + R"("],"name":[{"suffix":".csv"}]}})")
                  .ok());
  ASSERT_TRUE(target("files", "t", "wf").ok());
  for (bool inotify : {true, false}) {
    EventSourcesOptions o;
    o.use_inotify = inotify;
    o.poll_interval_millis = 100;
    EventSources sources(*rules_, o);
    sources.run_once(0, /*force_sync=*/true);
    EXPECT_EQ(sources.stats().directories_watched, 1);
    const std::string name = inotify ? "a.csv" : "b.csv";
    std::ofstream(dir / name) << "x,y\n";
    std::ofstream(dir / "ignored.txt") << "no\n";
    std::ofstream(dir / ".hidden.csv") << "no\n";
    std::vector<Delivered> got;
    // Polling reports a file once two scans a poll interval apart agree.
    for (int i = 0; i < 50 && got.empty(); ++i) {
      sources.run_once(100);
      got = take();
    }
    ASSERT_EQ(got.size(), 1u) << (inotify ? "inotify" : "polling");
    EXPECT_EQ(got[0].event["source"], "mortar.files");
    EXPECT_EQ(got[0].event["detail-type"], "Object Created");
    EXPECT_EQ(got[0].event["detail"]["name"], name);
    EXPECT_EQ(got[0].event["detail"]["directory"], dir.string());
    EXPECT_EQ(got[0].event["detail"]["size"], 4);
    for (int i = 0; i < 3; ++i) sources.run_once(100);
    EXPECT_TRUE(take().empty());  // reported once; old.csv never
  }
  std::filesystem::remove_all(dir);
}

// Lists s3:// URIs from a map (ObjectPoller reads list_recursive only).
class FakeBucket : public io::FileSystem {
 public:
  StatusOr<std::vector<io::FileInfo>> list_recursive(const std::string& path) override {
    std::vector<io::FileInfo> out;
    for (const auto& [uri, size] : objects) {
      if (uri.starts_with(path)) out.push_back({uri, size, 0, false});
    }
    if (out.empty()) return not_found("no such object or prefix: " + path);
    return out;
  }
  StatusOr<io::FileInfo> stat(const std::string&) override { return unimplemented("stat"); }
  StatusOr<std::unique_ptr<io::RandomAccessFile>> open_random_access(const std::string&) override {
    return unimplemented("open");
  }
  StatusOr<std::unique_ptr<io::InputStream>> open_input(const std::string&) override {
    return unimplemented("open");
  }
  StatusOr<std::unique_ptr<io::OutputStream>> open_output(const std::string&) override {
    return unimplemented("open");
  }
  Status rename(const std::string&, const std::string&) override { return unimplemented("x"); }
  Status remove(const std::string&) override { return unimplemented("x"); }
  Status make_directories(const std::string&) override { return unimplemented("x"); }
  std::map<std::string, int64_t> objects;
};

TEST_P(EventRulesTest, ObjectsCreatedUnderABucketPrefixAreRouted) {
  FakeBucket bucket;
  bucket.objects["s3://in/raw/old.csv"] = 1;
  ASSERT_TRUE(rules_
                  ->put_rule(kAcct, {{"Name", "s3"},
                                     {"EventPattern",
                                      R"({"source":["aws.s3"],"detail-type":["Object Created"],
                                          "detail":{"bucket":{"name":["in"]},
                                                    "object":{"key":[{"prefix":"raw/"}]}}})"}})
                  .ok());
  ASSERT_TRUE(target("s3", "t", "wf").ok());
  EventSourcesOptions o;
  o.s3 = &bucket;
  o.poll_interval_millis = 100;
  EventSources sources(*rules_, o);
  sources.run_once(0, /*force_sync=*/true);
  EXPECT_EQ(sources.stats().prefixes_watched, 1);
  EXPECT_TRUE(take().empty());  // what existed does not fire
  bucket.objects["s3://in/raw/new.csv"] = 7;
  bucket.objects["s3://in/other/x.csv"] = 7;
  sources.run_once(0, /*force_sync=*/true);
  auto got = take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].event["source"], "aws.s3");
  EXPECT_EQ(got[0].event["detail"]["bucket"]["name"], "in");
  EXPECT_EQ(got[0].event["detail"]["object"]["key"], "raw/new.csv");
  EXPECT_EQ(got[0].event["detail"]["object"]["size"], 7);
  EXPECT_EQ(got[0].event["resources"][0], "arn:aws:s3:::in");
  sources.run_once(0, /*force_sync=*/true);
  EXPECT_TRUE(take().empty());
}

// The roots other readers ask for (event-mode crawlers' targets): every file
// below them, however deep, is an "Object Created" event that `observe` sees
// (no rule needed), and object_created_uri() names it.
TEST_P(EventRulesTest, ExtraWatchedRootsReportFilesBelowThem) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("mortar_ev_roots_" + std::to_string(::getpid()) +
                                                "_" + test_support::backend_name(GetParam()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "year=2024");
  std::ofstream(dir / "year=2024" / "old.csv") << "there before\n";
  FakeBucket bucket;
  bucket.objects["s3://lake/t/day=1/old.json"] = 1;
  std::vector<std::string> seen;
  EventRulesOptions ro;
  ro.observe = [&](const std::string& account, const Json& event) {
    EXPECT_EQ(account, kAcct);
    seen.push_back(object_created_uri(event));
  };
  EventRules rules(*store_, ro);
  EventSourcesOptions o;
  o.s3 = &bucket;
  o.poll_interval_millis = 100;
  o.extra_watches = [&] {
    return std::vector<std::pair<std::string, std::string>>{{kAcct, dir.string()},
                                                            {kAcct, "s3://lake/t"}};
  };
  EventSources sources(rules, o);
  sources.run_once(0, /*force_sync=*/true);
  EXPECT_EQ(sources.stats().directories_watched, 1);
  EXPECT_EQ(sources.stats().prefixes_watched, 1);
  EXPECT_TRUE(seen.empty());  // what existed does not fire
  std::filesystem::create_directories(dir / "year=2025" / "month=1");
  std::ofstream(dir / "year=2025" / "month=1" / "new.csv") << "a\n1\n";
  bucket.objects["s3://lake/t/day=2/new.json"] = 5;
  bucket.objects["s3://lake/other/x.json"] = 5;
  sources.run_once(0, /*force_sync=*/true);
  EXPECT_THAT(seen,
              ::testing::UnorderedElementsAre((dir / "year=2025" / "month=1" / "new.csv").string(),
                                              "s3://lake/t/day=2/new.json"));
  std::filesystem::remove_all(dir);
}

MORTAR_ON_STORE_BACKENDS(EventRulesTest, test_support::StoreBackend::kSqliteMemory);

}  // namespace
}  // namespace mortar::events
