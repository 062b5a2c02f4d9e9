// What a crawl is allowed to change in the catalog, read once from the Glue
// Crawler object (SchemaChangePolicy, RecrawlPolicy) and its Configuration.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "crawler/crawl_types.h"

namespace mortar::crawler {

struct ApplyPolicy {
  std::string crawler_name;
  std::string database;  // the crawler's DatabaseName
  std::string table_prefix;
  // SchemaChangePolicy.
  bool update_in_database = true;                      // UPDATE_IN_DATABASE (default) | LOG
  std::string delete_behavior = "DEPRECATE_IN_DATABASE";  // | DELETE_FROM_DATABASE | LOG
  // RecrawlPolicy.RecrawlBehavior; CRAWL_NEW_FOLDERS_ONLY only ever adds.
  std::string recrawl_behavior = "CRAWL_EVERYTHING";
  // CRAWL_EVENT_MODE (recrawl_behavior is then CRAWL_EVERYTHING: what is
  // crawled is diffed as a full crawl would, crawl_events.h says what is).
  bool event_mode = false;
  CrawlerConfig config;
  std::string crawl_id;   // CRAWL_RUN_ID
  int64_t now_millis = 0;  // DEPRECATED_BY_CRAWLER's value (epoch milliseconds, as Glue writes it)

  bool new_folders_only() const { return recrawl_behavior == "CRAWL_NEW_FOLDERS_ONLY"; }
};

// Reads the policies from a Glue Crawler object; unknown enum values are
// InvalidInput naming the member.
StatusOr<ApplyPolicy> read_apply_policy(const Json& crawler);

}  // namespace mortar::crawler
