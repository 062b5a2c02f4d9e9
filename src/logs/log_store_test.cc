#include "logs/log_store.h"

#include <gtest/gtest.h>

#include <thread>

#include "logs/log_reader.h"
#include "testing/store_backends.h"

namespace mortar::logs {
namespace {

using test_support::StoreBackend;
using test_support::TestStore;

constexpr const char* kAccount = "111122223333";
constexpr const char* kCrawlers = "/aws-glue/crawlers";

class LogStoreTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    std::string err = store_.open(GetParam());
    ASSERT_EQ(err, "");
    ASSERT_TRUE(LogStore::migrate(*store_).ok());
  }
  LogStoreOptions options() {
    LogStoreOptions o;
    o.clock = &clock_;
    o.warn = [this](const std::string& m) { warnings_.push_back(m); };
    return o;
  }
  std::vector<std::string> messages(const ReadResult& r) {
    std::vector<std::string> out;
    for (const auto& e : r.events) out.push_back(e.message);
    return out;
  }

  FakeClock clock_{1'700'000'000'000'000};
  TestStore store_;
  std::vector<std::string> warnings_;
};

TEST_P(LogStoreTest, AppendedEventsAreReadInOrderAfterFlush) {
  LogStore logs(*store_, options());
  logs.append(kAccount, kCrawlers, "c1", {{1000, "one"}, {1001, "two"}});
  logs.append(kAccount, kCrawlers, "c1", {{999, "three"}});
  logs.flush();
  LogReader reader(*store_);
  auto read = reader.read_stream(kAccount, kCrawlers, "c1", {.from_head = true});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(messages(*read), (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(read->events[2].seq, 2);
  EXPECT_EQ(read->forward_seq, 3);
  // Another account sees nothing.
  EXPECT_EQ(reader.read_stream("444455556666", kCrawlers, "c1", {}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(LogStoreTest, AnEmptyAppendCreatesTheStreamWithoutEvents) {
  LogStore logs(*store_, options());
  logs.append(kAccount, kCrawlers, "quiet", {});
  logs.append(kAccount, kCrawlers, "talks", {});
  logs.append(kAccount, kCrawlers, "talks", {{1000, "hello"}});
  logs.flush();
  LogReader reader(*store_);
  auto quiet = reader.read_stream(kAccount, kCrawlers, "quiet", {.from_head = true});
  ASSERT_TRUE(quiet.ok()) << quiet.status();  // the stream exists (tail, GetLogEvents work)
  EXPECT_TRUE(quiet->events.empty());
  auto talks = reader.read_stream(kAccount, kCrawlers, "talks", {.from_head = true});
  ASSERT_TRUE(talks.ok()) << talks.status();
  EXPECT_EQ(messages(*talks), (std::vector<std::string>{"hello"}));
  EXPECT_EQ(talks->events[0].seq, 0);
}

TEST_P(LogStoreTest, TheWriterThreadFlushesWithoutBeingAsked) {
  LogStore logs(*store_, options());
  logs.append(kAccount, kCrawlers, "c1", {{1000, "soon"}});
  LogReader reader(*store_);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    auto read = reader.read_stream(kAccount, kCrawlers, "c1", {});
    seen = read.ok() && read->events.size() == 1;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(seen);
}

TEST_P(LogStoreTest, ForwardTokenStaysPutUntilNewEventsArrive) {
  LogStore logs(*store_, options());
  logs.append(kAccount, kCrawlers, "c1", {{1, "a"}, {2, "b"}, {3, "c"}});
  logs.flush();
  LogReader reader(*store_);
  auto first = reader.read_stream(kAccount, kCrawlers, "c1", {.from_head = true, .limit = 2});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(messages(*first), (std::vector<std::string>{"a", "b"}));
  auto second = reader.read_stream(kAccount, kCrawlers, "c1", {.forward_from = first->forward_seq});
  EXPECT_EQ(messages(*second), (std::vector<std::string>{"c"}));
  auto third = reader.read_stream(kAccount, kCrawlers, "c1", {.forward_from = second->forward_seq});
  EXPECT_TRUE(third->events.empty());
  EXPECT_EQ(third->forward_seq, second->forward_seq);
  logs.append(kAccount, kCrawlers, "c1", {{4, "d"}});
  logs.flush();
  auto fourth = reader.read_stream(kAccount, kCrawlers, "c1", {.forward_from = third->forward_seq});
  EXPECT_EQ(messages(*fourth), (std::vector<std::string>{"d"}));
}

TEST_P(LogStoreTest, DefaultReadIsTheNewestEventsAndBackwardPagesOlder) {
  LogStore logs(*store_, options());
  std::vector<LogEvent> events;
  for (int i = 0; i < 5; ++i) events.push_back({i, "e" + std::to_string(i)});
  logs.append(kAccount, kCrawlers, "c1", events);
  logs.flush();
  LogReader reader(*store_);
  auto tail = reader.read_stream(kAccount, kCrawlers, "c1", {.limit = 2});
  EXPECT_EQ(messages(*tail), (std::vector<std::string>{"e3", "e4"}));
  auto older = reader.read_stream(kAccount, kCrawlers, "c1",
                                  {.backward_from = tail->backward_seq, .limit = 2});
  EXPECT_EQ(messages(*older), (std::vector<std::string>{"e1", "e2"}));
  auto timed = reader.read_stream(kAccount, kCrawlers, "c1",
                                  {.start_ms = 1, .end_ms = 3, .from_head = true});
  EXPECT_EQ(messages(*timed), (std::vector<std::string>{"e1", "e2"}));
}

TEST_P(LogStoreTest, FilterInterleavesStreamsByTimeAndPages) {
  LogStore logs(*store_, options());
  logs.append(kAccount, "/aws-glue/jobs/output", "jr_1", {{10, "ERROR disk"}, {30, "INFO ok"}});
  logs.append(kAccount, "/aws-glue/jobs/output", "jr_2", {{20, "ERROR net"}, {40, "WARN slow"}});
  logs.flush();
  LogReader reader(*store_);
  auto all = reader.filter(kAccount, "/aws-glue/jobs/output", {.limit = 3});
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->events.size(), 3u);
  EXPECT_EQ(all->events[0].message, "ERROR disk");
  EXPECT_EQ(all->events[1].stream, "jr_2");
  ASSERT_TRUE(all->resume_after.has_value());
  auto rest = reader.filter(kAccount, "/aws-glue/jobs/output", {.after = all->resume_after});
  ASSERT_EQ(rest->events.size(), 1u);
  EXPECT_EQ(rest->events[0].message, "WARN slow");
  EXPECT_FALSE(rest->resume_after.has_value());

  auto pattern = FilterPattern::parse("ERROR -net");
  ASSERT_TRUE(pattern.ok());
  auto errors = reader.filter(kAccount, "/aws-glue/jobs/output", {.pattern = &*pattern});
  ASSERT_EQ(errors->events.size(), 1u);
  EXPECT_EQ(errors->events[0].message, "ERROR disk");
  auto one_stream =
      reader.filter(kAccount, "/aws-glue/jobs/output", {.stream_names = {"jr_2"}, .start_ms = 25});
  ASSERT_EQ(one_stream->events.size(), 1u);
  EXPECT_EQ(one_stream->events[0].message, "WARN slow");
  auto by_prefix = reader.filter(kAccount, "/aws-glue/jobs/output", {.stream_prefix = "jr_1"});
  EXPECT_EQ(by_prefix->events.size(), 2u);
  EXPECT_NE(all->events[0].event_id(), all->events[1].event_id());
}

TEST_P(LogStoreTest, GroupsAndStreamsAreListedWithPrefixesAndOrder) {
  LogStore logs(*store_, options());
  logs.append(kAccount, "/aws-glue/jobs/output", "b", {{50, "x"}});
  logs.append(kAccount, "/aws-glue/jobs/output", "a", {{60, "x"}});
  logs.append(kAccount, "/aws-glue/crawlers", "c", {{70, "x"}});
  logs.flush();
  ASSERT_TRUE(logs.create_group(kAccount, "/custom/Group").ok());
  EXPECT_EQ(logs.create_group(kAccount, "/custom/Group").code(), absl::StatusCode::kAlreadyExists);
  LogReader reader(*store_);
  auto glue = reader.list_groups(kAccount, {.prefix = "/aws-glue/"});
  ASSERT_EQ(glue->size(), 2u);
  EXPECT_EQ((*glue)[0].group.name, "/aws-glue/crawlers");
  auto custom = reader.list_groups(kAccount, {.substring = "GROUP"});
  ASSERT_EQ(custom->size(), 1u);
  auto paged = reader.list_groups(kAccount, {.limit = 1});
  EXPECT_EQ(paged->size(), 2u);  // one more than asked: there are more
  auto by_name = reader.list_streams(kAccount, "/aws-glue/jobs/output", {});
  EXPECT_EQ((*by_name)[0].name, "a");
  auto newest = reader.list_streams(kAccount, "/aws-glue/jobs/output",
                                    {.by_last_event = true, .descending = true, .limit = 1});
  EXPECT_EQ((*newest)[0].name, "a");
  EXPECT_EQ((*newest)[0].last_event_ms, 60);
  auto after = reader.list_streams(kAccount, "/aws-glue/jobs/output",
                                   {.by_last_event = true,
                                    .descending = true,
                                    .after = std::make_pair(int64_t{60}, std::string("a"))});
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].name, "b");
  ASSERT_TRUE(logs.delete_group(kAccount, "/aws-glue/jobs/output").ok());
  EXPECT_EQ(reader.list_streams(kAccount, "/aws-glue/jobs/output", {}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(LogStoreTest, PruneDeletesEventsPastRetention) {
  LogStoreOptions o = options();
  o.default_glue_retention_days = 1;
  LogStore logs(*store_, o);
  const int64_t now = 10LL * 86'400'000;
  logs.append(kAccount, kCrawlers, "old", {{now - 3 * 86'400'000LL, "old"}});
  logs.append(kAccount, kCrawlers, "mixed",
              {{now - 2 * 86'400'000LL, "stale"}, {now - 1000, "fresh"}});
  logs.append(kAccount, "/custom", "s", {{now - 5 * 86'400'000LL, "kept: no policy"}});
  logs.append(kAccount, "/custom2", "s", {{now - 5 * 86'400'000LL, "gone: 3 days"}});
  logs.flush();
  ASSERT_TRUE(logs.put_retention(kAccount, "/custom2", 3).ok());
  EXPECT_EQ(logs.put_retention(kAccount, "/custom2", 2).code(), absl::StatusCode::kInvalidArgument);
  auto deleted = logs.prune(now);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 3);
  LogReader reader(*store_);
  EXPECT_EQ(reader.read_stream(kAccount, kCrawlers, "old", {}).status().code(),
            absl::StatusCode::kNotFound);
  auto mixed = reader.read_stream(kAccount, kCrawlers, "mixed", {});
  EXPECT_EQ(messages(*mixed), (std::vector<std::string>{"fresh"}));
  EXPECT_EQ(reader.read_stream(kAccount, "/custom", "s", {})->events.size(), 1u);
}

TEST_P(LogStoreTest, AQueuePastItsBoundDropsTheOldestAndSaysSo) {
  LogStoreOptions o = options();
  o.max_queued_bytes = 4000;
  o.flush_interval_millis = 60'000;  // only flush() writes
  LogStore logs(*store_, o);
  for (int i = 0; i < 100; ++i)
    logs.append(kAccount, kCrawlers, "c", {{i, std::string(100, 'x') + std::to_string(i)}});
  EXPECT_GT(logs.dropped_events(), 0);
  logs.flush();
  LogReader reader(*store_);
  auto read = reader.read_stream(kAccount, kCrawlers, "c", {.from_head = true});
  ASSERT_FALSE(read->events.empty());
  EXPECT_EQ(read->events.back().message, std::string(100, 'x') + "99");  // the newest survive
  EXPECT_EQ(static_cast<int64_t>(read->events.size()) + logs.dropped_events(), 100);
  ASSERT_FALSE(warnings_.empty());
  EXPECT_NE(warnings_[0].find("dropped"), std::string::npos);
}

TEST_P(LogStoreTest, MessagesAreStoredAsValidUtf8) {
  LogStore logs(*store_, options());
  logs.append(kAccount, kCrawlers, "c",
              {{1, std::string("bad \xff byte, nul \0 and \xc3\xa9", 24)}});
  logs.append(kAccount, kCrawlers, "c", {{2, std::string(300 * 1024, 'y')}});
  logs.flush();
  LogReader reader(*store_);
  auto read = reader.read_stream(kAccount, kCrawlers, "c", {.from_head = true});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->events[0].message, "bad \xEF\xBF\xBD byte, nul \xEF\xBF\xBD and \xc3\xa9");
  EXPECT_EQ(read->events[1].message.size(), 256u * 1024 - 26);
}

TEST_P(LogStoreTest, ManyLinesCostFewTransactions) {
  LogStore logs(*store_, options());
  for (int i = 0; i < 20000; ++i)
    logs.append(kAccount, "/aws-glue/jobs/output", "jr", {{i, "line " + std::to_string(i)}});
  logs.flush();
  LogReader reader(*store_);
  auto read = reader.read_stream(kAccount, "/aws-glue/jobs/output", "jr", {.from_head = true});
  ASSERT_EQ(read->events.size(), 10000u);
  EXPECT_EQ(read->events[9999].message, "line 9999");
  auto rest = reader.read_stream(kAccount, "/aws-glue/jobs/output", "jr",
                                 {.forward_from = read->forward_seq});
  EXPECT_EQ(rest->events.back().message, "line 19999");
  EXPECT_EQ(logs.dropped_events(), 0);
}

MORTAR_ON_STORE_BACKENDS(LogStoreTest, StoreBackend::kSqliteMemory);

}  // namespace
}  // namespace mortar::logs
