#include "common/glue_errors.h"

#include <nlohmann/json.hpp>
#include <string_view>

#include "absl/strings/cord.h"
#include "common/service_errors.h"

namespace mortar {
namespace {

constexpr std::string_view kHttpStatusUrl = "mortar/http-status";

const char* name_for_code(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kNotFound:
      return "EntityNotFoundException";
    case absl::StatusCode::kAlreadyExists:
      return "AlreadyExistsException";
    case absl::StatusCode::kInvalidArgument:
      return "InvalidInputException";
    case absl::StatusCode::kFailedPrecondition:
      return "InvalidInputException";
    case absl::StatusCode::kOutOfRange:
      return "InvalidInputException";
    case absl::StatusCode::kAborted:
      return "ConcurrentModificationException";
    case absl::StatusCode::kResourceExhausted:
      return "ResourceNumberLimitExceededException";
    case absl::StatusCode::kPermissionDenied:
      return "AccessDeniedException";
    case absl::StatusCode::kUnauthenticated:
      return "UnrecognizedClientException";
    case absl::StatusCode::kUnimplemented:
      return "UnknownOperationException";
    case absl::StatusCode::kDeadlineExceeded:
      return "OperationTimeoutException";
    case absl::StatusCode::kCancelled:
      return "OperationTimeoutException";
    default:
      return "InternalServiceException";  // Internal, Unavailable, Unknown, DataLoss
  }
}

// The HTTP status AWS uses for an exception name: 500 for the internal
// faults, 403 for the authentication errors, else 400.
int http_status_for(std::string_view name, absl::StatusCode code) {
  if (name == "InternalServiceException" || name == "InternalFailure" ||
      name == "ServiceUnavailable" || name == "ServiceUnavailableException") {
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

}  // namespace

std::string glue_exception_name(const Status& status) {
  if (auto explicit_name = glue_error_name(status)) return *explicit_name;
  return name_for_code(status.code());
}

GlueError to_glue_error(const Status& status) {
  GlueError err;
  err.type = glue_exception_name(status);
  err.http_status = http_status_for(err.type, status.code());
  err.message = std::string(status_message(status));
  if (auto payload = status.GetPayload(to_absl(kHttpStatusUrl))) {
    err.http_status = std::stoi(std::string(*payload));
  }
  return err;
}

const ExceptionRenames& logs_exception_renames() {
  static const ExceptionRenames kRenames = {
      {"EntityNotFoundException", "ResourceNotFoundException"},
      {"AlreadyExistsException", "ResourceAlreadyExistsException"},
      {"InvalidInputException", "InvalidParameterException"},
      {"ConcurrentModificationException", "OperationAbortedException"},
      {"ResourceNumberLimitExceededException", "LimitExceededException"},
      {"InternalServiceException", "ServiceUnavailableException"},
  };
  return kRenames;
}

const ExceptionRenames& events_exception_renames() {
  static const ExceptionRenames kRenames = {
      {"EntityNotFoundException", "ResourceNotFoundException"},
      {"AlreadyExistsException", "ResourceAlreadyExistsException"},
      {"InvalidInputException", "ValidationException"},
      {"ResourceNumberLimitExceededException", "LimitExceededException"},
      {"InternalServiceException", "InternalException"},
  };
  return kRenames;
}

GlueError to_glue_error(const Status& status, const ExceptionRenames& renames) {
  GlueError err = to_glue_error(status);
  if (auto it = renames.find(err.type); it != renames.end()) err.type = it->second;
  return err;
}

nlohmann::json glue_error_detail(const Status& status) {
  return nlohmann::json{{"ErrorCode", glue_exception_name(status)},
                        {"ErrorMessage", std::string(status_message(status))}};
}

Status with_http_status(Status status, int http_status) {
  status.SetPayload(to_absl(kHttpStatusUrl), absl::Cord(std::to_string(http_status)));
  return status;
}

}  // namespace mortar
