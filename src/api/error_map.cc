#include "api/error_map.h"

#include <string>

#include "absl/strings/cord.h"

namespace mortar::api {
namespace {

constexpr std::string_view kHttpStatusUrl = "mortar/http-status";

const char* name_for_code(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kNotFound: return "EntityNotFoundException";
    case absl::StatusCode::kAlreadyExists: return "AlreadyExistsException";
    case absl::StatusCode::kInvalidArgument: return "InvalidInputException";
    case absl::StatusCode::kFailedPrecondition: return "InvalidInputException";
    case absl::StatusCode::kOutOfRange: return "InvalidInputException";
    case absl::StatusCode::kAborted: return "ConcurrentModificationException";
    case absl::StatusCode::kResourceExhausted: return "ResourceNumberLimitExceededException";
    case absl::StatusCode::kPermissionDenied: return "AccessDeniedException";
    case absl::StatusCode::kUnauthenticated: return "UnrecognizedClientException";
    case absl::StatusCode::kUnimplemented: return "UnknownOperationException";
    case absl::StatusCode::kDeadlineExceeded: return "OperationTimeoutException";
    case absl::StatusCode::kCancelled: return "OperationTimeoutException";
    default: return "InternalServiceException";  // Internal, Unavailable, Unknown, DataLoss
  }
}

}  // namespace

int http_status_for_exception(const std::string& name, absl::StatusCode code) {
  if (name == "InternalServiceException" || name == "InternalFailure" ||
      name == "ServiceUnavailable") {
    return 500;
  }
  if (name == "MissingAuthenticationTokenException" || name == "UnrecognizedClientException" ||
      name == "InvalidSignatureException" || name == "SignatureDoesNotMatch" ||
      name == "ExpiredTokenException" || name == "InvalidClientTokenId") {
    return 403;
  }
  if (code == absl::StatusCode::kUnauthenticated) return 403;
  return 400;
}

Status with_http_status(Status status, int http_status) {
  status.SetPayload(to_absl(kHttpStatusUrl), absl::Cord(std::to_string(http_status)));
  return status;
}

ApiError map_status(const Status& status) {
  ApiError err;
  if (auto explicit_name = glue_error_name(status)) {
    err.type = *explicit_name;
  } else {
    err.type = name_for_code(status.code());
  }
  err.http_status = http_status_for_exception(err.type, status.code());
  err.message = std::string(status_message(status));
  if (auto payload = status.GetPayload(to_absl(kHttpStatusUrl))) {
    err.http_status = std::stoi(std::string(*payload));
  }
  return err;
}

}  // namespace mortar::api
