// What happens to runs when servers stop: a restart finishes the runs its
// previous process left in flight (FAILED or retried), the leader gives up
// the runs of a server that stopped beating, shutdown fails running runs
// honestly; and two services on one store claim each run once.
#include <gtest/gtest.h>

#include "jobs/job_service_test_support.h"

namespace mortar::jobs::job_service_testing {
namespace {

class JobRecoveryTest : public JobServiceTest {};

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

TEST_P(JobRecoveryTest, RestartFinishesRunsLeftInFlightAtOnceOrRetriesThem) {
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

TEST_P(JobRecoveryTest, LeaderGivesUpRunsOfAServerThatStoppedBeating) {
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

TEST_P(JobRecoveryTest, ShutdownFailsRunningRunsHonestly) {
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

MORTAR_ON_STORE_BACKENDS(JobRecoveryTest, StoreBackend::kSqliteMemory);

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
}  // namespace mortar::jobs::job_service_testing
