// Where job runs and crawls write their log lines: CloudWatch Logs' model of
// an account's log groups holding log streams holding timestamped events.
// Implemented by logs::LogStore (in the Store, served through the CloudWatch
// Logs API); tests may use an in-memory sink.
//
// Group and stream names are Glue's: /aws-glue/jobs/output and
// /aws-glue/jobs/error with the run id as the stream (/aws-glue/python-jobs/…
// for Python shell jobs), /aws-glue/crawlers with the crawler name.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mortar::logs {

// The last event a job run writes to its output stream starts with this,
// followed by the run's final state ("mortar: run ended SUCCEEDED"):
// `mortar logs job-run --follow` stops there.
inline constexpr const char* kRunEndedMarker = "mortar: run ended ";

struct LogEvent {
  int64_t timestamp_millis = 0;  // epoch milliseconds
  std::string message;           // one line, without its newline
};

class LogSink {
 public:
  virtual ~LogSink() = default;
  // Appends `events` (in order) to (group, stream) of `account_id`, creating
  // the group and stream when absent (with no events: only that, so a run's
  // streams exist before it writes). May buffer: events become visible to
  // readers within a second, or at flush().
  virtual void append(const std::string& account_id, const std::string& group,
                      const std::string& stream, std::vector<LogEvent> events) = 0;
  // Makes everything appended so far visible and durable.
  virtual void flush() = 0;
};

}  // namespace mortar::logs
