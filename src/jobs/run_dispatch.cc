// JobService, the background side of runs: claiming queued runs, one thread
// per run driving the executor, timeouts, the heartbeat, recovery of dead
// servers' runs, queue expiry and shutdown.
#include <algorithm>
#include <map>

#include "common/utc_time.h"
#include "jobs/job_definition.h"
#include "jobs/job_rows.h"
#include "jobs/job_service.h"
#include "jobs/run_active.h"
#include "jobs/run_claims.h"
#include "jobs/run_state.h"

namespace mortar::jobs {
namespace {

constexpr const char* kRestartedReason = "the server restarted during the run";
constexpr const char* kShutdownReason = "the server stopped during the run";

int64_t timeout_micros(const Json& run_body) {
  return int64_t{run_body.value("Timeout", kDefaultTimeoutMinutes)} * 60'000'000;
}

// NotificationProperty.NotifyDelayAfter in minutes (the run body holds the
// run's, else the job's), 0 when unset.
int notify_delay_minutes(const Json& run_body) {
  auto np = run_body.find("NotificationProperty");
  if (np == run_body.end() || !np->is_object()) return 0;
  auto d = np->find("NotifyDelayAfter");
  return d != np->end() && d->is_number_integer() ? std::max(0, d->get<int>()) : 0;
}

}  // namespace

JobService::~JobService() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    for (auto& [seq, timer] : expiry_timers_) clock_.cancel(timer);
    expiry_timers_.clear();
  }
  maintenance_cv_.notify_all();
  dispatcher_cv_.notify_all();
  if (maintenance_.joinable()) maintenance_.join();
  if (dispatcher_.joinable()) dispatcher_.join();
  std::vector<std::shared_ptr<ActiveRun>> runs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, run] : active_) runs.push_back(run);
  }
  for (auto& run : runs) {
    {
      std::lock_guard<std::mutex> lock(run->mu);
      run->server_stopping = true;
    }
    run->request_stop("STOPPED", kShutdownReason);
  }
  for (;;) {
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [id, t] : threads_) threads.push_back(std::move(t));
      threads_.clear();
      for (auto& t : finished_threads_) threads.push_back(std::move(t));
      finished_threads_.clear();
    }
    if (threads.empty()) break;
    for (auto& t : threads) t.join();
  }
}

void JobService::wake_dispatcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    dispatch_requested_ = true;
  }
  dispatcher_cv_.notify_all();
}

void JobService::dispatcher_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    dispatcher_cv_.wait(lock, [&] { return dispatch_requested_ || shutting_down_; });
    if (shutting_down_) return;
    dispatch_requested_ = false;
    std::vector<std::thread> done = std::move(finished_threads_);
    finished_threads_.clear();
    lock.unlock();
    for (auto& t : done) t.join();  // each has left run_thread's last lock
    dispatch();
    lock.lock();
  }
}

void JobService::dispatch() {
  std::lock_guard<std::mutex> dispatching(dispatch_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutting_down_ || options_.executor == nullptr) return;
  }
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (shutting_down_ || static_cast<int>(active_.size()) >= options_.max_concurrent_runs)
        return;
    }
    std::optional<RunRow> claimed;
    Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
      MORTAR_ASSIGN_OR_RETURN(
          claimed, claim_next_run(tx, store_.dialect(), options_.server_id, clock_.now_micros()));
      return ok_status();
    });
    if (!s.ok()) {
      log_event("warn", "claiming a queued job run failed: " + s.ToString());
      return;
    }
    if (!claimed) return;
    auto run = std::make_shared<ActiveRun>();
    run->account = claimed->account;
    run->job_name = claimed->job_name;
    run->run_id = claimed->run_id;
    run->seq = claimed->seq;
    std::lock_guard<std::mutex> lock(mu_);
    if (shutting_down_) {
      // Too late to run it here: back to the queue for another server (or the restart).
      (void)store::run_in_write_transaction(store_, [&](store::Transaction& tx) {
        return unclaim_run(tx, run->seq, options_.server_id).status();
      });
      return;
    }
    active_[run->run_id] = run;
    threads_[run->run_id] = std::thread([this, run] { run_thread(run); });
  }
}

void JobService::run_thread(std::shared_ptr<ActiveRun> run) {
  std::optional<RunRow> row;
  std::optional<JobRow> job;
  Status loaded = store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(row, load_run_by_seq(tx, run->seq));
    MORTAR_ASSIGN_OR_RETURN(job, load_job(tx, run->account, run->job_name));
    return ok_status();
  });
  auto finish = [&](const std::string& state, const std::string& message) {
    finish_run(*run, state, message);
  };
  RunCredentials credentials;
  if (!loaded.ok()) {
    finish("FAILED", "could not read the run: " + loaded.ToString());
  } else if (!row) {
    // Deleted with its job meanwhile: nothing to record.
  } else if (!job) {
    finish("FAILED", "Job " + run->job_name + " was deleted before the run started");
  } else {
    bool issued = true;
    if (options_.credentials != nullptr) {
      auto creds = options_.credentials->issue(run->account, run->run_id);
      if (creds.ok()) {
        credentials = *creds;
      } else {
        issued = false;
        finish("FAILED", "could not issue the run's credentials: " + creds.status().ToString());
      }
    }
    // STARTING -> RUNNING, unless it was stopped (or given up) meanwhile.
    bool running = false;
    std::string now_state;
    if (issued) {
      const int64_t now = clock_.now_micros();
      Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        RunRow next = *row;
        next.state = "RUNNING";
        next.body["JobRunState"] = "RUNNING";
        next.body["LastModifiedOn"] = static_cast<double>(now) / 1e6;
        next.exec_start_micros = now;
        next.heartbeat_micros = now;
        next.credential_key = credentials.access_key_id;
        MORTAR_ASSIGN_OR_RETURN(running, update_run_if(tx, next, "'STARTING'", options_.server_id));
        if (running) {
          *row = std::move(next);
          return ok_status();
        }
        MORTAR_ASSIGN_OR_RETURN(auto current, load_run_by_seq(tx, run->seq));
        now_state = current && current->server_id == options_.server_id ? current->state : "";
        return ok_status();
      });
      if (!s.ok()) {
        finish("FAILED", "could not start the run: " + s.ToString());
      } else if (!running) {
        if (now_state == "STOPPING") finish("STOPPED", "");
        // else: given up or deleted meanwhile; nothing to record.
      }
    }
    if (running) {
      {
        std::lock_guard<std::mutex> lock(run->mu);
        const std::string id = run->run_id;
        run->timeout_timer = clock_.call_at(*row->exec_start_micros + timeout_micros(row->body),
                                            [this, id] { on_timeout(id); });
        // Counted from StartedOn, as Glue's "after a job run starts".
        if (const int delay = notify_delay_minutes(row->body); delay > 0) {
          run->notify_timer = clock_.call_at(row->created_micros + int64_t{delay} * 60'000'000,
                                             [this, id] { on_notify_delay(id); });
        }
      }
      RunRequest request;
      request.account_id = run->account;
      request.region = row->origin.value("Region", "us-east-1");
      request.endpoint = options_.endpoint;
      request.job = job->body;
      request.run = row->body;
      request.origin = origin_from(row->origin);
      request.credentials = credentials;
      auto started = options_.executor->start(std::move(request));
      std::string state;
      std::string message;
      if (!started.ok()) {
        state = "FAILED";
        message = std::string(status_message(started.status()));
      } else {
        RunningJob* process = nullptr;
        {
          std::lock_guard<std::mutex> lock(run->mu);
          run->running = std::move(*started);
          process = run->running.get();
          if (!run->stop_state.empty()) process->stop(run->stop_state, run->stop_message);
        }
        RunResult result = process->wait();
        state = result.state;
        message = result.error_message;
      }
      {
        std::lock_guard<std::mutex> lock(run->mu);
        clock_.cancel(run->timeout_timer);
        if (run->notify_timer != 0) clock_.cancel(run->notify_timer);
        if (run->server_stopping) {
          state = "FAILED";
          message = kShutdownReason;
        } else if (!run->stop_state.empty() && state != "SUCCEEDED") {
          state = run->stop_state;
          message = run->stop_state == "TIMEOUT" ? run->stop_message : "";
        }
      }
      if (options_.credentials != nullptr && !credentials.access_key_id.empty()) {
        Status revoked = options_.credentials->revoke(credentials.access_key_id);
        if (!revoked.ok()) {
          log_event("warn", "revoking the key of job run " + run->run_id +
                                " failed: " + revoked.ToString());
        }
      }
      if (!run->is_lost()) finish(state, message);
    }
  }
  if (!credentials.access_key_id.empty() && row && !row->exec_start_micros) {
    (void)options_.credentials->revoke(credentials.access_key_id);  // issued, never ran
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    active_.erase(run->run_id);
    if (auto it = threads_.find(run->run_id); it != threads_.end()) {
      finished_threads_.push_back(std::move(it->second));
      threads_.erase(it);
    }
  }
  idle_cv_.notify_all();
  wake_dispatcher();  // a slot is free
}

bool JobService::finish_run(ActiveRun& run, std::string state, const std::string& message) {
  RunRow row;
  std::optional<RunRow> retry;
  std::vector<RunRow> promoted;
  bool recorded = false;
  const int64_t now = clock_.now_micros();
  Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    recorded = false;
    retry.reset();
    promoted.clear();
    MORTAR_ASSIGN_OR_RETURN(auto current, load_run_by_seq(tx, run.seq));
    if (!current || current->server_id != options_.server_id || is_final_state(current->state)) {
      return ok_status();  // given up or deleted meanwhile
    }
    row = std::move(*current);
    mark_final(row, state, message, now);
    MORTAR_ASSIGN_OR_RETURN(recorded, update_run_if(tx, row, kInFlightStates, options_.server_id));
    if (!recorded) return ok_status();
    MORTAR_ASSIGN_OR_RETURN(retry, insert_retry(tx, row, now));
    MORTAR_ASSIGN_OR_RETURN(auto job, load_job(tx, row.account, row.job_name));
    if (job) {
      MORTAR_ASSIGN_OR_RETURN(promoted, promote_waiting(tx, row.account, row.job_name, now));
    }
    return ok_status();
  });
  if (!s.ok()) {
    log_event("error", "recording the end of job run " + run.run_id + " failed: " + s.ToString());
    return false;
  }
  if (!recorded) return false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& p : promoted) {
      if (auto t = expiry_timers_.find(p.seq); t != expiry_timers_.end()) {
        clock_.cancel(t->second);
        expiry_timers_.erase(t);
      }
    }
  }
  log_event(state == "SUCCEEDED" ? "info" : "warn",
            "job " + row.job_name + ": run " + row.run_id + " " + state +
                (message.empty() ? "" : ": " + message) +
                (retry ? "; retried as " + retry->run_id : ""));
  notify_finished(row, retry ? retry->run_id : "");
  if (retry || !promoted.empty()) wake_dispatcher();
  return true;
}

void JobService::on_timeout(const std::string& run_id) {
  std::shared_ptr<ActiveRun> run;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = active_.find(run_id); it != active_.end()) run = it->second;
  }
  if (!run) return;
  int minutes = kDefaultTimeoutMinutes;
  Status s = store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto row, load_run_by_seq(tx, run->seq));
    if (row) minutes = row->body.value("Timeout", kDefaultTimeoutMinutes);
    return ok_status();
  });
  run->request_stop("TIMEOUT", "Job run timed out: it ran longer than its Timeout of " +
                                   std::to_string(minutes) + " minute" + (minutes == 1 ? "" : "s"));
}

void JobService::on_notify_delay(const std::string& run_id) {
  std::shared_ptr<ActiveRun> run;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = active_.find(run_id); it != active_.end()) run = it->second;
  }
  if (!run || !options_.on_run_delayed) return;
  std::optional<RunRow> row;
  Status s = store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(row, load_run_by_seq(tx, run->seq));
    return ok_status();
  });
  if (!s.ok()) {
    log_event("warn",
              "reading job run " + run_id + " for its delay notification failed: " + s.ToString());
    return;
  }
  if (!row || is_final_state(row->state) || row->server_id != options_.server_id) return;
  JobRunDelayed d;
  d.account_id = row->account;
  d.job_name = row->job_name;
  d.run_id = row->run_id;
  d.state = row->state;
  d.notify_delay_minutes = notify_delay_minutes(row->body);
  options_.on_run_delayed(d);
}

void JobService::arm_expiry(const std::string& account, int64_t seq, int64_t due_micros) {
  (void)account;
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return;
  expiry_timers_[seq] = clock_.call_at(due_micros, [this, seq] {
    {
      std::lock_guard<std::mutex> lock(mu_);
      expiry_timers_.erase(seq);
    }
    expire_waiting(seq);
  });
}

void JobService::expire_waiting(int64_t seq) {
  (void)seq;  // one scan expires every due run, this one included
  auto n = expire_due_waiting();
  if (!n.ok()) log_event("warn", "expiring queued job runs failed: " + n.status().ToString());
}

StatusOr<int> JobService::expire_due_waiting() {
  std::vector<RunRow> expired;
  const int64_t now = clock_.now_micros();
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        expired.clear();
        MORTAR_ASSIGN_OR_RETURN(auto waiting, all_runs_in_states(tx, "'WAITING'"));
        for (auto& row : waiting) {
          if (row.created_micros + timeout_micros(row.body) > now) continue;
          const int minutes = row.body.value("Timeout", kDefaultTimeoutMinutes);
          mark_final(row, "EXPIRED",
                     "Job run expired: it waited in the queue for its Timeout of " +
                         std::to_string(minutes) + " minute" + (minutes == 1 ? "" : "s") +
                         " without starting",
                     now);
          MORTAR_ASSIGN_OR_RETURN(bool done, update_run_if(tx, row, "'WAITING'", std::nullopt));
          if (done) expired.push_back(std::move(row));
        }
        return ok_status();
      }));
  for (const auto& row : expired) {
    log_event("warn", "job " + row.job_name + ": queued run " + row.run_id + " EXPIRED");
    notify_finished(row);
  }
  return static_cast<int>(expired.size());
}

void JobService::heartbeat() {
  std::vector<std::shared_ptr<ActiveRun>> mine;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, run] : active_) mine.push_back(run);
  }
  if (mine.empty()) return;
  const int64_t now = clock_.now_micros();
  std::vector<std::shared_ptr<ActiveRun>> lost, stop;
  Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    lost.clear();
    stop.clear();
    for (auto& run : mine) {
      MORTAR_ASSIGN_OR_RETURN(auto state, touch_run(tx, run->seq, options_.server_id, now));
      if (!state) {
        lost.push_back(run);
      } else if (*state == "STOPPING") {
        stop.push_back(run);
      }
    }
    return ok_status();
  });
  if (!s.ok()) {
    log_event("warn", "job run heartbeat failed: " + s.ToString());
    return;
  }
  for (auto& run : lost) {
    // A run that finished meanwhile is simply no longer in flight.
    std::lock_guard<std::mutex> lock(mu_);
    if (active_.count(run->run_id) == 0) continue;
    log_event("warn", "job run " + run->run_id +
                          " was given up (recovery, or its job was deleted); stopping it");
    run->lose("the run's claim was given up");
  }
  for (auto& run : stop) run->request_stop("STOPPED", "");  // BatchStopJobRun on another server
}

void JobService::tick() {
  heartbeat();
  dispatch();
  if (!leading()) return;
  auto recovered = recover_stale_runs();
  if (!recovered.ok()) {
    log_event("warn",
              "recovering job runs of dead servers failed: " + recovered.status().ToString());
  }
  auto expired = expire_due_waiting();
  if (!expired.ok())
    log_event("warn", "expiring queued job runs failed: " + expired.status().ToString());
}

StatusOr<int> JobService::recover_stale_runs() { return recover(/*at_start=*/false); }

Status JobService::recover_at_start() { return recover(/*at_start=*/true).status(); }

StatusOr<int> JobService::recover(bool at_start) {
  const int64_t now = clock_.now_micros();
  const int64_t cutoff = now - options_.heartbeat_timeout_millis * 1000;
  // On a one-server store (SQLite: one server per data dir) every claimed run
  // at start-up is this server's previous process's.
  const bool all_previous = at_start && !store_.shared();
  std::vector<RunRow> ended;
  std::map<std::string, std::string> retry_ids;  // run id -> its retry's ("" none)
  std::vector<std::string> keys;
  bool requeued = false;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        ended.clear();
        retry_ids.clear();
        keys.clear();
        requeued = false;
        MORTAR_ASSIGN_OR_RETURN(auto runs,
                                runs_claimed_elsewhere(tx, kInFlightStates, options_.server_id));
        for (auto& row : runs) {
          if (row.server_id.empty() || row.server_id == options_.server_id) continue;
          const bool previous_life =
              all_previous || (!options_.restart_prefix.empty() &&
                               row.server_id.starts_with(options_.restart_prefix));
          const int64_t last = row.heartbeat_micros.value_or(row.created_micros);
          if (!previous_life && last >= cutoff) continue;
          if (previous_life && row.state == "STARTING") {
            // Claimed but never started: back to the queue.
            MORTAR_ASSIGN_OR_RETURN(bool back, unclaim_run(tx, row.seq, row.server_id));
            requeued = requeued || back;
            continue;
          }
          const std::string owner = row.server_id;
          const std::string key = row.credential_key;
          const std::string message = previous_life
                                          ? std::string(kRestartedReason)
                                          : "the server running this job run (id " + owner +
                                                ") stopped responding; last heartbeat at " +
                                                utc_timestamp(last / 1000000);
          if (row.state == "STOPPING") {
            mark_final(row, "STOPPED", "", now);
          } else {
            mark_final(row, "FAILED", message, now);
          }
          MORTAR_ASSIGN_OR_RETURN(bool given_up,
                                  give_up_run(tx, row, owner, previous_life ? INT64_MAX : cutoff));
          if (!given_up) continue;
          MORTAR_ASSIGN_OR_RETURN(auto retry, insert_retry(tx, row, now));
          requeued = requeued || retry.has_value();
          retry_ids[row.run_id] = retry ? retry->run_id : "";
          MORTAR_ASSIGN_OR_RETURN(auto job, load_job(tx, row.account, row.job_name));
          if (job) {
            MORTAR_ASSIGN_OR_RETURN(auto promoted,
                                    promote_waiting(tx, row.account, row.job_name, now));
            requeued = requeued || !promoted.empty();
          }
          if (!key.empty()) keys.push_back(key);
          ended.push_back(std::move(row));
        }
        return ok_status();
      }));
  if (options_.credentials != nullptr) {
    for (const auto& key : keys) {
      Status s = options_.credentials->revoke(key);
      if (!s.ok()) log_event("warn", "revoking a recovered run's key failed: " + s.ToString());
    }
  }
  for (const auto& row : ended) {
    log_event("warn", "job " + row.job_name + ": run " + row.run_id + " " + row.state + ": " +
                          row.body.value("ErrorMessage", ""));
    notify_finished(row, retry_ids[row.run_id]);
  }
  if (requeued && !at_start) dispatch();
  return static_cast<int>(ended.size());
}

void JobService::maintenance_loop() {
  const auto interval = std::chrono::milliseconds(options_.heartbeat_interval_millis);
  std::unique_lock<std::mutex> lock(mu_);
  while (!shutting_down_) {
    maintenance_cv_.wait_for(lock, interval);
    if (shutting_down_) break;
    lock.unlock();
    tick();
    lock.lock();
  }
}

void JobService::wait_idle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [&] { return active_.empty(); });
}

int JobService::running_count() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(active_.size());
}

StatusOr<std::map<std::string, int64_t>> JobService::active_runs_by_state() {
  std::map<std::string, int64_t> counts;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        counts.clear();
        MORTAR_ASSIGN_OR_RETURN(
            auto rows, tx.query("SELECT state, COUNT(*) FROM job_runs WHERE state IN "
                                "('STARTING', 'WAITING', 'RUNNING', 'STOPPING') GROUP BY state"));
        for (const auto& r : rows) counts[r.text_at(0)] = r.int_at(1);
        return ok_status();
      }));
  return counts;
}

}  // namespace mortar::jobs
