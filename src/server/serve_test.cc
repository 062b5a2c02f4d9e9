#include "server/serve.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "api/accounts.h"
#include "testing/http_test_client.h"
#include "server/bootstrap.h"
#include "server/data_dir.h"
#include "server/data_dir_lock.h"
#include "server/shared_settings.h"
#include "store/store.h"

namespace mortar::server {
namespace {

using namespace std::chrono_literals;
using test_support::TestClient;

std::string make_temp_dir() {
  char tmpl[] = "/tmp/mortar-serve-XXXXXX";
  return mkdtemp(tmpl);
}

std::string slurp_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

// Waits for <dir>/server.addr and returns the port in it (0 on timeout).
uint16_t wait_for_port(const std::string& dir, std::chrono::seconds limit = 20s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string addr = slurp_file(dir + "/server.addr");
    if (!addr.empty()) {
      EXPECT_EQ(addr.rfind("127.0.0.1:", 0), 0u) << addr;
      return static_cast<uint16_t>(std::stoi(addr.substr(addr.rfind(':') + 1)));
    }
    std::this_thread::sleep_for(20ms);
  }
  return 0;
}

Config test_config(const std::string& dir) {
  Config c;
  c.data_dir = dir;
  c.host = "127.0.0.1";
  c.port = 0;
  c.threads = 2;
  c.log_level = "off";
  return c;
}

// Runs run_serve on a thread until stop() is called.
class ServerRun {
 public:
  explicit ServerRun(Config config) {
    result_ = std::async(std::launch::async, [this, config] {
      ServeHooks hooks;
      hooks.out = &out_;
      hooks.wait_for_stop = [this] { stop_.get_future().wait(); };
      return run_serve(config, {}, hooks);
    });
  }
  int stop() {
    stop_.set_value();
    return result_.get();
  }
  std::string output() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::promise<void> stop_;
  std::future<int> result_;
};

TEST(DataDirTest, TokenKeyIsRandomPrivateAndStable) {
  std::string dir = make_temp_dir();
  DataDir d(dir + "/nested/data");
  ASSERT_TRUE(d.ensure_exists().ok());
  EXPECT_EQ(mode_of(d.root()), 0700u);
  auto k1 = d.token_key();
  ASSERT_TRUE(k1.ok()) << k1.status();
  EXPECT_EQ(k1->size(), 64u);
  EXPECT_EQ(mode_of(d.file("token.key")), 0600u);
  auto k2 = d.token_key();
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(*k1, *k2);
  std::string other_dir = make_temp_dir();
  EXPECT_NE(*k1, *DataDir(other_dir).token_key());
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(other_dir);
}

TEST(DataDirLockTest, SecondHolderIsRefusedWithTheHoldersPid) {
  std::string dir = make_temp_dir();
  auto missing = DataDirLock::acquire(dir, /*create=*/false);  // a fresh dir stays empty
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(*missing, nullptr);
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  EXPECT_EQ(*DataDirLock::acquire(dir + "/absent", /*create=*/false), nullptr);
  auto first = DataDirLock::acquire(dir);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(slurp_file(dir + "/server.lock"), std::to_string(getpid()) + "\n");
  EXPECT_EQ(mode_of(dir + "/server.lock"), 0600u);
  for (bool create : {true, false}) {
    auto second = DataDirLock::acquire(dir, create);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(std::string(second.status().message())
                  .find("data dir " + dir + " is in use by mortar serve pid " +
                        std::to_string(getpid())),
              std::string::npos)
        << second.status();
  }
  first->reset();  // released: the next server may start
  EXPECT_TRUE(DataDirLock::acquire(dir).ok());
  std::filesystem::remove_all(dir);
}

TEST(BootstrapTest, FirstStartCreatesAccountAndKeyOnce) {
  std::string dir = make_temp_dir();
  DataDir d(dir);
  auto store = store::open_sqlite_store(dir + "/catalog.db");
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(api::AccountRegistry::migrate(**store).ok());
  ASSERT_TRUE(migrate_shared_settings(**store).ok());
  api::AccountRegistry registry(**store, Clock::real());

  auto first = bootstrap_accounts(d, **store, registry, "");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->created_account);
  ASSERT_TRUE(first->new_admin_key);
  EXPECT_EQ(first->default_account_id.size(), 12u);
  EXPECT_EQ(slurp_file(dir + "/credentials"),
            "[default]\naws_access_key_id = " + first->new_admin_key->access_key_id +
                "\naws_secret_access_key = " + first->new_admin_key->secret_access_key + "\n");
  EXPECT_EQ(mode_of(dir + "/credentials"), 0600u);

  auto second = bootstrap_accounts(d, **store, registry, "");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->default_account_id, first->default_account_id);  // remembered
  EXPECT_FALSE(second->created_account);
  EXPECT_FALSE(second->new_admin_key);
  EXPECT_EQ(registry.list_access_keys()->size(), 1u);

  auto configured = bootstrap_accounts(d, **store, registry, "111122223333");
  ASSERT_TRUE(configured.ok());
  EXPECT_EQ(configured->default_account_id, "111122223333");
  EXPECT_TRUE(configured->created_account);
  EXPECT_EQ(registry.list_accounts()->size(), 2u);
  ASSERT_TRUE((*store)->close().ok());
  std::filesystem::remove_all(dir);
}

TEST(ServeTest, FirstStartPrintsCredentialsServesAndShutsDownCleanly) {
  std::string dir = make_temp_dir() + "/data";
  std::string account;
  {
    ServerRun run(test_config(dir));
    uint16_t port = wait_for_port(dir);
    ASSERT_NE(port, 0);

    TestClient client(port);
    ASSERT_TRUE(client.send_request("GET", "/healthz", ""));
    auto health = client.read_response();
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(health->body, "ok\n");

    // sigv4 is the default: an unsigned call is refused, AWS-style.
    ASSERT_TRUE(client.send_request("POST", "/", "{}",
                                    "X-Amz-Target: AWSGlue.GetDatabases\r\n"
                                    "Content-Type: application/x-amz-json-1.1\r\n"));
    auto refused = client.read_response();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 403);
    EXPECT_FALSE(refused->header("x-amzn-requestid").empty());
    EXPECT_NE(refused->body.find("__type"), std::string::npos);

    ASSERT_TRUE(client.send_request("GET", "/metrics", ""));
    auto metrics = client.read_response();
    ASSERT_TRUE(metrics);
    EXPECT_NE(metrics->body.find("status=\"403\"} 1"), std::string::npos) << metrics->body;
    EXPECT_NE(metrics->body.find("mortar_store_duration_seconds_count"), std::string::npos);

    EXPECT_EQ(run.stop(), 0);
    std::string out = run.output();
    EXPECT_NE(out.find("aws configure set aws_access_key_id AKIA"), std::string::npos) << out;
    EXPECT_NE(out.find("aws configure set aws_secret_access_key "), std::string::npos);
    EXPECT_NE(out.find("aws --profile mortar --endpoint-url http://127.0.0.1:" + std::to_string(port)),
              std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/server.addr"));  // removed on shutdown
  EXPECT_EQ(mode_of(dir), 0700u);
  EXPECT_EQ(mode_of(dir + "/credentials"), 0600u);
  EXPECT_EQ(mode_of(dir + "/token.key"), 0600u);
  EXPECT_EQ(mode_of(dir + "/catalog.db"), 0600u);
  account = slurp_file(dir + "/default_account_id");
  std::string credentials = slurp_file(dir + "/credentials");

  // Second start: same account, same credentials, nothing printed.
  ServerRun again(test_config(dir));
  ASSERT_NE(wait_for_port(dir), 0);
  EXPECT_EQ(again.stop(), 0);
  EXPECT_EQ(again.output(), "");
  EXPECT_EQ(slurp_file(dir + "/default_account_id"), account);
  EXPECT_EQ(slurp_file(dir + "/credentials"), credentials);
  std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
}

TEST(ServeTest, OpenModeAcceptsUnsignedRequests) {
  std::string dir = make_temp_dir();
  Config config = test_config(dir);
  config.auth_mode = "open";
  config.default_account_id = "123456789012";
  ServerRun run(config);
  uint16_t port = wait_for_port(dir);
  ASSERT_NE(port, 0);
  TestClient client(port);
  ASSERT_TRUE(client.send_request("POST", "/", "{}",
                                  "X-Amz-Target: AWSGlue.GetDatabases\r\n"
                                  "Content-Type: application/x-amz-json-1.1\r\n"));
  auto res = client.read_response();
  ASSERT_TRUE(res);
  EXPECT_NE(res->status, 403);
  EXPECT_NE(res->header("x-amzn-errortype"), "MissingAuthenticationTokenException");
  EXPECT_EQ(run.stop(), 0);
  EXPECT_EQ(slurp_file(dir + "/default_account_id"), "123456789012\n");
  std::filesystem::remove_all(dir);
}

TEST(ServeTest, UnusablePortFailsWithExitCode1AndCreatesNoDataDir) {
  std::string dir = make_temp_dir();
  ServerRun first(test_config(dir));
  uint16_t port = wait_for_port(dir);
  ASSERT_NE(port, 0);
  std::string dir2 = make_temp_dir();
  Config clash = test_config(dir2 + "/data");
  clash.port = port;
  ServeHooks hooks;
  hooks.wait_for_stop = [] { FAIL() << "should not have started"; };
  std::ostringstream out;
  hooks.out = &out;
  EXPECT_EQ(run_serve(clash, {}, hooks), 1);
  EXPECT_FALSE(std::filesystem::exists(dir2 + "/data"));  // it binds before touching the disk
  EXPECT_EQ(first.stop(), 0);
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(dir2);
}

TEST(ServeTest, SecondServerOnTheSameDataDirIsRefusedAndLeavesTheFirstAlone) {
  std::string dir = make_temp_dir();
  ServerRun first(test_config(dir));
  uint16_t port = wait_for_port(dir);
  ASSERT_NE(port, 0);
  const std::string addr = slurp_file(dir + "/server.addr");
  for (uint16_t second_port : {uint16_t{0}, port}) {
    Config again = test_config(dir);
    again.port = second_port;
    ServeHooks hooks;
    hooks.wait_for_stop = [] { FAIL() << "a second server started on the same data dir"; };
    std::ostringstream out;
    hooks.out = &out;
    EXPECT_EQ(run_serve(again, {}, hooks), 1);
    EXPECT_EQ(slurp_file(dir + "/server.addr"), addr);  // the first one's, untouched
  }
  TestClient client(port);
  ASSERT_TRUE(client.send_request("GET", "/healthz", ""));
  auto health = client.read_response();
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(first.stop(), 0);
  std::filesystem::remove_all(dir);
}

TEST(ServeTest, SigtermStopsTheServerCleanly) {
  std::string dir = make_temp_dir();
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    _exit(run_serve(test_config(dir), {}));  // real signal handling
  }
  uint16_t port = wait_for_port(dir);
  ASSERT_NE(port, 0);
  TestClient idle(port);  // an idle keep-alive connection must not hold shutdown up
  ASSERT_TRUE(idle.send_request("GET", "/healthz", ""));
  ASSERT_TRUE(idle.read_response());
  ASSERT_EQ(kill(child, SIGTERM), 0);
  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 500 && done == 0; ++i) {
    done = waitpid(child, &status, WNOHANG);
    if (done == 0) std::this_thread::sleep_for(10ms);
  }
  if (done == 0) kill(child, SIGKILL);
  ASSERT_EQ(done, child) << "mortar serve did not exit within 5 s of SIGTERM";
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(std::filesystem::exists(dir + "/server.addr"));
  EXPECT_TRUE(idle.closed_by_peer());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mortar::server
