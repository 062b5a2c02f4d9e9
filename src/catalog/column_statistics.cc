#include "catalog/column_statistics.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "catalog/json_util.h"
#include "catalog/names.h"
#include "catalog/partition_rows.h"
#include "common/glue_errors.h"

namespace mortar::catalog {

namespace rows = partition_rows;

namespace {

// Where statistics live: a table's or a partition's.
struct Owner {
  const char* sql_table;  // table_column_statistics | partition_column_statistics
  const char* id_column;  // table_id | partition_id
  int64_t id = 0;
  std::map<std::string, std::string> columns;  // lower-cased name -> declared type
  std::string description;                     // "table db.t" / "partition [..]"
};

void add_columns(const Json& list, std::map<std::string, std::string>& out) {
  if (!list.is_array()) return;
  for (const Json& c : list) {
    if (c.is_object()) out[lower_name(string_member(c, "Name"))] = string_member(c, "Type");
  }
}

StatusOr<Owner> find_owner(store::Transaction& tx, const CallContext& ctx,
                           const std::string& database, const std::string& table,
                           const Json* partition_values, bool for_write) {
  // Writers lock the table's row: the owner's columns are checked against
  // the table (or partition) body they read.
  MORTAR_ASSIGN_OR_RETURN(
      auto t, for_write ? rows::load_table_for_write(tx, ctx.catalog_id, database, table)
                        : rows::load_table(tx, ctx.catalog_id, database, table));
  Owner owner;
  const Json& body = t.ref.table;
  auto sd = body.find("StorageDescriptor");
  if (partition_values == nullptr) {
    owner = Owner{"table_column_statistics", "table_id", t.ref.table_id, {}, ""};
    owner.description = absl::StrCat("table ", t.database_name, ".", t.table_name);
    if (sd != body.end() && sd->is_object()) add_columns(sd->value("Columns", Json()), owner.columns);
    add_columns(body.value("PartitionKeys", Json()), owner.columns);
    return owner;
  }
  MORTAR_ASSIGN_OR_RETURN(auto values, rows::check_values(t, *partition_values));
  MORTAR_ASSIGN_OR_RETURN(auto p, rows::find_partition(tx, t.ref.table_id, values));
  if (!p) {
    // AWS's wording.
    return not_found(absl::StrCat("Partition ", rows::describe_values(values), " not found"));
  }
  owner = Owner{"partition_column_statistics", "partition_id", p->id, {}, ""};
  owner.description = absl::StrCat("partition ", rows::describe_values(values), " of ",
                                   t.database_name, ".", t.table_name);
  // A partition's columns are its own storage descriptor's, else the table's.
  auto psd = p->body.find("StorageDescriptor");
  if (psd != p->body.end() && psd->is_object() && psd->contains("Columns")) {
    add_columns((*psd)["Columns"], owner.columns);
  } else if (sd != body.end() && sd->is_object()) {
    add_columns(sd->value("Columns", Json()), owner.columns);
  }
  return owner;
}

Status check_statistics(const Owner& owner, const Json& stats) {
  if (!stats.is_object()) return invalid_input("ColumnStatistics must be an object.");
  std::string column = string_member(stats, "ColumnName");
  if (owner.columns.find(lower_name(column)) == owner.columns.end()) {
    return not_found(absl::StrCat("Column ", column, " not found in ", owner.description, "."));
  }
  static const std::map<std::string, std::string> kMember = {
      {"BOOLEAN", "BooleanColumnStatisticsData"}, {"DATE", "DateColumnStatisticsData"},
      {"DECIMAL", "DecimalColumnStatisticsData"}, {"DOUBLE", "DoubleColumnStatisticsData"},
      {"LONG", "LongColumnStatisticsData"},       {"STRING", "StringColumnStatisticsData"},
      {"BINARY", "BinaryColumnStatisticsData"}};
  auto data = stats.find("StatisticsData");
  if (data == stats.end() || !data->is_object()) {
    return invalid_input("ColumnStatistics.StatisticsData is required.");
  }
  std::string type = string_member(*data, "Type");
  auto member = kMember.find(type);
  if (member == kMember.end()) {
    return invalid_input(absl::StrCat("Unknown StatisticsData.Type ", type, "."));
  }
  if (!data->contains(member->second)) {
    return invalid_input(absl::StrCat("StatisticsData of Type ", type, " needs ", member->second,
                                      " (column ", column, ")."));
  }
  return ok_status();
}

StatusOr<ColumnStatisticsResult> get_statistics(store::Store& store, const CallContext& ctx,
                                                const std::string& database,
                                                const std::string& table,
                                                const Json* partition_values,
                                                const std::vector<std::string>& columns) {
  ColumnStatisticsResult out;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store, [&](store::Transaction& tx) -> Status {
    out = ColumnStatisticsResult();
    MORTAR_ASSIGN_OR_RETURN(Owner owner,
                            find_owner(tx, ctx, database, table, partition_values, false));
    std::string sql = absl::StrCat("SELECT body FROM ", owner.sql_table, " WHERE ",
                                   owner.id_column, " = ? AND column_name = ?");
    for (const std::string& column : columns) {
      MORTAR_ASSIGN_OR_RETURN(auto result, tx.query(sql, {owner.id, lower_name(column)}));
      if (result.empty()) {
        Status st = owner.columns.count(lower_name(column))
                        ? not_found(absl::StrCat("No statistics for column ", column, " of ",
                                                 owner.description, "."))
                        : not_found(absl::StrCat("Column ", column, " not found in ",
                                                 owner.description, "."));
        out.errors.push_back({{"ColumnName", column}, {"Error", glue_error_detail(st)}});
        continue;
      }
      MORTAR_ASSIGN_OR_RETURN(Json body, parse_stored(result[0].text_at(0)));
      out.statistics.push_back(std::move(body));
    }
    return ok_status();
  }));
  return out;
}

StatusOr<Json> update_statistics(Catalog& catalog, const CallContext& ctx,
                                 const std::string& database, const std::string& table,
                                 const Json* partition_values, const Json& list) {
  Json errors = Json::array();
  MORTAR_RETURN_IF_ERROR(catalog.mutate(
      ctx, Catalog::table_arn(ctx, lower_name(database), lower_name(table)),
      [&](store::Transaction& tx) -> Status {
        errors = Json::array();
        MORTAR_ASSIGN_OR_RETURN(Owner owner,
                                find_owner(tx, ctx, database, table, partition_values, true));
        std::string sql = absl::StrCat("INSERT INTO ", owner.sql_table, "(", owner.id_column,
                                       ", column_name, body) VALUES(?,?,?) ON CONFLICT(",
                                       owner.id_column,
                                       ", column_name) DO UPDATE SET body = excluded.body");
        for (const Json& stats : list) {
          Status st = check_statistics(owner, stats);
          if (!st.ok()) {
            errors.push_back({{"ColumnStatistics", stats}, {"Error", glue_error_detail(st)}});
            continue;
          }
          MORTAR_RETURN_IF_ERROR(
              tx.exec(sql, {owner.id, lower_name(string_member(stats, "ColumnName")),
                            stats.dump(-1, ' ', false, Json::error_handler_t::replace)})
                  .status());
        }
        return ok_status();
      }));
  return errors;
}

Status delete_statistics(Catalog& catalog, const CallContext& ctx, const std::string& database,
                         const std::string& table, const Json* partition_values,
                         const std::string& column) {
  return catalog.mutate(
      ctx, Catalog::table_arn(ctx, lower_name(database), lower_name(table)),
      [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(Owner owner,
                                find_owner(tx, ctx, database, table, partition_values, true));
        MORTAR_ASSIGN_OR_RETURN(
            int64_t n, tx.exec(absl::StrCat("DELETE FROM ", owner.sql_table, " WHERE ",
                                            owner.id_column, " = ? AND column_name = ?"),
                               {owner.id, lower_name(column)}));
        if (n == 0) {
          return not_found(absl::StrCat("No statistics for column ", column, " of ",
                                        owner.description, "."));
        }
        return ok_status();
      });
}

}  // namespace

StatusOr<ColumnStatisticsResult> ColumnStatisticsCatalog::get_for_table(
    const CallContext& ctx, const std::string& database, const std::string& table,
    const std::vector<std::string>& columns) {
  return get_statistics(catalog_.store(), ctx, database, table, nullptr, columns);
}

StatusOr<Json> ColumnStatisticsCatalog::update_for_table(const CallContext& ctx,
                                                         const std::string& database,
                                                         const std::string& table,
                                                         const Json& list) {
  return update_statistics(catalog_, ctx, database, table, nullptr, list);
}

Status ColumnStatisticsCatalog::delete_for_table(const CallContext& ctx,
                                                 const std::string& database,
                                                 const std::string& table,
                                                 const std::string& column) {
  return delete_statistics(catalog_, ctx, database, table, nullptr, column);
}

StatusOr<ColumnStatisticsResult> ColumnStatisticsCatalog::get_for_partition(
    const CallContext& ctx, const std::string& database, const std::string& table,
    const Json& values, const std::vector<std::string>& columns) {
  return get_statistics(catalog_.store(), ctx, database, table, &values, columns);
}

StatusOr<Json> ColumnStatisticsCatalog::update_for_partition(const CallContext& ctx,
                                                             const std::string& database,
                                                             const std::string& table,
                                                             const Json& values,
                                                             const Json& list) {
  return update_statistics(catalog_, ctx, database, table, &values, list);
}

Status ColumnStatisticsCatalog::delete_for_partition(const CallContext& ctx,
                                                     const std::string& database,
                                                     const std::string& table,
                                                     const Json& values,
                                                     const std::string& column) {
  return delete_statistics(catalog_, ctx, database, table, &values, column);
}

}  // namespace mortar::catalog
