// How an AWS Glue operation is served: the api framework authenticates the
// request, checks its body against the operation's input shape in botocore's
// Glue model, then calls the registered handler with the parsed input. The
// handler returns the output object (or a Status, mapped to a Glue exception
// by common/glue_errors). Handlers may assume required members are present and
// every member has its modelled type.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/status.h"

namespace mortar::api {

using Json = nlohmann::json;

struct RequestContext {
  std::string request_id;
  std::string operation;   // "GetTable"
  std::string account_id;  // 12 digits: the caller's account == its CatalogId
  std::string principal;   // "arn:aws:iam::<account>:user/<name>" or "root"
  std::string region;      // from the SigV4 scope, e.g. "us-east-1"
  const Clock* clock = &Clock::real();
};

using OpHandler = std::function<StatusOr<Json>(RequestContext& ctx, const Json& input)>;

// Not thread-safe for add(); find() is safe once registration is done.
class OperationRegistry {
 public:
  void add(const std::string& operation, OpHandler handler) { ops_[operation] = std::move(handler); }
  const OpHandler* find(const std::string& operation) const {
    auto it = ops_.find(operation);
    return it == ops_.end() ? nullptr : &it->second;
  }
  const std::map<std::string, OpHandler>& all() const { return ops_; }

 private:
  std::map<std::string, OpHandler> ops_;
};

}  // namespace mortar::api
