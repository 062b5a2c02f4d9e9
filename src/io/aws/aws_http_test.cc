// http_exchange() against a small HTTP server in Python (stdlib, loopback):
// what S3 and the JSON client rely on — bodies out and back intact, HEAD,
// response headers, keep-alive per thread, the body cap, cancellation,
// timeouts and transport errors naming the request.
#include "io/aws/aws_http.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "io/aws/python_http_stub.h"

namespace mortar::io::aws {
namespace {

// Echoes what it got as JSON; /big is 2 MiB, /slow answers after 10 s.
constexpr char kHandler[] = R"PY(
class Handler(StubHandler):
    def answer(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/big":
            return self.reply(200, b"x" * (2 << 20))
        if self.path == "/slow":
            time.sleep(10)
            return self.reply(200, b"late")
        echo = {"method": self.command, "path": self.path, "port": self.client_address[1],
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body_size": len(body), "body_sum": sum(body) % 1000003}
        self.reply(201, json.dumps(echo).encode(), [("X-Mixed-Case", "Value 1")])
    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = answer
)PY";

class AwsHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("awshttp-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    stub_ = new test_support::PythonHttpStub();
    if (!stub_->start(dir_, kHandler)) FAIL() << "could not start the python3 HTTP stub";
    base_ = stub_->endpoint();
  }
  static void TearDownTestSuite() {
    delete stub_;
    std::filesystem::remove_all(dir_);
  }

  static HttpExchange request(std::string method, std::string path) {
    HttpExchange ex;
    ex.method = std::move(method);
    ex.url = base_ + path;
    return ex;
  }

  static inline std::filesystem::path dir_;
  static inline test_support::PythonHttpStub* stub_ = nullptr;
  static inline std::string base_;
};

// The few fields of the stub's JSON echo the tests look at.
std::string field(const std::string& json, const std::string& name) {
  size_t at = json.find("\"" + name + "\": ");
  if (at == std::string::npos) return "";
  at += name.size() + 4;
  size_t end = json.find_first_of(",}", at);
  std::string v = json.substr(at, end - at);
  if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
  return v;
}

TEST_F(AwsHttpTest, PutSendsTheBorrowedBodyAndHeadersAndReadsTheReply) {
  std::string payload(3 << 20, '\0');
  int64_t sum = 0;
  for (size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<char>(i * 7 % 251);
    sum += static_cast<unsigned char>(payload[i]);
  }
  HttpExchange ex = request("PUT", "/b/k?partNumber=2");
  ex.headers["x-amz-meta-who"] = "mortar";
  ex.body = payload;
  auto reply = http_exchange(ex);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 201);
  EXPECT_EQ(field(reply->body, "method"), "PUT");
  EXPECT_EQ(field(reply->body, "path"), "/b/k?partNumber=2");
  EXPECT_EQ(field(reply->body, "body_size"), std::to_string(payload.size()));
  EXPECT_EQ(field(reply->body, "body_sum"), std::to_string(sum % 1000003));
  EXPECT_EQ(field(reply->body, "x-amz-meta-who"), "mortar");
  EXPECT_EQ(reply->body.find("100-continue"), std::string::npos);  // no Expect round trip
  EXPECT_EQ(reply->headers["x-mixed-case"], "Value 1");            // names lower-cased
}

TEST_F(AwsHttpTest, EmptyPostAndDeleteSendNoBody) {
  for (const char* method : {"POST", "DELETE"}) {
    auto reply = http_exchange(request(method, "/x"));
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(field(reply->body, "method"), method);
    EXPECT_EQ(field(reply->body, "body_size"), "0");
  }
}

TEST_F(AwsHttpTest, HeadReturnsHeadersWithoutWaitingForABody) {
  auto reply = http_exchange(request("HEAD", "/obj"));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 201);
  EXPECT_TRUE(reply->body.empty());
  EXPECT_GT(std::stol(reply->headers["content-length"]), 0);
}

TEST_F(AwsHttpTest, ConsecutiveRequestsOnOneThreadReuseTheConnection) {
  auto first = http_exchange(request("GET", "/a"));
  auto second = http_exchange(request("GET", "/b"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(field(first->body, "port"), field(second->body, "port"));
}

TEST_F(AwsHttpTest, ABodyOverTheLimitIsAnErrorNotATruncatedReply) {
  HttpExchange ex = request("GET", "/big");
  ex.max_body_bytes = 1 << 20;
  auto reply = http_exchange(ex);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status_message(reply.status()),
            "GET " + base_ + "/big: response body over 1048576 bytes");
  ex.max_body_bytes = 0;
  auto whole = http_exchange(ex);
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->body.size(), size_t{2} << 20);
}

TEST_F(AwsHttpTest, ACancelledTransferStopsPromptly) {
  std::atomic<bool> cancel{false};
  HttpExchange ex = request("GET", "/slow");
  ex.cancel = &cancel;
  ex.label = "GET s3://b/slow";
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel = true;
  });
  auto start = std::chrono::steady_clock::now();
  auto reply = http_exchange(ex);
  canceller.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(status_message(reply.status()), "GET s3://b/slow: cancelled");
  EXPECT_LT(seconds, 3.0);
}

TEST_F(AwsHttpTest, TimeoutAndRefusedConnectionAreUnavailableNamingTheRequest) {
  HttpExchange slow = request("GET", "/slow");
  slow.timeout_millis = 300;
  auto start = std::chrono::steady_clock::now();
  auto timed_out = http_exchange(slow);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(seconds, 3.0);

  HttpExchange refused;
  refused.method = "POST";
  refused.url = "http://127.0.0.1:1/";
  refused.label = "POST glue";
  auto reply = http_exchange(refused);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(status_message(reply.status()).starts_with("POST glue: ")) << reply.status();
}

TEST(SleepBeforeRetry, StaysUnderTheCap) {
  auto start = std::chrono::steady_clock::now();
  for (int attempt = 1; attempt <= 20; ++attempt) sleep_before_retry(attempt, 1000, 5);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 20 * 0.005 + 0.5);  // base 1 s, but never more than the 5 ms cap
}

}  // namespace
}  // namespace mortar::io::aws
