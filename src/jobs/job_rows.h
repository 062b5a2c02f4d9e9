// Persistence of job definitions and job runs in the Store (migration
// component "jobs"). Rows are keyed by the owning account; bodies are
// Glue-shaped JSON (a Job, a JobRun), so the API returns them as stored.
// Free functions over a Transaction: JobService chooses the transaction
// boundaries. The SQL for several servers (claims, heartbeats) is in
// run_claims.h.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace mortar::jobs {

using Json = nlohmann::json;

Status migrate_job_rows(store::Store& store);

struct JobRow {
  std::string name;
  Json body;  // the Job object as GetJob returns it
  Json tags = Json::object();
};

StatusOr<std::optional<JobRow>> load_job(store::Transaction& tx, const std::string& account,
                                         const std::string& name);
// NotFound ("Job with name: X not found") when absent.
StatusOr<JobRow> require_job(store::Transaction& tx, const std::string& account,
                             const std::string& name);
// require_job after locking the row until `tx` ends (catalog/row_lock.h):
// run starts count a job's runs under it, so two servers starting one job
// take turns and MaxConcurrentRuns holds across them.
StatusOr<JobRow> require_job_for_write(store::Transaction& tx, const std::string& account,
                                       const std::string& name);
// AlreadyExists when the name is taken.
Status insert_job(store::Transaction& tx, const std::string& account, const JobRow& row);
Status save_job(store::Transaction& tx, const std::string& account, const JobRow& row);
Status save_job_tags(store::Transaction& tx, const std::string& account, const std::string& name,
                     const Json& tags);
// Deletes the job and its runs; false when there was no such job.
StatusOr<bool> delete_job_row(store::Transaction& tx, const std::string& account,
                              const std::string& name);
// Jobs after `after` (exclusive), in name order, at most `limit` (<= 0: all).
StatusOr<std::vector<JobRow>> list_jobs(store::Transaction& tx, const std::string& account,
                                        const std::string& after, int limit);

// States a run is in before it ends, and those it ends in.
bool is_final_state(const std::string& state);

// One job run. `body` is the JobRun object; the columns repeat what queries
// select on.
struct RunRow {
  int64_t seq = 0;  // store-assigned, increasing: queue order and newest-first order
  std::string account;
  std::string run_id;
  std::string job_name;
  std::string state;
  Json body;
  int64_t created_micros = 0;
  // The server running it ("" while unclaimed) and when it last said so.
  std::string server_id;
  std::optional<int64_t> heartbeat_micros;
  std::optional<int64_t> exec_start_micros;  // when it went RUNNING
  std::string credential_key;                // the run's access key id, "" if none
  Json origin = Json::object();              // RunOrigin and PredecessorRuns
};

// Inserts a new run (seq assigned by the store, returned).
StatusOr<int64_t> insert_run(store::Transaction& tx, const RunRow& row);
// Rewrites state, body and the ownership columns of the run with `row.seq`
// when its current state is one of `from` (comma-separated quoted list, e.g.
// "'RUNNING','STOPPING'") and, unless `server_id` is null, it is owned by
// that server. Returns whether it matched.
StatusOr<bool> update_run_if(store::Transaction& tx, const RunRow& row, const std::string& from,
                             const std::optional<std::string>& server_id);
StatusOr<std::optional<RunRow>> load_run(store::Transaction& tx, const std::string& account,
                                         const std::string& job_name, const std::string& run_id);
StatusOr<std::optional<RunRow>> load_run_by_seq(store::Transaction& tx, int64_t seq);
// Runs of a job, newest first, with seq < `before_seq` (0: from the newest).
StatusOr<std::vector<RunRow>> list_runs(store::Transaction& tx, const std::string& account,
                                        const std::string& job_name, int64_t before_seq, int limit);
// Runs of a job in `states` (a quoted list as above), oldest first.
StatusOr<std::vector<RunRow>> runs_in_states(store::Transaction& tx, const std::string& account,
                                             const std::string& job_name,
                                             const std::string& states);
// How many runs of a job are in `states` (no bodies read: StartJobRun's
// concurrency check stays cheap with many runs queued).
StatusOr<int64_t> count_runs_in_states(store::Transaction& tx, const std::string& account,
                                       const std::string& job_name, const std::string& states);
// Every run in `states` over all accounts and jobs, oldest first.
StatusOr<std::vector<RunRow>> all_runs_in_states(store::Transaction& tx, const std::string& states);
// The same, only runs some server other than `server_id` claimed (what
// recovery looks at; queued runs can be many).
StatusOr<std::vector<RunRow>> runs_claimed_elsewhere(store::Transaction& tx,
                                                     const std::string& states,
                                                     const std::string& server_id);

}  // namespace mortar::jobs
