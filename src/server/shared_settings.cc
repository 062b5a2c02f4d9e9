#include "server/shared_settings.h"

namespace mortar::server {

Status migrate_shared_settings(store::Store& store) {
  return store.migrate(
      "server", {{1, "settings shared by the servers of one store",
                  "CREATE TABLE server_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)"}});
}

StatusOr<std::string> agree_on_setting(store::Store& store, const std::string& name,
                                       const std::string& proposed) {
  std::string value;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store, [&](store::Transaction& tx) -> Status {
        // Two servers starting at once: the second insert changes nothing and
        // both read the first one's value.
        MORTAR_RETURN_IF_ERROR(tx.exec("INSERT INTO server_settings (name, value) VALUES (?, ?)"
                                       " ON CONFLICT (name) DO NOTHING",
                                       {name, proposed})
                                   .status());
        MORTAR_ASSIGN_OR_RETURN(
            auto rows, tx.query("SELECT value FROM server_settings WHERE name = ?", {name}));
        if (rows.empty()) return internal_error("server setting " + name + " vanished");
        value = rows[0].text_at(0);
        return ok_status();
      }));
  return value;
}

StatusOr<std::string> read_setting(store::Store& store, const std::string& name) {
  std::string value;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(
            auto rows, tx.query("SELECT value FROM server_settings WHERE name = ?", {name}));
        if (!rows.empty()) value = rows[0].text_at(0);
        return ok_status();
      }));
  return value;
}

}  // namespace mortar::server
