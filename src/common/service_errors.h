// Other AWS services served on the same endpoint (CloudWatch Logs, EventBridge) name some
// of Glue's errors differently. They use the one table of glue_errors.h, then
// rename its answer through their ExceptionRenames.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "common/glue_errors.h"

namespace mortar {

// Another service's names for the exceptions glue_errors.h's table answers.
using ExceptionRenames = std::map<std::string, std::string, std::less<>>;

// CloudWatch Logs': EntityNotFoundException -> ResourceNotFoundException,
// AlreadyExistsException -> ResourceAlreadyExistsException,
// InvalidInputException -> InvalidParameterException,
// ConcurrentModificationException -> OperationAbortedException,
// ResourceNumberLimitExceededException -> LimitExceededException,
// InternalServiceException -> ServiceUnavailableException (500).
const ExceptionRenames& logs_exception_renames();

// EventBridge's: EntityNotFoundException -> ResourceNotFoundException,
// AlreadyExistsException -> ResourceAlreadyExistsException,
// InvalidInputException -> ValidationException,
// ResourceNumberLimitExceededException -> LimitExceededException,
// InternalServiceException -> InternalException (500).
const ExceptionRenames& events_exception_renames();

// to_glue_error(status) with the name renamed by `renames` (the HTTP status
// follows the name: a renamed internal fault stays 500).
GlueError to_glue_error(const Status& status, const ExceptionRenames& renames);

}  // namespace mortar
