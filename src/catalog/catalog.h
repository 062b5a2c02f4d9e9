// The Data Catalog: databases, tables and their versions, partitions,
// indexes, statistics, connections, functions, tags and the audit trail,
// persisted in the Store. Entities travel as JSON objects shaped exactly as
// botocore's Glue model (Database, Table, Partition ...), so the api layer
// passes them through. Every mutation is one write transaction that also
// records its audit entry (a failed mutation records its failure in its own
// transaction). Database and table names are lower-cased as Glue does.
// Thread-safe.
//
// Listing calls page by keyset: `after` is the opaque position a previous
// Page returned (null for the first page); Page::next is null on the last page.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/parsed_cache.h"
#include "common/call_context.h"
#include "common/clock.h"
#include "common/page.h"
#include "common/status.h"
#include "store/store.h"

namespace mortar::catalog {

using Json = nlohmann::json;

// Memory bounds of the caches of parsed bodies (see parsed_cache.h).
struct CatalogOptions {
  size_t table_cache_bytes = 16 << 20;      // GetTable/GetTables
  size_t partition_cache_bytes = 16 << 20;  // GetPartition(s), BatchGetPartition
};

class Catalog {
 public:
  Catalog(store::Store& store, const Clock& clock, CatalogOptions options = {});
  // Creates/upgrades the catalog's tables (components "catalog", then "partitions").
  static Status migrate(store::Store& store);

  store::Store& store() { return store_; }
  const Clock& clock() const { return clock_; }
  const CatalogOptions& options() const { return options_; }

  // Runs fn in one write transaction together with its OK audit entry; on
  // failure records the failure in its own transaction. The building block of
  // every mutation (the partitions helper uses it too).
  Status mutate(const CallContext& ctx, const std::string& resource,
                const std::function<Status(store::Transaction&)>& fn);

  // --- Databases -----------------------------------------------------------
  Status create_database(const CallContext& ctx, const Json& database_input, const Json& tags);
  StatusOr<Json> get_database(const CallContext& ctx, const std::string& name);
  StatusOr<Page> get_databases(const CallContext& ctx, const Json& after, int limit);
  Status update_database(const CallContext& ctx, const std::string& name, const Json& database_input);
  Status delete_database(const CallContext& ctx, const std::string& name);

  // --- Tables --------------------------------------------------------------
  // `then` runs in the same transaction after the insert (CreateTable's
  // partition indexes): its failure undoes the whole call.
  Status create_table(const CallContext& ctx, const std::string& database, const Json& table_input,
                      const std::function<Status(store::Transaction&)>& then = nullptr);
  StatusOr<Json> get_table(const CallContext& ctx, const std::string& database, const std::string& name);
  // `expression`: Glue's name pattern ('*' wildcard, '|' alternatives, regex otherwise).
  StatusOr<Page> get_tables(const CallContext& ctx, const std::string& database,
                            const std::optional<std::string>& expression, const Json& after, int limit);
  // `version_id`: when given, must equal the current VersionId, else
  // ConcurrentModification (Aborted). The previous version is archived unless
  // `skip_archive`. Returns the new VersionId.
  StatusOr<std::string> update_table(const CallContext& ctx, const std::string& database,
                                     const Json& table_input,
                                     const std::optional<std::string>& version_id, bool skip_archive);
  Status delete_table(const CallContext& ctx, const std::string& database, const std::string& name);
  // Returns the TableErrors list (empty when every table was deleted).
  StatusOr<Json> batch_delete_table(const CallContext& ctx, const std::string& database,
                                    const std::vector<std::string>& names);

  // --- Table versions ------------------------------------------------------
  // Without version_id: the current version. Returns a TableVersion object.
  StatusOr<Json> get_table_version(const CallContext& ctx, const std::string& database,
                                   const std::string& table,
                                   const std::optional<std::string>& version_id);
  // Newest first, the current version included.
  StatusOr<Page> get_table_versions(const CallContext& ctx, const std::string& database,
                                    const std::string& table, const Json& after, int limit);
  Status delete_table_version(const CallContext& ctx, const std::string& database,
                              const std::string& table, const std::string& version_id);
  // Returns the TableVersionErrors list.
  StatusOr<Json> batch_delete_table_version(const CallContext& ctx, const std::string& database,
                                            const std::string& table,
                                            const std::vector<std::string>& version_ids);

  // --- SearchTables --------------------------------------------------------
  // `request` is the SearchTables input (SearchText, Filters, SortCriteria).
  StatusOr<Page> search_tables(const CallContext& ctx, const Json& request, const Json& after, int limit);

  // --- Connections ---------------------------------------------------------
  Status create_connection(const CallContext& ctx, const Json& connection_input, const Json& tags);
  StatusOr<Json> get_connection(const CallContext& ctx, const std::string& name, bool hide_password);
  StatusOr<Page> get_connections(const CallContext& ctx, const Json& filter, bool hide_password,
                                 const Json& after, int limit);
  Status update_connection(const CallContext& ctx, const std::string& name, const Json& connection_input);
  Status delete_connection(const CallContext& ctx, const std::string& name);
  // Returns {"Succeeded": [...], "Errors": {name: ErrorDetail}}.
  StatusOr<Json> batch_delete_connection(const CallContext& ctx, const std::vector<std::string>& names);

  // --- User-defined functions ----------------------------------------------
  Status create_function(const CallContext& ctx, const std::string& database, const Json& function_input);
  StatusOr<Json> get_function(const CallContext& ctx, const std::string& database, const std::string& name);
  // `database` absent: every database of the catalog. `pattern` as for get_tables.
  StatusOr<Page> get_functions(const CallContext& ctx, const std::optional<std::string>& database,
                               const std::string& pattern,
                               const std::optional<std::string>& function_type, const Json& after,
                               int limit);
  Status update_function(const CallContext& ctx, const std::string& database, const std::string& name,
                         const Json& function_input);
  Status delete_function(const CallContext& ctx, const std::string& database, const std::string& name);

  // --- Tags by ARN ---------------------------------------------------------
  Status tag_resource(const CallContext& ctx, const std::string& arn, const Json& tags_to_add);
  Status untag_resource(const CallContext& ctx, const std::string& arn,
                        const std::vector<std::string>& keys);
  StatusOr<Json> get_tags(const CallContext& ctx, const std::string& arn);

  // ARNs of catalog entities, as Glue spells them.
  static std::string database_arn(const CallContext& ctx, const std::string& db);
  static std::string table_arn(const CallContext& ctx, const std::string& db, const std::string& table);
  static std::string connection_arn(const CallContext& ctx, const std::string& name);
  static std::string function_arn(const CallContext& ctx, const std::string& db, const std::string& fn);

 private:
  double now() const { return static_cast<double>(clock_.now_seconds()); }

  store::Store& store_;
  const Clock& clock_;
  const CatalogOptions options_;
  ParsedCache table_cache_;  // GetTable's parsed bodies, keyed by tables.id
};

}  // namespace mortar::catalog
