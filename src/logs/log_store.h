// LogStore: the LogSink that keeps log groups, streams and events in the
// Store (SQLite or PostgreSQL), plus the CloudWatch Logs group operations
// (create, delete, retention) and retention pruning. Reads are LogReader's
// (log_reader.h).
//
// Writes are batched: append() only queues; a background thread writes what
// is queued every `flush_interval_millis` (or sooner when a batch fills) in
// one write transaction per batch, so a script printing thousands of lines a
// second costs a few transactions a second. flush() writes everything
// queued so far before returning. Each stream's events get consecutive
// sequence numbers in append order.
//
// Bounded memory: at most `max_queued_bytes` wait in the queue (a batch
// being written is outside it). When the store is slower than the writers,
// the oldest queued events are dropped, counted in dropped_events() and
// reported through `warn` (at most once per flush). A batch the store
// refuses (after the store's own busy retries) is dropped the same way.
// Messages are stored as valid UTF-8 (invalid bytes and NUL become U+FFFD)
// and cut at CloudWatch's 256 KB event size.
//
// Thread-safe. The writer thread starts with the first append(); the
// destructor flushes and stops it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "logs/log_sink.h"
#include "store/store.h"

namespace mortar::logs {

struct LogStoreOptions {
  const Clock* clock = &Clock::real();  // ingestion times, group/stream creation
  int64_t flush_interval_millis = 250;
  size_t batch_events = 5000;           // events per write transaction
  size_t max_queued_bytes = 64u << 20;  // beyond this the oldest queued events are dropped
  // Retention of Glue's groups (/aws-glue/...) that have no retention policy
  // of their own; 0 keeps them forever. Other groups without a policy are
  // kept forever, as in CloudWatch.
  int default_glue_retention_days = 0;
  // Dropped events and failed writes; may be unset.
  std::function<void(const std::string& message)> warn;
};

// The retention values CloudWatch accepts for PutRetentionPolicy.
bool is_valid_retention_days(int days);

class LogStore : public LogSink {
 public:
  static Status migrate(store::Store& store);

  // `store` must be migrated and outlive this.
  LogStore(store::Store& store, LogStoreOptions options = {});
  ~LogStore() override;
  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  void append(const std::string& account_id, const std::string& group, const std::string& stream,
              std::vector<LogEvent> events) override;
  void flush() override;

  int64_t dropped_events() const;

  // CloudWatch's group operations. AlreadyExists / NotFound with
  // CloudWatch's messages; `days` must satisfy is_valid_retention_days.
  Status create_group(const std::string& account_id, const std::string& group);
  Status delete_group(const std::string& account_id, const std::string& group);
  Status put_retention(const std::string& account_id, const std::string& group,
                       std::optional<int> days);
  // CreateLogStream: the group must exist, the stream must not.
  Status create_stream(const std::string& account_id, const std::string& group,
                       const std::string& stream);
  // PutLogEvents: appends to an existing stream (NotFound otherwise) and
  // flushes, so the events are readable when it returns.
  Status put_events(const std::string& account_id, const std::string& group,
                    const std::string& stream, std::vector<LogEvent> events);

  // Deletes events older than their group's retention (and streams whose
  // last event is), one short write transaction per group. Returns the
  // number of events deleted. The server runs it periodically.
  StatusOr<int64_t> prune(int64_t now_millis);

 private:
  struct Queued {
    std::string account, group, stream;
    LogEvent event;
    size_t bytes = 0;
    bool create_only = false;  // an empty append: the group and stream, no event
  };

  void run_writer();
  void write_queued();  // holds write_mu_
  Status write_batch(std::vector<Queued>& batch);
  void report_drops();

  store::Store& store_;
  const LogStoreOptions options_;

  std::mutex write_mu_;  // one writer at a time, so batches commit in append order

  mutable std::mutex mu_;  // guards everything below
  std::condition_variable wake_;
  std::deque<Queued> queue_;
  size_t queued_bytes_ = 0;
  int64_t dropped_ = 0;
  int64_t dropped_reported_ = 0;
  bool stopping_ = false;
  std::thread writer_;  // started by the first append()
};

}  // namespace mortar::logs
