// Builds the Glue TableInput / PartitionInput a crawler writes for a planned
// table or partition: EXTERNAL_TABLE, the StorageDescriptor of its format,
// and the crawler parameters Glue's crawlers set (classification,
// compressionType, typeOfData, recordCount, averageRecordSize, objectCount,
// sizeKey, UPDATED_BY_CRAWLER, the schema (de)serializer versions,
// CRAWL_RUN_ID and the format's own, e.g. CSV delimiter and
// skip.header.line.count), copied into the StorageDescriptor's Parameters
// as Glue does. Also compares tables for schema changes.
#pragma once

#include <string>
#include <vector>

#include "crawler/apply/apply_policy.h"
#include "crawler/crawl_types.h"

namespace mortar::crawler {

// Parameters that change on every crawl (statistics, run id) and so never
// make a table or partition count as changed.
bool is_volatile_parameter(const std::string& key);

// Glue Column objects for a struct schema ([] when null).
Json columns_json(const types::TypePtr& schema);

// The TableInput for a planned table, as a fresh crawl writes it.
Json build_table_input(const PlannedTable& table, const ApplyPolicy& policy);

// The PartitionInput for a planned partition of `table_input` (the final
// table as written). `inherit`: the partition takes the table's columns,
// formats and SerDe (CrawlerOutput.Partitions InheritFromTable, catalog
// targets and partition sync); otherwise its own classification's.
Json build_partition_input(const PlannedPartition& partition, const Json& table_input,
                           bool inherit, const ApplyPolicy& policy);

// A TableInput from a table as GetTable returns it (drops read-only members).
Json table_input_from_table(const Json& table);

// What differs between the schema-relevant parts (columns, partition keys,
// location, formats, SerDe, non-volatile parameters) of two tables or
// partitions (StorageDescriptor + Parameters [+ PartitionKeys]); empty when
// nothing does. E.g. "added columns c, d; type of a: bigint -> string".
std::string describe_schema_change(const Json& before, const Json& after);

// `location` is `root` or below it (trailing slashes ignored).
bool location_under(const std::string& location, const std::string& root);

}  // namespace mortar::crawler
