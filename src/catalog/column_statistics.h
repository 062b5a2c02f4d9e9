// Column statistics of tables and of partitions (Get/Update/Delete
// ColumnStatisticsFor{Table,Partition}). Statistics are stored as the Glue
// ColumnStatistics object per (owner, lower-cased column name) and go away
// with their table or partition. Update checks that the column exists and
// that StatisticsData.Type names the member that is present; failures are
// reported per column as Glue does. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace mortar::catalog {

struct ColumnStatisticsResult {
  Json statistics = Json::array();  // ColumnStatistics objects
  Json errors = Json::array();      // ColumnError objects
};

class ColumnStatisticsCatalog {
 public:
  explicit ColumnStatisticsCatalog(Catalog& catalog) : catalog_(catalog) {}

  StatusOr<ColumnStatisticsResult> get_for_table(const CallContext& ctx,
                                                 const std::string& database,
                                                 const std::string& table,
                                                 const std::vector<std::string>& columns);
  // Returns the Errors list (ColumnStatisticsError objects).
  StatusOr<Json> update_for_table(const CallContext& ctx, const std::string& database,
                                  const std::string& table, const Json& statistics_list);
  Status delete_for_table(const CallContext& ctx, const std::string& database,
                          const std::string& table, const std::string& column);

  StatusOr<ColumnStatisticsResult> get_for_partition(const CallContext& ctx,
                                                     const std::string& database,
                                                     const std::string& table,
                                                     const Json& partition_values,
                                                     const std::vector<std::string>& columns);
  StatusOr<Json> update_for_partition(const CallContext& ctx, const std::string& database,
                                      const std::string& table, const Json& partition_values,
                                      const Json& statistics_list);
  Status delete_for_partition(const CallContext& ctx, const std::string& database,
                              const std::string& table, const Json& partition_values,
                              const std::string& column);

 private:
  Catalog& catalog_;
};

}  // namespace mortar::catalog
