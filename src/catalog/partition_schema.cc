// Schema of the "partitions" component.
//
// partitions holds one row per partition: its values as a canonical JSON
// array (`values_key`, unique per table) and the stored Partition object.
// partition_keys is the per-key value index that GetPartitions filters run
// on (see expression/filter.h): one row per (partition, key) with the raw
// text and, for values shaped as numbers, dates or timestamps, their numeric
// form (timestamps: microseconds plus the nanoseconds within them), so both
// string and typed range predicates are index range scans.
#include "catalog/partition_schema.h"

#include "store/dialect.h"

namespace mortar::catalog {

const std::vector<store::Migration>& partition_migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "partitions, partition key index, partition indexes, column statistics",
       R"sql(
CREATE TABLE partitions(
  id {{AUTO_ID}},
  table_id BIGINT NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
  values_key TEXT NOT NULL,      -- canonical JSON array of the values
  body TEXT NOT NULL,            -- the Partition object (JSON) minus names and CatalogId
  create_time REAL NOT NULL,
  update_time REAL NOT NULL,
  UNIQUE(table_id, values_key));

CREATE TABLE partition_keys(
  partition_id BIGINT NOT NULL REFERENCES partitions(id) ON DELETE CASCADE,
  table_id BIGINT NOT NULL,
  key_index INTEGER NOT NULL,    -- position in the table's PartitionKeys
  text_value TEXT NOT NULL,      -- the value as written
  kind INTEGER NOT NULL,         -- 0 text, 1 number, 2 date, 3 timestamp
  num_value NUMERIC,             -- number; days (date); microseconds (timestamp)
  PRIMARY KEY(partition_id, key_index)){{CLUSTERED}};
CREATE INDEX partition_keys_text ON partition_keys(table_id, key_index, text_value);
CREATE INDEX partition_keys_num ON partition_keys(table_id, key_index, kind, num_value);

CREATE TABLE partition_indexes(
  table_id BIGINT NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  keys TEXT NOT NULL,            -- JSON array of key names
  status TEXT NOT NULL,          -- ACTIVE (the key index above serves every key)
  create_time REAL NOT NULL,
  PRIMARY KEY(table_id, name)){{CLUSTERED}};

CREATE TABLE table_column_statistics(
  table_id BIGINT NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
  column_name TEXT NOT NULL,     -- lower-cased
  body TEXT NOT NULL,            -- the ColumnStatistics object (JSON)
  PRIMARY KEY(table_id, column_name)){{CLUSTERED}};

CREATE TABLE partition_column_statistics(
  partition_id BIGINT NOT NULL REFERENCES partitions(id) ON DELETE CASCADE,
  column_name TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY(partition_id, column_name)){{CLUSTERED}};
)sql"},
      // Timestamp values keep their nanoseconds: num_value holds whole
      // microseconds, num_nanos the 0-999 nanoseconds within them (digits 7-9
      // of the fraction of 'yyyy-mm-dd hh:mm:ss.fffffffff', back-filled here).
      {2, "partition_keys.num_nanos: timestamps compared at nanoseconds",
       R"sql(
ALTER TABLE partition_keys ADD COLUMN num_nanos INTEGER NOT NULL DEFAULT 0;
UPDATE partition_keys
  SET num_nanos = CAST(substr(text_value, 27) AS INTEGER) *
                  CASE length(text_value) WHEN 27 THEN 100 WHEN 28 THEN 10 ELSE 1 END
  WHERE kind = 3 AND length(text_value) > 26;
DROP INDEX partition_keys_num;
CREATE INDEX partition_keys_num ON partition_keys(table_id, key_index, kind, num_value, num_nanos);
)sql"},
      // Timestamps as BIGINT microseconds since the epoch (were REAL seconds).
      {3, "partitions and partition indexes: create/update times in microseconds",
       store::seconds_to_micros_sql({{"partitions", "create_time"},
                                     {"partitions", "update_time"},
                                     {"partition_indexes", "create_time"}})},
  };
  return kMigrations;
}

Status migrate_partitions(store::Store& store) {
  return store.migrate("partitions", partition_migrations());
}

}  // namespace mortar::catalog
