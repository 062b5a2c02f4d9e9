#include "schedule/workflow_run_actions.h"

#include "common/crypto.h"
#include "schedule/workflow_rows.h"

namespace mortar::schedule {

Status WorkflowRunActions::check_running(const std::string& account, const std::string& run_id) {
  std::string status;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto run, load_workflow_run(tx, account, run_id));
        status = run ? run->status : "gone";
        return ok_status();
      }));
  if (status == "RUNNING") return ok_status();
  return glue_error(absl::StatusCode::kFailedPrecondition, "IllegalWorkflowStateException",
                    "Workflow run " + run_id + " is " + status + ": it starts nothing more");
}

std::vector<StatusOr<std::string>> WorkflowRunActions::start_job_runs(
    const std::vector<JobStart>& starts) {
  std::vector<StatusOr<std::string>> out(starts.size(), internal_error("job action not started"));
  std::vector<JobStart> plain;
  std::vector<size_t> plain_at;
  for (size_t i = 0; i < starts.size(); ++i) {
    if (starts[i].origin.workflow_run_id.empty()) {
      plain.push_back(starts[i]);
      plain_at.push_back(i);
    } else {
      out[i] = start_job_run(starts[i].account, starts[i].action, starts[i].origin);
    }
  }
  std::vector<StatusOr<std::string>> started = inner_.start_job_runs(plain);
  for (size_t j = 0; j < plain_at.size() && j < started.size(); ++j) {
    out[plain_at[j]] = std::move(started[j]);
  }
  return out;
}

StatusOr<std::string> WorkflowRunActions::start_job_run(const std::string& account,
                                                        const JobAction& action,
                                                        const TriggerOrigin& origin) {
  if (origin.workflow_run_id.empty()) return inner_.start_job_run(account, action, origin);
  MORTAR_RETURN_IF_ERROR(check_running(account, origin.workflow_run_id));
  const int64_t started = clock_.now_micros();
  MORTAR_ASSIGN_OR_RETURN(std::string run_id, inner_.start_job_run(account, action, origin));
  // The run may have ended already (an ERROR run): its end is kept.
  MORTAR_RETURN_IF_ERROR(store::run_in_write_transaction(store_, [&](store::Transaction& tx) {
    MORTAR_RETURN_IF_ERROR(
        load_workflow_run(tx, account, origin.workflow_run_id, /*for_write=*/true).status());
    return record_node_start(tx, account, origin.workflow_run_id,
                             NodeRun{"JOB", action.job_name, run_id, "RUNNING", "", started, 0});
  }));
  return run_id;
}

Status WorkflowRunActions::start_crawler_in(const std::string& account, const std::string& crawler,
                                            const TriggerOrigin& origin) {
  if (origin.workflow_run_id.empty()) return inner_.start_crawler_in(account, crawler, origin);
  MORTAR_RETURN_IF_ERROR(check_running(account, origin.workflow_run_id));
  // Recorded first: a crawl that ends at once finds its node RUNNING.
  NodeRun node{"CRAWLER", crawler, "crawl_" + new_uuid(), "RUNNING", "", clock_.now_micros(), 0};
  auto record = [&](const NodeRun& n, bool end) {
    return store::run_in_write_transaction(store_, [&](store::Transaction& tx) {
      MORTAR_RETURN_IF_ERROR(
          load_workflow_run(tx, account, origin.workflow_run_id, /*for_write=*/true).status());
      return end ? record_node_end(tx, account, origin.workflow_run_id, n)
                 : record_node_start(tx, account, origin.workflow_run_id, n);
    });
  };
  MORTAR_RETURN_IF_ERROR(record(node, false));
  Status s = inner_.start_crawler_in(account, crawler, origin);
  if (!s.ok()) {
    node.state = "ERROR";
    node.error_message = std::string(status_message(s));
    node.finished_micros = clock_.now_micros();
    (void)record(node, true);
  }
  return s;
}

}  // namespace mortar::schedule
