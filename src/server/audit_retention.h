// Audit trail retention for `mortar serve`: an entry on the server's
// Scheduler that runs catalog::prune_audit every minute (in small batches,
// each its own short write transaction; see catalog/audit.h).
#pragma once

#include "catalog/audit.h"
#include "common/clock.h"
#include "common/status.h"
#include "schedule/scheduler.h"
#include "store/store.h"

namespace mortar::server {

inline constexpr const char* kAuditRetentionEntry = "audit/retention";

// Registers the pruning entry; a no-op when both limits are off. `store` and
// `clock` must outlive the entry (remove it or destroy the scheduler first).
Status schedule_audit_retention(schedule::Scheduler& scheduler, store::Store& store,
                                const Clock& clock, const catalog::AuditRetention& retention);

}  // namespace mortar::server
