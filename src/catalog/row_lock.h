// Row locks for check-then-write inside one write transaction.
//
// SQLite serializes write transactions, so reading a row and then writing
// what was decided from it is atomic there. PostgreSQL at READ COMMITTED is
// not: two transactions may both read the same row and both write. Callers
// that read-modify-write a row, or check a limit over the children of a
// parent row, first lock that row with lock_rows(); every later statement of
// the transaction then reads the latest committed state (READ COMMITTED takes
// a new snapshot per statement) and concurrent lockers wait until commit.
//
// Implemented as `UPDATE t SET c = c WHERE ...`, which both backends accept
// and which takes PostgreSQL's row lock (FOR NO KEY UPDATE, so foreign-key
// checks of inserted children are not blocked). A store-level primitive
// (`SELECT ... FOR NO KEY UPDATE` on PostgreSQL, nothing on SQLite) would
// avoid writing a new row version; until the Store offers one, this is it.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace mortar::catalog {

// Locks the rows of `table` matching `where` (with `params`) until the
// transaction ends; `column` is any column not in an index (it is rewritten
// with its own value). Returns how many rows matched (0: none exists).
StatusOr<int64_t> lock_rows(store::Transaction& tx, std::string_view table, std::string_view column,
                            std::string_view where, const std::vector<store::Value>& params);

}  // namespace mortar::catalog
