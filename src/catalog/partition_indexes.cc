// Partition indexes: Glue builds them asynchronously to speed up filters on
// their keys. Mortar's partition_keys index already covers every key, so an
// index here is metadata, ACTIVE as soon as it is created.
#include <set>

#include "absl/strings/str_cat.h"
#include "catalog/json_util.h"
#include "catalog/names.h"
#include "catalog/partition_catalog.h"
#include "catalog/partition_rows.h"

namespace mortar::catalog {

namespace rows = partition_rows;

Status PartitionCatalog::create_partition_index(const CallContext& ctx, const std::string& database,
                                                const std::string& table, const Json& index) {
  return catalog_.mutate(ctx, resource(ctx, database, table), [&](store::Transaction& tx) {
    return add_partition_index(tx, ctx, database, table, index, now());
  });
}

Status PartitionCatalog::add_partition_index(store::Transaction& tx, const CallContext& ctx,
                                             const std::string& database, const std::string& table,
                                             const Json& index, double create_time) {
  std::string name = string_member(index, "IndexName");
  if (name.empty()) return invalid_input("PartitionIndex.IndexName is required.");
  MORTAR_ASSIGN_OR_RETURN(auto t, rows::load_table(tx, ctx.catalog_id, database, table));
  if (t.keys.empty()) {
    return invalid_input(absl::StrCat("Table ", t.table_name, " has no partition keys to index."));
  }
  auto keys_it = index.find("Keys");
  if (keys_it == index.end() || !keys_it->is_array() || keys_it->empty()) {
    return invalid_input("PartitionIndex.Keys must name at least one partition key.");
  }
  Json keys = Json::array();
  std::set<std::string> seen;
  for (const Json& k : *keys_it) {
    std::string wanted = k.is_string() ? lower_name(k.get<std::string>()) : "";
    const expression::PartitionKey* match = nullptr;
    for (const auto& key : t.keys) {
      if (lower_name(key.name) == wanted) match = &key;
    }
    if (match == nullptr) {
      return invalid_input(absl::StrCat("Partition index key ",
                                        k.is_string() ? k.get<std::string>() : k.dump(),
                                        " is not a partition key of table ", t.table_name, "."));
    }
    if (!seen.insert(wanted).second) {
      return invalid_input(absl::StrCat("Partition index key ", match->name, " is listed twice."));
    }
    keys.push_back(match->name);
  }
  MORTAR_ASSIGN_OR_RETURN(
      auto existing,
      tx.query("SELECT name FROM partition_indexes WHERE table_id = ?", {t.ref.table_id}));
  for (const auto& r : existing) {
    if (r.text_at(0) == name) {
      return already_exists(absl::StrCat("Partition index ", name, " already exists."));
    }
  }
  if (existing.size() >= static_cast<size_t>(kMaxPartitionIndexes)) {
    return limit_exceeded(absl::StrCat("Table ", t.table_name, " already has ",
                                       kMaxPartitionIndexes, " partition indexes, the maximum."));
  }
  return tx
      .exec(
          "INSERT INTO partition_indexes(table_id, name, keys, status, create_time) "
          "VALUES(?,?,?,'ACTIVE',?)",
          {t.ref.table_id, name, keys.dump(), store::micros_from_seconds(create_time)})
      .status();
}

StatusOr<std::vector<Json>> PartitionCatalog::get_partition_indexes(const CallContext& ctx,
                                                                    const std::string& database,
                                                                    const std::string& table) {
  std::vector<Json> out;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(catalog_.store(), [&](store::Transaction& tx) -> Status {
        out.clear();
        MORTAR_ASSIGN_OR_RETURN(auto t, rows::load_table(tx, ctx.catalog_id, database, table));
        MORTAR_ASSIGN_OR_RETURN(
            auto result,
            tx.query("SELECT name, keys, status FROM partition_indexes WHERE table_id = ? "
                     "ORDER BY name",
                     {t.ref.table_id}));
        for (const auto& r : result) {
          MORTAR_ASSIGN_OR_RETURN(Json names, parse_stored(r.text_at(1)));
          Json keys = Json::array();
          for (const Json& n : names) {
            std::string key_name = n.is_string() ? n.get<std::string>() : "";
            std::string type;
            for (const auto& k : t.keys) {
              if (lower_name(k.name) == lower_name(key_name)) type = k.type;
            }
            keys.push_back({{"Name", key_name}, {"Type", type}});
          }
          out.push_back(
              {{"IndexName", r.text_at(0)}, {"Keys", keys}, {"IndexStatus", r.text_at(2)}});
        }
        return ok_status();
      }));
  return out;
}

Status PartitionCatalog::delete_partition_index(const CallContext& ctx, const std::string& database,
                                                const std::string& table,
                                                const std::string& index_name) {
  return catalog_.mutate(
      ctx, resource(ctx, database, table), [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto t, rows::load_table(tx, ctx.catalog_id, database, table));
        MORTAR_ASSIGN_OR_RETURN(
            int64_t n, tx.exec("DELETE FROM partition_indexes WHERE table_id = ? AND name = ?",
                               {t.ref.table_id, index_name}));
        if (n == 0) {
          return not_found(absl::StrCat("Partition index ", index_name, " not found."));
        }
        return ok_status();
      });
}

}  // namespace mortar::catalog
