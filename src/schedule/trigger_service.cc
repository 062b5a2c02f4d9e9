// TriggerService: the API half (CRUD, start/stop, tags). Firing is in
// trigger_firing.cc.
#include "schedule/trigger_service.h"

#include <algorithm>
#include <set>

#include "catalog/tag_rules.h"
#include "schedule/glue_schedule.h"
#include "schedule/workflow_rows.h"

namespace mortar::schedule {
namespace {

using Json = nlohmann::json;

bool starts_job(const Json& trigger, const std::string& job) {
  for (const auto& a : trigger.value("Actions", Json::array())) {
    if (a.is_object() && a.value("JobName", std::string()) == job) return true;
  }
  return false;
}

bool has_tags(const Json& have, const Json& want) {
  if (!want.is_object()) return true;
  for (auto it = want.begin(); it != want.end(); ++it) {
    auto h = have.find(it.key());
    if (h == have.end() || *h != it.value()) return false;
  }
  return true;
}

// Activation is what makes SCHEDULED/CONDITIONAL/EVENT triggers fire;
// ON_DEMAND ones are always CREATED.
bool can_activate(const std::string& type) { return type != "ON_DEMAND"; }

}  // namespace

Status TriggerService::migrate(store::Store& store) {
  MORTAR_RETURN_IF_ERROR(migrate_trigger_rows(store));
  // Conditional triggers within a workflow run fire from the run's snapshot.
  return migrate_workflow_rows(store);
}

TriggerService::TriggerService(store::Store& store, Scheduler& scheduler, TriggerActions& actions,
                               TriggerServiceOptions options)
    : store_(store),
      scheduler_(scheduler),
      actions_(actions),
      options_(std::move(options)),
      clock_(*options_.clock) {}

StatusOr<std::unique_ptr<TriggerService>> TriggerService::create(store::Store& store,
                                                                 Scheduler& scheduler,
                                                                 TriggerActions& actions,
                                                                 TriggerServiceOptions options) {
  std::unique_ptr<TriggerService> s(
      new TriggerService(store, scheduler, actions, std::move(options)));
  MORTAR_RETURN_IF_ERROR(s->sync_schedules());
  s->firing_thread_ = std::thread([p = s.get()] { p->firing_loop(); });
  if (s->options_.sync_interval_millis > 0) {
    s->sync_thread_ = std::thread([p = s.get()] { p->sync_loop(); });
  }
  return s;
}

TriggerService::~TriggerService() {
  {
    std::lock_guard lock(sync_mu_);
    stopping_ = true;
  }
  sync_cv_.notify_all();
  if (sync_thread_.joinable()) sync_thread_.join();
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, expression] : registered_)
      (void)scheduler_.remove(entry_id(key.first, key.second));
    registered_.clear();
  }
  scheduler_.wait_idle();  // callbacks already running queue into this service
  {
    std::lock_guard lock(due_mu_);
    stop_firing_ = true;  // fires still queued are dropped
  }
  due_cv_.notify_all();
  if (firing_thread_.joinable()) firing_thread_.join();
}

std::string TriggerService::entry_id(const std::string& account, const std::string& name) {
  return "trigger/" + account + "/" + name;
}

void TriggerService::log(const std::string& level, const std::string& message) const {
  if (options_.event_log) options_.event_log(level, message);
}

Json TriggerService::view(const TriggerRow& row) const {
  Json t = row.body;
  t["State"] = row.state;
  return t;
}

Status TriggerService::check_targets(const CallContext& ctx, const Json& trigger) {
  for (const auto& a : trigger.value("Actions", Json::array())) {
    if (a.contains("JobName")) {
      MORTAR_RETURN_IF_ERROR(actions_.check_job(ctx.account_id, a.value("JobName", "")));
    } else {
      MORTAR_RETURN_IF_ERROR(actions_.check_crawler(ctx.account_id, a.value("CrawlerName", "")));
    }
  }
  return ok_status();
}

StatusOr<std::string> TriggerService::create_trigger(const CallContext& ctx, const Json& request) {
  MORTAR_ASSIGN_OR_RETURN(Json body, trigger_from_create_request(request, options_.rules));
  TriggerRow row;
  row.account = ctx.account_id;
  row.name = body["Name"].get<std::string>();
  row.type = body["Type"].get<std::string>();
  row.state =
      request.value("StartOnCreation", false) && can_activate(row.type) ? "ACTIVATED" : "CREATED";
  row.body = std::move(body);
  if (auto tags = request.find("Tags"); tags != request.end() && tags->is_object())
    row.tags = *tags;
  row.created_micros = clock_.now_micros();
  MORTAR_RETURN_IF_ERROR(check_targets(ctx, row.body));
  std::lock_guard lock(mu_);
  MORTAR_RETURN_IF_ERROR(store::run_in_write_transaction(
      store_, [&](store::Transaction& tx) { return insert_trigger(tx, row); }));
  MORTAR_RETURN_IF_ERROR(reschedule_locked(row));
  return row.name;
}

StatusOr<Json> TriggerService::get_trigger(const CallContext& ctx, const std::string& name) {
  TriggerRow row;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(row, require_trigger(tx, ctx.account_id, name));
        return ok_status();
      }));
  return view(row);
}

StatusOr<Page> TriggerService::get_triggers(const CallContext& ctx,
                                            const std::string& dependent_job,
                                            const std::string& after, int limit) {
  return page_of(ctx, dependent_job, Json(), after, limit, /*objects=*/true);
}

StatusOr<Page> TriggerService::list_triggers(const CallContext& ctx,
                                             const std::string& dependent_job, const Json& tags,
                                             const std::string& after, int limit) {
  return page_of(ctx, dependent_job, tags, after, limit, /*objects=*/false);
}

StatusOr<Page> TriggerService::page_of(const CallContext& ctx, const std::string& dependent_job,
                                       const Json& tags, const std::string& after, int limit,
                                       bool objects) {
  const size_t want = static_cast<size_t>(std::max(1, limit));
  std::vector<TriggerRow> rows;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(rows, list_trigger_rows(tx, ctx.account_id, "", 1 << 30));
        return ok_status();
      }));
  // Glue documents DependentJobName as "the trigger that can start this job
  // is returned; if there is no such trigger, all triggers are returned".
  bool filter_job = false;
  if (!dependent_job.empty()) {
    for (const auto& r : rows) filter_job = filter_job || starts_job(r.body, dependent_job);
  }
  Page page;
  for (auto& r : rows) {
    if (r.name <= after) continue;
    if (filter_job && !starts_job(r.body, dependent_job)) continue;
    if (!has_tags(r.tags, tags)) continue;
    if (page.items.size() == want) {
      page.next = objects ? page.items.back()["Name"] : page.items.back();
      break;
    }
    if (objects) {
      page.items.push_back(view(r));
    } else {
      page.items.push_back(r.name);
    }
  }
  return page;
}

StatusOr<Json> TriggerService::batch_get_triggers(const CallContext& ctx,
                                                  const std::vector<std::string>& names) {
  Json found = Json::array();
  Json missing = Json::array();
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        found = Json::array();
        missing = Json::array();
        std::set<std::string> seen;
        for (const auto& n : names) {
          if (!seen.insert(n).second) continue;
          MORTAR_ASSIGN_OR_RETURN(auto row, load_trigger(tx, ctx.account_id, n));
          if (row) {
            found.push_back(view(*row));
          } else {
            missing.push_back(n);
          }
        }
        return ok_status();
      }));
  Json out = Json::object();
  out["Triggers"] = std::move(found);
  out["TriggersNotFound"] = std::move(missing);
  return out;
}

StatusOr<Json> TriggerService::update_trigger(const CallContext& ctx, const std::string& name,
                                              const Json& update) {
  std::lock_guard lock(mu_);
  TriggerRow row;
  // Validated (and the named jobs/crawlers looked up) before the write
  // transaction, which then re-applies the update to the row it locks.
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(row, require_trigger(tx, ctx.account_id, name));
        return ok_status();
      }));
  MORTAR_ASSIGN_OR_RETURN(Json checked, apply_trigger_update(row.body, update, options_.rules));
  if (update.contains("Actions")) MORTAR_RETURN_IF_ERROR(check_targets(ctx, checked));
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(row, require_trigger_for_write(tx, ctx.account_id, name));
        MORTAR_ASSIGN_OR_RETURN(row.body, apply_trigger_update(row.body, update, options_.rules));
        return save_trigger(tx, row);
      }));
  MORTAR_RETURN_IF_ERROR(reschedule_locked(row));
  return view(row);
}

Status TriggerService::delete_trigger(const CallContext& ctx, const std::string& name) {
  std::lock_guard lock(mu_);
  MORTAR_RETURN_IF_ERROR(store::run_in_write_transaction(store_, [&](store::Transaction& tx) {
    return delete_trigger_row(tx, ctx.account_id, name).status();
  }));
  unschedule_locked(ctx.account_id, name);
  return ok_status();
}

Status TriggerService::start_trigger(const CallContext& ctx, const std::string& name) {
  TriggerRow row;
  {
    std::lock_guard lock(mu_);
    MORTAR_RETURN_IF_ERROR(
        store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
          MORTAR_ASSIGN_OR_RETURN(row, require_trigger_for_write(tx, ctx.account_id, name));
          if (!can_activate(row.type) || row.state == "ACTIVATED") return ok_status();
          row.state = "ACTIVATED";
          return save_trigger(tx, row);
        }));
    MORTAR_RETURN_IF_ERROR(reschedule_locked(row));
  }
  if (can_activate(row.type)) return ok_status();
  // ON_DEMAND: fire now, outside the lock (actions start crawls and runs).
  TriggerOrigin origin{name, row.body.value("WorkflowName", std::string()), ""};
  std::string outcome;
  ++on_demand_fires_;
  if (WorkflowStarter* starter = workflow_starter_.load();
      starter != nullptr && !origin.workflow_name.empty()) {
    // A workflow's on-demand trigger starts a run of the workflow.
    WorkflowStart start;
    start.account_id = ctx.account_id;
    start.workflow_name = origin.workflow_name;
    start.trigger_name = name;
    return starter->start_workflow_run(start).status();
  }
  Status s = run_actions(ctx.account_id, row.body, origin, &outcome);
  log(s.ok() ? "info" : "warn", "trigger " + name + " started on demand: " + outcome);
  return s;
}

Status TriggerService::stop_trigger(const CallContext& ctx, const std::string& name) {
  std::lock_guard lock(mu_);
  TriggerRow row;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(row, require_trigger_for_write(tx, ctx.account_id, name));
        if (!can_activate(row.type))
          return invalid_input("Trigger " + name +
                               " is an ON_DEMAND trigger: it is never activated, so it cannot be "
                               "stopped");
        if (row.state == "DEACTIVATED") return ok_status();
        row.state = "DEACTIVATED";
        return save_trigger(tx, row);
      }));
  return reschedule_locked(row);
}

StatusOr<Json> TriggerService::get_trigger_tags(const CallContext& ctx, const std::string& name) {
  Json tags;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(TriggerRow row, require_trigger(tx, ctx.account_id, name));
        tags = row.tags.is_object() ? std::move(row.tags) : Json::object();
        return ok_status();
      }));
  return tags;
}

Status TriggerService::tag_trigger(const CallContext& ctx, const std::string& name,
                                   const Json& tags_to_add) {
  MORTAR_RETURN_IF_ERROR(catalog::check_tag_values(tags_to_add));
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(TriggerRow row, require_trigger_for_write(tx, ctx.account_id, name));
    if (!tags_to_add.is_object() || tags_to_add.empty()) return ok_status();
    if (!row.tags.is_object()) row.tags = Json::object();
    for (auto it = tags_to_add.begin(); it != tags_to_add.end(); ++it)
      row.tags[it.key()] = it.value();
    MORTAR_RETURN_IF_ERROR(catalog::check_tag_count(static_cast<int64_t>(row.tags.size())));
    return save_trigger(tx, row);
  });
}

Status TriggerService::untag_trigger(const CallContext& ctx, const std::string& name,
                                     const std::vector<std::string>& keys) {
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(TriggerRow row, require_trigger_for_write(tx, ctx.account_id, name));
    if (!row.tags.is_object()) row.tags = Json::object();
    const size_t before = row.tags.size();
    for (const auto& k : keys) row.tags.erase(k);
    if (row.tags.size() == before) return ok_status();
    return save_trigger(tx, row);
  });
}

TriggerStats TriggerService::stats() const {
  return TriggerStats{scheduled_fires_.load(), conditional_fires_.load(), on_demand_fires_.load(),
                      failed_actions_.load()};
}

StatusOr<std::vector<TriggerFiring>> TriggerService::firings(const std::string& account,
                                                             const std::string& name) {
  std::vector<TriggerFiring> out;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(out, list_trigger_firings(tx, account, name));
        return ok_status();
      }));
  return out;
}

}  // namespace mortar::schedule
