// JobRunner with the real PosixLauncher, real Python scripts and Mortar's
// awsglue package from the source tree (getResolvedOptions needs no native
// module), logs into an in-memory sink.
#include "jobs/job_runner.h"

#include <gtest/gtest.h>

#include "jobs/job_runner_test_support.h"

namespace mortar::jobs {
namespace job_runner_test {

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
TEST(PythonModulesKey, DependsOnTheSetNotItsOrder) {
  EXPECT_EQ(PythonModules::key({"a==1", "b"}, {}, "/py"),
            PythonModules::key({"b", "a==1"}, {}, "/py"));
  EXPECT_NE(PythonModules::key({"a==1"}, {}, "/py"), PythonModules::key({"a==2"}, {}, "/py"));
  EXPECT_NE(PythonModules::key({"a"}, {"--pre"}, "/py"), PythonModules::key({"a"}, {}, "/py"));
}

}  // namespace job_runner_test
}  // namespace mortar::jobs
