// User-defined functions: Create/Get/GetUserDefinedFunctions/Update/Delete.
// Function names are lower-cased like database and table names (Hive does).
#include "catalog/catalog.h"
#include "catalog/json_util.h"
#include "catalog/names.h"
#include "catalog/table_lookup.h"

namespace mortar::catalog {
namespace {

Json function_from_input(const Json& input, const std::string& db, const std::string& name,
                         const std::string& catalog_id, double create_time) {
  Json f = Json::object();
  f["FunctionName"] = name;
  f["DatabaseName"] = db;
  copy_members(input, f, {"ClassName", "OwnerName", "FunctionType", "OwnerType", "ResourceUris",
                          "ArtifactLocation", "GovernanceMode"});
  f["CreateTime"] = create_time;
  f["CatalogId"] = catalog_id;
  return f;
}

}  // namespace

Status Catalog::create_function(const CallContext& ctx, const std::string& database, const Json& input) {
  std::string db = lower_name(database);
  std::string name = lower_name(string_member(input, "FunctionName"));
  if (name.empty()) return invalid_input("FunctionInput.FunctionName is required.");
  return mutate(ctx, function_arn(ctx, db, name), [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto dbref, find_database(tx, ctx.catalog_id, db));
    Json f = function_from_input(input, db, name, ctx.catalog_id, now());
    auto st = tx.exec("INSERT INTO functions(database_id, name, body) VALUES(?,?,?)",
                      {dbref.database_id, name, f.dump()});
    if (absl::IsAlreadyExists(st.status())) return already_exists("Function already exists.");
    return st.status();
  });
}

StatusOr<Json> Catalog::get_function(const CallContext& ctx, const std::string& database,
                                     const std::string& name) {
  Json out;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto dbref, find_database(tx, ctx.catalog_id, database));
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT body FROM functions WHERE database_id=? AND name=?",
                                                {dbref.database_id, lower_name(name)}));
    if (rows.empty()) return not_found("Function " + lower_name(name) + " not found.");
    MORTAR_ASSIGN_OR_RETURN(out, parse_stored(rows[0].text_at(0)));
    return ok_status();
  }));
  return out;
}

StatusOr<Page> Catalog::get_functions(const CallContext& ctx, const std::optional<std::string>& database,
                                      const std::string& pattern,
                                      const std::optional<std::string>& function_type, const Json& after,
                                      int limit) {
  MORTAR_ASSIGN_OR_RETURN(auto matcher, NamePattern::compile(pattern));
  Page page;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    page = Page();
    // Position: [database name, function name] of the last item returned.
    std::string after_db, after_fn;
    if (after.is_array() && after.size() == 2) {
      after_db = after[0].get<std::string>();
      after_fn = after[1].get<std::string>();
    }
    std::string sql =
        "SELECT d.name, f.name, f.body FROM functions f JOIN databases d ON f.database_id=d.id "
        "WHERE d.catalog_id=? AND (d.name>? OR (d.name=? AND f.name>?))";
    std::vector<store::Value> params = {ctx.catalog_id, after_db, after_db, after_fn};
    if (database) {
      MORTAR_RETURN_IF_ERROR(find_database(tx, ctx.catalog_id, *database).status());
      sql += " AND d.name=?";
      params.push_back(lower_name(*database));
    }
    sql += " ORDER BY d.name, f.name";
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(sql, params));
    for (const auto& r : rows) {
      if (!matcher->matches(r.text_at(1))) continue;
      MORTAR_ASSIGN_OR_RETURN(Json f, parse_stored(r.text_at(2)));
      if (function_type && string_member(f, "FunctionType") != *function_type) continue;
      if (static_cast<int>(page.items.size()) == limit) {
        const Json& last = page.items.back();
        page.next = Json::array({last["DatabaseName"], last["FunctionName"]});
        break;
      }
      page.items.push_back(std::move(f));
    }
    return ok_status();
  }));
  return page;
}

Status Catalog::update_function(const CallContext& ctx, const std::string& database,
                                const std::string& name, const Json& input) {
  std::string db = lower_name(database);
  std::string fn = lower_name(name);
  std::string new_name = lower_name(string_member(input, "FunctionName"));
  if (new_name.empty()) new_name = fn;
  return mutate(ctx, function_arn(ctx, db, fn), [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto dbref, find_database(tx, ctx.catalog_id, db));
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT id, body FROM functions WHERE database_id=? AND name=?",
                                                {dbref.database_id, fn}));
    if (rows.empty()) return not_found("Function " + fn + " not found.");
    MORTAR_ASSIGN_OR_RETURN(Json old, parse_stored(rows[0].text_at(1)));
    Json f = function_from_input(input, db, new_name, ctx.catalog_id, old.value("CreateTime", now()));
    auto st = tx.exec("UPDATE functions SET name=?, body=? WHERE id=?",
                      {new_name, f.dump(), rows[0].int_at(0)});
    if (absl::IsAlreadyExists(st.status())) return already_exists("Function already exists.");
    // Deleted since the read (PostgreSQL runs writers concurrently).
    if (st.ok() && *st == 0) return not_found("Function " + fn + " not found.");
    if (st.ok() && new_name != fn) {
      MORTAR_RETURN_IF_ERROR(
          tx.exec("UPDATE tags SET resource=? WHERE function_id=?",
                  {ctx.catalog_id + ":userDefinedFunction/" + db + "/" + new_name, rows[0].int_at(0)})
              .status());
    }
    return st.status();
  });
}

Status Catalog::delete_function(const CallContext& ctx, const std::string& database,
                                const std::string& name) {
  std::string db = lower_name(database);
  std::string fn = lower_name(name);
  return mutate(ctx, function_arn(ctx, db, fn), [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto dbref, find_database(tx, ctx.catalog_id, db));
    MORTAR_ASSIGN_OR_RETURN(int64_t n, tx.exec("DELETE FROM functions WHERE database_id=? AND name=?",
                                               {dbref.database_id, fn}));
    if (n == 0) return not_found("Function " + fn + " not found.");
    return ok_status();
  });
}

}  // namespace mortar::catalog
