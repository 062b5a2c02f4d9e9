// Diffs one planned table against what the catalog holds and decides, under
// the crawler's policies, what to write: the table (create / update / leave),
// and its partitions (create / update / delete or deprecate). Pure: reads
// nothing, writes nothing, so a DryRun reports exactly what a real crawl
// then applies (CatalogWriter).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crawler/apply/apply_policy.h"
#include "crawler/crawl_types.h"

namespace mortar::crawler {

// Everything to write for one table, in order: the table, then partitions.
struct TableAction {
  enum class Op { kNone, kCreate, kUpdate, kDelete };
  Op op = Op::kNone;
  std::string database;
  std::string table;
  Json table_input;                        // kCreate / kUpdate
  std::optional<std::string> version_id;   // kUpdate: the version it replaces
  std::vector<Json> partitions_to_create;  // PartitionInput objects
  std::vector<Json> partitions_to_update;  // BatchUpdatePartitionRequestEntry objects
  std::vector<Json> partitions_to_delete;  // PartitionValueList objects
  std::vector<CrawlChange> changes;        // what this action does, for the crawl result

  bool writes_anything() const {
    return op != Op::kNone || !partitions_to_create.empty() || !partitions_to_update.empty() ||
           !partitions_to_delete.empty();
  }
};

enum class TargetMode {
  kS3,       // S3Targets: the crawler owns the table's schema
  kCatalog,  // CatalogTargets: only the table's partitions change
};

// `existing`: the catalog's table (GetTable shape) or nullopt; `existing_partitions`:
// all its partitions (GetPartitions shape). `problems`: the crawl's problems,
// so partitions whose folders could not be read are not taken for deleted.
TableAction diff_table(const std::string& database, const PlannedTable& planned,
                       const std::optional<Json>& existing,
                       const std::vector<Json>& existing_partitions, TargetMode mode,
                       const ApplyPolicy& policy, const std::vector<CrawlProblem>& problems);

// A table this crawler wrote before whose data the plan no longer has, under
// DeleteBehavior: LOG (a kLogOnly change), DELETE_FROM_DATABASE, or
// DEPRECATE_IN_DATABASE (DEPRECATED_BY_CRAWLER = epoch milliseconds, once).
TableAction retire_table(const std::string& database, const Json& existing, const ApplyPolicy& policy);

// True when one of `problems` lies under `location` (or contains it): its
// data may still be there, unreadable this time.
bool location_has_problems(const std::string& location, const std::vector<CrawlProblem>& problems);

}  // namespace mortar::crawler
