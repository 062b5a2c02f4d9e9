// A run's output as CloudWatch Logs events: stdout lines into the output
// group, stderr lines and Mortar's own "mortar: ..." run events into the
// error group (Glue's /aws-glue/jobs/{output,error}, or
// /aws-glue/python-jobs/... for Python shell), the run id as the stream,
// one event per line stamped with the time it arrived (epoch millis).
//
// Thread-safe: output arrives from the launcher's reader thread while the
// runner writes events.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "jobs/process_launcher.h"
#include "logs/log_sink.h"

namespace mortar::jobs {

struct RunLogTarget {
  std::string account_id;
  std::string group_prefix;  // "/aws-glue/jobs" or "/aws-glue/python-jobs"
  std::string stream;        // the run id
};

class RunLog {
 public:
  // A null sink discards everything (tests without logs).
  RunLog(logs::LogSink* sink, RunLogTarget target, const Clock& clock);

  // A chunk of the process's output (not split into lines).
  void output(OutputStream stream, std::string_view chunk);
  // One of Mortar's own events, as "mortar: <message>" on the error stream.
  void event(const std::string& message);
  // Emits the partial last lines and flushes the sink.
  void finish();

  const std::string& output_group() const { return output_group_; }
  const std::string& error_group() const { return error_group_; }

 private:
  void append(OutputStream stream, std::vector<logs::LogEvent> events);

  logs::LogSink* sink_;
  RunLogTarget target_;
  const Clock& clock_;
  std::string output_group_, error_group_;
  std::mutex mu_;
  std::string pending_[2];  // guarded by mu_: an unfinished line per stream
};

}  // namespace mortar::jobs
