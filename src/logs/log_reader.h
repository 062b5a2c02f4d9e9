// Reads what LogStore wrote: CloudWatch Logs' describe, get and filter
// queries over one account's groups, streams and events. Positions are plain
// values (names, sequence numbers); turning them into NextTokens is the
// API's job. Stateless over the Store: thread-safe, and cheap to build (the
// `mortar logs` commands use one without a LogStore).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/status.h"
#include "logs/filter_pattern.h"
#include "logs/log_tables.h"
#include "store/store.h"

namespace mortar::logs {

struct GroupQuery {
  std::string prefix = {};     // logGroupNamePrefix (case-sensitive)
  std::string substring = {};  // logGroupNamePattern (case-insensitive)
  std::string after = {};      // resume after this name
  int limit = 50;
};

struct GroupInfo {
  GroupRow group;
  int64_t stored_bytes = 0;
};

struct StreamQuery {
  std::string prefix = {};
  bool by_last_event = false;  // orderBy LastEventTime (else LogStreamName)
  bool descending = false;
  // Resume after this stream (its name and, by last event, its
  // last_event_ms or -1 when it has none).
  std::optional<std::pair<int64_t, std::string>> after = std::nullopt;
  int limit = 50;
};

struct StoredEvent {
  std::string stream;
  int64_t stream_id = 0;
  int64_t seq = 0;
  int64_t timestamp_ms = 0;
  int64_t ingestion_ms = 0;
  std::string message;
  // FilterLogEvents' eventId: stable, unique within the account's groups.
  std::string event_id() const;
};

struct ReadQuery {
  std::optional<int64_t> start_ms = std::nullopt;  // timestamp >= start
  std::optional<int64_t> end_ms = std::nullopt;    // timestamp < end (GetLogEvents' rule)
  // Where to read: forward from `seq` (events seq >= it), or backward
  // (events seq < it, the newest `limit` of them); without a position, from
  // the head when `from_head`, else the newest `limit` events.
  std::optional<int64_t> forward_from = std::nullopt;
  std::optional<int64_t> backward_from = std::nullopt;
  bool from_head = false;
  int limit = 10000;
};

struct ReadResult {
  std::vector<StoredEvent> events;  // ascending by seq
  int64_t forward_seq = 0;          // where reading forward continues
  int64_t backward_seq = 0;         // where reading backward continues
};

struct FilterQuery {
  std::vector<std::string> stream_names = {};  // empty: every stream
  std::string stream_prefix = {};
  std::optional<int64_t> start_ms = std::nullopt;  // timestamp >= start
  std::optional<int64_t> end_ms = std::nullopt;    // timestamp <= end (FilterLogEvents' rule)
  const FilterPattern* pattern = nullptr;          // null: every event
  // Resume after this (timestamp, stream id, seq).
  std::optional<std::tuple<int64_t, int64_t, int64_t>> after = std::nullopt;
  int limit = 10000;
  int64_t max_scanned = 20000;  // events examined per call, matching or not
};

struct FilterResult {
  std::vector<StoredEvent> events;  // by (timestamp, stream, seq)
  // Set when there may be more: resume after this position.
  std::optional<std::tuple<int64_t, int64_t, int64_t>> resume_after;
};

// Responses stay under CloudWatch's 1 MB: events stop there.
inline constexpr int64_t kMaxResponseBytes = 1 << 20;

class LogReader {
 public:
  explicit LogReader(store::Store& store) : store_(store) {}

  // Up to limit + 1 groups (one more than asked says there are more).
  StatusOr<std::vector<GroupInfo>> list_groups(const std::string& account, const GroupQuery& q);
  StatusOr<std::vector<StreamRow>> list_streams(const std::string& account,
                                                const std::string& group, const StreamQuery& q);
  StatusOr<ReadResult> read_stream(const std::string& account, const std::string& group,
                                   const std::string& stream, const ReadQuery& q);
  StatusOr<FilterResult> filter(const std::string& account, const std::string& group,
                                const FilterQuery& q);

 private:
  store::Store& store_;
};

}  // namespace mortar::logs
