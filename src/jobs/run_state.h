// The pieces of the run state machine that write run rows, shared by the API
// side (job_runs.cc) and the background side (run_dispatch.cc): ids, final
// states, retries and the queue of WAITING runs. Free functions over a
// Transaction.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "jobs/job_rows.h"
#include "jobs/run_executor.h"

namespace mortar::jobs {

// "jr_" + 64 hex digits, as Glue's.
std::string new_run_id();

Json origin_json(const RunOrigin& origin,
                 const std::vector<std::pair<std::string, std::string>>& predecessors);
RunOrigin origin_from(const Json& origin);

// Sets `row` to the final `state` at `now_micros`: CompletedOn,
// LastModifiedOn, ExecutionTime (seconds since it went RUNNING), ErrorMessage
// (when `message` is not empty), no StateDetail.
void mark_final(RunRow& row, const std::string& state, const std::string& message,
                int64_t now_micros);

// MaxConcurrentRuns of a job (1 unless set).
int max_concurrent_runs(const Json& job);

// After `failed` ended FAILED: its retry `<first id>_attempt_<N>` (Attempt
// N, PreviousRunId, same arguments and origin) inserted STARTING, when the
// job still exists and has retries left; else nullopt.
StatusOr<std::optional<RunRow>> insert_retry(store::Transaction& tx, const RunRow& failed,
                                             int64_t now_micros);

// Moves the job's oldest WAITING runs to STARTING while it has fewer than
// MaxConcurrentRuns runs in flight; returns those moved.
StatusOr<std::vector<RunRow>> promote_waiting(store::Transaction& tx, const std::string& account,
                                              const std::string& job_name, int64_t now_micros);

}  // namespace mortar::jobs
