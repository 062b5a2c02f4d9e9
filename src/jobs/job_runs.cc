// JobService, the API side of runs: StartJobRun (and a trigger's start),
// GetJobRun, GetJobRuns, BatchStopJobRun, ERROR runs. A started run is a
// STARTING (or WAITING) row; run_dispatch.cc claims and executes it.
#include <algorithm>

#include "common/glue_errors.h"
#include "jobs/job_definition.h"
#include "jobs/job_rows.h"
#include "jobs/job_service.h"
#include "jobs/run_active.h"
#include "jobs/run_claims.h"
#include "jobs/run_state.h"

namespace mortar::jobs {
namespace {

const Json* member(const Json& j, const char* name) {
  auto it = j.find(name);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

// The JobRun as it starts: the run's own settings over the job's.
Json new_run_body(const std::string& id, const Json& job, const Json& request, bool queuing,
                  const RunOrigin& origin, double now) {
  Json run = {{"Id", id},
              {"Attempt", 0},
              {"JobName", job.value("Name", "")},
              {"StartedOn", now},
              {"LastModifiedOn", now},
              {"JobRunState", "STARTING"},
              {"Arguments", Json::object()},
              {"ExecutionTime", 0},
              {"Timeout", effective_timeout_minutes(job, request)},
              {"LogGroupName", log_group_for(job)},
              {"JobRunQueuingEnabled", queuing}};
  if (const Json* a = member(request, "Arguments"); a && a->is_object()) run["Arguments"] = *a;
  if (!origin.trigger_name.empty()) run["TriggerName"] = origin.trigger_name;
  const bool run_sets_workers = member(request, "WorkerType") || member(request, "NumberOfWorkers");
  const bool run_sets_capacity =
      member(request, "MaxCapacity") || member(request, "AllocatedCapacity");
  const Json& capacity_source = (run_sets_workers || run_sets_capacity) ? request : job;
  for (const char* m : {"WorkerType", "NumberOfWorkers", "MaxCapacity", "AllocatedCapacity"}) {
    if (const Json* v = member(capacity_source, m)) run[m] = *v;
  }
  for (const char* m : {"NotificationProperty", "SecurityConfiguration", "ExecutionClass"}) {
    if (const Json* v = member(request, m)) {
      run[m] = *v;
    } else if (const Json* jv = member(job, m)) {
      run[m] = *jv;
    }
  }
  for (const char* m : {"GlueVersion", "JobMode"}) {
    if (const Json* v = member(job, m)) run[m] = *v;
  }
  return run;
}

bool queuing_enabled(const Json& job, const Json& request) {
  if (const Json* r = member(request, "JobRunQueuingEnabled"); r && r->is_boolean()) {
    return r->get<bool>();
  }
  if (const Json* j = member(job, "JobRunQueuingEnabled"); j && j->is_boolean())
    return j->get<bool>();
  return false;
}

Status concurrent_runs_exceeded(const std::string& job) {
  return glue_error(absl::StatusCode::kResourceExhausted, "ConcurrentRunsExceededException",
                    "Concurrent runs exceeded for " + job);
}

}  // namespace

StatusOr<std::string> JobService::start_job_run(const CallContext& ctx, const Json& request) {
  return start_run(ctx.account_id, ctx.region, request.value("JobName", ""), request, RunOrigin{},
                   {}, /*from_trigger=*/false);
}

StatusOr<std::string> JobService::start_triggered_run(const std::string& account_id,
                                                      const std::string& region,
                                                      const std::string& job_name,
                                                      const TriggeredRun& run) {
  return start_triggered_runs({TriggeredStart{account_id, region, job_name, run}})[0];
}

std::vector<StatusOr<std::string>> JobService::start_triggered_runs(
    const std::vector<TriggeredStart>& starts) {
  const size_t n = starts.size();
  std::vector<StatusOr<std::string>> out;
  std::vector<RunRow> rows;
  std::vector<char> ended;  // recorded in a final state (ERROR, or FAILED over the limit)
  Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    out.assign(n, internal_error("not started"));
    rows.assign(n, RunRow{});
    ended.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const TriggeredStart& t = starts[i];
      Json request = {{"JobName", t.job_name}, {"Arguments", t.run.arguments}};
      if (t.run.timeout_minutes) request["Timeout"] = *t.run.timeout_minutes;
      if (t.run.notify_delay_after) {
        request["NotificationProperty"] = {{"NotifyDelayAfter", *t.run.notify_delay_after}};
      }
      bool refused = false;
      Status st = insert_new_run(tx, t.account_id, t.region, t.job_name, request, t.run.origin,
                                 t.run.predecessors, /*from_trigger=*/true, rows[i], refused);
      if (st.code() == absl::StatusCode::kNotFound) {
        rows[i] = error_run_row(t.account_id, t.job_name, t.run.origin,
                                "Job " + t.job_name + " does not exist (deleted?)");
        MORTAR_ASSIGN_OR_RETURN(rows[i].seq, insert_run(tx, rows[i]));
        refused = true;
      } else if (st.code() == absl::StatusCode::kInvalidArgument) {
        out[i] = st;  // this one cannot start (its command); the others can
        continue;
      } else {
        MORTAR_RETURN_IF_ERROR(st);
      }
      out[i] = rows[i].run_id;
      ended[i] = refused;
    }
    return ok_status();
  });
  if (!s.ok()) return std::vector<StatusOr<std::string>>(n, s);
  bool queued = false;
  for (size_t i = 0; i < n; ++i) {
    if (!out[i].ok()) continue;
    if (ended[i]) {
      notify_finished(rows[i]);
    } else {
      queued = after_insert(rows[i], /*dispatch_now=*/false) || queued;
    }
  }
  if (queued) dispatch();
  return out;
}

StatusOr<std::string> JobService::start_run(
    const std::string& account, const std::string& region, const std::string& job_name,
    const Json& request, const RunOrigin& origin,
    const std::vector<std::pair<std::string, std::string>>& preds, bool from_trigger) {
  RunRow row;
  bool refused = false;  // a trigger's run over MaxConcurrentRuns: recorded FAILED
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        return insert_new_run(tx, account, region, job_name, request, origin, preds, from_trigger,
                              row, refused);
      }));
  if (refused) {
    notify_finished(row);
  } else {
    after_insert(row, /*dispatch_now=*/true);
  }
  return row.run_id;
}

Status JobService::insert_new_run(store::Transaction& tx, const std::string& account,
                                  const std::string& region, const std::string& job_name,
                                  const Json& request, const RunOrigin& origin,
                                  const std::vector<std::pair<std::string, std::string>>& preds,
                                  bool from_trigger, RunRow& row, bool& refused) {
  refused = false;
  MORTAR_ASSIGN_OR_RETURN(JobRow job, require_job_for_write(tx, account, job_name));
  MORTAR_RETURN_IF_ERROR(check_runnable(job.body));
  const int64_t now = clock_.now_micros();
  const bool queuing = queuing_enabled(job.body, request);
  row = RunRow{};
  row.account = account;
  row.job_name = job_name;
  row.run_id = new_run_id();
  row.created_micros = now;
  row.origin = origin_json(origin, preds);
  row.origin["Region"] = region;
  row.body =
      new_run_body(row.run_id, job.body, request, queuing, origin, static_cast<double>(now) / 1e6);
  if (const Json* prev = member(request, "JobRunId"); prev && prev->is_string()) {
    // StartJobRun's JobRunId: a previous run to run again.
    MORTAR_ASSIGN_OR_RETURN(auto previous,
                            load_run(tx, account, job_name, prev->get<std::string>()));
    if (!previous) {
      return not_found("Job run " + prev->get<std::string>() + " of job " + job_name +
                       " not found");
    }
    row.body["PreviousRunId"] = previous->run_id;
    if (!member(request, "Arguments")) row.body["Arguments"] = previous->body["Arguments"];
  }
  MORTAR_ASSIGN_OR_RETURN(int64_t in_flight,
                          count_runs_in_states(tx, account, job_name, kInFlightStates));
  MORTAR_ASSIGN_OR_RETURN(int64_t waiting,
                          count_runs_in_states(tx, account, job_name, "'WAITING'"));
  const int max = max_concurrent_runs(job.body);
  row.state = "STARTING";
  if (in_flight >= max || (queuing && waiting > 0)) {
    if (queuing) {
      row.state = "WAITING";
      row.body["JobRunState"] = "WAITING";
      row.body["StateDetail"] =
          "Job run is queued: job " + job_name + " has " + std::to_string(in_flight) +
          " run(s) in progress and MaxConcurrentRuns " + std::to_string(max) +
          (waiting == 0 ? std::string()
                        : ", and " + std::to_string(waiting) + " queued run(s) ahead of this one");
    } else if (from_trigger) {
      refused = true;
      mark_final(row, "FAILED", "Concurrent runs exceeded for " + job_name, now);
    } else {
      return concurrent_runs_exceeded(job_name);
    }
  }
  MORTAR_ASSIGN_OR_RETURN(row.seq, insert_run(tx, row));
  return ok_status();
}

bool JobService::after_insert(const RunRow& row, bool dispatch_now) {
  if (row.state == "WAITING") {
    arm_expiry(row.account, row.seq,
               row.created_micros +
                   int64_t{row.body.value("Timeout", kDefaultTimeoutMinutes)} * 60'000'000);
    return false;
  }
  if (dispatch_now) dispatch();
  return true;
}

RunRow JobService::error_run_row(const std::string& account_id, const std::string& job_name,
                                 const RunOrigin& origin, const std::string& message) const {
  RunRow row;
  const int64_t now = clock_.now_micros();
  row.account = account_id;
  row.job_name = job_name;
  row.run_id = new_run_id();
  row.created_micros = now;
  row.origin = origin_json(origin, {});
  row.body = {{"Id", row.run_id},    {"Attempt", 0},
              {"JobName", job_name}, {"StartedOn", static_cast<double>(now) / 1e6},
              {"ExecutionTime", 0},  {"Arguments", Json::object()}};
  if (!origin.trigger_name.empty()) row.body["TriggerName"] = origin.trigger_name;
  mark_final(row, "ERROR", message, now);
  return row;
}

StatusOr<std::string> JobService::record_error_run(const std::string& account_id,
                                                   const std::string& job_name,
                                                   const RunOrigin& origin,
                                                   const std::string& message) {
  RunRow row = error_run_row(account_id, job_name, origin, message);
  MORTAR_RETURN_IF_ERROR(store::run_in_write_transaction(
      store_, [&](store::Transaction& tx) { return insert_run(tx, row).status(); }));
  notify_finished(row);
  return row.run_id;
}

StatusOr<Json> JobService::get_job_run(const CallContext& ctx, const std::string& job_name,
                                       const std::string& run_id, bool predecessors_included) {
  std::optional<RunRow> row;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(row, load_run(tx, ctx.account_id, job_name, run_id));
        return ok_status();
      }));
  if (!row) return not_found("Job run " + run_id + " of job " + job_name + " not found");
  Json body = std::move(row->body);
  if (row->state == "RUNNING" && row->exec_start_micros) {
    body["ExecutionTime"] = (clock_.now_micros() - *row->exec_start_micros) / 1'000'000;
  }
  if (predecessors_included) {
    body["PredecessorRuns"] = row->origin.value("PredecessorRuns", Json::array());
  }
  return body;
}

StatusOr<Page> JobService::get_job_runs(const CallContext& ctx, const std::string& job_name,
                                        const std::string& after, int limit) {
  int64_t before = 0;
  if (!after.empty()) {
    try {
      before = std::stoll(after);
    } catch (...) {
      return invalid_input("Invalid NextToken");
    }
  }
  Page page;
  const int64_t now = clock_.now_micros();
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        page = Page{};
        MORTAR_ASSIGN_OR_RETURN(auto runs,
                                list_runs(tx, ctx.account_id, job_name, before, limit + 1));
        if (runs.empty() && before == 0) {
          MORTAR_RETURN_IF_ERROR(require_job(tx, ctx.account_id, job_name).status());
        }
        for (auto& run : runs) {
          if (static_cast<int>(page.items.size()) == limit) break;
          if (run.state == "RUNNING" && run.exec_start_micros) {
            run.body["ExecutionTime"] = (now - *run.exec_start_micros) / 1'000'000;
          }
          page.items.push_back(std::move(run.body));
          before = run.seq;
        }
        if (static_cast<int>(runs.size()) > limit) page.next = std::to_string(before);
        return ok_status();
      }));
  return page;
}

StatusOr<Json> JobService::batch_stop_job_run(const CallContext& ctx, const std::string& job_name,
                                              const std::vector<std::string>& run_ids) {
  Json out = {{"SuccessfulSubmissions", Json::array()}, {"Errors", Json::array()}};
  for (const auto& id : run_ids) {
    RunRow row;
    bool stopped_now = false;  // WAITING or unclaimed STARTING: STOPPED at once
    std::vector<RunRow> promoted;
    Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
      stopped_now = false;
      promoted.clear();
      MORTAR_ASSIGN_OR_RETURN(auto found, load_run(tx, ctx.account_id, job_name, id));
      if (!found) return not_found("Job run " + id + " of job " + job_name + " not found");
      row = std::move(*found);
      const int64_t now = clock_.now_micros();
      if (row.state == "STOPPING") return ok_status();
      if (is_final_state(row.state)) {
        return invalid_input("Job run " + id + " is " + row.state + " and cannot be stopped");
      }
      if (row.state == "WAITING" || (row.state == "STARTING" && row.server_id.empty())) {
        const std::string from = "'" + row.state + "'";
        mark_final(row, "STOPPED", "", now);
        MORTAR_ASSIGN_OR_RETURN(bool done, update_run_if(tx, row, from, std::string()));
        if (!done) return concurrent_modification("Job run " + id + " changed; try again");
        stopped_now = true;
        MORTAR_ASSIGN_OR_RETURN(promoted, promote_waiting(tx, ctx.account_id, job_name, now));
        return ok_status();
      }
      const std::string from = "'" + row.state + "'";
      row.state = "STOPPING";
      row.body["JobRunState"] = "STOPPING";
      row.body["LastModifiedOn"] = static_cast<double>(now) / 1e6;
      MORTAR_ASSIGN_OR_RETURN(bool done, update_run_if(tx, row, from, std::nullopt));
      if (!done) return concurrent_modification("Job run " + id + " changed; try again");
      return ok_status();
    });
    if (!s.ok()) {
      out["Errors"].push_back(
          {{"JobName", job_name}, {"JobRunId", id}, {"ErrorDetail", glue_error_detail(s)}});
      continue;
    }
    out["SuccessfulSubmissions"].push_back({{"JobName", job_name}, {"JobRunId", id}});
    if (stopped_now) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (auto t = expiry_timers_.find(row.seq); t != expiry_timers_.end()) {
          clock_.cancel(t->second);
          expiry_timers_.erase(t);
        }
      }
      notify_finished(row);
      if (!promoted.empty()) dispatch();
      continue;
    }
    std::shared_ptr<ActiveRun> mine;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = active_.find(id); it != active_.end()) mine = it->second;
    }
    // Runs of other servers stop at their owner's next heartbeat.
    if (mine) mine->request_stop("STOPPED", "");
  }
  return out;
}

void JobService::notify_finished(const RunRow& row, const std::string& retry_run_id) {
  if (!options_.on_run_finished) return;
  JobRunFinished f;
  f.account_id = row.account;
  f.job_name = row.job_name;
  f.run_id = row.run_id;
  f.state = row.state;
  f.error_message = row.body.value("ErrorMessage", "");
  f.trigger_name = row.body.value("TriggerName", "");
  f.origin = origin_from(row.origin);
  f.retry_run_id = retry_run_id;
  const auto started = row.body.find("StartedOn");
  const auto completed = row.body.find("CompletedOn");
  if (started != row.body.end() && completed != row.body.end() && started->is_number() &&
      completed->is_number()) {
    f.duration_seconds = std::max(0.0, completed->get<double>() - started->get<double>());
  }
  options_.on_run_finished(f);
}

}  // namespace mortar::jobs
