// Partition CRUD and batches. Lookups go through the unique
// (table_id, values_key) index; inserts also write the per-key value index.
#include "catalog/partition_catalog.h"

#include <set>

#include "catalog/json_util.h"
#include "catalog/names.h"
#include "catalog/partition_rows.h"
#include "common/glue_errors.h"

namespace mortar::catalog {

namespace rows = partition_rows;

namespace {

// AWS's own wording; batch results carry the values beside the message.
Status not_found_partition() { return not_found("Cannot find partition."); }
Status partition_exists() { return already_exists("Partition already exists."); }

// The Values member of a PartitionValueList, or null.
const Json& values_of(const Json& value_list) {
  static const Json kNull;
  if (!value_list.is_object()) return kNull;
  auto it = value_list.find("Values");
  return it == value_list.end() ? kNull : *it;
}

Status create_one(store::Transaction& tx, const rows::PartitionedTable& table, const Json& input,
                  double now) {
  if (!input.is_object()) return invalid_input("PartitionInput must be an object.");
  MORTAR_ASSIGN_OR_RETURN(auto values, rows::check_values(table, values_of(input)));
  // AlreadyExists when the values are taken (the unique key decides).
  return rows::insert_partition(tx, table, values, rows::body_from_input(input, values, now), now)
      .status();
}

Status update_one(store::Transaction& tx, const rows::PartitionedTable& table,
                  const Json& old_values_json, const Json& input, double now) {
  MORTAR_ASSIGN_OR_RETURN(auto old_values, rows::check_values(table, old_values_json));
  MORTAR_ASSIGN_OR_RETURN(auto existing, rows::find_partition(tx, table.ref.table_id, old_values));
  if (!existing) return not_found_partition();
  std::vector<std::string> values = old_values;
  const Json& new_values = values_of(input);
  if (!new_values.is_null()) {
    MORTAR_ASSIGN_OR_RETURN(values, rows::check_values(table, new_values));
  }
  if (values != old_values) {
    MORTAR_ASSIGN_OR_RETURN(auto clash, rows::find_partition(tx, table.ref.table_id, values));
    if (clash) {
      return partition_exists();
    }
  }
  double created = existing->body.value("CreationTime", now);
  Json body = rows::body_from_input(input, values, created);
  return rows::replace_partition(tx, table, existing->id, values, body, now);
}

Status delete_one(store::Transaction& tx, const rows::PartitionedTable& table,
                  const Json& values_json) {
  MORTAR_ASSIGN_OR_RETURN(auto values, rows::check_values(table, values_json));
  MORTAR_ASSIGN_OR_RETURN(auto existing, rows::find_partition(tx, table.ref.table_id, values));
  if (!existing) return not_found_partition();
  return tx.exec("DELETE FROM partitions WHERE id = ?", {existing->id}).status();
}

}  // namespace

std::string PartitionCatalog::resource(const CallContext& ctx, const std::string& database,
                                       const std::string& table) const {
  return Catalog::table_arn(ctx, lower_name(database), lower_name(table));
}

Status PartitionCatalog::create_partition(const CallContext& ctx, const std::string& database,
                                          const std::string& table, const Json& input) {
  return catalog_.mutate(
      ctx, resource(ctx, database, table), [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto t,
                                rows::load_table_for_write(tx, ctx.catalog_id, database, table));
        return create_one(tx, t, input, now());
      });
}

StatusOr<Json> PartitionCatalog::batch_create_partition(const CallContext& ctx,
                                                        const std::string& database,
                                                        const std::string& table,
                                                        const Json& inputs) {
  Json errors = Json::array();
  MORTAR_RETURN_IF_ERROR(catalog_.mutate(
      ctx, resource(ctx, database, table), [&](store::Transaction& tx) -> Status {
        errors = Json::array();
        MORTAR_ASSIGN_OR_RETURN(auto t,
                                rows::load_table_for_write(tx, ctx.catalog_id, database, table));
        double ts = now();
        if (!inputs.is_array()) return invalid_input("PartitionInputList must be a list.");
        for (const Json& input : inputs) {
          Status st = create_one(tx, t, input, ts);
          if (absl::IsInternal(st) || absl::IsUnavailable(st)) return st;
          if (!st.ok()) {
            Json err = {{"ErrorDetail", glue_error_detail(st)}};
            const Json& values = values_of(input);
            if (values.is_array()) err["PartitionValues"] = values;
            errors.push_back(std::move(err));
          }
        }
        return ok_status();
      }));
  return errors;
}

StatusOr<Json> PartitionCatalog::get_partition(const CallContext& ctx, const std::string& database,
                                               const std::string& table, const Json& values_json) {
  Json out;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(
      catalog_.store(), [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto t, rows::load_table(tx, ctx.catalog_id, database, table));
        MORTAR_ASSIGN_OR_RETURN(auto values, rows::check_values(t, values_json));
        MORTAR_ASSIGN_OR_RETURN(auto p, rows::find_partition(tx, t.ref.table_id, values));
        if (!p) return not_found_partition();
        out = rows::to_partition(t, std::move(p->body));
        return ok_status();
      }));
  return out;
}

StatusOr<std::vector<Json>> PartitionCatalog::batch_get_partition(const CallContext& ctx,
                                                                  const std::string& database,
                                                                  const std::string& table,
                                                                  const Json& to_get) {
  std::vector<Json> out;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(
      catalog_.store(), [&](store::Transaction& tx) -> Status {
        out.clear();
        MORTAR_ASSIGN_OR_RETURN(auto t, rows::load_table(tx, ctx.catalog_id, database, table));
        std::vector<std::string> keys;
        std::set<std::string> seen;
        for (const Json& item : to_get) {
          MORTAR_ASSIGN_OR_RETURN(auto values, rows::check_values(t, values_of(item)));
          std::string key = rows::values_key(values);
          if (seen.insert(key).second) keys.push_back(std::move(key));
        }
        // Set-based: one indexed IN lookup per chunk.
        constexpr size_t kChunk = 250;
        for (size_t start = 0; start < keys.size(); start += kChunk) {
          size_t n = std::min(kChunk, keys.size() - start);
          std::string sql = "SELECT id, body FROM partitions WHERE table_id = ? AND values_key IN (";
          std::vector<store::Value> params{t.ref.table_id};
          for (size_t i = 0; i < n; ++i) {
            sql += i ? ",?" : "?";
            params.push_back(keys[start + i]);
          }
          sql += ") ORDER BY id";
          MORTAR_ASSIGN_OR_RETURN(auto result, tx.query(sql, params));
          for (const auto& r : result) {
            MORTAR_ASSIGN_OR_RETURN(auto body, parsed_body(r.int_at(0), r.text_at(1)));
            out.push_back(rows::to_partition(t, *body));
          }
        }
        return ok_status();
      }));
  return out;
}

Status PartitionCatalog::update_partition(const CallContext& ctx, const std::string& database,
                                          const std::string& table, const Json& values,
                                          const Json& input) {
  return catalog_.mutate(
      ctx, resource(ctx, database, table), [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto t,
                                rows::load_table_for_write(tx, ctx.catalog_id, database, table));
        return update_one(tx, t, values, input, now());
      });
}

StatusOr<Json> PartitionCatalog::batch_update_partition(const CallContext& ctx,
                                                        const std::string& database,
                                                        const std::string& table,
                                                        const Json& entries) {
  Json errors = Json::array();
  MORTAR_RETURN_IF_ERROR(catalog_.mutate(
      ctx, resource(ctx, database, table), [&](store::Transaction& tx) -> Status {
        errors = Json::array();
        MORTAR_ASSIGN_OR_RETURN(auto t,
                                rows::load_table_for_write(tx, ctx.catalog_id, database, table));
        double ts = now();
        for (const Json& entry : entries) {
          static const Json kNull;
          const Json& values = entry.is_object() ? entry.value("PartitionValueList", kNull) : kNull;
          const Json& input = entry.is_object() ? entry.value("PartitionInput", kNull) : kNull;
          Status st = input.is_object() ? update_one(tx, t, values, input, ts)
                                        : invalid_input("PartitionInput is required.");
          if (absl::IsInternal(st) || absl::IsUnavailable(st)) return st;
          if (!st.ok()) {
            Json err = {{"ErrorDetail", glue_error_detail(st)}};
            if (values.is_array()) err["PartitionValueList"] = values;
            errors.push_back(std::move(err));
          }
        }
        return ok_status();
      }));
  return errors;
}

Status PartitionCatalog::delete_partition(const CallContext& ctx, const std::string& database,
                                          const std::string& table, const Json& values) {
  return catalog_.mutate(
      ctx, resource(ctx, database, table), [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto t,
                                rows::load_table_for_write(tx, ctx.catalog_id, database, table));
        return delete_one(tx, t, values);
      });
}

StatusOr<Json> PartitionCatalog::batch_delete_partition(const CallContext& ctx,
                                                        const std::string& database,
                                                        const std::string& table,
                                                        const Json& to_delete) {
  Json errors = Json::array();
  MORTAR_RETURN_IF_ERROR(catalog_.mutate(
      ctx, resource(ctx, database, table), [&](store::Transaction& tx) -> Status {
        errors = Json::array();
        MORTAR_ASSIGN_OR_RETURN(auto t,
                                rows::load_table_for_write(tx, ctx.catalog_id, database, table));
        for (const Json& item : to_delete) {
          Status st = delete_one(tx, t, values_of(item));
          if (absl::IsInternal(st) || absl::IsUnavailable(st)) return st;
          if (!st.ok()) {
            Json err = {{"ErrorDetail", glue_error_detail(st)}};
            if (values_of(item).is_array()) err["PartitionValues"] = values_of(item);
            errors.push_back(std::move(err));
          }
        }
        return ok_status();
      }));
  return errors;
}

}  // namespace mortar::catalog
