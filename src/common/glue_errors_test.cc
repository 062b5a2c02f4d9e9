#include "common/glue_errors.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mortar {
namespace {

TEST(GlueErrors, CanonicalCodesMapToGlueExceptions) {
  struct Case {
    Status status;
    const char* type;
    int http;
  } cases[] = {
      {not_found("no table"), "EntityNotFoundException", 400},
      {already_exists("dup"), "AlreadyExistsException", 400},
      {invalid_input("bad"), "InvalidInputException", 400},
      {absl::FailedPreconditionError("state"), "InvalidInputException", 400},
      {absl::OutOfRangeError("past the end"), "InvalidInputException", 400},
      {concurrent_modification("stale"), "ConcurrentModificationException", 400},
      {limit_exceeded("too many"), "ResourceNumberLimitExceededException", 400},
      {access_denied("no"), "AccessDeniedException", 400},
      {absl::UnauthenticatedError("who"), "UnrecognizedClientException", 403},
      {unimplemented("later"), "UnknownOperationException", 400},
      {internal_error("boom"), "InternalServiceException", 500},
      {absl::UnavailableError("busy"), "InternalServiceException", 500},
      {absl::DeadlineExceededError("slow"), "OperationTimeoutException", 400},
      {absl::CancelledError("stopped"), "OperationTimeoutException", 400},
  };
  for (const auto& c : cases) {
    GlueError e = to_glue_error(c.status);
    EXPECT_EQ(e.type, c.type) << c.status;
    EXPECT_EQ(e.http_status, c.http) << c.status;
    EXPECT_EQ(e.message, std::string(status_message(c.status)));
  }
}

TEST(GlueErrors, ExplicitGlueNameWins) {
  GlueError e = to_glue_error(
      glue_error(absl::StatusCode::kFailedPrecondition, "CrawlerRunningException", "running"));
  EXPECT_EQ(e.type, "CrawlerRunningException");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.message, "running");
}

TEST(GlueErrors, AuthenticationErrorsAre403AndIncompleteSignatureIs400) {
  EXPECT_EQ(to_glue_error(glue_error(absl::StatusCode::kUnauthenticated,
                                     "MissingAuthenticationTokenException", "m"))
                .http_status,
            403);
  EXPECT_EQ(to_glue_error(
                glue_error(absl::StatusCode::kUnauthenticated, "InvalidSignatureException", "m"))
                .http_status,
            403);
  EXPECT_EQ(to_glue_error(
                glue_error(absl::StatusCode::kInvalidArgument, "IncompleteSignatureException", "m"))
                .http_status,
            400);
}

TEST(GlueErrors, ExplicitHttpStatus) {
  GlueError e = to_glue_error(with_http_status(not_found("nothing here"), 404));
  EXPECT_EQ(e.http_status, 404);
  EXPECT_EQ(e.type, "EntityNotFoundException");
}

// A batch item's ErrorDetail names the failure exactly as a top-level error
// would: a store's FOREIGN KEY violation (FailedPrecondition) once surfaced as
// InternalServiceException in ErrorDetails but InvalidInputException on its own.
TEST(GlueErrors, ErrorDetailUsesTheSameNameAsTopLevelErrors) {
  for (const Status& st :
       {absl::FailedPreconditionError("FOREIGN KEY constraint failed"),
        absl::OutOfRangeError("past the end"), absl::DeadlineExceededError("slow"),
        not_found("Table t not found."),
        glue_error(absl::StatusCode::kFailedPrecondition, "CrawlerRunningException", "busy")}) {
    nlohmann::json detail = glue_error_detail(st);
    EXPECT_EQ(detail["ErrorCode"], to_glue_error(st).type) << st;
    EXPECT_EQ(detail["ErrorMessage"], std::string(status_message(st)));
    EXPECT_EQ(detail.size(), 2u);
  }
  EXPECT_EQ(glue_error_detail(absl::FailedPreconditionError("x"))["ErrorCode"],
            "InvalidInputException");
}

}  // namespace
}  // namespace mortar
