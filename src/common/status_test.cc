#include "common/status.h"
#include "common/clock.h"

#include <gtest/gtest.h>

namespace mortar {
namespace {

TEST(StatusTest, GlueErrorCarriesExceptionName) {
  Status s = glue_error(absl::StatusCode::kFailedPrecondition, "CrawlerRunningException",
                        "Crawler c1 is running");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(glue_error_name(s).value_or(""), "CrawlerRunningException");
  EXPECT_EQ(status_message(s), "Crawler c1 is running");
}

TEST(StatusTest, PlainErrorsHaveNoExplicitName) {
  EXPECT_FALSE(glue_error_name(not_found("Table t not found.")).has_value());
  EXPECT_EQ(not_found("x").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(concurrent_modification("x").code(), absl::StatusCode::kAborted);
}

TEST(StatusTest, AnnotateKeepsCodeAndName) {
  Status s = annotate(glue_error(absl::StatusCode::kInvalidArgument, "X", "bad byte"), "f.csv");
  EXPECT_EQ(status_message(s), "f.csv: bad byte");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(glue_error_name(s).value_or(""), "X");
}

TEST(StatusTest, AnnotateDoesNotRepeatTheSameContext) {
  Status inner = invalid_input("/d/part-0.csv: line 9: bad quote");
  EXPECT_EQ(status_message(annotate(inner, "/d/part-0.csv")), "/d/part-0.csv: line 9: bad quote");
  // Another context, or one that is only a prefix of the message's, is added.
  EXPECT_EQ(status_message(annotate(inner, "job")), "job: /d/part-0.csv: line 9: bad quote");
  EXPECT_EQ(status_message(annotate(inner, "/d/part-0")), "/d/part-0: /d/part-0.csv: line 9: bad quote");
}

StatusOr<int> half(int x) {
  if (x % 2) return invalid_input("odd");
  return x / 2;
}

Status quarter(int x, int* out) {
  MORTAR_ASSIGN_OR_RETURN(int h, half(x));
  MORTAR_ASSIGN_OR_RETURN(*out, half(h));
  return ok_status();
}

TEST(StatusTest, Macros) {
  int out = 0;
  EXPECT_TRUE(quarter(8, &out).ok());
  EXPECT_EQ(out, 2);
  EXPECT_EQ(quarter(6, &out).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ClockTest, FakeClockMovesOnlyByHand) {
  FakeClock clock(1000);
  EXPECT_EQ(clock.now_micros(), 1000);
  clock.advance(500);
  EXPECT_EQ(clock.now_micros(), 1500);
}

}  // namespace
}  // namespace mortar
