// WebhookPublisher against a small Python receiver on loopback: events
// arrive intact and in order, a flaky receiver gets them after retries, a
// dead one sends them to the dead-letter file; plus the Glue event shapes.
#include "events/webhook_publisher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "events/glue_events.h"
#include "io/aws/python_http_stub.h"

namespace mortar::events {
namespace {

// /ok records each body; /flaky answers 503 to the first two attempts of
// every event, then records it; /dead always answers 500.
constexpr char kReceiver[] = R"PY(
seen = {}
lock = threading.Lock()
class Handler(StubHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/dead":
            return self.reply(500)
        if self.path == "/flaky":
            with lock:
                seen[body] = seen.get(body, 0) + 1
                if seen[body] <= 2:
                    return self.reply(503)
        with open(sys.argv[1], "ab") as f:
            f.write(self.path.encode() + b" " + body + b"\n")
        self.reply(200)
)PY";

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("webhook-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(stub_.start(dir_, kReceiver, (dir_ / "received").string()));
  }
  void TearDown() override {
    stub_.stop();
    std::filesystem::remove_all(dir_);
  }
  std::vector<std::string> lines(const std::string& file) {
    std::vector<std::string> out;
    std::ifstream in(dir_ / file);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  WebhookOptions options(std::vector<std::string> paths) {
    WebhookOptions o;
    for (const auto& p : paths) o.urls.push_back(stub_.endpoint() + p);
    o.base_backoff_millis = 1;
    o.max_backoff_millis = 5;
    o.max_attempts = 4;
    o.dead_letter_path = (dir_ / "dead-letter.jsonl").string();
    return o;
  }

  std::filesystem::path dir_;
  io::test_support::PythonHttpStub stub_;
  EventSource source_{"123456789012", "us-east-1", 1700000000};
};

TEST_F(WebhookTest, DeliversEveryEventInOrder) {
  WebhookPublisher publisher(options({"/ok"}));
  for (int i = 0; i < 5; ++i) {
    publisher.publish(job_state_change(source_, "j", "jr_" + std::to_string(i), "SUCCEEDED", ""));
  }
  publisher.wait_idle();
  auto got = lines("received");
  ASSERT_EQ(got.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    auto event = nlohmann::json::parse(got[i].substr(got[i].find(' ') + 1));
    EXPECT_EQ(event["detail"]["jobRunId"], "jr_" + std::to_string(i));
  }
  EXPECT_EQ(publisher.stats().delivered, 5);
  EXPECT_EQ(publisher.stats().dead_lettered, 0);
}

TEST_F(WebhookTest, RetriesAFlakyReceiverAndDeadLettersADeadOne) {
  {
    WebhookPublisher publisher(options({"/flaky", "/dead"}));
    publisher.publish(job_state_change(source_, "j", "jr_1", "FAILED", "ValueError: boom"));
    publisher.wait_idle();
    EXPECT_EQ(publisher.stats().delivered, 1);
    EXPECT_EQ(publisher.stats().retried, 2 + 3);  // flaky: 2 retries; dead: 3
    EXPECT_EQ(publisher.stats().dead_lettered, 1);
  }
  auto got = lines("received");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].substr(0, 7), "/flaky ");
  auto dead = lines("dead-letter.jsonl");
  ASSERT_EQ(dead.size(), 1u);
  auto letter = nlohmann::json::parse(dead[0]);
  EXPECT_EQ(letter["url"], stub_.endpoint() + "/dead");
  EXPECT_EQ(letter["attempts"], 4);
  EXPECT_EQ(letter["error"], "the webhook answered HTTP 500");
  EXPECT_EQ(letter["event"]["detail"]["message"],
            "JobName:j and JobRunId:jr_1 failed to execute with exception ValueError: boom");
}

TEST_F(WebhookTest, AnUnreachableReceiverCostsBoundedMemory) {
  WebhookOptions o;
  o.urls = {"http://127.0.0.1:1/"};  // nothing listens on port 1
  o.max_attempts = 1;
  o.max_queued = 3;
  o.dead_letter_path = (dir_ / "dead-letter.jsonl").string();
  {
    WebhookPublisher publisher(o);
    for (int i = 0; i < 20; ++i)
      publisher.publish(job_state_change(source_, "j", "r", "STOPPED", ""));
    publisher.wait_idle();
    EXPECT_EQ(publisher.stats().delivered, 0);
  }
  EXPECT_EQ(lines("dead-letter.jsonl").size(), 20u);  // each one accounted for
}

TEST(GlueEventsTest, EnvelopeAndDetailsAsEventBridgeShowsThem) {
  EventSource s{"123456789012", "eu-west-1", 1700000000};
  auto e = job_state_change(s, "nightly", "jr_abc", "SUCCEEDED", "");
  EXPECT_EQ(e["version"], "0");
  EXPECT_EQ(e["source"], "aws.glue");
  EXPECT_EQ(e["detail-type"], "Glue Job State Change");
  EXPECT_EQ(e["account"], "123456789012");
  EXPECT_EQ(e["region"], "eu-west-1");
  EXPECT_EQ(e["time"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(e["id"].get<std::string>().size(), 36u);
  EXPECT_EQ(e["detail"]["severity"], "INFO");
  EXPECT_EQ(e["detail"]["state"], "SUCCEEDED");

  auto t = job_state_change(s, "nightly", "jr_abc", "TIMEOUT", "");
  EXPECT_EQ(t["detail"]["severity"], "ERROR");
  EXPECT_EQ(t["detail"]["message"], "JobName:nightly and JobRunId:jr_abc timed out");

  auto status = job_run_status(s, "nightly", "jr_abc", "RUNNING", 5);
  EXPECT_EQ(status["detail-type"], "Glue Job Run Status");
  EXPECT_EQ(status["detail"]["notificationCondition"]["NotifyDelayAfter"], 5.0);

  CrawlCounts counts;
  counts.tables_created = 2;
  auto c = crawler_state_change(s, "c1", "Succeeded", 1700000000 - 26, counts, "");
  EXPECT_EQ(c["detail-type"], "Glue Crawler State Change");
  EXPECT_EQ(c["detail"]["tablesCreated"], "2");
  EXPECT_EQ(c["detail"]["runningTime (sec)"], "26");
  EXPECT_EQ(c["detail"]["message"], "Crawler Succeeded");
  EXPECT_FALSE(c["detail"].contains("errorMessage"));
  auto failed = crawler_state_change(s, "c1", "Failed", 0, std::nullopt, "no such path");
  EXPECT_EQ(failed["detail"]["errorMessage"], "no such path");
  EXPECT_FALSE(failed["detail"].contains("tablesCreated"));  // unknown counts are left out
  auto started = crawler_state_change(s, "c1", "Started", 1700000000, std::nullopt, "");
  EXPECT_EQ(started["detail"]["startTime"], "2023-11-14T22:13:20Z");
}

}  // namespace
}  // namespace mortar::events
