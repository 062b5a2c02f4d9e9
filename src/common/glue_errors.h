// The one table from an error Status to the Glue exception a client sees and
// the HTTP status it travels with. Top-level errors (api/), batch results'
// ErrorDetail members and audit outcomes (catalog/, ...) all name errors
// through it, so one failure never answers under two names.
//
// An explicit name attached with glue_error() wins; otherwise the canonical
// code decides:
//   NotFound                                 -> EntityNotFoundException
//   AlreadyExists                            -> AlreadyExistsException
//   InvalidArgument, FailedPrecondition,
//   OutOfRange                               -> InvalidInputException
//   Aborted                                  -> ConcurrentModificationException
//   ResourceExhausted                        -> ResourceNumberLimitExceededException
//   PermissionDenied                         -> AccessDeniedException
//   Unauthenticated                          -> UnrecognizedClientException (403)
//   Unimplemented                            -> UnknownOperationException
//   DeadlineExceeded, Cancelled              -> OperationTimeoutException
//   anything else (Internal, Unavailable ...) -> InternalServiceException (500)
// Client errors are 400 (403 for the authentication errors, as AWS answers
// them); only internal faults are 500, since clients retry 5xx.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "common/status.h"

namespace mortar {

struct GlueError {
  int http_status = 400;
  std::string type;  // "EntityNotFoundException"
  std::string message;
};

// The exception name of a non-OK status.
std::string glue_exception_name(const Status& status);

// Name, HTTP status and message of a non-OK status.
GlueError to_glue_error(const Status& status);

// Glue's ErrorDetail shape for per-item failures of batch operations:
// {"ErrorCode": <exception name>, "ErrorMessage": <message>}.
nlohmann::json glue_error_detail(const Status& status);

// Attaches an explicit HTTP status (404/405 for requests outside the API).
Status with_http_status(Status status, int http_status);

}  // namespace mortar
