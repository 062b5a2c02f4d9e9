// The logs component's tables (internal to src/logs): migrations and the
// lookups LogStore and LogReader share. Times are BIGINT epoch milliseconds
// (CloudWatch's unit), in columns named *_ms.
//
//   log_groups  (id, account_id, name, creation_ms, retention_days NULL = none)
//   log_streams (id, group_id, name, creation_ms, first/last_event_ms,
//                last_ingestion_ms, next_seq, stored_bytes)
//   log_events  (stream_id, seq, group_id, event_ms, ingestion_ms, message)
//
// `seq` numbers a stream's events 0, 1, 2 ... in the order they were
// appended; readers order a stream by it and tokens name positions in it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace mortar::logs {

inline constexpr const char* kLogsComponent = "logs";

std::vector<store::Migration> log_migrations();

struct GroupRow {
  int64_t id = 0;
  std::string name;
  int64_t creation_ms = 0;
  std::optional<int> retention_days;
};

struct StreamRow {
  int64_t id = 0;
  std::string name;
  int64_t creation_ms = 0;
  std::optional<int64_t> first_event_ms, last_event_ms, last_ingestion_ms;
  int64_t next_seq = 0;
  int64_t stored_bytes = 0;
};

// NotFound "The specified log group does not exist." when absent.
StatusOr<GroupRow> require_group(store::Transaction& tx, const std::string& account,
                                 const std::string& group);
StatusOr<std::optional<GroupRow>> find_group(store::Transaction& tx, const std::string& account,
                                             const std::string& group);
// NotFound "The specified log stream does not exist." when absent.
StatusOr<StreamRow> require_stream(store::Transaction& tx, int64_t group_id,
                                   const std::string& stream);

inline constexpr const char* kStreamColumns =
    "id, name, creation_ms, first_event_ms, last_event_ms, last_ingestion_ms, next_seq, "
    "stored_bytes";
StreamRow stream_from(const store::Row& r);  // a row of kStreamColumns

}  // namespace mortar::logs
