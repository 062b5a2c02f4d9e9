// Row-level helpers behind PartitionCatalog, used inside one transaction:
// the partitioned table, the canonical values key, inserting a partition with
// its key-value index rows, and shaping stored bodies into Partition objects.
// Internal to the catalog module.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/expression/filter.h"
#include "catalog/table_lookup.h"
#include "common/status.h"
#include "store/store.h"

namespace mortar::catalog::partition_rows {

using Json = nlohmann::json;

struct PartitionedTable {
  TableRef ref;
  std::string database_name;
  std::string table_name;
  std::string catalog_id;
  std::vector<expression::PartitionKey> keys;
};

StatusOr<PartitionedTable> load_table(store::Transaction& tx, const std::string& catalog_id,
                                      const std::string& database, const std::string& table);
// The same with the table's row locked until `tx` ends (find_table_for_write):
// every writer of a table's partitions, indexes and statistics takes it, so
// their checks (exists? limit reached?) and writes do not interleave.
StatusOr<PartitionedTable> load_table_for_write(store::Transaction& tx,
                                                const std::string& catalog_id,
                                                const std::string& database,
                                                const std::string& table);

// The canonical, unique-per-table key of a list of values (a JSON array).
std::string values_key(const std::vector<std::string>& values);

// Checks a Values member (a JSON array of strings) against the table's
// partition keys: InvalidArgument when the count differs or a value is not
// a string.
StatusOr<std::vector<std::string>> check_values(const PartitionedTable& table, const Json& values);

// "[2020, 05]" for messages.
std::string describe_values(const std::vector<std::string>& values);

struct StoredPartition {
  int64_t id = 0;
  Json body;
};

StatusOr<std::optional<StoredPartition>> find_partition(store::Transaction& tx, int64_t table_id,
                                                        const std::vector<std::string>& values);

// The stored body from a PartitionInput: its members, the given Values and
// CreationTime.
Json body_from_input(const Json& partition_input, const std::vector<std::string>& values,
                     double creation_time);

// Inserts a partition with its key-value index rows; returns its id, or
// AlreadyExists ("Partition already exists.") when the table has one with
// these values (the unique key decides, so concurrent inserts of the same
// values create it once).
StatusOr<int64_t> insert_partition(store::Transaction& tx, const PartitionedTable& table,
                                   const std::vector<std::string>& values, const Json& body,
                                   double now);

// Replaces body and values of partition `id` (re-indexing its keys).
Status replace_partition(store::Transaction& tx, const PartitionedTable& table, int64_t id,
                         const std::vector<std::string>& values, const Json& body, double now);

// The Partition object as the API answers it.
Json to_partition(const PartitionedTable& table, Json body, bool exclude_column_schema = false);

}  // namespace mortar::catalog::partition_rows
