// What happens to one job run once this server has claimed it: the
// JobService (the run state machine) hands a RunRequest to a RunExecutor,
// which turns the job and run into a process (arguments as Glue passes them,
// the script fetched, the run's own working dir, credentials and limits),
// streams its output into the run's log streams, and reports the outcome.
// JobRunner (job_runner.h) is the real one; state-machine tests use a fake.
//
// Thread-safety: start() may be called from several threads at once; a
// RunningJob has one owner, but stop() may be called from another thread
// while the owner waits in wait().
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace mortar::jobs {

// Who started the run, when not a direct StartJobRun.
struct RunOrigin {
  std::string trigger_name;     // JobRun.TriggerName
  std::string workflow_name;    // passed to the script as --WORKFLOW_NAME
  std::string workflow_run_id;  // --WORKFLOW_RUN_ID
};

// A short-lived access key of the run's own (never the admin key), scoped to
// the job's account and revoked when the run ends.
struct RunCredentials {
  std::string access_key_id;
  std::string secret_access_key;
};

struct RunRequest {
  std::string account_id;
  std::string region;
  std::string endpoint;  // the URL the script reaches Mortar's API at
  nlohmann::json job;    // the Job object as GetJob returns it
  nlohmann::json run;    // the JobRun as GetJobRun returns it when it starts
  RunOrigin origin;
  RunCredentials credentials;
};

struct RunResult {
  std::string state;          // SUCCEEDED, FAILED, STOPPED or TIMEOUT
  std::string error_message;  // for FAILED/TIMEOUT: the script's last exception line, or why
};

class RunningJob {
 public:
  // Kills the process group if it still runs.
  virtual ~RunningJob() = default;
  // Asks the run to end as `state` (STOPPED or TIMEOUT) with `message`:
  // SIGTERM to its process group, SIGKILL after the grace period.
  virtual void stop(const std::string& state, const std::string& message) = 0;
  // Blocks until the process is gone and its logs are flushed.
  virtual RunResult wait() = 0;
};

class RunExecutor {
 public:
  virtual ~RunExecutor() = default;
  // Prepares and starts the run; may block (fetching an s3:// script,
  // installing --additional-python-modules), so call it from the run's own
  // thread. An error means the run could not start: it is FAILED with the
  // error's message.
  virtual StatusOr<std::unique_ptr<RunningJob>> start(RunRequest request) = 0;
};

}  // namespace mortar::jobs
