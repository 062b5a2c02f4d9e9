// Runs one crawl from start to end: plans the crawler's targets (S3Targets via
// the CrawlPlanner, JdbcTargets via the JDBC part, CatalogTargets by
// re-planning the tables' locations), diffs the plan against the catalog and
// applies the changes as the SchemaChangePolicy, RecrawlPolicy and
// Configuration say — or, with "Mortar": {"DryRun": true}, only reports them.
// The catalog stays consistent at every point: each table (with its
// partitions) is written through the Catalog's own transactions, never half.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/partition_catalog.h"
#include "common/call_context.h"
#include "common/clock.h"
#include "common/status.h"
#include "crawler/crawl_types.h"
#include "io/file_system.h"
#include "store/store.h"

namespace mortar::crawler {

struct CrawlEnvironment {
  catalog::Catalog& catalog;
  catalog::PartitionCatalog& partitions;
  store::Store& store;
  const Clock& clock;
  // The crawler's account; principal/request id identify the crawl in the
  // audit trail (principal "crawler/<name>", request id = the crawl id).
  CallContext ctx;
  const CancelToken& cancel;
  CrawlLogFn log;
  std::function<StatusOr<io::FileSystem*>(const std::string& uri)> file_system_for;
  // The crawler's custom classifiers, resolved by name by the service, in
  // the crawler's order (Glue Classifier objects).
  std::vector<Json> custom_classifiers;
  std::string crawl_id;  // written to tables as CRAWL_RUN_ID
  int threads = 2;
};

struct CrawlResult {
  CrawlSummary summary;
  std::vector<CrawlChange> changes;   // applied, or planned when DryRun
  std::vector<PlannedTable> plan;     // with grouping reasons, for `mortar crawler plan`
  std::vector<CrawlProblem> problems;
  bool dry_run = false;
};

class CrawlRunner {
 public:
  // Runs every migration the crawl parts need (the planner's manifest).
  static Status migrate(store::Store& store);

  // `crawler`: the Glue Crawler object as GetCrawler returns it (Name,
  // DatabaseName, Targets, SchemaChangePolicy, RecrawlPolicy, TablePrefix,
  // Configuration ...). Returns Cancelled when env.cancel fired; other
  // errors fail the crawl with that message.
  static StatusOr<CrawlResult> run(const Json& crawler, CrawlEnvironment& env);
};

}  // namespace mortar::crawler
