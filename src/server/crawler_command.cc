// `mortar logs crawler NAME [--crawl-id ID]` and `mortar crawler plan NAME`:
// read the crawl history straight from the data dir's store (safe while a
// server runs: SQLite WAL), or from the PostgreSQL its store.url names, and the
// crawl's log file, so they work whether or not the server is up.
#include <time.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include "common/utc_time.h"
#include "crawler/service/crawler_rows.h"
#include "server/commands.h"
#include "server/configured_store.h"
#include "server/data_dir.h"
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

std::string resolve_data_dir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("MORTAR_DATA_DIR"); env && *env) return env;
  return "./.mortar";
}

[[noreturn]] void fail(const std::string& message) {
  std::cerr << message << "\n";
  throw CLI::RuntimeError(1);
}

std::string format_time(double epoch_seconds) {
  return utc_timestamp(static_cast<int64_t>(epoch_seconds));
}

// The crawl asked for: by id, else the newest (with a plan when `want_plan`).
crawler::CrawlRow find(const Target& t, bool want_plan, const char* command) {
  const DataDir dir(resolve_data_dir(t.data_dir));
  std::string db_path = dir.file("catalog.db");
  // On PostgreSQL the data dir keeps only local things (logs, default account).
  auto where = configured_store(dir.root());
  if (!where.ok()) fail(std::string(command) + ": " + std::string(status_message(where.status())));
  if (where->is_sqlite() && !std::ifstream(db_path)) {
    fail(std::string(command) + ": no Mortar data dir at " + dir.root() +
         (t.data_dir.empty() ? " (pass --data-dir DIR or set MORTAR_DATA_DIR)" : ""));
  }
  std::string account = t.account;
  if (account.empty()) {
    auto remembered = dir.default_account_id();
    if (!remembered.ok() || !remembered->has_value()) {
      fail(std::string(command) + ": no default account in " + dir.root() + " (pass --account)");
    }
    account = **remembered;
  }
  auto store = where->open();
  if (!store.ok()) fail(std::string(command) + ": " + store.status().ToString());
  std::optional<crawler::CrawlRow> found;
  Status s = store::run_in_read_transaction(**store, [&](store::Transaction& tx) -> Status {
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
  (void)(*store)->close();
  if (!s.ok()) fail(std::string(command) + ": " + std::string(status_message(s)));
  if (!found) {
    if (!t.crawl_id.empty()) fail(std::string(command) + ": crawler " + t.crawler + " has no crawl " + t.crawl_id);
    fail(std::string(command) + ": crawler " + t.crawler +
         (want_plan ? " has no DryRun crawl with a plan (set Configuration {\"Mortar\":{\"DryRun\":true}})"
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

void print_log(const Target& t) {
  crawler::CrawlRow c = find(t, false, "mortar logs crawler");
  std::ifstream in(c.log_path);
  if (c.log_path.empty() || !in) fail("mortar logs crawler: the log of crawl " + c.crawl_id + " is missing");
  std::cout << in.rdbuf();
  std::cout.flush();
}

void print_plan(const Target& t) {
  crawler::CrawlRow c = find(t, true, "mortar crawler plan");
  if (c.plan.empty()) fail("mortar crawler plan: crawl " + c.crawl_id + " was not a DryRun crawl");
  crawler::Json plan = crawler::Json::parse(c.plan, nullptr, false);
  if (plan.is_discarded()) fail("mortar crawler plan: the stored plan is corrupt");
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
  CLI::App* logs = app.add_subcommand("logs", "Print logs (crawler: a crawl's log file)");
  logs->require_subcommand(1);
  auto t = std::make_shared<Target>();
  add_location(logs, *t);
  CLI::App* crawler = logs->add_subcommand("crawler", "Print a crawl's log (the latest crawl by default)");
  add_common(crawler, *t);
  crawler->callback([t] { print_log(*t); });
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
