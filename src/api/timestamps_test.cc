#include "api/timestamps.h"

#include <gtest/gtest.h>

namespace mortar::api {
namespace {

TEST(Timestamps, WholeSecondsAreIntegersAndFractionsAreKept) {
  EXPECT_EQ(epoch_seconds_json(1700000000LL * 1000000).dump(), "1700000000");
  EXPECT_DOUBLE_EQ(epoch_seconds_json(1700000000LL * 1000000 + 500000).get<double>(), 1700000000.5);
  EXPECT_EQ(epoch_micros_from_json(nlohmann::json(1700000000)), 1700000000LL * 1000000);
  EXPECT_EQ(epoch_micros_from_json(nlohmann::json(1.25)), 1250000);
}

}  // namespace
}  // namespace mortar::api
