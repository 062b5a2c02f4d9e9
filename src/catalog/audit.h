// The audit trail: every mutating call is recorded (time, principal,
// operation, resource, request id, outcome). A successful change writes its
// entry in the same transaction as the change; a failed one in its own.
//
// Retention: prune_audit() deletes entries older than a number of days and
// the oldest beyond a row count, in small batches, each its own short write
// transaction, so writers (SQLite has one) never wait on it for long. The
// server runs it from its Scheduler every minute (server/README.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace mortar::catalog {

struct AuditEntry {
  int64_t time_micros = 0;
  std::string account_id;
  std::string principal;
  std::string operation;  // "CreateTable"
  std::string resource;   // an ARN or "<db>/<table>"
  std::string request_id;
  std::string outcome;  // "OK" or the exception name
};

Status record_audit(store::Transaction& tx, const AuditEntry& entry);
// Newest first.
StatusOr<std::vector<AuditEntry>> list_audit(store::Store& store, int limit);

struct AuditRetention {
  int64_t max_age_days = 90;     // 0: no age limit
  int64_t max_rows = 1'000'000;  // 0: no row limit
  int64_t batch_rows = 1000;     // rows deleted per write transaction
  int64_t max_batches = 100;     // per prune_audit() call; the next call goes on
};

// Deletes entries older than `now_micros` - max_age_days and the oldest ones
// beyond max_rows, oldest first, at most batch_rows per transaction and
// max_batches transactions. Returns how many rows it deleted. The newest
// max_rows entries and those within the age window are never touched.
StatusOr<int64_t> prune_audit(store::Store& store, const AuditRetention& retention,
                              int64_t now_micros);

}  // namespace mortar::catalog
