// TriggerService: the firing half -- scheduled fires with their claims,
// conditional triggers on finished runs and crawls, the actions, and keeping
// the scheduler's trigger entries in line with the store.
#include <algorithm>
#include <chrono>
#include <set>

#include "common/utc_time.h"
#include "schedule/glue_schedule.h"
#include "schedule/trigger_service.h"
#include "schedule/workflow_rows.h"

namespace mortar::schedule {
namespace {

using Json = nlohmann::json;

constexpr const char* kEntryPrefix = "trigger/";
// Fire claims older than this are pruned (far beyond any catch-up window).
constexpr int64_t kClaimRetentionMicros = 7LL * 24 * 3600 * 1000000;
constexpr int64_t kPruneEveryMicros = 3600LL * 1000000;

JobAction job_action(const Json& a) {
  JobAction out;
  out.job_name = a.value("JobName", std::string());
  if (auto it = a.find("Arguments"); it != a.end() && it->is_object()) out.arguments = *it;
  if (auto it = a.find("Timeout"); it != a.end() && it->is_number_integer())
    out.timeout_minutes = it->get<int64_t>();
  if (auto it = a.find("NotificationProperty"); it != a.end() && it->is_object()) {
    if (auto d = it->find("NotifyDelayAfter"); d != it->end() && d->is_number_integer())
      out.notify_delay_after = d->get<int64_t>();
  }
  out.security_configuration = a.value("SecurityConfiguration", std::string());
  return out;
}

// Whether `c` watches the job or crawler `kind`/`name`.
bool watches(const Json& c, const std::string& kind, const std::string& name) {
  return kind == "JOB" ? c.value("JobName", std::string()) == name
                       : c.value("CrawlerName", std::string()) == name;
}

// The state `c` waits for, and which job or crawler it watches.
std::string watched_state(const Json& c) {
  return c.contains("JobName") ? c.value("State", std::string())
                               : c.value("CrawlState", std::string());
}
std::string watched_kind(const Json& c) { return c.contains("JobName") ? "JOB" : "CRAWLER"; }
std::string watched_name(const Json& c) {
  return c.contains("JobName") ? c.value("JobName", std::string())
                               : c.value("CrawlerName", std::string());
}

}  // namespace

// --- Actions ------------------------------------------------------------------

StatusOr<TriggerService::PriorCrawls> TriggerService::record_crawl_starts(
    store::Transaction& tx, const std::string& account, const Json& trigger,
    const TriggerOrigin& origin) {
  PriorCrawls prior;
  for (const auto& a : trigger.value("Actions", Json::array())) {
    if (!a.contains("CrawlerName")) continue;
    const std::string crawler = a.value("CrawlerName", std::string());
    // Recorded before the start, so a crawl that ends at once is known to be
    // this trigger's; undone (restoring the earlier record) if it does not start.
    MORTAR_ASSIGN_OR_RETURN(auto previous, take_started_crawl(tx, account, crawler));
    prior.emplace(crawler, std::move(previous));
    MORTAR_RETURN_IF_ERROR(
        put_started_crawl(tx, account, crawler,
                          StartedCrawl{origin.trigger_name, origin.workflow_name,
                                       origin.workflow_run_id, clock_.now_micros()}));
  }
  return prior;
}

Status TriggerService::run_actions(const std::string& account, const Json& trigger,
                                   const TriggerOrigin& origin, std::string* outcome,
                                   const PriorCrawls* prior,
                                   std::vector<StatusOr<std::string>>* started_jobs) {
  PriorCrawls own;
  if (prior == nullptr) {
    Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
      MORTAR_ASSIGN_OR_RETURN(own, record_crawl_starts(tx, account, trigger, origin));
      return ok_status();
    });
    if (!s.ok()) {
      if (outcome != nullptr) *outcome = "not fired: " + s.ToString();
      return s;
    }
    prior = &own;
  }
  Status first;
  std::string lines;
  for (const auto& a : trigger.value("Actions", Json::array())) {
    std::string line;
    Status s;
    if (a.contains("JobName")) {
      const JobAction action = job_action(a);
      // Started already with the batch (fire_batch), in action order.
      StatusOr<std::string> run = internal_error("job action not started");
      if (started_jobs != nullptr && !started_jobs->empty()) {
        run = std::move(started_jobs->front());
        started_jobs->erase(started_jobs->begin());
      } else {
        run = actions_.start_job_run(account, action, origin);
      }
      s = run.status();
      line = "job " + action.job_name + ": " + (run.ok() ? "run " + *run : s.ToString());
    } else {
      const std::string crawler = a.value("CrawlerName", std::string());
      s = actions_.start_crawler_in(account, crawler, origin);
      if (!s.ok()) {
        auto it = prior->find(crawler);
        Status undo = store::run_in_write_transaction(store_, [&](store::Transaction& tx) {
          MORTAR_ASSIGN_OR_RETURN(auto mine, take_started_crawl(tx, account, crawler));
          // Another fire may have replaced the record meanwhile: leave that one.
          if (mine && mine->trigger_name != origin.trigger_name)
            return put_started_crawl(tx, account, crawler, *mine);
          if (it != prior->end() && it->second)
            return put_started_crawl(tx, account, crawler, *it->second);
          return ok_status();
        });
        if (!undo.ok())
          log("warn", "trigger bookkeeping for crawler " + crawler + ": " + undo.ToString());
      }
      line = "crawler " + crawler + ": " + (s.ok() ? std::string("started") : s.ToString());
    }
    if (!s.ok()) {
      ++failed_actions_;
      if (first.ok()) first = s;
    }
    if (!lines.empty()) lines += "; ";
    lines += line;
  }
  if (outcome != nullptr) *outcome = lines;
  return first;
}

Status TriggerService::fire_actions(const std::string& account, const Json& trigger,
                                    const TriggerOrigin& origin, std::string* outcome) {
  return run_actions(account, trigger, origin, outcome);
}

// --- Scheduled ----------------------------------------------------------------

bool TriggerService::fire_scheduled(const std::string& account, const std::string& name,
                                    int64_t scheduled_time) {
  return fire_batch({DueFire{account, name, scheduled_time}}) > 0;
}

int TriggerService::fire_batch(const std::vector<DueFire>& batch) {
  if (batch.empty() || (options_.is_leader && !options_.is_leader())) return 0;
  struct Claimed {
    const DueFire* due;
    TriggerRow row;
    std::string key;
    TriggerOrigin origin;
    PriorCrawls prior;
    std::string outcome;
  };
  std::vector<Claimed> claimed;
  std::vector<const DueFire*> claimed_before;
  const int64_t now = clock_.now_micros();
  // One transaction claims the whole batch (and records the crawls it starts).
  Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    claimed.clear();
    claimed_before.clear();
    for (const DueFire& due : batch) {
      MORTAR_ASSIGN_OR_RETURN(auto row, load_trigger(tx, due.account, due.name));
      // Deleted or stopped through another server meanwhile.
      if (!row || row->type != "SCHEDULED" || row->state != "ACTIVATED") continue;
      const std::string key = "cron:" + std::to_string(due.scheduled_time);
      MORTAR_ASSIGN_OR_RETURN(bool taken, trigger_firing_exists(tx, due.account, due.name, key));
      if (taken) {
        claimed_before.push_back(&due);
        continue;
      }
      MORTAR_RETURN_IF_ERROR(
          insert_trigger_firing(tx, due.account, due.name, key, options_.server_id, now));
      TriggerOrigin origin{due.name, row->body.value("WorkflowName", std::string()), ""};
      PriorCrawls prior;
      // A workflow's start trigger starts a workflow run (after the claim commits).
      if (origin.workflow_name.empty() || workflow_starter_.load() == nullptr) {
        MORTAR_ASSIGN_OR_RETURN(prior, record_crawl_starts(tx, due.account, row->body, origin));
      }
      claimed.push_back(
          Claimed{&due, std::move(*row), key, std::move(origin), std::move(prior), ""});
    }
    return ok_status();
  });
  for (const DueFire* due : claimed_before) {
    log("info", "trigger " + due->name + ": the fire of " + utc_timestamp(due->scheduled_time) +
                    " was claimed already (by this or another server); not fired again");
  }
  if (!s.ok()) {
    for (const DueFire& due : batch) {
      log("error", "trigger " + due.name + ": the fire of " + utc_timestamp(due.scheduled_time) +
                       " failed: " + s.ToString());
    }
    return 0;
  }
  scheduled_fires_ += static_cast<int64_t>(claimed.size());
  // A workflow's start trigger starts a workflow run instead of its actions.
  WorkflowStarter* starter = workflow_starter_.load();
  auto starts_workflow = [&](const Claimed& c) {
    return starter != nullptr && !c.origin.workflow_name.empty();
  };
  // Every other job action of the batch starts in one go (one commit on the
  // jobs side).
  std::vector<JobStart> starts;
  for (const Claimed& c : claimed) {
    if (starts_workflow(c)) continue;
    for (const auto& a : c.row.body.value("Actions", Json::array())) {
      if (a.contains("JobName"))
        starts.push_back(JobStart{c.due->account, job_action(a), c.origin});
    }
  }
  std::vector<StatusOr<std::string>> started = actions_.start_job_runs(starts);
  size_t next = 0;
  for (Claimed& c : claimed) {
    if (starts_workflow(c)) {
      WorkflowStart start;
      start.account_id = c.due->account;
      start.workflow_name = c.origin.workflow_name;
      start.trigger_name = c.due->name;
      auto run = starter->start_workflow_run(start);
      c.outcome = run.ok() ? "workflow " + start.workflow_name + ": run " + *run
                           : "workflow " + start.workflow_name + ": " + run.status().ToString();
      if (!run.ok()) ++failed_actions_;
      log(run.ok() ? "info" : "warn", "trigger " + c.due->name + " fired for " +
                                          utc_timestamp(c.due->scheduled_time) + ": " + c.outcome);
      continue;
    }
    std::vector<StatusOr<std::string>> mine;
    for (const auto& a : c.row.body.value("Actions", Json::array())) {
      if (!a.contains("JobName")) continue;
      mine.push_back(next < started.size() ? std::move(started[next])
                                           : internal_error("job action not started"));
      ++next;
    }
    Status ran = run_actions(c.due->account, c.row.body, c.origin, &c.outcome, &c.prior, &mine);
    log(ran.ok() ? "info" : "warn", "trigger " + c.due->name + " fired for " +
                                        utc_timestamp(c.due->scheduled_time) + ": " + c.outcome);
  }
  // The outcomes, for every fire of the batch in one more transaction.
  Status recorded = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    for (const Claimed& c : claimed) {
      MORTAR_RETURN_IF_ERROR(
          set_trigger_firing_outcome(tx, c.due->account, c.due->name, c.key, c.outcome));
    }
    return ok_status();
  });
  if (!recorded.ok()) log("warn", "recording trigger fire outcomes failed: " + recorded.ToString());
  return static_cast<int>(claimed.size());
}

void TriggerService::firing_loop() {
  std::unique_lock lock(due_mu_);
  while (true) {
    due_cv_.wait(lock, [this] { return stop_firing_ || !due_.empty(); });
    if (stop_firing_) return;
    std::vector<DueFire> batch;
    batch.swap(due_);
    firing_ = true;
    lock.unlock();
    fire_batch(batch);
    lock.lock();
    firing_ = false;
    due_cv_.notify_all();
  }
}

void TriggerService::wait_idle() {
  std::unique_lock lock(due_mu_);
  due_cv_.wait(lock, [this] { return stop_firing_ || (due_.empty() && !firing_); });
}

Status TriggerService::schedule_locked(const std::string& account, const std::string& name,
                                       const std::string& expression) {
  const Key key{account, name};
  auto it = registered_.find(key);
  if (it != registered_.end() && it->second == expression) return ok_status();
  GlueScheduleOptions o;
  o.enforce_min_interval = false;  // checked on input; a stored trigger always registers
  MORTAR_ASSIGN_OR_RETURN(CronExpression cron, parse_glue_schedule(expression, o));
  auto fire = [this, account, name](const FireEvent& e) {
    {
      std::lock_guard lock(due_mu_);
      due_.push_back(DueFire{account, name, e.scheduled_time});
    }
    due_cv_.notify_all();
  };
  const std::string id = entry_id(account, name);
  MORTAR_RETURN_IF_ERROR(scheduler_.contains(id) ? scheduler_.replace(id, std::move(cron), fire)
                                                 : scheduler_.add(id, std::move(cron), fire));
  registered_[key] = expression;
  return ok_status();
}

void TriggerService::unschedule_locked(const std::string& account, const std::string& name) {
  if (registered_.erase({account, name}) > 0) (void)scheduler_.remove(entry_id(account, name));
}

Status TriggerService::reschedule_locked(const TriggerRow& row) {
  if (row.type == "SCHEDULED" && row.state == "ACTIVATED")
    return schedule_locked(row.account, row.name, row.body.value("Schedule", std::string()));
  unschedule_locked(row.account, row.name);
  return ok_status();
}

Status TriggerService::sync_schedules() {
  std::lock_guard lock(mu_);
  std::vector<TriggerRow> rows;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(rows, triggers_in_state(tx, "", "SCHEDULED", "ACTIVATED"));
        return ok_status();
      }));
  std::set<Key> wanted;
  for (const auto& r : rows) wanted.insert({r.account, r.name});
  std::vector<Key> gone;
  for (const auto& [key, expression] : registered_) {
    if (!wanted.count(key)) gone.push_back(key);
  }
  for (const auto& key : gone) unschedule_locked(key.first, key.second);
  Status first;
  for (const auto& r : rows) {
    Status s = schedule_locked(r.account, r.name, r.body.value("Schedule", std::string()));
    if (!s.ok()) {
      log("warn", "trigger " + r.name + ": cannot schedule: " + s.ToString());
      if (first.ok()) first = s;
    }
  }
  return first;
}

Status TriggerService::on_leadership_acquired(int64_t now_seconds) {
  MORTAR_RETURN_IF_ERROR(sync_schedules());
  const int n =
      scheduler_.catch_up(now_seconds, options_.catch_up_window_seconds,
                          [](const std::string& id) { return id.starts_with(kEntryPrefix); });
  if (n > 0) {
    log("info", std::to_string(n) + " scheduled trigger(s) have a fire in the catch-up window (" +
                    std::to_string(options_.catch_up_window_seconds) + " s)");
  }
  return ok_status();
}

void TriggerService::tick() {
  if (options_.is_leader && !options_.is_leader()) return;
  Status s = sync_schedules();
  if (!s.ok()) log("warn", "re-reading trigger schedules failed: " + s.ToString());
  prune();
}

void TriggerService::prune() {
  const int64_t now = clock_.now_micros();
  int64_t last = last_prune_micros_.load();
  if (now - last < kPruneEveryMicros || !last_prune_micros_.compare_exchange_strong(last, now)) {
    return;
  }
  Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_RETURN_IF_ERROR(prune_trigger_firings(tx, now - kClaimRetentionMicros));
    return prune_run_events(tx, now - kClaimRetentionMicros);
  });
  if (!s.ok()) log("warn", "pruning trigger fire claims and run records failed: " + s.ToString());
}

void TriggerService::sync_loop() {
  std::unique_lock lock(sync_mu_);
  while (!sync_cv_.wait_for(lock, std::chrono::milliseconds(options_.sync_interval_millis),
                            [this] { return stopping_; })) {
    lock.unlock();
    tick();
    lock.lock();
  }
}

// --- Conditional --------------------------------------------------------------

std::vector<std::string> TriggerService::on_job_run_finished(const std::string& account,
                                                             const std::string& job,
                                                             const std::string& run_id,
                                                             const std::string& state,
                                                             const TriggerOrigin& origin) {
  RunEvent e;
  e.kind = "JOB";
  e.name = job;
  e.run_id = run_id;
  e.state = state;
  return run_finished(account, std::move(e), origin, /*crawler=*/false);
}

std::vector<std::string> TriggerService::on_crawl_finished(const std::string& account,
                                                           const std::string& crawler,
                                                           const std::string& crawl_id,
                                                           const std::string& state) {
  RunEvent e;
  e.kind = "CRAWLER";
  e.name = crawler;
  e.run_id = crawl_id;
  e.state = state;
  return run_finished(account, std::move(e), TriggerOrigin{}, /*crawler=*/true);
}

std::vector<std::string> TriggerService::run_finished(const std::string& account, RunEvent event,
                                                      const TriggerOrigin& given_origin,
                                                      bool crawler) {
  struct Fire {
    std::string name;
    Json body;
    std::string key;
    std::vector<std::pair<std::string, std::string>> predecessors;  // (job, run id)
  };
  std::vector<Fire> fires;
  TriggerOrigin origin = given_origin;
  bool recorded = false;
  event.finished_micros = clock_.now_micros();
  Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    fires.clear();
    recorded = false;
    origin = given_origin;
    if (crawler) {
      // Only a crawl a trigger started has a record (run_actions wrote it).
      MORTAR_ASSIGN_OR_RETURN(auto started, take_started_crawl(tx, account, event.name));
      if (!started) return ok_status();
      origin = TriggerOrigin{started->trigger_name, started->workflow_name, started->chain};
    }
    // Glue's rule: runs started by hand do not fire conditional triggers.
    if (!origin.started_by_trigger()) return ok_status();
    event.chain = origin.workflow_run_id;
    event.trigger_name = origin.trigger_name;
    auto seq = insert_run_event(tx, account, event);
    if (seq.status().code() == absl::StatusCode::kAlreadyExists)
      return ok_status();  // reported twice
    MORTAR_RETURN_IF_ERROR(seq.status());
    recorded = true;
    // Within a workflow run, the triggers it snapshotted at start (its row
    // locked: one finished node of the run is evaluated at a time).
    std::optional<WorkflowRunRow> workflow_run;
    if (!origin.workflow_run_id.empty()) {
      MORTAR_ASSIGN_OR_RETURN(workflow_run, load_workflow_run(tx, account, origin.workflow_run_id,
                                                              /*for_write=*/true));
    }
    std::vector<TriggerRow> candidates;
    if (workflow_run) {
      for (const auto& t : workflow_run->triggers) {
        if (t.value("Type", "") != "CONDITIONAL" || t.value("State", "") != "ACTIVATED") continue;
        candidates.push_back(TriggerRow{account, t.value("Name", ""), "CONDITIONAL", "ACTIVATED", t,
                                        Json::object(), 0});
      }
    } else {
      MORTAR_ASSIGN_OR_RETURN(candidates,
                              triggers_in_state(tx, account, "CONDITIONAL", "ACTIVATED"));
    }
    for (const auto& candidate : candidates) {  // by name: rows are locked in one order
      // Triggers of a workflow fire within its runs only, and the others outside any.
      if (candidate.body.value("WorkflowName", std::string()) != origin.workflow_name) continue;
      const Json predicate = candidate.body.value("Predicate", Json::object());
      const Json conditions = predicate.value("Conditions", Json::array());
      bool matches_event = false;
      for (const auto& c : conditions) {
        matches_event = matches_event ||
                        (watches(c, event.kind, event.name) && watched_state(c) == event.state);
      }
      if (!matches_event) continue;
      TriggerRow row = candidate;
      if (!workflow_run) {
        MORTAR_ASSIGN_OR_RETURN(row, require_trigger_for_write(tx, account, candidate.name));
        if (row.state != "ACTIVATED" || row.type != "CONDITIONAL") continue;
      }
      std::vector<std::pair<std::string, std::string>> predecessors;
      if (predicate.value("Logical", std::string("AND")) == "AND") {
        // Every watched job/crawler's newest trigger-started run in this chain
        // ended as watched, each after the trigger's previous fire here.
        MORTAR_ASSIGN_OR_RETURN(int64_t fired_seq,
                                chain_fired_seq(tx, account, row.name, event.chain));
        bool all = true;
        for (const auto& c : conditions) {
          MORTAR_ASSIGN_OR_RETURN(auto latest, latest_run_event(tx, account, watched_kind(c),
                                                                watched_name(c), event.chain));
          if (!latest || latest->state != watched_state(c) || latest->seq <= fired_seq) {
            all = false;
            break;
          }
          if (latest->kind == "JOB") {
            const std::string id = latest->run_id;
            predecessors.emplace_back(latest->name, id.substr(0, id.find(kCopiedRunSeparator)));
          }
        }
        if (!all) continue;
        MORTAR_RETURN_IF_ERROR(set_chain_fired_seq(tx, account, row.name, event.chain, *seq));
      } else if (event.kind == "JOB") {
        predecessors.emplace_back(event.name, event.run_id);
      }
      const std::string key = "run:" + event.kind + ":" + event.run_id;
      MORTAR_RETURN_IF_ERROR(insert_trigger_firing(tx, account, row.name, key, options_.server_id,
                                                   event.finished_micros));
      fires.push_back(Fire{row.name, row.body, key, std::move(predecessors)});
    }
    return ok_status();
  });
  const std::string what =
      (crawler ? "crawler " : "job ") + event.name + " (" + event.run_id + ", " + event.state + ")";
  if (!s.ok()) {
    log("error", "conditional triggers after " + what + " failed: " + s.ToString());
    return {};
  }
  std::vector<std::string> fired;
  if (!recorded) return fired;
  prune();
  conditional_fires_ += static_cast<int64_t>(fires.size());
  for (const Fire& f : fires) {
    TriggerOrigin next{f.name, origin.workflow_name, origin.workflow_run_id, f.predecessors};
    std::string outcome;
    Status ran = run_actions(account, f.body, next, &outcome);
    log(ran.ok() ? "info" : "warn", "trigger " + f.name + " fired after " + what + ": " + outcome);
    (void)store::run_in_write_transaction(store_, [&](store::Transaction& tx) {
      return set_trigger_firing_outcome(tx, account, f.name, f.key, outcome);
    });
    fired.push_back(f.name);
  }
  return fired;
}

}  // namespace mortar::schedule
