// libFuzzer target: arbitrary bytes as the JSON body of a Glue request,
// served by a real Service (auth mode "open", in-memory SQLite store, catalog
// operations registered). The first byte picks the operation. Besides
// crashes and sanitizer reports, it checks the wire invariants: every answer
// is a JSON object with x-amzn-RequestId, and bad input is never a 500.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "api/service.h"
#include "store/store.h"

namespace {

constexpr const char* kOperations[] = {
    "CreateDatabase",  "GetDatabase",   "GetDatabases",         "UpdateDatabase",
    "DeleteDatabase",  "CreateTable",   "GetTable",             "GetTables",
    "UpdateTable",     "DeleteTable",   "BatchCreatePartition", "GetPartitions",
    "BatchGetPartition", "SearchTables", "GetTableVersions",    "TagResource",
};

struct Env {
  std::unique_ptr<mortar::store::Store> store;
  std::unique_ptr<mortar::api::Service> service;
};

Env* make_env() {
  auto store = mortar::store::open_sqlite_store(":memory:");
  if (!store.ok()) std::abort();
  mortar::api::ServiceOptions options;
  options.auth_mode = mortar::api::AuthMode::kOpen;
  options.default_account_id = "123456789012";
  options.token_secret = "fuzz";
  auto service = mortar::api::Service::create(options, **store);
  if (!service.ok()) std::abort();
  return new Env{std::move(*store), std::move(*service)};
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
