// WorkflowService on a real store (SQLite file and PostgreSQL) with a
// FakeClock and fake actions, driven the way server/ drives it: a finished
// job run is told to the TriggerService first, then to the WorkflowService.
// Start, a conditional chain inside a run, completion with a failed node,
// stop, resume, MaxConcurrentRuns, the trigger snapshot, the sweep, and a
// SCHEDULED start trigger starting a workflow run.
#include "schedule/workflow_service.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "common/glue_errors.h"
#include "schedule/workflow_run_actions.h"
#include "testing/store_backends.h"

namespace mortar::schedule {
namespace workflow_service_test {  // named: the tests build as one unity file

using test_support::StoreBackend;

// Job runs are recorded and their state kept; the test ends them.
class FakeActions : public TriggerActions {
 public:
  StatusOr<std::string> start_job_run(const std::string&, const JobAction& action,
                                      const TriggerOrigin& origin) override {
    std::lock_guard lock(mu);
    const std::string id = "jr_" + std::to_string(++next_id);
    runs.push_back(Run{action.job_name, id, origin});
    states[id] = "RUNNING";
    return id;
  }
  Status start_crawler(const std::string&, const std::string&) override { return ok_status(); }
  Status check_job(const std::string&, const std::string&) override { return ok_status(); }
  Status check_crawler(const std::string&, const std::string&) override { return ok_status(); }
  StatusOr<Json> get_job_run(const std::string&, const std::string& job,
                             const std::string& run_id) override {
    std::lock_guard lock(mu);
    return Json{{"Id", run_id}, {"JobName", job}, {"JobRunState", states[run_id]}};
  }
  Status stop_job_run(const std::string&, const std::string&, const std::string& run_id) override {
    std::lock_guard lock(mu);
    stopped.push_back(run_id);
    states[run_id] = "STOPPING";
    return ok_status();
  }

  struct Run {
    std::string job;
    std::string id;
    TriggerOrigin origin;
  };
  std::mutex mu;
  std::vector<Run> runs;
  std::map<std::string, std::string> states;
  std::vector<std::string> stopped;
  int next_id = 0;
};

std::string error_name(const Status& s) { return s.ok() ? "OK" : glue_exception_name(s); }

class WorkflowServiceTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    ASSERT_EQ(store_.open(GetParam()), "");
    ASSERT_TRUE(TriggerService::migrate(*store_).ok());
    ASSERT_TRUE(WorkflowService::migrate(*store_).ok());
    clock_.set_micros(1700000000LL * 1000000);
    ctx_.account_id = ctx_.catalog_id = "111122223333";
    run_actions_ = std::make_unique<WorkflowRunActions>(*store_, fake_, clock_);
    TriggerServiceOptions to;
    to.clock = &clock_;
    auto t = TriggerService::create(*store_, scheduler_, *run_actions_, to);
    ASSERT_TRUE(t.ok()) << t.status();
    triggers_ = std::move(*t);
    WorkflowServiceOptions wo;
    wo.clock = &clock_;
    auto w = WorkflowService::create(*store_, *triggers_, *run_actions_, wo);
    ASSERT_TRUE(w.ok()) << w.status();
    workflows_ = std::move(*w);
  }
  void TearDown() override {
    triggers_.reset();  // first: its fires may start workflow runs
    workflows_.reset();
  }

  void workflow(const std::string& name, Json extra = Json::object()) {
    extra["Name"] = name;
    ASSERT_TRUE(workflows_->create_workflow(ctx_, extra).ok());
  }
  void trigger(Json t) { ASSERT_TRUE(triggers_->create_trigger(ctx_, t).status().ok()) << t; }
  void start_trigger(const std::string& name, const std::string& wf, const std::string& job) {
    trigger({{"Name", name},
             {"WorkflowName", wf},
             {"Type", "ON_DEMAND"},
             {"Actions", {{{"JobName", job}}}}});
  }
  void after(const std::string& name, const std::string& wf, const std::string& watched,
             const std::string& job, const std::string& state = "SUCCEEDED") {
    trigger({{"Name", name},
             {"WorkflowName", wf},
             {"Type", "CONDITIONAL"},
             {"StartOnCreation", true},
             {"Predicate",
              {{"Conditions",
                {{{"LogicalOperator", "EQUALS"}, {"JobName", watched}, {"State", state}}}}}},
             {"Actions", {{{"JobName", job}}}}});
  }
  std::string start(const std::string& wf) {
    WorkflowStart s;
    s.account_id = ctx_.account_id;
    s.workflow_name = wf;
    auto id = workflows_->start_workflow_run(s);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : "";
  }
  // What server/ does when a job run ends.
  void finish(const std::string& run_id, const std::string& state) {
    FakeActions::Run run;
    {
      std::lock_guard lock(fake_.mu);
      fake_.states[run_id] = state;
      for (const auto& r : fake_.runs) {
        if (r.id == run_id) run = r;
      }
    }
    triggers_->on_job_run_finished(ctx_.account_id, run.job, run_id, state, run.origin);
    workflows_->on_job_run_finished(ctx_.account_id, run.job, run_id, state, run.origin, "");
  }
  Json run(const std::string& wf, const std::string& id, bool graph = false) {
    auto r = workflows_->get_workflow_run(ctx_, wf, id, graph);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : Json();
  }
  std::vector<FakeActions::Run> runs() {
    std::lock_guard lock(fake_.mu);
    return fake_.runs;
  }

  test_support::TestStore store_;
  FakeClock clock_;
  Scheduler scheduler_{clock_};
  FakeActions fake_;
  std::unique_ptr<WorkflowRunActions> run_actions_;
  std::unique_ptr<TriggerService> triggers_;
  std::unique_ptr<WorkflowService> workflows_;
  CallContext ctx_;
};

TEST_P(WorkflowServiceTest, StartFiresTheStartTriggerWithinTheNewRun) {
  workflow("w", {{"DefaultRunProperties", {{"k", "v"}}}});
  start_trigger("t0", "w", "j1");
  const std::string id = start("w");
  ASSERT_EQ(runs().size(), 1u);
  EXPECT_EQ(runs()[0].job, "j1");
  EXPECT_EQ(runs()[0].origin.trigger_name, "t0");
  EXPECT_EQ(runs()[0].origin.workflow_name, "w");
  EXPECT_EQ(runs()[0].origin.workflow_run_id, id);
  Json r = run("w", id);
  EXPECT_EQ(r["Status"], "RUNNING");
  EXPECT_EQ(r["WorkflowRunProperties"], Json({{"k", "v"}}));
  EXPECT_EQ(r["Statistics"]["RunningActions"], 1);
  EXPECT_EQ(r["Statistics"]["TotalActions"], 1);
  {
    std::lock_guard lock(fake_.mu);
    fake_.states[fake_.runs[0].id] = "WAITING";  // queued by the jobs side
  }
  r = run("w", id);
  EXPECT_EQ(r["Statistics"]["WaitingActions"], 1);
  EXPECT_EQ(r["Statistics"]["RunningActions"], 0);
}

TEST_P(WorkflowServiceTest, AConditionalChainRunsInsideTheRunThenItCompletes) {
  workflow("w");
  start_trigger("t0", "w", "j1");
  after("t1", "w", "j1", "j2");
  const std::string id = start("w");
  finish(runs()[0].id, "SUCCEEDED");
  ASSERT_EQ(runs().size(), 2u);
  EXPECT_EQ(runs()[1].job, "j2");
  EXPECT_EQ(runs()[1].origin.trigger_name, "t1");
  EXPECT_EQ(runs()[1].origin.workflow_run_id, id);
  EXPECT_EQ(run("w", id)["Status"], "RUNNING");  // j2 runs
  finish(runs()[1].id, "SUCCEEDED");
  Json r = run("w", id);
  EXPECT_EQ(r["Status"], "COMPLETED");
  EXPECT_EQ(r["Statistics"]["SucceededActions"], 2);
  EXPECT_TRUE(r.contains("CompletedOn"));
}

TEST_P(WorkflowServiceTest, AFailedNodeStillCompletesTheRun) {
  workflow("w");
  start_trigger("t0", "w", "j1");
  after("t1", "w", "j1", "j2");
  const std::string id = start("w");
  finish(runs()[0].id, "FAILED");
  EXPECT_EQ(runs().size(), 1u);  // j2 waits for SUCCEEDED
  Json r = run("w", id);
  EXPECT_EQ(r["Status"], "COMPLETED");
  EXPECT_EQ(r["Statistics"]["FailedActions"], 1);
  EXPECT_EQ(r["Statistics"]["TotalActions"], 1);
}

TEST_P(WorkflowServiceTest, StopStopsTheRunsJobsAndStartsNothingMore) {
  workflow("w");
  start_trigger("t0", "w", "j1");
  after("t1", "w", "j1", "j2", "STOPPED");
  const std::string id = start("w");
  ASSERT_TRUE(workflows_->stop_workflow_run(ctx_, "w", id).ok());
  EXPECT_EQ(fake_.stopped, std::vector<std::string>{runs()[0].id});
  EXPECT_EQ(run("w", id)["Status"], "STOPPING");
  finish(runs()[0].id, "STOPPED");
  EXPECT_EQ(runs().size(), 1u);  // t1 fired, but a stopping run starts nothing
  EXPECT_EQ(run("w", id)["Status"], "STOPPED");
  EXPECT_EQ(error_name(workflows_->stop_workflow_run(ctx_, "w", id)),
            "IllegalWorkflowStateException");
}

TEST_P(WorkflowServiceTest, ResumeRerunsTheSelectedNodesAndWhatFollowsOnly) {
  workflow("w");
  start_trigger("t0", "w", "j1");
  after("t1", "w", "j1", "j2");
  after("t2", "w", "j2", "j3");
  const std::string first = start("w");
  finish(runs()[0].id, "SUCCEEDED");
  finish(runs()[1].id, "FAILED");
  ASSERT_EQ(run("w", first)["Status"], "COMPLETED");

  auto resumed = workflows_->resume_workflow_run(ctx_, "w", first, {"wnode_job_j2"});
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  const std::string id = (*resumed)["RunId"];
  ASSERT_EQ(runs().size(), 3u);
  EXPECT_EQ(runs()[2].job, "j2");  // j1 is not re-run
  EXPECT_EQ(runs()[2].origin.trigger_name, "t1");
  EXPECT_EQ(runs()[2].origin.workflow_run_id, id);
  finish(runs()[2].id, "SUCCEEDED");
  ASSERT_EQ(runs().size(), 4u);
  EXPECT_EQ(runs()[3].job, "j3");
  finish(runs()[3].id, "SUCCEEDED");
  Json r = run("w", id, /*graph=*/true);
  EXPECT_EQ(r["Status"], "COMPLETED");
  EXPECT_EQ(r["PreviousRunId"], first);
  EXPECT_EQ(r["Statistics"]["SucceededActions"], 3);  // j1's run copied, j2 and j3 new
  for (const auto& n : r["Graph"]["Nodes"]) {
    if (n["Name"] == "j1") {
      EXPECT_EQ(n["JobDetails"]["JobRuns"][0]["Id"], runs()[0].id);
    }
  }
  EXPECT_EQ(
      error_name(workflows_->resume_workflow_run(ctx_, "w", first, {"wnode_job_j9"}).status()),
      "InvalidInputException");
}

TEST_P(WorkflowServiceTest, AnAndPredicateSeesACopiedNodeAfterAResume) {
  workflow("w");
  trigger({{"Name", "t0"},
           {"WorkflowName", "w"},
           {"Type", "ON_DEMAND"},
           {"Actions", {{{"JobName", "j1"}}, {{"JobName", "j2"}}}}});
  trigger({{"Name", "both"},
           {"WorkflowName", "w"},
           {"Type", "CONDITIONAL"},
           {"StartOnCreation", true},
           {"Predicate",
            {{"Logical", "AND"},
             {"Conditions",
              {{{"LogicalOperator", "EQUALS"}, {"JobName", "j1"}, {"State", "SUCCEEDED"}},
               {{"LogicalOperator", "EQUALS"}, {"JobName", "j2"}, {"State", "SUCCEEDED"}}}}}},
           {"Actions", {{{"JobName", "j3"}}}}});
  const std::string first = start("w");
  finish(runs()[0].id, "SUCCEEDED");
  finish(runs()[1].id, "FAILED");
  ASSERT_EQ(run("w", first)["Status"], "COMPLETED");
  auto resumed = workflows_->resume_workflow_run(ctx_, "w", first, {"wnode_job_j2"});
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  ASSERT_EQ(runs().size(), 3u);
  finish(runs()[2].id, "SUCCEEDED");  // with j1's copied success: both hold
  ASSERT_EQ(runs().size(), 4u);
  EXPECT_EQ(runs()[3].job, "j3");
  EXPECT_EQ(runs()[3].origin.predecessors, (std::vector<std::pair<std::string, std::string>>{
                                               {"j1", runs()[0].id}, {"j2", runs()[2].id}}));
}

TEST_P(WorkflowServiceTest, ARetriedAttemptKeepsTheRunGoing) {
  workflow("w");
  start_trigger("t0", "w", "j1");
  const std::string id = start("w");
  const TriggerOrigin origin = runs()[0].origin;
  // j1's first attempt fails and is retried as jr_1_attempt_1.
  workflows_->on_job_run_finished(ctx_.account_id, "j1", runs()[0].id, "FAILED", origin, "boom",
                                  runs()[0].id + "_attempt_1");
  EXPECT_EQ(run("w", id)["Status"], "RUNNING");
  workflows_->on_job_run_finished(ctx_.account_id, "j1", runs()[0].id + "_attempt_1", "SUCCEEDED",
                                  origin, "");
  Json r = run("w", id);
  EXPECT_EQ(r["Status"], "COMPLETED");
  EXPECT_EQ(r["Statistics"]["TotalActions"], 2);
}

TEST_P(WorkflowServiceTest, GetWorkflowRunsPagesNewestFirst) {
  workflow("w");
  start_trigger("t0", "w", "j1");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(start("w"));
    clock_.advance(i == 2 ? 0 : 1000000);  // two runs share a start time
  }
  std::vector<std::string> seen;
  Json after;
  do {
    auto page = workflows_->get_workflow_runs(ctx_, "w", false, after, 2);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_LE(page->items.size(), 2u);
    for (const auto& r : page->items) seen.push_back(r["WorkflowRunId"]);
    after = page->next;
  } while (!after.is_null());
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen.front(), ids.back());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()),
            std::set<std::string>(ids.begin(), ids.end()));
}

TEST_P(WorkflowServiceTest, MaxConcurrentRuns) {
  workflow("w", {{"MaxConcurrentRuns", 1}});
  start_trigger("t0", "w", "j1");
  start("w");
  WorkflowStart s{ctx_.account_id, "w"};
  EXPECT_EQ(error_name(workflows_->start_workflow_run(s).status()),
            "ConcurrentRunsExceededException");
  finish(runs()[0].id, "SUCCEEDED");
  EXPECT_TRUE(workflows_->start_workflow_run(s).ok());
}

TEST_P(WorkflowServiceTest, ARunKeepsTheTriggersItStartedWith) {
  workflow("w");
  start_trigger("t0", "w", "j1");
  after("t1", "w", "j1", "j2");
  const std::string id = start("w");
  ASSERT_TRUE(triggers_->delete_trigger(ctx_, "t1").ok());
  after("t9", "w", "j1", "j3");
  std::set<std::string> names;
  const Json r = run("w", id, true);
  for (const auto& n : r["Graph"]["Nodes"]) names.insert(n["Name"]);
  EXPECT_EQ(names, (std::set<std::string>{"t0", "t1", "j1", "j2"}));
  auto w = workflows_->get_workflow(ctx_, "w", true);
  ASSERT_TRUE(w.ok());
  names.clear();
  for (const auto& n : (*w)["Graph"]["Nodes"]) names.insert(n["Name"]);
  EXPECT_EQ(names, (std::set<std::string>{"t0", "t9", "j1", "j3"}));
  EXPECT_EQ((*w)["LastRun"]["WorkflowRunId"], id);
  // The run fires the triggers it started with: t1 (deleted since), not t9.
  finish(runs()[0].id, "SUCCEEDED");
  ASSERT_EQ(runs().size(), 2u);
  EXPECT_EQ(runs()[1].job, "j2");
  EXPECT_EQ(runs()[1].origin.trigger_name, "t1");
}

TEST_P(WorkflowServiceTest, TheSweepCompletesARunWhoseNodeEndWasNeverReported) {
  workflow("w");
  start_trigger("t0", "w", "j1");
  const std::string id = start("w");
  {
    std::lock_guard lock(fake_.mu);
    fake_.states[fake_.runs[0].id] = "SUCCEEDED";  // ended; nobody told the services
  }
  workflows_->tick();
  EXPECT_EQ(run("w", id)["Status"], "RUNNING");  // once could be a report in flight
  workflows_->tick();
  EXPECT_EQ(run("w", id)["Status"], "COMPLETED");
}

TEST_P(WorkflowServiceTest, AScheduledStartTriggerStartsAWorkflowRun) {
  workflow("w");
  trigger({{"Name", "nightly"},
           {"WorkflowName", "w"},
           {"Type", "SCHEDULED"},
           {"Schedule", "cron(0 2 * * ? *)"},
           {"StartOnCreation", true},
           {"Actions", {{{"JobName", "j1"}}}}});
  ASSERT_TRUE(triggers_->fire_scheduled(ctx_.account_id, "nightly", 1700100000));
  ASSERT_EQ(runs().size(), 1u);
  const std::string id = runs()[0].origin.workflow_run_id;
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(runs()[0].origin.trigger_name, "nightly");
  EXPECT_EQ(run("w", id)["Status"], "RUNNING");
}

TEST_P(WorkflowServiceTest, StartTriggerOnAWorkflowsOnDemandTriggerStartsARun) {
  workflow("w");
  start_trigger("t0", "w", "j1");
  ASSERT_TRUE(triggers_->start_trigger(ctx_, "t0").ok());
  ASSERT_EQ(runs().size(), 1u);
  const std::string id = runs()[0].origin.workflow_run_id;
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(run("w", id)["Status"], "RUNNING");
}

TEST_P(WorkflowServiceTest, RunPropertiesAndDelete) {
  workflow("w", {{"DefaultRunProperties", {{"a", "1"}}}});
  start_trigger("t0", "w", "j1");
  const std::string id = start("w");
  ASSERT_TRUE(workflows_->put_run_properties(ctx_, "w", id, {{"b", "2"}, {"a", "3"}}).ok());
  auto p = workflows_->get_run_properties(ctx_, "w", id);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, Json({{"a", "3"}, {"b", "2"}}));
  EXPECT_EQ(error_name(workflows_->get_run_properties(ctx_, "w", "wr_nope").status()),
            "EntityNotFoundException");
  ASSERT_TRUE(workflows_->delete_workflow(ctx_, "w").ok());
  EXPECT_EQ(error_name(triggers_->get_trigger(ctx_, "t0").status()), "EntityNotFoundException");
  EXPECT_EQ(error_name(workflows_->get_workflow(ctx_, "w", false).status()),
            "EntityNotFoundException");
}

MORTAR_ON_STORE_BACKENDS(WorkflowServiceTest, test_support::StoreBackend::kSqliteFile);

}  // namespace workflow_service_test
}  // namespace mortar::schedule
