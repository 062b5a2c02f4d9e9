#include "jobs/job_bookmarks.h"

#include <gtest/gtest.h>

#include "common/glue_errors.h"
#include "testing/store_backends.h"

namespace mortar::jobs {
namespace {

using Json = nlohmann::json;
using test_support::StoreBackend;
using test_support::TestStore;

constexpr char kAccount[] = "123456789012";

class JobBookmarksTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    std::string err = store_.open(GetParam());
    ASSERT_EQ(err, "");
    ASSERT_TRUE(JobBookmarks::migrate(*store_).ok());
    bookmarks_ = std::make_unique<JobBookmarks>(*store_, clock_);
  }

  static BookmarkRun run(const std::string& id, const std::string& option = "job-bookmark-enable") {
    BookmarkRun r;
    r.account_id = kAccount;
    r.job_name = "j1";
    r.run_id = id;
    r.option = option;
    return r;
  }

  Json load(const BookmarkRun& r) {
    auto text = bookmarks_->load(r);
    EXPECT_TRUE(text.ok()) << text.status();
    return text.ok() ? Json::parse(*text) : Json();
  }

  // What Job.commit writes: the loaded version and the new state.
  static std::string out(int64_t version, Json state) {
    return Json{{"version", version}, {"state", std::move(state)}}.dump();
  }

  // A run that loads, then commits `state`.
  void run_and_commit(const std::string& id, Json state) {
    BookmarkRun r = run(id);
    Json in = load(r);
    Status st = bookmarks_->commit(r, out(in["version"].get<int64_t>(), std::move(state)));
    ASSERT_TRUE(st.ok()) << st;
  }

  Json state_now() {
    auto e = bookmarks_->get(kAccount, "j1");
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? Json::parse(e->bookmark) : Json();
  }

  TestStore store_;
  FakeClock clock_;
  std::unique_ptr<JobBookmarks> bookmarks_;
};

TEST_P(JobBookmarksTest, FirstRunLoadsNothingAndCommitsVersionOne) {
  EXPECT_TRUE(absl::IsNotFound(bookmarks_->get(kAccount, "j1").status()));
  Json in = load(run("jr_1"));
  EXPECT_EQ(in["version"], 0);
  EXPECT_EQ(in["state"], Json::object());
  EXPECT_EQ(in["option"], "job-bookmark-enable");
  ASSERT_TRUE(bookmarks_->commit(run("jr_1"), out(0, {{"src", {{"k", 1}}}})).ok());

  auto e = bookmarks_->get(kAccount, "j1");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->version, 1);
  EXPECT_EQ(e->run, 1);
  EXPECT_EQ(e->run_id, "jr_1");
  EXPECT_EQ(e->previous_run_id, "");
  Json wire = e->to_json();
  EXPECT_EQ(wire["JobName"], "j1");
  EXPECT_EQ(Json::parse(wire["JobBookmark"].get<std::string>()), Json({{"src", {{"k", 1}}}}));
  EXPECT_FALSE(wire.contains("PreviousRunId"));
}

TEST_P(JobBookmarksTest, NextRunLoadsWhatThePreviousCommitted) {
  run_and_commit("jr_1", {{"src", {{"k", 1}}}});
  Json in = load(run("jr_2_attempt_1"));
  EXPECT_EQ(in["version"], 1);
  EXPECT_EQ(in["state"], Json({{"src", {{"k", 1}}}}));
  ASSERT_TRUE(bookmarks_->commit(run("jr_2_attempt_1"), out(1, {{"src", {{"k", 2}}}})).ok());
  auto e = bookmarks_->get(kAccount, "j1");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->version, 2);
  EXPECT_EQ(e->run, 2);
  EXPECT_EQ(e->attempt, 1);
  EXPECT_EQ(e->previous_run_id, "jr_1");
  EXPECT_EQ(e->run_id, "jr_2_attempt_1");
}

TEST_P(JobBookmarksTest, ConcurrentCommitFailsLoudlyAndKeepsTheWinner) {
  run_and_commit("jr_1", {{"src", 1}});
  Json a = load(run("jr_a"));
  Json b = load(run("jr_b"));
  ASSERT_TRUE(bookmarks_->commit(run("jr_a"), out(a["version"], {{"src", "a"}})).ok());
  Status st = bookmarks_->commit(run("jr_b"), out(b["version"], {{"src", "b"}}));
  EXPECT_TRUE(absl::IsAborted(st)) << st;
  EXPECT_EQ(glue_exception_name(st), "ConcurrentModificationException");
  EXPECT_NE(st.message().find("the job bookmark of j1 was committed by another run (version 2)"),
            std::string::npos)
      << st;
  EXPECT_EQ(state_now(), Json({{"src", "a"}}));
}

TEST_P(JobBookmarksTest, TwoFirstRunsRacingOnlyOneCommits) {
  Json a = load(run("jr_a"));
  Json b = load(run("jr_b"));
  ASSERT_TRUE(bookmarks_->commit(run("jr_a"), out(a["version"], {{"src", "a"}})).ok());
  EXPECT_TRUE(absl::IsAborted(bookmarks_->commit(run("jr_b"), out(b["version"], {{"src", "b"}}))));
  EXPECT_EQ(state_now(), Json({{"src", "a"}}));
}

TEST_P(JobBookmarksTest, DisableAndPauseNeverCommit) {
  run_and_commit("jr_1", {{"src", 1}});
  Json disabled = load(run("jr_d", "job-bookmark-disable"));
  EXPECT_EQ(disabled["state"], Json::object());  // reads everything
  EXPECT_TRUE(bookmarks_->commit(run("jr_d", "job-bookmark-disable"), out(1, {{"src", 9}})).ok());
  Json paused = load(run("jr_p", "job-bookmark-pause"));
  EXPECT_EQ(paused["state"], Json({{"src", 1}}));  // incremental since the last run
  EXPECT_TRUE(bookmarks_->commit(run("jr_p", "job-bookmark-pause"), out(1, {{"src", 9}})).ok());
  auto e = bookmarks_->get(kAccount, "j1");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->version, 1);
  EXPECT_EQ(Json::parse(e->bookmark), Json({{"src", 1}}));
}

TEST_P(JobBookmarksTest, PauseWithFromAndToLoadsBothRunsStates) {
  run_and_commit("jr_1", {{"src", 1}});
  run_and_commit("jr_2", {{"src", 2}});
  run_and_commit("jr_3", {{"src", 3}});
  BookmarkRun r = run("jr_p", "job-bookmark-pause");
  r.from_run = "jr_1";
  r.to_run = "jr_3";
  Json in = load(r);
  EXPECT_EQ(in["state"], Json({{"src", 1}}));
  EXPECT_EQ(in["to_state"], Json({{"src", 3}}));

  r.to_run = "jr_never";
  EXPECT_TRUE(absl::IsNotFound(bookmarks_->load(r).status()));
  r.to_run = "";
  auto one_sided = bookmarks_->load(r);
  EXPECT_TRUE(absl::IsInvalidArgument(one_sided.status()));
  EXPECT_NE(one_sided.status().message().find("--job-bookmark-to"), std::string::npos);
  BookmarkRun enabled = run("jr_e");
  enabled.from_run = "jr_1";
  enabled.to_run = "jr_2";
  EXPECT_TRUE(absl::IsInvalidArgument(bookmarks_->load(enabled).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(bookmarks_->load(run("jr_x", "job-bookmark-on")).status()));
}

TEST_P(JobBookmarksTest, ResetEmptiesTheStateAndFailsARunThatLoadedBeforeIt) {
  run_and_commit("jr_1", {{"src", 1}});
  Json stale = load(run("jr_2"));
  auto reset = bookmarks_->reset(kAccount, "j1");
  ASSERT_TRUE(reset.ok()) << reset.status();
  EXPECT_EQ(reset->version, 2);
  EXPECT_EQ(reset->to_json()["JobBookmark"], "{}");
  EXPECT_EQ(load(run("jr_3"))["state"], Json::object());
  EXPECT_TRUE(
      absl::IsAborted(bookmarks_->commit(run("jr_2"), out(stale["version"], {{"src", 2}}))));
  EXPECT_EQ(state_now(), Json::object());
}

TEST_P(JobBookmarksTest, ResetWithRunIdRewindsToThatRunsState) {
  run_and_commit("jr_1", {{"src", 1}});
  run_and_commit("jr_2", {{"src", 2}});
  run_and_commit("jr_3", {{"src", 3}});
  auto rewound = bookmarks_->reset(kAccount, "j1", "jr_1");
  ASSERT_TRUE(rewound.ok()) << rewound.status();
  EXPECT_EQ(rewound->version, 4);
  EXPECT_EQ(state_now(), Json({{"src", 1}}));
  // The history stays: the next run continues from there and a later rewind
  // can still name jr_3.
  run_and_commit("jr_4", {{"src", 4}});
  ASSERT_TRUE(bookmarks_->reset(kAccount, "j1", "jr_3").ok());
  EXPECT_EQ(state_now(), Json({{"src", 3}}));
  auto at_run = bookmarks_->get(kAccount, "j1", "jr_2");
  ASSERT_TRUE(at_run.ok());
  EXPECT_EQ(Json::parse(at_run->bookmark), Json({{"src", 2}}));

  EXPECT_TRUE(absl::IsNotFound(bookmarks_->reset(kAccount, "j1", "jr_nope").status()));
  EXPECT_TRUE(absl::IsNotFound(bookmarks_->reset(kAccount, "other").status()));
}

TEST_P(JobBookmarksTest, MalformedDocumentIsRefusedAndNothingIsStored) {
  for (const char* bad : {"", "[]", "{\"version\": 0}", "{\"version\": \"0\", \"state\": {}}",
                          "{\"version\": 0, \"state\": []}", "{\"version\": -1, \"state\": {}}"}) {
    Status st = bookmarks_->commit(run("jr_1"), bad);
    EXPECT_TRUE(absl::IsInvalidArgument(st)) << bad << ": " << st;
  }
  EXPECT_TRUE(absl::IsNotFound(bookmarks_->get(kAccount, "j1").status()));
}

TEST_P(JobBookmarksTest, AccountsAndJobsAreSeparateAndForgetRemovesAll) {
  run_and_commit("jr_1", {{"src", 1}});
  BookmarkRun other = run("jr_o");
  other.account_id = "999999999999";
  EXPECT_EQ(load(other)["version"], 0);
  ASSERT_TRUE(bookmarks_->forget(kAccount, "j1").ok());
  EXPECT_TRUE(absl::IsNotFound(bookmarks_->get(kAccount, "j1").status()));
  EXPECT_TRUE(absl::IsNotFound(bookmarks_->get(kAccount, "j1", "jr_1").status()));
  EXPECT_EQ(load(run("jr_2"))["version"], 0);
}

TEST(AttemptOfRun, ParsesTheRetrySuffix) {
  EXPECT_EQ(attempt_of_run("jr_abc"), 0);
  EXPECT_EQ(attempt_of_run("jr_abc_attempt_2"), 2);
  EXPECT_EQ(attempt_of_run("jr_abc_attempt_x"), 0);
}

MORTAR_ON_STORE_BACKENDS(JobBookmarksTest, StoreBackend::kSqliteFile);

}  // namespace
}  // namespace mortar::jobs
