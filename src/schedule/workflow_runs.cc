// WorkflowService: the run half -- start, stop, resume, views, run
// properties, completion and the sweep.
#include <algorithm>
#include <chrono>
#include <map>

#include "common/crypto.h"
#include "schedule/trigger_rows.h"
#include "schedule/workflow_graph.h"
#include "schedule/workflow_service.h"

namespace mortar::schedule {
namespace {

using Json = nlohmann::json;

double seconds(int64_t micros) { return static_cast<double>(micros) / 1e6; }

std::string new_run_id() { return "wr_" + hex_encode(random_bytes(32)); }

Status concurrent_runs_exceeded(const std::string& workflow) {
  return glue_error(absl::StatusCode::kResourceExhausted, "ConcurrentRunsExceededException",
                    "Concurrent runs exceeded for workflow: " + workflow);
}

Status illegal_state(const std::string& message) {
  return glue_error(absl::StatusCode::kFailedPrecondition, "IllegalWorkflowStateException",
                    message);
}

bool final_job_state(const std::string& s) {
  return s == "SUCCEEDED" || s == "FAILED" || s == "STOPPED" || s == "TIMEOUT" || s == "ERROR" ||
         s == "EXPIRED";
}

// Glue's Crawl object for a crawl node.
Json crawl_view(const NodeRun& n) {
  Json c{{"State", n.state}, {"StartedOn", seconds(n.started_micros)}};
  if (n.finished_micros > 0) c["CompletedOn"] = seconds(n.finished_micros);
  if (!n.error_message.empty()) c["ErrorMessage"] = n.error_message;
  return c;
}

}  // namespace

// --- Starting -----------------------------------------------------------------

StatusOr<std::string> WorkflowService::insert_run(
    const std::string& account, const std::string& workflow,
    const std::function<Status(store::Transaction&, WorkflowRunRow&)>& prepare) {
  WorkflowRunRow run;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        // The workflow's row lock serializes starts: MaxConcurrentRuns holds.
        MORTAR_ASSIGN_OR_RETURN(WorkflowRow wf,
                                require_workflow(tx, account, workflow, /*for_write=*/true));
        run = WorkflowRunRow{};
        run.account = account;
        run.workflow = workflow;
        run.run_id = new_run_id();
        run.status = "RUNNING";
        run.started_micros = clock_.now_micros();
        run.properties = wf.body.value("DefaultRunProperties", Json::object());
        MORTAR_RETURN_IF_ERROR(prepare(tx, run));  // the request's own errors first
        auto max = wf.body.find("MaxConcurrentRuns");
        if (max != wf.body.end() && max->is_number_integer() && max->get<int64_t>() > 0) {
          MORTAR_ASSIGN_OR_RETURN(int64_t active, count_active_runs(tx, account, workflow));
          if (active >= max->get<int64_t>()) return concurrent_runs_exceeded(workflow);
        }
        MORTAR_RETURN_IF_ERROR(insert_workflow_run(tx, run));
        // Marks the run as firing, so the sweep does not complete it before
        // the first actions are recorded.
        return record_node_start(
            tx, account, run.run_id,
            NodeRun{"TRIGGER", "fire", run.run_id, "RUNNING", "", run.started_micros, 0});
      }));
  return run.run_id;
}

StatusOr<std::string> WorkflowService::start_workflow_run(const WorkflowStart& start) {
  Json trigger;
  MORTAR_ASSIGN_OR_RETURN(
      std::string run_id,
      insert_run(
          start.account_id, start.workflow_name,
          [&](store::Transaction& tx, WorkflowRunRow& run) -> Status {
            MORTAR_ASSIGN_OR_RETURN(run.triggers,
                                    workflow_triggers(tx, start.account_id, start.workflow_name));
            const Json* t = nullptr;
            for (const auto& c : run.triggers) {
              if (!start.trigger_name.empty() && c.value("Name", "") == start.trigger_name) t = &c;
            }
            if (start.trigger_name.empty()) t = start_trigger_of(run.triggers);
            if (t == nullptr) {
              return invalid_input("Workflow " + start.workflow_name +
                                   " has no start trigger (a trigger of the workflow "
                                   "that is not CONDITIONAL)");
            }
            trigger = *t;
            if (start.run_properties.is_object()) {
              for (auto it = start.run_properties.begin(); it != start.run_properties.end(); ++it)
                run.properties[it.key()] = it.value();
            }
            if (start.event_batch) {
              run.event_batch = Json{{"BatchSize", start.event_batch->batch_size},
                                     {"BatchWindow", start.event_batch->batch_window_seconds}};
            }
            return ok_status();
          }));
  TriggerOrigin origin{trigger.value("Name", std::string()), start.workflow_name, run_id, {}};
  std::string outcome;
  Status fired = triggers_.fire_actions(start.account_id, trigger, origin, &outcome);
  log(fired.ok() ? "info" : "warn", "workflow " + start.workflow_name + " run " + run_id +
                                        " started by trigger " + origin.trigger_name + ": " +
                                        outcome);
  end_firing(start.account_id, run_id, run_id, fired);
  return run_id;
}

void WorkflowService::end_firing(const std::string& account, const std::string& run_id,
                                 const std::string& fire_id, const Status& fired) {
  Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto run, load_workflow_run(tx, account, run_id, /*for_write=*/true));
    if (!run) return ok_status();
    MORTAR_RETURN_IF_ERROR(record_node_end(
        tx, account, run_id,
        NodeRun{"TRIGGER", "fire", fire_id, fired.ok() ? "SUCCEEDED" : "FAILED",
                fired.ok() ? "" : std::string(status_message(fired)), 0, clock_.now_micros()}));
    MORTAR_ASSIGN_OR_RETURN(auto nodes, list_nodes(tx, account, run_id));
    const bool started_any = std::any_of(nodes.begin(), nodes.end(),
                                         [](const NodeRun& n) { return n.kind != "TRIGGER"; });
    if (!fired.ok() && !started_any && run->status == "RUNNING") {
      run->status = "ERROR";
      run->error_message = std::string(status_message(fired));
      run->completed_micros = clock_.now_micros();
      return save_workflow_run(tx, *run);
    }
    return settle(tx, *run);
  });
  if (!s.ok())
    log("warn", "workflow run " + run_id + ": recording its start failed: " + s.ToString());
}

// --- Completion -----------------------------------------------------------------

Status WorkflowService::settle(store::Transaction& tx, WorkflowRunRow& run) {
  if (run.status != "RUNNING" && run.status != "STOPPING") return ok_status();
  MORTAR_ASSIGN_OR_RETURN(auto nodes, list_nodes(tx, run.account, run.run_id));
  for (const auto& n : nodes) {
    if (n.state == "RUNNING" || n.state == "WAITING") return ok_status();
  }
  run.status = run.status == "RUNNING" ? "COMPLETED" : "STOPPED";
  run.completed_micros = clock_.now_micros();
  log("info", "workflow " + run.workflow + " run " + run.run_id + " " + run.status);
  return save_workflow_run(tx, run);
}

Status WorkflowService::end_node(const std::string& account, const std::string& run_id,
                                 const NodeRun& node, const NodeRun* follow) {
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto run, load_workflow_run(tx, account, run_id, /*for_write=*/true));
    if (!run) return ok_status();  // the workflow was deleted
    if (follow != nullptr) MORTAR_RETURN_IF_ERROR(record_node_start(tx, account, run_id, *follow));
    MORTAR_RETURN_IF_ERROR(record_node_end(tx, account, run_id, node));
    return settle(tx, *run);
  });
}

void WorkflowService::on_job_run_finished(const std::string& account, const std::string& job,
                                          const std::string& run_id, const std::string& state,
                                          const TriggerOrigin& origin,
                                          const std::string& error_message,
                                          const std::string& retry_run_id) {
  if (origin.workflow_run_id.empty()) return;
  const int64_t now = clock_.now_micros();
  const NodeRun retry{"JOB", job, retry_run_id, "RUNNING", "", now, 0};
  Status s = end_node(account, origin.workflow_run_id,
                      NodeRun{"JOB", job, run_id, state, error_message, now, now},
                      retry_run_id.empty() ? nullptr : &retry);
  if (!s.ok()) log("warn", "workflow run " + origin.workflow_run_id + ": " + s.ToString());
}

void WorkflowService::on_crawl_finished(const std::string& account, const std::string& crawler,
                                        const std::string& state) {
  std::vector<std::pair<std::string, std::string>> running;
  Status s = store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(running, running_crawl_nodes(tx, account, crawler));
    return ok_status();
  });
  // A crawler crawls once at a time: its running node in any run has ended.
  for (const auto& [run_id, node_id] : running) {
    if (s.ok()) {
      s = end_node(account, run_id,
                   NodeRun{"CRAWLER", crawler, node_id, state, "", 0, clock_.now_micros()});
    }
  }
  if (!s.ok()) log("warn", "workflow crawl of " + crawler + ": " + s.ToString());
}

void WorkflowService::tick() {
  if (options_.is_leader && !options_.is_leader()) return;
  std::vector<WorkflowRunRow> runs;
  std::map<std::string, std::vector<NodeRun>> nodes;  // by run id
  Status s = store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(runs, active_workflow_runs(tx));
    for (const auto& r : runs) {
      MORTAR_ASSIGN_OR_RETURN(nodes[r.run_id], list_nodes(tx, r.account, r.run_id));
    }
    return ok_status();
  });
  if (!s.ok()) {
    log("warn", "workflow sweep failed: " + s.ToString());
    return;
  }
  const int64_t now = clock_.now_micros();
  std::set<std::string> suspects;
  for (const auto& run : runs) {
    for (const auto& n : nodes[run.run_id]) {
      if (n.state != "RUNNING") continue;
      NodeRun ended = n;
      ended.finished_micros = now;
      if (n.kind == "TRIGGER") {
        if (now - n.started_micros < options_.firing_grace_micros) continue;
        ended.state = "FAILED";
        ended.error_message = "the server firing the trigger stopped";
      } else if (n.kind == "JOB") {
        auto jr = actions_.get_job_run(run.account, n.name, n.node_run_id);
        if (jr.ok()) {
          ended.state = jr->value("JobRunState", std::string());
          ended.error_message = jr->value("ErrorMessage", std::string());
        } else if (jr.status().code() == absl::StatusCode::kNotFound) {
          ended.state = "ERROR";  // the job (and its runs) were deleted
          ended.error_message = std::string(status_message(jr.status()));
        }
        if (!final_job_state(ended.state)) continue;
      } else {
        auto cs = actions_.crawler_state(run.account, n.name);
        if (!cs.ok() || *cs == "RUNNING") continue;
        ended.state = *cs;
      }
      // Ended on two sweeps in a row: its end was not reported (the hooks of
      // a run that just ended may still be firing what follows it).
      const std::string key =
          run.account + "/" + run.run_id + "/" + n.kind + "/" + n.name + "/" + n.node_run_id;
      suspects.insert(key);
      bool confirmed;
      {
        std::lock_guard lock(sweep_mu_);
        confirmed = suspects_.count(key) > 0 || n.kind == "TRIGGER";
      }
      if (!confirmed) continue;
      log("warn", "workflow run " + run.run_id + ": " + n.kind + " " + n.name +
                      " ended unreported (" + ended.state + ")");
      Status e = end_node(run.account, run.run_id, ended);
      if (!e.ok()) log("warn", "workflow sweep: " + e.ToString());
    }
    // Nothing running (e.g. its last end was recorded by a server that died
    // before settling): complete it.
    Status e = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
      MORTAR_ASSIGN_OR_RETURN(auto r, load_workflow_run(tx, run.account, run.run_id, true));
      return r ? settle(tx, *r) : ok_status();
    });
    if (!e.ok()) log("warn", "workflow sweep: " + e.ToString());
  }
  std::lock_guard lock(sweep_mu_);
  suspects_ = std::move(suspects);
}

void WorkflowService::sweep_loop() {
  std::unique_lock lock(sweep_mu_);
  while (!sweep_cv_.wait_for(lock, std::chrono::milliseconds(options_.sweep_interval_millis),
                             [this] { return stopping_; })) {
    lock.unlock();
    tick();
    lock.lock();
  }
}

// --- Stop and resume ------------------------------------------------------------

Status WorkflowService::stop_workflow_run(const CallContext& ctx, const std::string& name,
                                          const std::string& run_id) {
  std::vector<NodeRun> running;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(WorkflowRunRow run,
                                require_workflow_run(tx, ctx.account_id, name, run_id, true));
        if (run.status != "RUNNING")
          return illegal_state("Workflow run " + run_id + " is " + run.status +
                               ": only a RUNNING run can be stopped");
        running.clear();
        MORTAR_ASSIGN_OR_RETURN(auto nodes, list_nodes(tx, ctx.account_id, run_id));
        for (auto& n : nodes) {
          if (n.state == "RUNNING" && n.kind != "TRIGGER") running.push_back(std::move(n));
        }
        run.status = "STOPPING";
        return save_workflow_run(tx, run);
      }));
  for (const auto& n : running) {
    Status s = n.kind == "JOB" ? actions_.stop_job_run(ctx.account_id, n.name, n.node_run_id)
                               : actions_.stop_crawler(ctx.account_id, n.name);
    if (!s.ok())
      log("warn", "stopping workflow run " + run_id + ": " + n.name + ": " + s.ToString());
  }
  // Nothing was running: STOPPED at once.
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto r, load_workflow_run(tx, ctx.account_id, run_id, true));
    return r ? settle(tx, *r) : ok_status();
  });
}

StatusOr<Json> WorkflowService::resume_workflow_run(const CallContext& ctx, const std::string& name,
                                                    const std::string& run_id,
                                                    const std::vector<std::string>& node_ids) {
  if (node_ids.empty()) return invalid_input("NodeIds must name at least one node");
  Json triggers;
  MORTAR_ASSIGN_OR_RETURN(
      std::string new_id,
      insert_run(ctx.account_id, name, [&](store::Transaction& tx, WorkflowRunRow& run) -> Status {
        MORTAR_ASSIGN_OR_RETURN(WorkflowRunRow prev,
                                require_workflow_run(tx, ctx.account_id, name, run_id));
        if (prev.status != "COMPLETED" && prev.status != "STOPPED" && prev.status != "ERROR")
          return illegal_state("Workflow run " + run_id + " is " + prev.status +
                               ": only a run that has ended can be resumed");
        MORTAR_ASSIGN_OR_RETURN(auto nodes, list_nodes(tx, ctx.account_id, run_id));
        std::set<std::string> attempted;
        for (const auto& n : nodes) {
          if (n.kind != "TRIGGER") attempted.insert(workflow_node_id(n.kind, n.name));
        }
        for (const auto& id : node_ids) {
          if (!attempted.count(id) || starter_of(prev.triggers, id).trigger == nullptr)
            return invalid_input("NodeIds: node " + id +
                                 " is not a job or crawler node with a run in workflow run " +
                                 run_id);
        }
        run.previous_run_id = run_id;
        run.triggers = prev.triggers;
        run.properties = prev.properties;
        triggers = prev.triggers;
        // The nodes not re-run keep their runs in the new run.
        const std::set<std::string> rerun = downstream_of(prev.triggers, node_ids);
        for (const auto& n : nodes) {
          if (n.kind == "TRIGGER" || rerun.count(workflow_node_id(n.kind, n.name))) continue;
          MORTAR_RETURN_IF_ERROR(record_node_end(tx, ctx.account_id, run.run_id, n));
          if (n.state == "RUNNING") continue;
          // The new run's chain sees the copied end too (an AND predicate watching
          // a copied node and a re-run one); the id is made unique per run.
          RunEvent e;
          e.kind = n.kind;
          e.name = n.name;
          e.chain = run.run_id;
          e.run_id = n.node_run_id + kCopiedRunSeparator + run.run_id;
          e.state = n.state;
          e.finished_micros = n.finished_micros;
          MORTAR_RETURN_IF_ERROR(insert_run_event(tx, ctx.account_id, e).status());
        }
        return ok_status();
      }));
  // Each selected node starts as its trigger's action would, within the new run.
  Status first;
  for (const auto& id : node_ids) {
    NodeStarter st = starter_of(triggers, id);
    Json one = *st.trigger;
    one["Actions"] = Json::array({*st.action});
    TriggerOrigin origin{st.trigger->value("Name", std::string()), name, new_id, {}};
    std::string outcome;
    Status s = triggers_.fire_actions(ctx.account_id, one, origin, &outcome);
    log(s.ok() ? "info" : "warn",
        "workflow " + name + " run " + new_id + " resumed " + id + ": " + outcome);
    if (first.ok()) first = s;
  }
  end_firing(ctx.account_id, new_id, new_id, first);
  Json ids = Json::array();
  for (const auto& id : node_ids) ids.push_back(id);
  return Json{{"RunId", new_id}, {"NodeIds", std::move(ids)}};
}

// --- Views ----------------------------------------------------------------------

StatusOr<WorkflowService::RunRead> WorkflowService::read_run(store::Transaction& tx,
                                                             WorkflowRunRow run) {
  RunRead read;
  MORTAR_ASSIGN_OR_RETURN(read.nodes, list_nodes(tx, run.account, run.run_id));
  read.run = std::move(run);
  return read;
}

Json WorkflowService::run_view(const RunRead& read, bool include_graph) {
  const WorkflowRunRow& run = read.run;
  const std::vector<NodeRun>& nodes = read.nodes;
  Json r{{"Name", run.workflow},
         {"WorkflowRunId", run.run_id},
         {"WorkflowRunProperties", run.properties},
         {"StartedOn", seconds(run.started_micros)},
         {"Status", run.status}};
  if (!run.previous_run_id.empty()) r["PreviousRunId"] = run.previous_run_id;
  if (run.completed_micros > 0) r["CompletedOn"] = seconds(run.completed_micros);
  if (!run.error_message.empty()) r["ErrorMessage"] = run.error_message;
  if (run.event_batch.is_object()) r["StartingEventBatchCondition"] = run.event_batch;
  // A running job run may be queued (WAITING): its live state tells.
  std::vector<NodeRun> live = nodes;
  for (auto& n : live) {
    if (n.kind != "JOB" || n.state != "RUNNING") continue;
    auto jr = actions_.get_job_run(run.account, n.name, n.node_run_id);
    if (jr.ok() && jr->value("JobRunState", std::string()) == "WAITING") n.state = "WAITING";
  }
  r["Statistics"] = run_statistics(live);
  if (include_graph) {
    r["Graph"] =
        workflow_graph(run.triggers, [&](const std::string& kind, const std::string& name) -> Json {
          Json list = Json::array();
          for (const auto& n : nodes) {
            if (n.kind != kind || n.name != name) continue;
            if (kind == "CRAWLER") {
              list.push_back(crawl_view(n));
              continue;
            }
            auto jr = actions_.get_job_run(run.account, name, n.node_run_id);
            if (jr.ok()) {
              list.push_back(std::move(*jr));
            } else {  // the job is gone: what the run recorded
              Json j{{"Id", n.node_run_id},
                     {"JobName", name},
                     {"JobRunState", n.state},
                     {"StartedOn", seconds(n.started_micros)}};
              if (n.finished_micros > 0) j["CompletedOn"] = seconds(n.finished_micros);
              list.push_back(std::move(j));
            }
          }
          if (list.empty()) return Json();
          return kind == "JOB" ? Json{{"JobRuns", std::move(list)}}
                               : Json{{"Crawls", std::move(list)}};
        });
  }
  return r;
}

StatusOr<Json> WorkflowService::get_workflow_run(const CallContext& ctx, const std::string& name,
                                                 const std::string& run_id, bool include_graph) {
  RunRead read;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(WorkflowRunRow run,
                                require_workflow_run(tx, ctx.account_id, name, run_id));
        MORTAR_ASSIGN_OR_RETURN(read, read_run(tx, std::move(run)));
        return ok_status();
      }));
  return run_view(read, include_graph);
}

StatusOr<Page> WorkflowService::get_workflow_runs(const CallContext& ctx, const std::string& name,
                                                  bool include_graph, const Json& after,
                                                  int limit) {
  const int want = std::max(1, limit);
  Page page;
  std::vector<RunRead> reads;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        page = Page{};
        reads.clear();
        MORTAR_RETURN_IF_ERROR(require_workflow(tx, ctx.account_id, name).status());
        int64_t after_started = 0;
        std::string after_id;
        if (after.is_array() && after.size() == 2) {
          after_started = after[0].get<int64_t>();
          after_id = after[1].get<std::string>();
        }
        MORTAR_ASSIGN_OR_RETURN(auto runs, list_workflow_runs(tx, ctx.account_id, name,
                                                              after_started, after_id, want + 1));
        for (size_t i = 0; i < runs.size(); ++i) {
          if (static_cast<int>(i) == want) {
            page.next = Json::array({reads.back().run.started_micros, reads.back().run.run_id});
            break;
          }
          MORTAR_ASSIGN_OR_RETURN(RunRead read, read_run(tx, std::move(runs[i])));
          reads.push_back(std::move(read));
        }
        return ok_status();
      }));
  for (const auto& read : reads) page.items.push_back(run_view(read, include_graph));
  return page;
}

StatusOr<Json> WorkflowService::get_run_properties(const CallContext& ctx, const std::string& name,
                                                   const std::string& run_id) {
  Json props;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(WorkflowRunRow run,
                                require_workflow_run(tx, ctx.account_id, name, run_id));
        props = std::move(run.properties);
        return ok_status();
      }));
  return props;
}

Status WorkflowService::put_run_properties(const CallContext& ctx, const std::string& name,
                                           const std::string& run_id, const Json& properties) {
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    // The run's row lock: concurrent puts apply one after the other.
    MORTAR_ASSIGN_OR_RETURN(WorkflowRunRow run, require_workflow_run(tx, ctx.account_id, name,
                                                                     run_id, /*for_write=*/true));
    if (!run.properties.is_object()) run.properties = Json::object();
    for (auto it = properties.begin(); it != properties.end(); ++it)
      run.properties[it.key()] = it.value();
    return save_workflow_run(tx, run);
  });
}

}  // namespace mortar::schedule
