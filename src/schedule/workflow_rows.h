// The Store rows behind workflows (free functions over a Transaction, as
// trigger_rows.h does for triggers):
//   workflows            one row per workflow: its JSON (Name, Description,
//                        DefaultRunProperties, MaxConcurrentRuns, times) and tags
//   workflow_runs        one row per run: status, run properties, the snapshot
//                        of the workflow's triggers taken at start
//   workflow_run_nodes   the job runs and crawls started within a run (and a
//                        TRIGGER row while a start or resume is firing), with
//                        their state; a run completes when none is RUNNING
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace mortar::schedule {

Status migrate_workflow_rows(store::Store& store);

struct WorkflowRow {
  std::string account;
  std::string name;
  nlohmann::json body;  // the Workflow object without LastRun and Graph
  nlohmann::json tags = nlohmann::json::object();
};

StatusOr<std::optional<WorkflowRow>> load_workflow(store::Transaction& tx,
                                                   const std::string& account,
                                                   const std::string& name);
// NotFound "Workflow <name> not found" when absent; `for_write` locks the row
// until the transaction ends.
StatusOr<WorkflowRow> require_workflow(store::Transaction& tx, const std::string& account,
                                       const std::string& name, bool for_write = false);
// AlreadyExists when the name is taken.
Status insert_workflow(store::Transaction& tx, const WorkflowRow& row);
Status save_workflow(store::Transaction& tx, const WorkflowRow& row);
// Removes the workflow with its runs and their nodes; false when absent.
StatusOr<bool> delete_workflow_row(store::Transaction& tx, const std::string& account,
                                   const std::string& name);
// Names after `after`, by name, at most `limit`.
StatusOr<std::vector<std::string>> list_workflow_names(store::Transaction& tx,
                                                       const std::string& account,
                                                       const std::string& after, int limit);

struct WorkflowRunRow {
  std::string account;
  std::string run_id;
  std::string workflow;
  std::string status;  // RUNNING | COMPLETED | STOPPING | STOPPED | ERROR
  std::string previous_run_id;
  std::string error_message;
  int64_t started_micros = 0;
  int64_t completed_micros = 0;  // 0 while not ended
  nlohmann::json properties = nlohmann::json::object();
  nlohmann::json triggers = nlohmann::json::array();  // Trigger objects at start
  nlohmann::json event_batch;                         // null or {BatchSize, BatchWindow}
};

Status insert_workflow_run(store::Transaction& tx, const WorkflowRunRow& row);
Status save_workflow_run(store::Transaction& tx, const WorkflowRunRow& row);
// `for_write` locks the row until the transaction ends.
StatusOr<std::optional<WorkflowRunRow>> load_workflow_run(store::Transaction& tx,
                                                          const std::string& account,
                                                          const std::string& run_id,
                                                          bool for_write = false);
// NotFound unless the run exists and belongs to `workflow`.
StatusOr<WorkflowRunRow> require_workflow_run(store::Transaction& tx, const std::string& account,
                                              const std::string& workflow,
                                              const std::string& run_id, bool for_write = false);
// Newest first: runs started before (started, run id) `after` ((0, ""): from
// the newest), at most `limit`.
StatusOr<std::vector<WorkflowRunRow>> list_workflow_runs(store::Transaction& tx,
                                                         const std::string& account,
                                                         const std::string& workflow,
                                                         int64_t after_started,
                                                         const std::string& after_id, int limit);
// How many runs of `workflow` are RUNNING or STOPPING.
StatusOr<int64_t> count_active_runs(store::Transaction& tx, const std::string& account,
                                    const std::string& workflow);
// Runs in RUNNING or STOPPING across every account (the completion sweep).
StatusOr<std::vector<WorkflowRunRow>> active_workflow_runs(store::Transaction& tx);

struct NodeRun {
  std::string kind;  // JOB | CRAWLER | TRIGGER
  std::string name;
  std::string node_run_id;  // the job run id; a generated id for crawls and triggers
  std::string state;        // RUNNING until it ends
  std::string error_message;
  int64_t started_micros = 0;
  int64_t finished_micros = 0;
};

// Inserts `node` unless (run, kind, name, node_run_id) is recorded already
// (its end may have been reported first).
Status record_node_start(store::Transaction& tx, const std::string& account,
                         const std::string& run_id, const NodeRun& node);
// Sets the node's final state, inserting it when absent.
Status record_node_end(store::Transaction& tx, const std::string& account,
                       const std::string& run_id, const NodeRun& node);
StatusOr<std::vector<NodeRun>> list_nodes(store::Transaction& tx, const std::string& account,
                                          const std::string& run_id);
// (run id, node run id) of the RUNNING crawls of `crawler` in any workflow run.
StatusOr<std::vector<std::pair<std::string, std::string>>> running_crawl_nodes(
    store::Transaction& tx, const std::string& account, const std::string& crawler);

}  // namespace mortar::schedule
