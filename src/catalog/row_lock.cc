#include "catalog/row_lock.h"

#include <string>

namespace mortar::catalog {

StatusOr<int64_t> lock_rows(store::Transaction& tx, std::string_view table, std::string_view column,
                            std::string_view where, const std::vector<store::Value>& params) {
  std::string sql = "UPDATE ";
  sql.append(table).append(" SET ").append(column).append(" = ").append(column);
  sql.append(" WHERE ").append(where);
  return tx.exec(sql, params);
}

}  // namespace mortar::catalog
