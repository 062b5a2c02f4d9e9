// `mortar logs job-run RUN_ID [--follow]`: prints a job run's output stream
// to stdout and its error stream to stderr, read from the store (groups
// /aws-glue/jobs/{output,error}, or /aws-glue/python-jobs/... for Python
// shell jobs; the stream is the run id). --follow keeps reading (every
// 500 ms) until the run's end marker (logs/log_sink.h kRunEndedMarker)
// arrives or the command is interrupted.
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include "logs/log_reader.h"
#include "logs/log_sink.h"
#include "server/command_store.h"
#include "server/commands.h"

namespace mortar::server {
namespace {

struct JobRunTarget {
  std::string* data_dir;
  std::string* account;
  std::string run_id;
  bool follow = false;
  std::string data_dir_leaf, account_leaf;
};

struct Stream {
  std::string group;
  bool error = false;
  int64_t next_seq = 0;
};

constexpr const char* kJobFlavours[] = {"/aws-glue/jobs", "/aws-glue/python-jobs"};

void print_job_run(const JobRunTarget& t) {
  const std::string command = "mortar logs job-run";
  CommandStore opened =
      open_command_store(t.data_dir_leaf.empty() ? *t.data_dir : t.data_dir_leaf,
                         t.account_leaf.empty() ? *t.account : t.account_leaf, command);
  logs::LogReader reader(*opened.store);
  std::vector<Stream> streams;
  for (const char* flavour : kJobFlavours) {
    for (bool error : {false, true}) {
      streams.push_back({std::string(flavour) + (error ? "/error" : "/output"), error, 0});
    }
  }
  bool ended = false, seen_any = false;
  for (;;) {
    bool progressed = false;
    for (Stream& s : streams) {
      for (;;) {
        logs::ReadQuery q;
        q.forward_from = s.next_seq;
        auto page = reader.read_stream(opened.account, s.group, t.run_id, q);
        if (!page.ok()) {
          if (page.status().code() == absl::StatusCode::kNotFound) break;
          command_fail(command + ": " + std::string(status_message(page.status())));
        }
        seen_any = true;
        if (page->events.empty()) break;
        std::ostream& out = s.error ? std::cerr : std::cout;
        for (const auto& e : page->events) {
          out << e.message << "\n";
          if (e.message.starts_with(logs::kRunEndedMarker)) ended = true;
        }
        out.flush();
        s.next_seq = page->forward_seq;
        progressed = true;
      }
    }
    if (!t.follow) break;
    if (ended) break;
    if (!progressed) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (!seen_any) command_fail(command + ": no logs for job run " + t.run_id);
}

}  // namespace

void add_job_run_logs_command(CLI::App& logs, std::string& data_dir, std::string& account) {
  auto t = std::make_shared<JobRunTarget>();
  t->data_dir = &data_dir;
  t->account = &account;
  CLI::App* cmd = logs.add_subcommand(
      "job-run", "Print a job run's output (stdout) and error (stderr) streams");
  cmd->add_option("run_id", t->run_id, "the job run id (jr_...)")->required();
  cmd->add_option("--data-dir", t->data_dir_leaf,
                  "data directory (default $MORTAR_DATA_DIR or ./.mortar)");
  cmd->add_option("--account", t->account_leaf,
                  "account id (default: the data dir's default account)");
  cmd->add_flag("--follow,-f", t->follow, "keep printing new lines until the run ends (or Ctrl-C)");
  cmd->callback([t] { print_job_run(*t); });
}

}  // namespace mortar::server
