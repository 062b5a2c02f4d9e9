// Registers Glue's crawler and classifier operations on the api registry:
// Create/Get/GetCrawlers/BatchGetCrawlers/ListCrawlers/Update/DeleteCrawler,
// Start/StopCrawler, GetCrawlerMetrics, ListCrawls,
// Update/Start/StopCrawlerSchedule, and Create/Get/GetClassifiers/
// Update/DeleteClassifier, and TagResource/UntagResource/GetTags on crawler
// ARNs (a "crawler" tagger on the registry's TagRouter). Schedules are validated here with
// schedule::parse_glue_schedule before they reach the CrawlerService.
#pragma once

#include "api/next_token.h"
#include "api/operation.h"
#include "crawler/service/crawler_service.h"

namespace mortar::api {

struct CrawlerOperationOptions {
  // Glue rejects schedules firing more often than every 5 minutes; tests
  // may lift that (MORTAR_TEST_CLOCK_FILE servers do).
  bool enforce_min_schedule_interval = true;
};

// `service` and `codec` must outlive the registry's handlers.
void register_crawler_operations(OperationRegistry& registry, crawler::CrawlerService& service,
                                 const NextTokenCodec& codec, CrawlerOperationOptions options = {});
void register_classifier_operations(OperationRegistry& registry, crawler::ClassifierRegistry& classifiers,
                                    const NextTokenCodec& codec);

}  // namespace mortar::api
