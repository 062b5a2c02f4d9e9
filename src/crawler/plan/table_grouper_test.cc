#include "crawler/plan/table_grouper.h"

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "crawler/classify/file_classifier.h"
#include "crawler/plan/schema_merge.h"
#include "crawler/plan/table_names.h"

namespace mortar::crawler {
namespace {

using types::DataType;

types::TypePtr schema(const std::string& text) {
  auto t = DataType::parse(text);
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

std::shared_ptr<const Classification> cls(const std::string& format, const std::string& type,
                                          const std::string& compression = "") {
  auto c = std::make_shared<Classification>();
  c->classification = format;
  c->certainty = 1.0;
  c->compression_type = compression;
  c->schema = schema(type);
  return c;
}

class Grouper {
 public:
  explicit Grouper(std::string root = "s3://bucket/sales") { target_.root = std::move(root); }
  Grouper& file(const std::string& relative, std::shared_ptr<const Classification> c,
                int64_t records = 10, int64_t size = 100) {
    ClassifiedFile f;
    f.entry.path = target_.root + "/" + relative;
    f.entry.size = size;
    f.relative = relative;
    f.classification = std::move(c);
    f.record_count = records;
    f.average_record_size = 10;
    target_.files.push_back(std::move(f));
    return *this;
  }
  std::vector<PlannedTable> run(const CrawlerConfig& config = CrawlerConfig(),
                                const std::string& prefix = "") {
    std::sort(target_.files.begin(), target_.files.end(),
              [](const auto& a, const auto& b) { return a.relative < b.relative; });
    GroupingOptions options{&config, prefix};
    problems.clear();
    return group_files({target_}, options, problems);
  }
  std::vector<CrawlProblem> problems;

 private:
  GroupingTarget target_;
};

const PlannedTable* find(const std::vector<PlannedTable>& tables, const std::string& name) {
  for (const auto& t : tables)
    if (t.name == name) return &t;
  return nullptr;
}

TEST(TableGrouper, HivePartitionsBecomeOneTableWithNamedKeys) {
  auto c = cls("json", "struct<id:bigint,name:string>");
  Grouper g;
  g.file("year=2019/month=Jan/day=1/a.json", c)
      .file("year=2019/month=Jan/day=2/a.json", c)
      .file("year=2019/month=Feb/day=1/a.json", c)
      .file("year=2019/month=Feb/day=2/a.json", c)
      .file("year=2019/month=Feb/day=2/b.json", c);
  auto tables = g.run();
  ASSERT_EQ(tables.size(), 1u);
  const auto& t = tables[0];
  EXPECT_EQ(t.name, "sales");
  EXPECT_EQ(t.location, "s3://bucket/sales/");
  ASSERT_EQ(t.partition_keys.size(), 3u);
  EXPECT_EQ(t.partition_keys[0], (std::pair<std::string, std::string>{"year", "string"}));
  EXPECT_EQ(t.partition_keys[1].first, "month");
  EXPECT_EQ(t.partition_keys[2].first, "day");
  ASSERT_EQ(t.partitions.size(), 4u);
  EXPECT_EQ(t.partitions[0].values, (std::vector<std::string>{"2019", "Feb", "1"}));
  EXPECT_EQ(t.partitions[0].location, "s3://bucket/sales/year=2019/month=Feb/day=1/");
  EXPECT_EQ(t.partitions[1].object_count, 2);
  EXPECT_EQ(t.object_count, 5);
  EXPECT_EQ(t.size_bytes, 500);
  EXPECT_EQ(t.classification.record_count, 50);
  EXPECT_EQ(t.classification.schema->to_string(), "struct<id:bigint,name:string>");
  EXPECT_TRUE(g.problems.empty());
}

TEST(TableGrouper, NonHiveFoldersArePartitionNumbered) {
  auto c = cls("csv", "struct<a:bigint>");
  Grouper g;
  g.file("2024/01/x.csv", c).file("2024/02/x.csv", c).file("2023/12/x.csv", c);
  auto tables = g.run();
  ASSERT_EQ(tables.size(), 1u);
  ASSERT_EQ(tables[0].partition_keys.size(), 2u);
  EXPECT_EQ(tables[0].partition_keys[0].first, "partition_0");
  EXPECT_EQ(tables[0].partition_keys[1].first, "partition_1");
  EXPECT_EQ(tables[0].partitions[0].values, (std::vector<std::string>{"2023", "12"}));
}

TEST(TableGrouper, PathTemplateNamesNonHiveLevelsAndTypedPartitions) {
  auto c = cls("csv", "struct<a:bigint>");
  Grouper g;
  g.file("2024/01/2024-01-05/x.csv", c).file("2024/02/2024-02-29/x.csv", c);
  CrawlerConfig config;
  config.path_template = "{year}/{month}/{day}";
  config.typed_partitions = true;
  auto tables = g.run(config);
  ASSERT_EQ(tables.size(), 1u);
  const auto& keys = tables[0].partition_keys;
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0], (std::pair<std::string, std::string>{"year", "bigint"}));
  EXPECT_EQ(keys[1], (std::pair<std::string, std::string>{"month", "bigint"}));
  EXPECT_EQ(keys[2], (std::pair<std::string, std::string>{"day", "date"}));
  // Without TypedPartitions every key is a string, as in Glue.
  config.typed_partitions = false;
  auto plain = g.run(config);
  for (const auto& k : plain[0].partition_keys) EXPECT_EQ(k.second, "string");
}

TEST(TableGrouper, PartitionKeyTypes) {
  EXPECT_EQ(partition_key_type({"1", "22", "-3"}, true), "bigint");
  EXPECT_EQ(partition_key_type({"2024-01-01", "2023-12-31"}, true), "date");
  EXPECT_EQ(partition_key_type({"2024-13-01"}, true), "string");
  EXPECT_EQ(partition_key_type({"1", "x"}, true), "string");
  EXPECT_EQ(partition_key_type({"1", "2"}, false), "string");
}

TEST(TableGrouper, DissimilarSiblingsSplitIntoTables) {
  Grouper g("s3://bucket01/folder1");
  auto orders = cls("csv", "struct<order_id:bigint,amount:double,customer:string>");
  auto users = cls("csv", "struct<user_id:bigint,email:string,created:string>");
  g.file("orders/p1/a.csv", orders).file("orders/p2/a.csv", orders)
      .file("users/p1/a.csv", users).file("users/p2/a.csv", users);
  auto tables = g.run();
  ASSERT_EQ(tables.size(), 2u);
  const PlannedTable* o = find(tables, "orders");
  const PlannedTable* u = find(tables, "users");
  ASSERT_TRUE(o && u);
  EXPECT_EQ(o->location, "s3://bucket01/folder1/orders/");
  EXPECT_EQ(o->partitions.size(), 2u);
  EXPECT_EQ(o->partition_keys[0].first, "partition_0");
  // The reason names the split and its similarity score.
  bool explained = false;
  for (const auto& r : o->reasons)
    if (r.find("split into separate tables") != std::string::npos &&
        r.find("0.00 (users vs orders) < 0.70") != std::string::npos)
      explained = true;
  EXPECT_TRUE(explained) << testing::PrintToString(o->reasons);
}

TEST(TableGrouper, SimilarSiblingsMergeAndTheThresholdDecides) {
  // 3 of 4 columns shared: similarity 3/4 = 0.75.
  auto a = cls("parquet", "struct<a:bigint,b:string,c:double>");
  auto b = cls("parquet", "struct<a:bigint,b:string,c:double,d:string>");
  Grouper g("s3://bucket/t");
  g.file("x/f.parquet", a).file("y/f.parquet", b);
  auto merged = g.run();
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].name, "t");
  EXPECT_EQ(merged[0].classification.schema->to_string(), "struct<a:bigint,b:string,c:double,d:string>");
  bool scored = false;
  for (const auto& r : merged[0].reasons)
    if (r.find("merged as partitions") != std::string::npos && r.find("0.75") != std::string::npos)
      scored = true;
  EXPECT_TRUE(scored) << testing::PrintToString(merged[0].reasons);

  CrawlerConfig strict;
  strict.similarity_threshold = 0.8;
  auto split = g.run(strict);
  EXPECT_EQ(split.size(), 2u);
  EXPECT_TRUE(find(split, "x") && find(split, "y"));
}

TEST(TableGrouper, MajorityClusterMergesAndMaxClustersSplits) {
  auto common = cls("json", "struct<a:bigint,b:string>");
  Grouper g("s3://bucket/events");
  g.file("p1/f.json", common).file("p2/f.json", common).file("p3/f.json", common)
      .file("p4/f.json", cls("json", "struct<z:string>"));
  auto tables = g.run();
  ASSERT_EQ(tables.size(), 1u);  // 3 of 4 alike: a majority
  EXPECT_EQ(tables[0].classification.schema->to_string(), "struct<a:bigint,b:string,z:string>");

  Grouper many("s3://bucket/events");
  many.file("p1/f.json", common).file("p2/f.json", common).file("p3/f.json", common)
      .file("q1/f.json", cls("json", "struct<q1:string>"))
      .file("q2/f.json", cls("json", "struct<q2:string>"));
  CrawlerConfig two;
  two.max_schema_clusters = 2;  // 3 clusters > 2
  EXPECT_EQ(many.run(two).size(), 5u);
  EXPECT_EQ(many.run().size(), 1u);  // 3 clusters <= 5, majority 3 of 5
}

TEST(TableGrouper, CombineCompatibleSchemasIgnoresSimilarity) {
  Grouper g("s3://bucket/mixed");
  g.file("a/f.csv", cls("csv", "struct<x:bigint>")).file("b/f.csv", cls("csv", "struct<y:string>"));
  EXPECT_EQ(g.run().size(), 2u);
  CrawlerConfig combine;
  combine.combine_compatible_schemas = true;
  auto tables = g.run(combine);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].classification.schema->to_string(), "struct<x:bigint,y:string>");
}

TEST(TableGrouper, DifferentFormatsNeverMerge) {
  auto s = "struct<a:bigint>";
  Grouper g("s3://bucket/data");
  g.file("a/f.csv", cls("csv", s)).file("b/f.json", cls("json", s))
      .file("c/f.csv.gz", cls("csv", s, "gzip"));
  auto tables = g.run();
  ASSERT_EQ(tables.size(), 3u);
  const PlannedTable* c = find(tables, "c");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->classification.compression_type, "gzip");
}

TEST(TableGrouper, FilesInTheIncludePathMakeTheTableThere) {
  auto s = cls("csv", "struct<a:bigint>");
  Grouper g("/data/Daily-Report.v2");
  g.file("one.csv", s).file("two.csv", s);
  auto tables = g.run();
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].name, "daily_report_v2");
  EXPECT_EQ(tables[0].location, "/data/Daily-Report.v2/");
  EXPECT_TRUE(tables[0].partition_keys.empty());
  EXPECT_EQ(tables[0].object_count, 2);
}

TEST(TableGrouper, FilesBesideFoldersGiveSeparateTables) {
  auto s = cls("csv", "struct<a:bigint>");
  Grouper g("s3://b/root");
  g.file("top.csv", s).file("sub/x.csv", s);
  auto tables = g.run();
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_TRUE(find(tables, "root"));
  EXPECT_TRUE(find(tables, "sub"));
}

TEST(TableGrouper, TableLevelConfigurationPlacesTheRoot) {
  auto a = cls("csv", "struct<a:bigint>");
  auto b = cls("csv", "struct<zzz:string>");
  // s3://bucket01 is level 1, folder1 level 2, table1/table2 level 3.
  Grouper g("s3://bucket01/folder1");
  g.file("table1/p1/x.csv", a).file("table1/p2/x.csv", b)
      .file("table2/p1/x.csv", a);
  CrawlerConfig config;
  config.table_level = 3;
  auto tables = g.run(config);
  ASSERT_EQ(tables.size(), 2u);
  const PlannedTable* t1 = find(tables, "table1");
  ASSERT_TRUE(t1);
  EXPECT_EQ(t1->partitions.size(), 2u);  // dissimilar schemas, still one table at level 3
  EXPECT_EQ(t1->classification.schema->to_string(), "struct<a:bigint,zzz:string>");

  config.table_level = 2;
  auto one = g.run(config);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].name, "folder1");
  EXPECT_EQ(one[0].partition_keys.size(), 2u);

  config.table_level = 4;  // every p folder is a table; names clash
  auto deep = g.run(config);
  EXPECT_EQ(deep.size(), 3u);
}

TEST(TableGrouper, LocalPathLevelsCountTheFirstFolderAsTheBucket) {
  EXPECT_EQ(path_level("s3://bucket"), 1);
  EXPECT_EQ(path_level("s3://bucket/a/b/"), 3);
  EXPECT_EQ(path_level("/data"), 1);
  EXPECT_EQ(path_level("/data/sales"), 2);
  EXPECT_EQ(path_level("file:///data/sales"), 2);
}

TEST(TableGrouper, NameClashesGetAHashSuffixAndThePrefix) {
  // Two include paths whose last segments sanitise to the same name.
  auto make = [](const std::string& root, const std::string& format) {
    GroupingTarget t;
    t.root = root;
    ClassifiedFile f;
    f.entry.path = root + "/f." + format;
    f.relative = "f." + format;
    f.classification = cls(format, "struct<a:bigint>");
    t.files.push_back(std::move(f));
    return t;
  };
  CrawlerConfig config;
  GroupingOptions options{&config, "Raw_"};
  std::vector<CrawlProblem> problems;
  auto tables = group_files({make("s3://b/y/Logs", "json"), make("s3://b/x/logs", "csv")}, options,
                            problems);
  ASSERT_EQ(tables.size(), 2u);
  // x/logs sorts first and keeps the plain name; the other gets the md5 of its location.
  const PlannedTable* plain = find(tables, "raw_logs");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->location, "s3://b/x/logs/");
  const PlannedTable& other = tables[0].name == "raw_logs" ? tables[1] : tables[0];
  EXPECT_EQ(other.name, "raw_logs_" + hex_encode(md5("s3://b/y/Logs/")));
  EXPECT_FALSE(other.reasons.empty());
  EXPECT_NE(other.reasons.back().find("md5"), std::string::npos);
}

TEST(TableGrouper, NamesAreSanitised) {
  EXPECT_EQ(sanitize_name("Sales-2024.v2"), "sales_2024_v2");
  EXPECT_EQ(sanitize_name("día"), "d__a");  // two UTF-8 bytes, two underscores
  EXPECT_EQ(sanitize_name(""), "_");
  EXPECT_EQ(last_segment("s3://bucket/a/b/"), "b");
  EXPECT_EQ(last_segment("s3://bucket"), "bucket");
}

TEST(TableGrouper, FilesAtTheWrongDepthOrFormatAreProblems) {
  auto s = cls("csv", "struct<a:bigint>");
  Grouper g("s3://b/t");
  CrawlerConfig config;
  config.table_level = 2;
  g.file("p=1/x.csv", s).file("p=2/x.csv", s).file("p=3/deeper/x.csv", s)
      .file("p=4/x.json", cls("json", "struct<a:bigint>"));
  auto tables = g.run(config);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].partitions.size(), 2u);
  ASSERT_EQ(g.problems.size(), 2u);
  EXPECT_EQ(g.problems[0].path, "s3://b/t/p=3/deeper/x.csv");
  EXPECT_EQ(g.problems[1].path, "s3://b/t/p=4/x.json");
}

TEST(TableGrouper, PartitionColumnsAreDroppedFromTheSchema) {
  Grouper g("s3://b/t");
  g.file("year=1/x.csv", cls("csv", "struct<year:bigint,v:double>"))
      .file("year=2/x.csv", cls("csv", "struct<year:bigint,v:double>"));
  auto tables = g.run();
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].classification.schema->to_string(), "struct<v:double>");
}

TEST(SchemaMerge, WidensAsGlueDoes) {
  auto merged = [](const std::string& a, const std::string& b) {
    return widen_types(schema(a), schema(b))->to_string();
  };
  EXPECT_EQ(merged("bigint", "double"), "double");
  EXPECT_EQ(merged("int", "bigint"), "bigint");
  EXPECT_EQ(merged("boolean", "string"), "string");
  EXPECT_EQ(merged("boolean", "bigint"), "string");
  EXPECT_EQ(merged("date", "timestamp"), "timestamp");
  EXPECT_EQ(merged("struct<a:bigint,s:struct<x:int>>", "struct<b:string,s:struct<y:string,x:double>>"),
            "struct<a:bigint,s:struct<x:double,y:string>,b:string>");
  EXPECT_EQ(merged("array<int>", "array<string>"), "array<string>");
}

TEST(SchemaMerge, SimilarityScores) {
  EXPECT_DOUBLE_EQ(schema_similarity(schema("struct<a:int,b:int>"), schema("struct<a:int,b:int>")), 1.0);
  EXPECT_DOUBLE_EQ(schema_similarity(schema("struct<a:int,b:int>"), schema("struct<c:int>")), 0.0);
  EXPECT_DOUBLE_EQ(schema_similarity(schema("struct<a:int,b:int>"), schema("struct<a:int,b:string>")), 0.75);
  EXPECT_DOUBLE_EQ(schema_similarity(schema("struct<a:int,b:int,c:int>"), schema("struct<a:int,b:int>")),
                   2.0 / 3.0);
}

TEST(SchemaMerge, RecordFiguresAreSummedAndWeighted) {
  Classification acc;
  acc.record_count = 10;
  acc.average_record_size = 100;
  Classification c;
  c.record_count = 30;
  c.average_record_size = 20;
  merge_classification(acc, c);
  EXPECT_EQ(acc.record_count, 40);
  EXPECT_EQ(acc.average_record_size, 40);  // (10*100 + 30*20) / 40
}

std::shared_ptr<const Classification> csv_by(const std::string& classifier_name) {
  auto c = std::make_shared<Classification>(*cls("csv", "struct<id:bigint,name:string>"));
  c->classifier_name = classifier_name;
  return c;
}

TEST(TableGrouper, SaysWhichClassifierMadeEachTable) {
  Grouper g;
  g.file("a.csv", csv_by(kCsvGlueRules)).file("b.csv", csv_by(kCsvGlueRules));
  auto tables = g.run();
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].classified_by, "Glue's built-in CSV rules");

  Grouper mixed;
  mixed.file("a.csv", csv_by(kCsvSmartFallback))
      .file("b.csv", csv_by(kCsvGlueRules))
      .file("c.csv", csv_by(kCsvGlueRules));
  tables = mixed.run();
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].classified_by, "Glue's built-in CSV rules (2 file(s)); " +
                                         describe_classifier(kCsvSmartFallback) + " (1 file(s))");
}

}  // namespace
}  // namespace mortar::crawler
