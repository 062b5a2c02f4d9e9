#include "server/trigger_actions.h"

namespace mortar::server {
namespace {

CallContext account_context(const std::string& account, const std::string& operation) {
  CallContext ctx;
  ctx.account_id = account;
  ctx.catalog_id = account;
  ctx.principal = "trigger";
  ctx.operation = operation;
  return ctx;
}

Status no_jobs(const std::string& job) {
  return not_found("Job " + job + " not found (this server does not run jobs yet)");
}

jobs::TriggeredStart triggered_start(const std::string& account, const schedule::JobAction& action,
                                     const schedule::TriggerOrigin& origin) {
  jobs::TriggeredStart start;
  start.account_id = account;
  start.region = account_context(account, "StartJobRun").region;
  start.job_name = action.job_name;
  jobs::TriggeredRun& run = start.run;
  run.origin.trigger_name = origin.trigger_name;
  run.origin.workflow_name = origin.workflow_name;
  run.origin.workflow_run_id = origin.workflow_run_id;
  run.arguments = action.arguments;
  if (action.timeout_minutes) run.timeout_minutes = static_cast<int>(*action.timeout_minutes);
  if (action.notify_delay_after)
    run.notify_delay_after = static_cast<int>(*action.notify_delay_after);
  run.predecessors = origin.predecessors;
  return start;
}

}  // namespace

JobActionHooks job_action_hooks(jobs::JobService& jobs) {
  JobActionHooks hooks;
  hooks.start_job_run = [&jobs](const std::string& account, const schedule::JobAction& action,
                                const schedule::TriggerOrigin& origin) {
    jobs::TriggeredStart s = triggered_start(account, action, origin);
    return jobs.start_triggered_run(s.account_id, s.region, s.job_name, s.run);
  };
  hooks.start_job_runs = [&jobs](const std::vector<schedule::JobStart>& starts) {
    std::vector<jobs::TriggeredStart> batch;
    for (const auto& s : starts) batch.push_back(triggered_start(s.account, s.action, s.origin));
    return jobs.start_triggered_runs(batch);
  };
  hooks.check_job = [&jobs](const std::string& account, const std::string& job) {
    return jobs.get_job(account_context(account, "GetJob"), job).status();
  };
  hooks.get_job_run = [&jobs](const std::string& account, const std::string& job,
                              const std::string& run_id) {
    return jobs.get_job_run(account_context(account, "GetJobRun"), job, run_id, false);
  };
  hooks.stop_job_run = [&jobs](const std::string& account, const std::string& job,
                               const std::string& run_id) -> Status {
    MORTAR_ASSIGN_OR_RETURN(
        auto out,
        jobs.batch_stop_job_run(account_context(account, "BatchStopJobRun"), job, {run_id}));
    const auto errors = out.value("Errors", nlohmann::json::array());
    if (!errors.empty())
      return invalid_input(errors[0]
                               .value("ErrorDetail", nlohmann::json::object())
                               .value("ErrorMessage", std::string("the run could not be stopped")));
    return ok_status();
  };
  return hooks;
}

StatusOr<std::string> ServerTriggerActions::start_job_run(const std::string& account,
                                                          const schedule::JobAction& action,
                                                          const schedule::TriggerOrigin& origin) {
  if (!jobs_.start_job_run) return no_jobs(action.job_name);
  return jobs_.start_job_run(account, action, origin);
}

std::vector<StatusOr<std::string>> ServerTriggerActions::start_job_runs(
    const std::vector<schedule::JobStart>& starts) {
  if (!jobs_.start_job_runs) return TriggerActions::start_job_runs(starts);
  return jobs_.start_job_runs(starts);
}

Status ServerTriggerActions::start_crawler(const std::string& account, const std::string& crawler) {
  return crawlers_.start_crawler(account_context(account, "StartCrawler"), crawler);
}

Status ServerTriggerActions::check_job(const std::string& account, const std::string& job) {
  if (!jobs_.check_job) return no_jobs(job);
  return jobs_.check_job(account, job);
}

Status ServerTriggerActions::check_crawler(const std::string& account, const std::string& crawler) {
  return crawlers_.get_crawler(account_context(account, "GetCrawler"), crawler).status();
}

}  // namespace mortar::server

namespace mortar::server {

StatusOr<nlohmann::json> ServerTriggerActions::get_job_run(const std::string& account,
                                                           const std::string& job,
                                                           const std::string& run_id) {
  if (!jobs_.get_job_run) return no_jobs(job);
  return jobs_.get_job_run(account, job, run_id);
}

Status ServerTriggerActions::stop_job_run(const std::string& account, const std::string& job,
                                          const std::string& run_id) {
  if (!jobs_.stop_job_run) return no_jobs(job);
  return jobs_.stop_job_run(account, job, run_id);
}

Status ServerTriggerActions::stop_crawler(const std::string& account, const std::string& crawler) {
  return crawlers_.stop_crawler(account_context(account, "StopCrawler"), crawler);
}

StatusOr<std::string> ServerTriggerActions::crawler_state(const std::string& account,
                                                          const std::string& crawler) {
  MORTAR_ASSIGN_OR_RETURN(auto c,
                          crawlers_.get_crawler(account_context(account, "GetCrawler"), crawler));
  const std::string state = c.value("State", std::string());
  if (state == "RUNNING" || state == "STOPPING") return std::string("RUNNING");
  return c.value("LastCrawl", nlohmann::json::object()).value("Status", std::string("FAILED"));
}

}  // namespace mortar::server
