// The run state machine with a FakeClock and a fake RunExecutor: every
// transition, timeouts, retries, queuing and expiry, MaxConcurrentRuns, the
// server-wide limit, stops, restart recovery, per-run credentials, and
// several services on one store (each run claimed once) on SQLite and
// PostgreSQL.
#include "jobs/job_service.h"

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
#include "testing/store_backends.h"

namespace mortar::jobs {
namespace {

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

std::string exception_name(const Status& s) { return glue_exception_name(s); }

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

TEST_P(JobServiceTest, JobDefinitionsCrudWithGlueDefaults) {
  create_job("j1", {{"Tags", {{"team", "data"}}}});
  create_job("j2");
  auto dup = service_->create_job(
      ctx_,
      {{"Name", "j1"}, {"Role", "r"}, {"Command", {{"Name", "glueetl"}, {"ScriptLocation", "s"}}}});
  EXPECT_EQ(exception_name(dup.status()), "AlreadyExistsException");

  auto job = service_->get_job(ctx_, "j1");
  ASSERT_TRUE(job.ok());
  EXPECT_EQ((*job)["Timeout"], 2880);
  EXPECT_EQ((*job)["MaxRetries"], 0);
  EXPECT_EQ((*job)["ExecutionProperty"]["MaxConcurrentRuns"], 1);
  EXPECT_EQ((*job)["MaxCapacity"], 0.0625);
  EXPECT_FALSE(job->contains("Tags"));

  // JobUpdate replaces the definition.
  ASSERT_TRUE(service_
                  ->update_job(ctx_, "j1",
                               {{"Role", "r2"},
                                {"Command", {{"Name", "glueetl"}, {"ScriptLocation", "/a.py"}}},
                                {"Timeout", 5}})
                  .ok());
  job = service_->get_job(ctx_, "j1");
  EXPECT_EQ((*job)["Role"], "r2");
  EXPECT_EQ((*job)["Timeout"], 5);
  EXPECT_EQ((*job)["Command"]["Name"], "glueetl");
  EXPECT_EQ(exception_name(service_->update_job(
                ctx_, "nope",
                {{"Role", "r"}, {"Command", {{"Name", "glueetl"}, {"ScriptLocation", "s"}}}})),
            "EntityNotFoundException");

  auto page = service_->get_jobs(ctx_, "", 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0]["Name"], "j1");
  page = service_->get_jobs(ctx_, page->next.get<std::string>(), 1);
  EXPECT_EQ(page->items[0]["Name"], "j2");
  EXPECT_TRUE(page->next.is_null());

  auto tagged = service_->list_jobs(ctx_, {{"team", "data"}}, "", 100);
  ASSERT_TRUE(tagged.ok());
  EXPECT_EQ(tagged->items, std::vector<Json>{"j1"});
  ASSERT_TRUE(service_->tag_job(ctx_, "j2", {{"team", "data"}}).ok());
  EXPECT_EQ(service_->list_jobs(ctx_, {{"team", "data"}}, "", 100)->items.size(), 2u);
  ASSERT_TRUE(service_->untag_job(ctx_, "j2", {"team"}).ok());
  EXPECT_EQ(*service_->get_job_tags(ctx_, "j2"), Json::object());

  auto batch = service_->batch_get_jobs(ctx_, {"j1", "zz"});
  EXPECT_EQ((*batch)["Jobs"].size(), 1u);
  EXPECT_EQ((*batch)["JobsNotFound"], Json::array({"zz"}));

  ASSERT_TRUE(service_->delete_job(ctx_, "j1").ok());
  ASSERT_TRUE(service_->delete_job(ctx_, "j1").ok());  // idempotent
  EXPECT_EQ(exception_name(service_->get_job(ctx_, "j1").status()), "EntityNotFoundException");
}

TEST_P(JobServiceTest, BadDefinitionsAreRefusedNamingTheMember) {
  auto bad = [&](Json req) {
    req["Name"] = "b";
    req["Role"] = "r";
    if (!req.contains("Command")) req["Command"] = {{"Name", "glueetl"}, {"ScriptLocation", "s"}};
    return service_->create_job(ctx_, req).status();
  };
  Status s = bad({{"Command", {{"Name", "spark"}, {"ScriptLocation", "s"}}}});
  EXPECT_EQ(exception_name(s), "InvalidInputException");
  EXPECT_NE(s.message().find("Command.Name"), std::string::npos);
  EXPECT_NE(bad({{"Timeout", 20000}}).message().find("Timeout"), std::string::npos);
  EXPECT_NE(bad({{"MaxRetries", -1}}).message().find("MaxRetries"), std::string::npos);
  EXPECT_NE(
      bad({{"ExecutionProperty", {{"MaxConcurrentRuns", 0}}}}).message().find("MaxConcurrentRuns"),
      std::string::npos);
  EXPECT_NE(bad({{"WorkerType", "G.1X"}}).message().find("NumberOfWorkers"), std::string::npos);
  EXPECT_NE(bad({{"WorkerType", "G.1X"}, {"NumberOfWorkers", 2}, {"MaxCapacity", 10.0}})
                .message()
                .find("MaxCapacity"),
            std::string::npos);
  EXPECT_EQ(exception_name(service_->get_job(ctx_, "b").status()), "EntityNotFoundException");
}

TEST_P(JobServiceTest, RunSucceedsThroughStartingAndRunning) {
  create_job("j", {{"DefaultArguments", {{"--a", "1"}}}});
  const std::string id = start("j", {{"Arguments", {{"--b", "2"}}}});
  ASSERT_EQ(id.size(), 67u);
  EXPECT_EQ(id.substr(0, 3), "jr_");
  FakeRun* r = executor_.run(id);
  ASSERT_NE(r, nullptr);
  ASSERT_TRUE(reaches("j", id, "RUNNING"));
  RunRequest req = executor_.request(id);
  EXPECT_EQ(req.job["DefaultArguments"]["--a"], "1");
  EXPECT_EQ(req.run["Arguments"], Json({{"--b", "2"}}));
  EXPECT_EQ(req.endpoint, "http://127.0.0.1:1");
  EXPECT_FALSE(req.credentials.access_key_id.empty());
  clock_.advance(42'000'000);
  r->complete("SUCCEEDED");
  ASSERT_TRUE(reaches("j", id, "SUCCEEDED"));
  Json got = run("j", id);
  EXPECT_EQ(got["ExecutionTime"], 42);
  EXPECT_EQ(got["LogGroupName"], "/aws-glue/python-jobs");
  EXPECT_EQ(got["Timeout"], 2880);
  EXPECT_EQ(got["Attempt"], 0);
  EXPECT_TRUE(got.contains("CompletedOn"));
  EXPECT_EQ(got["PredecessorRuns"], Json::array());
  service_->wait_idle();
  // The run's key was revoked when it ended; the finish hook heard of it.
  EXPECT_EQ(issuer_.revoked.count(req.credentials.access_key_id), 1u);
  std::lock_guard<std::mutex> lock(finished_mu_);
  ASSERT_EQ(finished_.size(), 1u);
  EXPECT_EQ(finished_[0].state, "SUCCEEDED");
  EXPECT_EQ(finished_[0].run_id, id);
}

TEST_P(JobServiceTest, FailedRunIsRetriedAsAttemptsUntilMaxRetries) {
  create_job("j", {{"MaxRetries", 2}});
  const std::string id = start("j", {{"Arguments", {{"--x", "y"}}}});
  executor_.run(id)->complete("FAILED", "ValueError: boom");
  const std::string a1 = id + "_attempt_1";
  ASSERT_NE(executor_.run(a1), nullptr);
  EXPECT_EQ(state("j", id), "FAILED");
  EXPECT_EQ(run("j", id)["ErrorMessage"], "ValueError: boom");
  executor_.run(a1)->complete("FAILED", "ValueError: again");
  const std::string a2 = id + "_attempt_2";
  ASSERT_NE(executor_.run(a2), nullptr);
  executor_.run(a2)->complete("FAILED", "ValueError: third");
  ASSERT_TRUE(reaches("j", a2, "FAILED"));
  service_->wait_idle();
  Json r2 = run("j", a2);
  EXPECT_EQ(r2["Attempt"], 2);
  EXPECT_EQ(r2["PreviousRunId"], a1);
  EXPECT_EQ(r2["Arguments"]["--x"], "y");
  auto runs = service_->get_job_runs(ctx_, "j", "", 10);
  ASSERT_EQ(runs->items.size(), 3u);    // no fourth: retries are spent
  EXPECT_EQ(runs->items[0]["Id"], a2);  // newest first
  // Paging walks the same list.
  auto p1 = service_->get_job_runs(ctx_, "j", "", 2);
  ASSERT_EQ(p1->items.size(), 2u);
  auto p2 = service_->get_job_runs(ctx_, "j", p1->next.get<std::string>(), 2);
  ASSERT_EQ(p2->items.size(), 1u);
  EXPECT_EQ(p2->items[0]["Id"], id);
  // The listener learns which attempt retries each failed one (workflow runs keep it).
  std::map<std::string, std::string> retried_as;
  {
    std::lock_guard lock(finished_mu_);
    for (const auto& f : finished_) retried_as[f.run_id] = f.retry_run_id;
  }
  EXPECT_EQ(retried_as[id], a1);
  EXPECT_EQ(retried_as[a1], a2);
  EXPECT_EQ(retried_as[a2], "");
  EXPECT_TRUE(p2->next.is_null());
}

TEST_P(JobServiceTest, ExecutorThatCannotStartFailsTheRun) {
  create_job("j");
  executor_.fail_start("script /tmp/x.py not found");
  const std::string id = start("j");
  ASSERT_TRUE(reaches("j", id, "FAILED"));
  EXPECT_EQ(run("j", id)["ErrorMessage"], "script /tmp/x.py not found");
}

TEST_P(JobServiceTest, TimeoutStopsTheRunAsTimeoutAndIsNotRetried) {
  create_job("j", {{"MaxRetries", 3}, {"Timeout", 10}});
  const std::string id = start("j", {{"Timeout", 2}});  // the run's Timeout wins
  FakeRun* r = executor_.run(id);
  ASSERT_TRUE(reaches("j", id, "RUNNING"));
  clock_.advance(119'000'000);
  EXPECT_EQ(state("j", id), "RUNNING");
  clock_.advance(1'000'000);
  ASSERT_TRUE(reaches("j", id, "TIMEOUT"));
  EXPECT_EQ(r->stops, std::vector<std::string>{"TIMEOUT"});
  EXPECT_NE(run("j", id)["ErrorMessage"].get<std::string>().find("Timeout of 2 minutes"),
            std::string::npos);
  service_->wait_idle();
  EXPECT_EQ(service_->get_job_runs(ctx_, "j", "", 10)->items.size(), 1u);
}

TEST_P(JobServiceTest, NotifyDelayAfterTellsOnceOfARunStillRunning) {
  create_job("j", {{"NotificationProperty", {{"NotifyDelayAfter", 5}}}});
  // The job's delay: told once, 5 minutes after StartedOn, while RUNNING.
  const std::string id = start("j");
  FakeRun* r = executor_.run(id);
  ASSERT_TRUE(reaches("j", id, "RUNNING"));
  clock_.advance(299'000'000);
  EXPECT_TRUE(delayed().empty());
  clock_.advance(1'000'000);
  ASSERT_EQ(delayed().size(), 1u);
  EXPECT_EQ(delayed()[0].run_id, id);
  EXPECT_EQ(delayed()[0].job_name, "j");
  EXPECT_EQ(delayed()[0].account_id, ctx_.account_id);
  EXPECT_EQ(delayed()[0].state, "RUNNING");
  EXPECT_EQ(delayed()[0].notify_delay_minutes, 5);
  clock_.advance(600'000'000);
  EXPECT_EQ(delayed().size(), 1u);  // once
  r->complete("SUCCEEDED");
  ASSERT_TRUE(reaches("j", id, "SUCCEEDED"));

  // The run's own delay wins; a run that ends first is never told of, and
  // leaves no timer behind.
  const std::string quick = start("j", {{"NotificationProperty", {{"NotifyDelayAfter", 1}}}});
  executor_.run(quick)->complete("SUCCEEDED");
  ASSERT_TRUE(reaches("j", quick, "SUCCEEDED"));
  service_->wait_idle();
  EXPECT_EQ(clock_.pending_timers(), 0u);
  clock_.advance(120'000'000);
  EXPECT_EQ(delayed().size(), 1u);

  // A trigger action's NotifyDelayAfter overrides the job's.
  TriggeredRun t;
  t.origin.trigger_name = "tr";
  t.notify_delay_after = 1;
  auto tid = service_->start_triggered_run(ctx_.account_id, "us-east-1", "j", t);
  ASSERT_TRUE(tid.ok()) << tid.status();
  ASSERT_NE(executor_.run(*tid), nullptr);
  clock_.advance(60'000'000);
  ASSERT_EQ(delayed().size(), 2u);
  EXPECT_EQ(delayed()[1].run_id, *tid);
  EXPECT_EQ(delayed()[1].notify_delay_minutes, 1);
  executor_.run(*tid)->complete("SUCCEEDED");
  ASSERT_TRUE(reaches("j", *tid, "SUCCEEDED"));
}

TEST_P(JobServiceTest, BatchStopJobRunStopsRunningAndReportsUnknownIds) {
  create_job("j", {{"MaxRetries", 1}});
  const std::string id = start("j");
  FakeRun* r = executor_.run(id);
  ASSERT_TRUE(reaches("j", id, "RUNNING"));
  auto out = service_->batch_stop_job_run(ctx_, "j", {id, "jr_nope"});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)["SuccessfulSubmissions"].size(), 1u);
  ASSERT_EQ((*out)["Errors"].size(), 1u);
  EXPECT_EQ((*out)["Errors"][0]["JobRunId"], "jr_nope");
  EXPECT_EQ((*out)["Errors"][0]["ErrorDetail"]["ErrorCode"], "EntityNotFoundException");
  ASSERT_TRUE(reaches("j", id, "STOPPED"));
  EXPECT_EQ(r->stops, std::vector<std::string>{"STOPPED"});
  service_->wait_idle();
  EXPECT_EQ(service_->get_job_runs(ctx_, "j", "", 10)->items.size(), 1u);  // a stop is not retried
  // A finished run cannot be stopped.
  out = service_->batch_stop_job_run(ctx_, "j", {id});
  EXPECT_EQ((*out)["Errors"][0]["ErrorDetail"]["ErrorCode"], "InvalidInputException");
}

TEST_P(JobServiceTest, MaxConcurrentRunsRefusesOrQueuesAndQueueStartsInOrder) {
  create_job("j");
  const std::string first = start("j");
  ASSERT_NE(executor_.run(first), nullptr);
  auto refused = service_->start_job_run(ctx_, {{"JobName", "j"}});
  EXPECT_EQ(exception_name(refused.status()), "ConcurrentRunsExceededException");

  // Queuing on the run overrides the job's (off).
  const std::string second = start("j", {{"JobRunQueuingEnabled", true}});
  const std::string third = start("j", {{"JobRunQueuingEnabled", true}});
  Json waiting = run("j", second);
  EXPECT_EQ(waiting["JobRunState"], "WAITING");
  EXPECT_NE(waiting["StateDetail"].get<std::string>().find("MaxConcurrentRuns 1"),
            std::string::npos);
  EXPECT_EQ(state("j", third), "WAITING");

  executor_.run(first)->complete("SUCCEEDED");
  ASSERT_NE(executor_.run(second), nullptr);
  ASSERT_TRUE(reaches("j", second, "RUNNING"));
  EXPECT_FALSE(run("j", second).contains("StateDetail"));
  EXPECT_EQ(state("j", third), "WAITING");
  executor_.run(second)->complete("SUCCEEDED");
  ASSERT_NE(executor_.run(third), nullptr);
  executor_.run(third)->complete("SUCCEEDED");
  ASSERT_TRUE(reaches("j", third, "SUCCEEDED"));
}

TEST_P(JobServiceTest, QueuedRunExpiresAfterItsTimeoutAndCanBeStopped) {
  create_job("j", {{"JobRunQueuingEnabled", true}});
  const std::string first = start("j");
  ASSERT_NE(executor_.run(first), nullptr);
  const std::string queued = start("j", {{"Timeout", 1}});
  const std::string stopped = start("j", {{"Timeout", 1}});
  EXPECT_EQ(state("j", queued), "WAITING");
  auto out = service_->batch_stop_job_run(ctx_, "j", {stopped});
  EXPECT_EQ((*out)["SuccessfulSubmissions"].size(), 1u);
  EXPECT_EQ(state("j", stopped), "STOPPED");
  clock_.advance(60'000'000);
  EXPECT_EQ(state("j", queued), "EXPIRED");
  EXPECT_NE(run("j", queued)["ErrorMessage"].get<std::string>().find("queue"), std::string::npos);
  EXPECT_EQ(executor_.starts(queued), 0);
  executor_.run(first)->complete("SUCCEEDED");
  ASSERT_TRUE(reaches("j", first, "SUCCEEDED"));
}

TEST_P(JobServiceTest, ServerWideLimitKeepsMoreRunsStartingUntilASlotFrees) {
  service_ = make("server-a", /*max_runs=*/1);
  create_job("a");
  create_job("b");
  const std::string ra = start("a");
  ASSERT_NE(executor_.run(ra), nullptr);
  const std::string rb = start("b");
  EXPECT_EQ(state("b", rb), "STARTING");
  EXPECT_EQ(executor_.starts(rb), 0);
  executor_.run(ra)->complete("SUCCEEDED");
  ASSERT_NE(executor_.run(rb), nullptr);
  executor_.run(rb)->complete("SUCCEEDED");
  ASSERT_TRUE(reaches("b", rb, "SUCCEEDED"));
}

TEST_P(JobServiceTest, StreamingAndRayJobsAreStoredButNotStarted) {
  create_job("s", {{"Command", {{"Name", "gluestreaming"}, {"ScriptLocation", "s"}}}});
  auto id = service_->start_job_run(ctx_, {{"JobName", "s"}});
  EXPECT_EQ(exception_name(id.status()), "InvalidInputException");
  EXPECT_NE(id.status().message().find("gluestreaming"), std::string::npos);
  EXPECT_EQ(exception_name(service_->start_job_run(ctx_, {{"JobName", "none"}}).status()),
            "EntityNotFoundException");
}

TEST_P(JobServiceTest, TriggerNamingADeletedJobRecordsAnErrorRun) {
  TriggeredRun t;
  t.origin.trigger_name = "nightly";
  auto id = service_->start_triggered_run(ctx_.account_id, "us-east-1", "gone", t);
  ASSERT_TRUE(id.ok()) << id.status();
  Json r = run("gone", *id);
  EXPECT_EQ(r["JobRunState"], "ERROR");
  EXPECT_EQ(r["TriggerName"], "nightly");
  std::lock_guard<std::mutex> lock(finished_mu_);
  ASSERT_EQ(finished_.size(), 1u);
  EXPECT_EQ(finished_[0].state, "ERROR");
  EXPECT_EQ(finished_[0].trigger_name, "nightly");
}

TEST_P(JobServiceTest, ABatchOfTriggerStartsCommitsTogetherEachWithItsOwnOutcome) {
  create_job("j", {{"ExecutionProperty", {{"MaxConcurrentRuns", 2}}}});
  create_job("s", {{"Command", {{"Name", "gluestreaming"}, {"ScriptLocation", "s"}}}});
  TriggeredRun t;
  t.origin.trigger_name = "burst";
  std::vector<TriggeredStart> starts;
  for (const char* job : {"j", "j", "gone", "s", "j"}) {
    starts.push_back(TriggeredStart{ctx_.account_id, "us-east-1", job, t});
  }
  auto out = service_->start_triggered_runs(starts);
  ASSERT_EQ(out.size(), 5u);
  for (int i : {0, 1, 2, 4}) ASSERT_TRUE(out[i].ok()) << i << ": " << out[i].status();
  // Two runs of j fit its MaxConcurrentRuns; the third, a trigger's, is FAILED
  // as Glue records it; the deleted job gets an ERROR run; the streaming job
  // cannot start, alone.
  ASSERT_NE(executor_.run(*out[0]), nullptr);
  ASSERT_NE(executor_.run(*out[1]), nullptr);
  EXPECT_EQ(state("j", *out[4]), "FAILED");
  EXPECT_EQ(run("j", *out[4])["ErrorMessage"], "Concurrent runs exceeded for j");
  EXPECT_EQ(state("gone", *out[2]), "ERROR");
  EXPECT_EQ(exception_name(out[3].status()), "InvalidInputException");
  EXPECT_EQ(run("j", *out[0])["TriggerName"], "burst");
  executor_.run(*out[0])->complete("SUCCEEDED");
  executor_.run(*out[1])->complete("SUCCEEDED");
  ASSERT_TRUE(reaches("j", *out[1], "SUCCEEDED"));
}

TEST_P(JobServiceTest, TriggeredRunCarriesOriginArgumentsAndPredecessors) {
  create_job("j");
  TriggeredRun t;
  t.origin = {"after-a", "wf", "wr_1"};
  t.arguments = {{"--k", "v"}};
  t.timeout_minutes = 7;
  t.predecessors = {{"a", "jr_a"}};
  auto id = service_->start_triggered_run(ctx_.account_id, "eu-west-1", "j", t);
  ASSERT_TRUE(id.ok());
  ASSERT_NE(executor_.run(*id), nullptr);
  RunRequest req = executor_.request(*id);
  EXPECT_EQ(req.origin.workflow_run_id, "wr_1");
  EXPECT_EQ(req.region, "eu-west-1");
  Json r = run("j", *id);
  EXPECT_EQ(r["TriggerName"], "after-a");
  EXPECT_EQ(r["Timeout"], 7);
  EXPECT_EQ(r["PredecessorRuns"], Json::parse(R"([{"JobName":"a","RunId":"jr_a"}])"));
  executor_.run(*id)->complete("SUCCEEDED");
  ASSERT_TRUE(reaches("j", *id, "SUCCEEDED"));
}

// A run row as a server that then died leaves it.
void leave_running(store::Store& store, const std::string& account, const std::string& job,
                   const std::string& id, const std::string& server, int64_t heartbeat,
                   const std::string& key) {
  RunRow row;
  row.account = account;
  row.job_name = job;
  row.run_id = id;
  row.state = "RUNNING";
  row.body = {{"Id", id},
              {"JobName", job},
              {"Attempt", 0},
              {"JobRunState", "RUNNING"},
              {"Arguments", Json::object()},
              {"Timeout", 2880}};
  row.created_micros = heartbeat;
  row.server_id = server;
  row.heartbeat_micros = heartbeat;
  row.exec_start_micros = heartbeat;
  row.credential_key = key;
  ASSERT_TRUE(store::run_in_write_transaction(store, [&](store::Transaction& tx) {
                return insert_run(tx, row).status();
              }).ok());
}

TEST_P(JobServiceTest, RestartFinishesRunsLeftInFlightAtOnceOrRetriesThem) {
  create_job("plain");
  create_job("retried", {{"MaxRetries", 1}});
  service_.reset();
  leave_running(*store_, ctx_.account_id, "plain", "jr_old1", "host:inst:1", clock_.now_micros(),
                "AKIAOLD1");
  leave_running(*store_, ctx_.account_id, "retried", "jr_old2", "host:inst:1", clock_.now_micros(),
                "");
  // The same data dir's server again (another pid): no heartbeat timeout to wait for.
  JobServiceOptions o;
  o.clock = &clock_;
  o.executor = &executor_;
  o.credentials = &issuer_;
  o.server_id = "host:inst:2";
  o.restart_prefix = "host:inst:";
  o.heartbeat_interval_millis = 0;
  auto restarted = JobService::create(*store_, std::move(o));
  ASSERT_TRUE(restarted.ok());
  service_ = std::move(*restarted);
  Json r = run("plain", "jr_old1");
  EXPECT_EQ(r["JobRunState"], "FAILED");
  EXPECT_EQ(r["ErrorMessage"], "the server restarted during the run");
  EXPECT_EQ(issuer_.revoked.count("AKIAOLD1"), 1u);
  EXPECT_EQ(state("retried", "jr_old2"), "FAILED");
  ASSERT_NE(executor_.run("jr_old2_attempt_1"), nullptr);
  executor_.run("jr_old2_attempt_1")->complete("SUCCEEDED");
  ASSERT_TRUE(reaches("retried", "jr_old2_attempt_1", "SUCCEEDED"));
}

TEST_P(JobServiceTest, LeaderGivesUpRunsOfAServerThatStoppedBeating) {
  create_job("j");
  leave_running(*store_, ctx_.account_id, "j", "jr_dead", "other-host:x:9", clock_.now_micros(),
                "");
  ASSERT_EQ(*service_->recover_stale_runs(), 0);  // still fresh
  clock_.advance(31'000'000);
  ASSERT_EQ(*service_->recover_stale_runs(), 1);
  Json r = run("j", "jr_dead");
  EXPECT_EQ(r["JobRunState"], "FAILED");
  EXPECT_NE(r["ErrorMessage"].get<std::string>().find(
                "the server running this job run (id other-host:x:9) stopped responding"),
            std::string::npos);
}

TEST_P(JobServiceTest, ShutdownFailsRunningRunsHonestly) {
  create_job("j");
  const std::string id = start("j");
  ASSERT_NE(executor_.run(id), nullptr);
  ASSERT_TRUE(reaches("j", id, "RUNNING"));
  service_.reset();
  service_ = make("server-b");
  Json r = run("j", id);
  EXPECT_EQ(r["JobRunState"], "FAILED");
  EXPECT_EQ(r["ErrorMessage"], "the server stopped during the run");
}

TEST_P(JobServiceTest, DeletingAJobStopsItsRunsAndForgetsThem) {
  create_job("j");
  const std::string id = start("j");
  FakeRun* r = executor_.run(id);
  ASSERT_NE(r, nullptr);
  ASSERT_TRUE(service_->delete_job(ctx_, "j").ok());
  service_->wait_idle();
  EXPECT_EQ(r->stops, std::vector<std::string>{"STOPPED"});
  EXPECT_EQ(exception_name(service_->get_job_run(ctx_, "j", id, false).status()),
            "EntityNotFoundException");
}

MORTAR_ON_STORE_BACKENDS(JobServiceTest, StoreBackend::kSqliteMemory);

// Two services on one store (two servers on PostgreSQL; on a SQLite file the
// same rules hold): every run is claimed and executed exactly once, a stop
// sent through the server that does not run it reaches the owner, and a run
// given up by recovery is killed by its owner.
class TwoServersTest : public JobServiceTest {};

TEST_P(TwoServersTest, EachRunIsClaimedOnce) {
  auto second_store = store_.open_again();
  ASSERT_TRUE(second_store.ok()) << second_store.status();
  FakeExecutor b_exec;
  other_ = make("server-b", 4, second_store->get(), &b_exec);
  service_ = make("server-a", 4);
  create_job("j", {{"ExecutionProperty", {{"MaxConcurrentRuns", 100}}}});
  std::vector<std::string> ids;
  std::thread t1([&] {
    for (int i = 0; i < 10; ++i) ids.push_back(start("j", {}, service_.get()));
  });
  std::vector<std::string> ids_b;
  std::thread t2([&] {
    for (int i = 0; i < 10; ++i) ids_b.push_back(start("j", {}, other_.get()));
  });
  t1.join();
  t2.join();
  ids.insert(ids.end(), ids_b.begin(), ids_b.end());
  // Complete whatever either server started, until all 20 are done.
  for (int round = 0; round < 20000; ++round) {
    int done = 0;
    for (const auto& id : ids) {
      const std::string s = state("j", id);
      if (s == "SUCCEEDED") {
        ++done;
        continue;
      }
      for (FakeExecutor* e : {&executor_, &b_exec}) {
        if (e->starts(id) > 0) e->run(id)->complete("SUCCEEDED");
      }
    }
    if (done == 20) break;
    service_->dispatch();
    other_->dispatch();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  for (const auto& id : ids) {
    EXPECT_EQ(state("j", id), "SUCCEEDED");
    EXPECT_EQ(executor_.starts(id) + b_exec.starts(id), 1) << id;
  }
  other_.reset();
}

TEST_P(TwoServersTest, StopThroughTheOtherServerAndRecoveryOfASilentOne) {
  auto second_store = store_.open_again();
  ASSERT_TRUE(second_store.ok());
  FakeExecutor b_exec;
  other_ = make("server-b", 4, second_store->get(), &b_exec);
  service_ = make("server-a", 4);
  create_job("j", {{"ExecutionProperty", {{"MaxConcurrentRuns", 5}}}});
  // Started through server-b, which claims it at once.
  const std::string id = start("j", {}, other_.get());
  ASSERT_NE(b_exec.run(id), nullptr);
  ASSERT_TRUE(reaches("j", id, "RUNNING"));
  // Stopped through server-a: STOPPING until server-b's heartbeat sees it.
  auto out = service_->batch_stop_job_run(ctx_, "j", {id});
  EXPECT_EQ((*out)["SuccessfulSubmissions"].size(), 1u);
  EXPECT_EQ(state("j", id), "STOPPING");
  other_->tick();
  ASSERT_TRUE(reaches("j", id, "STOPPED"));

  // A second run on server-b; server-b goes silent; server-a (leader) gives it up.
  const std::string id2 = start("j", {}, other_.get());
  ASSERT_NE(b_exec.run(id2), nullptr);
  ASSERT_TRUE(reaches("j", id2, "RUNNING"));
  clock_.advance(31'000'000);
  service_->tick();
  EXPECT_EQ(state("j", id2), "FAILED");
  // server-b comes back: its heartbeat finds the claim gone and kills the process.
  other_->tick();
  other_->wait_idle();
  EXPECT_EQ(b_exec.run(id2)->stops, std::vector<std::string>{"STOPPED"});
  EXPECT_NE(run("j", id2)["ErrorMessage"].get<std::string>().find("stopped responding"),
            std::string::npos);
  other_.reset();
}

MORTAR_ON_STORE_BACKENDS(TwoServersTest, StoreBackend::kSqliteFile);

}  // namespace
}  // namespace mortar::jobs
