// WorkflowService: Glue's workflow API (Create/Get/BatchGet/List/Update/
// DeleteWorkflow, tags on workflow ARNs) and workflow runs (Start/Stop/
// ResumeWorkflowRun, GetWorkflowRun(s), Get/PutWorkflowRunProperties).
// Workflows, runs and the nodes each run started live in the Store
// (workflow_rows.h); the graph and statistics are workflow_graph.h's.
//
// A run:
//   - snapshots the workflow's triggers when it starts (its Graph; jobs and
//     crawlers are read live) and fires the start trigger (the workflow's
//     non-CONDITIONAL one) within the run, through TriggerService::
//     fire_actions with origin {trigger, workflow, run id}; the workflow's
//     conditional triggers then fire within the run (TriggerService's chain
//     = the run id). The WorkflowRunActions decorator records every job run
//     and crawl started within the run.
//   - RUNNING -> COMPLETED once none of its job runs and crawls is running
//     (on_job_run_finished / on_crawl_finished, called after the
//     TriggerService's, so what a finished node fires is recorded before
//     the run is checked). COMPLETED even when nodes failed: Statistics say.
//   - StopWorkflowRun: STOPPING (its running job runs and crawls are
//     stopped, nothing more starts) -> STOPPED when they have ended.
//   - ERROR (with ErrorMessage) when the start trigger could start nothing.
// Each check locks the run's row, so servers sharing a store agree; tick()
// (the leader's sweep) ends nodes whose end was never reported (a server
// died, a restart) and completes their runs.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/call_context.h"
#include "common/clock.h"
#include "common/page.h"
#include "common/status.h"
#include "schedule/trigger_actions.h"
#include "schedule/trigger_service.h"
#include "schedule/workflow_rows.h"
#include "schedule/workflow_starter.h"
#include "store/store.h"

namespace mortar::schedule {

struct WorkflowServiceOptions {
  const Clock* clock = &Clock::real();
  // Whether this server leads the scheduler now (the sweep runs there); unset: always.
  std::function<bool()> is_leader;
  // How often the leader sweeps active runs; 0: no thread (tests call tick()).
  int64_t sweep_interval_millis = 0;
  // A start or resume still firing after this long belonged to a server
  // that stopped: the sweep ends it.
  int64_t firing_grace_micros = 600LL * 1000000;
  std::function<void(const std::string& level, const std::string& message)> event_log;
};

class WorkflowService : public WorkflowStarter {
 public:
  static Status migrate(store::Store& store);
  // `actions` should be the WorkflowRunActions the TriggerService fires
  // through. `store` and `actions` must outlive the service. Registers itself
  // as `triggers`' workflow starter: destroy `triggers` first (it waits for
  // the fires in flight, which may start workflow runs), or unset it.
  static StatusOr<std::unique_ptr<WorkflowService>> create(store::Store& store,
                                                           TriggerService& triggers,
                                                           TriggerActions& actions,
                                                           WorkflowServiceOptions options);
  ~WorkflowService() override;
  WorkflowService(const WorkflowService&) = delete;
  WorkflowService& operator=(const WorkflowService&) = delete;

  // --- Workflows (inputs are Glue requests, already model-checked) ---
  StatusOr<std::string> create_workflow(const CallContext& ctx, const nlohmann::json& request);
  StatusOr<nlohmann::json> get_workflow(const CallContext& ctx, const std::string& name,
                                        bool include_graph);
  // {"Workflows": [...], "MissingWorkflows": [...]}.
  StatusOr<nlohmann::json> batch_get_workflows(const CallContext& ctx,
                                               const std::vector<std::string>& names,
                                               bool include_graph);
  StatusOr<Page> list_workflows(const CallContext& ctx, const std::string& after, int limit);
  Status update_workflow(const CallContext& ctx, const std::string& name,
                         const nlohmann::json& request);
  // The workflow's triggers and runs go with it (Glue's reference does not
  // say; a trigger of a deleted workflow could never fire in a run); jobs and
  // crawlers stay. No error when it does not exist.
  Status delete_workflow(const CallContext& ctx, const std::string& name);

  StatusOr<nlohmann::json> get_workflow_tags(const CallContext& ctx, const std::string& name);
  Status tag_workflow(const CallContext& ctx, const std::string& name,
                      const nlohmann::json& tags_to_add);
  Status untag_workflow(const CallContext& ctx, const std::string& name,
                        const std::vector<std::string>& keys);

  // --- Runs ---
  StatusOr<std::string> start_workflow_run(const WorkflowStart& start) override;
  // IllegalWorkflowStateException unless RUNNING.
  Status stop_workflow_run(const CallContext& ctx, const std::string& name,
                           const std::string& run_id);
  // A new run (PreviousRunId = run_id) that re-runs `node_ids` (JOB/CRAWLER
  // nodes with a run in that run) and everything downstream; the other
  // nodes' runs are copied. {"RunId", "NodeIds"}.
  StatusOr<nlohmann::json> resume_workflow_run(const CallContext& ctx, const std::string& name,
                                               const std::string& run_id,
                                               const std::vector<std::string>& node_ids);
  StatusOr<nlohmann::json> get_workflow_run(const CallContext& ctx, const std::string& name,
                                            const std::string& run_id, bool include_graph);
  // Newest first; `after` is the position Page::next gave (null first).
  StatusOr<Page> get_workflow_runs(const CallContext& ctx, const std::string& name,
                                   bool include_graph, const nlohmann::json& after, int limit);
  StatusOr<nlohmann::json> get_run_properties(const CallContext& ctx, const std::string& name,
                                              const std::string& run_id);
  // Adds or overwrites the given properties.
  Status put_run_properties(const CallContext& ctx, const std::string& name,
                            const std::string& run_id, const nlohmann::json& properties);

  // --- Completion (server/ calls these after the TriggerService's) ---
  // `retry_run_id`: the attempt retrying this run (it runs within the same
  // workflow run, recorded before this one ends).
  void on_job_run_finished(const std::string& account, const std::string& job,
                           const std::string& run_id, const std::string& state,
                           const TriggerOrigin& origin, const std::string& error_message,
                           const std::string& retry_run_id = "");
  void on_crawl_finished(const std::string& account, const std::string& crawler,
                         const std::string& state);
  // The leader's sweep: a running node whose job run or crawl has ended on
  // two sweeps in a row (its end was never reported) is ended, starts or
  // resumes firing for longer than the grace are ended, and runs with
  // nothing left running complete.
  void tick();

 private:
  WorkflowService(store::Store& store, TriggerService& triggers, TriggerActions& actions,
                  WorkflowServiceOptions options);
  // Inserts a run (after the MaxConcurrentRuns check) with a TRIGGER node
  // marking it as firing; `prepare` fills it in the same transaction.
  StatusOr<std::string> insert_run(
      const std::string& account, const std::string& workflow,
      const std::function<Status(store::Transaction&, WorkflowRunRow&)>& prepare);
  // Ends the run's TRIGGER node `fire_id`, then settles the run: ERROR when
  // the fire failed and nothing started.
  void end_firing(const std::string& account, const std::string& run_id, const std::string& fire_id,
                  const Status& fired);
  // In `tx`, the run row locked: COMPLETED/STOPPED when nothing runs.
  Status settle(store::Transaction& tx, WorkflowRunRow& run);
  // `follow`: a node to record as started in the same transaction (a retry).
  Status end_node(const std::string& account, const std::string& run_id, const NodeRun& node,
                  const NodeRun* follow = nullptr);
  // Views are read in a transaction, then built outside it: building asks
  // the jobs side (GetJobRun), which must not wait for a second connection
  // while this one is held.
  struct RunRead {
    WorkflowRunRow run;
    std::vector<NodeRun> nodes;
  };
  struct WorkflowRead {
    WorkflowRow row;
    std::optional<RunRead> last;
    nlohmann::json triggers;  // null unless the graph was asked for
  };
  StatusOr<RunRead> read_run(store::Transaction& tx, WorkflowRunRow run);
  StatusOr<WorkflowRead> read_workflow(store::Transaction& tx, WorkflowRow row, bool include_graph);
  nlohmann::json run_view(const RunRead& read, bool include_graph);
  nlohmann::json workflow_view(const WorkflowRead& read);
  // The Trigger objects of the workflow, by name.
  StatusOr<nlohmann::json> workflow_triggers(store::Transaction& tx, const std::string& account,
                                             const std::string& workflow);
  void log(const std::string& level, const std::string& message) const;
  void sweep_loop();

  store::Store& store_;
  TriggerService& triggers_;
  TriggerActions& actions_;
  const WorkflowServiceOptions options_;
  const Clock& clock_;

  std::mutex sweep_mu_;             // guards suspects_, stopping_
  std::set<std::string> suspects_;  // "<account>/<run>/<kind>/<name>/<node run id>"
  std::condition_variable sweep_cv_;
  bool stopping_ = false;
  std::thread sweep_thread_;
};

}  // namespace mortar::schedule
