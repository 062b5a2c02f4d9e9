#include "catalog/partition_rows.h"

#include "absl/strings/str_cat.h"
#include "catalog/json_util.h"

namespace mortar::catalog::partition_rows {

StatusOr<PartitionedTable> load_table(store::Transaction& tx, const std::string& catalog_id,
                                      const std::string& database, const std::string& table) {
  PartitionedTable out;
  MORTAR_ASSIGN_OR_RETURN(out.ref, find_table(tx, catalog_id, database, table));
  const Json& t = out.ref.table;
  out.database_name = string_member(t, "DatabaseName");
  out.table_name = string_member(t, "Name");
  out.catalog_id = string_member(t, "CatalogId");
  if (out.catalog_id.empty()) out.catalog_id = catalog_id;
  auto keys = t.find("PartitionKeys");
  if (keys != t.end() && keys->is_array()) {
    for (const Json& k : *keys) {
      if (!k.is_object()) continue;
      out.keys.push_back({string_member(k, "Name"), string_member(k, "Type")});
    }
  }
  return out;
}

std::string values_key(const std::vector<std::string>& values) {
  // JSON escaping makes the encoding injective; invalid UTF-8 is replaced
  // rather than thrown on (the api layer rejects it before this point).
  return Json(values).dump(-1, ' ', false, Json::error_handler_t::replace);
}

StatusOr<std::vector<std::string>> check_values(const PartitionedTable& table, const Json& values) {
  if (!values.is_array()) return invalid_input("Partition Values are required.");
  if (values.size() != table.keys.size()) {
    return invalid_input(absl::StrCat(
        "The number of partition keys do not match the number of partition values: table ",
        table.database_name, ".", table.table_name, " has ", table.keys.size(),
        " partition keys, ", values.size(), " values given."));
  }
  std::vector<std::string> out;
  out.reserve(values.size());
  for (const Json& v : values) {
    if (!v.is_string()) return invalid_input("Partition values must be strings.");
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::string describe_values(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += values[i];
  }
  return out + "]";
}

StatusOr<std::optional<StoredPartition>> find_partition(store::Transaction& tx, int64_t table_id,
                                                        const std::vector<std::string>& values) {
  MORTAR_ASSIGN_OR_RETURN(
      auto rows, tx.query("SELECT id, body FROM partitions WHERE table_id = ? AND values_key = ?",
                          {table_id, values_key(values)}));
  if (rows.empty()) return std::optional<StoredPartition>();
  StoredPartition p;
  p.id = rows[0].int_at(0);
  MORTAR_ASSIGN_OR_RETURN(p.body, parse_stored(rows[0].text_at(1)));
  return std::optional<StoredPartition>(std::move(p));
}

Json body_from_input(const Json& input, const std::vector<std::string>& values,
                     double creation_time) {
  Json body = Json::object();
  body["Values"] = values;
  copy_members(input, body, {"LastAccessTime", "StorageDescriptor", "Parameters",
                             "LastAnalyzedTime"});
  body["CreationTime"] = creation_time;
  return body;
}

namespace {

Status index_keys(store::Transaction& tx, int64_t table_id, int64_t partition_id,
                  const std::vector<std::string>& values) {
  if (values.empty()) return ok_status();
  // One multi-row statement per partition (prepared once per key count).
  std::string sql =
      "INSERT INTO partition_keys(partition_id, table_id, key_index, text_value, kind, num_value, "
      "num_nanos) VALUES ";
  std::vector<store::Value> params;
  params.reserve(values.size() * 7);
  for (size_t i = 0; i < values.size(); ++i) {
    sql += i ? ", (?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?)";
    expression::ClassifiedValue c = expression::classify_value(values[i]);
    params.push_back(partition_id);
    params.push_back(table_id);
    params.push_back(static_cast<int64_t>(i));
    params.push_back(values[i]);
    params.push_back(static_cast<int64_t>(c.kind));
    if (c.kind == expression::ValueKind::kText) {
      params.push_back(std::monostate{});
    } else if (std::holds_alternative<int64_t>(c.number)) {
      params.push_back(std::get<int64_t>(c.number));
    } else {
      params.push_back(std::get<double>(c.number));
    }
    params.push_back(c.nanos);
  }
  return tx.exec(sql, params).status();
}

}  // namespace

StatusOr<int64_t> insert_partition(store::Transaction& tx, const PartitionedTable& table,
                                   const std::vector<std::string>& values, const Json& body,
                                   double now) {
  MORTAR_ASSIGN_OR_RETURN(
      auto rows,
      tx.query("INSERT INTO partitions(table_id, values_key, body, create_time, update_time) "
               "VALUES(?,?,?,?,?) RETURNING id",
               {table.ref.table_id, values_key(values),
                body.dump(-1, ' ', false, Json::error_handler_t::replace),
                store::micros_from_seconds(now), store::micros_from_seconds(now)}));
  if (rows.empty()) return internal_error("partition insert returned no id");
  int64_t id = rows[0].int_at(0);
  MORTAR_RETURN_IF_ERROR(index_keys(tx, table.ref.table_id, id, values));
  return id;
}

Status replace_partition(store::Transaction& tx, const PartitionedTable& table, int64_t id,
                         const std::vector<std::string>& values, const Json& body, double now) {
  MORTAR_RETURN_IF_ERROR(
      tx.exec("UPDATE partitions SET values_key = ?, body = ?, update_time = ? WHERE id = ?",
              {values_key(values), body.dump(-1, ' ', false, Json::error_handler_t::replace),
               store::micros_from_seconds(now), id})
          .status());
  MORTAR_RETURN_IF_ERROR(
      tx.exec("DELETE FROM partition_keys WHERE partition_id = ?", {id}).status());
  return index_keys(tx, table.ref.table_id, id, values);
}

Json to_partition(const PartitionedTable& table, Json body, bool exclude_column_schema) {
  body["DatabaseName"] = table.database_name;
  body["TableName"] = table.table_name;
  body["CatalogId"] = table.catalog_id;
  if (exclude_column_schema) {
    auto sd = body.find("StorageDescriptor");
    if (sd != body.end() && sd->is_object()) sd->erase("Columns");
  }
  return body;
}

}  // namespace mortar::catalog::partition_rows
