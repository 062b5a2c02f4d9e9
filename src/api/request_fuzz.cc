// libFuzzer target: arbitrary bytes as the JSON body of a Glue request,
// served by a real Service (auth mode "open", in-memory SQLite store, catalog
// operations registered). The first byte picks the operation. Besides
// crashes and sanitizer reports, it checks the wire invariants: every answer
// is a JSON object with x-amzn-RequestId, and bad input is never a 500.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "api/accounts.h"
#include "api/next_token.h"
#include "api/ops/catalog_operations.h"
#include "api/ops/partition_operations.h"
#include "api/service.h"
#include "catalog/catalog.h"
#include "catalog/partition_catalog.h"
#include "store/store.h"

namespace {

constexpr const char* kOperations[] = {
    "CreateDatabase",  "GetDatabase",   "GetDatabases",         "UpdateDatabase",
    "DeleteDatabase",  "CreateTable",   "GetTable",             "GetTables",
    "UpdateTable",     "DeleteTable",   "BatchCreatePartition", "GetPartitions",
    "BatchGetPartition", "SearchTables", "GetTableVersions",    "TagResource",
};

// Wired as server/ wires it: one Catalog, the operations registered over it.
struct Env {
  std::unique_ptr<mortar::store::Store> store;
  std::unique_ptr<mortar::catalog::Catalog> catalog;
  std::unique_ptr<mortar::catalog::PartitionCatalog> partitions;
  mortar::api::NextTokenCodec codec{"fuzz"};
  std::unique_ptr<mortar::api::Service> service;
};

Env* make_env() {
  auto* env = new Env;
  auto store = mortar::store::open_sqlite_store(":memory:");
  if (!store.ok()) std::abort();
  env->store = std::move(*store);
  if (!mortar::api::AccountRegistry::migrate(*env->store).ok() ||
      !mortar::catalog::Catalog::migrate(*env->store).ok()) {
    std::abort();
  }
  env->catalog = std::make_unique<mortar::catalog::Catalog>(*env->store, mortar::Clock::real());
  env->partitions = std::make_unique<mortar::catalog::PartitionCatalog>(*env->catalog);
  mortar::api::OperationRegistry ops;
  mortar::api::register_catalog_operations(ops, *env->catalog, env->codec);
  mortar::api::register_partition_operations(ops, *env->catalog, *env->partitions, env->codec);
  mortar::api::ServiceOptions options;
  options.auth_mode = mortar::api::AuthMode::kOpen;
  options.default_account_id = "123456789012";
  auto service = mortar::api::Service::create(options, *env->store, std::move(ops));
  if (!service.ok()) std::abort();
  env->service = std::move(*service);
  return env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Env* env = make_env();
  if (size == 0) return 0;
  mortar::HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers["content-type"] = "application/x-amz-json-1.1";
  request.headers["x-amz-target"] =
      std::string("AWSGlue.") + kOperations[data[0] % (sizeof(kOperations) / sizeof(*kOperations))];
  request.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  mortar::api::RequestInfo info;
  mortar::HttpResponse response = env->service->handle(request, &info);
  if (response.headers.count("x-amzn-requestid") == 0) std::abort();
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) std::abort();
  if (response.status >= 500) std::abort();  // bad input must be a 4xx
  return 0;
}
