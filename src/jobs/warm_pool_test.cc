// The warm pool with real fork servers and real processes: a warm run does
// what the script says, and cannot see anything of the runs before it.
#include "jobs/warm_pool.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "jobs/posix_launcher.h"

namespace mortar::jobs {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr milliseconds kReady{60000};

// The fallback: records what it was asked to start (a fake process that
// exited 0 at once, never warm).
class RecordingLauncher : public ProcessLauncher {
 public:
  StatusOr<std::unique_ptr<Process>> launch(LaunchSpec spec) override {
    std::lock_guard<std::mutex> lock(mu_);
    launched_.push_back(spec.argv);
    return std::unique_ptr<Process>(new Done());
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return launched_.size();
  }

 private:
  struct Done : Process {
    int pid() const override { return 0; }
    void terminate() override {}
    void kill() override {}
    ExitInfo wait() override { return {}; }
  };
  std::mutex mu_;
  std::vector<std::vector<std::string>> launched_;
};

struct Output {
  std::mutex mu;
  std::string out, err;
  std::string stdout_text() {
    std::lock_guard<std::mutex> lock(mu);
    return out;
  }
};

struct RunResult {
  ExitInfo exit;
  std::string out, err;
};

class WarmPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/warm_pool_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(fs::exists(fs::path(MORTAR_TEST_PYTHON_DIR) / "_mortar_forkserver"))
        << "build the _mortar target: it installs the fork server in " MORTAR_TEST_PYTHON_DIR;
  }
  void TearDown() override {
    launcher_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::vector<std::string> base_env() const {
    std::vector<std::string> env{std::string("PYTHONPATH=") + MORTAR_TEST_PYTHON_DIR,
                                 "LANG=C.UTF-8"};
    for (const char* name : {"PATH", "HOME"}) {
      if (const char* v = std::getenv(name)) env.push_back(std::string(name) + "=" + v);
    }
    return env;
  }

  // A script file in its own directory under the test's temp dir.
  std::string script(const std::string& name, const std::string& source) {
    fs::path sub = fs::path(dir_) / ("scripts_" + name);
    fs::create_directories(sub);
    fs::path path = sub / (name + ".py");
    std::ofstream(path) << source;
    return path.string();
  }
  std::string new_dir(const std::string& name) {
    fs::path p = fs::path(dir_) / name;
    fs::create_directories(p);
    return p.string();
  }

  LaunchSpec spec(const std::string& script_path, std::vector<std::string> extra_env = {},
                  std::vector<std::string> args = {}) {
    LaunchSpec s;
    s.argv = {MORTAR_TEST_PYTHON, script_path};
    s.argv.insert(s.argv.end(), args.begin(), args.end());
    s.env = base_env();
    s.env.insert(s.env.end(), extra_env.begin(), extra_env.end());
    s.working_dir = new_dir("cwd" + std::to_string(++runs_));
    return s;
  }

  WarmPoolLauncher& launcher(int size = 1) {
    WarmPoolOptions options;
    options.size = size;
    options.python_dir = MORTAR_TEST_PYTHON_DIR;
    launcher_ = std::make_unique<WarmPoolLauncher>(options, fallback_);
    return *launcher_;
  }
  // A launcher whose pool for runs like `like` is ready.
  WarmPoolLauncher& warm_launcher(const LaunchSpec& like) {
    WarmPoolLauncher& l = launcher();
    l.prestart(like.argv[0], like.env);
    EXPECT_TRUE(l.wait_ready(like, 1, kReady)) << l.stats().last_error;
    return l;
  }

  static void with_env(LaunchSpec& s, const std::string& name, const std::string& value) {
    for (std::string& kv : s.env) {
      if (kv.rfind(name + "=", 0) == 0) {
        kv = name + "=" + value;
        return;
      }
    }
    s.env.push_back(name + "=" + value);
  }

  static RunResult run(ProcessLauncher& l, LaunchSpec s) {
    auto output = std::make_shared<Output>();
    s.on_output = [output](OutputStream stream, std::string_view chunk) {
      std::lock_guard<std::mutex> lock(output->mu);
      (stream == OutputStream::kStdout ? output->out : output->err).append(chunk);
    };
    auto process = l.launch(std::move(s));
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return {};
    RunResult r;
    r.exit = (*process)->wait();
    process->reset();
    std::lock_guard<std::mutex> lock(output->mu);
    r.out = output->out;
    r.err = output->err;
    return r;
  }

  std::string dir_;
  int runs_ = 0;
  RecordingLauncher fallback_;
  std::unique_ptr<WarmPoolLauncher> launcher_;
};

// Waits until `pred` holds (polling), false at the deadline.
template <typename Pred>
bool eventually(Pred pred, milliseconds limit = milliseconds(10000)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return pred();
}

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

TEST_F(WarmPoolTest, ARunCannotSeeThePreviousRunsModules) {
  std::string first = script("first", R"(
import sys, json, awsglue.utils
import helper_mod  # from this script's own directory
awsglue.utils.LEFT_BEHIND = 1
json.LEFT_BEHIND = 1
sys.modules["planted"] = object()
sys.path.append("/planted/path")
import os; print(os.getppid())
)");
  std::ofstream(fs::path(first).parent_path() / "helper_mod.py") << "VALUE = 1\n";
  std::string second = script("second", R"(
import sys, json, awsglue.utils, os
print(hasattr(awsglue.utils, "LEFT_BEHIND"), hasattr(json, "LEFT_BEHIND"),
      "planted" in sys.modules, "helper_mod" in sys.modules, "/planted/path" in sys.path)
print(os.getppid())
)");
  LaunchSpec s1 = spec(first);
  WarmPoolLauncher& l = warm_launcher(s1);
  RunResult r1 = run(l, s1);
  ASSERT_EQ(r1.exit.exit_code, 0) << r1.err;
  RunResult r2 = run(l, spec(second));
  ASSERT_EQ(r2.exit.exit_code, 0) << r2.err;
  EXPECT_TRUE(r1.exit.warm && r2.exit.warm);
  // The same fork server forked both ...
  EXPECT_EQ(r2.out.substr(r2.out.find('\n') + 1), r1.out);
  // ... and the second saw nothing of the first.
  EXPECT_EQ(r2.out.substr(0, r2.out.find('\n')), "False False False False False");
}

TEST_F(WarmPoolTest, ARunHasOnlyItsOwnEnvironment) {
  std::string first = script("env1", R"(
import os
os.environ["SET_AT_RUNTIME"] = "1"
print(os.environ.get("RUN_ONE"))
)");
  std::string second = script("env2", R"(
import os, ctypes
libc = ctypes.CDLL(None)
libc.getenv.restype = ctypes.c_char_p
print(os.environ.get("RUN_ONE"), os.environ.get("SET_AT_RUNTIME"), os.environ.get("RUN_TWO"),
      libc.getenv(b"RUN_ONE"), libc.getenv(b"SET_AT_RUNTIME"), libc.getenv(b"RUN_TWO"))
print(",".join(sorted(k + "=" + v for k, v in os.environ.items())))
)");
  LaunchSpec s1 = spec(first, {"RUN_ONE=secret"});
  WarmPoolLauncher& l = warm_launcher(s1);
  RunResult r1 = run(l, s1);
  ASSERT_EQ(r1.exit.exit_code, 0) << r1.err;
  EXPECT_EQ(r1.out, "secret\n");
  LaunchSpec s2 = spec(second, {"RUN_TWO=mine"});
  RunResult r2 = run(l, s2);
  ASSERT_EQ(r2.exit.exit_code, 0) << r2.err;
  EXPECT_TRUE(r2.exit.warm);
  // Python's view and the C environment native code reads ...
  EXPECT_EQ(r2.out.substr(0, r2.out.find('\n') + 1), "None None mine None None b'mine'\n");
  // ... and exactly the spec's environment, nothing more.
  std::vector<std::string> expected = s2.env;
  std::sort(expected.begin(), expected.end());
  std::string joined;
  for (const std::string& kv : expected) joined += (joined.empty() ? "" : ",") + kv;
  EXPECT_EQ(r2.out.substr(r2.out.find('\n') + 1), joined + "\n");
}

TEST_F(WarmPoolTest, ARunWorksInItsOwnDirectory) {
  std::string first = script("files1", R"(
import os
open("left.txt", "w").write("x")
print(os.getcwd())
)");
  std::string second = script("files2", R"(
import os
print(os.getcwd(), os.path.exists("left.txt"))
)");
  LaunchSpec s1 = spec(first);
  WarmPoolLauncher& l = warm_launcher(s1);
  RunResult r1 = run(l, s1);
  EXPECT_EQ(r1.out, s1.working_dir + "\n");
  EXPECT_TRUE(fs::exists(fs::path(s1.working_dir) / "left.txt"));
  LaunchSpec s2 = spec(second);
  RunResult r2 = run(l, s2);
  EXPECT_TRUE(r2.exit.warm);
  EXPECT_EQ(r2.out, s2.working_dir + " False\n");
}

TEST_F(WarmPoolTest, SignalHandlersAreTheInterpretersDefaults) {
  std::string first = script("sig1", R"(
import signal
signal.signal(signal.SIGTERM, lambda *a: None)
signal.signal(signal.SIGUSR1, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR2])
)");
  std::string second = script("sig2", R"(
import signal
print(signal.getsignal(signal.SIGTERM) is signal.SIG_DFL,
      signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL,
      signal.getsignal(signal.SIGCHLD) is signal.SIG_DFL,
      signal.getsignal(signal.SIGINT) is signal.default_int_handler,
      signal.getsignal(signal.SIGPIPE) is signal.SIG_IGN,
      sorted(signal.pthread_sigmask(signal.SIG_BLOCK, [])))
)");
  LaunchSpec s1 = spec(first);
  WarmPoolLauncher& l = warm_launcher(s1);
  ASSERT_EQ(run(l, s1).exit.exit_code, 0);
  RunResult r2 = run(l, spec(second));
  EXPECT_TRUE(r2.exit.warm);
  EXPECT_EQ(r2.out, "True True True True True []\n") << r2.err;
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

// What a script can observe of how it was started, warm and cold alike.
constexpr const char* kIntrospect = R"(
import os, signal, sys, resource, warnings, __main__
print("argv", sys.argv, sys.orig_argv[1:])
print("main", __name__, __file__, type(__loader__).__name__, __spec__, __package__,
      sorted(k for k in vars(__main__) if k.startswith("__")))
print("path", sys.path)
print("cwd", os.getcwd(), "umask", oct(os.umask(0o22)))
print("env", sorted(os.environ.items()))
print("pgid==pid", os.getpgid(0) == os.getpid(), "sid==parent's", os.getsid(0) == os.getsid(os.getppid()))
print("signals", [(int(s), str(signal.getsignal(s))) for s in sorted(signal.valid_signals())
                  if s < signal.SIGRTMIN and s not in (signal.SIGKILL, signal.SIGSTOP)])
print("mask", sorted(signal.pthread_sigmask(signal.SIG_BLOCK, [])))
print("limits", [resource.getrlimit(r) for r in (resource.RLIMIT_NOFILE, resource.RLIMIT_CPU)])
print("fds", sorted(os.listdir("/proc/self/fd")), os.readlink("/proc/self/fd/0"))
print("stdio", [(f.encoding, f.errors, f.line_buffering, f.write_through, f.isatty())
                for f in (sys.stdin, sys.stdout, sys.stderr)])
print("flags", sys.flags, sys.getrecursionlimit(), sys.dont_write_bytecode)
print("warnings", warnings.filters)
print("hooks", sys.excepthook is sys.__excepthook__, sys.gettrace(), sys.getprofile())
print("interpreter", sys.executable, sys.prefix, sys.base_prefix)
)";

TEST_F(WarmPoolTest, AWarmRunObservesWhatAColdRunObserves) {
  std::string path = script("introspect", kIntrospect);
  PosixLauncher cold;
  LaunchSpec s = spec(path, {"RUN_VAR=1", "TZ=UTC"}, {"--JOB_NAME", "x"});
  s.limits.open_files = 99;
  s.limits.cpu_seconds = 50;
  // As the job runner makes them: HOME is the run's own dir, and the run's
  // --extra-py-files follow Mortar's python dir on PYTHONPATH.
  WarmPoolLauncher& l = warm_launcher(s);
  const std::string extra = new_dir("extra_lib");
  with_env(s, "HOME", s.working_dir);
  with_env(s, "PYTHONPATH", std::string(MORTAR_TEST_PYTHON_DIR) + ":" + extra + ":rel::" + extra);
  RunResult c = run(cold, s);
  RunResult w = run(l, s);
  ASSERT_EQ(c.exit.exit_code, 0) << c.err;
  ASSERT_TRUE(w.exit.warm);
  EXPECT_FALSE(c.exit.warm);
  // Line by line, so a difference names what differs.
  std::istringstream cold_lines(c.out), warm_lines(w.out);
  std::string cold_line, warm_line;
  while (std::getline(cold_lines, cold_line)) {
    ASSERT_TRUE(std::getline(warm_lines, warm_line)) << "warm output ends before " << cold_line;
    EXPECT_EQ(warm_line, cold_line);
  }
  EXPECT_EQ(w.err, c.err);
}

TEST_F(WarmPoolTest, AZipAppRunsAsItDoesCold) {
  fs::path app = fs::path(new_dir("zipapp")) / "app.pyz";
  const std::string make = std::string(MORTAR_TEST_PYTHON) +
                           " -c \"import zipfile, sys; z = zipfile.ZipFile(sys.argv[1], 'w'); "
                           "z.writestr('__main__.py', 'import sys; print(sys.argv, sys.path[0], "
                           "__name__)')\" " +
                           app.string();
  ASSERT_EQ(std::system(make.c_str()), 0);
  PosixLauncher cold;
  LaunchSpec s = spec(app.string(), {}, {"a"});
  WarmPoolLauncher& l = warm_launcher(s);
  RunResult c = run(cold, s);
  RunResult w = run(l, s);
  EXPECT_TRUE(w.exit.warm);
  EXPECT_EQ(c.exit.exit_code, 0) << c.err;
  EXPECT_EQ(w.out, c.out);
  EXPECT_EQ(w.err, c.err);
}

TEST_F(WarmPoolTest, ScriptsEndAsTheyDoCold) {
  PosixLauncher cold;
  const std::pair<const char*, const char*> endings[] = {
      {"exit_message", "import sys\nsys.exit('bye')\n"},
      {"exit_code", "raise SystemExit(300)\n"},
      {"interrupt", "raise KeyboardInterrupt\n"},
      {"syntax", "def (\n"},
      {"atexit_and_del", R"(
import atexit
class D:
    def __del__(self): print("del")
d = D()
f = open("out.txt", "w"); f.write("unflushed")
atexit.register(print, "atexit")
raise ValueError("late")
)"},
  };
  std::unique_ptr<WarmPoolLauncher> owner;
  for (const auto& [name, source] : endings) {
    std::string path = script(name, source);
    LaunchSpec s = spec(path);
    if (!owner) {
      WarmPoolLauncher& l = warm_launcher(s);
      (void)l;
    }
    LaunchSpec s_cold = spec(path);
    RunResult c = run(cold, s_cold);
    RunResult w = run(*launcher_, s);
    SCOPED_TRACE(name);
    EXPECT_TRUE(w.exit.warm);
    EXPECT_EQ(w.exit.exit_code, c.exit.exit_code);
    EXPECT_EQ(w.exit.signal, c.exit.signal);
    EXPECT_EQ(w.exit.exception_line, c.exit.exception_line);
    EXPECT_EQ(w.out, c.out);
    EXPECT_EQ(w.err, c.err);
    std::ifstream cold_file(fs::path(s_cold.working_dir) / "out.txt"),
        warm_file(fs::path(s.working_dir) / "out.txt");
    std::string cold_text, warm_text;
    std::getline(cold_file, cold_text);
    std::getline(warm_file, warm_text);
    EXPECT_EQ(warm_text, cold_text);
  }
}

}  // namespace
}  // namespace mortar::jobs
