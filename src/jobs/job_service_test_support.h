// The JobService tests' fakes (a RunExecutor whose runs the test ends, a
// CredentialIssuer) and fixture (a service on a FakeClock over a store
// backend), shared by job_service_test.cc and job_recovery_test.cc. A named
// namespace, not an anonymous one: the parameterized fixture must be one
// type in every translation unit.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/glue_errors.h"
#include "jobs/job_rows.h"
#include "jobs/job_service.h"
#include "testing/store_backends.h"

namespace mortar::jobs::job_service_testing {

using test_support::StoreBackend;

// A run of the fake executor: ends when the test completes it, or as the
// state a stop asked for (as SIGTERM would).
class FakeRun : public RunningJob {
 public:
  void stop(const std::string& state, const std::string& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    stops.push_back(state);
    if (!done_) {
      done_ = true;
      result_ = RunResult{state, message};
    }
    cv_.notify_all();
  }
  RunResult wait() override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return done_; });
    return result_;
  }
  void complete(const std::string& state, const std::string& message = "") {
    std::lock_guard<std::mutex> lock(mu_);
    if (done_) return;
    done_ = true;
    result_ = RunResult{state, message};
    cv_.notify_all();
  }
  std::vector<std::string> stops;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  RunResult result_;
};

// What the service owns: forwards to a FakeRun the executor keeps, so tests
// may look at a run after the service let go of it.
class FakeRunHandle : public RunningJob {
 public:
  explicit FakeRunHandle(std::shared_ptr<FakeRun> run) : run_(std::move(run)) {}
  void stop(const std::string& state, const std::string& message) override {
    run_->stop(state, message);
  }
  RunResult wait() override { return run_->wait(); }

 private:
  std::shared_ptr<FakeRun> run_;
};

class FakeExecutor : public RunExecutor {
 public:
  StatusOr<std::unique_ptr<RunningJob>> start(RunRequest request) override {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string id = request.run["Id"];
    ++starts_[id];
    requests_[id] = request;
    if (!fail_start_.empty()) return internal_error(fail_start_);
    auto run = std::make_shared<FakeRun>();
    runs_[id] = run;
    return std::unique_ptr<RunningJob>(std::make_unique<FakeRunHandle>(run));
  }
  // The running fake of `id`, once started (waits up to a deadline).
  FakeRun* run(const std::string& id) {
    for (int i = 0; i < 20000; ++i) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (auto it = runs_.find(id); it != runs_.end()) return it->second.get();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return nullptr;
  }
  int starts(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    return starts_.count(id) ? starts_[id] : 0;
  }
  std::map<std::string, int> all_starts() {
    std::lock_guard<std::mutex> lock(mu_);
    return starts_;
  }
  RunRequest request(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_[id];
  }
  void fail_start(std::string why) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_start_ = std::move(why);
  }

 private:
  std::mutex mu_;
  std::map<std::string, int> starts_;
  std::map<std::string, RunRequest> requests_;
  std::map<std::string, std::shared_ptr<FakeRun>> runs_;
  std::string fail_start_;
};

class FakeIssuer : public CredentialIssuer {
 public:
  StatusOr<RunCredentials> issue(const std::string& account, const std::string& run_id) override {
    std::lock_guard<std::mutex> lock(mu);
    RunCredentials c{"AKIARUN" + std::to_string(++n), "secret"};
    issued[c.access_key_id] = account + "/" + run_id;
    return c;
  }
  Status revoke(const std::string& key) override {
    std::lock_guard<std::mutex> lock(mu);
    revoked.insert(key);
    return ok_status();
  }
  std::mutex mu;
  int n = 0;
  std::map<std::string, std::string> issued;
  std::set<std::string> revoked;
};

inline std::string exception_name(const Status& s) { return glue_exception_name(s); }

class JobServiceTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    ASSERT_EQ(store_.open(GetParam()), "");
    ASSERT_TRUE(JobService::migrate(*store_).ok());
    ctx_.account_id = ctx_.catalog_id = "111122223333";
    service_ = make("server-a");
  }
  void TearDown() override {
    service_.reset();
    other_.reset();
  }

  std::unique_ptr<JobService> make(const std::string& server_id, int max_runs = 4,
                                   store::Store* store = nullptr,
                                   FakeExecutor* executor = nullptr) {
    JobServiceOptions o;
    o.clock = &clock_;
    o.executor = executor ? executor : &executor_;
    o.credentials = &issuer_;
    o.endpoint = "http://127.0.0.1:1";
    o.max_concurrent_runs = max_runs;
    o.server_id = server_id;
    o.heartbeat_interval_millis = 0;  // tests call tick()
    o.heartbeat_timeout_millis = 30000;
    o.on_run_finished = [this](const JobRunFinished& f) {
      std::lock_guard<std::mutex> lock(finished_mu_);
      finished_.push_back(f);
    };
    o.on_run_delayed = [this](const JobRunDelayed& d) {
      std::lock_guard<std::mutex> lock(finished_mu_);
      delayed_.push_back(d);
    };
    auto s = JobService::create(store ? *store : *store_, std::move(o));
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? std::move(*s) : nullptr;
  }

  void create_job(const std::string& name, Json extra = Json::object()) {
    Json req = {{"Name", name},
                {"Role", "r"},
                {"Command", {{"Name", "pythonshell"}, {"ScriptLocation", "/tmp/x.py"}}}};
    for (auto it = extra.begin(); it != extra.end(); ++it) req[it.key()] = it.value();
    auto created = service_->create_job(ctx_, req);
    ASSERT_TRUE(created.ok()) << created.status();
  }
  std::string start(const std::string& job, Json extra = Json::object(), JobService* s = nullptr) {
    Json req = {{"JobName", job}};
    for (auto it = extra.begin(); it != extra.end(); ++it) req[it.key()] = it.value();
    auto id = (s ? s : service_.get())->start_job_run(ctx_, req);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : "";
  }
  Json run(const std::string& job, const std::string& id) {
    auto r = service_->get_job_run(ctx_, job, id, true);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : Json();
  }
  std::string state(const std::string& job, const std::string& id) {
    return run(job, id).value("JobRunState", "");
  }
  // Polls (with a deadline) until the run is in `want`.
  bool reaches(const std::string& job, const std::string& id, const std::string& want) {
    for (int i = 0; i < 20000; ++i) {
      if (state(job, id) == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ADD_FAILURE() << id << " stayed " << state(job, id) << ", wanted " << want;
    return false;
  }

  test_support::TestStore store_;
  FakeClock clock_;
  FakeExecutor executor_;
  FakeIssuer issuer_;
  CallContext ctx_;
  std::unique_ptr<JobService> service_;
  std::unique_ptr<JobService> other_;
  std::mutex finished_mu_;
  std::vector<JobRunFinished> finished_;
  std::vector<JobRunDelayed> delayed_;
  std::vector<JobRunDelayed> delayed() {
    std::lock_guard<std::mutex> lock(finished_mu_);
    return delayed_;
  }
};

}  // namespace mortar::jobs::job_service_testing
