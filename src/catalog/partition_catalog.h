// Partitions of catalog tables, their partition indexes, and the filtered,
// segmented GetPartitions scan. Objects travel as Glue-shaped JSON
// (PartitionInput in, Partition out). Every mutation is one write
// transaction with its audit entry (Catalog::mutate). Batch calls report
// per-item failures as Glue's ErrorDetail lists instead of failing whole.
// Thread-safe (stateless apart from the Catalog it borrows).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/parsed_cache.h"

namespace mortar::catalog {

struct PartitionScan {
  std::string expression;          // Glue filter Expression; "" for all
  int segment_number = 0;          // Segment: partition id % total_segments == segment_number
  int total_segments = 1;
  int64_t after_id = 0;            // resume after this partition id (0 = from the start)
  int limit = 1000;
  bool exclude_column_schema = false;
};

struct PartitionPage {
  std::vector<Json> partitions;
  std::optional<int64_t> next_after_id;  // set when more partitions may follow
};

class PartitionCatalog {
 public:
  explicit PartitionCatalog(Catalog& catalog)
      : catalog_(catalog), cache_(std::make_shared<ParsedCache>(20000)) {}

  Status create_partition(const CallContext& ctx, const std::string& database,
                          const std::string& table, const Json& partition_input);
  // Returns the Errors list (PartitionError objects); empty when all succeeded.
  StatusOr<Json> batch_create_partition(const CallContext& ctx, const std::string& database,
                                        const std::string& table, const Json& partition_inputs);
  StatusOr<Json> get_partition(const CallContext& ctx, const std::string& database,
                               const std::string& table, const Json& values);
  StatusOr<PartitionPage> get_partitions(const CallContext& ctx, const std::string& database,
                                         const std::string& table, const PartitionScan& scan);
  // `partitions_to_get`: PartitionValueList objects. Missing partitions are
  // simply absent from the result, as in Glue.
  StatusOr<std::vector<Json>> batch_get_partition(const CallContext& ctx,
                                                  const std::string& database,
                                                  const std::string& table,
                                                  const Json& partitions_to_get);
  Status update_partition(const CallContext& ctx, const std::string& database,
                          const std::string& table, const Json& values,
                          const Json& partition_input);
  // `entries`: BatchUpdatePartitionRequestEntry objects; returns the Errors
  // list (BatchUpdatePartitionFailureEntry objects).
  StatusOr<Json> batch_update_partition(const CallContext& ctx, const std::string& database,
                                        const std::string& table, const Json& entries);
  Status delete_partition(const CallContext& ctx, const std::string& database,
                          const std::string& table, const Json& values);
  // `partitions_to_delete`: PartitionValueList objects; returns the Errors list.
  StatusOr<Json> batch_delete_partition(const CallContext& ctx, const std::string& database,
                                        const std::string& table, const Json& partitions_to_delete);

  // Partition indexes (metadata: every key is indexed anyway; status ACTIVE).
  // At most kMaxPartitionIndexes per table.
  static constexpr int kMaxPartitionIndexes = 3;
  Status create_partition_index(const CallContext& ctx, const std::string& database,
                                const std::string& table, const Json& partition_index);
  // The same inside a caller's transaction (CreateTable with PartitionIndexes).
  static Status add_partition_index(store::Transaction& tx, const CallContext& ctx,
                                    const std::string& database, const std::string& table,
                                    const Json& partition_index, double create_time);
  // PartitionIndexDescriptor objects, by name.
  StatusOr<std::vector<Json>> get_partition_indexes(const CallContext& ctx,
                                                    const std::string& database,
                                                    const std::string& table);
  Status delete_partition_index(const CallContext& ctx, const std::string& database,
                                const std::string& table, const std::string& index_name);

 private:
  double now() const { return static_cast<double>(catalog_.clock().now_seconds()); }
  std::string resource(const CallContext& ctx, const std::string& database,
                       const std::string& table) const;

  // The parsed body for a stored row, through the cache.
  StatusOr<std::shared_ptr<const Json>> parsed_body(int64_t id, const std::string& text) const;

  Catalog& catalog_;
  std::shared_ptr<ParsedCache> cache_;  // partition bodies, keyed by partitions.id
};

}  // namespace mortar::catalog
