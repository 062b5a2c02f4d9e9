// JobRunner with the real PosixLauncher, real Python scripts and Mortar's
// awsglue package from the source tree (getResolvedOptions needs no native
// module), logs into an in-memory sink.
#include "jobs/job_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "jobs/posix_launcher.h"
#include "jobs/python_modules.h"

#ifndef MORTAR_TEST_PYTHON
#define MORTAR_TEST_PYTHON "python3"
#endif

namespace mortar::jobs {
namespace job_runner_test {

namespace fs = std::filesystem;
using nlohmann::json;

class MemorySink : public logs::LogSink {
 public:
  void append(const std::string& account_id, const std::string& group, const std::string& stream,
              std::vector<logs::LogEvent> events) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto& to = logs_[account_id + " " + group + " " + stream];
    to.insert(to.end(), events.begin(), events.end());
  }
  void flush() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++flushes_;
  }
  std::vector<logs::LogEvent> events(const std::string& group, const std::string& stream,
                                     const std::string& account = "123456789012") {
    std::lock_guard<std::mutex> lock(mu_);
    return logs_[account + " " + group + " " + stream];
  }
  std::vector<std::string> lines(const std::string& group, const std::string& stream) {
    std::vector<std::string> out;
    for (const auto& e : events(group, stream)) out.push_back(e.message);
    return out;
  }
  std::string text(const std::string& group, const std::string& stream) {
    std::string out;
    for (const auto& line : lines(group, stream)) out += line + "\n";
    return out;
  }
  int flushes() {
    std::lock_guard<std::mutex> lock(mu_);
    return flushes_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<logs::LogEvent>> logs_;
  int flushes_ = 0;
};

class RecordingBookmarks : public BookmarkHooks {
 public:
  StatusOr<std::string> load(const BookmarkRun& run) override {
    std::lock_guard<std::mutex> lock(mu_);
    loaded.push_back(run);
    return std::string(R"({"version": 7, "entries": {}})");
  }
  Status commit(const BookmarkRun& run, const std::string& document) override {
    std::lock_guard<std::mutex> lock(mu_);
    committed.push_back({run.run_id, document});
    if (refuse) return concurrent_modification("bookmark version 7 is stale: version 8 exists");
    return ok_status();
  }
  std::mutex mu_;
  std::vector<BookmarkRun> loaded;
  std::vector<std::pair<std::string, std::string>> committed;
  bool refuse = false;
};

class JobRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mortar-runner-XXXXXX";
    root_ = mkdtemp(tmpl);
    root_ = fs::canonical(root_).string();
    fs::create_directories(root_ + "/scripts");
    options_.data_dir = root_ + "/data";
    // MORTAR_TEST_RUNNER_PYTHON: another interpreter to try (e.g. one without pip).
    const char* python = std::getenv("MORTAR_TEST_RUNNER_PYTHON");
    options_.python = python != nullptr ? python : MORTAR_TEST_PYTHON;
    options_.python_path = std::string(MORTAR_SOURCE_DIR) + "/python";
    options_.log_sink = &sink_;
    options_.clock = &clock_;
    options_.stop_grace = std::chrono::milliseconds(300);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  std::string script(const std::string& name, const std::string& code) {
    const std::string path = root_ + "/scripts/" + name;
    std::ofstream(path) << code;
    return path;
  }

  RunRequest request(const std::string& script_location, const std::string& run_id,
                     const std::string& command = "glueetl") {
    RunRequest r;
    r.account_id = "123456789012";
    r.region = "eu-west-1";
    r.endpoint = "http://127.0.0.1:1";
    r.credentials = {"AKIARUNKEY0000000001", "run-secret"};
    r.job = {{"Name", "nightly"},
             {"Command", {{"Name", command}, {"ScriptLocation", script_location}}}};
    r.run = {{"Id", run_id}, {"JobName", "nightly"}};
    return r;
  }

  RunResult run(RunRequest r, JobRunner& runner) {
    auto started = runner.start(std::move(r));
    EXPECT_TRUE(started.ok()) << started.status();
    if (!started.ok()) return {"<not started>", std::string(status_message(started.status()))};
    return (*started)->wait();
  }

  // The script's stdout parsed as one JSON document.
  json output_json(const std::string& run_id, const std::string& group = "/aws-glue/jobs") {
    std::string text = sink_.text(group + "/output", run_id);
    try {
      return json::parse(text);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not JSON: " << text << "\nstderr: " << sink_.text(group + "/error", run_id);
      return json();
    }
  }

  std::string root_;
  MemorySink sink_;
  FakeClock clock_{1765000000123456};
  JobRunnerOptions options_;
  PosixLauncher launcher_;
};

constexpr const char* kPrintOptions = R"(
import json, os, sys
from awsglue.utils import getResolvedOptions
print(json.dumps({"argv": sys.argv[1:], "cwd": os.getcwd(),
                  "resolved": getResolvedOptions(sys.argv, ["JOB_NAME", "a", "b", "c"])}))
)";

TEST_F(JobRunnerTest, ArgumentsReachTheScriptAsGlueResolvesThem) {
  JobRunner runner(launcher_, options_);
  RunRequest r = request(script("args.py", kPrintOptions), "jr_args");
  r.job["DefaultArguments"] = {{"--a", "job-default"},
                               {"--b", "job-default"},
                               {"--c", "job-default"},
                               {"--JOB_NAME", "not-the-job"},
                               {"--enable-metrics", "true"}};
  r.job["NonOverridableArguments"] = {{"--c", "fixed"}};
  r.run["Arguments"] = {{"--b", "run-value"}, {"--c", "run-value"}};
  RunResult result = run(std::move(r), runner);
  ASSERT_EQ(result.state, "SUCCEEDED") << result.error_message;
  json out = output_json("jr_args");
  const json& resolved = out["resolved"];
  EXPECT_EQ(resolved["a"], "job-default");
  EXPECT_EQ(resolved["b"], "run-value");
  EXPECT_EQ(resolved["c"], "fixed");  // NonOverridableArguments win over the run's
  EXPECT_EQ(resolved["JOB_NAME"], "nightly");
  EXPECT_EQ(resolved["JOB_RUN_ID"], "jr_args");
  const std::string job_id = resolved["JOB_ID"];
  EXPECT_EQ(job_id.rfind("j_", 0), 0u);
  EXPECT_EQ(job_id.size(), 66u);
  EXPECT_EQ(resolved["job_bookmark_option"], "job-bookmark-disable");
  const std::string workdir = options_.data_dir + "/runs/jr_args";
  EXPECT_EQ(resolved["TempDir"], workdir + "/tmp");
  EXPECT_EQ(out["cwd"], workdir);
  // Special arguments reach the script too, as Glue passes them.
  const std::string argv = out["argv"].dump();
  EXPECT_NE(argv.find(R"("--enable-metrics","true")"), std::string::npos) << argv;
  EXPECT_EQ(argv.find("not-the-job"), std::string::npos) << argv;
  EXPECT_EQ(argv.find("WORKFLOW"), std::string::npos) << argv;
  // The working dir is gone once the run ended.
  EXPECT_FALSE(fs::exists(workdir));
}

TEST_F(JobRunnerTest, WorkflowTempDirAndBookmarkOptionFromTheArguments) {
  JobRunner runner(launcher_, options_);
  RunRequest r = request(script("wf.py", R"(
import json, sys
from awsglue.utils import getResolvedOptions
print(json.dumps(getResolvedOptions(sys.argv, ["WORKFLOW_NAME", "WORKFLOW_RUN_ID"])))
)"),
                         "jr_wf");
  r.job["DefaultArguments"] = {{"--TempDir", "s3://bucket/tmp/"},
                               {"--job-bookmark-option", "job-bookmark-enable"}};
  r.origin = {"nightly-trigger", "etl-flow", "wr_0123"};
  RunResult result = run(std::move(r), runner);
  ASSERT_EQ(result.state, "SUCCEEDED") << result.error_message;
  json out = output_json("jr_wf");
  EXPECT_EQ(out["WORKFLOW_NAME"], "etl-flow");
  EXPECT_EQ(out["WORKFLOW_RUN_ID"], "wr_0123");
  EXPECT_EQ(out["TempDir"], "s3://bucket/tmp/");
  EXPECT_EQ(out["job_bookmark_option"], "job-bookmark-enable");
}

TEST_F(JobRunnerTest, TheScriptSeesItsOwnEnvironmentOnly) {
  const char* had = std::getenv("AWS_SECRET_ACCESS_KEY");
  const std::string saved = had != nullptr ? had : "";
  setenv("AWS_SECRET_ACCESS_KEY", "the-admin-secret", 1);
  setenv("MORTAR_RUNNER_TEST_SERVER_ONLY", "leaked", 1);
  options_.extra_env = {"MORTAR_S3_ENDPOINT=http://127.0.0.1:9"};
  JobRunner runner(launcher_, options_);
  RunResult result = run(request(script("env.py", R"(
import json, os
print(json.dumps(dict(os.environ)))
)"),
                                 "jr_env"),
                         runner);
  if (had != nullptr) {
    setenv("AWS_SECRET_ACCESS_KEY", saved.c_str(), 1);
  } else {
    unsetenv("AWS_SECRET_ACCESS_KEY");
  }
  unsetenv("MORTAR_RUNNER_TEST_SERVER_ONLY");
  ASSERT_EQ(result.state, "SUCCEEDED") << result.error_message;
  json env = output_json("jr_env");
  const std::string workdir = options_.data_dir + "/runs/jr_env";
  EXPECT_EQ(env["AWS_ACCESS_KEY_ID"], "AKIARUNKEY0000000001");
  EXPECT_EQ(env["AWS_SECRET_ACCESS_KEY"], "run-secret");
  EXPECT_EQ(env["AWS_REGION"], "eu-west-1");
  EXPECT_EQ(env["AWS_DEFAULT_REGION"], "eu-west-1");
  EXPECT_EQ(env["MORTAR_ENDPOINT"], "http://127.0.0.1:1");
  EXPECT_EQ(env["AWS_ENDPOINT_URL_GLUE"], "http://127.0.0.1:1");
  EXPECT_EQ(env["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"], "http://127.0.0.1:1");
  EXPECT_EQ(env["HOME"], workdir);
  EXPECT_EQ(env["PYTHONUNBUFFERED"], "1");
  EXPECT_EQ(env["PYTHONPATH"], std::string(MORTAR_SOURCE_DIR) + "/python");
  EXPECT_EQ(env["MORTAR_S3_ENDPOINT"], "http://127.0.0.1:9");
  EXPECT_FALSE(env.contains("MORTAR_RUNNER_TEST_SERVER_ONLY"));
  EXPECT_FALSE(env.contains("AWS_ENDPOINT_URL"));  // S3 is not on Mortar's endpoint
  EXPECT_EQ(env.dump().find("the-admin-secret"), std::string::npos);
}

TEST_F(JobRunnerTest, OutputBecomesLogEventsPerLineInGluesGroups) {
  JobRunner runner(launcher_, options_);
  RunResult result = run(request(script("shell.py", R"(
import sys
print("first line")
print("second line")
print("to stderr", file=sys.stderr)
sys.stdout.write("no newline at the end")
)"),
                                 "jr_shell", "pythonshell"),
                         runner);
  ASSERT_EQ(result.state, "SUCCEEDED") << result.error_message;
  EXPECT_EQ(sink_.lines("/aws-glue/python-jobs/output", "jr_shell"),
            (std::vector<std::string>{"first line", "second line", "no newline at the end"}));
  std::vector<std::string> err = sink_.lines("/aws-glue/python-jobs/error", "jr_shell");
  EXPECT_NE(std::find(err.begin(), err.end(), "to stderr"), err.end());
  const std::string err_text = sink_.text("/aws-glue/python-jobs/error", "jr_shell");
  EXPECT_NE(err_text.find("mortar: starting pythonshell run jr_shell of job nightly"),
            std::string::npos)
      << err_text;
  EXPECT_NE(err_text.find("mortar: the script's process ended: exit code 0"), std::string::npos);
  for (const auto& e : sink_.events("/aws-glue/python-jobs/output", "jr_shell")) {
    EXPECT_EQ(e.timestamp_millis, 1765000000123);
  }
  EXPECT_TRUE(sink_.lines("/aws-glue/jobs/output", "jr_shell").empty());
  EXPECT_GE(sink_.flushes(), 1);
}

TEST_F(JobRunnerTest, RefusesCommandsAndPythonVersionsItCannotRun) {
  JobRunner runner(launcher_, options_);
  const std::string path = script("ok.py", "print('hi')\n");
  auto streaming = runner.start(request(path, "jr_s", "gluestreaming"));
  ASSERT_FALSE(streaming.ok());
  EXPECT_NE(std::string(status_message(streaming.status())).find("gluestreaming"),
            std::string::npos);
  RunRequest old = request(path, "jr_p", "pythonshell");
  old.job["Command"]["PythonVersion"] = "2";
  auto python2 = runner.start(old);
  ASSERT_FALSE(python2.ok());
  EXPECT_NE(std::string(status_message(python2.status())).find("PythonVersion 2"),
            std::string::npos);
  RunRequest ok = request(path, "jr_39", "pythonshell");
  ok.job["Command"]["PythonVersion"] = "3.9";
  EXPECT_EQ(run(ok, runner).state, "SUCCEEDED");
}

TEST_F(JobRunnerTest, AMissingScriptFailsNamingItsLocation) {
  JobRunner runner(launcher_, options_);
  auto missing = runner.start(request(root_ + "/scripts/nope.py", "jr_missing"));
  ASSERT_FALSE(missing.ok());
  const std::string message(status_message(missing.status()));
  EXPECT_NE(message.find(root_ + "/scripts/nope.py"), std::string::npos) << message;
  EXPECT_NE(message.find("does not exist"), std::string::npos) << message;
  EXPECT_NE(sink_.text("/aws-glue/jobs/error", "jr_missing").find("could not start"),
            std::string::npos);
  auto relative = runner.start(request("scripts/x.py", "jr_relative"));
  ASSERT_FALSE(relative.ok());
  EXPECT_NE(std::string(status_message(relative.status())).find("absolute path"),
            std::string::npos);
  // file:// works like a path; --scriptLocation overrides the command's.
  RunRequest r = request(root_ + "/scripts/nope.py", "jr_file");
  r.run["Arguments"] = {{"--scriptLocation", "file://" + script("real.py", "print('ran')\n")}};
  EXPECT_EQ(run(r, runner).state, "SUCCEEDED");
  EXPECT_EQ(sink_.lines("/aws-glue/jobs/output", "jr_file"), std::vector<std::string>{"ran"});
}

TEST_F(JobRunnerTest, ExtraPyFilesAreImportable) {
  fs::create_directories(root_ + "/lib/pkgdir/shared");
  std::ofstream(root_ + "/lib/helper.py") << "VALUE = 'from helper'\n";
  std::ofstream(root_ + "/lib/neighbour.py") << "VALUE = 'should not be importable'\n";
  std::ofstream(root_ + "/lib/pkgdir/shared/__init__.py") << "VALUE = 'from a dir'\n";
  JobRunner runner(launcher_, options_);
  RunRequest r = request(script("extra.py", R"(
import helper, shared
print(helper.VALUE)
print(shared.VALUE)
try:
    import neighbour
    print("neighbour imported")
except ImportError:
    print("no neighbour")
)"),
                         "jr_extra");
  r.job["DefaultArguments"] = {
      {"--extra-py-files", root_ + "/lib/helper.py, " + root_ + "/lib/pkgdir"}};
  RunResult result = run(r, runner);
  ASSERT_EQ(result.state, "SUCCEEDED") << result.error_message << "\n"
                                       << sink_.text("/aws-glue/jobs/error", "jr_extra");
  EXPECT_EQ(sink_.lines("/aws-glue/jobs/output", "jr_extra"),
            (std::vector<std::string>{"from helper", "from a dir", "no neighbour"}));

  RunRequest bad = request(root_ + "/scripts/extra.py", "jr_extra_missing");
  bad.job["DefaultArguments"] = {{"--extra-py-files", root_ + "/lib/absent.py"}};
  auto missing = runner.start(bad);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(std::string(status_message(missing.status())).find("absent.py does not exist"),
            std::string::npos)
      << missing.status();
}

TEST_F(JobRunnerTest, FailuresCarryTheReason) {
  JobRunner runner(launcher_, options_);
  RunResult raised =
      run(request(script("raise.py", "raise ValueError('bad row 7')\n"), "jr_r"), runner);
  EXPECT_EQ(raised.state, "FAILED");
  EXPECT_EQ(raised.error_message, "ValueError: bad row 7");
  RunResult code = run(request(script("exit.py", "import os\nos._exit(3)\n"), "jr_c"), runner);
  EXPECT_EQ(code.state, "FAILED");
  EXPECT_EQ(code.error_message, "the script exited with code 3");
  RunResult crash =
      run(request(script("crash.py", "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n"),
                  "jr_crash"),
          runner);
  EXPECT_EQ(crash.state, "FAILED");
  EXPECT_EQ(crash.error_message, "the script was killed by SIGSEGV");
  EXPECT_NE(sink_.text("/aws-glue/jobs/error", "jr_crash").find("mortar: run ended FAILED"),
            std::string::npos);
}

TEST_F(JobRunnerTest, AMemoryHogFailsAtItsLimit) {
  JobRunner runner(launcher_, options_);
  RunRequest r = request(script("hog.py", "big = bytearray(3 * 1024 ** 3)\nprint('allocated')\n"),
                         "jr_hog", "pythonshell");
  r.job["MaxCapacity"] = 0.0625;  // Python shell's smallest: the 1 GiB floor
  RunResult result = run(r, runner);
  EXPECT_EQ(result.state, "FAILED");
  EXPECT_EQ(result.error_message, "MemoryError (the run's memory limit is 1024 MiB)");
  EXPECT_TRUE(sink_.lines("/aws-glue/python-jobs/output", "jr_hog").empty());
}

TEST_F(JobRunnerTest, StopEndsTheRunAsAskedAndKillsAfterTheGracePeriod) {
  JobRunner runner(launcher_, options_);
  // Ignores SIGTERM: only the SIGKILL after the grace period ends it.
  auto stubborn = runner.start(request(script("stubborn.py", R"(
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
time.sleep(300)
)"),
                                       "jr_stubborn"));
  ASSERT_TRUE(stubborn.ok()) << stubborn.status();
  // Wait until the handler is installed (poll the log, bounded).
  for (int i = 0; i < 3000 && sink_.lines("/aws-glue/jobs/output", "jr_stubborn").empty(); ++i) {
    usleep(10000);
  }
  ASSERT_FALSE(sink_.lines("/aws-glue/jobs/output", "jr_stubborn").empty());
  (*stubborn)->stop("TIMEOUT", "Job run timed out after 1 minute");
  RunResult timed_out = (*stubborn)->wait();
  EXPECT_EQ(timed_out.state, "TIMEOUT");
  EXPECT_EQ(timed_out.error_message, "Job run timed out after 1 minute");
  const std::string err = sink_.text("/aws-glue/jobs/error", "jr_stubborn");
  EXPECT_NE(err.find("SIGTERM to its process group"), std::string::npos) << err;
  EXPECT_NE(err.find("ms after SIGTERM: SIGKILL"), std::string::npos) << err;
  EXPECT_NE(err.find("killed by SIGKILL"), std::string::npos) << err;

  // Cleans up on SIGTERM and exits: no SIGKILL needed.
  auto polite = runner.start(request(script("polite.py", R"(
import os, signal, sys, time
def bye(*_):
    os.write(1, b"cleaned up\n")  # unbuffered: SIGTERM may land inside print("ready")
    sys.exit(0)
signal.signal(signal.SIGTERM, bye)
print("ready", flush=True)
time.sleep(300)
)"),
                                     "jr_polite"));
  ASSERT_TRUE(polite.ok());
  for (int i = 0; i < 3000 && sink_.lines("/aws-glue/jobs/output", "jr_polite").empty(); ++i) {
    usleep(10000);
  }
  (*polite)->stop("STOPPED", "");
  RunResult stopped = (*polite)->wait();
  EXPECT_EQ(stopped.state, "STOPPED");
  EXPECT_EQ(sink_.lines("/aws-glue/jobs/output", "jr_polite"),
            (std::vector<std::string>{"ready", "cleaned up"}));
  EXPECT_EQ(sink_.text("/aws-glue/jobs/error", "jr_polite").find("SIGKILL"), std::string::npos);
}

TEST_F(JobRunnerTest, BookmarksGoInThroughFilesAndAreCommittedOnlyOnSuccess) {
  RecordingBookmarks bookmarks;
  options_.bookmarks = &bookmarks;
  JobRunner runner(launcher_, options_);
  const std::string code = R"(
import json, os, sys
doc = json.load(open(os.environ["MORTAR_JOB_BOOKMARK_IN"]))
doc["version"] += 1
json.dump(doc, open(os.environ["MORTAR_JOB_BOOKMARK_OUT"], "w"))
sys.exit(int(sys.argv[sys.argv.index("--exit") + 1]))
)";
  RunRequest ok = request(script("bm.py", code), "jr_bm1");
  ok.job["DefaultArguments"] = {{"--job-bookmark-option", "job-bookmark-enable"}, {"--exit", "0"}};
  EXPECT_EQ(run(ok, runner).state, "SUCCEEDED");
  ASSERT_EQ(bookmarks.loaded.size(), 1u);
  EXPECT_EQ(bookmarks.loaded[0].option, "job-bookmark-enable");
  EXPECT_EQ(bookmarks.loaded[0].job_name, "nightly");
  EXPECT_EQ(bookmarks.loaded[0].account_id, "123456789012");
  ASSERT_EQ(bookmarks.committed.size(), 1u);
  EXPECT_EQ(json::parse(bookmarks.committed[0].second)["version"], 8);

  RunRequest failing = ok;
  failing.run["Id"] = "jr_bm2";
  failing.run["Arguments"] = {{"--exit", "1"}};
  EXPECT_EQ(run(failing, runner).state, "FAILED");
  EXPECT_EQ(bookmarks.committed.size(), 1u);  // a failed run commits nothing

  bookmarks.refuse = true;
  RunRequest raced = ok;
  raced.run["Id"] = "jr_bm3";
  RunResult result = run(raced, runner);
  EXPECT_EQ(result.state, "FAILED");
  EXPECT_NE(result.error_message.find("version 8 exists"), std::string::npos)
      << result.error_message;
}

TEST_F(JobRunnerTest, KeepsTheRunDirWhenAsked) {
  options_.keep_run_dirs = true;
  JobRunner runner(launcher_, options_);
  RunResult result =
      run(request(script("keep.py", "open('out.txt', 'w').write('kept')\n"), "jr_keep"), runner);
  ASSERT_EQ(result.state, "SUCCEEDED");
  std::ifstream in(options_.data_dir + "/runs/jr_keep/out.txt");
  std::string text;
  in >> text;
  EXPECT_EQ(text, "kept");
}

// A wheel built by hand (a zip with the module and its dist-info), so pip
// installs it without an index or network.
void write_wheel(const std::string& python, const std::string& path) {
  const std::string code =
      "import sys, zipfile\n"
      "with zipfile.ZipFile(sys.argv[1], 'w') as z:\n"
      "    z.writestr('mortar_tinymod.py', 'GREETING = \"hello from a wheel\"\\n')\n"
      "    z.writestr('mortar_tinymod-1.0.dist-info/METADATA',\n"
      "               'Metadata-Version: 2.1\\nName: mortar-tinymod\\nVersion: 1.0\\n')\n"
      "    z.writestr('mortar_tinymod-1.0.dist-info/WHEEL',\n"
      "               'Wheel-Version: 1.0\\nGenerator: hand\\nRoot-Is-Purelib: true\\n"
      "Tag: py3-none-any\\n')\n"
      "    z.writestr('mortar_tinymod-1.0.dist-info/RECORD', '')\n";
  PosixLauncher launcher;
  LaunchSpec spec;
  spec.argv = {python, "-c", code, path};
  spec.env = {"PATH=/usr/local/bin:/usr/bin:/bin"};
  auto p = launcher.launch(spec);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ((*p)->wait().exit_code, 0);
}

TEST_F(JobRunnerTest, AdditionalPythonModulesInstallOnceAndAreReused) {
  const std::string wheel = root_ + "/mortar_tinymod-1.0-py3-none-any.whl";
  write_wheel(MORTAR_TEST_PYTHON, wheel);
  JobRunner runner(launcher_, options_);
  const std::string path = script("mods.py", R"(
import mortar_tinymod, sys
from awsglue.utils import getResolvedOptions
print(mortar_tinymod.GREETING)
print(sys.prefix)
)");
  auto with_modules = [&](const std::string& run_id) {
    RunRequest r = request(path, run_id, "pythonshell");
    r.job["DefaultArguments"] = {{"--additional-python-modules", wheel},
                                 {"--python-modules-installer-option", "--no-index"}};
    return r;
  };
  RunResult first = run(with_modules("jr_mod1"), runner);
  ASSERT_EQ(first.state, "SUCCEEDED") << first.error_message << "\n"
                                      << sink_.text("/aws-glue/python-jobs/error", "jr_mod1");
  std::vector<std::string> out = sink_.lines("/aws-glue/python-jobs/output", "jr_mod1");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "hello from a wheel");
  const std::string venv = out[1];
  EXPECT_EQ(venv.rfind(options_.data_dir + "/venvs/py-", 0), 0u) << venv;
  EXPECT_NE(sink_.text("/aws-glue/python-jobs/error", "jr_mod1").find("mortar: pip: "),
            std::string::npos);
  const auto built = fs::last_write_time(venv + "/.mortar-ready");

  RunResult second = run(with_modules("jr_mod2"), runner);
  ASSERT_EQ(second.state, "SUCCEEDED") << second.error_message;
  EXPECT_EQ(sink_.lines("/aws-glue/python-jobs/output", "jr_mod2"), out);
  // Reused as it was: no pip this time.
  EXPECT_EQ(sink_.text("/aws-glue/python-jobs/error", "jr_mod2").find("mortar: pip: "),
            std::string::npos);
  EXPECT_EQ(fs::last_write_time(venv + "/.mortar-ready"), built);

  // A run without modules does not see them.
  RunResult plain = run(request(path, "jr_mod3", "pythonshell"), runner);
  EXPECT_EQ(plain.state, "FAILED");
  EXPECT_EQ(plain.error_message, "ModuleNotFoundError: No module named 'mortar_tinymod'");

  // A requirement pip cannot install fails the run, saying so.
  RunRequest bad = request(path, "jr_mod4", "pythonshell");
  bad.job["DefaultArguments"] = {{"--additional-python-modules", root_ + "/absent.whl"},
                                 {"--python-modules-installer-option", "--no-index"}};
  auto refused = runner.start(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(std::string(status_message(refused.status()))
                .find("installing --additional-python-modules " + root_ + "/absent.whl failed"),
            std::string::npos)
      << refused.status();
}

// s3:// scripts and --extra-py-files against a live S3-compatible server:
// tests/jobs/test_runner_s3.py runs this suite against moto (bucket
// MORTAR_TEST_S3_BUCKET holding scripts/main.py and lib/helper.py; the
// runner's S3 configuration from MORTAR_S3_ENDPOINT and the AWS_* variables);
// plain ctest has no endpoint and skips it, saying so.
class JobRunnerS3Live : public JobRunnerTest {
 protected:
  void SetUp() override {
    if (std::getenv("MORTAR_TEST_S3_ENDPOINT") == nullptr ||
        std::getenv("MORTAR_TEST_S3_BUCKET") == nullptr) {
      GTEST_SKIP() << "no MORTAR_TEST_S3_ENDPOINT: run by tests/jobs/test_runner_s3.py";
    }
    JobRunnerTest::SetUp();
    bucket_ = std::string("s3://") + std::getenv("MORTAR_TEST_S3_BUCKET");
  }
  std::string bucket_;
};

TEST_F(JobRunnerS3Live, FetchesTheScriptAndExtraPyFilesFromS3) {
  JobRunner runner(launcher_, options_);
  RunRequest r = request(bucket_ + "/scripts/main.py", "jr_s3");
  r.job["DefaultArguments"] = {{"--extra-py-files", bucket_ + "/lib/helper.py"}};
  RunResult result = run(r, runner);
  ASSERT_EQ(result.state, "SUCCEEDED") << result.error_message << "\n"
                                       << sink_.text("/aws-glue/jobs/error", "jr_s3");
  EXPECT_EQ(sink_.lines("/aws-glue/jobs/output", "jr_s3"),
            (std::vector<std::string>{"main.py from s3 says: helper from s3",
                                      options_.data_dir + "/runs/jr_s3/script/main.py"}));

  auto missing = runner.start(request(bucket_ + "/scripts/absent.py", "jr_s3_missing"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(std::string(status_message(missing.status()))
                .find("the script " + bucket_ + "/scripts/absent.py does not exist"),
            std::string::npos)
      << missing.status();
}

// A glueetl run on the native engine with the built awsglue/_mortar
// (<build>/python, MORTAR_TEST_PYTHON_PATH): tests/jobs/test_runner_glueetl.py
// runs this suite; plain ctest (which does not build _mortar for jobs_test)
// skips it, saying so.
class JobRunnerGlueEtlLive : public JobRunnerTest {
 protected:
  void SetUp() override {
    if (std::getenv("MORTAR_TEST_PYTHON_PATH") == nullptr) {
      GTEST_SKIP() << "no MORTAR_TEST_PYTHON_PATH: run by tests/jobs/test_runner_glueetl.py";
    }
    JobRunnerTest::SetUp();
    options_.python_path = std::getenv("MORTAR_TEST_PYTHON_PATH");
  }
};

TEST_F(JobRunnerGlueEtlLive, RunsADynamicFrameScriptWithinTheDefaultLimits) {
  fs::create_directories(root_ + "/in");
  std::ofstream(root_ + "/in/people.json") << "{\"name\": \"ada\", \"age\": \"36\"}\n"
                                           << "{\"name\": \"grace\", \"age\": \"85\"}\n";
  JobRunner runner(launcher_, options_);
  RunRequest r = request(script("etl.py", R"(
import sys
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.transforms import ApplyMapping
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "input", "output"])
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)
people = glue.create_dynamic_frame.from_options(
    connection_type="s3", connection_options={"paths": [args["input"]]}, format="json")
typed = ApplyMapping.apply(frame=people, mappings=[("name", "string", "name", "string"),
                                                  ("age", "string", "age", "int")])
glue.write_dynamic_frame.from_options(frame=typed, connection_type="s3",
                                      connection_options={"path": args["output"]},
                                      format="json")
print("rows", typed.count())
job.commit()
)"),
                         "jr_etl");
  r.run["Arguments"] = {{"--input", root_ + "/in"}, {"--output", root_ + "/out"}};
  RunResult result = run(r, runner);
  ASSERT_EQ(result.state, "SUCCEEDED") << result.error_message << "\n"
                                       << sink_.text("/aws-glue/jobs/error", "jr_etl");
  std::vector<std::string> out = sink_.lines("/aws-glue/jobs/output", "jr_etl");
  EXPECT_NE(std::find(out.begin(), out.end(), "rows 2"), out.end())
      << sink_.text("/aws-glue/jobs/output", "jr_etl");
  std::string written;
  for (const auto& entry : fs::recursive_directory_iterator(root_ + "/out")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path());
    written += std::string(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_NE(written.find("\"age\":85"), std::string::npos) << written;
}

TEST_F(JobRunnerGlueEtlLive, PythonShellAtItsSmallestCapacityCanStillUseTheEngine) {
  fs::create_directories(root_ + "/in");
  std::ofstream(root_ + "/in/a.json") << "{\"x\": 1}\n{\"x\": 2}\n{\"x\": 3}\n";
  JobRunner runner(launcher_, options_);
  RunRequest r = request(script("small.py", R"(
import sys
from awsglue.context import GlueContext
from pyspark.context import SparkContext
glue = GlueContext(SparkContext.getOrCreate())
frame = glue.create_dynamic_frame.from_options(
    connection_type="s3", connection_options={"paths": [sys.argv[sys.argv.index("--input") + 1]]},
    format="json")
print("rows", frame.count())
)"),
                         "jr_small", "pythonshell");
  r.job["MaxCapacity"] = 0.0625;
  r.run["Arguments"] = {{"--input", root_ + "/in"}};
  RunResult result = run(r, runner);
  ASSERT_EQ(result.state, "SUCCEEDED") << result.error_message << "\n"
                                       << sink_.text("/aws-glue/python-jobs/error", "jr_small");
  EXPECT_EQ(sink_.lines("/aws-glue/python-jobs/output", "jr_small"),
            std::vector<std::string>{"rows 3"});
}

TEST(PythonModulesKey, DependsOnTheSetNotItsOrder) {
  EXPECT_EQ(PythonModules::key({"a==1", "b"}, {}, "/py"),
            PythonModules::key({"b", "a==1"}, {}, "/py"));
  EXPECT_NE(PythonModules::key({"a==1"}, {}, "/py"), PythonModules::key({"a==2"}, {}, "/py"));
  EXPECT_NE(PythonModules::key({"a"}, {"--pre"}, "/py"), PythonModules::key({"a"}, {}, "/py"));
}

}  // namespace job_runner_test
}  // namespace mortar::jobs
