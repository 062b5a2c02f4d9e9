// Several servers on one store: the run queue (unclaimed STARTING runs, taken
// oldest first, each by exactly one server) and the heartbeat of a server's
// runs. Free functions over a Transaction, like job_rows.h; the policy
// (intervals, timeouts, who recovers) is JobService's (run_dispatch.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "jobs/job_rows.h"
#include "store/store.h"

namespace mortar::jobs {

// Claims the oldest unclaimed STARTING run for `server_id`, or nullopt when
// the queue is empty. On PostgreSQL the candidate row is read with
// `FOR UPDATE SKIP LOCKED`, so servers claiming at once take different runs
// without waiting on each other; on SQLite (writers serialized) a
// conditional UPDATE decides.
StatusOr<std::optional<RunRow>> claim_next_run(store::Transaction& tx, std::string_view dialect,
                                               const std::string& server_id, int64_t now_micros);

// Refreshes the heartbeat of a run `server_id` owns; the run's state then,
// or nullopt when it is no longer in flight under that server (recovery gave
// it up, or it was deleted).
StatusOr<std::optional<std::string>> touch_run(store::Transaction& tx, int64_t seq,
                                               const std::string& server_id, int64_t now_micros);

// Quoted state lists for job_rows.h's queries.
inline constexpr const char* kInFlightStates = "'STARTING','RUNNING','STOPPING'";
inline constexpr const char* kActiveStates = "'STARTING','RUNNING','STOPPING','WAITING'";

}  // namespace mortar::jobs

namespace mortar::jobs {

// Recovery's compare-and-swap: writes the final `row` (marked by the caller)
// over the in-flight run still owned by `owner` whose last heartbeat is
// before `cutoff_micros`; false when the run moved on meanwhile (finished,
// or its server beat again).
StatusOr<bool> give_up_run(store::Transaction& tx, const RunRow& row, const std::string& owner,
                           int64_t cutoff_micros);

// Puts a claimed STARTING run of `owner` back in the queue (its process
// never started); false when it moved on.
StatusOr<bool> unclaim_run(store::Transaction& tx, int64_t seq, const std::string& owner);

}  // namespace mortar::jobs
