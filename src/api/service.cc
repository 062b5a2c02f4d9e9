#include "api/service.h"

#include <exception>
#include <utility>
#include <vector>

#include "api/accounts.h"
#include "common/crypto.h"
#include "common/glue_errors.h"
#include "api/glue_model.h"
#include "api/request_body.h"
#include "api/sigv4_verifier.h"
#include "api/strings.h"
#include "api/validator.h"

namespace mortar::api {
namespace {

constexpr const char* kJsonContentType = "application/x-amz-json-1.1";

// A service of the endpoint with its SigV4 verifier (scoped to its name).
struct Served {
  AwsService service;
  std::string target_prefix;  // "AWSGlue."
  SigV4Verifier verifier;
};

class ServiceImpl : public Service {
 public:
  ServiceImpl(ServiceOptions options, store::Store& store, std::vector<AwsService> services)
      : options_(std::move(options)), accounts_(store, *options_.clock) {
    const std::vector<std::string> regions =
        options_.regions.empty() ? std::vector<std::string>{options_.region} : options_.regions;
    for (AwsService& s : services) {
      std::string prefix = s.model->target_prefix() + ".";
      std::string name = s.signing_name;
      served_.push_back(std::make_unique<Served>(
          Served{std::move(s), std::move(prefix),
                 SigV4Verifier(name, *options_.clock, options_.max_clock_skew_seconds, regions)}));
    }
  }

  HttpResponse handle(const HttpRequest& request, RequestInfo* info) override {
    RequestInfo local;
    RequestInfo& out = info ? *info : local;
    RequestContext ctx;
    ctx.request_id = new_uuid();
    ctx.clock = options_.clock;
    out.request_id = ctx.request_id;
    StatusOr<Json> result = internal_error("request not served");
    try {
      result = serve(request, ctx, out);
    } catch (const std::exception& e) {  // never let a request take the server down
      result = internal_error(str_cat("serving the request failed: ", e.what()));
    }
    out.operation = ctx.operation;
    out.principal = ctx.principal;
    if (!result.ok()) {
      const ExceptionRenames* renames = served_for(request).service.renames;
      GlueError err =
          renames ? to_glue_error(result.status(), *renames) : to_glue_error(result.status());
      out.error_type = err.type;
      out.error_message = err.message;
      out.http_status = err.http_status;
      return error_response(err.http_status, err.type, err.message, ctx.request_id);
    }
    HttpResponse response;
    response.status = 200;
    response.headers["content-type"] = kJsonContentType;
    response.headers["x-amzn-requestid"] = ctx.request_id;
    const Json& body = result->is_null() ? Json::object() : *result;
    response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
    out.http_status = 200;
    return response;
  }

 private:
  // The service a request's X-Amz-Target names; the first (Glue) when it
  // names none, so such requests are answered as they always were.
  const Served& served_for(const HttpRequest& request) const {
    if (const std::string* target = request.header("x-amz-target")) {
      for (const auto& s : served_) {
        if (target->starts_with(s->target_prefix)) return *s;
      }
    }
    return *served_.front();
  }

  // Everything between the HTTP request and the handler's result.
  StatusOr<Json> serve(const HttpRequest& request, RequestContext& ctx, RequestInfo& info) {
    const Served& served = served_for(request);
    const ServiceModel& model = *served.service.model;
    const std::string& service_name = served.service.display_name;
    std::string_view path = request.target;
    path = path.substr(0, path.find('?'));
    if (path != "/") {
      return with_http_status(
          glue_error(absl::StatusCode::kNotFound, "UnknownOperationException",
                     str_cat("No Glue API at '", path.substr(0, 200),
                                  "': send POST / with X-Amz-Target: AWSGlue.<Operation>")),
          404);
    }
    if (request.method != "POST") {
      return with_http_status(
          glue_error(absl::StatusCode::kInvalidArgument, "UnknownOperationException",
                     str_cat("Method ", request.method.substr(0, 20),
                                  " not allowed: the Glue API takes POST /")),
          405);
    }
    if (Status auth = authenticate(request, served.verifier, ctx); !auth.ok()) {
      info.authentication_failed = true;
      return auth;
    }

    const std::string* target = request.header("x-amz-target");
    const std::string& prefix = served.target_prefix;
    if (target == nullptr || !target->starts_with(prefix)) {
      return glue_error(absl::StatusCode::kInvalidArgument, "UnknownOperationException",
                        str_cat("X-Amz-Target must be ", prefix, "<Operation>, got '",
                                     target ? target->substr(0, 100) : "", "'"));
    }
    std::string op_name = target->substr(prefix.size());
    const Operation* op = model.find_operation(op_name);
    if (op == nullptr) {
      return glue_error(absl::StatusCode::kInvalidArgument, "UnknownOperationException",
                        str_cat(service_name, " has no operation ", target->substr(0, 100)));
    }
    ctx.operation = op_name;
    const OpHandler* handler = served.service.operations.find(op_name);
    if (handler == nullptr) {
      return glue_error(absl::StatusCode::kUnimplemented, "UnknownOperationException",
                        str_cat("Mortar does not implement ", prefix, op_name, " yet"));
    }
    MORTAR_RETURN_IF_ERROR(check_content_type(request));
    MORTAR_ASSIGN_OR_RETURN(Json input, parse_request_body(request.body));
    if (op->input != nullptr) {
      MORTAR_RETURN_IF_ERROR(validate_input(*op->input, input));
    } else if (!input.empty()) {
      return glue_error(absl::StatusCode::kInvalidArgument, "InvalidInputException",
                        str_cat(op_name, " takes no input members"));
    }
    if (auto it = input.find("CatalogId"); it != input.end() && it->is_string() &&
                                           it->get_ref<const std::string&>() != ctx.account_id) {
      return glue_error(absl::StatusCode::kPermissionDenied, "AccessDeniedException",
                        str_cat("Cross-account access is not supported: CatalogId ",
                                     it->get_ref<const std::string&>(),
                                     " is not the caller's account ", ctx.account_id));
    }
    try {
      return (*handler)(ctx, input);
    } catch (const std::exception& e) {
      return internal_error(str_cat(op_name, " failed: ", e.what()));
    }
  }

  Status authenticate(const HttpRequest& request, const SigV4Verifier& verifier,
                      RequestContext& ctx) {
    if (options_.auth_mode == AuthMode::kOpen) {
      ctx.account_id = options_.default_account_id;
      ctx.principal = str_cat("arn:aws:iam::", ctx.account_id, ":root");
      ctx.region = options_.region;
      if (const std::string* auth = request.header("authorization")) {
        auto parsed = parse_sigv4_authorization(*auth);
        if (parsed.ok() && !parsed->region.empty()) ctx.region = parsed->region;
      }
      return ok_status();
    }
    AccessKey key;
    auto lookup = [&](const std::string& id,
                      const std::string& session_token) -> StatusOr<std::string> {
      // Mortar issues no session tokens yet: any token is one it did not
      // issue. (STS sessions will resolve (id, token) to their secret here.)
      if (!session_token.empty()) return not_found("unknown session token");
      MORTAR_ASSIGN_OR_RETURN(key, accounts_.find_active_key(id));
      return key.secret_access_key;
    };
    MORTAR_ASSIGN_OR_RETURN(SigV4Identity identity, verifier.verify(request, lookup));
    ctx.account_id = key.account_id;
    ctx.principal = key.user_name.empty()
                        ? str_cat("arn:aws:iam::", key.account_id, ":root")
                        : str_cat("arn:aws:iam::", key.account_id, ":user/", key.user_name);
    ctx.region = identity.region;
    return ok_status();
  }

  static Status check_content_type(const HttpRequest& request) {
    const std::string* ct = request.header("content-type");
    if (ct == nullptr || ct->empty()) return ok_status();  // curl-style callers
    std::string type = ascii_lower(strip_ascii_whitespace(ct->substr(0, ct->find(';'))));
    if (type == kJsonContentType || type == "application/json") return ok_status();
    return glue_error(absl::StatusCode::kInvalidArgument, "SerializationException",
                      str_cat("Unsupported Content-Type '", ct->substr(0, 100),
                                   "': use application/x-amz-json-1.1"));
  }

  ServiceOptions options_;
  AccountRegistry accounts_;
  std::vector<std::unique_ptr<Served>> served_;  // Glue first
};

Status check_open_mode(const ServiceOptions& options) {
  if (options.auth_mode == AuthMode::kOpen && options.default_account_id.size() != 12) {
    return invalid_input("auth mode \"open\" needs a 12-digit default account id");
  }
  return ok_status();
}

}  // namespace

AwsService glue_service(OperationRegistry operations) {
  return AwsService{&ServiceModel::embedded(), "glue", "AWS Glue", std::move(operations), nullptr};
}

AwsService logs_service(OperationRegistry operations) {
  return AwsService{&ServiceModel::embedded_logs(), "logs", "CloudWatch Logs",
                    std::move(operations), &logs_exception_renames()};
}

AwsService events_service(OperationRegistry operations) {
  return AwsService{&ServiceModel::embedded_events(), "events", "Amazon EventBridge",
                    std::move(operations), &events_exception_renames()};
}

StatusOr<std::unique_ptr<Service>> Service::create(ServiceOptions options, store::Store& store,
                                                   OperationRegistry operations) {
  std::vector<AwsService> services;
  services.push_back(glue_service(std::move(operations)));
  return create_for_services(std::move(options), store, std::move(services));
}

StatusOr<std::unique_ptr<Service>> Service::create_for_services(ServiceOptions options,
                                                                store::Store& store,
                                                                std::vector<AwsService> services) {
  MORTAR_RETURN_IF_ERROR(check_open_mode(options));
  if (services.empty()) return invalid_input("an API service needs at least one AWS service");
  for (size_t i = 0; i < services.size(); ++i) {
    if (services[i].model == nullptr) return invalid_input("an AWS service without a model");
    for (size_t j = 0; j < i; ++j) {
      if (services[j].model->target_prefix() == services[i].model->target_prefix()) {
        return invalid_input("two AWS services with target prefix " +
                             services[i].model->target_prefix());
      }
    }
  }
  return std::unique_ptr<Service>(
      std::make_unique<ServiceImpl>(std::move(options), store, std::move(services)));
}

HttpResponse Service::error_response(int http_status, const std::string& exception_name,
                                     const std::string& message, const std::string& request_id) {
  HttpResponse response;
  response.status = http_status;
  response.headers["content-type"] = kJsonContentType;
  response.headers["x-amzn-requestid"] = request_id.empty() ? new_uuid() : request_id;
  response.headers["x-amzn-errortype"] = exception_name;
  Json body = {{"__type", exception_name}, {"message", message}};
  response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return response;
}

}  // namespace mortar::api
