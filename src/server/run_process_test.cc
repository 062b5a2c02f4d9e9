#include "server/run_process.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "io/s3/http_fetch.h"
#include "server/run_server.h"

namespace mortar::server {
namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/mortar-run-XXXXXX";
  return mkdtemp(tmpl);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> plain_env() { return {"PATH=/usr/bin:/bin", "LC_ALL=C"}; }

TEST(ScriptProcess, CopiesOutputToTheLogAndReturnsTheExitCode) {
  const std::string dir = temp_dir();
  const std::string log = dir + "/run.log";
  ScriptProcess p({"/bin/sh", "-c", "echo to-out; echo to-err >&2; echo \"$MARK\"; exit 3"},
                  {"MARK=env-reached", "PATH=/usr/bin:/bin"}, log);
  auto result = p.run();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(result->signal, 0);
  const std::string text = slurp(log);
  EXPECT_NE(text.find("to-out\n"), std::string::npos);
  EXPECT_NE(text.find("to-err\n"), std::string::npos);
  EXPECT_NE(text.find("env-reached\n"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ScriptProcess, ReportsTheSignalThatEndedTheChildAndTheException) {
  const std::string dir = temp_dir();
  auto killed = ScriptProcess({"/bin/sh", "-c", "kill -TERM $$"}, plain_env(), dir + "/a.log").run();
  ASSERT_TRUE(killed.ok());
  EXPECT_EQ(killed->signal, SIGTERM);
  EXPECT_EQ(killed->exit_code, 128 + SIGTERM);

  auto raised = ScriptProcess({"/bin/sh", "-c",
                               "printf 'Traceback (most recent call last):\\n  File x\\n"
                               "OSError: disk full\\n' >&2; exit 1"},
                              plain_env(), dir + "/b.log")
                    .run();
  ASSERT_TRUE(raised.ok());
  EXPECT_EQ(raised->exit_code, 1);
  EXPECT_EQ(raised->exception_line, "OSError: disk full");
  std::filesystem::remove_all(dir);
}

TEST(ScriptProcess, AMissingProgramIsAnError) {
  const std::string dir = temp_dir();
  auto result = ScriptProcess({dir + "/no-such-python"}, plain_env(), dir + "/c.log").run();
  ASSERT_FALSE(result.ok());
  EXPECT_NE(std::string(status_message(result.status())).find("cannot start"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(LocalServer, ListensWithTheAdminKeyAndStopsCleanly) {
  const std::string dir = temp_dir();
  Config config;
  config.data_dir = dir;
  config.listen = "127.0.0.1:0";
  config.host = "127.0.0.1";
  config.port = 0;
  config.log_level = "warn";
  auto server = LocalServer::start(config, {});
  ASSERT_TRUE(server.ok()) << server.status();
  const ServerAccess& access = (*server)->access();
  EXPECT_EQ(access.endpoint.rfind("http://127.0.0.1:", 0), 0u) << access.endpoint;
  EXPECT_EQ(access.access_key_id.size(), 20u);
  EXPECT_FALSE(access.secret_access_key.empty());
  auto health = io::s3::http_fetch("GET", access.endpoint + "/healthz", {}, 5000);
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  // Another `mortar run` on this data dir finds it instead of starting a second server.
  EXPECT_EQ(running_server_endpoint(dir), access.endpoint);
  EXPECT_EQ((*server)->stop(), 0);
  EXPECT_FALSE(std::filesystem::exists(dir + "/server.addr"));
  EXPECT_EQ(running_server_endpoint(dir), std::nullopt);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mortar::server
