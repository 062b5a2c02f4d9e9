#include "catalog/partition_catalog.h"

#include <algorithm>
#include <set>

#include "catalog/partition_test_util.h"

namespace mortar::catalog {
namespace {

using Values = std::vector<std::string>;

class PartitionCatalogTest : public PartitionTest {
 protected:
  void SetUp() override {
    PartitionTest::SetUp();
    make_table("events", {{"year", "int"}, {"region", "string"}});
  }
};

TEST_P(PartitionCatalogTest, CreateThenGetAnswersAGluePartition) {
  create("events", {"2020", "eu"});
  auto p = partitions_->get_partition(ctx_, "db", "events", Json::array({"2020", "eu"}));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)["Values"], Json::array({"2020", "eu"}));
  EXPECT_EQ((*p)["DatabaseName"], "db");
  EXPECT_EQ((*p)["TableName"], "events");
  EXPECT_EQ((*p)["CatalogId"], "123456789012");
  EXPECT_TRUE((*p)["CreationTime"].is_number());
  EXPECT_EQ((*p)["CreationTime"].get<double>(), 1700000000.0);
  EXPECT_EQ((*p)["StorageDescriptor"]["Location"], "/data/t/2020/eu");
  EXPECT_EQ((*p)["Parameters"]["k"], "v");
  // Table names are case-insensitive.
  EXPECT_TRUE(partitions_->get_partition(ctx_, "DB", "Events", Json::array({"2020", "eu"})).ok());
}

TEST_P(PartitionCatalogTest, CreateErrors) {
  create("events", {"2020", "eu"});
  auto dup = partitions_->create_partition(ctx_, "db", "events", partition_input({"2020", "eu"}));
  EXPECT_TRUE(absl::IsAlreadyExists(dup)) << dup;
  auto wrong = partitions_->create_partition(ctx_, "db", "events", partition_input({"2020"}));
  EXPECT_TRUE(absl::IsInvalidArgument(wrong)) << wrong;
  EXPECT_NE(wrong.message().find("number of partition keys"), std::string::npos);
  auto missing = partitions_->create_partition(ctx_, "db", "nope", partition_input({"1", "x"}));
  EXPECT_TRUE(absl::IsNotFound(missing)) << missing;
  EXPECT_EQ(missing.message(), "Table nope not found.");
  auto no_db = partitions_->create_partition(ctx_, "nodb", "events", partition_input({"1", "x"}));
  EXPECT_TRUE(absl::IsNotFound(no_db)) << no_db;
  auto get_missing = partitions_->get_partition(ctx_, "db", "events", Json::array({"1", "x"}));
  EXPECT_TRUE(absl::IsNotFound(get_missing.status()));
}

TEST_P(PartitionCatalogTest, MutationsAreAudited) {
  CallContext c = ctx_;
  c.operation = "CreatePartition";
  ASSERT_TRUE(partitions_->create_partition(c, "db", "events", partition_input({"2020", "eu"})).ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE operation = 'CreatePartition' AND "
                  "outcome = 'OK' AND resource = "
                  "'arn:aws:glue:us-east-1:123456789012:table/db/events'"),
            1);
  (void)partitions_->create_partition(c, "db", "events", partition_input({"2020", "eu"}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE operation = 'CreatePartition' AND "
                  "outcome = 'AlreadyExistsException'"),
            1);
}

TEST_P(PartitionCatalogTest, BatchCreateReportsEachFailure) {
  create("events", {"2019", "eu"});
  Json inputs = Json::array({partition_input({"2020", "eu"}), partition_input({"2019", "eu"}),
                             partition_input({"2020", "eu"}), partition_input({"2021"}),
                             partition_input({"2021", "us"})});
  auto errors = partitions_->batch_create_partition(ctx_, "db", "events", inputs);
  ASSERT_TRUE(errors.ok()) << errors.status();
  ASSERT_EQ(errors->size(), 3u) << errors->dump();
  EXPECT_EQ((*errors)[0]["PartitionValues"], Json::array({"2019", "eu"}));
  EXPECT_EQ((*errors)[0]["ErrorDetail"]["ErrorCode"], "AlreadyExistsException");
  EXPECT_EQ((*errors)[1]["PartitionValues"], Json::array({"2020", "eu"}));
  EXPECT_EQ((*errors)[1]["ErrorDetail"]["ErrorCode"], "AlreadyExistsException");
  EXPECT_EQ((*errors)[2]["PartitionValues"], Json::array({"2021"}));
  EXPECT_EQ((*errors)[2]["ErrorDetail"]["ErrorCode"], "InvalidInputException");
  EXPECT_EQ(query("events", "").size(), 3u);  // 2019, 2020, 2021/us
  // A missing table fails the whole batch.
  auto missing = partitions_->batch_create_partition(ctx_, "db", "nope", inputs);
  EXPECT_TRUE(absl::IsNotFound(missing.status()));
}

TEST_P(PartitionCatalogTest, BatchGetSkipsMissingAndDuplicates) {
  create("events", {"2020", "eu"});
  create("events", {"2021", "eu"});
  Json to_get = Json::array({{{"Values", {"2021", "eu"}}},
                             {{"Values", {"1999", "eu"}}},
                             {{"Values", {"2021", "eu"}}},
                             {{"Values", {"2020", "eu"}}}});
  auto got = partitions_->batch_get_partition(ctx_, "db", "events", to_get);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 2u);
  std::set<Json> values;
  for (const auto& p : *got) values.insert(p["Values"]);
  EXPECT_EQ(values, (std::set<Json>{Json::array({"2020", "eu"}), Json::array({"2021", "eu"})}));
  auto bad = partitions_->batch_get_partition(ctx_, "db", "events",
                                              Json::array({{{"Values", {"2021"}}}}));
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status()));
}

TEST_P(PartitionCatalogTest, UpdateReplacesAndCanMoveValues) {
  create("events", {"2020", "eu"});
  create("events", {"2021", "eu"});
  clock_.advance(60'000'000);
  Json input = partition_input({"2020", "eu"});
  input["Parameters"] = {{"k", "v2"}};
  ASSERT_TRUE(partitions_->update_partition(ctx_, "db", "events", Json::array({"2020", "eu"}), input)
                  .ok());
  auto p = partitions_->get_partition(ctx_, "db", "events", Json::array({"2020", "eu"}));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)["Parameters"]["k"], "v2");
  EXPECT_EQ((*p)["CreationTime"].get<double>(), 1700000000.0);  // kept

  // Moving onto an existing partition fails; onto new values re-indexes.
  Json clash = partition_input({"2021", "eu"});
  EXPECT_TRUE(absl::IsAlreadyExists(
      partitions_->update_partition(ctx_, "db", "events", Json::array({"2020", "eu"}), clash)));
  Json move = partition_input({"2030", "us"});
  ASSERT_TRUE(
      partitions_->update_partition(ctx_, "db", "events", Json::array({"2020", "eu"}), move).ok());
  EXPECT_TRUE(absl::IsNotFound(
      partitions_->get_partition(ctx_, "db", "events", Json::array({"2020", "eu"})).status()));
  EXPECT_EQ(query("events", "year > 2025"), (std::vector<Values>{{"2030", "us"}}));
  EXPECT_TRUE(query("events", "year = 2020").empty());

  EXPECT_TRUE(absl::IsNotFound(partitions_->update_partition(
      ctx_, "db", "events", Json::array({"1", "x"}), partition_input({"1", "x"}))));
}

TEST_P(PartitionCatalogTest, BatchUpdateReportsEachFailure) {
  create("events", {"2020", "eu"});
  Json entries = Json::array(
      {{{"PartitionValueList", {"2020", "eu"}}, {"PartitionInput", partition_input({"2020", "eu"})}},
       {{"PartitionValueList", {"1999", "eu"}}, {"PartitionInput", partition_input({"1999", "eu"})}}});
  auto errors = partitions_->batch_update_partition(ctx_, "db", "events", entries);
  ASSERT_TRUE(errors.ok()) << errors.status();
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0]["PartitionValueList"], Json::array({"1999", "eu"}));
  EXPECT_EQ((*errors)[0]["ErrorDetail"]["ErrorCode"], "EntityNotFoundException");
}

TEST_P(PartitionCatalogTest, DeleteAndBatchDelete) {
  for (int y = 2000; y < 2010; ++y) create("events", {std::to_string(y), "eu"});
  EXPECT_EQ(count("SELECT COUNT(*) FROM partition_keys"), 20);
  ASSERT_TRUE(partitions_->delete_partition(ctx_, "db", "events", Json::array({"2000", "eu"})).ok());
  EXPECT_TRUE(absl::IsNotFound(
      partitions_->delete_partition(ctx_, "db", "events", Json::array({"2000", "eu"}))));
  auto errors = partitions_->batch_delete_partition(
      ctx_, "db", "events",
      Json::array({{{"Values", {"2001", "eu"}}}, {{"Values", {"1900", "eu"}}},
                   {{"Values", {"2002", "eu"}}}}));
  ASSERT_TRUE(errors.ok());
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0]["PartitionValues"], Json::array({"1900", "eu"}));
  EXPECT_EQ((*errors)[0]["ErrorDetail"]["ErrorCode"], "EntityNotFoundException");
  EXPECT_EQ(query("events", "").size(), 7u);
  // The key index follows (ON DELETE CASCADE).
  EXPECT_EQ(count("SELECT COUNT(*) FROM partition_keys"), 14);
}

TEST_P(PartitionCatalogTest, DeletingTheTableDropsItsPartitions) {
  create("events", {"2020", "eu"});
  ASSERT_TRUE(catalog_->delete_table(ctx_, "db", "events").ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM partitions"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM partition_keys"), 0);
}

TEST_P(PartitionCatalogTest, PagesCoverEveryPartitionOnce) {
  for (int i = 0; i < 53; ++i) create("events", {std::to_string(i), i % 2 ? "eu" : "us"});
  auto all = query("events", "", /*limit=*/7);
  ASSERT_EQ(all.size(), 53u);
  std::set<std::vector<std::string>> distinct(all.begin(), all.end());
  EXPECT_EQ(distinct.size(), 53u);
  EXPECT_EQ(query("events", "region = 'eu'", 5).size(), 26u);
}

TEST_P(PartitionCatalogTest, SegmentsPartitionTheSetExactly) {
  for (int i = 0; i < 100; ++i) create("events", {std::to_string(i), i % 3 ? "eu" : "us"});
  for (int total : {1, 2, 3, 7, 10}) {
    std::multiset<std::vector<std::string>> seen;
    for (int s = 0; s < total; ++s) {
      PartitionScan scan;
      scan.segment_number = s;
      scan.total_segments = total;
      auto page = partitions_->get_partitions(ctx_, "db", "events", scan);
      ASSERT_TRUE(page.ok());
      if (total > 1) {
        EXPECT_GT(page->partitions.size(), 0u);
        EXPECT_LT(page->partitions.size(), 100u);
      }
      for (const auto& p : page->partitions) seen.insert(p["Values"]);
    }
    EXPECT_EQ(seen.size(), 100u) << total;  // nothing twice ...
    EXPECT_EQ(std::set<std::vector<std::string>>(seen.begin(), seen.end()).size(), 100u);  // nor lost
  }
  // With a filter too.
  EXPECT_EQ(query("events", "region = 'us'", 4, 3).size(), 34u);
  PartitionScan bad;
  bad.segment_number = 3;
  bad.total_segments = 3;
  EXPECT_TRUE(absl::IsInvalidArgument(
      partitions_->get_partitions(ctx_, "db", "events", bad).status()));
}

TEST_P(PartitionCatalogTest, ExcludeColumnSchemaDropsOnlyColumns) {
  create("events", {"2020", "eu"});
  PartitionScan scan;
  scan.exclude_column_schema = true;
  auto page = partitions_->get_partitions(ctx_, "db", "events", scan);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->partitions.size(), 1u);
  const Json& sd = page->partitions[0]["StorageDescriptor"];
  EXPECT_FALSE(sd.contains("Columns"));
  EXPECT_EQ(sd["Location"], "/data/t/2020/eu");
}

TEST_P(PartitionCatalogTest, FilterErrorsAreInvalidInput) {
  create("events", {"2020", "eu"});
  PartitionScan scan;
  scan.expression = "month = 1";
  auto page = partitions_->get_partitions(ctx_, "db", "events", scan);
  EXPECT_TRUE(absl::IsInvalidArgument(page.status()));
  EXPECT_NE(page.status().message().find("'month'"), std::string::npos);
  scan.expression = "year = ";
  EXPECT_TRUE(absl::IsInvalidArgument(
      partitions_->get_partitions(ctx_, "db", "events", scan).status()));
}

TEST_P(PartitionCatalogTest, RepeatedReadsNeverServeStaleBodies) {
  create("events", {"2020", "eu"});
  auto params_of = [&] {
    auto page = partitions_->get_partitions(ctx_, "db", "events", PartitionScan());
    EXPECT_TRUE(page.ok());
    return page.ok() && page->partitions.size() == 1
               ? page->partitions[0]["Parameters"].dump() : std::string();
  };
  EXPECT_EQ(params_of(), R"({"k":"v"})");
  EXPECT_EQ(params_of(), R"({"k":"v"})");  // served from the cache
  Json input = partition_input({"2020", "eu"});
  input["Parameters"] = {{"k", "updated"}};
  ASSERT_TRUE(
      partitions_->update_partition(ctx_, "db", "events", Json::array({"2020", "eu"}), input).ok());
  EXPECT_EQ(params_of(), R"({"k":"updated"})");
  // Delete and re-create with the same values (SQLite may reuse the id).
  ASSERT_TRUE(partitions_->delete_partition(ctx_, "db", "events", Json::array({"2020", "eu"})).ok());
  input["Parameters"] = {{"k", "recreated"}};
  ASSERT_TRUE(partitions_->create_partition(ctx_, "db", "events", input).ok());
  EXPECT_EQ(params_of(), R"({"k":"recreated"})");
  auto got = partitions_->batch_get_partition(ctx_, "db", "events",
                                              Json::array({{{"Values", {"2020", "eu"}}}}));
  ASSERT_TRUE(got.ok() && got->size() == 1u);
  EXPECT_EQ((*got)[0]["Parameters"]["k"], "recreated");
  EXPECT_EQ((*got)[0]["TableName"], "events");
}

TEST_P(PartitionCatalogTest, PartitionIndexes) {
  auto index = [](const std::string& name, Json keys) {
    return Json{{"IndexName", name}, {"Keys", keys}};
  };
  ASSERT_TRUE(partitions_
                  ->create_partition_index(ctx_, "db", "events", index("by_year", {"year"}))
                  .ok());
  EXPECT_TRUE(absl::IsAlreadyExists(
      partitions_->create_partition_index(ctx_, "db", "events", index("by_year", {"region"}))));
  EXPECT_TRUE(absl::IsInvalidArgument(
      partitions_->create_partition_index(ctx_, "db", "events", index("bad", {"month"}))));
  ASSERT_TRUE(partitions_
                  ->create_partition_index(ctx_, "db", "events",
                                           index("both", {"region", "YEAR"}))
                  .ok());
  ASSERT_TRUE(partitions_
                  ->create_partition_index(ctx_, "db", "events", index("third", {"region"}))
                  .ok());
  EXPECT_TRUE(absl::IsResourceExhausted(
      partitions_->create_partition_index(ctx_, "db", "events", index("fourth", {"year"}))));

  auto list = partitions_->get_partition_indexes(ctx_, "db", "events");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0]["IndexName"], "both");
  EXPECT_EQ((*list)[0]["IndexStatus"], "ACTIVE");
  EXPECT_EQ((*list)[0]["Keys"],
            Json::parse(R"([{"Name":"region","Type":"string"},{"Name":"year","Type":"int"}])"));

  ASSERT_TRUE(partitions_->delete_partition_index(ctx_, "db", "events", "both").ok());
  EXPECT_TRUE(absl::IsNotFound(partitions_->delete_partition_index(ctx_, "db", "events", "both")));
  EXPECT_EQ(partitions_->get_partition_indexes(ctx_, "db", "events")->size(), 2u);
  EXPECT_TRUE(absl::IsNotFound(partitions_->get_partition_indexes(ctx_, "db", "nope").status()));
}

MORTAR_ON_STORE_BACKENDS(PartitionCatalogTest, test_support::StoreBackend::kSqliteMemory);

}  // namespace
}  // namespace mortar::catalog
