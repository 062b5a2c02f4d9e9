// Whole crawls with the real classifier and planner: directory trees made
// here -> CrawlRunner::run -> the exact tables, columns, partition keys,
// parameters and SerDe in a real catalog; re-crawls; failures.
#include "crawler/apply/crawl_runner.h"

#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crawler/apply/apply_test_util.h"
#include "formats/format.h"

namespace mortar::crawler {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CrawlRunnerTest : public ApplyTest {
 protected:
  void SetUp() override {
    ApplyTest::SetUp();
    ASSERT_TRUE(CrawlRunner::migrate(*store_).ok());
    data_ = dir_ / "data";
    fs::create_directories(data_);
  }

  static void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  static std::string csv_rows(const std::string& header, int n, bool extra = false) {
    std::string s = header.empty() ? "" : header + "\n";
    for (int i = 0; i < n; ++i)
      s += std::to_string(i) + "," + std::to_string(i) + ".5,item" + std::to_string(i) +
           (extra ? "," + std::to_string(i * 2) : "") + "\n";
    return s;
  }
  // A file of `format` with these rows, written by the formats' own writer
  // from a CSV of `schema`.
  void write_with_format(const fs::path& p, const std::string& format, const std::string& schema,
                         const std::string& csv_body) {
    fs::create_directories(p.parent_path());
    const fs::path src = dir_ / "src.csv";
    write(src, csv_body);
    auto& local = io::local_file_system();
    formats::ReadOptions ro;
    ro.format_options = {{"withHeader", "true"}};
    ro.schema = *types::DataType::parse(schema);
    auto csv = *formats::format_by_name("csv");
    auto reader = csv->open_reader(local, src.string(), ro);
    ASSERT_TRUE(reader.ok()) << reader.status();
    auto writer = (*formats::format_by_name(format))->open_writer(local, p.string(), ro.schema, {});
    ASSERT_TRUE(writer.ok()) << writer.status();
    while (true) {
      auto batch = (*reader)->next();
      ASSERT_TRUE(batch.ok()) << batch.status();
      if (!*batch) break;
      ASSERT_TRUE((*writer)->write(**batch).ok());
    }
    ASSERT_TRUE((*writer)->close().ok());
  }

  Json crawler(const std::string& path, Json extra = Json::object()) {
    Json c = {{"Name", "c1"},
              {"DatabaseName", "sales"},
              {"Targets", {{"S3Targets", Json::array({{{"Path", path}}})}}}};
    for (auto& [k, v] : extra.items()) c[k] = v;
    return c;
  }
  StatusOr<CrawlResult> run(const Json& c, std::vector<Json> classifiers = {}) {
    auto e = env();
    e.custom_classifiers = std::move(classifiers);
    return CrawlRunner::run(c, e);
  }
  static std::string strip(std::string s) {
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
  }

  fs::path data_;
};

TEST_F(CrawlRunnerTest, PartitionedCsvTreeBecomesOneTable) {
  for (const char* y : {"2023", "2024"})
    for (const char* m : {"1", "2"})
      write(data_ / "orders" / (std::string("year=") + y) / (std::string("month=") + m) / "part-0.csv",
            csv_rows("id,amount,item", 20));
  auto r = run(crawler((data_ / "orders").string()));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->summary.tables_created, 1);
  EXPECT_EQ(r->summary.partitions_created, 4);
  EXPECT_EQ(r->summary.files_listed, 4);
  Json t = table("orders");
  EXPECT_THAT(column_names(t), ElementsAre("id:bigint", "amount:double", "item:string"));
  EXPECT_EQ(t["PartitionKeys"], Json::parse(R"([{"Name":"year","Type":"string"},{"Name":"month","Type":"string"}])"));
  const Json& p = t["Parameters"];
  EXPECT_EQ(p["classification"], "csv");
  EXPECT_EQ(p["compressionType"], "none");
  EXPECT_EQ(p["delimiter"], ",");
  EXPECT_EQ(p["skip.header.line.count"], "1");
  EXPECT_EQ(p["areColumnsQuoted"], "false");
  EXPECT_EQ(p["typeOfData"], "file");
  EXPECT_EQ(p["objectCount"], "4");
  EXPECT_EQ(p["recordCount"], "80");
  EXPECT_EQ(p["UPDATED_BY_CRAWLER"], "c1");
  EXPECT_EQ(p["CRAWL_RUN_ID"], "crawl-1");
  EXPECT_EQ(p["CrawlerSchemaSerializerVersion"], "1.0");
  int64_t size = 0;
  for (auto& f : fs::recursive_directory_iterator(data_ / "orders"))
    if (f.is_regular_file()) size += static_cast<int64_t>(f.file_size());
  EXPECT_EQ(p["sizeKey"], std::to_string(size));
  const Json& sd = t["StorageDescriptor"];
  EXPECT_EQ(strip(sd["Location"]), (data_ / "orders").string());
  EXPECT_EQ(sd["InputFormat"], kTextInput);
  EXPECT_EQ(sd["OutputFormat"], kTextOutput);
  EXPECT_EQ(sd["SerdeInfo"]["SerializationLibrary"], kLazySimple);
  EXPECT_EQ(sd["SerdeInfo"]["Parameters"], Json::parse(R"({"field.delim":","})"));
  EXPECT_EQ(sd["Parameters"], p);
  auto parts = partitions("orders");
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0]["Values"], Json::parse(R"(["2023","1"])"));
  EXPECT_EQ(strip(parts[0]["StorageDescriptor"]["Location"]), (data_ / "orders" / "year=2023" / "month=1").string());
  EXPECT_EQ(parts[0]["Parameters"]["recordCount"], "20");
}

TEST_F(CrawlRunnerTest, HeaderlessCsvGetsNumberedColumns) {
  write(data_ / "raw" / "a.csv", csv_rows("", 30));
  auto r = run(crawler((data_ / "raw").string()));
  ASSERT_TRUE(r.ok()) << r.status();
  Json t = table("raw");
  EXPECT_THAT(column_names(t), ElementsAre("col0:bigint", "col1:double", "col2:string"));
  EXPECT_FALSE(t["Parameters"].contains("skip.header.line.count"));
}

TEST_F(CrawlRunnerTest, JsonLines) {
  std::string body;
  for (int i = 0; i < 20; ++i)
    body += R"({"user":"u)" + std::to_string(i) + R"(","score":)" + std::to_string(i) + ".5}\n";
  write(data_ / "clicks" / "c.json", body);
  auto r = run(crawler((data_ / "clicks").string()));
  ASSERT_TRUE(r.ok()) << r.status();
  Json t = table("clicks");
  EXPECT_THAT(column_names(t), ElementsAre("user:string", "score:double"));
  EXPECT_EQ(t["Parameters"]["classification"], "json");
  EXPECT_EQ(t["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"], kJsonSerde);
  EXPECT_FALSE(t["Parameters"].contains("delimiter"));
}

TEST_F(CrawlRunnerTest, ParquetAndAvroFromTheFormatsWriters) {
  const std::string schema = "struct<id:bigint,amount:double,item:string>";
  write_with_format(data_ / "pq" / "p.parquet", "parquet", schema, csv_rows("id,amount,item", 50));
  write_with_format(data_ / "av" / "a.avro", "avro", schema, csv_rows("id,amount,item", 40));
  for (const char* name : {"pq", "av"}) {
    auto r = run(crawler((data_ / name).string()));
    ASSERT_TRUE(r.ok()) << r.status();
  }
  Json pq = table("pq");
  EXPECT_THAT(column_names(pq), ElementsAre("id:bigint", "amount:double", "item:string"));
  EXPECT_EQ(pq["Parameters"]["classification"], "parquet");
  EXPECT_EQ(pq["Parameters"]["recordCount"], "50");  // the footer's count
  EXPECT_EQ(pq["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"],
            "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
  EXPECT_EQ(pq["StorageDescriptor"]["InputFormat"], "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat");
  Json av = table("av");
  EXPECT_THAT(column_names(av), ElementsAre("id:bigint", "amount:double", "item:string"));
  EXPECT_EQ(av["Parameters"]["classification"], "avro");
  EXPECT_EQ(av["Parameters"]["recordCount"], "40");  // counted over the block headers
  EXPECT_EQ(av["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"], "org.apache.hadoop.hive.serde2.avro.AvroSerDe");
}

TEST_F(CrawlRunnerTest, XmlThroughCustomClassifier) {
  std::string body = "<catalog>\n";
  for (int i = 0; i < 10; ++i)
    body += "<book><id>" + std::to_string(i) + "</id><title>T" + std::to_string(i) + "</title></book>\n";
  write(data_ / "books" / "b.xml", body + "</catalog>\n");
  Json classifier = {{"XMLClassifier", {{"Name", "books"}, {"Classification", "xml"}, {"RowTag", "book"}}}};
  auto r = run(crawler((data_ / "books").string()), {classifier});
  ASSERT_TRUE(r.ok()) << r.status();
  Json t = table("books");
  EXPECT_EQ(t["Parameters"]["classification"], "xml");
  EXPECT_EQ(t["Parameters"]["rowTag"], "book");
  EXPECT_EQ(t["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"], "com.ibm.spss.hive.serde2.xml.XmlSerDe");
  ASSERT_EQ(t["StorageDescriptor"]["Columns"].size(), 2u);
  EXPECT_EQ(t["StorageDescriptor"]["Columns"][1], Json::parse(R"({"Name":"title","Type":"string"})"));
}

TEST_F(CrawlRunnerTest, GrokLogThroughCustomClassifier) {
  std::string body;
  for (int i = 0; i < 10; ++i) body += "2024-05-01T10:00:0" + std::to_string(i) + " WARN disk " + std::to_string(i) + "\n";
  write(data_ / "applog" / "a.log", body);
  const std::string pattern = "%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:level} %{GREEDYDATA:message}";
  Json classifier = {{"GrokClassifier", {{"Name", "app"}, {"Classification", "applog"}, {"GrokPattern", pattern}}}};
  auto r = run(crawler((data_ / "applog").string()), {classifier});
  ASSERT_TRUE(r.ok()) << r.status();
  Json t = table("applog");
  EXPECT_EQ(t["Parameters"]["classification"], "applog");
  EXPECT_EQ(t["Parameters"]["grokPattern"], pattern);
  EXPECT_EQ(t["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"], "com.amazonaws.glue.serde.GrokSerDe");
  std::vector<std::string> names;
  for (const auto& c : t["StorageDescriptor"]["Columns"]) names.push_back(c["Name"]);
  EXPECT_THAT(names, ElementsAre("ts", "level", "message"));
}

TEST_F(CrawlRunnerTest, RecrawlAfterAddedColumnPartitionAndDeletedFolder) {
  write(data_ / "lake" / "orders" / "dt=1" / "a.csv", csv_rows("id,amount,item", 20));
  write(data_ / "lake" / "orders" / "dt=2" / "a.csv", csv_rows("id,amount,item", 20));
  write(data_ / "lake" / "users" / "u.csv", "uid,name,age\n1,a,30\n2,b,40\n3,c,50\n");
  // A third table, so that two remain (a lone folder would become a partition of the root).
  write(data_ / "lake" / "flags" / "f.csv", "flag,weight,note,ok\nx,0.5,n,true\ny,1.5,m,false\n");
  Json c = crawler((data_ / "lake").string(),
                   {{"SchemaChangePolicy", {{"UpdateBehavior", "UPDATE_IN_DATABASE"},
                                            {"DeleteBehavior", "DELETE_FROM_DATABASE"}}}});
  ASSERT_TRUE(run(c).ok());
  ASSERT_TRUE(has_table("orders"));
  ASSERT_TRUE(has_table("users"));

  for (const char* dt : {"dt=1", "dt=2", "dt=3"})
    write(data_ / "lake" / "orders" / dt / "a.csv", csv_rows("id,amount,item,qty", 20, /*extra=*/true));
  fs::remove_all(data_ / "lake" / "users");
  auto r = run(c);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(actions(*r), ElementsAre("UPDATE_TABLE orders", "UPDATE_PARTITION orders [\"1\"]",
                                       "UPDATE_PARTITION orders [\"2\"]", "CREATE_PARTITION orders [\"3\"]",
                                       "DELETE_TABLE users"));
  EXPECT_THAT(column_names(table("orders")), ElementsAre("id:bigint", "amount:double", "item:string", "qty:bigint"));
  EXPECT_FALSE(has_table("users"));
  EXPECT_EQ(partitions("orders").size(), 3u);
}

TEST_F(CrawlRunnerTest, ChangedFormatOnRecrawl) {
  write(data_ / "ev" / "e.csv", csv_rows("id,amount,item", 20));
  ASSERT_TRUE(run(crawler((data_ / "ev").string())).ok());
  fs::remove(data_ / "ev" / "e.csv");
  std::string body;
  for (int i = 0; i < 20; ++i) body += R"({"id":)" + std::to_string(i) + R"(,"item":"x"})" + "\n";
  write(data_ / "ev" / "e.json", body);
  auto r = run(crawler((data_ / "ev").string()));
  ASSERT_TRUE(r.ok()) << r.status();
  Json t = table("ev");
  EXPECT_EQ(t["Parameters"]["classification"], "json");
  EXPECT_FALSE(t["Parameters"].contains("skip.header.line.count"));
  EXPECT_EQ(t["VersionId"], "1");
}

TEST_F(CrawlRunnerTest, DryRunReportsWhatTheRealCrawlDoes) {
  write(data_ / "d" / "k=1" / "a.csv", csv_rows("id,amount,item", 20));
  write(data_ / "d" / "k=2" / "a.csv", csv_rows("id,amount,item", 20));
  auto dry = run(crawler((data_ / "d").string(), {{"Configuration", R"({"Mortar":{"DryRun":true,"Manifest":true}})"}}));
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_TRUE(dry->dry_run);
  EXPECT_FALSE(has_table("d"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM crawl_manifest_files"), 0);
  ASSERT_EQ(dry->plan.size(), 1u);
  auto real = run(crawler((data_ / "d").string()));
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(actions(*dry), actions(*real));
  EXPECT_THAT(actions(*real), ElementsAre("CREATE_TABLE d", "CREATE_PARTITION d [\"1\"]", "CREATE_PARTITION d [\"2\"]"));
  EXPECT_EQ(dry->summary.tables_created, 1);
  EXPECT_EQ(dry->summary.partitions_created, 2);
}

TEST_F(CrawlRunnerTest, TableThresholdFailsBeforeWriting) {
  write(data_ / "many" / "a" / "a.csv", "x,y\n1,a\n");
  write(data_ / "many" / "b" / "b.csv", "p,q,r\n1.5,true,z\n");
  auto r = run(crawler((data_ / "many").string(),
                       {{"Configuration", R"({"CrawlerOutput":{"Tables":{"TableThreshold":1}}})"}}));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(status_message(r.status())), HasSubstr("Table Threshold value = 1, Tables detected - 2"));
  EXPECT_FALSE(has_table("a"));
  EXPECT_FALSE(has_table("b"));
}

TEST_F(CrawlRunnerTest, UnsupportedTargetsAndMissingDatabaseFailClearly) {
  Json mongo = {{"Name", "c1"}, {"DatabaseName", "sales"},
                {"Targets", {{"MongoDBTargets", Json::array({{{"Path", "db/coll"}}})}}}};
  auto r = run(mongo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(std::string(status_message(r.status())), "MongoDB targets are not supported (MongoDBTargets)");
  Json delta = {{"Name", "c1"}, {"DatabaseName", "sales"},
                {"Targets", {{"DeltaTargets", Json::array({{{"DeltaTables", {"/x"}}}})}}}};
  r = run(delta);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(status_message(r.status())), HasSubstr("Delta Lake targets are not supported"));
  Json nodb = crawler(data_.string());
  nodb["DatabaseName"] = "nope";
  r = run(nodb);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::IsNotFound(r.status()));
  EXPECT_THAT(std::string(status_message(r.status())), HasSubstr("Database nope not found"));
  Json none = {{"Name", "c1"}, {"DatabaseName", "sales"}, {"Targets", Json::object()}};
  EXPECT_FALSE(run(none).ok());
  Json bad_policy = crawler(data_.string(), {{"SchemaChangePolicy", {{"DeleteBehavior", "SHRED"}}}});
  r = run(bad_policy);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(status_message(r.status())), HasSubstr("DeleteBehavior 'SHRED' is not valid"));
}

TEST_F(CrawlRunnerTest, CatalogTargetAddsPartitionsOnly) {
  write(data_ / "ext" / "dt=1" / "a.csv", csv_rows("id,amount,item", 5));
  write(data_ / "ext" / "dt=2" / "a.csv", csv_rows("id,amount,item", 5));
  Json input = table_input("ext", (data_ / "ext").string());  // id bigint, amount double; by dt
  input["StorageDescriptor"]["InputFormat"] = kTextInput;
  input["StorageDescriptor"]["SerdeInfo"] = {{"SerializationLibrary", kLazySimple}};
  input["Parameters"] = {{"classification", "csv"}};
  ASSERT_TRUE(catalog_->create_table(op("CreateTable"), "sales", input).ok());
  Json c = {{"Name", "c1"},
            {"Targets", {{"CatalogTargets", Json::array({{{"DatabaseName", "sales"}, {"Tables", {"ext", "gone"}}}})}}}};
  auto r = run(c);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(actions(*r), ElementsAre("CREATE_PARTITION ext [\"1\"]", "CREATE_PARTITION ext [\"2\"]"));
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].path, "sales.gone");
  Json t = table("ext");
  EXPECT_THAT(column_names(t), ElementsAre("id:bigint", "amount:double"));
  EXPECT_EQ(t["VersionId"], "0");
}

TEST_F(CrawlRunnerTest, JdbcSqliteTablesBecomeCatalogTables) {
  const std::string db_path = (data_ / "shop.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE orders (id INTEGER, total REAL, note TEXT);"
                             "CREATE VIEW big AS SELECT id FROM orders WHERE total > 10;",
                         nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  ASSERT_TRUE(catalog_->create_connection(op("CreateConnection"),
                                          {{"Name", "shop"}, {"ConnectionType", "JDBC"},
                                           {"ConnectionProperties", {{"JDBC_CONNECTION_URL", "jdbc:sqlite:" + db_path}}}},
                                          nullptr).ok());
  Json c = {{"Name", "c1"}, {"DatabaseName", "sales"},
            {"Targets", {{"JdbcTargets", Json::array({{{"ConnectionName", "shop"}, {"Path", "shop/%"}}})}}}};
  auto r = run(c);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->summary.tables_created, 2);
  Json t = table("shop_orders");
  EXPECT_THAT(column_names(t), ElementsAre("id:bigint", "total:double", "note:string"));
  EXPECT_EQ(t["Parameters"]["classification"], "sqlite");
  EXPECT_EQ(t["Parameters"]["connectionName"], "shop");
  EXPECT_EQ(t["Parameters"]["typeOfData"], "table");
  EXPECT_EQ(t["Parameters"]["UPDATED_BY_CRAWLER"], "c1");
  EXPECT_FALSE(t["Parameters"].contains("sizeKey"));
  EXPECT_EQ(t["StorageDescriptor"]["Location"], "shop.orders");
  EXPECT_EQ(table("shop_big")["Parameters"]["typeOfData"], "view");
  // Re-crawl unchanged: nothing to do. A dropped table is deprecated.
  auto again = run(c);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->changes.empty());
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP VIEW big;", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto dropped = run(c);
  ASSERT_TRUE(dropped.ok());
  EXPECT_THAT(actions(*dropped), ElementsAre("DEPRECATE_TABLE shop_big"));
  Json missing = c;
  missing["Targets"]["JdbcTargets"][0]["ConnectionName"] = "nope";
  auto bad = run(missing);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(status_message(bad.status())), HasSubstr("connection nope not found"));
}

}  // namespace
}  // namespace mortar::crawler
