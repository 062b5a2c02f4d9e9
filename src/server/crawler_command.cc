// `mortar logs crawler NAME [--crawl-id ID]` and `mortar crawler plan NAME`:
// read the crawl history and the crawl's log (group /aws-glue/crawlers) straight
// from the data dir's store (safe while a server runs: SQLite WAL), or from the
// PostgreSQL its store.url names, so they work whether or not the server is up
// and from any working directory. `mortar logs job-run` is logs_command.cc's.
#include <time.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include "common/utc_time.h"
#include "crawler/service/crawl_log.h"
#include "crawler/service/crawler_rows.h"
#include "logs/log_reader.h"
#include "server/command_store.h"
#include "server/commands.h"
#include "store/store.h"

namespace mortar::server {
namespace {

struct Target {
  std::string data_dir;
  std::string account;
  std::string crawler;
  std::string crawl_id;
  bool json = false;
};

std::string format_time(double epoch_seconds) {
  return utc_timestamp(static_cast<int64_t>(epoch_seconds));
}

// The crawl asked for: by id, else the newest (with a plan when `want_plan`).
crawler::CrawlRow find(store::Store& store, const std::string& account, const Target& t,
                       bool want_plan, const char* command) {
  std::optional<crawler::CrawlRow> found;
  Status s = store::run_in_read_transaction(store, [&](store::Transaction& tx) -> Status {
    MORTAR_RETURN_IF_ERROR(crawler::require_crawler(tx, account, t.crawler).status());
    MORTAR_ASSIGN_OR_RETURN(auto rows, crawler::list_crawl_rows(tx, account, t.crawler));
    for (auto& c : rows) {
      if (!t.crawl_id.empty() ? c.crawl_id == t.crawl_id : (!want_plan || !c.plan.empty())) {
        found = std::move(c);
        break;
      }
    }
    return ok_status();
  });
  if (!s.ok()) command_fail(std::string(command) + ": " + std::string(status_message(s)));
  if (!found) {
    if (!t.crawl_id.empty())
      command_fail(std::string(command) + ": crawler " + t.crawler + " has no crawl " + t.crawl_id);
    command_fail(
        std::string(command) + ": crawler " + t.crawler +
        (want_plan
             ? " has no DryRun crawl with a plan (set Configuration {\"Mortar\":{\"DryRun\":true}})"
             : " has not crawled yet"));
  }
  return *found;
}

// --data-dir and --account, on both the group (`mortar logs --data-dir D
// crawler N`) and the leaf (`mortar logs crawler N --data-dir D`), so either
// order works and both --help pages list them.
void add_location(CLI::App* cmd, Target& t) {
  cmd->add_option("--data-dir", t.data_dir, "data directory (default $MORTAR_DATA_DIR or ./.mortar)");
  cmd->add_option("--account", t.account, "account id (default: the data dir's default account)");
}

void add_common(CLI::App* cmd, Target& t) {
  cmd->add_option("name", t.crawler, "the crawler")->required();
  add_location(cmd, t);
  cmd->add_option("--crawl-id", t.crawl_id, "a crawl id from ListCrawls (default: the latest)");
}

// Crawls logged before logs moved into the store kept a file.
bool print_legacy_log_file(const crawler::CrawlRow& c) {
  if (c.log_path.empty()) return false;
  std::ifstream in(c.log_path);
  if (!in) command_fail("mortar logs crawler: the log file of crawl " + c.crawl_id + " is missing");
  std::cout << in.rdbuf();
  return true;
}

void print_log(const Target& t) {
  const char* command = "mortar logs crawler";
  CommandStore opened = open_command_store(t.data_dir, t.account, command);
  crawler::CrawlRow c = find(*opened.store, opened.account, t, false, command);
  if (print_legacy_log_file(c)) {
    std::cout.flush();
    return;
  }
  // The crawl's lines: its stream from a little before it started, by prefix.
  logs::LogReader reader(*opened.store);
  const std::string prefix = crawler::CrawlLog::line_prefix(c.crawl_id);
  logs::ReadQuery q;
  q.start_ms = static_cast<int64_t>(c.start_time * 1000) - 1000;
  q.forward_from = 0;
  size_t printed = 0;
  for (;;) {
    auto page = reader.read_stream(opened.account, crawler::kCrawlerLogGroup, t.crawler, q);
    if (!page.ok()) {
      if (page.status().code() == absl::StatusCode::kNotFound) break;
      command_fail(std::string(command) + ": " + std::string(status_message(page.status())));
    }
    for (const auto& e : page->events) {
      if (!e.message.starts_with(prefix)) continue;
      std::cout << utc_timestamp(e.timestamp_ms / 1000) << " " << e.message.substr(prefix.size())
                << "\n";
      ++printed;
    }
    if (page->events.empty()) break;
    q.forward_from = page->forward_seq;
  }
  std::cout.flush();
  if (printed == 0)
    command_fail(std::string(command) + ": crawl " + c.crawl_id + " logged nothing");
}

void print_plan(const Target& t) {
  CommandStore opened = open_command_store(t.data_dir, t.account, "mortar crawler plan");
  crawler::CrawlRow c = find(*opened.store, opened.account, t, true, "mortar crawler plan");
  if (c.plan.empty())
    command_fail("mortar crawler plan: crawl " + c.crawl_id + " was not a DryRun crawl");
  crawler::Json plan = crawler::Json::parse(c.plan, nullptr, false);
  if (plan.is_discarded()) command_fail("mortar crawler plan: the stored plan is corrupt");
  if (t.json) {
    std::cout << plan.dump(2) << "\n";
    return;
  }
  std::cout << "DryRun crawl " << c.crawl_id << " of crawler " << c.crawler << ", started "
            << format_time(c.start_time) << ", " << c.state << "\n";
  if (!c.error.empty()) std::cout << "error: " << c.error << "\n";
  const auto& tables = plan.value("Tables", crawler::Json::array());
  std::cout << "\nTables (" << tables.size() << "):\n";
  for (const auto& table : tables) {
    const auto& cls = table.value("Classification", crawler::Json::object());
    std::cout << "  " << table.value("Name", "") << "  " << table.value("Location", "") << "  "
              << cls.value("classification", "") << "  " << table.value("ObjectCount", 0) << " files\n";
    if (!cls.value("schema", "").empty()) std::cout << "    schema: " << cls.value("schema", "") << "\n";
    std::string keys;
    for (const auto& k : table.value("PartitionKeys", crawler::Json::array())) {
      keys += (keys.empty() ? "" : ", ") + k.value("Name", "") + " " + k.value("Type", "");
    }
    const auto& parts = table.value("Partitions", crawler::Json::array());
    if (!keys.empty()) std::cout << "    partition keys: " << keys << " (" << parts.size() << " partitions)\n";
    for (const auto& r : table.value("Reasons", crawler::Json::array())) {
      std::cout << "    reason: " << r.get<std::string>() << "\n";
    }
  }
  const auto& changes = plan.value("Changes", crawler::Json::array());
  std::cout << "\nChanges (" << changes.size() << "):\n";
  for (const auto& ch : changes) {
    std::cout << "  " << ch.value("Action", "") << " " << ch.value("Database", "") << "." << ch.value("Table", "");
    if (ch.contains("PartitionValues")) std::cout << " " << ch["PartitionValues"].dump();
    if (!ch.value("Detail", "").empty()) std::cout << ": " << ch.value("Detail", "");
    std::cout << "\n";
  }
  const auto& problems = plan.value("Problems", crawler::Json::array());
  if (!problems.empty()) {
    std::cout << "\nProblems (" << problems.size() << "):\n";
    for (const auto& p : problems) std::cout << "  " << p.value("Path", "") << ": " << p.value("Message", "") << "\n";
  }
}

}  // namespace

void add_logs_command(CLI::App& app) {
  CLI::App* logs = app.add_subcommand(
      "logs", "Print logs from the store (crawler: a crawl's log; job-run: a run's output)");
  logs->require_subcommand(1);
  auto t = std::make_shared<Target>();
  add_location(logs, *t);
  CLI::App* crawler = logs->add_subcommand("crawler", "Print a crawl's log (the latest crawl by default)");
  add_common(crawler, *t);
  crawler->callback([t] { print_log(*t); });
  add_job_run_logs_command(*logs, t->data_dir, t->account);
}

void add_crawler_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("crawler", "Inspect crawlers (plan: the last DryRun plan)");
  cmd->require_subcommand(1);
  auto t = std::make_shared<Target>();
  add_location(cmd, *t);
  CLI::App* plan = cmd->add_subcommand("plan", "Print the last DryRun plan: tables, partitions, changes, reasons");
  add_common(plan, *t);
  plan->add_flag("--json", t->json, "print the plan as JSON");
  plan->callback([t] { print_plan(*t); });
}

}  // namespace mortar::server
