// Several servers on one store: schedule fires claimed once, the heartbeat of
// this server's crawls, recovery of crawls whose server stopped beating, and
// the background thread that drives them. The SQL is in crawl_claims.cc.
#include <chrono>
#include <cstdint>

#include "common/utc_time.h"
#include "crawler/service/crawl_claims.h"
#include "crawler/service/crawl_log.h"
#include "crawler/service/crawler_rows.h"
#include "crawler/service/crawler_service.h"

namespace mortar::crawler {
namespace {

// Fire claims only need to outlive the catch-up window; a day is plenty.
constexpr int64_t kFiringRetentionSeconds = 24 * 3600;
constexpr int64_t kPruneEverySeconds = 600;

}  // namespace

bool CrawlerService::fire_scheduled(const std::string& account, const std::string& name,
                                    int64_t scheduled_time) {
  absl::MutexLock lock(&mu_);
  if (shutting_down_) return false;
  auto crawl = new_crawl(account, name);
  Firing firing;
  bool claimed_before = false;
  std::string skipped;
  Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    firing = Firing{name, scheduled_time, options_.server_id, clock_.now_micros(), "", "STARTED"};
    claimed_before = false;
    skipped.clear();
    // The claim comes first: a fire already claimed rolls everything back.
    Status claim = insert_firing(tx, account, firing);
    if (claim.code() == absl::StatusCode::kAlreadyExists) claimed_before = true;
    MORTAR_RETURN_IF_ERROR(claim);
    Status started = claim_crawl(tx, *crawl);
    if (started.ok()) {
      firing.crawl_id = crawl->crawl_id;
    } else if (started.code() == absl::StatusCode::kFailedPrecondition ||
               started.code() == absl::StatusCode::kNotFound) {
      // Running (or deleted): this fire is spent, as in Glue; keep the claim.
      skipped = std::string(status_message(started));
      firing.outcome = "SKIPPED: " + skipped;
    } else {
      return started;
    }
    return set_firing_outcome(tx, account, firing);
  });
  const std::string when = utc_timestamp(scheduled_time);
  if (claimed_before) {
    log_event("info", "crawler " + name + ": the fire of " + when +
                          " was claimed already (by this or " + "another server); not fired again");
    return false;
  }
  if (!s.ok()) {
    log_event("error", "crawler " + name + ": the fire of " + when + " failed: " + s.ToString());
    return false;
  }
  if (!skipped.empty()) {
    log_event("warn", "crawler " + name + ": scheduled start of " + when + " skipped: " + skipped);
    return false;
  }
  enqueue_locked(crawl);
  log_event("info", "crawler " + name + ": started by its schedule (" + when + "), crawl " +
                        crawl->crawl_id);
  return true;
}

Status CrawlerService::heartbeat() {
  std::vector<std::shared_ptr<ActiveCrawl>> mine;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [key, crawl] : active_) {
      if (!crawl->lost) mine.push_back(crawl);
    }
  }
  if (mine.empty()) return ok_status();
  const int64_t now = clock_.now_micros();
  std::vector<std::shared_ptr<ActiveCrawl>> lost, stop;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        lost.clear();
        stop.clear();
        for (const auto& crawl : mine) {
          MORTAR_ASSIGN_OR_RETURN(
              bool held, touch_crawl(tx, crawl->account, crawl->crawl_id, options_.server_id, now));
          if (!held) {
            lost.push_back(crawl);
            continue;
          }
          MORTAR_ASSIGN_OR_RETURN(auto row, load_crawler(tx, crawl->account, crawl->name));
          if (row && row->state == "STOPPING") stop.push_back(crawl);
        }
        return ok_status();
      }));
  absl::MutexLock lock(&mu_);
  for (const auto& crawl : lost) {
    // Only a crawl still active here was given up while it ran (one that
    // finished meanwhile is simply no longer RUNNING).
    auto it = active_.find({crawl->account, crawl->name});
    if (it == active_.end() || it->second != crawl) continue;
    crawl->lost = true;
    crawl->cancel->cancel();
    log_event("warn",
              "crawler " + crawl->name + ": crawl " + crawl->crawl_id +
                  " was given up by recovery (this server's heartbeat was late); cancelling it");
  }
  for (const auto& crawl : stop) {
    if (crawl->stopping) continue;
    crawl->stopping = true;  // StopCrawler through another server
    crawl->cancel->cancel();
  }
  return ok_status();
}

StatusOr<int> CrawlerService::recover_stale_crawls() {
  const int64_t now = clock_.now_micros();
  const int64_t cutoff = now - options_.heartbeat_timeout_millis * 1000;
  std::vector<std::pair<std::string, CrawlRow>> failed;  // (account, crawl)
  std::vector<std::pair<Firing, std::shared_ptr<ActiveCrawl>>> refired;
  // Held across the transaction, as fire_scheduled does: a re-fired crawl is
  // claimed in it and queued right after, before shutdown can intervene.
  absl::ReleasableMutexLock lock(&mu_);
  if (shutting_down_) return 0;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        failed.clear();
        refired.clear();
        MORTAR_ASSIGN_OR_RETURN(auto running, running_crawls(tx));
        const std::string restarted = server_id_prefix(options_.instance_id);
        for (auto& [account, crawl] : running) {
          const int64_t last = last_heartbeat_micros(crawl);
          // This data dir's previous process: dead for sure, whatever its heartbeat.
          const bool previous_life = !restarted.empty() && crawl.server_id != options_.server_id &&
                                     crawl.server_id.starts_with(restarted);
          if (!previous_life && last >= cutoff) continue;
          crawl.state = "FAILED";
          crawl.end_time = static_cast<double>(now) / 1e6;
          crawl.error =
              previous_life
                  ? std::string(kServerRestartedReason)
                  : "the server running this crawl (id " +
                        (crawl.server_id.empty() ? std::string("unknown") : crawl.server_id) +
                        ") stopped responding; last heartbeat at " + utc_timestamp(last / 1000000);
          MORTAR_ASSIGN_OR_RETURN(
              bool given_up,
              fail_stale_crawl(tx, account, crawl, previous_life ? INT64_MAX : cutoff));
          if (!given_up) continue;
          MORTAR_ASSIGN_OR_RETURN(auto row, load_crawler(tx, account, crawl.crawler));
          if (row && row->state != "READY") {
            row->state = "READY";
            row->body["LastCrawl"] =
                last_crawl("FAILED", crawl.error, crawl.crawler, crawl.crawl_id, crawl.start_time);
            MORTAR_RETURN_IF_ERROR(save_crawler(tx, account, *row));
          }
          failed.emplace_back(account, crawl);
          Firing fire;
          MORTAR_ASSIGN_OR_RETURN(auto next, refire_skipped(tx, account, crawl, &fire));
          if (next) refired.emplace_back(std::move(fire), std::move(next));
        }
        return ok_status();
      }));
  for (const auto& [account, crawl] : failed) {
    CrawlLog(options_.log_sink, account, crawl.crawler, crawl.crawl_id, clock_)
        .write("ERROR", "crawl FAILED: " + crawl.error);
    log_event("warn",
              "crawler " + crawl.crawler + ": crawl " + crawl.crawl_id + " FAILED: " + crawl.error);
  }
  for (auto& [fire, crawl] : refired) {
    log_event("info", "crawler " + fire.crawler + ": started by its schedule (" +
                          utc_timestamp(fire.scheduled_time) + "), crawl " + crawl->crawl_id +
                          ", late: that fire was skipped for a crawl whose server had stopped");
    enqueue_locked(std::move(crawl));
  }
  lock.Release();
  // Outside the lock: conditional triggers on FAILED may start crawls.
  for (const auto& [account, crawl] : failed) tell_failed(account, crawl);
  return static_cast<int>(failed.size());
}

StatusOr<std::shared_ptr<CrawlerService::ActiveCrawl>> CrawlerService::refire_skipped(
    store::Transaction& tx, const std::string& account, const CrawlRow& dead, Firing* fire) {
  // A leader that dies mid-crawl leaves its crawl RUNNING until the timeout,
  // and the new leader takes over well before: the next fire (or the
  // catch-up one) finds the crawler "running" and is skipped. Only the
  // crawler's latest fire, skipped after the crawl's last sign of life, runs.
  MORTAR_ASSIGN_OR_RETURN(auto fires, list_firings(tx, account, dead.crawler));
  if (fires.empty()) return nullptr;
  Firing latest = fires.back();
  if (!latest.crawl_id.empty() || !latest.outcome.starts_with("SKIPPED") ||
      latest.fired_at_micros <= last_heartbeat_micros(dead)) {
    return nullptr;
  }
  auto crawl = new_crawl(account, dead.crawler);
  Status started = claim_crawl(tx, *crawl);
  if (started.code() == absl::StatusCode::kFailedPrecondition ||
      started.code() == absl::StatusCode::kNotFound) {
    return nullptr;  // started meanwhile, or deleted
  }
  MORTAR_RETURN_IF_ERROR(started);
  latest.crawl_id = crawl->crawl_id;
  latest.outcome = "STARTED";
  MORTAR_RETURN_IF_ERROR(set_firing_outcome(tx, account, latest));
  *fire = std::move(latest);
  return crawl;
}

void CrawlerService::tick() {
  Status s = heartbeat();
  if (!s.ok()) log_event("warn", "crawl heartbeat failed: " + s.ToString());
  if (options_.is_leader && !options_.is_leader()) return;
  s = sync_schedules();
  if (!s.ok()) log_event("warn", "re-reading crawler schedules failed: " + s.ToString());
  auto recovered = recover_stale_crawls();
  if (!recovered.ok())
    log_event("warn", "recovering stale crawls failed: " + recovered.status().ToString());
  const int64_t now = clock_.now_seconds();
  if (now - last_prune_.load() >= kPruneEverySeconds) {
    last_prune_ = now;
    s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) {
      return prune_firings(tx, now - kFiringRetentionSeconds);
    });
    if (!s.ok()) log_event("warn", "pruning schedule fire claims failed: " + s.ToString());
  }
}

void CrawlerService::maintenance_loop() {
  const absl::Duration interval = absl::Milliseconds(options_.heartbeat_interval_millis);
  mu_.Lock();
  while (!shutting_down_) {
    maintenance_cv_.WaitWithTimeout(&mu_, interval);
    if (shutting_down_) break;
    mu_.Unlock();
    tick();
    mu_.Lock();
  }
  mu_.Unlock();
}

}  // namespace mortar::crawler
