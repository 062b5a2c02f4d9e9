// Applies TableActions to the catalog through its own transactions: the
// table (create_table, or update_table naming the VersionId it replaces, so
// a concurrent edit is a ConcurrentModification, never a lost update), then
// its partitions in batches of at most 100. Per-partition failures become
// CrawlProblems and the crawl carries on; a table-level failure is returned.
#pragma once

#include <vector>

#include "catalog/catalog.h"
#include "catalog/partition_catalog.h"
#include "crawler/apply/table_diff.h"
#include "crawler/crawl_types.h"

namespace mortar::crawler {

class CatalogWriter {
 public:
  static constexpr size_t kBatch = 100;

  CatalogWriter(catalog::Catalog& catalog, catalog::PartitionCatalog& partitions,
                const CallContext& ctx)
      : catalog_(catalog), partitions_(partitions), ctx_(ctx) {}

  // Writes `action`, adding what was done to `summary` and per-partition
  // failures to `problems`.
  Status apply(const TableAction& action, CrawlSummary& summary, std::vector<CrawlProblem>& problems);

 private:
  CallContext op(const char* name) const;
  // Records the failed items of a batch; returns how many failed.
  size_t record_errors(const TableAction& action, const char* what, const Json& errors,
                       std::vector<CrawlProblem>& problems);

  catalog::Catalog& catalog_;
  catalog::PartitionCatalog& partitions_;
  const CallContext& ctx_;
};

// Counts `changes` into `summary` as if applied (DryRun's totals).
void count_changes(const std::vector<CrawlChange>& changes, CrawlSummary& summary);

}  // namespace mortar::crawler
