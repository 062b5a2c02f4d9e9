// A run started from the warm pool is indistinguishable from a cold one: it
// cannot see the previous run's modules, environment or files, has the
// interpreter's default signal handlers, and observes what a cold run
// observes (flags, paths, hooks, zip apps, how scripts end).
#include <gtest/gtest.h>

#include "jobs/warm_pool_test_support.h"

namespace mortar::jobs::warm_pool_testing {
namespace {

class WarmRunIsolationTest : public WarmPoolTest {};

TEST_F(WarmRunIsolationTest, ARunCannotSeeThePreviousRunsModules) {
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

TEST_F(WarmRunIsolationTest, ARunHasOnlyItsOwnEnvironment) {
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

TEST_F(WarmRunIsolationTest, ARunWorksInItsOwnDirectory) {
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

TEST_F(WarmRunIsolationTest, SignalHandlersAreTheInterpretersDefaults) {
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

TEST_F(WarmRunIsolationTest, AWarmRunObservesWhatAColdRunObserves) {
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

TEST_F(WarmRunIsolationTest, AZipAppRunsAsItDoesCold) {
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

TEST_F(WarmRunIsolationTest, ScriptsEndAsTheyDoCold) {
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
}  // namespace mortar::jobs::warm_pool_testing
