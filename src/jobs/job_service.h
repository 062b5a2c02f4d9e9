// JobService: Glue's jobs API and the job run state machine. Job definitions
// and runs live in the Store (job_rows.h); runs are claimed from a queue in
// the store (run_claims.h), so with several servers on one store each run is
// run by exactly one of them, and each run executes on its own thread here
// through a RunExecutor (JobRunner in production, a fake in tests).
//
// Run states (README.md has the full table):
//   STARTING --claimed, executor started--> RUNNING --> SUCCEEDED | FAILED | TIMEOUT
//   STARTING/RUNNING --BatchStopJobRun--> STOPPING --> STOPPED
//   WAITING (queued: MaxConcurrentRuns reached and JobRunQueuingEnabled)
//     --a slot frees--> STARTING;  --its Timeout passes--> EXPIRED
//   ERROR: a trigger or workflow named a job that does not exist.
// A FAILED run with retries left (MaxRetries) starts `<id>_attempt_<N>`.
// Timeouts, retries and queue expiry follow the Clock's timers, so tests
// drive them with a FakeClock.
//
// Thread-safe: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/call_context.h"
#include "common/clock.h"
#include "common/page.h"
#include "common/status.h"
#include "jobs/credential_issuer.h"
#include "jobs/run_executor.h"
#include "store/store.h"

namespace mortar::jobs {

using Json = nlohmann::json;
struct RunRow;  // job_rows.h

// Told after a run reaches a final state (the triggers side listens).
struct JobRunFinished {
  std::string account_id;
  std::string job_name;
  std::string run_id;
  std::string state;  // SUCCEEDED, FAILED, TIMEOUT, STOPPED, EXPIRED or ERROR
  std::string error_message;
  std::string trigger_name;  // "" for a direct StartJobRun
  RunOrigin origin;
  std::string retry_run_id;      // the attempt started to retry this run (MaxRetries), if any
  double duration_seconds = -1;  // StartedOn to CompletedOn; -1 when unknown
};

// A run still in flight (STARTING, RUNNING or STOPPING) NotifyDelayAfter
// minutes after it started: Glue's "Glue Job Run Status" event.
struct JobRunDelayed {
  std::string account_id;
  std::string job_name;
  std::string run_id;
  std::string state;
  int notify_delay_minutes = 0;
};

// A run started by a trigger or a workflow rather than StartJobRun.
struct TriggeredRun {
  RunOrigin origin;
  Json arguments = Json::object();     // the action's Arguments (replace DefaultArguments' keys)
  std::optional<int> timeout_minutes;  // the action's Timeout
  std::optional<int> notify_delay_after;
  std::vector<std::pair<std::string, std::string>> predecessors;  // (job name, run id)
};

// One of a batch of trigger starts (start_triggered_runs).
struct TriggeredStart {
  std::string account_id;
  std::string region;
  std::string job_name;
  TriggeredRun run;
};

struct JobServiceOptions {
  const Clock* clock = &Clock::real();
  // Required to run anything; unset: runs stay STARTING (tests of the API only).
  RunExecutor* executor = nullptr;
  CredentialIssuer* credentials = nullptr;  // unset: runs get no key of their own
  std::string endpoint;                     // the URL a run's script reaches the API at
  // Runs this server executes at once; more wait in the queue (STARTING).
  int max_concurrent_runs = 4;
  std::function<void(const JobRunFinished&)> on_run_finished;
  // Once per run of this server whose NotificationProperty.NotifyDelayAfter
  // (the run's, else the job's) passed while it was in flight; may be unset.
  std::function<void(const JobRunDelayed&)> on_run_delayed;
  // After DeleteJob removed the job (e.g. to forget its bookmark).
  std::function<void(const std::string& account_id, const std::string& job_name)> on_job_deleted;
  // Server-level events; may be unset.
  std::function<void(const std::string& level, const std::string& message)> event_log;

  // --- Several servers on one store ---
  // Names this process in the runs it claims; "" makes a random one.
  std::string server_id;
  // Every process of this data dir's server has ids starting with it (see
  // crawler::server_id_prefix): a restarted server fails its previous
  // process's runs at once instead of waiting for their heartbeat to go stale.
  std::string restart_prefix;
  // How often the background thread heartbeats this server's runs, claims
  // queued runs and (on the leader) recovers dead servers' runs and expires
  // queued ones; 0: no thread (tests call tick()).
  int64_t heartbeat_interval_millis = 2000;
  // A run whose owner has not beaten for this long is given up.
  int64_t heartbeat_timeout_millis = 30000;
  // Whether this server leads the scheduler now; unset: always.
  std::function<bool()> is_leader;
};

class JobService {
 public:
  static Status migrate(store::Store& store);
  // Finishes runs a previous process of this server left in flight (FAILED
  // "the server restarted during the run", or retried), then starts the
  // background thread. The store must be migrated; it and the options'
  // pointers must outlive the service.
  static StatusOr<std::unique_ptr<JobService>> create(store::Store& store,
                                                      JobServiceOptions options);
  // Stops this server's runs (each ends FAILED "the server stopped during
  // the run", or is retried) and joins every thread.
  ~JobService();
  JobService(const JobService&) = delete;
  JobService& operator=(const JobService&) = delete;

  // --- Jobs (inputs are the Glue requests, already model-checked) ---
  // Returns the name.
  StatusOr<std::string> create_job(const CallContext& ctx, const Json& request);
  Status update_job(const CallContext& ctx, const std::string& name, const Json& job_update);
  // Idempotent, as Glue: deleting an absent job is fine. Runs in flight are
  // stopped; the job's run history goes with it.
  Status delete_job(const CallContext& ctx, const std::string& name);
  StatusOr<Json> get_job(const CallContext& ctx, const std::string& name);
  StatusOr<Page> get_jobs(const CallContext& ctx, const std::string& after, int limit);
  // Names carrying every tag of `tags` (an object; empty/null: all).
  StatusOr<Page> list_jobs(const CallContext& ctx, const Json& tags, const std::string& after,
                           int limit);
  // {"Jobs": [...], "JobsNotFound": [...]}.
  StatusOr<Json> batch_get_jobs(const CallContext& ctx, const std::vector<std::string>& names);

  // Tags by ARN (job/<name>).
  StatusOr<Json> get_job_tags(const CallContext& ctx, const std::string& name);
  Status tag_job(const CallContext& ctx, const std::string& name, const Json& tags_to_add);
  Status untag_job(const CallContext& ctx, const std::string& name,
                   const std::vector<std::string>& keys);

  // --- Runs ---
  // StartJobRun; returns the JobRunId.
  StatusOr<std::string> start_job_run(const CallContext& ctx, const Json& request);
  // A trigger's or workflow's action. When the job does not exist the run
  // is recorded as ERROR (and its id returned); when MaxConcurrentRuns is
  // reached without queuing it is recorded FAILED, as Glue does for runs
  // nobody called synchronously.
  StatusOr<std::string> start_triggered_run(const std::string& account_id,
                                            const std::string& region, const std::string& job_name,
                                            const TriggeredRun& run);
  // start_triggered_run for many runs in one store transaction (one commit,
  // so a burst of due triggers costs one fsync, not one per run). One result
  // per start, in order; a start that cannot run (its command) fails alone.
  std::vector<StatusOr<std::string>> start_triggered_runs(
      const std::vector<TriggeredStart>& starts);
  // Records a final ERROR run of `job_name` (which may not exist) with
  // `message`; returns its id.
  StatusOr<std::string> record_error_run(const std::string& account_id, const std::string& job_name,
                                         const RunOrigin& origin, const std::string& message);
  StatusOr<Json> get_job_run(const CallContext& ctx, const std::string& job_name,
                             const std::string& run_id, bool predecessors_included);
  // Newest first; `after` is the position Page::next gave ("" first).
  StatusOr<Page> get_job_runs(const CallContext& ctx, const std::string& job_name,
                              const std::string& after, int limit);
  // {"SuccessfulSubmissions": [...], "Errors": [...]}.
  StatusOr<Json> batch_stop_job_run(const CallContext& ctx, const std::string& job_name,
                                    const std::vector<std::string>& run_ids);

  // --- Background work (the thread calls it; tests call it by hand) ---
  // Heartbeats this server's runs (one given up by recovery is killed and
  // records nothing; one another server marked STOPPING is stopped), claims
  // queued runs while slots are free, and on the leader recovers runs of
  // servers that stopped beating and expires queued runs past their Timeout.
  void tick();
  // Claims and starts queued runs while this server has free slots.
  void dispatch();
  StatusOr<int> recover_stale_runs();
  const std::string& server_id() const { return options_.server_id; }

  // Blocks until this server runs nothing (tests).
  void wait_idle();
  // Runs this server executes now (tests, metrics).
  int running_count();
  // Runs in STARTING, WAITING, RUNNING and STOPPING across every server on
  // the store, by state (metrics; states with none are absent).
  StatusOr<std::map<std::string, int64_t>> active_runs_by_state();

 private:
  struct ActiveRun;
  JobService(store::Store& store, JobServiceOptions options);
  Status recover_at_start();
  // Gives up in-flight runs of dead servers (at start-up also this data
  // dir's previous process, and on a one-server store every claimed run).
  StatusOr<int> recover(bool at_start);
  void heartbeat();
  void maintenance_loop();
  // The dispatcher thread: joins finished run threads and claims queued runs
  // when woken (a run ended, a slot freed). Run threads never claim or join
  // themselves, so no run thread waits on another.
  void dispatcher_loop();
  void wake_dispatcher();
  void run_thread(std::shared_ptr<ActiveRun> run);
  // Ends `run` (owned by this server) as `state`: records it, starts a retry
  // when FAILED with retries left, promotes queued runs of the job. Returns
  // false (recording nothing) when the claim was lost.
  bool finish_run(ActiveRun& run, std::string state, const std::string& message);
  // StartJobRun or one trigger start: insert_new_run in a transaction of its own.
  StatusOr<std::string> start_run(const std::string& account, const std::string& region,
                                  const std::string& job_name, const Json& request,
                                  const RunOrigin& origin,
                                  const std::vector<std::pair<std::string, std::string>>& preds,
                                  bool from_trigger);
  // In `tx`: a new run row of `job` (STARTING or WAITING or, with
  // `refused`, FAILED over MaxConcurrentRuns for a trigger's start).
  Status insert_new_run(store::Transaction& tx, const std::string& account,
                        const std::string& region, const std::string& job_name, const Json& request,
                        const RunOrigin& origin,
                        const std::vector<std::pair<std::string, std::string>>& preds,
                        bool from_trigger, RunRow& row, bool& refused);
  // After a STARTING or WAITING run was committed: arms a WAITING run's
  // expiry; for a STARTING one dispatches (when `dispatch_now`) and returns true.
  bool after_insert(const RunRow& row, bool dispatch_now);
  // A final ERROR run of `job_name` (not inserted).
  RunRow error_run_row(const std::string& account_id, const std::string& job_name,
                       const RunOrigin& origin, const std::string& message) const;
  void arm_expiry(const std::string& account, int64_t seq, int64_t due_micros);
  void expire_waiting(int64_t seq);
  StatusOr<int> expire_due_waiting();
  void on_timeout(const std::string& run_id);
  void on_notify_delay(const std::string& run_id);
  void notify_finished(const RunRow& row, const std::string& retry_run_id = "");
  void log_event(const std::string& level, const std::string& message) const;
  bool leading() const { return !options_.is_leader || options_.is_leader(); }

  store::Store& store_;
  JobServiceOptions options_;
  const Clock& clock_;

  std::mutex dispatch_mu_;  // one dispatch() at a time: slots are counted, then claimed
  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::condition_variable maintenance_cv_;
  std::condition_variable dispatcher_cv_;
  bool dispatch_requested_ = false;
  std::map<std::string, std::shared_ptr<ActiveRun>> active_;  // by run id
  std::map<std::string, std::thread> threads_;                // by run id, joined on finish
  std::vector<std::thread> finished_threads_;                 // joined by the dispatcher thread
  std::map<int64_t, TimerId> expiry_timers_;                  // WAITING runs' expiry, by seq
  bool shutting_down_ = false;
  std::thread maintenance_;
  std::thread dispatcher_;
};

}  // namespace mortar::jobs
