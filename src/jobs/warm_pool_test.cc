// The warm pool with real fork servers and real processes: a warm run does
// what the script says, fork servers that die are replaced, what cannot run
// warm falls back to a cold start, and runs share fork servers only when
// their environment allows. What a run cannot see of the runs before it:
// warm_run_isolation_test.cc.
#include "jobs/warm_pool.h"

#include <gtest/gtest.h>

#include "jobs/warm_pool_test_support.h"

namespace mortar::jobs::warm_pool_testing {
namespace {

TEST_F(WarmPoolTest, RunsTheScriptWarmWithItsOutputArgumentsAndExitCode) {
  std::string path = script("hello", R"(
import sys
print("out", sys.argv[1:], __name__, __file__ == sys.argv[0])
print("err line", file=sys.stderr)
sys.exit(3)
)");
  LaunchSpec s = spec(path, {}, {"--JOB_NAME", "j1"});
  WarmPoolLauncher& l = warm_launcher(s);
  RunResult r = run(l, s);
  EXPECT_TRUE(r.exit.warm);
  EXPECT_EQ(r.exit.exit_code, 3);
  EXPECT_EQ(r.exit.signal, 0);
  EXPECT_EQ(r.out, "out ['--JOB_NAME', 'j1'] __main__ True\n");
  EXPECT_EQ(r.err, "err line\n");
  EXPECT_EQ(fallback_.count(), 0u);
  EXPECT_EQ(l.stats().hits, 1);
}

TEST_F(WarmPoolTest, AGlueScriptRunsWarmWithTheEngineAlreadyImported) {
  std::string path = script("glue", R"(
import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job
args = getResolvedOptions(sys.argv, ["JOB_NAME"])
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)
job.commit()
print("job", args["JOB_NAME"], "_mortar" in sys.modules)
)");
  LaunchSpec s = spec(path, {}, {"--JOB_NAME", "etl"});
  WarmPoolLauncher& l = warm_launcher(s);
  RunResult r = run(l, s);
  EXPECT_TRUE(r.exit.warm);
  EXPECT_EQ(r.exit.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("job etl True"), std::string::npos) << r.out;
}

TEST_F(WarmPoolTest, AnUncaughtExceptionIsReportedFromTheScriptsOwnFrames) {
  std::string path = script("boom", "def f():\n    raise ValueError('boom')\nf()\n");
  LaunchSpec s = spec(path);
  WarmPoolLauncher& l = warm_launcher(s);
  RunResult r = run(l, s);
  EXPECT_TRUE(r.exit.warm);
  EXPECT_EQ(r.exit.exit_code, 1);
  EXPECT_EQ(r.exit.exception_line, "ValueError: boom");
  // As a cold start prints it: the script's frames only.
  EXPECT_EQ(r.err, "Traceback (most recent call last):\n  File \"" + path +
                       "\", line 3, in <module>\n    f()\n  File \"" + path +
                       "\", line 2, in f\n    raise ValueError('boom')\nValueError: boom\n");
}

TEST_F(WarmPoolTest, TerminateEndsTheRunBySigtermAndKillReachesItsWholeGroup) {
  std::string path = script("sleeper", R"(
import subprocess, sys, time
child = subprocess.Popen(["sleep", "300"])
print(child.pid, flush=True)
time.sleep(300)
)");
  LaunchSpec s = spec(path);
  WarmPoolLauncher& l = warm_launcher(s);
  for (bool use_kill : {false, true}) {
    auto output = std::make_shared<Output>();
    LaunchSpec each = s;
    each.on_output = [output](OutputStream stream, std::string_view chunk) {
      std::lock_guard<std::mutex> lock(output->mu);
      if (stream == OutputStream::kStdout) output->out.append(chunk);
    };
    auto process = l.launch(each);
    ASSERT_TRUE(process.ok());
    ASSERT_TRUE(eventually([&] { return output->stdout_text().find('\n') != std::string::npos; }));
    const pid_t grandchild = std::stoi(output->stdout_text());
    use_kill ? (*process)->kill() : (*process)->terminate();
    ExitInfo exit = (*process)->wait();
    EXPECT_TRUE(exit.warm);
    EXPECT_EQ(exit.signal, use_kill ? SIGKILL : SIGTERM);
    EXPECT_EQ(exit.exit_code, 128 + exit.signal);
    // The signal went to the group: `sleep` got it too.
    EXPECT_TRUE(eventually([&] {
      std::ifstream stat("/proc/" + std::to_string(grandchild) + "/stat");
      std::string pid, comm, state;
      return !(stat >> pid >> comm >> state) || state == "Z";
    })) << "the grandchild survived";
  }
}

TEST_F(WarmPoolTest, LimitsApply) {
  std::string path = script("limits", R"(
import resource
print(resource.getrlimit(resource.RLIMIT_NOFILE), resource.getrlimit(resource.RLIMIT_CPU)[0],
      resource.getrlimit(resource.RLIMIT_AS)[0])
)");
  LaunchSpec s = spec(path);
  s.limits.open_files = 77;
  s.limits.cpu_seconds = 120;
  s.limits.memory_bytes = int64_t{4} << 30;
  WarmPoolLauncher& l = warm_launcher(s);
  RunResult r = run(l, s);
  EXPECT_TRUE(r.exit.warm);
  EXPECT_EQ(r.out, "(77, 77) 120 " + std::to_string(int64_t{4} << 30) + "\n") << r.err;
}

TEST_F(WarmPoolTest, ACrashingRunDoesNotHarmTheForkServer) {
  std::string abort_script = script("abort", "import os\nos.abort()\n");
  std::string segv_script = script("segv", "import ctypes\nctypes.string_at(0)\n");
  std::string fine = script("fine", "print('fine')\n");
  std::string bystander = script("bystander", "import time\ntime.sleep(1)\nprint('unharmed')\n");
  LaunchSpec s = spec(abort_script);
  WarmPoolLauncher& l = warm_launcher(s);
  // A run in flight while others crash.
  RunResult other;
  std::thread in_flight([&, other_spec = spec(bystander)] { other = run(l, other_spec); });
  RunResult aborted = run(l, s);
  EXPECT_EQ(aborted.exit.signal, SIGABRT);
  EXPECT_TRUE(aborted.exit.warm);
  RunResult crashed = run(l, spec(segv_script));
  EXPECT_EQ(crashed.exit.signal, SIGSEGV);
  RunResult after = run(l, spec(fine));
  EXPECT_TRUE(after.exit.warm);
  EXPECT_EQ(after.out, "fine\n");
  in_flight.join();
  EXPECT_TRUE(other.exit.warm);
  EXPECT_EQ(other.exit.exit_code, 0);
  EXPECT_EQ(other.out, "unharmed\n");
  WarmPoolStats stats = l.stats();
  EXPECT_EQ(stats.started, 1);
  EXPECT_EQ(stats.deaths, 0);
  EXPECT_EQ(stats.hits, 4);
}

TEST_F(WarmPoolTest, ADeadForkServerIsReplaced) {
  std::string path = script("ppid", "import os\nprint(os.getppid())\n");
  LaunchSpec s = spec(path);
  WarmPoolLauncher& l = warm_launcher(s);
  RunResult r1 = run(l, s);
  ASSERT_TRUE(r1.exit.warm);
  const pid_t server = std::stoi(r1.out);
  ASSERT_EQ(::kill(server, SIGKILL), 0);
  ASSERT_TRUE(eventually([&] { return l.stats().started == 2 && l.stats().ready == 1; }, kReady))
      << l.stats().last_error;
  RunResult r2 = run(l, spec(path));
  EXPECT_TRUE(r2.exit.warm);
  EXPECT_NE(std::stoi(r2.out), server);
  EXPECT_EQ(l.stats().deaths, 1);
}

TEST_F(WarmPoolTest, RunsDieWithTheirForkServerAndSaySo) {
  std::string path =
      script("orphan", "import os, time\nprint(os.getppid(), flush=True)\ntime.sleep(300)\n");
  LaunchSpec s = spec(path);
  WarmPoolLauncher& l = warm_launcher(s);
  auto output = std::make_shared<Output>();
  s.on_output = [output](OutputStream stream, std::string_view chunk) {
    std::lock_guard<std::mutex> lock(output->mu);
    if (stream == OutputStream::kStdout) output->out.append(chunk);
  };
  auto process = l.launch(s);
  ASSERT_TRUE(process.ok());
  ASSERT_TRUE(eventually([&] { return output->stdout_text().find('\n') != std::string::npos; }));
  const pid_t child = (*process)->pid();
  ASSERT_EQ(::kill(std::stoi(output->stdout_text()), SIGKILL), 0);
  ExitInfo exit = (*process)->wait();
  EXPECT_EQ(exit.signal, SIGKILL);
  EXPECT_TRUE(eventually([&] { return ::kill(child, 0) != 0; }))
      << "the run outlived its fork server";
}

TEST_F(WarmPoolTest, RunsWithTheirOwnHomeAndExtraPythonPathShareTheForkServer) {
  std::string path = script("extras", R"(
import os, sys, helper
print(os.getppid(), helper.NAME, sys.path.index(os.environ["EXTRA"]))
)");
  LaunchSpec first = spec(path);
  WarmPoolLauncher& l = warm_launcher(first);
  std::vector<std::string> seen;
  for (const std::string name : {"one", "two"}) {
    LaunchSpec s = spec(path);
    const std::string extra = new_dir("lib_" + name);
    std::ofstream(fs::path(extra) / "helper.py") << "NAME = '" << name << "'\n";
    with_env(s, "HOME", s.working_dir);
    with_env(s, "PYTHONPATH", std::string(MORTAR_TEST_PYTHON_DIR) + ":" + extra);
    s.env.push_back("EXTRA=" + extra);
    RunResult r = run(l, s);
    EXPECT_TRUE(r.exit.warm);
    ASSERT_EQ(r.exit.exit_code, 0) << r.err;
    seen.push_back(r.out);
  }
  // One fork server; each run imports from its own extra entry, which comes
  // right after Mortar's python dir (sys.path[0] is the script's dir).
  const std::string server = seen[0].substr(0, seen[0].find(' '));
  EXPECT_EQ(seen[0], server + " one 2\n");
  EXPECT_EQ(seen[1], server + " two 2\n");
  EXPECT_EQ(l.stats().started, 1);
  // An extra entry shadowing a preloaded module: cold.
  LaunchSpec shadowed = spec(path);
  const std::string lib = new_dir("lib_json");
  std::ofstream(fs::path(lib) / "json.py") << "X = 1\n";
  with_env(shadowed, "PYTHONPATH", std::string(MORTAR_TEST_PYTHON_DIR) + ":" + lib);
  ASSERT_TRUE(l.launch(shadowed).ok());
  EXPECT_EQ(fallback_.count(), 1u);
}

TEST_F(WarmPoolTest, AHomeWithAUserSiteHasAPoolOfItsOwn) {
  std::string path = script("usersite", "import sys\nprint(sys.path)\n");
  LaunchSpec plain = spec(path);
  WarmPoolLauncher& l = warm_launcher(plain);
  LaunchSpec s = spec(path);
  const std::string home = new_dir("home_with_site");
  std::string version;
  {
    std::string cmd = std::string(MORTAR_TEST_PYTHON) +
                      " -c 'import sys; print(\"%d.%d\" % sys.version_info[:2])'";
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[32] = {0};
    ASSERT_NE(std::fgets(buf, sizeof buf, p), nullptr);
    ::pclose(p);
    version = std::string(buf).substr(0, std::string(buf).find('\n'));
  }
  fs::create_directories(fs::path(home) / ".local/lib" / ("python" + version) / "site-packages");
  with_env(s, "HOME", home);
  ASSERT_TRUE(l.launch(s).ok());  // a new key: cold while its pool starts
  EXPECT_EQ(fallback_.count(), 1u);
  ASSERT_TRUE(l.wait_ready(s, 1, kReady));
  PosixLauncher cold;
  RunResult w = run(l, s);
  RunResult c = run(cold, s);
  EXPECT_TRUE(w.exit.warm);
  EXPECT_NE(c.out.find("/.local/lib/python"), std::string::npos) << c.out;
  EXPECT_EQ(w.out, c.out);
  EXPECT_EQ(l.stats().started, 2);
}

TEST_F(WarmPoolTest, FallsBackToTheColdLauncher) {
  std::string path = script("cold", "print('hi')\n");
  // Off.
  {
    WarmPoolLauncher& off = launcher(0);
    ASSERT_TRUE(off.launch(spec(path)).ok());
    EXPECT_EQ(fallback_.count(), 1u);
    EXPECT_EQ(off.stats().hits, 0);
  }
  // Not ready yet: the first run of a new interpreter starts the pool and goes cold.
  WarmPoolLauncher& l = launcher(1);
  LaunchSpec s = spec(path);
  ASSERT_TRUE(l.launch(s).ok());
  EXPECT_EQ(fallback_.count(), 2u);
  EXPECT_EQ(l.stats().misses, 1);
  ASSERT_TRUE(l.wait_ready(s, 1, kReady)) << l.stats().last_error;
  // Not a Python script, interpreter options, a missing script: cold.
  LaunchSpec shell = s;
  shell.argv = {"/bin/sh", "-c", "true"};
  ASSERT_TRUE(l.launch(shell).ok());
  LaunchSpec option = s;
  option.argv = {MORTAR_TEST_PYTHON, "-c", "print(1)"};
  ASSERT_TRUE(l.launch(option).ok());
  LaunchSpec missing = spec(dir_ + "/no_such_script.py");
  ASSERT_TRUE(l.launch(missing).ok());
  // A wrapper in front of the interpreter (as pyenv's shims are) may change
  // the environment the interpreter starts with.
  fs::path wrapper = fs::path(dir_) / "python-wrapper";
  std::ofstream(wrapper) << "#!/bin/sh\nexec " MORTAR_TEST_PYTHON " \"$@\"\n";
  fs::permissions(wrapper, fs::perms::owner_all);
  LaunchSpec wrapped = spec(path);
  wrapped.argv[0] = wrapper.string();
  ASSERT_TRUE(l.launch(wrapped).ok());
  EXPECT_EQ(fallback_.count(), 6u);
  EXPECT_EQ(l.stats().passed, 4);
  // A script whose directory holds a module named like a preloaded one
  // would import its own copy on a cold start.
  std::string shadowing = script("shadow", "import json\nprint(json.__file__)\n");
  std::ofstream(fs::path(shadowing).parent_path() / "json.py") << "X = 1\n";
  ASSERT_TRUE(l.launch(spec(shadowing)).ok());
  EXPECT_EQ(fallback_.count(), 7u);
  // A different start-up environment is another pool.
  LaunchSpec other = spec(path, {"PYTHONDONTWRITEBYTECODE=1"});
  ASSERT_TRUE(l.launch(other).ok());
  EXPECT_EQ(fallback_.count(), 8u);
  EXPECT_EQ(l.stats().hits, 0);
  EXPECT_TRUE(run(l, s).exit.warm);
}

TEST_F(WarmPoolTest, ARunThatCannotBeSentStartsColdAndThePoolStaysWarm) {
  std::string path = script("big", "import os\nprint(len(os.environ['BIG']))\n");
  LaunchSpec s = spec(path);
  WarmPoolLauncher& l = warm_launcher(s);
  LaunchSpec big = spec(path, {"BIG=" + std::string(1 << 20, 'x')});
  ASSERT_TRUE(l.launch(big).ok());
  EXPECT_EQ(fallback_.count(), 1u);
  EXPECT_EQ(l.stats().misses, 1);
  // Bytes JSON cannot carry exactly go cold too.
  ASSERT_TRUE(l.launch(spec(path, {"BIG=\xff\xfe"})).ok());
  EXPECT_EQ(fallback_.count(), 2u);
  RunResult after = run(l, s);
  EXPECT_TRUE(after.exit.warm);
  EXPECT_EQ(l.stats().started, 1);
}

TEST_F(WarmPoolTest, SizeIsTheNumberOfForkServersPerKey) {
  std::string path = script("two", "print('x')\n");
  LaunchSpec s = spec(path);
  WarmPoolLauncher& l = launcher(2);
  l.prestart(s.argv[0], s.env);
  ASSERT_TRUE(l.wait_ready(s, 2, kReady)) << l.stats().last_error;
  WarmPoolStats stats = l.stats();
  EXPECT_EQ(stats.ready, 2);
  EXPECT_EQ(stats.target, 2);
  EXPECT_TRUE(run(l, s).exit.warm);
}

TEST_F(WarmPoolTest, ConcurrentRunsFromOneForkServer) {
  std::string path = script("conc", R"(
import sys, time
time.sleep(0.2)
print(sys.argv[1])
)");
  LaunchSpec s = spec(path);
  WarmPoolLauncher& l = warm_launcher(s);
  std::vector<LaunchSpec> specs;
  for (int i = 0; i < 8; ++i) specs.push_back(spec(path, {}, {std::to_string(i)}));
  std::vector<std::thread> threads;
  std::vector<RunResult> results(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] { results[i] = run(l, specs[i]); });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(results[i].exit.warm);
    EXPECT_EQ(results[i].out, std::to_string(i) + "\n");
  }
}

}  // namespace
}  // namespace mortar::jobs::warm_pool_testing
