#include "api/error_map.h"

#include <gtest/gtest.h>

namespace mortar::api {
namespace {

TEST(ErrorMap, CanonicalCodesMapToGlueExceptions) {
  struct Case {
    Status status;
    const char* type;
    int http;
  } cases[] = {
      {not_found("no table"), "EntityNotFoundException", 400},
      {already_exists("dup"), "AlreadyExistsException", 400},
      {invalid_input("bad"), "InvalidInputException", 400},
      {absl::FailedPreconditionError("state"), "InvalidInputException", 400},
      {concurrent_modification("stale"), "ConcurrentModificationException", 400},
      {limit_exceeded("too many"), "ResourceNumberLimitExceededException", 400},
      {access_denied("no"), "AccessDeniedException", 400},
      {unimplemented("later"), "UnknownOperationException", 400},
      {internal_error("boom"), "InternalServiceException", 500},
      {absl::UnavailableError("busy"), "InternalServiceException", 500},
      {absl::DeadlineExceededError("slow"), "OperationTimeoutException", 400},
  };
  for (const auto& c : cases) {
    ApiError e = map_status(c.status);
    EXPECT_EQ(e.type, c.type) << c.status;
    EXPECT_EQ(e.http_status, c.http) << c.status;
    EXPECT_EQ(e.message, std::string(status_message(c.status)));
  }
}

TEST(ErrorMap, ExplicitGlueNameWins) {
  ApiError e = map_status(
      glue_error(absl::StatusCode::kFailedPrecondition, "CrawlerRunningException", "running"));
  EXPECT_EQ(e.type, "CrawlerRunningException");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.message, "running");
}

TEST(ErrorMap, AuthenticationErrorsAre403AndIncompleteSignatureIs400) {
  EXPECT_EQ(map_status(glue_error(absl::StatusCode::kUnauthenticated,
                                  "MissingAuthenticationTokenException", "m"))
                .http_status,
            403);
  EXPECT_EQ(map_status(glue_error(absl::StatusCode::kUnauthenticated, "InvalidSignatureException",
                                  "m"))
                .http_status,
            403);
  EXPECT_EQ(map_status(glue_error(absl::StatusCode::kInvalidArgument,
                                  "IncompleteSignatureException", "m"))
                .http_status,
            400);
}

TEST(ErrorMap, ExplicitHttpStatus) {
  ApiError e = map_status(with_http_status(not_found("nothing here"), 404));
  EXPECT_EQ(e.http_status, 404);
  EXPECT_EQ(e.type, "EntityNotFoundException");
}

}  // namespace
}  // namespace mortar::api
