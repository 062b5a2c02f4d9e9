// The warm pool tests' fixture (a WarmPoolLauncher over real fork servers,
// with a recording cold fallback) and helpers, shared by warm_pool_test.cc
// and warm_run_isolation_test.cc. A named namespace: the fixture must be one
// type in every translation unit.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "jobs/posix_launcher.h"
#include "jobs/warm_pool.h"

namespace mortar::jobs::warm_pool_testing {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr milliseconds kReady{60000};

// The fallback: records what it was asked to start (a fake process that
// exited 0 at once, never warm).
class RecordingLauncher : public ProcessLauncher {
 public:
  StatusOr<std::unique_ptr<Process>> launch(LaunchSpec spec) override {
    std::lock_guard<std::mutex> lock(mu_);
    launched_.push_back(spec.argv);
    return std::unique_ptr<Process>(new Done());
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return launched_.size();
  }

 private:
  struct Done : Process {
    int pid() const override { return 0; }
    void terminate() override {}
    void kill() override {}
    ExitInfo wait() override { return {}; }
  };
  std::mutex mu_;
  std::vector<std::vector<std::string>> launched_;
};

struct Output {
  std::mutex mu;
  std::string out, err;
  std::string stdout_text() {
    std::lock_guard<std::mutex> lock(mu);
    return out;
  }
};

struct RunResult {
  ExitInfo exit;
  std::string out, err;
};

class WarmPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/warm_pool_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(fs::exists(fs::path(MORTAR_TEST_PYTHON_DIR) / "_mortar_forkserver"))
        << "build the _mortar target: it installs the fork server in " MORTAR_TEST_PYTHON_DIR;
  }
  void TearDown() override {
    launcher_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::vector<std::string> base_env() const {
    std::vector<std::string> env{std::string("PYTHONPATH=") + MORTAR_TEST_PYTHON_DIR,
                                 "LANG=C.UTF-8"};
    for (const char* name : {"PATH", "HOME"}) {
      if (const char* v = std::getenv(name)) env.push_back(std::string(name) + "=" + v);
    }
    return env;
  }

  // A script file in its own directory under the test's temp dir.
  std::string script(const std::string& name, const std::string& source) {
    fs::path sub = fs::path(dir_) / ("scripts_" + name);
    fs::create_directories(sub);
    fs::path path = sub / (name + ".py");
    std::ofstream(path) << source;
    return path.string();
  }
  std::string new_dir(const std::string& name) {
    fs::path p = fs::path(dir_) / name;
    fs::create_directories(p);
    return p.string();
  }

  LaunchSpec spec(const std::string& script_path, std::vector<std::string> extra_env = {},
                  std::vector<std::string> args = {}) {
    LaunchSpec s;
    s.argv = {MORTAR_TEST_PYTHON, script_path};
    s.argv.insert(s.argv.end(), args.begin(), args.end());
    s.env = base_env();
    s.env.insert(s.env.end(), extra_env.begin(), extra_env.end());
    s.working_dir = new_dir("cwd" + std::to_string(++runs_));
    return s;
  }

  WarmPoolLauncher& launcher(int size = 1) {
    WarmPoolOptions options;
    options.size = size;
    options.python_dir = MORTAR_TEST_PYTHON_DIR;
    launcher_ = std::make_unique<WarmPoolLauncher>(options, fallback_);
    return *launcher_;
  }
  // A launcher whose pool for runs like `like` is ready.
  WarmPoolLauncher& warm_launcher(const LaunchSpec& like) {
    WarmPoolLauncher& l = launcher();
    l.prestart(like.argv[0], like.env);
    EXPECT_TRUE(l.wait_ready(like, 1, kReady)) << l.stats().last_error;
    return l;
  }

  static void with_env(LaunchSpec& s, const std::string& name, const std::string& value) {
    for (std::string& kv : s.env) {
      if (kv.rfind(name + "=", 0) == 0) {
        kv = name + "=" + value;
        return;
      }
    }
    s.env.push_back(name + "=" + value);
  }

  static RunResult run(ProcessLauncher& l, LaunchSpec s) {
    auto output = std::make_shared<Output>();
    s.on_output = [output](OutputStream stream, std::string_view chunk) {
      std::lock_guard<std::mutex> lock(output->mu);
      (stream == OutputStream::kStdout ? output->out : output->err).append(chunk);
    };
    auto process = l.launch(std::move(s));
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return {};
    RunResult r;
    r.exit = (*process)->wait();
    process->reset();
    std::lock_guard<std::mutex> lock(output->mu);
    r.out = output->out;
    r.err = output->err;
    return r;
  }

  std::string dir_;
  int runs_ = 0;
  RecordingLauncher fallback_;
  std::unique_ptr<WarmPoolLauncher> launcher_;
};

// Waits until `pred` holds (polling), false at the deadline.
template <typename Pred>
bool eventually(Pred pred, milliseconds limit = milliseconds(10000)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return pred();
}

}  // namespace mortar::jobs::warm_pool_testing
