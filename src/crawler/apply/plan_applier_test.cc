// Golden tests of what a crawl writes to a real catalog, from hand-made
// plans: the exact tables, partitions and parameters, and each policy on
// re-crawl (added columns, partitions, deleted folders, changed formats).
#include "crawler/apply/plan_applier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crawler/apply/apply_test_util.h"

namespace mortar::crawler {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr char kLoc[] = "/data/sales/";

PlannedTable sales(const std::string& schema = "struct<id:bigint,name:string>",
                   const std::vector<std::string>& days = {"2024-01-01", "2024-01-02"}) {
  return planned_table("sales", kLoc, csv_classification(schema), "dt", days);
}

TEST_F(ApplyTest, CreatesCsvTableExactlyAsGlue) {
  auto r = apply({sales()});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(actions(*r), ElementsAre("CREATE_TABLE sales", "CREATE_PARTITION sales [\"2024-01-01\"]",
                                       "CREATE_PARTITION sales [\"2024-01-02\"]"));
  EXPECT_EQ(r->summary.tables_created, 1);
  EXPECT_EQ(r->summary.partitions_created, 2);

  Json t = table("sales");
  EXPECT_EQ(t["TableType"], "EXTERNAL_TABLE");
  EXPECT_EQ(t["Owner"], "owner");
  EXPECT_EQ(t["PartitionKeys"], Json::parse(R"([{"Name":"dt","Type":"string"}])"));
  const Json expected_params = {{"classification", "csv"},
                                {"compressionType", "none"},
                                {"typeOfData", "file"},
                                {"delimiter", ","},
                                {"skip.header.line.count", "1"},
                                {"areColumnsQuoted", "false"},
                                {"columnsOrdered", "true"},
                                {"recordCount", "10"},
                                {"averageRecordSize", "20"},
                                {"objectCount", "2"},
                                {"sizeKey", "200"},
                                {"UPDATED_BY_CRAWLER", "c1"},
                                {"CrawlerSchemaSerializerVersion", "1.0"},
                                {"CrawlerSchemaDeserializerVersion", "1.0"},
                                {"CRAWL_RUN_ID", "crawl-1"}};
  EXPECT_EQ(t["Parameters"], expected_params);
  const Json& sd = t["StorageDescriptor"];
  EXPECT_EQ(sd["Columns"], Json::parse(R"([{"Name":"id","Type":"bigint"},{"Name":"name","Type":"string"}])"));
  EXPECT_EQ(sd["Location"], kLoc);
  EXPECT_EQ(sd["InputFormat"], kTextInput);
  EXPECT_EQ(sd["OutputFormat"], kTextOutput);
  EXPECT_EQ(sd["SerdeInfo"], Json::parse(std::string(R"({"SerializationLibrary":")") + kLazySimple +
                                         R"(","Parameters":{"field.delim":","}})"));
  EXPECT_EQ(sd["Compressed"], false);
  EXPECT_EQ(sd["NumberOfBuckets"], -1);
  EXPECT_EQ(sd["StoredAsSubDirectories"], false);
  EXPECT_EQ(sd["Parameters"], expected_params);

  auto parts = partitions("sales");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0]["Values"], Json::array({"2024-01-01"}));
  EXPECT_EQ(parts[0]["StorageDescriptor"]["Location"], "/data/sales/dt=2024-01-01/");
  EXPECT_EQ(parts[0]["StorageDescriptor"]["Columns"], sd["Columns"]);
  EXPECT_EQ(parts[0]["StorageDescriptor"]["SerdeInfo"], sd["SerdeInfo"]);
  EXPECT_EQ(parts[0]["Parameters"]["objectCount"], "1");
  EXPECT_EQ(parts[0]["Parameters"]["sizeKey"], "100");
  EXPECT_EQ(parts[0]["Parameters"]["classification"], "csv");
  EXPECT_EQ(parts[0]["Parameters"]["UPDATED_BY_CRAWLER"], "c1");
}

TEST_F(ApplyTest, CompressedTableSaysSo) {
  Classification c = csv_classification("struct<a:bigint>");
  c.compression_type = "gzip";
  ASSERT_TRUE(apply({planned_table("gz", "/data/gz/", c)}).ok());
  Json t = table("gz");
  EXPECT_EQ(t["Parameters"]["compressionType"], "gzip");
  EXPECT_EQ(t["StorageDescriptor"]["Compressed"], true);
}

TEST_F(ApplyTest, UnchangedRecrawlWritesNothing) {
  ASSERT_TRUE(apply({sales()}).ok());
  policy_.crawl_id = "crawl-2";
  PlannedTable again = sales();
  again.classification.record_count = 99;  // statistics alone are no schema change
  auto r = apply({again});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->changes.empty()) << Json(actions(*r)).dump();
  EXPECT_EQ(table("sales")["VersionId"], "0");
}

TEST_F(ApplyTest, AddedColumnUpdatesTableAndKeepsPreviousVersion) {
  ASSERT_TRUE(apply({sales()}).ok());
  policy_.crawl_id = "crawl-2";
  auto r = apply({sales("struct<id:bigint,name:string,email:string>")});
  ASSERT_TRUE(r.ok()) << r.status();
  // The partitions' files have the new column too.
  EXPECT_THAT(actions(*r), ElementsAre("UPDATE_TABLE sales", "UPDATE_PARTITION sales [\"2024-01-01\"]",
                                       "UPDATE_PARTITION sales [\"2024-01-02\"]"));
  EXPECT_EQ(r->changes[0].detail, "added columns email");
  EXPECT_EQ(r->changes[1].detail, "added columns email");
  EXPECT_EQ(r->summary.tables_updated, 1);
  EXPECT_EQ(r->summary.partitions_updated, 2);
  EXPECT_THAT(column_names(partitions("sales")[0]), ElementsAre("id:bigint", "name:string", "email:string"));
  Json t = table("sales");
  EXPECT_THAT(column_names(t), ElementsAre("id:bigint", "name:string", "email:string"));
  EXPECT_EQ(t["Parameters"]["CRAWL_RUN_ID"], "crawl-2");
  auto versions = catalog_->get_table_versions(op("GetTableVersions"), "sales", "sales", nullptr, 10);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->items.size(), 2u);
  EXPECT_THAT(column_names(versions->items[1]["Table"]), ElementsAre("id:bigint", "name:string"));
}

TEST_F(ApplyTest, ChangedTypeAndRemovedColumnAreDescribed) {
  ASSERT_TRUE(apply({sales()}).ok());
  auto r = apply({sales("struct<id:string>")});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->changes.size(), 3u);
  EXPECT_EQ(r->changes[0].detail, "removed columns name; changed columns types id: bigint -> string");
}

TEST_F(ApplyTest, UpdateBehaviorLogLeavesTableButAddsPartitions) {
  ASSERT_TRUE(apply({sales()}).ok());
  policy_.update_in_database = false;
  auto r = apply({sales("struct<id:bigint,name:string,email:string>", {"2024-01-01", "2024-01-02", "2024-01-03"})});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(actions(*r), ElementsAre("LOG_ONLY sales", "LOG_ONLY sales [\"2024-01-01\"]",
                                       "LOG_ONLY sales [\"2024-01-02\"]", "CREATE_PARTITION sales [\"2024-01-03\"]"));
  EXPECT_EQ(r->changes[0].detail, "UpdateBehavior LOG: table not updated: added columns email");
  EXPECT_EQ(r->changes[1].detail, "UpdateBehavior LOG: partition not updated: added columns email");
  EXPECT_EQ(r->summary.tables_updated, 0);
  EXPECT_EQ(r->summary.partitions_created, 1);
  EXPECT_THAT(column_names(table("sales")), ElementsAre("id:bigint", "name:string"));
  EXPECT_EQ(table("sales")["VersionId"], "0");
  EXPECT_EQ(partitions("sales").size(), 3u);
}

TEST_F(ApplyTest, MergeNewColumnsNeverRemovesOrRetypes) {
  ASSERT_TRUE(apply({sales()}).ok());
  policy_.config.merge_new_columns = true;
  auto r = apply({sales("struct<id:string,email:string>")});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(column_names(table("sales")), ElementsAre("id:bigint", "name:string", "email:string"));
  // Partitions merge the same way.
  EXPECT_THAT(column_names(partitions("sales")[0]), ElementsAre("id:bigint", "name:string", "email:string"));
  ASSERT_EQ(r->changes.size(), 3u);
  EXPECT_EQ(r->changes[0].detail, "added columns email");
  // Nothing new: nothing to do.
  auto again = apply({sales("struct<id:string>")});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->changes.empty());
}

TEST_F(ApplyTest, UserParametersAndCommentsSurviveAnUpdate) {
  ASSERT_TRUE(apply({sales()}).ok());
  Json input = table("sales");
  input["Parameters"]["owner_team"] = "finance";
  input["Description"] = "daily sales";
  input["StorageDescriptor"]["Columns"][0]["Comment"] = "order id";
  for (const char* k : {"DatabaseName", "CreateTime", "UpdateTime", "CreatedBy", "IsRegisteredWithLakeFormation",
                        "CatalogId", "VersionId"})
    input.erase(k);
  ASSERT_TRUE(catalog_->update_table(op("UpdateTable"), "sales", input, std::nullopt, false).ok());
  ASSERT_TRUE(apply({sales("struct<id:bigint,name:string,email:string>")}).ok());
  Json t = table("sales");
  EXPECT_EQ(t["Parameters"]["owner_team"], "finance");
  EXPECT_EQ(t["Description"], "daily sales");
  EXPECT_EQ(t["StorageDescriptor"]["Columns"][0]["Comment"], "order id");
  EXPECT_EQ(t["StorageDescriptor"]["Columns"].size(), 3u);
}

TEST_F(ApplyTest, ChangedFormatRewritesStorage) {
  ASSERT_TRUE(apply({sales()}).ok());
  auto r = apply({planned_table("sales", kLoc, json_classification("struct<id:bigint,name:string>"), "dt",
                                {"2024-01-01", "2024-01-02"})});
  ASSERT_TRUE(r.ok());
  Json t = table("sales");
  EXPECT_EQ(t["Parameters"]["classification"], "json");
  EXPECT_FALSE(t["Parameters"].contains("delimiter"));
  EXPECT_FALSE(t["Parameters"].contains("skip.header.line.count"));
  EXPECT_EQ(t["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"], kJsonSerde);
  EXPECT_THAT(actions(*r), ElementsAre("UPDATE_TABLE sales", "UPDATE_PARTITION sales [\"2024-01-01\"]",
                                       "UPDATE_PARTITION sales [\"2024-01-02\"]"));
  EXPECT_EQ(partitions("sales")[0]["Parameters"]["classification"], "json");
  EXPECT_THAT(r->changes[0].detail, ::testing::HasSubstr("parameter classification: csv -> json"));
}

TEST_F(ApplyTest, DeletedPartitionFolderIsDeprecatedByDefault) {
  ASSERT_TRUE(apply({sales()}).ok());
  auto r = apply({sales("struct<id:bigint,name:string>", {"2024-01-01"})});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(actions(*r), ElementsAre("UPDATE_PARTITION sales [\"2024-01-02\"]"));
  auto parts = partitions("sales");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1]["Parameters"]["DEPRECATED_BY_CRAWLER"], "1700000000000");
  EXPECT_FALSE(parts[0]["Parameters"].contains("DEPRECATED_BY_CRAWLER"));
  // Deprecated once, not again on every crawl; back again: cleared.
  auto again = apply({sales("struct<id:bigint,name:string>", {"2024-01-01"})});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->changes.empty());
  auto back = apply({sales()});
  ASSERT_TRUE(back.ok());
  EXPECT_THAT(actions(*back), ElementsAre("UPDATE_PARTITION sales [\"2024-01-02\"]"));
  EXPECT_FALSE(partitions("sales")[1]["Parameters"].contains("DEPRECATED_BY_CRAWLER"));
}

TEST_F(ApplyTest, DeletedPartitionFolderDeleteFromDatabase) {
  policy_.delete_behavior = "DELETE_FROM_DATABASE";
  ASSERT_TRUE(apply({sales()}).ok());
  auto r = apply({sales("struct<id:bigint,name:string>", {"2024-01-02"})});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(actions(*r), ElementsAre("DELETE_PARTITION sales [\"2024-01-01\"]"));
  EXPECT_EQ(r->summary.partitions_deleted, 1);
  auto parts = partitions("sales");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0]["Values"], Json::array({"2024-01-02"}));
}

TEST_F(ApplyTest, DeletedPartitionFolderLogOnly) {
  policy_.delete_behavior = "LOG";
  ASSERT_TRUE(apply({sales()}).ok());
  auto r = apply({sales("struct<id:bigint,name:string>", {"2024-01-02"})});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(actions(*r), ElementsAre("LOG_ONLY sales [\"2024-01-01\"]"));
  EXPECT_EQ(partitions("sales").size(), 2u);
}

TEST_F(ApplyTest, PartitionFolderWithReadProblemIsKept) {
  policy_.delete_behavior = "DELETE_FROM_DATABASE";
  ASSERT_TRUE(apply({sales()}).ok());
  auto r = apply({sales("struct<id:bigint,name:string>", {"2024-01-02"})}, false, TargetMode::kS3,
                 {{"/data/sales/dt=2024-01-01/part-0.csv", "permission denied"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(partitions("sales").size(), 2u);
  EXPECT_THAT(actions(*r), ElementsAre("LOG_ONLY sales [\"2024-01-01\"]"));
}

TEST_F(ApplyTest, VanishedTableIsDeprecatedOnceWithTimestamp) {
  ASSERT_TRUE(apply({sales(), planned_table("returns", "/data/returns/", csv_classification("struct<id:bigint>"))}).ok());
  clock_.advance(5'000'000);
  policy_.now_millis = clock_.now_micros() / 1000;
  auto r = apply({sales()});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(actions(*r), ElementsAre("DEPRECATE_TABLE returns"));
  EXPECT_EQ(r->summary.tables_deleted, 1);
  Json t = table("returns");
  EXPECT_EQ(t["Parameters"]["DEPRECATED_BY_CRAWLER"], "1700000005000");
  EXPECT_EQ(t["StorageDescriptor"]["Parameters"]["DEPRECATED_BY_CRAWLER"], "1700000005000");
  auto again = apply({sales()});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->changes.empty());
  // Its data is back: the table is live again.
  auto back = apply({sales(), planned_table("returns", "/data/returns/", csv_classification("struct<id:bigint>"))});
  ASSERT_TRUE(back.ok());
  EXPECT_THAT(actions(*back), ElementsAre("UPDATE_TABLE returns"));
  EXPECT_FALSE(table("returns")["Parameters"].contains("DEPRECATED_BY_CRAWLER"));
}

TEST_F(ApplyTest, VanishedTableDeleteFromDatabaseAndLog) {
  ASSERT_TRUE(apply({sales(), planned_table("returns", "/data/returns/", csv_classification("struct<id:bigint>"))}).ok());
  policy_.delete_behavior = "LOG";
  auto logged = apply({sales()});
  ASSERT_TRUE(logged.ok());
  EXPECT_THAT(actions(*logged), ElementsAre("LOG_ONLY returns"));
  EXPECT_TRUE(has_table("returns"));
  policy_.delete_behavior = "DELETE_FROM_DATABASE";
  auto deleted = apply({planned_table("returns", "/data/returns/", csv_classification("struct<id:bigint>"))});
  ASSERT_TRUE(deleted.ok());
  EXPECT_THAT(actions(*deleted), ElementsAre("DELETE_TABLE sales"));
  EXPECT_FALSE(has_table("sales"));
  EXPECT_EQ(deleted->summary.tables_deleted, 1);
}

TEST_F(ApplyTest, OtherTablesAreNeverRetired) {
  make_table("sales", "manual");  // not written by any crawler
  policy_.delete_behavior = "DELETE_FROM_DATABASE";
  auto r = apply({sales()});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(has_table("manual"));
}

TEST_F(ApplyTest, NameTakenByOtherDataGetsHashSuffix) {
  ASSERT_TRUE(catalog_->create_table(op("CreateTable"), "sales", table_input("sales", "/elsewhere/")).ok());
  auto r = apply({sales()});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->plan.size(), 1u);
  const std::string name = r->plan[0].name;
  EXPECT_THAT(name, ::testing::MatchesRegex("sales_[0-9a-f]{8}"));
  EXPECT_EQ(table(name)["StorageDescriptor"]["Location"], kLoc);
  EXPECT_EQ(table("sales")["StorageDescriptor"]["Location"], "/elsewhere/");
  // Stable: the next crawl finds the same table.
  auto again = apply({sales()});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->changes.empty());
}

TEST_F(ApplyTest, PartitionsInheritFromTable) {
  policy_.config.partitions_inherit_from_table = true;
  PlannedTable t = sales("struct<id:bigint,name:string,email:string>");
  t.partitions[0].classification = csv_classification("struct<id:bigint,name:string>");
  ASSERT_TRUE(apply({t}).ok());
  for (const Json& p : partitions("sales"))
    EXPECT_THAT(column_names(p), ElementsAre("id:bigint", "name:string", "email:string"));
}

TEST_F(ApplyTest, PartitionsKeepTheirOwnSchemaByDefault) {
  PlannedTable t = sales("struct<id:bigint,name:string,email:string>");
  t.partitions[0].classification = csv_classification("struct<id:bigint,name:string>");
  ASSERT_TRUE(apply({t}).ok());
  EXPECT_THAT(column_names(partitions("sales")[0]), ElementsAre("id:bigint", "name:string"));
}

TEST_F(ApplyTest, PartitionSyncOnlyAddsAndRemovesPartitions) {
  ASSERT_TRUE(apply({sales()}).ok());
  policy_.config.partition_sync = true;
  auto r = apply({sales("struct<id:string,email:string>", {"2024-01-02", "2024-01-03"})});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(actions(*r), ElementsAre("CREATE_PARTITION sales [\"2024-01-03\"]",
                                       "DELETE_PARTITION sales [\"2024-01-01\"]"));
  Json t = table("sales");
  EXPECT_THAT(column_names(t), ElementsAre("id:bigint", "name:string"));
  EXPECT_EQ(t["VersionId"], "0");
  auto parts = partitions("sales");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_THAT(column_names(parts[1]), ElementsAre("id:bigint", "name:string"));  // the table's
}

TEST_F(ApplyTest, NewFoldersOnlyNeverUpdatesOrDeletes) {
  ASSERT_TRUE(apply({sales()}).ok());
  policy_.recrawl_behavior = "CRAWL_NEW_FOLDERS_ONLY";
  policy_.update_in_database = false;
  policy_.delete_behavior = "LOG";
  auto r = apply({sales("struct<id:string>", {"2024-01-03"})});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(actions(*r), ElementsAre("CREATE_PARTITION sales [\"2024-01-03\"]"));
  EXPECT_EQ(partitions("sales").size(), 3u);
  EXPECT_THAT(column_names(table("sales")), ElementsAre("id:bigint", "name:string"));
}

TEST_F(ApplyTest, CatalogTargetAddsPartitionsWithTheTablesSchema) {
  make_table("sales", "events");  // id bigint, amount double; partitioned by dt; at /data/x
  PlannedTable t = planned_table("events", "/data/x/", csv_classification("struct<other:string>"), "dt",
                                 {"2024-05-01"});
  auto r = apply({t}, false, TargetMode::kCatalog);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(actions(*r), ElementsAre("CREATE_PARTITION events [\"2024-05-01\"]"));
  Json tbl = table("events");
  EXPECT_THAT(column_names(tbl), ElementsAre("id:bigint", "amount:double"));
  EXPECT_EQ(tbl["VersionId"], "0");
  auto parts = partitions("events");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_THAT(column_names(parts[0]), ElementsAre("id:bigint", "amount:double"));
  EXPECT_EQ(parts[0]["StorageDescriptor"]["Location"], "/data/x/dt=2024-05-01/");
}

TEST_F(ApplyTest, DryRunWritesNothingAndPredictsTheRealCrawl) {
  ASSERT_TRUE(apply({sales(), planned_table("returns", "/data/returns/", csv_classification("struct<id:bigint>"))}).ok());
  policy_.delete_behavior = "DELETE_FROM_DATABASE";
  std::vector<PlannedTable> next = {sales("struct<id:bigint,name:string,email:string>", {"2024-01-02", "2024-01-03"}),
                                    planned_table("refunds", "/data/refunds/", csv_classification("struct<x:double>"))};
  const int64_t audit_before = count("SELECT COUNT(*) FROM audit_log");
  auto dry = apply(next, /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), audit_before);  // not one write
  EXPECT_FALSE(has_table("refunds"));
  EXPECT_EQ(table("sales")["VersionId"], "0");
  EXPECT_TRUE(dry->dry_run);
  auto real = apply(next);
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(actions(*dry), actions(*real));
  EXPECT_THAT(actions(*real), UnorderedElementsAre("UPDATE_TABLE sales", "UPDATE_PARTITION sales [\"2024-01-02\"]",
                                                   "CREATE_PARTITION sales [\"2024-01-03\"]",
                                                   "DELETE_PARTITION sales [\"2024-01-01\"]", "CREATE_TABLE refunds",
                                                   "DELETE_TABLE returns"));
  EXPECT_EQ(dry->summary.as_json(), real->summary.as_json());
}

TEST_F(ApplyTest, UnknownDataWritesNoTable) {
  Classification unknown;
  auto r = apply({planned_table("junk", "/data/junk/", unknown)});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(has_table("junk"));
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].path, "/data/junk/");
}

TEST_F(ApplyTest, ManyPartitionsGoInBatches) {
  std::vector<std::string> days;
  for (int i = 0; i < 250; ++i) days.push_back(std::to_string(10000 + i));
  auto r = apply({sales("struct<id:bigint>", days)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->summary.partitions_created, 250);
  int64_t n = count("SELECT COUNT(*) FROM partitions");
  EXPECT_EQ(n, 250);
  // Three BatchCreatePartition calls of at most 100.
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE operation = 'BatchCreatePartition'"), 3);
}

TEST_F(ApplyTest, CancelStopsBetweenTablesLeavingWrittenOnesWhole) {
  on_log_ = [this](const std::string& message) {
    if (message.find("CREATE_TABLE x1") != std::string::npos) cancel_.cancel();
  };
  auto r = apply({sales(), planned_table("returns", "/data/returns/", csv_classification("struct<id:bigint>"))});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::IsCancelled(r.status())) << r.status();
  EXPECT_TRUE(has_table("sales"));
  EXPECT_EQ(partitions("sales").size(), 2u);
  EXPECT_FALSE(has_table("returns"));
}

TEST_F(ApplyTest, ConcurrentEditFailsTheCrawlInsteadOfLosingIt) {
  ASSERT_TRUE(apply({sales()}).ok());
  // Someone updates the table between the crawl's read and its write.
  on_log_ = [this](const std::string& message) {
    if (message.find("UPDATE_TABLE x1") == std::string::npos) return;
    Json input = table("sales");
    input["Parameters"]["note"] = "edited";
    for (const char* k : {"DatabaseName", "CreateTime", "UpdateTime", "CreatedBy",
                          "IsRegisteredWithLakeFormation", "CatalogId", "VersionId"})
      input.erase(k);
    ASSERT_TRUE(catalog_->update_table(op("UpdateTable"), "sales", input, std::nullopt, false).ok());
  };
  auto r = apply({sales("struct<id:bigint,name:string,email:string>")});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::IsAborted(r.status())) << r.status();
  EXPECT_EQ(table("sales")["Parameters"]["note"], "edited");
}

}  // namespace
}  // namespace mortar::crawler
