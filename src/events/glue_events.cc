#include "events/glue_events.h"

#include "common/crypto.h"
#include "common/utc_time.h"

namespace mortar::events {

using Json = nlohmann::json;

Json envelope(const EventSource& source, const std::string& detail_type, Json detail) {
  Json e = Json::object();
  e["version"] = "0";
  e["id"] = new_uuid();
  e["detail-type"] = detail_type;
  e["source"] = "aws.glue";
  e["account"] = source.account_id;
  e["time"] = utc_timestamp(source.time_seconds);
  e["region"] = source.region;
  e["resources"] = Json::array();
  e["detail"] = std::move(detail);
  return e;
}

Json job_state_change(const EventSource& source, const std::string& job_name,
                      const std::string& run_id, const std::string& state,
                      const std::string& error) {
  Json d = Json::object();
  d["jobName"] = job_name;
  d["jobRunId"] = run_id;
  d["state"] = state;
  if (state == "SUCCEEDED") {
    d["severity"] = "INFO";
    d["message"] = "Job run succeeded";
  } else if (state == "STOPPED") {
    d["severity"] = "INFO";
    d["message"] = "Job run stopped";
  } else {
    // Glue's wording for failures names the job and run, then the reason.
    const std::string run = "JobName:" + job_name + " and JobRunId:" + run_id;
    d["severity"] = "ERROR";
    d["message"] = state == "TIMEOUT" ? run + " timed out" + (error.empty() ? "" : ": " + error)
                                      : run + " failed to execute with exception " + error;
  }
  return envelope(source, "Glue Job State Change", std::move(d));
}

Json job_run_status(const EventSource& source, const std::string& job_name,
                    const std::string& run_id, const std::string& state, int notify_delay_minutes) {
  Json d = Json::object();
  d["jobName"] = job_name;
  d["jobRunId"] = run_id;
  d["state"] = state;
  d["severity"] = "INFO";
  d["notificationCondition"] = {{"NotifyDelayAfter", static_cast<double>(notify_delay_minutes)}};
  d["message"] = "Job run " + run_id + " has been in state " + state + " for more than " +
                 std::to_string(notify_delay_minutes) + " minutes";
  return envelope(source, "Glue Job Run Status", std::move(d));
}

Json crawler_state_change(const EventSource& source, const std::string& crawler_name,
                          const std::string& state, int64_t start_seconds,
                          const std::optional<CrawlCounts>& counts, const std::string& error) {
  Json d = Json::object();
  d["crawlerName"] = crawler_name;
  d["accountId"] = source.account_id;
  d["state"] = state;
  d["message"] = "Crawler " + state;
  if (state == "Started") {
    d["startTime"] = utc_timestamp(start_seconds);
  } else {
    if (counts) {
      // Glue sends the counts as strings.
      d["tablesCreated"] = std::to_string(counts->tables_created);
      d["tablesUpdated"] = std::to_string(counts->tables_updated);
      d["tablesDeleted"] = std::to_string(counts->tables_deleted);
      d["partitionsCreated"] = std::to_string(counts->partitions_created);
      d["partitionsUpdated"] = std::to_string(counts->partitions_updated);
      d["partitionsDeleted"] = std::to_string(counts->partitions_deleted);
    }
    d["completionDate"] = utc_timestamp(source.time_seconds);
    d["runningTime (sec)"] =
        std::to_string(std::max<int64_t>(0, source.time_seconds - start_seconds));
    if (state == "Failed") d["errorMessage"] = error;
  }
  return envelope(source, "Glue Crawler State Change", std::move(d));
}

}  // namespace mortar::events
