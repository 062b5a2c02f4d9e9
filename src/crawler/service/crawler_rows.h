// Persistence of crawlers, custom classifiers and crawl history in the Store
// (migration component "crawlers"). Rows are keyed by the owning account;
// bodies are Glue-shaped JSON (a Crawler object, a Classifier object), so the
// API returns them as stored. Free functions over a Transaction: callers
// (CrawlerService, ClassifierRegistry, `mortar logs`/`mortar crawler plan`)
// choose the transaction boundaries.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace mortar::crawler {

using Json = nlohmann::json;

Status migrate_crawler_rows(store::Store& store);

constexpr size_t kMaxErrorMessage = 2048;  // DescriptionString's bound
// The crawler's LastCrawl object (error cut to kMaxErrorMessage).
Json last_crawl(const std::string& status, const std::string& error, const std::string& crawler,
                const std::string& crawl_id, double start_time);

struct CrawlerRow {
  std::string name;
  Json body;          // the Crawler object without State / CrawlElapsedTime
  std::string state;  // READY | RUNNING | STOPPING
  Json tags = Json::object();
};

StatusOr<std::optional<CrawlerRow>> load_crawler(store::Transaction& tx, const std::string& account,
                                                 const std::string& name);
// NotFound (EntityNotFoundException) when absent.
StatusOr<CrawlerRow> require_crawler(store::Transaction& tx, const std::string& account,
                                     const std::string& name);
// require_crawler after locking the row until `tx` ends (catalog/row_lock.h):
// every read-modify-write of a crawler row (state transitions, definition,
// tags, schedule) reads through it, so writers in other threads or servers
// take turns and each sees the latest committed row.
StatusOr<CrawlerRow> require_crawler_for_write(store::Transaction& tx, const std::string& account,
                                               const std::string& name);
// AlreadyExists when the name is taken.
Status insert_crawler(store::Transaction& tx, const std::string& account, const CrawlerRow& row);
Status save_crawler(store::Transaction& tx, const std::string& account, const CrawlerRow& row);
// Rewrites only the crawler's tags (TagResource/UntagResource), leaving its
// body and state alone. NotFound when absent.
Status save_crawler_tags(store::Transaction& tx, const std::string& account,
                         const std::string& name, const Json& tags);
// Deletes the crawler and its crawl history.
Status delete_crawler_row(store::Transaction& tx, const std::string& account,
                          const std::string& name);
// Names after `after` (exclusive), in name order, at most `limit`.
StatusOr<std::vector<CrawlerRow>> list_crawlers(store::Transaction& tx, const std::string& account,
                                                const std::string& after, int limit);
// Every crawler not READY, over all accounts (restart recovery): (account, row).
StatusOr<std::vector<std::pair<std::string, CrawlerRow>>> busy_crawlers(store::Transaction& tx);
// Every crawler with a SCHEDULED schedule, over all accounts.
StatusOr<std::vector<std::pair<std::string, CrawlerRow>>> scheduled_crawlers(
    store::Transaction& tx);
// Every crawler whose RecrawlPolicy is CRAWL_EVENT_MODE, over all accounts.
StatusOr<std::vector<std::pair<std::string, CrawlerRow>>> event_mode_crawlers(
    store::Transaction& tx);

// One crawl of a crawler (ListCrawls' CrawlerHistory, plus Mortar's extras).
struct CrawlRow {
  std::string crawler;
  std::string crawl_id;
  std::string state;  // RUNNING | COMPLETED | FAILED | STOPPED
  double start_time = 0;
  std::optional<double> end_time;
  std::string summary;  // CrawlSummary JSON text, "" while running
  std::string error;
  std::string plan;      // DryRun: {"Tables": [...], "Changes": [...], "Problems": [...]}; else ""
  // The log file of a crawl logged before logs moved into the store; "" for
  // newer crawls (their lines are in /aws-glue/crawlers, see crawl_log.h).
  std::string log_path;
  bool dry_run = false;
  // The server running it and when it last said so (crawl_claims.h); "" and
  // unset for crawls recorded before several servers could share a store.
  std::string server_id;
  std::optional<int64_t> heartbeat_micros;
};

Status insert_crawl(store::Transaction& tx, const std::string& account, const CrawlRow& crawl);
Status finish_crawl(store::Transaction& tx, const std::string& account, const CrawlRow& crawl);
// finish_crawl() only where `condition` (" AND ...", with `params`) holds
// too; returns the rows changed (0 or 1).
StatusOr<int64_t> finish_crawl_if(store::Transaction& tx, const std::string& account,
                                  const CrawlRow& crawl, const std::string& condition,
                                  const std::vector<store::Value>& params);
// Newest first.
StatusOr<std::vector<CrawlRow>> list_crawl_rows(store::Transaction& tx, const std::string& account,
                                                const std::string& crawler);
StatusOr<std::optional<CrawlRow>> find_crawl(store::Transaction& tx, const std::string& account,
                                             const std::string& crawler,
                                             const std::string& crawl_id);
// Every RUNNING crawl over all accounts, with its account.
StatusOr<std::vector<std::pair<std::string, CrawlRow>>> running_crawls(store::Transaction& tx);
// Marks every RUNNING crawl FAILED with `reason`; returns them.
StatusOr<std::vector<std::pair<std::string, CrawlRow>>> fail_running_crawls(
    store::Transaction& tx, const std::string& reason, double end_time);

// Classifiers: `body` is a Glue Classifier object ({"CsvClassifier": {...}}).
StatusOr<std::optional<Json>> load_classifier(store::Transaction& tx, const std::string& account,
                                              const std::string& name);
// load_classifier with the row locked until `tx` ends (UpdateClassifier merges).
StatusOr<std::optional<Json>> load_classifier_for_write(store::Transaction& tx,
                                                        const std::string& account,
                                                        const std::string& name);
Status insert_classifier(store::Transaction& tx, const std::string& account, const std::string& name,
                         const Json& body);
Status save_classifier(store::Transaction& tx, const std::string& account, const std::string& name,
                       const Json& body);
// Returns false when there was none.
StatusOr<bool> delete_classifier_row(store::Transaction& tx, const std::string& account,
                                     const std::string& name);
StatusOr<std::vector<std::pair<std::string, Json>>> list_classifiers(store::Transaction& tx,
                                                                     const std::string& account,
                                                                     const std::string& after,
                                                                     int limit);

}  // namespace mortar::crawler
