// The one table mapping internal Status codes to Glue's exception names and
// HTTP statuses. An explicit name attached with glue_error() wins; otherwise
// the canonical code decides. Client errors are 400 (403 for authentication
// failures, as AWS answers them), only internal faults 500 (clients retry 5xx).
#pragma once

#include <string>

#include "common/status.h"

namespace mortar::api {

struct ApiError {
  int http_status = 400;
  std::string type;     // "EntityNotFoundException"
  std::string message;
};

ApiError map_status(const Status& status);

// Attaches an explicit HTTP status (404/405 for requests outside the API).
Status with_http_status(Status status, int http_status);

// The HTTP status AWS uses for an exception name (403 for the
// authentication errors, 500 for InternalServiceException, else 400).
int http_status_for_exception(const std::string& name, absl::StatusCode code);

}  // namespace mortar::api
