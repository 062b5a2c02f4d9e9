// EventTriggerBatcher on a real store (SQLite file and PostgreSQL) with a
// FakeClock and a fake WorkflowStarter: a batch starts its run on BatchSize
// events, on BatchWindow, whichever comes first; only ACTIVATED EVENT
// triggers take events; two batchers on one store start one run per batch.
#include "schedule/event_trigger_batcher.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "schedule/trigger_service.h"
#include "testing/store_backends.h"

namespace mortar::schedule {
namespace {

class RecordingStarter : public WorkflowStarter {
 public:
  StatusOr<std::string> start_workflow_run(const WorkflowStart& start) override {
    std::lock_guard lock(mu);
    if (refuse) return not_found("Workflow " + start.workflow_name + " not found");
    starts.push_back(start);
    return "wr_" + std::to_string(starts.size());
  }
  std::vector<WorkflowStart> take() {
    std::lock_guard lock(mu);
    return std::exchange(starts, {});
  }
  std::mutex mu;
  std::vector<WorkflowStart> starts;
  bool refuse = false;
};

// Actions are never run here: EVENT triggers start workflows, not actions.
class NoActions : public TriggerActions {
 public:
  StatusOr<std::string> start_job_run(const std::string&, const JobAction&,
                                      const TriggerOrigin&) override {
    return std::string("jr");
  }
  Status start_crawler(const std::string&, const std::string&) override { return ok_status(); }
  Status check_job(const std::string&, const std::string&) override { return ok_status(); }
  Status check_crawler(const std::string&, const std::string&) override { return ok_status(); }
};

nlohmann::json batch_event(const std::string& id) {
  return {{"id", id}, {"source", "mortar.files"}, {"detail-type", "Object Created"}};
}

constexpr int64_t kBatchSecond = 1000000;

class EventBatcherTest : public ::testing::TestWithParam<test_support::StoreBackend> {
 protected:
  void SetUp() override {
    ASSERT_EQ(store_.open(GetParam()), "");
    ASSERT_TRUE(TriggerService::migrate(*store_).ok());
    ASSERT_TRUE(EventTriggerBatcher::migrate(*store_).ok());
    ctx_.account_id = ctx_.catalog_id = kAccount;
    TriggerServiceOptions o;
    o.clock = &clock_;
    auto t = TriggerService::create(*store_, scheduler_, actions_, o);
    ASSERT_TRUE(t.ok()) << t.status();
    triggers_ = std::move(*t);
    batcher_ = make_batcher(*store_);
  }

  std::unique_ptr<EventTriggerBatcher> make_batcher(store::Store& store) {
    EventBatcherOptions o;
    o.clock = &clock_;
    auto b = EventTriggerBatcher::create(store, o);
    EXPECT_TRUE(b.ok()) << b.status();
    if (!b.ok()) return nullptr;
    (*b)->set_starter(&starter_);
    return std::move(*b);
  }

  void event_trigger(const std::string& name, const std::string& workflow, int size, int window,
                     bool start = true) {
    nlohmann::json req = {
        {"Name", name},
        {"Type", "EVENT"},
        {"WorkflowName", workflow},
        {"StartOnCreation", start},
        {"EventBatchingCondition", {{"BatchSize", size}, {"BatchWindow", window}}},
        {"Actions", {{{"JobName", "j1"}}}}};
    ASSERT_TRUE(triggers_->create_trigger(ctx_, req).ok());
  }

  int deliver(const std::string& workflow, const std::string& id) {
    auto n = batcher_->deliver(kAccount, workflow, batch_event(id));
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
  }

  static constexpr const char* kAccount = "111122223333";
  test_support::TestStore store_;
  FakeClock clock_;
  Scheduler scheduler_{clock_};
  NoActions actions_;
  RecordingStarter starter_;
  CallContext ctx_;
  std::unique_ptr<TriggerService> triggers_;
  std::unique_ptr<EventTriggerBatcher> batcher_;
};

TEST_P(EventBatcherTest, BatchSizeStartsTheRun) {
  event_trigger("t", "wf", 3, 900);
  EXPECT_EQ(deliver("wf", "e1"), 1);
  clock_.advance(10 * kBatchSecond);
  EXPECT_EQ(deliver("wf", "e2"), 1);
  EXPECT_TRUE(starter_.take().empty());
  clock_.advance(5 * kBatchSecond);
  EXPECT_EQ(deliver("wf", "e3"), 1);
  auto starts = starter_.take();
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].account_id, kAccount);
  EXPECT_EQ(starts[0].workflow_name, "wf");
  EXPECT_EQ(starts[0].trigger_name, "t");
  ASSERT_TRUE(starts[0].event_batch.has_value());
  EXPECT_EQ(starts[0].event_batch->batch_size, 3);
  EXPECT_EQ(starts[0].event_batch->batch_window_seconds, 15);
  EXPECT_EQ(starts[0].run_properties["aws:eventIds"], R"(["e1","e2","e3"])");
  // The window of the closed batch fires nothing; the next event opens a new batch.
  clock_.advance(900 * kBatchSecond);
  EXPECT_TRUE(starter_.take().empty());
  EXPECT_EQ(batcher_->stats().batches_started, 1);
}

TEST_P(EventBatcherTest, BatchWindowStartsTheRun) {
  event_trigger("t", "wf", 5, 60);
  deliver("wf", "e1");
  clock_.advance(30 * kBatchSecond);
  deliver("wf", "e2");
  clock_.advance(29 * kBatchSecond);
  EXPECT_TRUE(starter_.take().empty());
  clock_.advance(1 * kBatchSecond);  // 60 s after the first event
  auto starts = starter_.take();
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].event_batch->batch_size, 2);
  EXPECT_EQ(starts[0].event_batch->batch_window_seconds, 60);
  EXPECT_EQ(starts[0].run_properties["aws:eventIds"], R"(["e1","e2"])");
  // A later event starts a new window of its own.
  clock_.advance(100 * kBatchSecond);
  deliver("wf", "e3");
  clock_.advance(59 * kBatchSecond);
  EXPECT_TRUE(starter_.take().empty());
  clock_.advance(1 * kBatchSecond);
  starts = starter_.take();
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].event_batch->batch_size, 1);
}

TEST_P(EventBatcherTest, SizeAndWindowWhicheverComesFirst) {
  event_trigger("t", "wf", 2, 100);
  deliver("wf", "a");
  deliver("wf", "b");  // size first
  ASSERT_EQ(starter_.take().size(), 1u);
  deliver("wf", "c");
  clock_.advance(100 * kBatchSecond);  // then window first
  auto starts = starter_.take();
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].event_batch->batch_size, 1);
  EXPECT_EQ(starts[0].event_batch->batch_window_seconds, 100);
  // BatchSize 1 (Glue's default): each event starts a run at once.
  event_trigger("one", "wf1", 1, 900);
  deliver("wf1", "x");
  deliver("wf1", "y");
  starts = starter_.take();
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[1].event_batch->batch_window_seconds, 0);
}

TEST_P(EventBatcherTest, OnlyActivatedEventTriggersTakeEvents) {
  event_trigger("created", "wf", 1, 900, /*start=*/false);
  EXPECT_EQ(deliver("wf", "e1"), 0);
  EXPECT_EQ(deliver("no-such-workflow", "e2"), 0);
  EXPECT_EQ(batcher_->stats().events_ignored, 2);
  ASSERT_TRUE(triggers_->start_trigger(ctx_, "created").ok());
  EXPECT_EQ(deliver("wf", "e3"), 1);
  EXPECT_EQ(starter_.take().size(), 1u);
  ASSERT_TRUE(triggers_->stop_trigger(ctx_, "created").ok());
  EXPECT_EQ(deliver("wf", "e4"), 0);
  EXPECT_TRUE(starter_.take().empty());
}

TEST_P(EventBatcherTest, ABatchOfAStoppedTriggerIsDropped) {
  event_trigger("t", "wf", 10, 60);
  deliver("wf", "e1");
  ASSERT_TRUE(triggers_->stop_trigger(ctx_, "t").ok());
  clock_.advance(60 * kBatchSecond);
  EXPECT_TRUE(starter_.take().empty());
}

TEST_P(EventBatcherTest, ARefusedOrUnconnectedStartIsCounted) {
  event_trigger("t", "wf", 1, 900);
  starter_.refuse = true;
  deliver("wf", "e1");
  batcher_->set_starter(nullptr);
  deliver("wf", "e2");
  EXPECT_EQ(batcher_->stats().batches_failed, 2);
  EXPECT_EQ(batcher_->stats().batches_started, 0);
}

TEST_P(EventBatcherTest, TwoBatchersOnOneStoreStartOneRunPerBatch) {
  auto other_store = store_.open_again();
  ASSERT_TRUE(other_store.ok()) << other_store.status();
  auto other = make_batcher(**other_store);
  event_trigger("t", "wf", 3, 60);
  deliver("wf", "e1");
  ASSERT_TRUE(other->deliver(kAccount, "wf", batch_event("e2")).ok());
  ASSERT_TRUE(other->rearm().ok());
  // Both armed a window for the batch; it starts once.
  clock_.advance(60 * kBatchSecond);
  auto starts = starter_.take();
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].run_properties["aws:eventIds"], R"(["e1","e2"])");
  // A batch begun on one server is completed by the size on the other.
  deliver("wf", "f1");
  deliver("wf", "f2");
  ASSERT_TRUE(other->deliver(kAccount, "wf", batch_event("f3")).ok());
  ASSERT_EQ(starter_.take().size(), 1u);
  clock_.advance(60 * kBatchSecond);
  EXPECT_TRUE(starter_.take().empty());
  other.reset();
}

TEST_P(EventBatcherTest, APendingWindowSurvivesARestart) {
  event_trigger("t", "wf", 3, 60);
  deliver("wf", "e1");
  batcher_.reset();  // the server stops before the window ends
  clock_.advance(30 * kBatchSecond);
  batcher_ = make_batcher(*store_);
  clock_.advance(30 * kBatchSecond);
  auto starts = starter_.take();
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].event_batch->batch_size, 1);
}

MORTAR_ON_STORE_BACKENDS(EventBatcherTest, test_support::StoreBackend::kSqliteFile);

}  // namespace
}  // namespace mortar::schedule
