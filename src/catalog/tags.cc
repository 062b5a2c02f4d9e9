// Tags by ARN: arn:aws:glue:<region>:<account>:database/<db>,
// table/<db>/<t>, connection/<name>, userDefinedFunction/<db>/<fn>.
#include "catalog/catalog.h"
#include "catalog/json_util.h"
#include "catalog/names.h"
#include "catalog/row_lock.h"
#include "catalog/table_lookup.h"
#include "catalog/tag_rules.h"
#include "catalog/tag_store.h"
#include "common/tag_arn.h"

namespace mortar::catalog {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

// Resolves an ARN to the entity row its tags hang off.
StatusOr<TagTarget> resolve(store::Transaction& tx, const CallContext& ctx, const std::string& arn) {
  MORTAR_ASSIGN_OR_RETURN(TagArn parsed, parse_tag_arn(ctx, arn));
  auto path = split(parsed.resource, '/');
  const std::string& type = path[0];
  if (type == "database" && path.size() == 2) {
    std::string db = lower_name(path[1]);
    MORTAR_ASSIGN_OR_RETURN(auto ref, find_database(tx, ctx.catalog_id, db));
    return TagTarget{TagTarget::kDatabase, ref.database_id, tag_resource_key(ctx, "database/" + db)};
  }
  if (type == "table" && path.size() == 3) {
    std::string db = lower_name(path[1]), t = lower_name(path[2]);
    MORTAR_ASSIGN_OR_RETURN(auto ref, find_table(tx, ctx.catalog_id, db, t));
    return TagTarget{TagTarget::kTable, ref.table_id, tag_resource_key(ctx, "table/" + db + "/" + t)};
  }
  if (type == "connection" && path.size() == 2) {
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT id FROM connections WHERE catalog_id=? AND name=?",
                                                {ctx.catalog_id, path[1]}));
    if (rows.empty()) return not_found("Connection " + path[1] + " not found.");
    return TagTarget{TagTarget::kConnection, rows[0].int_at(0),
                     tag_resource_key(ctx, "connection/" + path[1])};
  }
  if (type == "userDefinedFunction" && path.size() == 3) {
    std::string db = lower_name(path[1]), fn = lower_name(path[2]);
    MORTAR_ASSIGN_OR_RETURN(auto dbref, find_database(tx, ctx.catalog_id, db));
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT id FROM functions WHERE database_id=? AND name=?",
                                                {dbref.database_id, fn}));
    if (rows.empty()) return not_found("Function " + fn + " not found.");
    return TagTarget{TagTarget::kFunction, rows[0].int_at(0),
                     tag_resource_key(ctx, "userDefinedFunction/" + db + "/" + fn)};
  }
  return invalid_input("Tagging is not supported for resource " + arn);
}

}  // namespace

Status put_tags(store::Transaction& tx, const TagTarget& target, const nlohmann::json& tags) {
  if (!tags.is_object() || tags.empty()) return ok_status();
  // The count is checked after the upserts: lock the entity's row first so
  // concurrent TagResource calls on it take turns and cannot each stay under
  // the limit while together exceeding it (PostgreSQL; SQLite serializes).
  static const char* kEntity[][2] = {{"databases", "create_time"},
                                     {"tables", "version_id"},
                                     {"connections", "connection_type"},
                                     {"functions", "body"}};
  MORTAR_RETURN_IF_ERROR(
      lock_rows(tx, kEntity[target.kind][0], kEntity[target.kind][1], "id = ?", {target.id})
          .status());
  static const char* kColumns[] = {"database_id", "table_id", "connection_id", "function_id"};
  std::string sql = std::string("INSERT INTO tags(resource, key, value, ") + kColumns[target.kind] +
                    ") VALUES(?,?,?,?) ON CONFLICT(resource, key) DO UPDATE SET value=excluded.value";
  MORTAR_RETURN_IF_ERROR(check_tag_values(tags));
  for (auto it = tags.begin(); it != tags.end(); ++it) {
    MORTAR_RETURN_IF_ERROR(
        tx.exec(sql, {target.resource, it.key(), it.value().get<std::string>(), target.id}).status());
  }
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT count(*) FROM tags WHERE resource=?", {target.resource}));
  return check_tag_count(rows[0].int_at(0));
}

Status Catalog::tag_resource(const CallContext& ctx, const std::string& arn, const Json& tags) {
  return mutate(ctx, arn, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto target, resolve(tx, ctx, arn));
    return put_tags(tx, target, tags);
  });
}

Status Catalog::untag_resource(const CallContext& ctx, const std::string& arn,
                               const std::vector<std::string>& keys) {
  return mutate(ctx, arn, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto target, resolve(tx, ctx, arn));
    for (const auto& k : keys) {
      MORTAR_RETURN_IF_ERROR(
          tx.exec("DELETE FROM tags WHERE resource=? AND key=?", {target.resource, k}).status());
    }
    return ok_status();
  });
}

StatusOr<Json> Catalog::get_tags(const CallContext& ctx, const std::string& arn) {
  Json out = Json::object();
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    out = Json::object();
    MORTAR_ASSIGN_OR_RETURN(auto target, resolve(tx, ctx, arn));
    MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT key, value FROM tags WHERE resource=?",
                                                {target.resource}));
    for (const auto& r : rows) out[r.text_at(0)] = r.text_at(1);
    return ok_status();
  }));
  return out;
}

}  // namespace mortar::catalog
