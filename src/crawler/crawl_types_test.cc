#include "crawler/crawl_types.h"

#include <gtest/gtest.h>

namespace mortar::crawler {
namespace {

TEST(CrawlerConfig, EmptyConfigurationGivesGlueDefaults) {
  auto config = parse_crawler_config("");
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->dry_run);
  EXPECT_FALSE(config->smart_csv);
  EXPECT_DOUBLE_EQ(config->similarity_threshold, 0.7);
  EXPECT_EQ(config->max_schema_clusters, 5);
}

TEST(CrawlerConfig, ReadsGlueAndMortarKeys) {
  auto config = parse_crawler_config(R"({"Version":1.0,
    "Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas","TableLevelConfiguration":3},
    "CrawlerOutput":{"Partitions":{"AddOrUpdateBehavior":"InheritFromTable"},
                     "Tables":{"AddOrUpdateBehavior":"MergeNewColumns","TableThreshold":7}},
    "Mortar":{"DryRun":true,"CsvSniffer":"smart","PathTemplate":"{year}/{month}"}})");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->combine_compatible_schemas);
  EXPECT_EQ(config->table_level, 3);
  EXPECT_TRUE(config->partitions_inherit_from_table);
  EXPECT_TRUE(config->merge_new_columns);
  EXPECT_EQ(config->table_threshold, 7);
  EXPECT_TRUE(config->dry_run);
  EXPECT_TRUE(config->smart_csv);
  EXPECT_EQ(config->path_template, "{year}/{month}");
}

TEST(CrawlerConfig, EnhancedTurnsOnTheImprovementsButNotDryRun) {
  auto config = parse_crawler_config(R"({"Mortar":{"Enhanced":true}})");
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->smart_csv && config->ignore_marker_files && config->use_manifest &&
              config->typed_partitions);
  EXPECT_FALSE(config->dry_run);
}

TEST(CrawlerConfig, BadInputNamesTheKey) {
  auto unknown = parse_crawler_config(R"({"Mortar":{"DryRunn":true}})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(std::string(unknown.status().message()).find("Mortar.DryRunn"), std::string::npos);
  auto wrong_type = parse_crawler_config(R"({"Mortar":{"DryRun":"yes"}})");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_NE(std::string(wrong_type.status().message()).find("Mortar.DryRun"), std::string::npos);
  EXPECT_FALSE(parse_crawler_config("{not json").ok());
  EXPECT_FALSE(parse_crawler_config(R"({"Grouping":{"TableLevelConfiguration":0}})").ok());
}

TEST(Classification, RoundTripsThroughJson) {
  Classification c;
  c.classification = "csv";
  c.certainty = 1.0;
  c.schema = types::DataType::parse("struct<a:bigint,b:array<string>>").value();
  c.parameters["delimiter"] = ",";
  c.record_count = 42;
  auto back = classification_from_json(classification_to_json(c));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->classification, "csv");
  EXPECT_EQ(back->schema->to_string(), "struct<a:bigint,b:array<string>>");
  EXPECT_EQ(back->parameters.at("delimiter"), ",");
  EXPECT_EQ(back->record_count, 42);
  EXPECT_FALSE(classification_from_json(Json{{"schema", "struct<a:"}}).ok());
}

}  // namespace
}  // namespace mortar::crawler
