// The run state machine with a FakeClock and a fake RunExecutor: job
// definitions, every transition, timeouts, retries, NotifyDelayAfter, queuing
// and expiry, MaxConcurrentRuns, the server-wide limit, stops, trigger starts
// and deletion, on SQLite and PostgreSQL. Restarts, recovery and two services
// on one store: job_recovery_test.cc.
#include "jobs/job_service.h"

#include <gtest/gtest.h>

#include "jobs/job_service_test_support.h"

namespace mortar::jobs::job_service_testing {
namespace {

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

}  // namespace
}  // namespace mortar::jobs::job_service_testing
