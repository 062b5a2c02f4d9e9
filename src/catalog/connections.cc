// Connections: Create/Get/GetConnections/Update/Delete/BatchDelete.
#include "catalog/catalog.h"
#include "catalog/json_util.h"
#include "catalog/tag_store.h"
#include "common/glue_errors.h"

namespace mortar::catalog {
namespace {

Json connection_from_input(const Json& input, const CallContext& ctx, double created, double updated) {
  Json c = Json::object();
  copy_members(input, c, {"Name", "Description", "ConnectionType", "MatchCriteria",
                          "ConnectionProperties", "SparkProperties", "AthenaProperties",
                          "PythonProperties", "PhysicalConnectionRequirements"});
  if (input.contains("AuthenticationConfiguration")) {
    // Only the members the output shape has; secrets in the input stay out.
    Json auth = Json::object();
    copy_members(input["AuthenticationConfiguration"], auth, {"AuthenticationType", "SecretArn"});
    c["AuthenticationConfiguration"] = auth;
  }
  c["CreationTime"] = created;
  c["LastUpdatedTime"] = updated;
  if (!ctx.principal.empty()) c["LastUpdatedBy"] = ctx.principal;
  c["Status"] = "READY";
  return c;
}

void hide_password(Json& c) {
  auto it = c.find("ConnectionProperties");
  if (it == c.end() || !it->is_object()) return;
  it->erase("PASSWORD");
  it->erase("ENCRYPTED_PASSWORD");
}

bool matches_filter(const Json& c, const Json& filter) {
  if (!filter.is_object()) return true;
  std::string type = string_member(filter, "ConnectionType");
  if (!type.empty() && string_member(c, "ConnectionType") != type) return false;
  auto mc = filter.find("MatchCriteria");
  if (mc != filter.end() && mc->is_array()) {
    Json have = c.value("MatchCriteria", Json::array());
    for (const auto& want : *mc) {
      if (std::find(have.begin(), have.end(), want) == have.end()) return false;
    }
  }
  return true;
}

}  // namespace

Status Catalog::create_connection(const CallContext& ctx, const Json& input, const Json& tags) {
  std::string name = string_member(input, "Name");
  if (name.empty()) return invalid_input("ConnectionInput.Name is required.");
  return mutate(ctx, connection_arn(ctx, name), [&](store::Transaction& tx) -> Status {
    double t = now();
    Json c = connection_from_input(input, ctx, t, t);
    auto st = tx.exec("INSERT INTO connections(catalog_id, name, connection_type, body) VALUES(?,?,?,?)",
                      {ctx.catalog_id, name, string_member(input, "ConnectionType"), c.dump()});
    if (absl::IsAlreadyExists(st.status())) return already_exists("Connection already exists.");
    MORTAR_RETURN_IF_ERROR(st.status());
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT id FROM connections WHERE catalog_id=? AND name=?",
                                                {ctx.catalog_id, name}));
    TagTarget target{TagTarget::kConnection, rows[0].int_at(0),
                     tag_resource_key(ctx, "connection/" + name)};
    return put_tags(tx, target, tags);
  });
}

StatusOr<Json> Catalog::get_connection(const CallContext& ctx, const std::string& name, bool hide) {
  Json out;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT body FROM connections WHERE catalog_id=? AND name=?",
                                                {ctx.catalog_id, name}));
    if (rows.empty()) return not_found("Connection " + name + " not found.");
    MORTAR_ASSIGN_OR_RETURN(out, parse_stored(rows[0].text_at(0)));
    return ok_status();
  }));
  if (hide) hide_password(out);
  return out;
}

StatusOr<Page> Catalog::get_connections(const CallContext& ctx, const Json& filter, bool hide,
                                        const Json& after, int limit) {
  Page page;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    page = Page();
    std::string from = after.is_string() ? after.get<std::string>() : std::string();
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT name, body FROM connections WHERE catalog_id=? "
                                                "AND name>? ORDER BY name",
                                                {ctx.catalog_id, from}));
    for (const auto& r : rows) {
      MORTAR_ASSIGN_OR_RETURN(Json c, parse_stored(r.text_at(1)));
      if (!matches_filter(c, filter)) continue;
      if (static_cast<int>(page.items.size()) == limit) {
        page.next = page.items.back()["Name"];
        break;
      }
      if (hide) hide_password(c);
      page.items.push_back(std::move(c));
    }
    return ok_status();
  }));
  return page;
}

Status Catalog::update_connection(const CallContext& ctx, const std::string& name, const Json& input) {
  std::string new_name = string_member(input, "Name");
  if (new_name.empty()) return invalid_input("ConnectionInput.Name is required.");
  return mutate(ctx, connection_arn(ctx, name), [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT id, body FROM connections WHERE catalog_id=? AND name=?",
                                                {ctx.catalog_id, name}));
    if (rows.empty()) return not_found("Connection " + name + " not found.");
    MORTAR_ASSIGN_OR_RETURN(Json old, parse_stored(rows[0].text_at(1)));
    Json c = connection_from_input(input, ctx, old.value("CreationTime", now()), now());
    auto st = tx.exec("UPDATE connections SET name=?, connection_type=?, body=? WHERE id=?",
                      {new_name, string_member(input, "ConnectionType"), c.dump(), rows[0].int_at(0)});
    if (absl::IsAlreadyExists(st.status())) return already_exists("Connection already exists.");
    // Deleted since the read (PostgreSQL runs writers concurrently).
    if (st.ok() && *st == 0) return not_found("Connection " + name + " not found.");
    if (st.ok() && new_name != name) {
      // Tags follow a renamed connection.
      MORTAR_RETURN_IF_ERROR(tx.exec("UPDATE tags SET resource=? WHERE connection_id=?",
                                     {tag_resource_key(ctx, "connection/" + new_name), rows[0].int_at(0)})
                                 .status());
    }
    return st.status();
  });
}

Status Catalog::delete_connection(const CallContext& ctx, const std::string& name) {
  return mutate(ctx, connection_arn(ctx, name), [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, tx.exec("DELETE FROM connections WHERE catalog_id=? AND name=?",
                                               {ctx.catalog_id, name}));
    if (n == 0) return not_found("Connection " + name + " not found.");
    return ok_status();
  });
}

StatusOr<Json> Catalog::batch_delete_connection(const CallContext& ctx,
                                                const std::vector<std::string>& names) {
  Json out;
  MORTAR_RETURN_IF_ERROR(mutate(ctx, "connection/*", [&](store::Transaction& tx) -> Status {
    out = {{"Succeeded", Json::array()}, {"Errors", Json::object()}};
    for (const auto& name : names) {
      MORTAR_ASSIGN_OR_RETURN(int64_t n, tx.exec("DELETE FROM connections WHERE catalog_id=? AND name=?",
                                                 {ctx.catalog_id, name}));
      if (n == 0) {
        out["Errors"][name] = glue_error_detail(not_found("Connection " + name + " not found."));
      } else {
        out["Succeeded"].push_back(name);
      }
    }
    return ok_status();
  }));
  return out;
}

}  // namespace mortar::catalog
