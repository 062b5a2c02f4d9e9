// Copies every row of one store into another: the move of a SQLite catalog
// into PostgreSQL (`mortar admin migrate-store`). Generic over the schema: the
// tables, their columns and the foreign-key order come from the source, so a
// component's new table is copied without touching this code.
//
// Thread-safety: a plain function; the stores are used from the calling
// thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace mortar::store {

struct CopiedTable {
  std::string name;
  int64_t rows = 0;  // in the source, equal to the target's count after the copy
};

struct CopyOptions {
  int64_t rows_per_insert = 500;  // rows in one multi-row INSERT (and one source page)
  // Called as each table is done (inside the transaction, before commit).
  std::function<void(const CopiedTable&)> on_table;
};

// Copies all tables of `source` (a SQLite store; every table but
// schema_migrations) into `target`, whose schema must already be current (run
// the components' migrations on it first). Ids and every other column are
// kept as they are. The source is read in one snapshot; the target is written
// in one transaction, so a failure leaves it as it was.
//
// FailedPrecondition, changing nothing, when a copied table already has rows
// in the target, or when the target lacks a table. After the rows, each
// table's count in the target is compared with the source's before commit;
// on PostgreSQL the identity/serial sequences are moved past the copied ids.
// Returns the tables in the order copied (parents before children).
StatusOr<std::vector<CopiedTable>> copy_store(Store& source, Store& target,
                                              const CopyOptions& options = {});

// Row counts of `tables` in `store`, in one read snapshot (the check after a copy).
StatusOr<std::vector<int64_t>> count_rows(Store& store, const std::vector<std::string>& tables);

}  // namespace mortar::store
