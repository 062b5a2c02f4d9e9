#include "catalog/table_lookup.h"

#include "catalog/names.h"
#include "catalog/row_lock.h"

namespace mortar::catalog {

StatusOr<DatabaseRef> find_database(store::Transaction& tx, const std::string& catalog_id,
                                    const std::string& database) {
  std::string db = lower_name(database);
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT id, body FROM databases WHERE catalog_id=? AND name=?",
                                              {catalog_id, db}));
  if (rows.empty()) return not_found("Database " + db + " not found.");
  DatabaseRef ref;
  ref.database_id = rows[0].int_at(0);
  ref.database = nlohmann::json::parse(rows[0].text_at(1), nullptr, false);
  if (ref.database.is_discarded()) return internal_error("corrupt database record for " + db);
  return ref;
}

StatusOr<TableRef> find_table(store::Transaction& tx, const std::string& catalog_id,
                              const std::string& database, const std::string& table) {
  std::string db = lower_name(database);
  std::string name = lower_name(table);
  // One indexed read on the hot path; the database is looked up separately
  // only to tell "no database" from "no table".
  MORTAR_ASSIGN_OR_RETURN(
      auto rows, tx.query("SELECT t.id, t.database_id, t.body FROM databases d JOIN tables t "
                          "ON t.database_id = d.id WHERE d.catalog_id=? AND d.name=? AND t.name=?",
                          {catalog_id, db, name}));
  if (rows.empty()) {
    MORTAR_ASSIGN_OR_RETURN(auto dbs, tx.query("SELECT id FROM databases WHERE catalog_id=? AND name=?",
                                               {catalog_id, db}));
    if (dbs.empty()) return not_found("Database " + db + " not found.");
    return not_found("Table " + name + " not found.");
  }
  TableRef ref;
  ref.table_id = rows[0].int_at(0);
  ref.database_id = rows[0].int_at(1);
  ref.table = nlohmann::json::parse(rows[0].text_at(2), nullptr, false);
  if (ref.table.is_discarded()) return internal_error("corrupt table record for " + db + "." + name);
  return ref;
}

StatusOr<DatabaseRef> find_database_for_write(store::Transaction& tx, const std::string& catalog_id,
                                              const std::string& database) {
  MORTAR_RETURN_IF_ERROR(lock_rows(tx, "databases", "create_time", "catalog_id = ? AND name = ?",
                                   {catalog_id, lower_name(database)})
                             .status());
  return find_database(tx, catalog_id, database);
}

StatusOr<TableRef> find_table_for_write(store::Transaction& tx, const std::string& catalog_id,
                                        const std::string& database, const std::string& table) {
  MORTAR_RETURN_IF_ERROR(lock_rows(tx, "tables", "version_id",
                                   "name = ? AND database_id IN (SELECT id FROM databases WHERE "
                                   "catalog_id = ? AND name = ?)",
                                   {lower_name(table), catalog_id, lower_name(database)})
                             .status());
  return find_table(tx, catalog_id, database, table);
}

}  // namespace mortar::catalog
