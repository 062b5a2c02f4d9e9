// TriggerService: Glue's trigger API (Create/Get/GetTriggers/BatchGet/List/
// Update/Delete/Start/StopTrigger, tags on trigger ARNs) and the firing of
// triggers. Triggers live in the Store (trigger_rows.h); what a fire does
// goes through TriggerActions (server/ implements it over the crawler and
// jobs services).
//
// States, as Glue reports them once each call returns (Mortar's changes are
// synchronous, so the transitional CREATING/ACTIVATING/DEACTIVATING/
// UPDATING/DELETING are never observed):
//   ON_DEMAND                    CREATED, always (StartTrigger fires it at once)
//   SCHEDULED, CONDITIONAL       CREATED --StartTrigger--> ACTIVATED
//                                --StopTrigger--> DEACTIVATED --StartTrigger--> ...
//                                (StartOnCreation: ACTIVATED at once)
//   EVENT                        stored and activated like SCHEDULED; nothing
//                                fires it until event sources exist
//
// Firing:
//   - SCHEDULED + ACTIVATED triggers are entries "trigger/<account>/<name>"
//     on the server's one schedule::Scheduler, which runs only on the
//     scheduler leader. Each fire claims (trigger, cron time) in the store
//     first, so a time fires once across servers and failovers; after a
//     leadership change on_leadership_acquired() re-reads the triggers and
//     lets the latest missed time within the window fire once.
//   - CONDITIONAL + ACTIVATED triggers fire from on_job_run_finished() and
//     on_crawl_finished(): only runs and crawls a trigger or workflow started
//     count (Glue's rule); ANY fires on each finished run matching one
//     condition, AND when the newest trigger-started run of every watched
//     job/crawler in the chain (the workflow run; "" outside workflows) ended
//     in the watched state, each after the trigger's previous fire in that
//     chain (so yesterday's success of one job does not stand in for today's).
//     Each finished run is recorded once (by run id), so it fires each
//     trigger at most once.
//   - Every action is attempted; one failing never stops the others.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/call_context.h"
#include "common/clock.h"
#include "common/page.h"
#include "common/status.h"
#include "schedule/scheduler.h"
#include "schedule/trigger_actions.h"
#include "schedule/trigger_rows.h"
#include "schedule/trigger_validation.h"
#include "schedule/workflow_starter.h"
#include "store/store.h"

namespace mortar::schedule {

// Counters since start-up, for /metrics.
struct TriggerStats {
  int64_t scheduled_fires = 0;    // cron times this server claimed and fired
  int64_t conditional_fires = 0;  // conditional triggers fired by finished runs
  int64_t on_demand_fires = 0;    // StartTrigger on ON_DEMAND triggers
  int64_t failed_actions = 0;     // actions that could not start a run or crawl
};

struct TriggerServiceOptions {
  // The scheduler's clock (a test clock moves both).
  const Clock* clock = &Clock::real();
  TriggerRules rules;
  // Names this server in fire claims.
  std::string server_id = "local";
  // Whether this server leads the scheduler now; unset: always.
  std::function<bool()> is_leader;
  // On taking the lead, each trigger's latest cron time this recent fires
  // once unless a server claimed it; older misses are not backfilled.
  int64_t catch_up_window_seconds = 600;
  // How often the leader re-reads SCHEDULED triggers from the store (others
  // servers may have changed them) and prunes old claims; 0: no thread
  // (one server per store, or tests calling tick()).
  int64_t sync_interval_millis = 0;
  // Fires skipped or failed, actions that failed; may be unset.
  std::function<void(const std::string& level, const std::string& message)> event_log;
};

class TriggerService {
 public:
  // Also migrates the workflow rows: conditional triggers within a workflow
  // run fire from its snapshot of the triggers.
  static Status migrate(store::Store& store);
  // Registers the ACTIVATED SCHEDULED triggers on `scheduler`. `store`,
  // `scheduler` and `actions` must outlive the service; the store must be
  // migrated.
  static StatusOr<std::unique_ptr<TriggerService>> create(store::Store& store, Scheduler& scheduler,
                                                          TriggerActions& actions,
                                                          TriggerServiceOptions options);
  // Stops the sync thread, removes its scheduler entries and waits for
  // fires in flight.
  ~TriggerService();
  TriggerService(const TriggerService&) = delete;
  TriggerService& operator=(const TriggerService&) = delete;

  // --- The API (inputs are Glue requests, already model-checked) -----------
  // Returns the trigger's name.
  StatusOr<std::string> create_trigger(const CallContext& ctx, const nlohmann::json& request);
  StatusOr<nlohmann::json> get_trigger(const CallContext& ctx, const std::string& name);
  // Trigger objects after `after` (by name). `dependent_job` non-empty: the
  // triggers with an action starting that job -- or, as Glue documents, all
  // triggers when none has.
  StatusOr<Page> get_triggers(const CallContext& ctx, const std::string& dependent_job,
                              const std::string& after, int limit);
  // Names, filtered like get_triggers and by `tags` (an object; empty: all).
  StatusOr<Page> list_triggers(const CallContext& ctx, const std::string& dependent_job,
                               const nlohmann::json& tags, const std::string& after, int limit);
  // {"Triggers": [...], "TriggersNotFound": [...]}.
  StatusOr<nlohmann::json> batch_get_triggers(const CallContext& ctx,
                                              const std::vector<std::string>& names);
  // Returns the updated Trigger.
  StatusOr<nlohmann::json> update_trigger(const CallContext& ctx, const std::string& name,
                                          const nlohmann::json& update);
  // No error when the trigger does not exist (Glue's DeleteTrigger).
  Status delete_trigger(const CallContext& ctx, const std::string& name);
  // ON_DEMAND: fires now (every action attempted; the first failure is
  // returned). SCHEDULED/CONDITIONAL/EVENT: ACTIVATED.
  Status start_trigger(const CallContext& ctx, const std::string& name);
  // DEACTIVATED; InvalidInput for an ON_DEMAND trigger.
  Status stop_trigger(const CallContext& ctx, const std::string& name);

  StatusOr<nlohmann::json> get_trigger_tags(const CallContext& ctx, const std::string& name);
  Status tag_trigger(const CallContext& ctx, const std::string& name,
                     const nlohmann::json& tags_to_add);
  Status untag_trigger(const CallContext& ctx, const std::string& name,
                       const std::vector<std::string>& keys);

  // --- Firing ---------------------------------------------------------------
  // Where a fire of a workflow's SCHEDULED or ON_DEMAND start trigger goes:
  // it starts a run of the workflow (which fires the trigger within it).
  // Unset: such a trigger runs its actions outside any workflow run. The
  // starter must outlive the service or be unset first.
  void set_workflow_starter(WorkflowStarter* starter) { workflow_starter_ = starter; }
  // Runs every action of `trigger` (a Trigger object) with `origin`, as a
  // fire does (the WorkflowService fires a start trigger within a new run);
  // every action is attempted, the first failure returned, one line per
  // action in `outcome`.
  Status fire_actions(const std::string& account, const nlohmann::json& trigger,
                      const TriggerOrigin& origin, std::string* outcome);
  // A scheduled time of a trigger is due: claims (trigger, scheduled_time)
  // and runs the actions unless that time was claimed already or the trigger
  // is no longer ACTIVATED. Returns whether it fired. The scheduler's
  // callbacks only queue their fires for the firing thread, which claims
  // every queued fire in one transaction (a burst of triggers due in the same
  // minute costs a few commits, not one each) and then runs their actions.
  bool fire_scheduled(const std::string& account, const std::string& name, int64_t scheduled_time);
  // Blocks until no queued scheduled fire is waiting or firing (tests).
  void wait_idle();

  // A job run reached a final state (SUCCEEDED, FAILED, STOPPED, TIMEOUT,
  // ERROR ...); `origin` is the run's (JobRun.TriggerName, workflow). Runs
  // no trigger or workflow started are ignored. Returns the triggers fired.
  std::vector<std::string> on_job_run_finished(const std::string& account, const std::string& job,
                                               const std::string& run_id, const std::string& state,
                                               const TriggerOrigin& origin);
  // A crawl ended (SUCCEEDED, FAILED or CANCELLED). Whether a trigger
  // started it is this service's own record (it started it). Returns the
  // triggers fired.
  std::vector<std::string> on_crawl_finished(const std::string& account, const std::string& crawler,
                                             const std::string& crawl_id, const std::string& state);

  // Re-reads the SCHEDULED triggers from the store and brings the scheduler
  // in line (entries whose schedule is unchanged keep their next fire).
  Status sync_schedules();
  // This server just became the scheduler's leader: sync_schedules(), then
  // re-arm the trigger entries for the catch-up window. Before the
  // scheduler runs; `now_seconds` on the scheduler's clock.
  Status on_leadership_acquired(int64_t now_seconds);
  // On the leader: sync_schedules() and prune().
  void tick();
  // Forgets fire claims and finished-run records (prune_run_events) older
  // than 7 days; at most once an hour. Besides tick() (the leader on a
  // shared store), recording a finished run calls it, so a one-server store
  // prunes too.
  void prune();

  // The fire claims of a trigger, oldest first (tests, diagnostics).
  StatusOr<std::vector<TriggerFiring>> firings(const std::string& account, const std::string& name);
  static std::string entry_id(const std::string& account, const std::string& name);
  TriggerStats stats() const;

 private:
  using Key = std::pair<std::string, std::string>;  // (account, name)

  TriggerService(store::Store& store, Scheduler& scheduler, TriggerActions& actions,
                 TriggerServiceOptions options);
  struct DueFire {
    std::string account;
    std::string name;
    int64_t scheduled_time = 0;
  };
  // What a crawler's trigger-started record was before a fire replaced it
  // (restored if the crawler does not start), by crawler name.
  using PriorCrawls = std::map<std::string, std::optional<StartedCrawl>>;

  // Runs every action of `trigger`; returns one line per action and the
  // first failure. `prior` non-null: the crawler actions' records are
  // written already (in the claim's transaction). `started_jobs` non-null:
  // the job actions' results, in order (started with the batch).
  Status run_actions(const std::string& account, const nlohmann::json& trigger,
                     const TriggerOrigin& origin, std::string* outcome,
                     const PriorCrawls* prior = nullptr,
                     std::vector<StatusOr<std::string>>* started_jobs = nullptr);
  // In `tx`: records `origin` as the starter of each crawler action's crawl.
  StatusOr<PriorCrawls> record_crawl_starts(store::Transaction& tx, const std::string& account,
                                            const nlohmann::json& trigger,
                                            const TriggerOrigin& origin);
  // Claims and fires `batch`; returns how many fired.
  int fire_batch(const std::vector<DueFire>& batch);
  void firing_loop();
  std::vector<std::string> run_finished(const std::string& account, RunEvent event,
                                        const TriggerOrigin& origin, bool crawler);
  Status schedule_locked(const std::string& account, const std::string& name,
                         const std::string& expression);                        // requires mu_
  void unschedule_locked(const std::string& account, const std::string& name);  // requires mu_
  // Brings the scheduler entry of `row` in line with its state. Requires mu_.
  Status reschedule_locked(const TriggerRow& row);
  nlohmann::json view(const TriggerRow& row) const;
  // NotFound when an action names a job or crawler that does not exist.
  Status check_targets(const CallContext& ctx, const nlohmann::json& trigger);
  // One page of the account's triggers: Trigger objects or names.
  StatusOr<Page> page_of(const CallContext& ctx, const std::string& dependent_job,
                         const nlohmann::json& tags, const std::string& after, int limit,
                         bool objects);
  void log(const std::string& level, const std::string& message) const;
  void sync_loop();

  store::Store& store_;
  Scheduler& scheduler_;
  TriggerActions& actions_;
  const TriggerServiceOptions options_;
  const Clock& clock_;

  // Serializes API writes with the scheduler entries they imply (a sync
  // never undoes a change this server just made). Not held while firing.
  std::mutex mu_;
  std::map<Key, std::string> registered_;  // guarded by mu_: what scheduler_ has

  // Scheduled fires queued by scheduler callbacks for the firing thread.
  std::mutex due_mu_;
  std::condition_variable due_cv_;  // queue grew, a batch finished, or stopping
  std::vector<DueFire> due_;        // guarded by due_mu_
  bool firing_ = false;             // guarded by due_mu_: a batch is being fired
  bool stop_firing_ = false;        // guarded by due_mu_
  std::thread firing_thread_;

  std::atomic<WorkflowStarter*> workflow_starter_{nullptr};
  std::atomic<int64_t> scheduled_fires_{0};
  std::atomic<int64_t> conditional_fires_{0};
  std::atomic<int64_t> on_demand_fires_{0};
  std::atomic<int64_t> failed_actions_{0};
  std::atomic<int64_t> last_prune_micros_{0};  // tick(): when fire claims were last pruned
  std::mutex sync_mu_;                         // guards stopping_
  std::condition_variable sync_cv_;
  bool stopping_ = false;
  std::thread sync_thread_;
};

}  // namespace mortar::schedule
