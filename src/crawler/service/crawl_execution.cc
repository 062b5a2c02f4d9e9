// The crawl runtime of CrawlerService: StartCrawler/StopCrawler, the worker
// threads that run crawls, recording their outcome, restart recovery on a
// store with one server. Claims and heartbeats are in crawl_ownership.cc.
#include <exception>

#include "common/crypto.h"
#include "common/utc_time.h"
#include "crawler/service/crawl_claims.h"
#include "crawler/service/crawl_log.h"
#include "crawler/service/crawler_rows.h"
#include "crawler/service/crawler_service.h"
#include "io/file_system.h"

namespace mortar::crawler {
namespace {

constexpr const char* kRestartReason = kServerRestartedReason;

std::string history_state(const std::string& last_status) {
  if (last_status == "SUCCEEDED") return "COMPLETED";
  if (last_status == "CANCELLED") return "STOPPED";
  return "FAILED";
}

// Summary is a NameString (at most 255 characters): drop zero counts if needed.
std::string summary_text(const CrawlSummary& summary) {
  Json j = summary.as_json();
  std::string text = j.dump();
  if (text.size() <= 255) return text;
  Json compact = Json::object();
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.value() != 0) compact[it.key()] = it.value();
  }
  text = compact.dump();
  return text.size() <= 255 ? text : text.substr(0, 255);
}

std::string plan_text(const CrawlResult& result) {
  Json plan = {{"Tables", Json::array()}, {"Changes", Json::array()}, {"Problems", Json::array()}};
  for (const auto& t : result.plan) plan["Tables"].push_back(planned_table_to_json(t));
  for (const auto& c : result.changes) plan["Changes"].push_back(c.as_json());
  for (const auto& p : result.problems)
    plan["Problems"].push_back({{"Path", p.path}, {"Message", p.message}});
  plan["Summary"] = result.summary.as_json();
  return plan.dump();
}

}  // namespace

CrawlerService::~CrawlerService() {
  {
    absl::MutexLock lock(&mu_);
    shutting_down_ = true;
    scheduler_ = nullptr;
    for (auto& [key, crawl] : active_) crawl->cancel->cancel();
    work_cv_.SignalAll();
    maintenance_cv_.SignalAll();
  }
  if (maintenance_.joinable()) maintenance_.join();
  for (auto& t : workers_) t.join();
}

Status CrawlerService::recover() {
  const double t = now();
  std::vector<std::pair<std::string, CrawlRow>> failed;  // (account, crawl)
  Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(failed, fail_running_crawls(tx, kRestartReason, t));
    std::map<Key, CrawlRow> by_crawler;
    for (auto& [account, crawl] : failed) {
      CrawlLog(options_.log_sink, account, crawl.crawler, crawl.crawl_id, clock_)
          .write("ERROR", std::string("crawl FAILED: ") + kRestartReason);
      by_crawler[{account, crawl.crawler}] = crawl;
    }
    MORTAR_ASSIGN_OR_RETURN(auto busy, busy_crawlers(tx));
    for (auto& [account, row] : busy) {
      auto it = by_crawler.find({account, row.name});
      std::string crawl_id = it != by_crawler.end() ? it->second.crawl_id : "unknown";
      double start = it != by_crawler.end() ? it->second.start_time : t;
      row.state = "READY";
      row.body["LastCrawl"] = last_crawl("FAILED", kRestartReason, row.name, crawl_id, start);
      MORTAR_RETURN_IF_ERROR(save_crawler(tx, account, row));
      log_event("warn",
                "crawler " + row.name + ": crawl " + crawl_id + " FAILED: " + kRestartReason);
    }
    return ok_status();
  });
  MORTAR_RETURN_IF_ERROR(s);
  for (const auto& [account, crawl] : failed) tell_failed(account, crawl);
  return ok_status();
}

void CrawlerService::tell_failed(const std::string& account, const CrawlRow& crawl) {
  if (options_.on_crawl_event) {
    options_.on_crawl_event(CrawlEvent{account, crawl.crawler, crawl.crawl_id, "FAILED",
                                       crawl.start_time, crawl.end_time.value_or(0), std::nullopt,
                                       crawl.error});
  }
  if (options_.on_crawl_finished)
    options_.on_crawl_finished(account, crawl.crawler, crawl.crawl_id, "FAILED");
}

std::shared_ptr<CrawlerService::ActiveCrawl> CrawlerService::new_crawl(
    const std::string& account, const std::string& name) const {
  auto crawl = std::make_shared<ActiveCrawl>();
  crawl->account = account;
  crawl->name = name;
  crawl->crawl_id = new_uuid();
  crawl->start_micros = clock_.now_micros();
  return crawl;
}

Status CrawlerService::claim_crawl(store::Transaction& tx, const ActiveCrawl& crawl) {
  MORTAR_ASSIGN_OR_RETURN(CrawlerRow row, require_crawler(tx, crawl.account, crawl.name));
  MORTAR_ASSIGN_OR_RETURN(bool claimed,
                          transition_crawler(tx, crawl.account, crawl.name, "READY", "RUNNING"));
  if (!claimed) {
    return glue_error(absl::StatusCode::kFailedPrecondition, "CrawlerRunningException",
                      "Crawler with name " + crawl.name + " has already started");
  }
  CrawlRow c;
  c.crawler = crawl.name;
  c.crawl_id = crawl.crawl_id;
  c.state = "RUNNING";
  c.start_time = static_cast<double>(crawl.start_micros) / 1e6;
  auto config = parse_crawler_config(row.body.value("Configuration", ""));
  c.dry_run = config.ok() && config->dry_run;
  c.server_id = options_.server_id;
  c.heartbeat_micros = crawl.start_micros;
  return insert_crawl(tx, crawl.account, c);
}

void CrawlerService::enqueue_locked(std::shared_ptr<ActiveCrawl> crawl) {
  active_[{crawl->account, crawl->name}] = crawl;
  queue_.push_back(std::move(crawl));
  work_cv_.Signal();
}

Status CrawlerService::start_locked(const std::string& account, const std::string& name) {
  if (shutting_down_) return unimplemented("the server is shutting down");
  if (active_.count({account, name})) {
    return glue_error(absl::StatusCode::kFailedPrecondition, "CrawlerRunningException",
                      "Crawler with name " + name + " has already started");
  }
  auto crawl = new_crawl(account, name);
  MORTAR_RETURN_IF_ERROR(store::run_in_write_transaction(
      store_, [&](store::Transaction& tx) { return claim_crawl(tx, *crawl); }));
  enqueue_locked(std::move(crawl));
  return ok_status();
}

Status CrawlerService::start_crawler(const CallContext& ctx, const std::string& name) {
  absl::MutexLock lock(&mu_);
  return start_locked(ctx.account_id, name);
}

Status CrawlerService::stop_crawler(const CallContext& ctx, const std::string& name) {
  absl::MutexLock lock(&mu_);
  auto it = active_.find({ctx.account_id, name});
  if (it == active_.end()) {
    // Not running here; maybe on another server sharing the store: mark it
    // STOPPING there and that server's heartbeat() stops it.
    std::string state;
    MORTAR_RETURN_IF_ERROR(
        store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
          MORTAR_ASSIGN_OR_RETURN(
              bool marked, transition_crawler(tx, ctx.account_id, name, "RUNNING", "STOPPING"));
          if (marked) return ok_status();
          MORTAR_ASSIGN_OR_RETURN(CrawlerRow row, require_crawler(tx, ctx.account_id, name));
          state = row.state;
          return ok_status();
        }));
    if (state.empty()) return ok_status();
    if (state == "STOPPING") {
      return glue_error(absl::StatusCode::kFailedPrecondition, "CrawlerStoppingException",
                        "Crawler with name " + name + " is already stopping");
    }
    return glue_error(absl::StatusCode::kFailedPrecondition, "CrawlerNotRunningException",
                      "Crawler with name " + name + " isn't running");
  }
  std::shared_ptr<ActiveCrawl> crawl = it->second;
  if (crawl->stopping) {
    return glue_error(absl::StatusCode::kFailedPrecondition, "CrawlerStoppingException",
                      "Crawler with name " + name + " is already stopping");
  }
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(CrawlerRow row,
                                require_crawler_for_write(tx, ctx.account_id, name));
        if (row.state == "STOPPING") {
          return glue_error(absl::StatusCode::kFailedPrecondition, "CrawlerStoppingException",
                            "Crawler with name " + name + " is already stopping");
        }
        row.state = "STOPPING";
        return save_crawler(tx, ctx.account_id, row);
      }));
  crawl->stopping = true;
  crawl->cancel->cancel();
  return ok_status();
}

void CrawlerService::wait_idle() {
  absl::MutexLock lock(&mu_);
  while (!active_.empty()) idle_cv_.Wait(&mu_);
}

void CrawlerService::worker() {
  while (true) {
    std::shared_ptr<ActiveCrawl> crawl;
    {
      absl::MutexLock lock(&mu_);
      while (queue_.empty() && !shutting_down_) work_cv_.Wait(&mu_);
      if (queue_.empty()) return;  // shutting down with nothing left
      crawl = queue_.front();
      queue_.pop_front();
    }
    run_crawl(crawl);
  }
}

void CrawlerService::run_crawl(const std::shared_ptr<ActiveCrawl>& crawl) {
  auto log = std::make_shared<const CrawlLog>(options_.log_sink, crawl->account, crawl->name,
                                              crawl->crawl_id, clock_);

  if (crawl->cancel->cancelled()) {
    log->write("INFO", "crawl " + crawl->crawl_id + " stopped before it began");
    finish(crawl, "CANCELLED", "", nullptr);
    return;
  }
  CrawlerRow row;
  Status loaded = store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(row, require_crawler(tx, crawl->account, crawl->name));
    return ok_status();
  });
  if (!loaded.ok()) {
    finish(crawl, "FAILED", std::string(status_message(loaded)), nullptr);
    return;
  }
  log->write("INFO", "Crawler " + crawl->name + " started crawl " + crawl->crawl_id);
  log_event("info", "crawler " + crawl->name + ": crawl " + crawl->crawl_id + " started");
  if (options_.on_crawl_event) {
    CrawlEvent started;
    started.account = crawl->account;
    started.crawler = crawl->name;
    started.crawl_id = crawl->crawl_id;
    started.status = "RUNNING";
    started.start_time = static_cast<double>(crawl->start_micros) / 1e6;
    options_.on_crawl_event(started);
  }

  CallContext ctx;
  ctx.account_id = crawl->account;
  ctx.catalog_id = row.body.value("CatalogId", crawl->account);
  ctx.principal = "crawler/" + crawl->name;
  ctx.request_id = crawl->crawl_id;
  ctx.operation = "Crawl";

  std::vector<std::string> names;
  for (const auto& c : row.body.value("Classifiers", Json::array())) {
    if (c.is_string()) names.push_back(c.get<std::string>());
  }
  std::vector<std::string> missing;
  auto custom = classifiers_.resolve(crawl->account, names, &missing);
  for (const auto& m : missing)
    log->write("WARN", "classifier " + m + " no longer exists; skipped");

  const std::string database = row.body.value("DatabaseName", "");
  if (!database.empty()) {
    auto db = catalog_.get_database(ctx, database);
    if (!db.ok()) {
      std::string error = "Database " + database +
                          " not found: the crawler writes tables into an "
                          "existing database only (create it with CreateDatabase).";
      log->write("ERROR", error);
      finish(crawl, "FAILED", error, nullptr);
      return;
    }
  }

  CrawlEnvironment env{
      catalog_,
      partitions_,
      store_,
      clock_,
      ctx,
      *crawl->cancel,
      [log](const std::string& level, const std::string& message) { log->write(level, message); },
      [](const std::string& uri) { return io::file_system_for(uri); },
      custom.ok() ? std::move(custom).value() : std::vector<Json>(),
      crawl->crawl_id,
      options_.threads_per_crawl};
  StatusOr<CrawlResult> result = internal_error("crawl did not run");
  try {
    result = options_.crawl(row.body, env);
  } catch (const std::exception& e) {
    result = internal_error(std::string("internal error: ") + e.what());
  }

  // Stopped: whatever the runner returned (Cancelled, or a result for what it
  // finished before it noticed), the crawl is CANCELLED.
  if (crawl->cancel->cancelled()) {
    bool by_user, lost;
    {
      absl::MutexLock lock(&mu_);
      by_user = crawl->stopping;
      lost = crawl->lost;
    }
    std::string why = by_user ? ""
                      : lost
                          ? "this server's claim on the crawl was given up (its heartbeat was late)"
                          : "server shut down during the crawl";
    log->write("INFO", "crawl " + crawl->crawl_id + " stopped: " + (by_user ? "StopCrawler" : why));
    finish(crawl, "CANCELLED", why, result.ok() ? &*result : nullptr);
    return;
  }
  if (!result.ok()) {
    std::string error(status_message(result.status()));
    log->write("ERROR", "crawl FAILED: " + error);
    finish(crawl, "FAILED", error, nullptr);
    return;
  }
  for (const auto& p : result->problems) log->write("WARN", p.path + ": " + p.message);
  size_t logged = 0;
  for (const auto& c : result->changes) {
    if (++logged > 1000) break;
    log->write("INFO", (result->dry_run ? "would apply: " : "applied: ") + c.as_json().dump());
  }
  log->write("INFO", "crawl SUCCEEDED: " + result->summary.as_json().dump());
  finish(crawl, "SUCCEEDED", "", &*result);
}

void CrawlerService::finish(const std::shared_ptr<ActiveCrawl>& crawl,
                            const std::string& last_status, const std::string& error,
                            const CrawlResult* result) {
  // The crawl's last lines are readable by the time its state is final.
  if (options_.log_sink) options_.log_sink->flush();
  CrawlRow c;
  c.crawler = crawl->name;
  c.crawl_id = crawl->crawl_id;
  c.state = history_state(last_status);
  c.start_time = static_cast<double>(crawl->start_micros) / 1e6;
  c.end_time = now();
  c.error = error.substr(0, kMaxErrorMessage);
  if (result != nullptr) {
    c.summary = summary_text(result->summary);
    if (result->dry_run) c.plan = plan_text(*result);
  }
  mu_.Lock();
  bool owned = !crawl->lost;
  Status s =
      !owned ? ok_status()
             : store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
                 // The claim may have been given up (this server looked dead): then the
                 // recovery's FAILED stands and the crawler is no longer ours to touch.
                 MORTAR_ASSIGN_OR_RETURN(
                     owned, finish_owned_crawl(tx, crawl->account, c, options_.server_id));
                 if (!owned) return ok_status();
                 auto row = require_crawler_for_write(tx, crawl->account, crawl->name);
                 if (absl::IsNotFound(row.status())) return ok_status();
                 MORTAR_RETURN_IF_ERROR(row.status());
                 row->state = "READY";
                 row->body["LastCrawl"] =
                     last_crawl(last_status, c.error, crawl->name, crawl->crawl_id, c.start_time);
                 return save_crawler(tx, crawl->account, *row);
               });
  if (!s.ok())
    log_event("error", "crawler " + crawl->name + ": recording the crawl failed: " + s.ToString());
  if (s.ok() && !owned) {
    log_event("warn", "crawler " + crawl->name + ": crawl " + crawl->crawl_id + " ended as " +
                          last_status +
                          " after its claim was given up (this server's heartbeat was late); "
                          "the store keeps the recovery's FAILED");
  }
  const std::string ended =
      "crawler " + crawl->name + ": crawl " + crawl->crawl_id + " " + last_status;
  log_event(last_status == "FAILED" ? "warn" : "info",
            c.error.empty() ? ended : ended + ": " + c.error);
  active_.erase({crawl->account, crawl->name});
  idle_cv_.SignalAll();
  mu_.Unlock();
  if (!s.ok() || !owned) return;
  if (options_.on_crawl_event) {
    CrawlEvent ended{crawl->account, crawl->name, crawl->crawl_id, last_status};
    ended.start_time = c.start_time;
    ended.end_time = c.end_time.value_or(0);
    ended.error = c.error;
    if (result != nullptr) ended.summary = result->summary;
    options_.on_crawl_event(ended);
  }
  if (options_.on_crawl_finished)
    options_.on_crawl_finished(crawl->account, crawl->name, crawl->crawl_id, last_status);
}

}  // namespace mortar::crawler
