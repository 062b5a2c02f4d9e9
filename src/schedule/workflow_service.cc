// WorkflowService: the workflow half (CRUD, views, tags). Runs are in
// workflow_runs.cc.
#include "schedule/workflow_service.h"

#include <algorithm>

#include "catalog/tag_rules.h"
#include "schedule/trigger_rows.h"
#include "schedule/workflow_graph.h"

namespace mortar::schedule {
namespace {

using Json = nlohmann::json;

double seconds(int64_t micros) { return static_cast<double>(micros) / 1e6; }

Status check_max_concurrent_runs(const Json& request) {
  auto it = request.find("MaxConcurrentRuns");
  if (it != request.end() && it->is_number_integer() && it->get<int64_t>() < 0)
    return invalid_input("MaxConcurrentRuns must not be negative");
  return ok_status();
}

// Copies the members of a Create/UpdateWorkflow request onto `body`.
void apply(Json& body, const Json& request) {
  for (const char* m : {"Description", "DefaultRunProperties", "MaxConcurrentRuns"}) {
    auto it = request.find(m);
    if (it != request.end() && !it->is_null()) body[m] = *it;
  }
}

}  // namespace

Status WorkflowService::migrate(store::Store& store) { return migrate_workflow_rows(store); }

WorkflowService::WorkflowService(store::Store& store, TriggerService& triggers,
                                 TriggerActions& actions, WorkflowServiceOptions options)
    : store_(store),
      triggers_(triggers),
      actions_(actions),
      options_(std::move(options)),
      clock_(*options_.clock) {}

StatusOr<std::unique_ptr<WorkflowService>> WorkflowService::create(store::Store& store,
                                                                   TriggerService& triggers,
                                                                   TriggerActions& actions,
                                                                   WorkflowServiceOptions options) {
  std::unique_ptr<WorkflowService> s(
      new WorkflowService(store, triggers, actions, std::move(options)));
  triggers.set_workflow_starter(s.get());
  if (s->options_.sweep_interval_millis > 0)
    s->sweep_thread_ = std::thread([p = s.get()] { p->sweep_loop(); });
  return s;
}

WorkflowService::~WorkflowService() {
  {
    std::lock_guard lock(sweep_mu_);
    stopping_ = true;
  }
  sweep_cv_.notify_all();
  if (sweep_thread_.joinable()) sweep_thread_.join();
}

void WorkflowService::log(const std::string& level, const std::string& message) const {
  if (options_.event_log) options_.event_log(level, message);
}

StatusOr<Json> WorkflowService::workflow_triggers(store::Transaction& tx,
                                                  const std::string& account,
                                                  const std::string& workflow) {
  MORTAR_ASSIGN_OR_RETURN(auto rows, list_trigger_rows(tx, account, "", 1 << 30));
  Json out = Json::array();
  for (auto& r : rows) {
    if (r.body.value("WorkflowName", std::string()) != workflow) continue;
    Json t = std::move(r.body);
    t["State"] = r.state;
    out.push_back(std::move(t));
  }
  return out;
}

StatusOr<std::string> WorkflowService::create_workflow(const CallContext& ctx,
                                                       const Json& request) {
  MORTAR_RETURN_IF_ERROR(check_max_concurrent_runs(request));
  WorkflowRow row;
  row.account = ctx.account_id;
  row.name = request.value("Name", std::string());
  if (row.name.empty()) return invalid_input("Name is required");
  if (auto tags = request.find("Tags"); tags != request.end() && tags->is_object()) {
    MORTAR_RETURN_IF_ERROR(catalog::check_tag_values(*tags));
    MORTAR_RETURN_IF_ERROR(catalog::check_tag_count(static_cast<int64_t>(tags->size())));
    row.tags = *tags;
  }
  const double now = seconds(clock_.now_micros());
  row.body = Json{{"Name", row.name}, {"CreatedOn", now}, {"LastModifiedOn", now}};
  apply(row.body, request);
  MORTAR_RETURN_IF_ERROR(store::run_in_write_transaction(
      store_, [&](store::Transaction& tx) { return insert_workflow(tx, row); }));
  return row.name;
}

StatusOr<WorkflowService::WorkflowRead> WorkflowService::read_workflow(store::Transaction& tx,
                                                                       WorkflowRow row,
                                                                       bool include_graph) {
  WorkflowRead read;
  MORTAR_ASSIGN_OR_RETURN(auto last, list_workflow_runs(tx, row.account, row.name, 0, "", 1));
  if (!last.empty()) {
    MORTAR_ASSIGN_OR_RETURN(read.last, read_run(tx, std::move(last[0])));
  }
  if (include_graph) {
    MORTAR_ASSIGN_OR_RETURN(read.triggers, workflow_triggers(tx, row.account, row.name));
  }
  read.row = std::move(row);
  return read;
}

Json WorkflowService::workflow_view(const WorkflowRead& read) {
  Json w = read.row.body;
  if (read.last) w["LastRun"] = run_view(*read.last, /*include_graph=*/false);
  if (!read.triggers.is_null()) w["Graph"] = workflow_graph(read.triggers);
  return w;
}

StatusOr<Json> WorkflowService::get_workflow(const CallContext& ctx, const std::string& name,
                                             bool include_graph) {
  WorkflowRead read;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(WorkflowRow row, require_workflow(tx, ctx.account_id, name));
        MORTAR_ASSIGN_OR_RETURN(read, read_workflow(tx, std::move(row), include_graph));
        return ok_status();
      }));
  return workflow_view(read);
}

StatusOr<Json> WorkflowService::batch_get_workflows(const CallContext& ctx,
                                                    const std::vector<std::string>& names,
                                                    bool include_graph) {
  std::vector<WorkflowRead> found;
  Json missing = Json::array();
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        found.clear();
        missing = Json::array();
        std::set<std::string> seen;
        for (const auto& n : names) {
          if (!seen.insert(n).second) continue;
          MORTAR_ASSIGN_OR_RETURN(auto row, load_workflow(tx, ctx.account_id, n));
          if (!row) {
            missing.push_back(n);
            continue;
          }
          MORTAR_ASSIGN_OR_RETURN(WorkflowRead w,
                                  read_workflow(tx, std::move(*row), include_graph));
          found.push_back(std::move(w));
        }
        return ok_status();
      }));
  Json workflows = Json::array();
  for (const auto& w : found) workflows.push_back(workflow_view(w));
  return Json{{"Workflows", std::move(workflows)}, {"MissingWorkflows", std::move(missing)}};
}

StatusOr<Page> WorkflowService::list_workflows(const CallContext& ctx, const std::string& after,
                                               int limit) {
  const int want = std::max(1, limit);
  std::vector<std::string> names;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(names, list_workflow_names(tx, ctx.account_id, after, want + 1));
        return ok_status();
      }));
  Page page;
  for (const auto& n : names) {
    if (static_cast<int>(page.items.size()) == want) {
      page.next = page.items.back();
      break;
    }
    page.items.push_back(n);
  }
  return page;
}

Status WorkflowService::update_workflow(const CallContext& ctx, const std::string& name,
                                        const Json& request) {
  MORTAR_RETURN_IF_ERROR(check_max_concurrent_runs(request));
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(WorkflowRow row,
                            require_workflow(tx, ctx.account_id, name, /*for_write=*/true));
    // UpdateWorkflow replaces the definition: members not given are removed.
    Json body{{"Name", name},
              {"CreatedOn", row.body.value("CreatedOn", 0.0)},
              {"LastModifiedOn", seconds(clock_.now_micros())}};
    apply(body, request);
    row.body = std::move(body);
    return save_workflow(tx, row);
  });
}

Status WorkflowService::delete_workflow(const CallContext& ctx, const std::string& name) {
  Json triggers;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(triggers, workflow_triggers(tx, ctx.account_id, name));
        return ok_status();
      }));
  // The workflow's triggers go with it (its jobs and crawlers stay).
  for (const auto& t : triggers)
    MORTAR_RETURN_IF_ERROR(triggers_.delete_trigger(ctx, t.value("Name", std::string())));
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) {
    return delete_workflow_row(tx, ctx.account_id, name).status();
  });
}

StatusOr<Json> WorkflowService::get_workflow_tags(const CallContext& ctx, const std::string& name) {
  Json tags;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(WorkflowRow row, require_workflow(tx, ctx.account_id, name));
        tags = row.tags.is_object() ? std::move(row.tags) : Json::object();
        return ok_status();
      }));
  return tags;
}

Status WorkflowService::tag_workflow(const CallContext& ctx, const std::string& name,
                                     const Json& tags_to_add) {
  MORTAR_RETURN_IF_ERROR(catalog::check_tag_values(tags_to_add));
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(WorkflowRow row,
                            require_workflow(tx, ctx.account_id, name, /*for_write=*/true));
    if (!tags_to_add.is_object() || tags_to_add.empty()) return ok_status();
    if (!row.tags.is_object()) row.tags = Json::object();
    for (auto it = tags_to_add.begin(); it != tags_to_add.end(); ++it)
      row.tags[it.key()] = it.value();
    MORTAR_RETURN_IF_ERROR(catalog::check_tag_count(static_cast<int64_t>(row.tags.size())));
    return save_workflow(tx, row);
  });
}

Status WorkflowService::untag_workflow(const CallContext& ctx, const std::string& name,
                                       const std::vector<std::string>& keys) {
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(WorkflowRow row,
                            require_workflow(tx, ctx.account_id, name, /*for_write=*/true));
    if (!row.tags.is_object()) row.tags = Json::object();
    const size_t before = row.tags.size();
    for (const auto& k : keys) row.tags.erase(k);
    if (row.tags.size() == before) return ok_status();
    return save_workflow(tx, row);
  });
}

}  // namespace mortar::schedule
