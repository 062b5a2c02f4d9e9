// Starting a workflow run, behind an interface: a workflow's SCHEDULED start
// trigger and an EVENT trigger's batches (event sources) start workflow runs
// without knowing the WorkflowService, which implements this.
//
// Thread-safety: implementations must be callable from several threads.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/status.h"

namespace mortar::schedule {

// What ended an EVENT trigger's batch: WorkflowRun.StartingEventBatchCondition.
struct EventBatch {
  int batch_size = 0;            // events in the batch
  int batch_window_seconds = 0;  // seconds from the batch's first event to its start
};

struct WorkflowStart {
  std::string account_id;
  std::string workflow_name;
  // The start trigger that fired (SCHEDULED or EVENT); "": StartWorkflowRun,
  // which fires the workflow's start trigger whatever its type.
  std::string trigger_name;
  // Merged over the workflow's DefaultRunProperties.
  nlohmann::json run_properties = nlohmann::json::object();
  std::optional<EventBatch> event_batch;  // set when an EVENT trigger started the run
};

class WorkflowStarter {
 public:
  virtual ~WorkflowStarter() = default;
  // Starts a run of the workflow and fires its start trigger within it.
  // Returns the WorkflowRunId. NotFound when the workflow does not exist;
  // ConcurrentRunsExceededException when MaxConcurrentRuns of its runs are
  // RUNNING.
  virtual StatusOr<std::string> start_workflow_run(const WorkflowStart& start) = 0;
};

}  // namespace mortar::schedule
