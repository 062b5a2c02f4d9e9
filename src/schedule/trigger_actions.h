// What a firing trigger does, behind an interface: schedule/ sits above
// crawler/ and jobs/ in the layering but never builds their services; server/
// implements TriggerActions over the server's one CrawlerService and
// JobService and lends it to the TriggerService.
//
// Thread-safety: implementations must be callable from several threads at
// once (scheduler callbacks, crawl and job-run completion threads).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace mortar::schedule {

// Who started a job run or crawl, as conditional triggers need it: only runs
// started by a trigger or a workflow fire them (Glue's rule), and AND
// predicates look at runs of one chain. Mirrors jobs::RunOrigin.
struct TriggerOrigin {
  std::string trigger_name;     // JobRun.TriggerName
  std::string workflow_name;    // --WORKFLOW_NAME
  std::string workflow_run_id;  // --WORKFLOW_RUN_ID; also the chain AND predicates look within
  // For a conditional trigger's fire: the job runs that satisfied its
  // predicate, as (job name, run id) -- JobRun.PredecessorRuns.
  std::vector<std::pair<std::string, std::string>> predecessors;

  bool started_by_trigger() const { return !trigger_name.empty() || !workflow_run_id.empty(); }
};

// One Action of a trigger, as Glue's Action shape holds it.
struct JobAction {
  std::string job_name;
  nlohmann::json arguments = nlohmann::json::object();  // Action.Arguments
  std::optional<int64_t> timeout_minutes;               // Action.Timeout
  std::optional<int64_t> notify_delay_after;            // NotificationProperty.NotifyDelayAfter
  std::string security_configuration;
};

// One job start of a batch (TriggerActions::start_job_runs).
struct JobStart {
  std::string account;
  JobAction action;
  TriggerOrigin origin;
};

class TriggerActions {
 public:
  virtual ~TriggerActions() = default;

  // Starts a run of `action.job_name` in `account` with the action's
  // arguments and timeout, recording `origin` on the run (JobRun.TriggerName,
  // PredecessorRuns). Returns the run id. A job that no longer exists: the
  // implementation records a run in state ERROR (Glue's state for a trigger
  // naming a deleted job) and returns its id, or NotFound.
  virtual StatusOr<std::string> start_job_run(const std::string& account, const JobAction& action,
                                              const TriggerOrigin& origin) = 0;
  // start_job_run for each of `starts`, one result each, in order; an
  // implementation may start them together (one store commit: a burst of
  // due triggers). The default starts them one by one.
  virtual std::vector<StatusOr<std::string>> start_job_runs(const std::vector<JobStart>& starts) {
    std::vector<StatusOr<std::string>> out;
    for (const JobStart& s : starts) out.push_back(start_job_run(s.account, s.action, s.origin));
    return out;
  }
  // Starts a crawl of `crawler` in `account` (CrawlerRunningException when
  // it runs already, NotFound when it is gone).
  virtual Status start_crawler(const std::string& account, const std::string& crawler) = 0;
  // The same for a trigger's action, with its origin (a workflow run records
  // the crawls started within it). Default: start_crawler().
  virtual Status start_crawler_in(const std::string& account, const std::string& crawler,
                                  const TriggerOrigin& origin) {
    (void)origin;
    return start_crawler(account, crawler);
  }

  // CreateTrigger/UpdateTrigger: NotFound (EntityNotFoundException) when an
  // action names a job or crawler that does not exist.
  virtual Status check_job(const std::string& account, const std::string& job) = 0;
  virtual Status check_crawler(const std::string& account, const std::string& crawler) = 0;

  // --- What workflow runs need besides starting (defaults: Unimplemented) ---
  // The JobRun object (GetJobRun), for a workflow run's graph.
  virtual StatusOr<nlohmann::json> get_job_run(const std::string& account, const std::string& job,
                                               const std::string& run_id) {
    (void)account, (void)job, (void)run_id;
    return unimplemented("job runs cannot be read here");
  }
  // StopWorkflowRun: BatchStopJobRun of one run / StopCrawler.
  virtual Status stop_job_run(const std::string& account, const std::string& job,
                              const std::string& run_id) {
    (void)account, (void)job, (void)run_id;
    return unimplemented("job runs cannot be stopped here");
  }
  virtual Status stop_crawler(const std::string& account, const std::string& crawler) {
    (void)account, (void)crawler;
    return unimplemented("crawlers cannot be stopped here");
  }
  // "RUNNING" while the crawler crawls, else its last crawl's state
  // (SUCCEEDED, FAILED, CANCELLED): a missed crawl end is noticed by the
  // workflow sweep.
  virtual StatusOr<std::string> crawler_state(const std::string& account,
                                              const std::string& crawler) {
    (void)account, (void)crawler;
    return unimplemented("crawlers cannot be read here");
  }
};

}  // namespace mortar::schedule
