// TriggerActions that also record, for a workflow run, the job runs and
// crawls started within it (workflow_run_nodes): a decorator over the
// server's actions, lent to the TriggerService, so every action a trigger of
// a workflow starts -- the start trigger, conditional triggers within the
// run, resumed nodes -- is known to the run. A run that is no longer
// RUNNING (stopping, stopped) starts nothing more.
//
// Thread-safe (the store and `inner` are).
#pragma once

#include "common/clock.h"
#include "schedule/trigger_actions.h"
#include "store/store.h"

namespace mortar::schedule {

class WorkflowRunActions : public TriggerActions {
 public:
  // `store` (migrated for workflows), `inner` and `clock` must outlive this.
  WorkflowRunActions(store::Store& store, TriggerActions& inner, const Clock& clock)
      : store_(store), inner_(inner), clock_(clock) {}

  StatusOr<std::string> start_job_run(const std::string& account, const JobAction& action,
                                      const TriggerOrigin& origin) override;
  // Starts outside workflow runs (nothing to record) go to `inner` as one
  // batch; the others one by one through start_job_run.
  std::vector<StatusOr<std::string>> start_job_runs(const std::vector<JobStart>& starts) override;
  Status start_crawler(const std::string& account, const std::string& crawler) override {
    return inner_.start_crawler(account, crawler);
  }
  Status start_crawler_in(const std::string& account, const std::string& crawler,
                          const TriggerOrigin& origin) override;
  Status check_job(const std::string& account, const std::string& job) override {
    return inner_.check_job(account, job);
  }
  Status check_crawler(const std::string& account, const std::string& crawler) override {
    return inner_.check_crawler(account, crawler);
  }
  StatusOr<nlohmann::json> get_job_run(const std::string& account, const std::string& job,
                                       const std::string& run_id) override {
    return inner_.get_job_run(account, job, run_id);
  }
  Status stop_job_run(const std::string& account, const std::string& job,
                      const std::string& run_id) override {
    return inner_.stop_job_run(account, job, run_id);
  }
  Status stop_crawler(const std::string& account, const std::string& crawler) override {
    return inner_.stop_crawler(account, crawler);
  }
  StatusOr<std::string> crawler_state(const std::string& account,
                                      const std::string& crawler) override {
    return inner_.crawler_state(account, crawler);
  }

 private:
  // FailedPrecondition unless the run exists and is RUNNING.
  Status check_running(const std::string& account, const std::string& run_id);

  store::Store& store_;
  TriggerActions& inner_;
  const Clock& clock_;
};

}  // namespace mortar::schedule
