// Retention for `mortar serve`: entries on the server's Scheduler (run by the
// leader only) that delete old audit entries (catalog::prune_audit, every
// minute, in small batches) and old log events (logs::LogStore::prune, every
// 10 minutes).
#pragma once

#include "catalog/audit.h"
#include "common/clock.h"
#include "common/status.h"
#include "logs/log_store.h"
#include "schedule/scheduler.h"
#include "store/store.h"

namespace mortar::server {

inline constexpr const char* kAuditRetentionEntry = "audit/retention";
inline constexpr const char* kLogRetentionEntry = "logs/retention";

// Registers the pruning entry; a no-op when both limits are off. `store` and
// `clock` must outlive the entry (remove it or destroy the scheduler first).
Status schedule_audit_retention(schedule::Scheduler& scheduler, store::Store& store,
                                const Clock& clock, const catalog::AuditRetention& retention);

// Registers the log pruning entry (groups' retentionInDays, and the server's
// default for Glue's groups). `logs` and `clock` must outlive the entry.
Status schedule_log_retention(schedule::Scheduler& scheduler, logs::LogStore& logs,
                              const Clock& clock);

}  // namespace mortar::server
