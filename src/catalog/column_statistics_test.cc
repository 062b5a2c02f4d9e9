#include "catalog/column_statistics.h"

#include "catalog/partition_test_util.h"

namespace mortar::catalog {
namespace {

Json long_stats(const std::string& column, int64_t max) {
  return {{"ColumnName", column},
          {"ColumnType", "bigint"},
          {"AnalyzedTime", 1700000000},
          {"StatisticsData",
           {{"Type", "LONG"},
            {"LongColumnStatisticsData",
             {{"MinimumValue", 0}, {"MaximumValue", max}, {"NumberOfNulls", 0},
              {"NumberOfDistinctValues", 10}}}}}};
}

class ColumnStatisticsTest : public PartitionTest {
 protected:
  void SetUp() override {
    PartitionTest::SetUp();
    make_table("events", {{"year", "int"}});
    create("events", {"2020"});
    stats_ = std::make_unique<ColumnStatisticsCatalog>(*catalog_);
  }
  std::unique_ptr<ColumnStatisticsCatalog> stats_;
};

TEST_P(ColumnStatisticsTest, TableStatisticsRoundTrip) {
  Json bad_type = long_stats("amount", 5);
  bad_type["StatisticsData"]["Type"] = "DOUBLE";
  auto errors = stats_->update_for_table(
      ctx_, "db", "events", Json::array({long_stats("id", 5), long_stats("nope", 1), bad_type}));
  ASSERT_TRUE(errors.ok()) << errors.status();
  ASSERT_EQ(errors->size(), 2u);
  EXPECT_EQ((*errors)[0]["ColumnStatistics"]["ColumnName"], "nope");
  EXPECT_EQ((*errors)[0]["Error"]["ErrorCode"], "EntityNotFoundException");
  EXPECT_EQ((*errors)[1]["Error"]["ErrorCode"], "InvalidInputException");

  // Update overwrites.
  ASSERT_TRUE(stats_->update_for_table(ctx_, "db", "events", Json::array({long_stats("ID", 9)})).ok());
  auto got = stats_->get_for_table(ctx_, "db", "events", {"id", "amount"});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->statistics.size(), 1u);
  EXPECT_EQ(got->statistics[0]["StatisticsData"]["LongColumnStatisticsData"]["MaximumValue"], 9);
  ASSERT_EQ(got->errors.size(), 1u);
  EXPECT_EQ(got->errors[0]["ColumnName"], "amount");
  EXPECT_EQ(got->errors[0]["Error"]["ErrorCode"], "EntityNotFoundException");

  ASSERT_TRUE(stats_->delete_for_table(ctx_, "db", "events", "id").ok());
  EXPECT_TRUE(absl::IsNotFound(stats_->delete_for_table(ctx_, "db", "events", "id")));
  EXPECT_TRUE(stats_->get_for_table(ctx_, "db", "events", {"id"})->statistics.empty());
  EXPECT_TRUE(absl::IsNotFound(stats_->get_for_table(ctx_, "db", "nope", {"id"}).status()));
}

TEST_P(ColumnStatisticsTest, PartitionStatisticsFollowThePartition) {
  Json values = Json::array({"2020"});
  auto errors = stats_->update_for_partition(ctx_, "db", "events", values,
                                             Json::array({long_stats("id", 3)}));
  ASSERT_TRUE(errors.ok() && errors->empty());
  auto got = stats_->get_for_partition(ctx_, "db", "events", values, {"id"});
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->statistics.size(), 1u);
  // Table-level statistics are separate.
  EXPECT_TRUE(stats_->get_for_table(ctx_, "db", "events", {"id"})->statistics.empty());
  EXPECT_TRUE(absl::IsNotFound(
      stats_->get_for_partition(ctx_, "db", "events", Json::array({"1999"}), {"id"}).status()));
  ASSERT_TRUE(partitions_->delete_partition(ctx_, "db", "events", values).ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM partition_column_statistics"), 0);
}

MORTAR_ON_STORE_BACKENDS(ColumnStatisticsTest, test_support::StoreBackend::kSqliteMemory);

}  // namespace
}  // namespace mortar::catalog
