// What a trigger's actions do in `mortar serve`: schedule::TriggerActions
// over the server's CrawlerService (start_crawler) and its JobService
// (start_triggered_run with the trigger as the run's origin). schedule/
// cannot name those services (layering), so the bridge lives here, like
// crawler_runtime.h's.
//
// Thread-safe (the services are).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "crawler/service/crawler_service.h"
#include "jobs/job_service.h"
#include "schedule/trigger_actions.h"

namespace mortar::server {

// Job actions, as the jobs service provides them (unset: jobs are not
// served, and a trigger naming a job is refused).
struct JobActionHooks {
  std::function<StatusOr<std::string>(const std::string& account, const schedule::JobAction& action,
                                      const schedule::TriggerOrigin& origin)>
      start_job_run;
  std::function<Status(const std::string& account, const std::string& job)> check_job;
  // Workflow runs: GetJobRun, and BatchStopJobRun of one run.
  std::function<StatusOr<nlohmann::json>(const std::string& account, const std::string& job,
                                         const std::string& run_id)>
      get_job_run;
  std::function<Status(const std::string& account, const std::string& job,
                       const std::string& run_id)>
      stop_job_run;
  // Many starts in one store transaction (a burst of due triggers); unset:
  // one by one through start_job_run.
  std::function<std::vector<StatusOr<std::string>>(const std::vector<schedule::JobStart>&)>
      start_job_runs;
};

// Job actions over the server's JobService (which must outlive the hooks):
// StartJobRun with the trigger as the run's origin (a job deleted since gets
// an ERROR run), GetJob for the existence check.
JobActionHooks job_action_hooks(jobs::JobService& jobs);

class ServerTriggerActions : public schedule::TriggerActions {
 public:
  // `crawlers` must outlive this.
  ServerTriggerActions(crawler::CrawlerService& crawlers, JobActionHooks jobs)
      : crawlers_(crawlers), jobs_(std::move(jobs)) {}

  StatusOr<std::string> start_job_run(const std::string& account, const schedule::JobAction& action,
                                      const schedule::TriggerOrigin& origin) override;
  std::vector<StatusOr<std::string>> start_job_runs(
      const std::vector<schedule::JobStart>& starts) override;
  Status start_crawler(const std::string& account, const std::string& crawler) override;
  Status check_job(const std::string& account, const std::string& job) override;
  Status check_crawler(const std::string& account, const std::string& crawler) override;
  StatusOr<nlohmann::json> get_job_run(const std::string& account, const std::string& job,
                                       const std::string& run_id) override;
  Status stop_job_run(const std::string& account, const std::string& job,
                      const std::string& run_id) override;
  Status stop_crawler(const std::string& account, const std::string& crawler) override;
  StatusOr<std::string> crawler_state(const std::string& account,
                                      const std::string& crawler) override;

 private:
  crawler::CrawlerService& crawlers_;
  const JobActionHooks jobs_;
};

}  // namespace mortar::server
