// Sinks: formats, partition folders, file counts, compression, atomicity.
#include "engine/file_sink.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/test_util.h"
#include "formats/hive_path.h"

namespace mortar::engine {
namespace {

using testing::json_frame;
using testing::lines;
using testing::read_text;
using testing::TempDir;
namespace fs = std::filesystem;

constexpr const char* kSales =
    "{\"year\": 2024, \"region\": \"eu/west\", \"amount\": 1.5}\n"
    "{\"year\": 2024, \"region\": \"us\", \"amount\": 2.0}\n"
    "{\"year\": 2023, \"region\": null, \"amount\": 3.25}\n";

std::vector<std::string> relative(const std::string& root, const std::vector<std::string>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.substr(root.size() + 1));
  return out;
}

bool no_temp_left(const std::string& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".mortar-") != std::string::npos) return false;
  return true;
}

TEST(FileSink, PartitionedJsonRoundTrip) {
  TempDir dir;
  auto in = json_frame(dir, {kSales});
  FileSinkOptions o;
  o.path = dir.file("out");
  o.format = "json";
  o.partition_keys = {"year", "region"};
  auto result = write_files(in, o);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows, 3);
  auto rel = relative(o.path, result->files);
  ASSERT_EQ(rel.size(), 3u);
  EXPECT_EQ(rel[0].substr(0, rel[0].find("part-")), "year=2023/region=__HIVE_DEFAULT_PARTITION__/");
  EXPECT_EQ(rel[1].substr(0, rel[1].find("part-")), "year=2024/region=eu%2Fwest/");
  EXPECT_EQ(rel[2].substr(0, rel[2].find("part-")), "year=2024/region=us/");
  EXPECT_EQ(rel[1].substr(rel[1].size() - 5), ".json");
  // The keys leave the data...
  EXPECT_EQ(read_text(result->files[2]), "{\"amount\":2.0}\n");
  // ...and come back as columns when the folder is read again.
  FileSourceOptions back;
  back.paths = {o.path};
  back.format = "json";
  auto frame = DynamicFrame::from_files(back);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(lines(*frame),
            "{\"amount\": 3.25, \"year\": \"2023\", \"region\": null}\n"
            "{\"amount\": 1.5, \"year\": \"2024\", \"region\": \"eu/west\"}\n"
            "{\"amount\": 2.0, \"year\": \"2024\", \"region\": \"us\"}\n");
  EXPECT_TRUE(no_temp_left(dir.path()));
}

TEST(FileSink, HiveEscapingRoundTripsAwkwardValues) {
  EXPECT_EQ(formats::hive_escape("a=b/c%d:e\x01 f"), "a%3Db%2Fc%25d%3Ae%01 f");
  EXPECT_EQ(formats::hive_escape("caf\xC3\xA9 ok-_.~"), "caf\xC3\xA9 ok-_.~");  // UTF-8 kept
  for (std::string v : std::vector<std::string>{"", "plain", "%41", "x?y*z[1]{2}^#'\"\\",
                                                std::string("\x7F\n\t", 3)})
    EXPECT_EQ(formats::hive_unescape(formats::hive_escape(v)), v);
}

TEST(FileSink, ParquetWithCompressionAndFileCount) {
  TempDir dir;
  auto in = json_frame(dir, {kSales});
  FileSinkOptions o;
  o.path = dir.file("pq");
  o.format = "parquet";
  o.compression = "snappy";
  auto one = write_files(in, o);
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_EQ(one->files.size(), 1u);
  EXPECT_EQ(one->files[0].substr(one->files[0].size() - 8), ".parquet");
  FileSourceOptions back;
  back.paths = {o.path};
  auto frame = DynamicFrame::from_files(back);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(lines(*frame), lines(in));
}

TEST(FileSink, RepartitionSetsTheNumberOfFilesAndGzipSuffix) {
  TempDir dir;
  // Three source files -> three batches -> spread over two output files.
  auto in = json_frame(dir, {"{\"a\": 1}\n", "{\"a\": 2}\n", "{\"a\": 3}\n"});
  FileSinkOptions o;
  o.path = dir.file("csv");
  o.format = "csv";
  o.compression = "gzip";
  auto result = write_files(in.repartition(2), o);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->files.size(), 2u);
  for (const auto& f : result->files) EXPECT_EQ(f.substr(f.size() - 7), ".csv.gz");
  FileSourceOptions back;
  back.paths = {o.path};
  back.format = "csv";
  back.format_options = {{"withHeader", "true"}};
  auto frame = DynamicFrame::from_files(back);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(*frame->count(), 3);
}

// A source that yields one good batch, then fails.
class FailingNode : public PlanNode {
 public:
  std::string name() const override { return "Failing"; }
  StatusOr<std::unique_ptr<BatchStream>> open(ExecContext&) const override {
    struct S : BatchStream {
      int calls = 0;
      StatusOr<std::unique_ptr<types::RecordBatch>> next() override {
        if (calls++ == 0) {
          auto b = types::RecordBatch::make_empty(schema());
          (void)types::append_row(*b, {types::Value::integer(1)});
          return b;
        }
        return internal_error("injected failure");
      }
    };
    return std::unique_ptr<BatchStream>(new S());
  }
  static types::TypePtr schema() {
    return types::DataType::structure({{"a", types::DataType::bigint()}});
  }

 protected:
  StatusOr<types::TypePtr> compute_schema() const override { return schema(); }
};

TEST(FileSink, FailureLeavesNoPartialOutput) {
  TempDir dir;
  DynamicFrame failing(std::make_shared<FailingNode>());
  FileSinkOptions o;
  o.path = dir.file("out");
  o.format = "json";
  auto result = write_files(failing, o);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(std::string(status_message(result.status())).find("injected failure"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(o.path));
  EXPECT_TRUE(no_temp_left(dir.path()));

  // An existing target keeps exactly what it had.
  testing::write_text(dir.file("out/old.json"), "{\"a\": 0}\n");
  ASSERT_FALSE(write_files(failing, o).ok());
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(o.path)) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
  EXPECT_TRUE(no_temp_left(dir.path()));
}

TEST(FileSink, AppendsToAnExistingFolderAndRejectsBadKeys) {
  TempDir dir;
  auto in = json_frame(dir, {kSales});
  FileSinkOptions o;
  o.path = dir.file("out");
  o.format = "json";
  ASSERT_TRUE(write_files(in, o).ok());
  ASSERT_TRUE(write_files(in, o).ok());
  FileSourceOptions back;
  back.paths = {o.path};
  EXPECT_EQ(*DynamicFrame::from_files(back)->count(), 6);

  o.partition_keys = {"nope"};
  EXPECT_FALSE(write_files(in, o).ok());
  o.partition_keys = {};
  o.format = "nosuchformat";
  EXPECT_FALSE(write_files(in, o).ok());
}

TEST(FileSink, AvroRoundTripAndXmlIsRefusedCleanly) {
  TempDir dir;
  auto in = json_frame(dir, {"{\"id\": 1, \"s\": {\"x\": \"a\"}, \"l\": [1.5, null]}\n{\"id\": 2, "
                             "\"s\": null, \"l\": []}\n"});
  FileSinkOptions o;
  o.path = dir.file("avro");
  o.format = "avro";
  o.compression = "deflate";
  auto written = write_files(in, o);
  ASSERT_TRUE(written.ok()) << written.status();
  FileSourceOptions back;
  back.paths = {o.path};
  auto frame = DynamicFrame::from_files(back);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(lines(*frame), lines(in));

  o.path = dir.file("xml");
  o.format = "xml";
  auto xml = write_files(in, o);
  ASSERT_FALSE(xml.ok());
  EXPECT_EQ(xml.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_FALSE(fs::exists(o.path));
  EXPECT_TRUE(no_temp_left(dir.path()));
}

TEST(FileSink, RepartitionSplitsOneBatchIntoEqualFiles) {
  TempDir dir;
  auto in = json_frame(dir, {"{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3}\n{\"a\": 4}\n{\"a\": 5}\n"});
  FileSinkOptions o;
  o.path = dir.file("out");
  o.format = "json";
  auto result = write_files(in.repartition(3), o);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->files.size(), 3u);
  std::string all;
  for (const auto& f : result->files) all += read_text(f);
  EXPECT_EQ(all, "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n{\"a\":4}\n{\"a\":5}\n");
  // coalesce never raises the count.
  EXPECT_EQ(in.repartition(2).coalesce(5).num_partitions(), 2);
}

// An unresolved choice (p is a number in one record, text in the other; q
// nests one in an array of structs).
constexpr const char* kChoices =
    "{\"p\": 1, \"q\": [{\"v\": 2}]}\n"
    "{\"p\": \"x\", \"q\": [{\"v\": \"y\"}]}\n";

DynamicFrame read_back(const std::string& path, const std::string& format) {
  FileSourceOptions back;
  back.paths = {path};
  back.format = format;
  auto frame = DynamicFrame::from_files(back);
  EXPECT_TRUE(frame.ok()) << frame.status();
  return *frame;
}

TEST(FileSink, TypedFormatsWriteAChoiceAsTheStructToDFMakes) {
  for (std::string format : {"parquet", "orc", "avro"}) {
    SCOPED_TRACE(format);
    TempDir dir;
    auto in = json_frame(dir, {kChoices});
    FileSinkOptions o;
    o.path = dir.file("out");
    o.format = format;
    auto result = write_files(in, o);
    ASSERT_TRUE(result.ok()) << result.status();
    // The written schema (what a catalog update takes) is the struct's.
    EXPECT_EQ(result->schema->to_string(),
              "struct<p:struct<long:bigint,string:string>,"
              "q:array<struct<v:struct<long:bigint,string:string>>>>");
    EXPECT_EQ(lines(read_back(o.path, format)),
              "{\"p\": {\"long\": 1, \"string\": null}, "
              "\"q\": [{\"v\": {\"long\": 2, \"string\": null}}]}\n"
              "{\"p\": {\"long\": null, \"string\": \"x\"}, "
              "\"q\": [{\"v\": {\"long\": null, \"string\": \"y\"}}]}\n");
  }
}

TEST(FileSink, TextFormatsWriteAChoiceValueAsItIs) {
  TempDir dir;
  auto in = json_frame(dir, {kChoices});
  FileSinkOptions o;
  o.path = dir.file("json");
  o.format = "json";
  auto json = write_files(in, o);
  ASSERT_TRUE(json.ok()) << json.status();
  ASSERT_EQ(json->files.size(), 1u);
  EXPECT_EQ(read_text(json->files[0]),
            "{\"p\":1,\"q\":[{\"v\":2}]}\n{\"p\":\"x\",\"q\":[{\"v\":\"y\"}]}\n");
  o.path = dir.file("csv");
  o.format = "csv";
  auto csv = write_files(in.select_fields({"p"}).value(), o);
  ASSERT_TRUE(csv.ok()) << csv.status();
  ASSERT_EQ(csv->files.size(), 1u);
  EXPECT_EQ(read_text(csv->files[0]), "p\n1\nx\n");
}

TEST(FileSink, GlueParquetRefusesAChoiceNamingTheFix) {
  TempDir dir;
  auto in = json_frame(dir, {kChoices});
  FileSinkOptions o;
  o.path = dir.file("gpq");
  o.format = "glueparquet";
  auto result = write_files(in, o);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(status_message(result.status()));
  EXPECT_NE(message.find("glueparquet cannot write the unresolved choice column 'p' "
                         "(choice<bigint,string>)"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("resolveChoice(specs=[(\"p\", \"cast:long\")])"), std::string::npos)
      << message;
  EXPECT_FALSE(fs::exists(o.path));
  EXPECT_TRUE(no_temp_left(dir.path()));
  // Resolved, the same frame is written as Parquet.
  auto resolved = in.resolve_choice({}, "cast:string");
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  auto written = write_files(*resolved, o);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(lines(read_back(o.path, "parquet")),
            "{\"p\": \"1\", \"q\": [{\"v\": \"2\"}]}\n"
            "{\"p\": \"x\", \"q\": [{\"v\": \"y\"}]}\n");
}

TEST(FileSink, AChoiceInAnArrayIsNamedWithGluesPathSyntax) {
  TempDir dir;
  auto in = json_frame(dir, {"{\"tags\": [1, \"a\"]}\n"});
  FileSinkOptions o;
  o.path = dir.file("gpq");
  o.format = "glueparquet";
  auto result = write_files(in, o);
  ASSERT_FALSE(result.ok());
  const std::string message(status_message(result.status()));
  EXPECT_NE(message.find("column 'tags[]'"), std::string::npos) << message;
  EXPECT_NE(message.find("resolveChoice(specs=[(\"tags[]\", \"cast:long\")])"), std::string::npos)
      << message;
}

}  // namespace
}  // namespace mortar::engine
