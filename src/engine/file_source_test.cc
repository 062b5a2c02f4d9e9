// File sources: listing, recurse, exclusions, partition folders, formats and
// their options, errors.
#include "engine/file_source.h"

#include <gtest/gtest.h>

#include "engine/file_sink.h"
#include "engine/test_util.h"
#include "io/compression.h"

namespace mortar::engine {
namespace {

using testing::lines;
using testing::schema_of;
using testing::TempDir;
using testing::write_text;

TEST(FileSource, RecurseExclusionsAndHiddenFiles) {
  TempDir dir;
  write_text(dir.file("d/a.json"), "{\"n\": 1}\n");
  write_text(dir.file("d/sub/b.json"), "{\"n\": 2}\n");
  write_text(dir.file("d/skip.tmp.json"), "{\"n\": 3}\n");
  write_text(dir.file("d/_SUCCESS"), "");
  write_text(dir.file("d/.hidden.json"), "{\"n\": 4}\n");
  FileSourceOptions o;
  o.paths = {dir.file("d")};
  o.format = "json";
  o.exclusions = {"**.tmp.json"};
  auto flat = DynamicFrame::from_files(o);
  ASSERT_TRUE(flat.ok()) << flat.status();
  EXPECT_EQ(lines(*flat), "{\"n\": 1}\n");
  o.recurse = true;
  auto deep = DynamicFrame::from_files(o);
  ASSERT_TRUE(deep.ok());
  EXPECT_EQ(lines(*deep), "{\"n\": 1}\n{\"n\": 2}\n");
  o.exclusions = {"sub/**"};  // relative patterns work too
  EXPECT_EQ(lines(*DynamicFrame::from_files(o)), "{\"n\": 1}\n{\"n\": 3}\n");
  o.exclusions = {"**.{tmp"};  // a malformed pattern is an error naming it
  auto bad = DynamicFrame::from_files(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(status_message(bad.status())).find("**.{tmp"), std::string::npos)
      << bad.status();
}

TEST(FileSource, CsvOptionsPassThroughAndCompressionBySuffix) {
  TempDir dir;
  write_text(dir.file("c/a.csv"), "id|name\n1|ann\n2|\n");
  FileSourceOptions o;
  o.paths = {dir.file("c")};
  o.format = "csv";
  o.format_options = {{"separator", "|"}, {"withHeader", "true"}};
  auto frame = DynamicFrame::from_files(o);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(schema_of(*frame), "struct<id:bigint,name:string>");
  EXPECT_EQ(lines(*frame), "{\"id\": 1, \"name\": \"ann\"}\n{\"id\": 2, \"name\": null}\n");
  // Glue's CSV default is withHeader=false: columns col0, col1.
  o.format_options = {{"separator", "|"}};
  // (The header row's text makes col0 mixed; its type is the reader's business.)
  auto no_header = DynamicFrame::from_files(o);
  ASSERT_TRUE(no_header.ok());
  auto fields = (*no_header->schema())->fields();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].name, "col0");
  EXPECT_EQ(fields[1].name, "col1");
  EXPECT_EQ(*no_header->count(), 3);
}

TEST(FileSource, CompressedFilesByTheirSuffix) {
  TempDir dir;
  for (const auto& [name, codec] :
       {std::pair<std::string, io::Codec>{"a.json.gz", io::Codec::kGzip},
        {"b.json.zst", io::Codec::kZstd}}) {
    auto out = io::local_file_system().open_output(dir.file("z/" + name));
    ASSERT_TRUE(out.ok());
    auto z = io::compressing_stream(std::move(*out), codec);
    ASSERT_TRUE(z.ok());
    ASSERT_TRUE((*z)->write("{\"file\": \"" + name + "\"}\n").ok());
    ASSERT_TRUE((*z)->close().ok());
  }
  FileSourceOptions o;
  o.paths = {dir.file("z")};  // format from the name under the suffix
  auto frame = DynamicFrame::from_files(o);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(lines(*frame), "{\"file\": \"a.json.gz\"}\n{\"file\": \"b.json.zst\"}\n");
}

TEST(FileSource, FormatByExtensionAndHivePartitions) {
  TempDir dir;
  write_text(dir.file("t/dt=2024-01-01/x.json"), "{\"v\": 1}\n");
  write_text(dir.file("t/dt=2024-01-02/x.json"), "{\"v\": 2}\n");
  FileSourceOptions o;
  o.paths = {dir.file("t")};
  auto frame = DynamicFrame::from_files(o);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(lines(*frame),
            "{\"v\": 1, \"dt\": \"2024-01-01\"}\n{\"v\": 2, \"dt\": \"2024-01-02\"}\n");
  o.partition_columns = false;
  EXPECT_EQ(lines(*DynamicFrame::from_files(o)), "{\"v\": 1}\n{\"v\": 2}\n");
}

TEST(FileSource, XmlAndGrokWithGlueFormatOptions) {
  TempDir dir;
  write_text(dir.file("x/books.xml"),
             "<catalog><book id=\"b1\"><title>Dune</title><price>9.5</price></book>"
             "<book id=\"b2\"><title>Emma</title></book></catalog>\n");
  FileSourceOptions o;
  o.paths = {dir.file("x")};
  o.format = "xml";
  o.format_options = {{"rowTag", "book"}};
  auto xml = DynamicFrame::from_files(o);
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_EQ(lines(*xml),
            "{\"_id\": \"b1\", \"title\": \"Dune\", \"price\": 9.5}\n"
            "{\"_id\": \"b2\", \"title\": \"Emma\", \"price\": null}\n");

  write_text(dir.file("g/app.log"), "alice 12\nbob 7\n");
  o.paths = {dir.file("g")};
  o.format = "grok";
  o.format_options = {{"logFormat", "%{WORD:user} %{INT:hits:int}"}};
  auto grok = DynamicFrame::from_files(o);
  ASSERT_TRUE(grok.ok()) << grok.status();
  EXPECT_EQ(lines(*grok),
            "{\"user\": \"alice\", \"hits\": 12}\n{\"user\": \"bob\", \"hits\": 7}\n");
}

TEST(FileSource, ErrorsAreClear) {
  TempDir dir;
  FileSourceOptions o;
  o.paths = {dir.file("missing")};
  EXPECT_FALSE(DynamicFrame::from_files(o).ok());
  write_text(dir.file("e/sub/a.json"), "{}\n");
  o.paths = {dir.file("e")};
  auto none = DynamicFrame::from_files(o);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(std::string(status_message(none.status())).find("recurse"), std::string::npos);
  o.paths = {dir.file("e/sub/a.json")};
  o.format = "nosuch";
  EXPECT_FALSE(DynamicFrame::from_files(o).ok());
  // Corrupt data fails the action with the file's name.
  write_text(dir.file("bad/a.json"), "{\"a\": 1}\n{\"a\": [1, \n");
  o.paths = {dir.file("bad")};
  o.format = "json";
  auto bad = DynamicFrame::from_files(o);
  ASSERT_TRUE(bad.ok());
  auto n = bad->count();
  ASSERT_FALSE(n.ok());
  EXPECT_NE(std::string(status_message(n.status())).find("a.json"), std::string::npos)
      << n.status();
}

TEST(FileSource, ExplicitInputsWithTypedPartitionValues) {
  TempDir dir;
  // Catalog partitions whose locations are not key=value folders.
  write_text(dir.file("p/one/a.json"), "{\"v\": 1}\n");
  write_text(dir.file("p/two.json"), "{\"v\": 2}\n");
  write_text(dir.file("p/three/b.json"), "{\"v\": 3}\n");
  FileSourceOptions o;
  o.format = "json";
  o.files = {{dir.file("p/one"), {{"year", "2024"}, {"region", "eu"}}},
             {dir.file("p/two.json"), {{"year", "2023"}, {"region", std::nullopt}}},
             {dir.file("p/three"), {{"year", "x"}, {"region", "us"}}}};
  o.partition_types = {{"year", "int"}};
  auto frame = DynamicFrame::from_files(o);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(schema_of(*frame), "struct<v:bigint,year:int,region:string>");
  EXPECT_EQ(lines(*frame),
            "{\"v\": 1, \"year\": 2024, \"region\": \"eu\"}\n"
            "{\"v\": 2, \"year\": 2023, \"region\": null}\n"
            "{\"v\": 3, \"year\": null, \"region\": \"us\"}\n");  // "x" is no int

  // Paths and explicit inputs together; folder partitions below an input add
  // their values after the given ones, typed too.
  write_text(dir.file("h/dt=2024-05-01/c.json"), "{\"v\": 4}\n");
  o.paths = {dir.file("p/two.json")};
  o.files = {{dir.file("h"), {{"year", "2022"}}}};
  o.partition_types = {{"year", "bigint"}, {"dt", "date"}};
  auto mixed = DynamicFrame::from_files(o);
  ASSERT_TRUE(mixed.ok()) << mixed.status();
  EXPECT_EQ(schema_of(*mixed), "struct<v:bigint,year:bigint,dt:date>");
  EXPECT_EQ(lines(*mixed),
            "{\"v\": 2, \"year\": null, \"dt\": null}\n"
            "{\"v\": 4, \"year\": 2022, \"dt\": \"2024-05-01\"}\n");

  o.partition_types = {{"year", "struct<a:int>"}};
  auto bad = DynamicFrame::from_files(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string(status_message(bad.status())).find("year"), std::string::npos);
  o.partition_types = {};
  o.paths = {};
  o.files = {{dir.file("nothing-here"), {}}};
  EXPECT_FALSE(DynamicFrame::from_files(o).ok());  // no files at all
  // A partition whose folder is gone holds no records; the others read.
  o.files = {{dir.file("p/one"), {{"year", "2024"}}}, {dir.file("gone"), {{"year", "2025"}}}};
  auto some = DynamicFrame::from_files(o);
  ASSERT_TRUE(some.ok()) << some.status();
  EXPECT_EQ(lines(*some), "{\"v\": 1, \"year\": \"2024\"}\n");
}

TEST(FileSource, TableColumnsByNameIgnoringCaseMissingOnesNull) {
  TempDir dir;
  write_text(dir.file("t/a.json"), "{\"ID\": 1, \"Score\": 10, \"extra\": true}\n");
  write_text(dir.file("t/b.json"), "{\"id\": 2}\n");
  FileSourceOptions o;
  o.paths = {dir.file("t")};
  o.format = "json";
  o.table_columns = {{"id", "bigint"}, {"score", "string"}, {"gone", "int"}};
  auto frame = DynamicFrame::from_files(o);
  ASSERT_TRUE(frame.ok()) << frame.status();
  // score keeps the data's type (b.json's missing score does not make it a
  // choice); gone, in no file, takes its catalog type; extra is dropped.
  EXPECT_EQ(schema_of(*frame), "struct<id:bigint,score:bigint,gone:int>");
  EXPECT_EQ(lines(*frame),
            "{\"id\": 1, \"score\": 10, \"gone\": null}\n"
            "{\"id\": 2, \"score\": null, \"gone\": null}\n");
}

TEST(FileSource, TableColumnsTakeCsvColumnsByPositionPastTheSample) {
  TempDir dir;
  std::string text = "Some Id,Tag\n";  // no third column: gone is null
  for (int i = 0; i < 1000; ++i)
    text += (i == 900 ? std::string("n/a") : std::to_string(i)) + ",t" + std::to_string(i) + "\n";
  write_text(dir.file("in/a.csv"), text);
  FileSourceOptions o;
  o.paths = {dir.file("in")};
  o.format = "csv";
  o.format_options = {{"withHeader", "true"}, {"inferSampleRows", "10"}};
  o.batch_rows = 64;
  o.table_columns = {{"id", "bigint"}, {"tag", "string"}, {"gone", "int"}};
  auto frame = DynamicFrame::from_files(o);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(schema_of(*frame), "struct<id:choice<bigint,string>,tag:string,gone:int>");
  // A sink starts on the sampled schema; the text past the sample widens a
  // batch, which still comes out under the table's names.
  auto fresh = DynamicFrame::from_files(o);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  auto resolved = fresh->resolve_choice({{"id", "cast:long"}});
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  FileSinkOptions sink;
  sink.path = dir.file("out");
  sink.format = "json";
  auto written = write_files(*resolved, sink);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->rows, 1000);
  EXPECT_EQ(written->attempts, 2);
  EXPECT_EQ(written->schema->to_string(), "struct<id:bigint,tag:string,gone:int>");
}

TEST(FileSource, CompressionTypeForFilesWithoutSuffix) {
  TempDir dir;
  for (const auto& [name, codec] : {std::pair<std::string, io::Codec>{"a", io::Codec::kGzip},
                                    {"b", io::Codec::kGzip},
                                    {"c.gz", io::Codec::kGzip}}) {
    auto out = io::local_file_system().open_output(dir.file("z/" + name));
    ASSERT_TRUE(out.ok());
    auto z = io::compressing_stream(std::move(*out), codec);
    ASSERT_TRUE(z.ok());
    ASSERT_TRUE((*z)->write("id,name\n1," + name + "\n").ok());
    ASSERT_TRUE((*z)->close().ok());
  }
  FileSourceOptions o;
  o.paths = {dir.file("z")};
  o.format = "csv";
  o.format_options = {{"withHeader", "true"}};
  o.compression_type = "gzip";  // a suffixed file is not decompressed twice
  o.exclusions = {"**/b"};
  auto frame = DynamicFrame::from_files(o);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(lines(*frame), "{\"id\": 1, \"name\": \"a\"}\n{\"id\": 1, \"name\": \"c.gz\"}\n");
  // A codec that does not match the data (b is gzip) fails the read, naming the file.
  o.compression_type = "bzip2";
  o.exclusions = {"**.gz", "**/a"};
  auto wrong = DynamicFrame::from_files(o);
  ASSERT_TRUE(wrong.ok());
  auto n = wrong->count();
  ASSERT_FALSE(n.ok());
  EXPECT_NE(std::string(status_message(n.status())).find("/z/b"), std::string::npos) << n.status();
  o.compression_type = "rar";
  auto unknown = DynamicFrame::from_files(o);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(std::string(status_message(unknown.status())).find("rar"), std::string::npos);
}

TEST(FileSource, GroupFilesKeepsOrderPartitionsAndThreads) {
  TempDir dir;
  std::string expected;
  for (int p = 0; p < 3; ++p) {
    for (int f = 0; f < 40; ++f) {
      write_text(dir.file("g/k=" + std::to_string(p) + "/f" + std::to_string(100 + f) + ".json"),
                 "{\"n\": " + std::to_string(p * 100 + f) + "}\n");
      expected +=
          "{\"n\": " + std::to_string(p * 100 + f) + ", \"k\": \"" + std::to_string(p) + "\"}\n";
    }
  }
  FileSourceOptions o;
  o.paths = {dir.file("g")};
  o.group_files = true;
  o.group_size = 100;  // ~10 files of 10 bytes per unit
  for (int threads : {1, 2, 3}) {
    o.threads = threads;
    auto frame = DynamicFrame::from_files(o);
    ASSERT_TRUE(frame.ok()) << frame.status();
    EXPECT_EQ(lines(*frame), expected) << threads;
  }
  o.group_size = 0;  // the default: all files of a partition in one unit
  EXPECT_EQ(lines(*DynamicFrame::from_files(o)), expected);
  o.group_size = -1;
  EXPECT_FALSE(DynamicFrame::from_files(o).ok());
}

}  // namespace
}  // namespace mortar::engine
