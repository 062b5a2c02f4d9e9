// The JobRunner tests' fixture (a JobRunner over the real PosixLauncher and
// Mortar's awsglue package, logs into an in-memory sink, recording bookmark
// hooks), shared by job_runner_test.cc and job_runner_live_test.cc.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "jobs/posix_launcher.h"
#include "jobs/python_modules.h"

#ifndef MORTAR_TEST_PYTHON
#define MORTAR_TEST_PYTHON "python3"
#endif
#include "jobs/job_runner.h"

namespace mortar::jobs {
namespace job_runner_test {

namespace fs = std::filesystem;
using nlohmann::json;

class MemorySink : public logs::LogSink {
 public:
  void append(const std::string& account_id, const std::string& group, const std::string& stream,
              std::vector<logs::LogEvent> events) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto& to = logs_[account_id + " " + group + " " + stream];
    to.insert(to.end(), events.begin(), events.end());
  }
  void flush() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++flushes_;
  }
  std::vector<logs::LogEvent> events(const std::string& group, const std::string& stream,
                                     const std::string& account = "123456789012") {
    std::lock_guard<std::mutex> lock(mu_);
    return logs_[account + " " + group + " " + stream];
  }
  std::vector<std::string> lines(const std::string& group, const std::string& stream) {
    std::vector<std::string> out;
    for (const auto& e : events(group, stream)) out.push_back(e.message);
    return out;
  }
  std::string text(const std::string& group, const std::string& stream) {
    std::string out;
    for (const auto& line : lines(group, stream)) out += line + "\n";
    return out;
  }
  int flushes() {
    std::lock_guard<std::mutex> lock(mu_);
    return flushes_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<logs::LogEvent>> logs_;
  int flushes_ = 0;
};

class RecordingBookmarks : public BookmarkHooks {
 public:
  StatusOr<std::string> load(const BookmarkRun& run) override {
    std::lock_guard<std::mutex> lock(mu_);
    loaded.push_back(run);
    return std::string(R"({"version": 7, "entries": {}})");
  }
  Status commit(const BookmarkRun& run, const std::string& document) override {
    std::lock_guard<std::mutex> lock(mu_);
    committed.push_back({run.run_id, document});
    if (refuse) return concurrent_modification("bookmark version 7 is stale: version 8 exists");
    return ok_status();
  }
  std::mutex mu_;
  std::vector<BookmarkRun> loaded;
  std::vector<std::pair<std::string, std::string>> committed;
  bool refuse = false;
};

class JobRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mortar-runner-XXXXXX";
    root_ = mkdtemp(tmpl);
    root_ = fs::canonical(root_).string();
    fs::create_directories(root_ + "/scripts");
    options_.data_dir = root_ + "/data";
    // MORTAR_TEST_RUNNER_PYTHON: another interpreter to try (e.g. one without pip).
    const char* python = std::getenv("MORTAR_TEST_RUNNER_PYTHON");
    options_.python = python != nullptr ? python : MORTAR_TEST_PYTHON;
    options_.python_path = std::string(MORTAR_SOURCE_DIR) + "/python";
    options_.log_sink = &sink_;
    options_.clock = &clock_;
    options_.stop_grace = std::chrono::milliseconds(300);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  std::string script(const std::string& name, const std::string& code) {
    const std::string path = root_ + "/scripts/" + name;
    std::ofstream(path) << code;
    return path;
  }

  RunRequest request(const std::string& script_location, const std::string& run_id,
                     const std::string& command = "glueetl") {
    RunRequest r;
    r.account_id = "123456789012";
    r.region = "eu-west-1";
    r.endpoint = "http://127.0.0.1:1";
    r.credentials = {"AKIARUNKEY0000000001", "run-secret"};
    r.job = {{"Name", "nightly"},
             {"Command", {{"Name", command}, {"ScriptLocation", script_location}}}};
    r.run = {{"Id", run_id}, {"JobName", "nightly"}};
    return r;
  }

  RunResult run(RunRequest r, JobRunner& runner) {
    auto started = runner.start(std::move(r));
    EXPECT_TRUE(started.ok()) << started.status();
    if (!started.ok()) return {"<not started>", std::string(status_message(started.status()))};
    return (*started)->wait();
  }

  // The script's stdout parsed as one JSON document.
  json output_json(const std::string& run_id, const std::string& group = "/aws-glue/jobs") {
    std::string text = sink_.text(group + "/output", run_id);
    try {
      return json::parse(text);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not JSON: " << text << "\nstderr: " << sink_.text(group + "/error", run_id);
      return json();
    }
  }

  std::string root_;
  MemorySink sink_;
  FakeClock clock_{1765000000123456};
  JobRunnerOptions options_;
  PosixLauncher launcher_;
};

}  // namespace job_runner_test
}  // namespace mortar::jobs
