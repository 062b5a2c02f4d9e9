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

}  // namespace

StatusOr<std::string> ServerTriggerActions::start_job_run(const std::string& account,
                                                          const schedule::JobAction& action,
                                                          const schedule::TriggerOrigin& origin) {
  if (!jobs_.start_job_run) return no_jobs(action.job_name);
  return jobs_.start_job_run(account, action, origin);
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
