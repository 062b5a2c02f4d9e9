// TriggerService on a real store (SQLite file and PostgreSQL) with a
// FakeClock, a Scheduler driven by run_due(), and fake actions: states,
// validation, scheduled fires claimed once across servers, catch-up, and
// conditional triggers over jobs and crawlers.
#include "schedule/trigger_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>

#include "common/glue_errors.h"
#include "testing/store_backends.h"

namespace mortar::schedule {
namespace {

using test_support::StoreBackend;

// Records what triggers start; jobs and crawlers exist when named in `jobs`/`crawlers`.
class FakeActions : public TriggerActions {
 public:
  StatusOr<std::string> start_job_run(const std::string& account, const JobAction& action,
                                      const TriggerOrigin& origin) override {
    std::lock_guard lock(mu_);
    const std::string id = "jr_" + std::to_string(++next_id_);
    if (!jobs.count(action.job_name)) {
      error_runs.push_back(action.job_name);  // the jobs side records an ERROR run
      return not_found("Job " + action.job_name + " not found");
    }
    started.push_back("job:" + action.job_name);
    job_runs.push_back({action, origin, id});
    return id;
  }
  Status start_crawler(const std::string&, const std::string& crawler) override {
    std::lock_guard lock(mu_);
    if (!crawlers.count(crawler)) return not_found("Crawler " + crawler + " not found");
    started.push_back("crawler:" + crawler);
    return ok_status();
  }
  Status check_job(const std::string&, const std::string& job) override {
    std::lock_guard lock(mu_);
    return jobs.count(job) ? ok_status() : not_found("Job " + job + " not found");
  }
  Status check_crawler(const std::string&, const std::string& crawler) override {
    std::lock_guard lock(mu_);
    return crawlers.count(crawler) ? ok_status() : not_found("Crawler " + crawler + " not found");
  }
  std::vector<std::string> take() {
    std::lock_guard lock(mu_);
    return std::exchange(started, {});
  }
  size_t count() {
    std::lock_guard lock(mu_);
    return started.size();
  }

  struct JobRun {
    JobAction action;
    TriggerOrigin origin;
    std::string id;
  };
  std::set<std::string> jobs = {"j1", "j2", "j3"};
  std::set<std::string> crawlers = {"c1", "c2"};
  std::vector<std::string> started;
  std::vector<std::string> error_runs;
  std::vector<JobRun> job_runs;
  std::mutex mu_;
  int next_id_ = 0;
};

std::string error_name(const Status& s) { return s.ok() ? "OK" : glue_exception_name(s); }

Json crawler_action(const std::string& c) { return {{"CrawlerName", c}}; }
Json job_action(const std::string& j) { return {{"JobName", j}}; }

// 2023-11-14 22:13:20 UTC is FakeClock's start; tests move it to whole hours.
constexpr int64_t kHour = 3600;
constexpr int64_t kBase = 1700000000LL / kHour * kHour + kHour;  // 23:00:00 that day

class TriggerServiceTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    ASSERT_EQ(store_.open(GetParam()), "");
    ASSERT_TRUE(TriggerService::migrate(*store_).ok());
    clock_.set_micros(kBase * 1000000 + 60 * 1000000);  // 23:01
    ctx_.account_id = ctx_.catalog_id = "111122223333";
    service_ = make(*store_, scheduler_, "server-a");
  }

  std::unique_ptr<TriggerService> make(store::Store& store, Scheduler& scheduler,
                                       const std::string& server_id) {
    TriggerServiceOptions o;
    o.clock = &clock_;
    o.server_id = server_id;
    auto s = TriggerService::create(store, scheduler, actions_, o);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? std::move(*s) : nullptr;
  }

  Status create(Json request) { return service_->create_trigger(ctx_, request).status(); }
  // An ACTIVATED CONDITIONAL trigger: `logical` over `conditions`, one action.
  Status conditional(const std::string& name, const std::string& logical, Json conditions,
                     Json action, const std::string& workflow = "") {
    Json t = {{"Name", name},
              {"Type", "CONDITIONAL"},
              {"StartOnCreation", true},
              {"Predicate", {{"Logical", logical}, {"Conditions", std::move(conditions)}}},
              {"Actions", {std::move(action)}}};
    if (!workflow.empty()) t["WorkflowName"] = workflow;
    return create(std::move(t));
  }
  std::string state(const std::string& name) {
    auto t = service_->get_trigger(ctx_, name);
    return t.ok() ? (*t)["State"].get<std::string>() : error_name(t.status());
  }
  void fire_due(Scheduler& scheduler, int64_t now) {
    scheduler.run_due(now);
    scheduler.wait_idle();
    service_->wait_idle();
  }
  void set_time(int64_t seconds) { clock_.set_micros(seconds * 1000000); }

  test_support::TestStore store_;
  FakeClock clock_;
  Scheduler scheduler_{clock_};
  FakeActions actions_;
  CallContext ctx_;
  std::unique_ptr<TriggerService> service_;
};

TEST_P(TriggerServiceTest, StatesAsGlueReportsThem) {
  ASSERT_TRUE(
      create({{"Name", "od"}, {"Type", "ON_DEMAND"}, {"Actions", {crawler_action("c1")}}}).ok());
  EXPECT_EQ(state("od"), "CREATED");
  ASSERT_TRUE(create({{"Name", "s"},
                      {"Type", "SCHEDULED"},
                      {"Schedule", "cron(0 * * * ? *)"},
                      {"Actions", {crawler_action("c1")}}})
                  .ok());
  EXPECT_EQ(state("s"), "CREATED");
  ASSERT_TRUE(create({{"Name", "s2"},
                      {"Type", "SCHEDULED"},
                      {"Schedule", "cron(0 * * * ? *)"},
                      {"StartOnCreation", true},
                      {"Actions", {crawler_action("c1")}}})
                  .ok());
  EXPECT_EQ(state("s2"), "ACTIVATED");

  ASSERT_TRUE(service_->start_trigger(ctx_, "s").ok());
  EXPECT_EQ(state("s"), "ACTIVATED");
  EXPECT_TRUE(scheduler_.contains(TriggerService::entry_id(ctx_.account_id, "s")));
  ASSERT_TRUE(service_->stop_trigger(ctx_, "s").ok());
  EXPECT_EQ(state("s"), "DEACTIVATED");
  EXPECT_FALSE(scheduler_.contains(TriggerService::entry_id(ctx_.account_id, "s")));

  // ON_DEMAND: StartTrigger fires it and it stays CREATED; it cannot be stopped.
  ASSERT_TRUE(service_->start_trigger(ctx_, "od").ok());
  EXPECT_EQ(actions_.take(), std::vector<std::string>{"crawler:c1"});
  EXPECT_EQ(state("od"), "CREATED");
  EXPECT_EQ(error_name(service_->stop_trigger(ctx_, "od")), "InvalidInputException");

  ASSERT_TRUE(service_->delete_trigger(ctx_, "s2").ok());
  EXPECT_EQ(state("s2"), "EntityNotFoundException");
  EXPECT_FALSE(scheduler_.contains(TriggerService::entry_id(ctx_.account_id, "s2")));
  EXPECT_TRUE(service_->delete_trigger(ctx_, "s2").ok());  // Glue: no error when absent
  EXPECT_EQ(error_name(create(
                {{"Name", "od"}, {"Type", "ON_DEMAND"}, {"Actions", {crawler_action("c1")}}})),
            "AlreadyExistsException");
}

TEST_P(TriggerServiceTest, InvalidDefinitionsAreRefusedSayingWhy) {
  auto message = [&](Json request) {
    Status s = create(std::move(request));
    return error_name(s) + ": " + std::string(status_message(s));
  };
  Json acts = {crawler_action("c1")};
  EXPECT_EQ(
      message({{"Name", "t"}, {"Type", "ON_DEMAND"}, {"StartOnCreation", true}, {"Actions", acts}}),
      "InvalidInputException: StartOnCreation is not supported for ON_DEMAND triggers");
  EXPECT_EQ(
      message({{"Name", "t"}, {"Type", "SCHEDULED"}, {"Actions", acts}}),
      "InvalidInputException: Schedule is required for a SCHEDULED trigger (a cron expression)");
  EXPECT_EQ(message({{"Name", "t"},
                     {"Type", "SCHEDULED"},
                     {"Schedule", "cron(0 12 * * * *)"},
                     {"Actions", acts}})
                .rfind("InvalidInputException: Invalid schedule expression: ", 0),
            0u);
  EXPECT_EQ(message({{"Name", "t"}, {"Type", "ON_DEMAND"}, {"Actions", {Json::object()}}}),
            "InvalidInputException: Actions[1]: an action must name a JobName or a CrawlerName");
  EXPECT_EQ(message({{"Name", "t"},
                     {"Type", "ON_DEMAND"},
                     {"Actions", {{{"CrawlerName", "c1"}, {"Arguments", {{"--a", "1"}}}}}}}),
            "InvalidInputException: Actions[1]: Arguments applies to job actions only, not to "
            "crawler c1");
  EXPECT_EQ(message({{"Name", "t"}, {"Type", "CONDITIONAL"}, {"Actions", acts}}),
            "InvalidInputException: Predicate is required for a CONDITIONAL trigger");
  EXPECT_EQ(
      message({{"Name", "t"},
               {"Type", "CONDITIONAL"},
               {"Predicate", {{"Conditions", {{{"JobName", "j1"}, {"State", "RUNNING"}}}}}},
               {"Actions", acts}}),
      "InvalidInputException: Predicate.Conditions[1]: State must be one of SUCCEEDED, STOPPED, "
      "FAILED, TIMEOUT (the job states a conditional trigger watches), not \"RUNNING\"");
  EXPECT_EQ(message({{"Name", "t"},
                     {"Type", "CONDITIONAL"},
                     {"Predicate",
                      {{"Conditions",
                        {{{"JobName", "j1"}, {"State", "FAILED"}},
                         {{"CrawlerName", "c1"}, {"CrawlState", "FAILED"}}}}}},
                     {"Actions", acts}}),
            "InvalidInputException: Predicate.Logical (AND or ANY) is required with more than one "
            "condition");
  EXPECT_EQ(
      message({{"Name", "t"},
               {"Type", "EVENT"},
               {"WorkflowName", "w"},
               {"EventBatchingCondition", {{"BatchSize", 101}}},
               {"Actions", acts}}),
      "InvalidInputException: EventBatchingCondition.BatchSize must be between 1 and 100 events");
  EXPECT_EQ(message({{"Name", "t"}, {"Type", "ON_DEMAND"}, {"Actions", {job_action("gone")}}}),
            "EntityNotFoundException: Job gone not found");
  // Nothing half-written.
  EXPECT_EQ(state("t"), "EntityNotFoundException");

  // Defaults filled as Glue returns them.
  ASSERT_TRUE(create({{"Name", "e"},
                      {"Type", "EVENT"},
                      {"WorkflowName", "w"},
                      {"EventBatchingCondition", {{"BatchSize", 5}}},
                      {"Actions", acts}})
                  .ok());
  EXPECT_EQ((*service_->get_trigger(ctx_, "e"))["EventBatchingCondition"]["BatchWindow"], 900);
  ASSERT_TRUE(
      create({{"Name", "c"},
              {"Type", "CONDITIONAL"},
              {"Predicate", {{"Conditions", {{{"JobName", "j1"}, {"State", "SUCCEEDED"}}}}}},
              {"Actions", acts}})
          .ok());
  Json p = (*service_->get_trigger(ctx_, "c"))["Predicate"];
  EXPECT_EQ(p["Logical"], "AND");
  EXPECT_EQ(p["Conditions"][0]["LogicalOperator"], "EQUALS");
}

TEST_P(TriggerServiceTest, UpdateReplacesWhatItNamesAndReschedules) {
  ASSERT_TRUE(create({{"Name", "s"},
                      {"Type", "SCHEDULED"},
                      {"Schedule", "cron(0 * * * ? *)"},
                      {"StartOnCreation", true},
                      {"Description", "hourly"},
                      {"Actions", {crawler_action("c1")}}})
                  .ok());
  const std::string id = TriggerService::entry_id(ctx_.account_id, "s");
  EXPECT_EQ(scheduler_.next_fire(id), kBase + kHour);
  auto t = service_->update_trigger(ctx_, "s", {{"Schedule", "cron(30 * * * ? *)"}});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)["Schedule"], "cron(30 * * * ? *)");
  EXPECT_EQ((*t)["Description"], "hourly");
  EXPECT_EQ((*t)["State"], "ACTIVATED");
  EXPECT_EQ(scheduler_.next_fire(id), kBase + 30 * 60);
  EXPECT_EQ(
      error_name(
          service_->update_trigger(ctx_, "s", {{"Predicate", {{"Conditions", Json::array()}}}})
              .status()),
      "InvalidInputException");
  EXPECT_EQ(error_name(service_->update_trigger(ctx_, "nope", {{"Description", "x"}}).status()),
            "EntityNotFoundException");
}

TEST_P(TriggerServiceTest, ListingPagingDependentJobAndTags) {
  for (int i = 0; i < 5; ++i) {
    Json r = {{"Name", "t" + std::to_string(i)},
              {"Type", "ON_DEMAND"},
              {"Actions", {crawler_action("c1")}}};
    if (i % 2 == 0) r["Actions"].push_back(job_action("j1"));
    if (i == 4) r["Tags"] = {{"team", "a"}};
    ASSERT_TRUE(create(r).ok());
  }
  auto page = service_->list_triggers(ctx_, "", Json(), "", 2);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Json(page->items), Json({"t0", "t1"}));
  page = service_->list_triggers(ctx_, "", Json(), page->next.get<std::string>(), 2);
  EXPECT_EQ(Json(page->items), Json({"t2", "t3"}));
  page = service_->list_triggers(ctx_, "", Json(), page->next.get<std::string>(), 2);
  EXPECT_EQ(Json(page->items), Json({"t4"}));
  EXPECT_TRUE(page->next.is_null());

  page = service_->list_triggers(ctx_, "j1", Json(), "", 10);
  EXPECT_EQ(Json(page->items), Json({"t0", "t2", "t4"}));
  // Glue documents: no trigger starts the job -> all triggers.
  page = service_->list_triggers(ctx_, "j3", Json(), "", 10);
  EXPECT_EQ(page->items.size(), 5u);
  page = service_->list_triggers(ctx_, "", Json{{"team", "a"}}, "", 10);
  EXPECT_EQ(Json(page->items), Json({"t4"}));
  auto objects = service_->get_triggers(ctx_, "j1", "", 2);
  ASSERT_TRUE(objects.ok());
  EXPECT_EQ(objects->items.at(1)["Name"], "t2");
  EXPECT_EQ(objects->next, "t2");

  ASSERT_TRUE(service_->tag_trigger(ctx_, "t1", {{"k", "v"}}).ok());
  EXPECT_EQ(*service_->get_trigger_tags(ctx_, "t1"), Json({{"k", "v"}}));
  ASSERT_TRUE(service_->untag_trigger(ctx_, "t1", {"k"}).ok());
  EXPECT_EQ(*service_->get_trigger_tags(ctx_, "t1"), Json::object());

  auto batch = service_->batch_get_triggers(ctx_, {"t1", "zz"});
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ((*batch)["Triggers"].size(), 1u);
  EXPECT_EQ((*batch)["TriggersNotFound"], Json({"zz"}));
}

TEST_P(TriggerServiceTest, AScheduledTriggerFiresAtItsCronTimeWithItsActions) {
  Json job = {{"JobName", "j1"}, {"Arguments", {{"--day", "1"}}}, {"Timeout", 7}};
  ASSERT_TRUE(create({{"Name", "s"},
                      {"Type", "SCHEDULED"},
                      {"Schedule", "cron(0 * * * ? *)"},
                      {"StartOnCreation", true},
                      {"Actions", {crawler_action("c1"), job}}})
                  .ok());
  fire_due(scheduler_, kBase + 30 * 60);
  EXPECT_EQ(actions_.count(), 0u);
  set_time(kBase + kHour);
  fire_due(scheduler_, kBase + kHour);
  // A scheduled batch starts its job runs together (one commit), then the crawlers.
  EXPECT_EQ(actions_.take(), (std::vector<std::string>{"job:j1", "crawler:c1"}));
  ASSERT_EQ(actions_.job_runs.size(), 1u);
  EXPECT_EQ(actions_.job_runs[0].origin.trigger_name, "s");
  EXPECT_EQ(actions_.job_runs[0].action.arguments, Json({{"--day", "1"}}));
  EXPECT_EQ(actions_.job_runs[0].action.timeout_minutes, 7);
  auto firings = service_->firings(ctx_.account_id, "s");
  ASSERT_TRUE(firings.ok());
  ASSERT_EQ(firings->size(), 1u);
  EXPECT_EQ((*firings)[0].fire_key, "cron:" + std::to_string(kBase + kHour));
  EXPECT_EQ((*firings)[0].outcome, "crawler c1: started; job j1: run jr_1");

  // Deactivated: nothing more.
  ASSERT_TRUE(service_->stop_trigger(ctx_, "s").ok());
  set_time(kBase + 2 * kHour);
  fire_due(scheduler_, kBase + 2 * kHour);
  EXPECT_EQ(actions_.count(), 0u);
}

TEST_P(TriggerServiceTest, AFailingActionNeverStopsTheOthersAndADeletedJobRunsAsError) {
  ASSERT_TRUE(create({{"Name", "od"},
                      {"Type", "ON_DEMAND"},
                      {"Actions", {job_action("j1"), crawler_action("c1"), job_action("j2")}}})
                  .ok());
  actions_.jobs.erase("j1");  // deleted after the trigger was created
  actions_.crawlers.erase("c1");
  Status s = service_->start_trigger(ctx_, "od");
  EXPECT_EQ(error_name(s), "EntityNotFoundException");  // the first failure, after trying all
  EXPECT_EQ(actions_.take(), std::vector<std::string>{"job:j2"});
  EXPECT_EQ(actions_.error_runs, std::vector<std::string>{"j1"});
}

TEST_P(TriggerServiceTest, ACronTimeFiresOnceAcrossServers) {
  // A second server on the same store with its own scheduler.
  auto other_store =
      store_.backend() == StoreBackend::kSqliteMemory ? nullptr : *store_.open_again();
  ASSERT_NE(other_store, nullptr);
  Scheduler other_scheduler(clock_);
  ASSERT_TRUE(create({{"Name", "s"},
                      {"Type", "SCHEDULED"},
                      {"Schedule", "cron(0 * * * ? *)"},
                      {"StartOnCreation", true},
                      {"Actions", {crawler_action("c1")}}})
                  .ok());
  auto other = make(*other_store, other_scheduler, "server-b");  // reads the trigger from the store
  ASSERT_TRUE(other_scheduler.contains(TriggerService::entry_id(ctx_.account_id, "s")));
  set_time(kBase + kHour);
  scheduler_.run_due(kBase + kHour);
  other_scheduler.run_due(kBase + kHour);
  scheduler_.wait_idle();
  other_scheduler.wait_idle();
  service_->wait_idle();
  other->wait_idle();
  EXPECT_EQ(actions_.take(), std::vector<std::string>{"crawler:c1"});
  auto firings = service_->firings(ctx_.account_id, "s");
  ASSERT_EQ(firings->size(), 1u);
  other.reset();
}

TEST_P(TriggerServiceTest, CatchUpAfterDowntimeFiresOnceNotOncePerMissedSlot) {
  ASSERT_TRUE(create({{"Name", "s"},
                      {"Type", "SCHEDULED"},
                      {"Schedule", "cron(0/15 * * * ? *)"},
                      {"StartOnCreation", true},
                      {"Actions", {crawler_action("c1")}}})
                  .ok());
  // The server was down from 23:01 until 02:05 (a dozen slots missed); a new
  // leader starts with the store's triggers.
  service_.reset();
  Scheduler fresh(clock_);
  set_time(kBase + 3 * kHour + 5 * 60);
  service_ = make(*store_, fresh, "server-b");
  ASSERT_TRUE(service_->on_leadership_acquired(kBase + 3 * kHour + 5 * 60).ok());
  fire_due(fresh, kBase + 3 * kHour + 5 * 60);
  EXPECT_EQ(actions_.take(), std::vector<std::string>{"crawler:c1"});
  auto firings = service_->firings(ctx_.account_id, "s");
  ASSERT_EQ(firings->size(), 1u);
  EXPECT_EQ((*firings)[0].fire_key,
            "cron:" + std::to_string(kBase + 3 * kHour));  // 02:00, the latest
  // The old leader had fired 02:00 already? Then a second catch-up does nothing.
  ASSERT_TRUE(service_->on_leadership_acquired(kBase + 3 * kHour + 5 * 60).ok());
  fire_due(fresh, kBase + 3 * kHour + 5 * 60);
  EXPECT_EQ(actions_.count(), 0u);
  // And the schedule goes on at 02:15.
  set_time(kBase + 3 * kHour + 15 * 60);
  fire_due(fresh, kBase + 3 * kHour + 15 * 60);
  EXPECT_EQ(actions_.take(), std::vector<std::string>{"crawler:c1"});
  service_.reset();
}

TEST_P(TriggerServiceTest, OnlyTriggerStartedRunsFireConditionalTriggers) {
  ASSERT_TRUE(conditional("after-j1", "AND", {{{"JobName", "j1"}, {"State", "SUCCEEDED"}}},
                          job_action("j2"))
                  .ok());
  // Started by hand (no origin): nothing fires.
  EXPECT_TRUE(
      service_->on_job_run_finished(ctx_.account_id, "j1", "jr_a", "SUCCEEDED", {}).empty());
  // Started by a trigger, wrong state: nothing.
  EXPECT_TRUE(service_->on_job_run_finished(ctx_.account_id, "j1", "jr_b", "FAILED", {"od", "", ""})
                  .empty());
  // Started by a trigger, SUCCEEDED: fires once, even if reported twice.
  EXPECT_EQ(
      service_->on_job_run_finished(ctx_.account_id, "j1", "jr_c", "SUCCEEDED", {"od", "", ""}),
      std::vector<std::string>{"after-j1"});
  EXPECT_TRUE(
      service_->on_job_run_finished(ctx_.account_id, "j1", "jr_c", "SUCCEEDED", {"od", "", ""})
          .empty());
  EXPECT_EQ(actions_.take(), std::vector<std::string>{"job:j2"});
  EXPECT_EQ(actions_.job_runs.back().origin.trigger_name, "after-j1");
  using Runs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(actions_.job_runs.back().origin.predecessors, (Runs{{"j1", "jr_c"}}));
  // A deactivated trigger does not fire.
  ASSERT_TRUE(service_->stop_trigger(ctx_, "after-j1").ok());
  EXPECT_TRUE(
      service_->on_job_run_finished(ctx_.account_id, "j1", "jr_d", "SUCCEEDED", {"od", "", ""})
          .empty());

  // Crawls: only the ones a trigger started (this service's record) count.
  ASSERT_TRUE(conditional("after-c1", "AND", {{{"CrawlerName", "c1"}, {"CrawlState", "SUCCEEDED"}}},
                          crawler_action("c2"))
                  .ok());
  EXPECT_TRUE(service_->on_crawl_finished(ctx_.account_id, "c1", "crawl-1", "SUCCEEDED").empty());
  ASSERT_TRUE(
      create({{"Name", "start-c1"}, {"Type", "ON_DEMAND"}, {"Actions", {crawler_action("c1")}}})
          .ok());
  ASSERT_TRUE(service_->start_trigger(ctx_, "start-c1").ok());
  EXPECT_EQ(service_->on_crawl_finished(ctx_.account_id, "c1", "crawl-2", "SUCCEEDED"),
            std::vector<std::string>{"after-c1"});
  EXPECT_EQ(actions_.take(), (std::vector<std::string>{"crawler:c1", "crawler:c2"}));
  // The next crawl of c1 is a manual one again.
  EXPECT_TRUE(service_->on_crawl_finished(ctx_.account_id, "c1", "crawl-3", "SUCCEEDED").empty());
}

TEST_P(TriggerServiceTest, AndNeedsEveryConditionAnyOneAcrossJobsAndCrawlers) {
  Json conditions = {{{"JobName", "j1"}, {"State", "SUCCEEDED"}},
                     {{"CrawlerName", "c1"}, {"CrawlState", "SUCCEEDED"}}};
  ASSERT_TRUE(conditional("both", "AND", conditions, job_action("j3")).ok());
  ASSERT_TRUE(conditional("either", "ANY", conditions, job_action("j2")).ok());
  ASSERT_TRUE(
      create({{"Name", "start-c1"}, {"Type", "ON_DEMAND"}, {"Actions", {crawler_action("c1")}}})
          .ok());
  const TriggerOrigin by_trigger{"od", "", ""};

  EXPECT_EQ(service_->on_job_run_finished(ctx_.account_id, "j1", "r1", "SUCCEEDED", by_trigger),
            std::vector<std::string>{"either"});
  ASSERT_TRUE(service_->start_trigger(ctx_, "start-c1").ok());
  EXPECT_EQ(service_->on_crawl_finished(ctx_.account_id, "c1", "k1", "SUCCEEDED"),
            (std::vector<std::string>{"both", "either"}));
  // Day two: j1 succeeds again, but c1's success is yesterday's: AND waits.
  EXPECT_EQ(service_->on_job_run_finished(ctx_.account_id, "j1", "r2", "SUCCEEDED", by_trigger),
            std::vector<std::string>{"either"});
  ASSERT_TRUE(service_->start_trigger(ctx_, "start-c1").ok());
  EXPECT_EQ(service_->on_crawl_finished(ctx_.account_id, "c1", "k2", "FAILED"),
            std::vector<std::string>{});
  // j1's newest run succeeded but c1's newest failed: still no AND.
  ASSERT_TRUE(service_->start_trigger(ctx_, "start-c1").ok());
  EXPECT_EQ(service_->on_crawl_finished(ctx_.account_id, "c1", "k3", "SUCCEEDED"),
            (std::vector<std::string>{"both", "either"}));
  // j3 (the AND trigger's action) ran after j1's run r2: its predecessor.
  const auto& and_run = *std::find_if(actions_.job_runs.rbegin(), actions_.job_runs.rend(),
                                      [](const auto& r) { return r.action.job_name == "j3"; });
  using Runs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(and_run.origin.predecessors, (Runs{{"j1", "r2"}}));

  // Workflow chains are separate: a run in workflow run wr_1 does not satisfy
  // a trigger outside the workflow.
  EXPECT_TRUE(
      service_->on_job_run_finished(ctx_.account_id, "j1", "r3", "SUCCEEDED", {"t", "wf", "wr_1"})
          .empty());
}

TEST_P(TriggerServiceTest, OldRunRecordsArePrunedButTheNewestPerJobStillPairs) {
  Json conditions = {{{"JobName", "j1"}, {"State", "SUCCEEDED"}},
                     {{"JobName", "j2"}, {"State", "SUCCEEDED"}}};
  ASSERT_TRUE(conditional("both", "AND", conditions, job_action("j3")).ok());
  const TriggerOrigin by_trigger{"od", "", ""};
  auto rows = [&](const std::string& table) {
    int64_t n = -1;
    EXPECT_TRUE(store::run_in_read_transaction(*store_, [&](store::Transaction& tx) -> Status {
                  MORTAR_ASSIGN_OR_RETURN(auto r, tx.query("SELECT COUNT(*) FROM " + table));
                  n = r[0].int_at(0);
                  return ok_status();
                }).ok());
    return n;
  };
  EXPECT_TRUE(
      service_->on_job_run_finished(ctx_.account_id, "j1", "r1", "FAILED", by_trigger).empty());
  EXPECT_TRUE(
      service_->on_job_run_finished(ctx_.account_id, "j1", "r2", "SUCCEEDED", by_trigger).empty());
  // A workflow run's records, with an AND trigger of that workflow fired in it.
  ASSERT_TRUE(conditional("wf-and", "AND",
                          Json::array({{{"JobName", "j1"}, {"State", "SUCCEEDED"}}}),
                          job_action("j3"), "wf")
                  .ok());
  EXPECT_EQ(
      service_->on_job_run_finished(ctx_.account_id, "j1", "w1", "SUCCEEDED", {"t", "wf", "wr_1"}),
      std::vector<std::string>{"wf-and"});
  EXPECT_EQ(rows("trigger_run_events"), 3);
  EXPECT_EQ(rows("trigger_chain_fires"), 1);

  // Eight days later the leader's tick forgets what is older than 7 days,
  // but keeps j1's newest run outside workflows.
  clock_.advance(8LL * 24 * 3600 * 1000000);
  service_->tick();
  EXPECT_EQ(rows("trigger_run_events"), 1);
  EXPECT_EQ(rows("trigger_chain_fires"), 0);
  // Which still pairs with today's j2 success, as before the pruning.
  EXPECT_EQ(service_->on_job_run_finished(ctx_.account_id, "j2", "r3", "SUCCEEDED", by_trigger),
            std::vector<std::string>{"both"});
  using Runs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(actions_.job_runs.back().origin.predecessors, (Runs{{"j1", "r2"}, {"j2", "r3"}}));
  // And a run recorded again is still recognised (the newest is kept).
  EXPECT_TRUE(
      service_->on_job_run_finished(ctx_.account_id, "j1", "r2", "SUCCEEDED", by_trigger).empty());
}

MORTAR_ON_STORE_BACKENDS(TriggerServiceTest, test_support::StoreBackend::kSqliteFile);

// 1,000 triggers due in the same minute: how long from the scheduler's
// run_due() until every action has started (fake actions; real store).
// Printed, not asserted: the goal is 2 s on 2 cores.
TEST(TriggerBurst, AThousandTriggersDueInTheSameMinute) {
  test_support::TestStore store;
  ASSERT_EQ(store.open(StoreBackend::kSqliteFile), "");
  ASSERT_TRUE(TriggerService::migrate(*store).ok());
  FakeClock clock(kBase * 1000000 + 60 * 1000000);
  Scheduler scheduler(clock);
  FakeActions actions;
  TriggerServiceOptions o;
  o.clock = &clock;
  auto service = TriggerService::create(*store, scheduler, actions, o);
  ASSERT_TRUE(service.ok());
  CallContext ctx;
  ctx.account_id = "111122223333";
  constexpr int kTriggers = 1000;
  for (int i = 0; i < kTriggers; ++i) {
    ASSERT_TRUE((*service)
                    ->create_trigger(ctx, {{"Name", "t" + std::to_string(i)},
                                           {"Type", "SCHEDULED"},
                                           {"Schedule", "cron(0 * * * ? *)"},
                                           {"StartOnCreation", true},
                                           {"Actions", {crawler_action("c1")}}})
                    .ok());
  }
  clock.set_micros((kBase + kHour) * 1000000);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(scheduler.run_due(kBase + kHour), kTriggers);
  scheduler.wait_idle();
  (*service)->wait_idle();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  EXPECT_EQ(actions.count(), static_cast<size_t>(kTriggers));
  std::printf("[ burst    ] %d triggers due at once: all actions started %lld ms after run_due\n",
              kTriggers, static_cast<long long>(ms));
}

}  // namespace
}  // namespace mortar::schedule
