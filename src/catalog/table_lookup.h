// Finding a table inside a transaction: the link between tables and their
// partitions, statistics and indexes.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "store/store.h"

namespace mortar::catalog {

struct TableRef {
  int64_t table_id = 0;     // tables.id; partitions reference it ON DELETE CASCADE
  int64_t database_id = 0;  // databases.id
  nlohmann::json table;     // the Glue `Table` object as GetTable returns it
};

// Names are matched case-insensitively (Glue lower-cases them).
// NotFound ("Database x not found." / "Table y not found.") otherwise.
struct DatabaseRef {
  int64_t database_id = 0;
  nlohmann::json database;  // the Glue `Database` object as GetDatabase returns it
};

// NotFound ("Database x not found.") when absent.
StatusOr<DatabaseRef> find_database(store::Transaction& tx, const std::string& catalog_id,
                                    const std::string& database);

StatusOr<TableRef> find_table(store::Transaction& tx, const std::string& catalog_id,
                              const std::string& database, const std::string& table);

// The same after locking the row (row_lock.h) until `tx` ends, for writers
// that decide from the body or from the children (partitions, partition
// indexes, statistics, tags): concurrent writers of the same entity take
// turns, and what is read is the latest committed state.
StatusOr<DatabaseRef> find_database_for_write(store::Transaction& tx, const std::string& catalog_id,
                                              const std::string& database);
StatusOr<TableRef> find_table_for_write(store::Transaction& tx, const std::string& catalog_id,
                                        const std::string& database, const std::string& table);

}  // namespace mortar::catalog
