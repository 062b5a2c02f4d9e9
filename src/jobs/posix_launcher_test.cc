#include "jobs/posix_launcher.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "jobs/exception_line.h"

namespace mortar::jobs {
namespace posix_launcher_test {

// What a process wrote, per stream, with a way to wait for a marker.
class Captured {
 public:
  std::function<void(OutputStream, std::string_view)> sink() {
    return [this](OutputStream s, std::string_view chunk) {
      std::lock_guard<std::mutex> lock(mu_);
      (s == OutputStream::kStdout ? out_ : err_).append(chunk);
      cv_.notify_all();
    };
  }
  // True once stdout contains `marker` (false after 30 s: the test fails).
  bool wait_for(const std::string& marker) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30),
                        [&] { return out_.find(marker) != std::string::npos; });
  }
  std::string out() {
    std::lock_guard<std::mutex> lock(mu_);
    return out_;
  }
  std::string err() {
    std::lock_guard<std::mutex> lock(mu_);
    return err_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::string out_, err_;
};

std::vector<std::string> base_env() { return {"PATH=/usr/bin:/bin", "LC_ALL=C"}; }

LaunchSpec shell(const std::string& script, Captured& captured) {
  LaunchSpec spec;
  spec.argv = {"sh", "-c", script};
  spec.env = base_env();
  spec.on_output = captured.sink();
  return spec;
}

LaunchSpec python(const std::string& code, Captured& captured) {
  LaunchSpec spec;
  spec.argv = {"python3", "-c", code};
  spec.env = base_env();
  spec.on_output = captured.sink();
  return spec;
}

ExitInfo run(PosixLauncher& launcher, LaunchSpec spec) {
  auto process = launcher.launch(std::move(spec));
  EXPECT_TRUE(process.ok()) << process.status();
  if (!process.ok()) return {};
  return (*process)->wait();
}

TEST(PosixLauncher, ExitCodeAndOutputPerStream) {
  PosixLauncher launcher;
  Captured c;
  ExitInfo info = run(launcher, shell("echo out1; echo err1 >&2; printf tail; exit 3", c));
  EXPECT_EQ(info.exit_code, 3);
  EXPECT_EQ(info.signal, 0);
  EXPECT_FALSE(info.warm);
  EXPECT_EQ(c.out(), "out1\ntail");
  EXPECT_EQ(c.err(), "err1\n");
  EXPECT_EQ(run(launcher, shell("true", c)).exit_code, 0);
}

TEST(PosixLauncher, ReportsTheSignalAndTheLastExceptionLine) {
  PosixLauncher launcher;
  Captured c;
  ExitInfo killed = run(launcher, shell("kill -TERM $$", c));
  EXPECT_EQ(killed.signal, SIGTERM);
  EXPECT_EQ(killed.exit_code, 128 + SIGTERM);

  ExitInfo raised = run(launcher, python("import sys\nprint('x')\nraise ValueError('boom')", c));
  EXPECT_EQ(raised.exit_code, 1);
  EXPECT_EQ(raised.exception_line, "ValueError: boom");
}

TEST(PosixLauncher, TheChildSeesOnlyTheGivenEnvironment) {
  setenv("MORTAR_LAUNCHER_TEST_SECRET", "server-only", 1);
  PosixLauncher launcher;
  Captured c;
  LaunchSpec spec = shell("env | sort", c);
  spec.env = {"PATH=/usr/bin:/bin", "ONLY=this"};
  EXPECT_EQ(run(launcher, std::move(spec)).exit_code, 0);
  unsetenv("MORTAR_LAUNCHER_TEST_SECRET");
  // sh adds PWD itself; nothing of the server's environment arrives.
  EXPECT_EQ(c.out(), "ONLY=this\nPATH=/usr/bin:/bin\nPWD=" +
                         std::filesystem::current_path().string() + "\n");
}

TEST(PosixLauncher, RunsInTheWorkingDirAndRejectsAMissingOne) {
  const std::string dir = std::filesystem::canonical(testing::TempDir()).string();
  PosixLauncher launcher;
  Captured c;
  LaunchSpec spec = shell("pwd", c);
  spec.working_dir = dir;
  EXPECT_EQ(run(launcher, std::move(spec)).exit_code, 0);
  EXPECT_EQ(c.out(), dir + "\n");

  LaunchSpec bad = shell("pwd", c);
  bad.working_dir = dir + "/no-such-dir";
  auto missing = launcher.launch(std::move(bad));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(std::string(status_message(missing.status())).find("cannot enter the working dir"),
            std::string::npos)
      << missing.status();
}

TEST(PosixLauncher, AMissingProgramIsALaunchError) {
  PosixLauncher launcher;
  Captured c;
  LaunchSpec spec = shell("", c);
  spec.argv = {"no-such-program-anywhere"};
  auto by_name = launcher.launch(spec);
  ASSERT_FALSE(by_name.ok());
  EXPECT_NE(std::string(status_message(by_name.status())).find("cannot start"), std::string::npos);
  spec.argv = {"/nonexistent/python3"};
  auto by_path = launcher.launch(spec);
  ASSERT_FALSE(by_path.ok());
  EXPECT_NE(std::string(status_message(by_path.status())).find("No such file"), std::string::npos)
      << by_path.status();
}

TEST(PosixLauncher, NoDescriptorOfTheServerLeaksIn) {
  // Neither close-on-exec nor not: the launcher closes everything past stderr.
  int leaky = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(leaky, 3);
  PosixLauncher launcher;
  Captured c;
  ExitInfo info = run(launcher, python("import os\n"
                                       "def is_open(fd):\n"
                                       "    try:\n"
                                       "        os.fstat(fd)\n"
                                       "        return True\n"
                                       "    except OSError:\n"
                                       "        return False\n"
                                       "print([fd for fd in range(0, 1024) if is_open(fd)])\n",
                                       c));
  ::close(leaky);
  EXPECT_EQ(info.exit_code, 0) << c.err();
  EXPECT_EQ(c.out(), "[0, 1, 2]\n");
}

TEST(PosixLauncher, MemoryLimitStopsAMemoryHog) {
  PosixLauncher launcher;
  Captured c;
  LaunchSpec spec = python("big = bytearray(2 * 1024 ** 3)\nprint('allocated')", c);
  spec.limits.memory_bytes = 512LL << 20;
  ExitInfo info = run(launcher, std::move(spec));
  EXPECT_NE(info.exit_code, 0);
  EXPECT_EQ(info.exception_line, "MemoryError") << c.err();
  EXPECT_EQ(c.out(), "");
}

TEST(PosixLauncher, OpenFilesAndCpuLimits) {
  PosixLauncher launcher;
  Captured c;
  LaunchSpec files =
      python("import resource\nprint(resource.getrlimit(resource.RLIMIT_NOFILE))", c);
  files.limits.open_files = 64;
  EXPECT_EQ(run(launcher, std::move(files)).exit_code, 0);
  EXPECT_EQ(c.out(), "(64, 64)\n");

  Captured spin;
  LaunchSpec cpu = shell("while :; do :; done", spin);
  cpu.limits.cpu_seconds = 1;
  ExitInfo info = run(launcher, std::move(cpu));
  EXPECT_EQ(info.signal, SIGXCPU);
}

TEST(PosixLauncher, AGrandchildHoldingThePipesDoesNotKeepWaitWaiting) {
  PosixLauncher launcher;
  Captured c;
  auto process = launcher.launch(shell("sleep 300 & echo started; echo $! ; exit 4", c));
  ASSERT_TRUE(process.ok());
  ExitInfo info = (*process)->wait();
  EXPECT_EQ(info.exit_code, 4);
  const std::string out = c.out();
  ASSERT_EQ(out.rfind("started\n", 0), 0u) << out;
  const pid_t grandchild = std::stoi(out.substr(8));
  EXPECT_EQ(::kill(grandchild, 0), 0);  // still there while the Process lives
  process->reset();                     // the destructor kills the rest of the group
  bool gone = false;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       !gone && std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(10))) {
    // Killed and reaped by init, or a zombie awaiting that.
    std::error_code ec;
    const std::string stat = "/proc/" + std::to_string(grandchild) + "/stat";
    std::string text;
    if (FILE* f = std::fopen(stat.c_str(), "r")) {
      char buf[512] = {};
      size_t n = std::fread(buf, 1, sizeof buf - 1, f);
      std::fclose(f);
      text.assign(buf, n);
    }
    gone = text.empty() || text.find(") Z ") != std::string::npos;
  }
  EXPECT_TRUE(gone);
}

TEST(PosixLauncher, TerminateLetsTheScriptCleanUpAndKillDoesNot) {
  PosixLauncher launcher;
  Captured graceful;
  // The handler writes unbuffered: SIGTERM may land inside print('ready').
  auto p =
      launcher.launch(python("import os, signal, sys, time\n"
                             "def bye(*_):\n"
                             "    os.write(1, b'cleaning up\\n')\n"
                             "    sys.exit(0)\n"
                             "signal.signal(signal.SIGTERM, bye)\n"
                             "print('ready', flush=True)\n"
                             "time.sleep(300)\n",
                             graceful));
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(graceful.wait_for("ready"));
  (*p)->terminate();
  ExitInfo info = (*p)->wait();
  EXPECT_EQ(info.exit_code, 0);
  EXPECT_EQ(graceful.out(), "ready\ncleaning up\n") << graceful.err();

  Captured stubborn;
  auto q = launcher.launch(shell("trap '' TERM; echo ready; while :; do sleep 1; done", stubborn));
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(stubborn.wait_for("ready"));
  (*q)->terminate();  // ignored by the shell (its sleep dies, the loop goes on)
  (*q)->kill();
  ExitInfo killed = (*q)->wait();
  EXPECT_EQ(killed.signal, SIGKILL);
  EXPECT_EQ(killed.exit_code, 128 + SIGKILL);
}

TEST(PosixLauncher, SharedProcessGroupStaysInTheCallersGroup) {
  PosixLauncher own;
  PosixLauncher shared(PosixLauncherOptions{.share_process_group = true});
  Captured a, b;
  run(own, shell("ps -o pgid= -p $$", a));
  run(shared, shell("ps -o pgid= -p $$", b));
  EXPECT_EQ(std::stoi(b.out()), getpgrp());
  EXPECT_NE(std::stoi(a.out()), getpgrp());
}

TEST(LastExceptionLine, TakesTheSummaryOfTheLastTraceback) {
  const std::string text =
      "some output\n"
      "Traceback (most recent call last):\n"
      "  File \"a.py\", line 3, in <module>\n"
      "    int('x')\n"
      "ValueError: invalid literal for int() with base 10: 'x'\n"
      "\n"
      "During handling of the above exception, another exception occurred:\n"
      "\n"
      "Traceback (most recent call last):\n"
      "  File \"a.py\", line 5, in <module>\n"
      "    raise RuntimeError('wrapped')\n"
      "RuntimeError: wrapped\n"
      "\n";
  EXPECT_EQ(last_exception_line(text), "RuntimeError: wrapped");
  EXPECT_EQ(last_exception_line("no python here\nexit 3\n"), "");
  // A summary that spans lines (SyntaxError's caret lines are indented).
  EXPECT_EQ(last_exception_line("Traceback (most recent call last):\n  File \"x\"\n"
                                "KeyError: 'a'"),
            "KeyError: 'a'");
}

}  // namespace posix_launcher_test
}  // namespace mortar::jobs
