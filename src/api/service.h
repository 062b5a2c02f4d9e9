// The AWS API service: turns one HTTP request into one HTTP response.
// SigV4 authentication (or auth mode "open"), X-Amz-Target dispatch, model
// validation, the handler call, and error mapping all happen here; the http/
// layer only moves bytes. Several AWS JSON 1.1 services share the endpoint
// (Glue, CloudWatch Logs): the X-Amz-Target prefix picks one, and with it the
// SigV4 service name, the botocore model and the operations. Thread-safe:
// handle() is called from many threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/glue_model.h"
#include "api/operation.h"
#include "common/clock.h"
#include "common/http_message.h"
#include "common/service_errors.h"
#include "store/store.h"

namespace mortar::api {

enum class AuthMode { kSigV4, kOpen };

struct ServiceOptions {
  AuthMode auth_mode = AuthMode::kSigV4;
  std::string default_account_id;   // 12 digits; "open" mode maps every caller here
  std::string region = "us-east-1";  // used in ARNs
  // The regions a SigV4 credential scope may name (AWS refuses a region other
  // than the endpoint's); empty: just `region`. Not checked in "open" mode.
  std::vector<std::string> regions;
  int64_t max_clock_skew_seconds = 15 * 60;
  const Clock* clock = &Clock::real();
};

// What happened to one request, for the server's access log and metrics.
struct RequestInfo {
  std::string request_id;
  std::string operation;   // "" when the request never named one
  std::string principal;   // "" when unauthenticated
  std::string error_type;  // "" on success, else the exception name
  std::string error_message;
  int http_status = 200;
  bool authentication_failed = false;  // refused before reaching an operation
};

// One AWS service on the endpoint.
struct AwsService {
  const ServiceModel* model = nullptr;  // its target prefix and request shapes
  std::string signing_name;             // the SigV4 scope's service: "glue", "logs"
  std::string display_name;             // in messages: "AWS Glue", "CloudWatch Logs"
  OperationRegistry operations;
  const ExceptionRenames* renames = nullptr;  // its names for Glue's exceptions; null: Glue's
};

// Glue over `operations` (AWSGlue.*, SigV4 "glue").
AwsService glue_service(OperationRegistry operations);
// CloudWatch Logs over `operations` (Logs_20140328.*, SigV4 "logs").
AwsService logs_service(OperationRegistry operations);
// EventBridge over `operations` (AWSEvents.*, SigV4 "events").
AwsService events_service(OperationRegistry operations);

class Service {
 public:
  // A service over exactly `operations`, the finished registry (server/
  // registers the catalog's, the crawlers' ... over the parts it built; they
  // must outlive the service). Access keys are read from `store`, whose
  // "auth" component must be migrated (AccountRegistry::migrate).
  static StatusOr<std::unique_ptr<Service>> create(ServiceOptions options, store::Store& store,
                                                   OperationRegistry operations);
  // The same over several services; the first answers requests that name no
  // known target prefix. Prefixes must differ.
  static StatusOr<std::unique_ptr<Service>> create_for_services(ServiceOptions options,
                                                                store::Store& store,
                                                                std::vector<AwsService> services);
  virtual ~Service() = default;

  virtual HttpResponse handle(const HttpRequest& request, RequestInfo* info) = 0;

  // An AWS-shaped error response (used by http/ for 413 and the like).
  static HttpResponse error_response(int http_status, const std::string& exception_name,
                                     const std::string& message, const std::string& request_id);
};

}  // namespace mortar::api
