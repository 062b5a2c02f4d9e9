#include "jobs/job_runner.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "jobs/launched_run.h"
#include "jobs/run_arguments.h"
#include "jobs/run_files.h"
#include "jobs/run_log.h"

extern char** environ;

namespace mortar::jobs {
namespace {

namespace fs = std::filesystem;

// Services a script's AWS SDK should find on Mortar's endpoint: botocore >=
// 1.31 honours AWS_ENDPOINT_URL_<service id, upper case, '_' for blanks>.
// Not AWS_ENDPOINT_URL itself: S3 is not served there.
constexpr const char* kEndpointServices[] = {"GLUE", "CLOUDWATCH_LOGS", "IAM",
                                             "STS",  "EVENTBRIDGE",     "CLOUDTRAIL"};

// A run id as a directory name: Glue's ids are jr_<hex> (and
// <id>_attempt_<n>); anything that could leave runs/ is refused.
bool safe_name(const std::string& id) {
  if (id.empty() || id == "." || id == ".." || id.size() > 255) return false;
  return id.find('/') == std::string::npos && id.find('\0') == std::string::npos;
}

std::string json_string(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// Splits --python-modules-installer-option ("--upgrade --index-url=URL").
std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

// What pip may need from the server's environment: proxies and PIP_* settings.
std::vector<std::string> pip_env(const std::string& path) {
  std::vector<std::string> env = {"PATH=" + path, "LANG=C.UTF-8"};
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    std::string name = kv.substr(0, kv.find('='));
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name.rfind("PIP_", 0) == 0 || lower == "http_proxy" || lower == "https_proxy" ||
        lower == "no_proxy" || name == "SSL_CERT_FILE" || name == "SSL_CERT_DIR") {
      env.push_back(kv);
    }
  }
  return env;
}

Status with_context(const Status& s, const std::string& context) {
  return Status(s.code(), to_absl(context + std::string(status_message(s))));
}

}  // namespace

JobRunner::JobRunner(ProcessLauncher& launcher, JobRunnerOptions options)
    : launcher_(launcher), options_(std::move(options)) {}

JobRunner::~JobRunner() = default;

std::string JobRunner::interpreter() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!interpreter_.empty()) return interpreter_;
  std::string found;
  LaunchSpec spec;
  spec.argv = {options_.python, "-c", "import sys; print(sys.executable)"};
  spec.env = {"PATH=" + options_.path, "LANG=C.UTF-8"};
  std::mutex out_mu;
  spec.on_output = [&](OutputStream s, std::string_view chunk) {
    std::lock_guard<std::mutex> l(out_mu);
    if (s == OutputStream::kStdout) found.append(chunk);
  };
  auto process = launcher_.launch(std::move(spec));
  if (process.ok() && (*process)->wait().exit_code == 0) {
    process->reset();
    while (!found.empty() && (found.back() == '\n' || found.back() == '\r')) found.pop_back();
  } else {
    found.clear();
  }
  // Unresolved: run it as configured (launch reports what is wrong).
  interpreter_ = found.empty() ? options_.python : found;
  modules_ = std::make_unique<PythonModules>(launcher_, interpreter_,
                                             (fs::path(options_.data_dir) / "venvs").string(),
                                             pip_env(options_.path));
  return interpreter_;
}

std::vector<std::string> JobRunner::base_env(const std::string& path, const std::string& workdir,
                                             const std::vector<std::string>& python_path) const {
  std::vector<std::string> env = {"PATH=" + path, "HOME=" + workdir, "TMPDIR=" + workdir + "/tmp",
                                  "LANG=C.UTF-8", "PYTHONUNBUFFERED=1"};
  std::string joined;
  for (const std::string& p : python_path) joined += (joined.empty() ? "" : ":") + p;
  if (!joined.empty()) env.push_back("PYTHONPATH=" + joined);
  return env;
}

JobRunner::Startup JobRunner::default_startup() {
  Startup out;
  out.python = interpreter();
  std::vector<std::string> python_path;
  if (!options_.python_path.empty()) python_path.push_back(options_.python_path);
  // A run's HOME is its working dir, which has no user site-packages; so has this.
  out.env = base_env(options_.path, (fs::path(options_.data_dir) / "runs").string(), python_path);
  out.env.insert(out.env.end(), options_.extra_env.begin(), options_.extra_env.end());
  return out;
}

StatusOr<std::unique_ptr<RunningJob>> JobRunner::start(RunRequest request) {
  const nlohmann::json& job = request.job;
  const nlohmann::json& run = request.run;
  std::string job_name = json_string(job, "Name");
  if (job_name.empty()) job_name = json_string(run, "JobName");
  const std::string run_id = json_string(run, "Id");
  if (!safe_name(run_id)) return invalid_input("the run has no usable Id: \"" + run_id + "\"");

  nlohmann::json command =
      job.is_object() ? job.value("Command", nlohmann::json::object()) : nlohmann::json::object();
  std::string command_name = json_string(command, "Name");
  if (command_name.empty()) command_name = "glueetl";
  const bool python_shell = command_name == "pythonshell";
  if (command_name != "glueetl" && !python_shell) {
    return invalid_input("job " + job_name + " has the command " + command_name +
                         ": Mortar runs glueetl and pythonshell jobs only");
  }
  const std::string python_version = json_string(command, "PythonVersion");
  if (!python_version.empty() && python_version != "3" &&
      !(python_shell && python_version == "3.9")) {
    return invalid_input("job " + job_name + " asks for PythonVersion " + python_version +
                         ": Mortar runs " + command_name + " jobs on Python 3" +
                         (python_shell ? " (PythonVersion 3 or 3.9)" : " (PythonVersion 3)"));
  }

  auto log = std::make_shared<RunLog>(
      options_.log_sink,
      RunLogTarget{request.account_id, python_shell ? "/aws-glue/python-jobs" : "/aws-glue/jobs",
                   run_id},
      *options_.clock);
  const fs::path workdir = fs::path(options_.data_dir) / "runs" / run_id;
  auto fail = [&](const Status& s) -> Status {
    log->event("the run could not start: " + std::string(status_message(s)));
    log->finish();
    std::error_code ec;
    if (!options_.keep_run_dirs) fs::remove_all(workdir, ec);
    return s;
  };
  {
    std::error_code ec;
    fs::remove_all(workdir, ec);  // a previous attempt's leftovers
    fs::create_directories(workdir / "tmp", ec);
    if (ec) {
      return fail(internal_error("cannot create the run's working dir " + workdir.string() + ": " +
                                 ec.message()));
    }
  }

  const ArgumentMap args = resolve_arguments(job, run);
  std::string location = argument(args, "--scriptLocation").value_or("");
  if (location.empty()) location = json_string(command, "ScriptLocation");
  StatusOr<std::string> script = fetch_script(location, workdir.string());
  if (!script.ok()) return fail(with_context(script.status(), "job " + job_name + ": "));

  std::vector<std::string> python_path;
  if (!options_.python_path.empty()) python_path.push_back(options_.python_path);
  if (auto extra = argument(args, "--extra-py-files"); extra && !extra->empty()) {
    auto entries = fetch_extra_py_files(*extra, workdir.string());
    if (!entries.ok()) return fail(with_context(entries.status(), "job " + job_name + ": "));
    python_path.insert(python_path.end(), entries->begin(), entries->end());
  }

  std::string python = interpreter();
  std::string path = options_.path;
  if (auto modules = argument(args, "--additional-python-modules"); modules && !modules->empty()) {
    std::vector<std::string> requirements = split_list(*modules);
    if (!requirements.empty()) {
      log->event("preparing --additional-python-modules " + *modules);
      const std::vector<std::string> installer_options =
          split_words(argument(args, "--python-modules-installer-option").value_or(""));
      auto venv = modules_->ensure(requirements, installer_options, [&](std::string_view line) {
        log->event("pip: " + std::string(line));
      });
      if (!venv.ok()) return fail(venv.status());
      python = *venv;
      path = fs::path(python).parent_path().string() + ":" + path;
    }
  }

  // The environment: only what the script needs (never the server's own).
  const ResourceLimits limits = worker_limits(job, run, options_.limits);
  std::vector<std::string> env = base_env(path, workdir.string(), python_path);
  if (!request.endpoint.empty()) {
    env.push_back("MORTAR_ENDPOINT=" + request.endpoint);
    for (const char* service : kEndpointServices) {
      env.push_back(std::string("AWS_ENDPOINT_URL_") + service + "=" + request.endpoint);
    }
  }
  if (!request.credentials.access_key_id.empty()) {
    env.push_back("AWS_ACCESS_KEY_ID=" + request.credentials.access_key_id);
    env.push_back("AWS_SECRET_ACCESS_KEY=" + request.credentials.secret_access_key);
  }
  if (!request.region.empty()) {
    env.push_back("AWS_REGION=" + request.region);
    env.push_back("AWS_DEFAULT_REGION=" + request.region);
  }
  if (limits.memory_bytes > 0) {
    // The engine spills before the process reaches its limit.
    env.push_back("MORTAR_ENGINE_MEMORY_MB=" +
                  std::to_string(std::max<int64_t>(64, limits.memory_bytes / 2 >> 20)));
  }

  BookmarkRun bookmark_run;
  bookmark_run.account_id = request.account_id;
  bookmark_run.job_name = job_name;
  bookmark_run.run_id = run_id;
  bookmark_run.option = argument(args, "--job-bookmark-option").value_or("job-bookmark-disable");
  bookmark_run.from_run = argument(args, "--job-bookmark-from").value_or("");
  bookmark_run.to_run = argument(args, "--job-bookmark-to").value_or("");
  const std::string bookmark_in = (workdir / "bookmark_in.json").string();
  const std::string bookmark_out = (workdir / "bookmark_out.json").string();
  if (options_.bookmarks != nullptr) {
    StatusOr<std::string> document = options_.bookmarks->load(bookmark_run);
    if (!document.ok()) {
      return fail(with_context(document.status(), "cannot load the job bookmark: "));
    }
    std::ofstream out(bookmark_in, std::ios::binary | std::ios::trunc);
    out << *document;
    out.close();
    if (!out) return fail(internal_error("cannot write " + bookmark_in));
    env.push_back("MORTAR_JOB_BOOKMARK_IN=" + bookmark_in);
    env.push_back("MORTAR_JOB_BOOKMARK_OUT=" + bookmark_out);
  }
  env.insert(env.end(), options_.extra_env.begin(), options_.extra_env.end());

  ReservedArguments reserved;
  reserved.job_id = glue_job_id(request.account_id, job_name);
  reserved.run_id = run_id;
  reserved.job_name = job_name;
  reserved.temp_dir = (workdir / "tmp").string();
  reserved.origin = request.origin;
  LaunchSpec spec;
  spec.argv = {python, *script};
  for (std::string& a : script_arguments(args, reserved)) spec.argv.push_back(std::move(a));
  spec.env = std::move(env);
  spec.working_dir = workdir.string();
  spec.limits = limits;
  spec.on_output = [log](OutputStream s, std::string_view chunk) { log->output(s, chunk); };

  log->event("starting " + command_name + " run " + run_id + " of job " + job_name + ": " + python +
             " " + *script +
             (limits.memory_bytes > 0
                  ? " (memory limit " + std::to_string(limits.memory_bytes >> 20) + " MiB)"
                  : ""));
  auto process = launcher_.launch(std::move(spec));
  if (!process.ok()) return fail(process.status());
  log->event(std::string("started, pid ") + std::to_string((*process)->pid()));

  LaunchedRunSetup setup;
  setup.log = log;
  setup.workdir = workdir.string();
  setup.keep_workdir = options_.keep_run_dirs;
  setup.stop_grace = options_.stop_grace;
  setup.limits = limits;
  setup.bookmarks = options_.bookmarks;
  setup.bookmark_run = bookmark_run;
  setup.bookmark_out = bookmark_out;
  return std::unique_ptr<RunningJob>(
      std::make_unique<LaunchedRun>(std::move(*process), std::move(setup)));
}

}  // namespace mortar::jobs
