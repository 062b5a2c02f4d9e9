#include "common/tag_arn.h"

#include <gtest/gtest.h>

namespace mortar {
namespace {

// The shared ARN rules the router applies before any tagger runs.
TEST(TagArnTest, ParsesGlueArnsAndRefusesOthers) {
  CallContext ctx;
  ctx.account_id = ctx.catalog_id = "111122223333";
  auto a = parse_tag_arn(ctx, "arn:aws:glue:us-east-1:111122223333:crawler/my/odd:name");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->type, "crawler");
  EXPECT_EQ(a->path, "my/odd:name");
  EXPECT_EQ(parse_tag_arn(ctx, "arn:aws:glue:us-east-1:111122223333").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(parse_tag_arn(ctx, "arn:aws:s3:us-east-1:111122223333:crawler/x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(parse_tag_arn(ctx, "arn:aws:glue:us-east-1:444455556666:crawler/x").status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace mortar
