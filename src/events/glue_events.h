// The events Glue sends to EventBridge, built in EventBridge's envelope
// ({"version":"0","id":…,"detail-type":…,"source":"aws.glue","account":…,
// "time":…,"region":…,"resources":[],"detail":{…}}), with the detail members
// AWS's "Automating AWS Glue with EventBridge" page shows:
//   - "Glue Job State Change" for SUCCEEDED, FAILED, TIMEOUT and STOPPED;
//   - "Glue Job Run Status" when a run is still in flight its
//     NotificationProperty.NotifyDelayAfter minutes after it started (Mortar
//     sends it once per run: jobs/README.md);
//   - "Glue Crawler State Change" for Started, Succeeded and Failed.
// Pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mortar::events {

struct EventSource {
  std::string account_id;
  std::string region;
  int64_t time_seconds = 0;  // when it happened, epoch seconds
};

// `detail_type` ("Glue Job State Change") around `detail`.
nlohmann::json envelope(const EventSource& source, const std::string& detail_type,
                        nlohmann::json detail);

// A run reached `state` (SUCCEEDED, FAILED, TIMEOUT or STOPPED); `error` is
// the run's ErrorMessage (FAILED/TIMEOUT).
nlohmann::json job_state_change(const EventSource& source, const std::string& job_name,
                                const std::string& run_id, const std::string& state,
                                const std::string& error);

// A run still in `state` (STARTING, RUNNING or STOPPING) after
// `notify_delay_minutes`.
nlohmann::json job_run_status(const EventSource& source, const std::string& job_name,
                              const std::string& run_id, const std::string& state,
                              int notify_delay_minutes);

struct CrawlCounts {
  int64_t tables_created = 0, tables_updated = 0, tables_deleted = 0;
  int64_t partitions_created = 0, partitions_updated = 0, partitions_deleted = 0;
};

// A crawl Started (start_seconds set), Succeeded or Failed (with the crawl's
// running time, its counts when known, and, when Failed, its error).
nlohmann::json crawler_state_change(const EventSource& source, const std::string& crawler_name,
                                    const std::string& state, int64_t start_seconds,
                                    const std::optional<CrawlCounts>& counts,
                                    const std::string& error);

}  // namespace mortar::events
