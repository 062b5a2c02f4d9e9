#include "api/ops/catalog_operations.h"

#include "api/ops/op_support.h"

namespace mortar::api {

void register_catalog_operations(OperationRegistry& registry, catalog::Catalog& catalog,
                                 const NextTokenCodec& codec) {
  ops::register_database_operations(registry, catalog, codec);
  ops::register_table_operations(registry, catalog, codec);
  ops::register_table_version_operations(registry, catalog, codec);
  ops::register_search_operations(registry, catalog, codec);
  ops::register_connection_operations(registry, catalog, codec);
  ops::register_function_operations(registry, catalog, codec);
  ops::register_tag_operations(registry, catalog);
}

}  // namespace mortar::api
