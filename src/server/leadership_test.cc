#include "server/leadership.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "server/logging.h"

namespace mortar::server {
namespace {

using namespace std::chrono_literals;

// A store whose only working call is try_lock, which the test controls.
class FakeStore : public store::Store {
 public:
  class FakeLock : public store::SessionLock {
   public:
    explicit FakeLock(FakeStore& store) : store_(store) {}
    ~FakeLock() override {
      std::lock_guard lock(store_.mu_);
      store_.holder_ = nullptr;
      ++store_.released_;
    }
    bool still_held() override {
      std::lock_guard lock(store_.mu_);
      return !store_.lose_;
    }

   private:
    FakeStore& store_;
  };

  StatusOr<std::unique_ptr<store::Transaction>> begin(bool) override {
    return unimplemented("fake store");
  }
  Status migrate(std::string_view, const std::vector<store::Migration>&) override {
    return unimplemented("fake store");
  }
  std::string_view dialect() const override { return "fake"; }
  bool shared() const override { return true; }
  StatusOr<std::unique_ptr<store::SessionLock>> try_lock(std::string_view name) override {
    std::lock_guard lock(mu_);
    last_name_ = std::string(name);
    if (failing_) return absl::UnavailableError("connection refused");
    if (holder_ != nullptr || other_holds_) return std::unique_ptr<store::SessionLock>();
    lose_ = false;
    auto granted = std::make_unique<FakeLock>(*this);
    holder_ = granted.get();
    return std::unique_ptr<store::SessionLock>(std::move(granted));
  }
  Status close() override { return ok_status(); }

  // Test controls.
  void set_other_holds(bool v) {
    std::lock_guard lock(mu_);
    other_holds_ = v;
  }
  void set_failing(bool v) {
    std::lock_guard lock(mu_);
    failing_ = v;
  }
  void lose_lock() {
    std::lock_guard lock(mu_);
    lose_ = true;
  }
  int released() {
    std::lock_guard lock(mu_);
    return released_;
  }
  bool held() {
    std::lock_guard lock(mu_);
    return holder_ != nullptr;
  }
  std::string last_name() {
    std::lock_guard lock(mu_);
    return last_name_;
  }

 private:
  std::mutex mu_;
  FakeLock* holder_ = nullptr;
  bool other_holds_ = false;
  bool failing_ = false;
  bool lose_ = false;
  int released_ = 0;
  std::string last_name_;
};

// Counts lead/step_down calls; a test can wait for the next one.
struct Role {
  std::mutex mu;
  std::condition_variable cv;
  int leads = 0;
  int step_downs = 0;

  std::function<void()> lead() {
    return [this] {
      std::lock_guard l(mu);
      ++leads;
      cv.notify_all();
    };
  }
  std::function<void()> step_down() {
    return [this] {
      std::lock_guard l(mu);
      ++step_downs;
      cv.notify_all();
    };
  }
  int lead_count() {
    std::lock_guard l(mu);
    return leads;
  }
  int step_down_count() {
    std::lock_guard l(mu);
    return step_downs;
  }
  // Waits for the counts; the bound only keeps a broken build from hanging.
  bool wait_for(int want_leads, int want_step_downs) {
    std::unique_lock l(mu);
    return cv.wait_for(l, 60s,
                       [&] { return leads == want_leads && step_downs == want_step_downs; });
  }
};

class LeadershipTest : public ::testing::Test {
 protected:
  void SetUp() override { init_logging("text", "off"); }
  LeadershipOptions manual() {
    LeadershipOptions o;
    o.interval = 24h;  // tick() by hand; the thread never fires on its own
    return o;
  }
  FakeStore store_;
  Role role_;
};

TEST_F(LeadershipTest, StartTakesAFreeLockAtOnceAndLeads) {
  Leadership leadership(store_, role_.lead(), role_.step_down(), manual());
  leadership.start();
  EXPECT_TRUE(leadership.leading());
  EXPECT_EQ(role_.lead_count(), 1);
  EXPECT_EQ(store_.last_name(), "mortar-scheduler");
  leadership.tick();  // still held: nothing changes
  EXPECT_EQ(role_.lead_count(), 1);
  EXPECT_EQ(role_.step_down_count(), 0);
}

TEST_F(LeadershipTest, FollowsWhileAnotherServerLeadsThenTakesOver) {
  store_.set_other_holds(true);
  Leadership leadership(store_, role_.lead(), role_.step_down(), manual());
  leadership.start();
  EXPECT_FALSE(leadership.leading());
  leadership.tick();
  EXPECT_EQ(role_.lead_count(), 0);
  store_.set_other_holds(false);  // the leader went away
  leadership.tick();
  EXPECT_TRUE(leadership.leading());
  EXPECT_EQ(role_.lead_count(), 1);
}

TEST_F(LeadershipTest, ALostLockStopsTheSchedulerAndIsRetaken) {
  Leadership leadership(store_, role_.lead(), role_.step_down(), manual());
  leadership.start();
  store_.lose_lock();
  store_.set_other_holds(true);  // someone else took over meanwhile
  leadership.tick();
  EXPECT_FALSE(leadership.leading());
  EXPECT_EQ(role_.step_down_count(), 1);
  EXPECT_EQ(store_.released(), 1);  // the dead lock object is dropped
  store_.set_other_holds(false);
  leadership.tick();
  EXPECT_TRUE(leadership.leading());
  EXPECT_EQ(role_.lead_count(), 2);
}

TEST_F(LeadershipTest, AStoreErrorIsNotLeadershipAndIsRetried) {
  store_.set_failing(true);
  Leadership leadership(store_, role_.lead(), role_.step_down(), manual());
  leadership.start();
  leadership.tick();
  EXPECT_FALSE(leadership.leading());
  EXPECT_EQ(role_.lead_count(), 0);
  store_.set_failing(false);
  leadership.tick();
  EXPECT_TRUE(leadership.leading());
}

TEST_F(LeadershipTest, ShutdownStepsDownAndReleasesTheLock) {
  {
    Leadership leadership(store_, role_.lead(), role_.step_down(), manual());
    leadership.start();
    ASSERT_TRUE(store_.held());
  }
  EXPECT_EQ(role_.step_down_count(), 1);
  EXPECT_FALSE(store_.held());
}

TEST_F(LeadershipTest, ShutdownOfAFollowerDoesNotStepDown) {
  store_.set_other_holds(true);
  { Leadership(store_, role_.lead(), role_.step_down(), manual()).start(); }
  EXPECT_EQ(role_.step_down_count(), 0);
}

// The background thread does the same rounds on its own, every interval.
TEST_F(LeadershipTest, TheThreadNoticesALossAndAFreedLock) {
  store_.set_other_holds(true);
  LeadershipOptions fast;
  fast.interval = 1ms;
  Leadership leadership(store_, role_.lead(), role_.step_down(), fast);
  leadership.start();
  store_.set_other_holds(false);
  ASSERT_TRUE(role_.wait_for(1, 0));
  store_.set_other_holds(true);
  store_.lose_lock();
  ASSERT_TRUE(role_.wait_for(1, 1));
  store_.set_other_holds(false);
  ASSERT_TRUE(role_.wait_for(2, 1));
  EXPECT_TRUE(leadership.leading());
}

// SQLite grants the lock per process: the one server leads from the start.
TEST_F(LeadershipTest, OnSqliteTheServerLeadsAtStart) {
  auto sqlite = store::open_sqlite_store(":memory:");
  ASSERT_TRUE(sqlite.ok()) << sqlite.status();
  Leadership leadership(**sqlite, role_.lead(), role_.step_down(), manual());
  leadership.start();
  EXPECT_TRUE(leadership.leading());
  EXPECT_EQ(role_.lead_count(), 1);
}

}  // namespace
}  // namespace mortar::server
