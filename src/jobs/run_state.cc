#include "jobs/run_state.h"

#include <cmath>

#include "common/crypto.h"
#include "jobs/run_claims.h"

namespace mortar::jobs {

std::string new_run_id() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "jr_";
  for (unsigned char b : random_bytes(32)) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 15]);
  }
  return id;
}

Json origin_json(const RunOrigin& origin,
                 const std::vector<std::pair<std::string, std::string>>& predecessors) {
  Json j = Json::object();
  if (!origin.trigger_name.empty()) j["TriggerName"] = origin.trigger_name;
  if (!origin.workflow_name.empty()) j["WorkflowName"] = origin.workflow_name;
  if (!origin.workflow_run_id.empty()) j["WorkflowRunId"] = origin.workflow_run_id;
  Json preds = Json::array();
  for (const auto& [job, run] : predecessors) preds.push_back({{"JobName", job}, {"RunId", run}});
  j["PredecessorRuns"] = std::move(preds);
  return j;
}

RunOrigin origin_from(const Json& j) {
  RunOrigin o;
  o.trigger_name = j.value("TriggerName", "");
  o.workflow_name = j.value("WorkflowName", "");
  o.workflow_run_id = j.value("WorkflowRunId", "");
  return o;
}

void mark_final(RunRow& row, const std::string& state, const std::string& message,
                int64_t now_micros) {
  row.state = state;
  const double now = static_cast<double>(now_micros) / 1e6;
  row.body["JobRunState"] = state;
  row.body["CompletedOn"] = now;
  row.body["LastModifiedOn"] = now;
  row.body.erase("StateDetail");
  if (row.exec_start_micros) {
    row.body["ExecutionTime"] = static_cast<int64_t>(
        std::llround(static_cast<double>(now_micros - *row.exec_start_micros) / 1e6));
  }
  if (!message.empty()) row.body["ErrorMessage"] = message;
}

int max_concurrent_runs(const Json& job) {
  auto ep = job.find("ExecutionProperty");
  if (ep != job.end() && ep->is_object()) {
    auto m = ep->find("MaxConcurrentRuns");
    if (m != ep->end() && m->is_number_integer() && m->get<int>() >= 1) return m->get<int>();
  }
  return 1;
}

StatusOr<std::optional<RunRow>> insert_retry(store::Transaction& tx, const RunRow& failed,
                                             int64_t now_micros) {
  if (failed.state != "FAILED") return std::optional<RunRow>();
  MORTAR_ASSIGN_OR_RETURN(auto job, load_job(tx, failed.account, failed.job_name));
  if (!job) return std::optional<RunRow>();
  const int max_retries = job->body.value("MaxRetries", 0);
  const int attempt = failed.body.value("Attempt", 0);
  if (attempt >= max_retries) return std::optional<RunRow>();
  std::string first = failed.run_id;
  if (auto at = first.find("_attempt_"); at != std::string::npos) first.resize(at);
  RunRow retry;
  retry.account = failed.account;
  retry.job_name = failed.job_name;
  retry.run_id = first + "_attempt_" + std::to_string(attempt + 1);
  retry.state = "STARTING";
  retry.created_micros = now_micros;
  retry.origin = failed.origin;
  retry.body = failed.body;
  for (const char* m : {"CompletedOn", "ErrorMessage", "StateDetail", "ExecutionTime"}) {
    retry.body.erase(m);
  }
  const double now = static_cast<double>(now_micros) / 1e6;
  retry.body["Id"] = retry.run_id;
  retry.body["Attempt"] = attempt + 1;
  retry.body["PreviousRunId"] = failed.run_id;
  retry.body["JobRunState"] = "STARTING";
  retry.body["StartedOn"] = now;
  retry.body["LastModifiedOn"] = now;
  retry.body["ExecutionTime"] = 0;
  MORTAR_ASSIGN_OR_RETURN(retry.seq, insert_run(tx, retry));
  return std::optional<RunRow>(std::move(retry));
}

StatusOr<std::vector<RunRow>> promote_waiting(store::Transaction& tx, const std::string& account,
                                              const std::string& job_name, int64_t now_micros) {
  std::vector<RunRow> promoted;
  MORTAR_ASSIGN_OR_RETURN(auto waiting, runs_in_states(tx, account, job_name, "'WAITING'"));
  if (waiting.empty()) return promoted;
  MORTAR_ASSIGN_OR_RETURN(auto job, require_job_for_write(tx, account, job_name));
  MORTAR_ASSIGN_OR_RETURN(int64_t in_flight,
                          count_runs_in_states(tx, account, job_name, kInFlightStates));
  int free = max_concurrent_runs(job.body) - static_cast<int>(in_flight);
  for (auto& run : waiting) {
    if (free <= 0) break;
    run.state = "STARTING";
    run.body["JobRunState"] = "STARTING";
    run.body["LastModifiedOn"] = static_cast<double>(now_micros) / 1e6;
    run.body.erase("StateDetail");
    MORTAR_ASSIGN_OR_RETURN(bool moved, update_run_if(tx, run, "'WAITING'", std::nullopt));
    if (!moved) continue;
    --free;
    promoted.push_back(std::move(run));
  }
  return promoted;
}

}  // namespace mortar::jobs
