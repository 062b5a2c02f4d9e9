// The second half of a crawl: given the planned tables, diff each against
// the catalog and write it (or, in DryRun, only record the changes), then
// retire the tables this crawler wrote before whose data is gone. Table by
// table, checking the cancel token in between. CrawlRunner::run calls it
// after planning; tests call it with hand-made plans.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crawler/apply/apply_policy.h"
#include "crawler/apply/crawl_runner.h"
#include "crawler/apply/table_diff.h"

namespace mortar::crawler {

struct PlannedWork {
  PlannedTable table;
  std::string database;
  TargetMode mode = TargetMode::kS3;
};

// `retire_stale`: look for this crawler's tables the plan no longer has
// (S3 targets crawled in full). Fills result.changes/plan/problems/summary
// (summary's table and partition counts; DryRun counts what it would do).
// Cancelled when env.cancel fires; a table-level catalog error stops the crawl.
Status apply_plan(std::vector<PlannedWork>& work, bool retire_stale, const ApplyPolicy& policy,
                  CrawlEnvironment& env, CrawlResult& result);

// The catalog's table, or nullopt when there is none.
StatusOr<std::optional<Json>> find_table(CrawlEnvironment& env, const std::string& db,
                                         const std::string& name);

}  // namespace mortar::crawler
