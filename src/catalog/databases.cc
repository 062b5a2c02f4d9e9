// Databases: Create/Get/GetDatabases/Update/Delete. Deleting a database
// cascades (foreign keys) to its tables, versions, partitions, indexes,
// statistics, functions and tags.
#include "catalog/catalog.h"
#include "catalog/json_util.h"
#include "catalog/names.h"
#include "catalog/table_lookup.h"
#include "catalog/tag_store.h"

namespace mortar::catalog {
namespace {

Json database_from_input(const Json& input, const std::string& name, const std::string& catalog_id,
                         double create_time) {
  Json db = Json::object();
  db["Name"] = name;
  copy_members(input, db, {"Description", "LocationUri", "Parameters", "TargetDatabase",
                           "FederatedDatabase", "CreateTableDefaultPermissions"});
  if (!db.contains("CreateTableDefaultPermissions")) {
    // What Glue answers for a database created without Lake Formation settings.
    db["CreateTableDefaultPermissions"] = Json::array(
        {{{"Principal", {{"DataLakePrincipalIdentifier", "IAM_ALLOWED_PRINCIPALS"}}},
          {"Permissions", Json::array({"ALL"})}}});
  }
  db["CreateTime"] = create_time;
  db["CatalogId"] = catalog_id;
  return db;
}

}  // namespace

Status Catalog::create_database(const CallContext& ctx, const Json& input, const Json& tags) {
  std::string name = lower_name(string_member(input, "Name"));
  if (name.empty()) return invalid_input("DatabaseInput.Name is required.");
  return mutate(ctx, database_arn(ctx, name), [&](store::Transaction& tx) -> Status {
    Json db = database_from_input(input, name, ctx.catalog_id, now());
    auto id = tx.exec("INSERT INTO databases(catalog_id, name, body, create_time) VALUES(?,?,?,?)",
                      {ctx.catalog_id, name, db.dump(), store::micros_from_seconds(now())});
    if (absl::IsAlreadyExists(id.status())) return already_exists("Database already exists.");
    MORTAR_RETURN_IF_ERROR(id.status());
    MORTAR_ASSIGN_OR_RETURN(auto ref, find_database(tx, ctx.catalog_id, name));
    TagTarget target{TagTarget::kDatabase, ref.database_id, tag_resource_key(ctx, "database/" + name)};
    return put_tags(tx, target, tags);
  });
}

StatusOr<Json> Catalog::get_database(const CallContext& ctx, const std::string& name) {
  Json out;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto ref, find_database(tx, ctx.catalog_id, name));
    out = std::move(ref.database);
    return ok_status();
  }));
  return out;
}

StatusOr<Page> Catalog::get_databases(const CallContext& ctx, const Json& after, int limit) {
  Page page;
  std::string from = after.is_string() ? after.get<std::string>() : std::string();
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT name, body FROM databases WHERE catalog_id=? "
                                                "AND name>? ORDER BY name LIMIT ?",
                                                {ctx.catalog_id, from, int64_t{limit} + 1}));
    page.items.clear();
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) {
      MORTAR_ASSIGN_OR_RETURN(Json db, parse_stored(rows[i].text_at(1)));
      page.items.push_back(std::move(db));
    }
    page.next = static_cast<int>(rows.size()) > limit ? Json(rows[limit - 1].text_at(0)) : Json();
    return ok_status();
  }));
  return page;
}

Status Catalog::update_database(const CallContext& ctx, const std::string& name, const Json& input) {
  std::string db_name = lower_name(name);
  std::string new_name = lower_name(string_member(input, "Name"));
  return mutate(ctx, database_arn(ctx, db_name), [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto ref, find_database(tx, ctx.catalog_id, db_name));
    if (!new_name.empty() && new_name != db_name) {
      return invalid_input("Renaming a database is not supported.");
    }
    Json db = database_from_input(input, db_name, ctx.catalog_id,
                                  ref.database.value("CreateTime", now()));
    return tx.exec("UPDATE databases SET body=? WHERE id=?", {db.dump(), ref.database_id}).status();
  });
}

Status Catalog::delete_database(const CallContext& ctx, const std::string& name) {
  std::string db_name = lower_name(name);
  return mutate(ctx, database_arn(ctx, db_name), [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto ref, find_database(tx, ctx.catalog_id, db_name));
    return tx.exec("DELETE FROM databases WHERE id=?", {ref.database_id}).status();
  });
}

}  // namespace mortar::catalog
