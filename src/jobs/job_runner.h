// JobRunner: the RunExecutor that turns a claimed run into a process.
//
// start() resolves the run's arguments (NonOverridableArguments > run
// Arguments > DefaultArguments), makes the run's working dir
// <data_dir>/runs/<run id>/, fetches the script and --extra-py-files,
// prepares the --additional-python-modules virtualenv (cached), loads the
// job bookmark, and launches
//   <python> <script> [--name value ...] --JOB_ID j_… --JOB_RUN_ID <id>
//     --JOB_NAME <job> --TempDir <dir> --job-bookmark-option <opt>
//     [--WORKFLOW_NAME <wf> --WORKFLOW_RUN_ID <id>]
// through the injected ProcessLauncher, with an environment of its own (no
// variable of the server's: see README.md "What the script sees") and the
// limits of its WorkerType / MaxCapacity (worker_limits.h). Its stdout and
// stderr become CloudWatch Logs events (run_log.h).
//
// Commands: glueetl (Mortar's awsglue on the native engine) and pythonshell
// (the same interpreter with awsglue importable; PythonVersion 3 or 3.9 --
// Mortar has one Python 3, whichever it was built for).
//
// Thread-safety: start() may be called from several threads at once (see
// run_executor.h); options and the borrowed launcher, sink and hooks must
// outlive the runner and every RunningJob it returned.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "jobs/bookmark_hooks.h"
#include "jobs/process_launcher.h"
#include "jobs/python_modules.h"
#include "jobs/run_executor.h"
#include "jobs/worker_limits.h"
#include "logs/log_sink.h"

namespace mortar::jobs {

struct JobRunnerOptions {
  std::string data_dir;  // runs/ and venvs/ go under it
  // The Python 3 interpreter (the one the awsglue native module was built
  // for: server config, else MORTAR_PYTHON, else the build's) and the
  // directory holding the awsglue package and _mortar (<build>/python).
  std::string python = "python3";
  std::string python_path;
  // PATH of the script's process.
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  // Operator-chosen variables added to every run's environment, "KEY=value"
  // (e.g. MORTAR_S3_ENDPOINT for scripts that read s3:// data).
  std::vector<std::string> extra_env;
  logs::LogSink* log_sink = nullptr;    // null: output discarded
  BookmarkHooks* bookmarks = nullptr;   // null: bookmark files not set up
  const Clock* clock = &Clock::real();  // log timestamps
  // Between SIGTERM and SIGKILL when a run is stopped or times out.
  std::chrono::milliseconds stop_grace{10000};
  bool keep_run_dirs = false;  // keep <data_dir>/runs/<id>/ after the run (debugging)
  WorkerLimitOptions limits;
};

class JobRunner : public RunExecutor {
 public:
  JobRunner(ProcessLauncher& launcher, JobRunnerOptions options);
  ~JobRunner() override;

  StatusOr<std::unique_ptr<RunningJob>> start(RunRequest request) override;

  const JobRunnerOptions& options() const { return options_; }

  // The interpreter and environment of a run without
  // --additional-python-modules or --extra-py-files (glueetl and pythonshell
  // alike) as far as a warm pool tells runs apart (warm_pool_key.h): what
  // the server prestarts its pool with. Resolves the interpreter: the first
  // call runs it once.
  struct Startup {
    std::string python;
    std::vector<std::string> env;
  };
  Startup default_startup();

 private:
  // The interpreter's real path (a pyenv shim or symlink resolved once, so
  // each run execs it directly).
  std::string interpreter();
  // PATH, HOME, TMPDIR, LANG, PYTHONUNBUFFERED, PYTHONPATH of a run in `workdir`.
  std::vector<std::string> base_env(const std::string& path, const std::string& workdir,
                                    const std::vector<std::string>& python_path) const;

  ProcessLauncher& launcher_;
  const JobRunnerOptions options_;
  std::mutex mu_;
  std::string interpreter_;                 // guarded by mu_; "" until resolved
  std::unique_ptr<PythonModules> modules_;  // created with the interpreter
};

}  // namespace mortar::jobs
