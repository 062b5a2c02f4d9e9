#include "jobs/launched_run.h"

#include <signal.h>
#include <string.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace mortar::jobs {
namespace {

namespace fs = std::filesystem;

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

std::string mib(int64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace

LaunchedRun::LaunchedRun(std::unique_ptr<Process> process, LaunchedRunSetup setup)
    : setup_(std::move(setup)), process_(std::move(process)) {}

LaunchedRun::~LaunchedRun() {
  if (!result_) {
    process_->kill();
    wait();
  }
}

void LaunchedRun::stop(const std::string& state, const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  if (exited_ || !stop_state_.empty()) return;  // the first request decides
  stop_state_ = state;
  stop_message_ = message;
  setup_.log->event("stopping the run (" + state + (message.empty() ? "" : ": " + message) +
                    "): SIGTERM to its process group");
  process_->terminate();
  killer_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, setup_.stop_grace, [&] { return exited_; })) return;
    setup_.log->event("still running " + std::to_string(setup_.stop_grace.count()) +
                      " ms after SIGTERM: SIGKILL");
    process_->kill();
  });
}

RunResult LaunchedRun::wait() {
  if (result_) return *result_;
  ExitInfo info = process_->wait();
  {
    std::lock_guard<std::mutex> lock(mu_);
    exited_ = true;
  }
  cv_.notify_all();
  if (killer_.joinable()) killer_.join();
  process_.reset();  // reaps it; kills what is left of its process group

  RunResult result = outcome(info);
  // Always the run's last line, starting with logs::kRunEndedMarker: what
  // `mortar logs job-run --follow` stops at.
  setup_.log->event("run ended " + result.state +
                    (result.error_message.empty() ? "" : ": " + result.error_message));
  setup_.log->finish();
  if (!setup_.keep_workdir) {
    std::error_code ec;
    fs::remove_all(setup_.workdir, ec);
  }
  result_ = result;
  return result;
}

RunResult LaunchedRun::outcome(const ExitInfo& info) {
  std::string ended = info.signal != 0 ? "killed by " + signal_name(info.signal)
                                       : "exit code " + std::to_string(info.exit_code);
  setup_.log->event("the script's process ended: " + ended);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stop_state_.empty()) return {stop_state_, stop_message_};
  }
  if (info.exit_code == 0) {
    if (setup_.bookmarks == nullptr) return {"SUCCEEDED", ""};
    std::error_code ec;
    if (!fs::exists(setup_.bookmark_out, ec)) return {"SUCCEEDED", ""};
    std::ifstream in(setup_.bookmark_out, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    Status committed = setup_.bookmarks->commit(setup_.bookmark_run, text.str());
    if (!committed.ok()) {
      return {"FAILED",
              "the job bookmark was not committed: " + std::string(status_message(committed))};
    }
    setup_.log->event("committed the job bookmark");
    return {"SUCCEEDED", ""};
  }
  const ResourceLimits& limits = setup_.limits;
  if (!info.exception_line.empty()) {
    std::string message = info.exception_line;
    if (message.rfind("MemoryError", 0) == 0 && limits.memory_bytes > 0) {
      message += " (the run's memory limit is " + mib(limits.memory_bytes) + ")";
    }
    return {"FAILED", message};
  }
  if (info.signal == SIGXCPU && limits.cpu_seconds > 0) {
    return {"FAILED", "the script used up its CPU time limit of " +
                          std::to_string(limits.cpu_seconds) + " s (killed by SIGXCPU)"};
  }
  if (info.signal == SIGKILL) {
    std::string message = "the script was killed by SIGKILL";
    if (limits.memory_bytes > 0) {
      message += " (out of memory? the run's memory limit is " + mib(limits.memory_bytes) + ")";
    }
    return {"FAILED", message};
  }
  if (info.signal != 0) return {"FAILED", "the script was killed by " + signal_name(info.signal)};
  return {"FAILED", "the script exited with code " + std::to_string(info.exit_code)};
}

}  // namespace mortar::jobs
