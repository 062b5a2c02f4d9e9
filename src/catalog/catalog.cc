#include "catalog/catalog.h"

#include "catalog/audit.h"
#include "common/glue_errors.h"
#include "catalog/schema.h"

#include "catalog/partition_schema.h"

namespace mortar::catalog {

Catalog::Catalog(store::Store& store, const Clock& clock, CatalogOptions options)
    : store_(store), clock_(clock), options_(options), table_cache_(options.table_cache_bytes) {}

Status Catalog::migrate(store::Store& store) {
  MORTAR_RETURN_IF_ERROR(store.migrate("catalog", catalog_migrations()));
  MORTAR_RETURN_IF_ERROR(migrate_partitions(store));
  return ok_status();
}

Status Catalog::mutate(const CallContext& ctx, const std::string& resource,
                       const std::function<Status(store::Transaction&)>& fn) {
  AuditEntry entry{clock_.now_micros(), ctx.account_id, ctx.principal, ctx.operation,
                   resource,            ctx.request_id, "OK"};
  Status st = store::run_in_write_transaction(store_, [&](store::Transaction& tx) {
    MORTAR_RETURN_IF_ERROR(fn(tx));
    return record_audit(tx, entry);
  });
  if (!st.ok()) {
    entry.outcome = glue_exception_name(st);
    // Best effort: the caller's error matters more than a lost audit row.
    (void)store::run_in_write_transaction(
        store_, [&](store::Transaction& tx) { return record_audit(tx, entry); });
  }
  return st;
}

std::string Catalog::database_arn(const CallContext& ctx, const std::string& db) {
  return "arn:aws:glue:" + ctx.region + ":" + ctx.catalog_id + ":database/" + db;
}
std::string Catalog::table_arn(const CallContext& ctx, const std::string& db, const std::string& t) {
  return "arn:aws:glue:" + ctx.region + ":" + ctx.catalog_id + ":table/" + db + "/" + t;
}
std::string Catalog::connection_arn(const CallContext& ctx, const std::string& name) {
  return "arn:aws:glue:" + ctx.region + ":" + ctx.catalog_id + ":connection/" + name;
}
std::string Catalog::function_arn(const CallContext& ctx, const std::string& db, const std::string& fn) {
  return "arn:aws:glue:" + ctx.region + ":" + ctx.catalog_id + ":userDefinedFunction/" + db + "/" + fn;
}

}  // namespace mortar::catalog
