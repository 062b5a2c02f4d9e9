// Several servers on one store: which server runs a crawl (its id and a
// heartbeat on the crawl's row) and which fire of a schedule has been claimed
// (a row per fire, unique per crawler and cron time). Free functions over a
// Transaction, like crawler_rows.h; the policy (intervals, timeouts, who
// recovers) is CrawlerService's (crawl_ownership.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "crawler/service/crawler_rows.h"
#include "store/store.h"

namespace mortar::crawler {

// Names this process in the crawls it owns: "host:instance:pid", or
// "host:pid:random" without an instance.
std::string new_server_id(const std::string& instance_id = "");
// The server-id prefix every process of one data dir's server shares ("" without an instance).
std::string server_id_prefix(const std::string& instance_id);

inline constexpr const char* kServerRestartedReason = "server restarted during the crawl";

// The crawler's state as a compare-and-swap: false (nothing written) when it
// is not `from` -- another request or server changed it first. NotFound when
// the crawler does not exist.
StatusOr<bool> transition_crawler(store::Transaction& tx, const std::string& account,
                                  const std::string& name, const std::string& from,
                                  const std::string& to);

// Refreshes the heartbeat of a crawl `server_id` owns; false when the crawl is
// no longer RUNNING under that server (recovery gave it up).
StatusOr<bool> touch_crawl(store::Transaction& tx, const std::string& account,
                           const std::string& crawl_id, const std::string& server_id,
                           int64_t now_micros);

// Records the end of a crawl `server_id` owns (state, end time, summary,
// error, plan); false, writing nothing, when it is no longer RUNNING there.
StatusOr<bool> finish_owned_crawl(store::Transaction& tx, const std::string& account,
                                  const CrawlRow& crawl, const std::string& server_id);

// The last sign of life of a RUNNING crawl: its heartbeat, or its start for
// crawls recorded without one.
int64_t last_heartbeat_micros(const CrawlRow& crawl);

// Marks the RUNNING crawl FAILED with `crawl.error` and `crawl.end_time` if
// its last sign of life is still before `cutoff_micros`; false when it moved
// on meanwhile (finished, or its server beat again).
StatusOr<bool> fail_stale_crawl(store::Transaction& tx, const std::string& account,
                                const CrawlRow& crawl, int64_t cutoff_micros);

// One fire of a crawler's schedule, claimed by the server that ran it.
struct Firing {
  std::string crawler;
  int64_t scheduled_time = 0;  // the cron time, epoch seconds
  std::string server_id;
  int64_t fired_at_micros = 0;
  std::string crawl_id;  // "" when no crawl started
  std::string outcome;   // "STARTED" or why it was skipped
};

// Claims a fire: AlreadyExists when (crawler, scheduled_time) is claimed
// already (on PostgreSQL the transaction is then unusable: roll it back).
Status insert_firing(store::Transaction& tx, const std::string& account, const Firing& firing);
Status set_firing_outcome(store::Transaction& tx, const std::string& account, const Firing& firing);
// Oldest first.
StatusOr<std::vector<Firing>> list_firings(store::Transaction& tx, const std::string& account,
                                           const std::string& crawler);
// Forgets fires scheduled before `before_seconds` (all accounts).
Status prune_firings(store::Transaction& tx, int64_t before_seconds);

}  // namespace mortar::crawler
