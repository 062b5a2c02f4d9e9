// FileClassifier end to end over real files in a temp dir: each built-in
// format, compression, custom classifiers, order and certainty, bad files.
#include "crawler/classify/file_classifier.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "formats/format.h"
#include "formats/testing_util.h"
#include "io/compression.h"

namespace mortar::crawler {
namespace {

using formats::testing::TempDir;
using formats::testing::write_text;

Classification classify(const std::string& path, std::vector<Json> custom = {}, bool smart = false) {
  auto c = FileClassifier::create(custom, ClassifyOptions{smart});
  EXPECT_TRUE(c.ok()) << c.status();
  FileEntry f;
  f.path = path;
  f.size = std::filesystem::exists(path) ? static_cast<int64_t>(std::filesystem::file_size(path)) : 0;
  auto r = (*c)->classify(io::local_file_system(), f);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Classification{};
}

std::string schema_of(const Classification& c) { return c.schema ? c.schema->to_string() : "(null)"; }

void write_compressed(const std::string& path, const std::string& text, io::Codec codec) {
  auto out = io::local_file_system().open_output(path);
  ASSERT_TRUE(out.ok());
  auto z = io::compressing_stream(std::move(*out), codec);
  ASSERT_TRUE(z.ok()) << z.status();
  ASSERT_TRUE((*z)->write(text).ok());
  ASSERT_TRUE((*z)->close().ok());
}

const char* kCsv = "id,name,price\n1,apple,1.5\n2,pear,2.25\n3,plum,0.5\n";

TEST(FileClassifier, CsvWithGlueStorageDescriptor) {
  TempDir dir;
  write_text(dir.file("a.csv"), kCsv);
  Classification c = classify(dir.file("a.csv"));
  EXPECT_EQ(c.classification, "csv");
  EXPECT_EQ(c.certainty, 1.0);
  EXPECT_EQ(schema_of(c), "struct<id:bigint,name:string,price:double>");
  EXPECT_EQ(c.compression_type, "");
  EXPECT_EQ(c.input_format, "org.apache.hadoop.mapred.TextInputFormat");
  EXPECT_EQ(c.output_format, "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat");
  EXPECT_EQ(c.serde_info["SerializationLibrary"], "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe");
  EXPECT_EQ(c.serde_info["Parameters"]["field.delim"], ",");
  EXPECT_EQ(c.parameters["delimiter"], ",");
  EXPECT_EQ(c.parameters["skip.header.line.count"], "1");
  EXPECT_EQ(c.parameters["areColumnsQuoted"], "false");
  EXPECT_EQ(c.parameters["typeOfData"], "file");
  EXPECT_EQ(c.record_count, 3);
  EXPECT_GT(c.average_record_size, 0);
  EXPECT_FALSE(c.reason.empty());
}

TEST(FileClassifier, QuotedCsvUsesOpenCsvSerde) {
  TempDir dir;
  write_text(dir.file("q.csv"), "id|label\n1|\"a|b\"\n2|\"c\"\n");
  Classification c = classify(dir.file("q.csv"));
  ASSERT_EQ(c.classification, "csv") << c.reason;
  EXPECT_EQ(c.serde_info["SerializationLibrary"], "org.apache.hadoop.hive.serde2.OpenCSVSerde");
  EXPECT_EQ(c.serde_info["Parameters"]["separatorChar"], "|");
  EXPECT_EQ(c.serde_info["Parameters"]["quoteChar"], "\"");
  EXPECT_EQ(c.parameters["areColumnsQuoted"], "true");
  EXPECT_EQ(schema_of(c), "struct<id:bigint,label:string>");
  EXPECT_EQ(c.parameters.count("quoteChar"), 0u);  // Glue writes no quoteChar table parameter

  // Smart mode finds a single-quote dialect and tells the SerDe.
  write_text(dir.file("s.csv"), "id,label\n1,'a,b'\n2,'c'\n3,'d,e'\n");
  Classification s = classify(dir.file("s.csv"), {}, true);
  ASSERT_EQ(s.classification, "csv") << s.reason;
  EXPECT_EQ(s.serde_info["Parameters"]["quoteChar"], "'");
  EXPECT_EQ(schema_of(s), "struct<id:bigint,label:string>");
}

TEST(FileClassifier, CompressedFilesByMagicAndSuffix) {
  TempDir dir;
  struct Case { const char* name; io::Codec codec; const char* glue; };
  for (const Case& k : {Case{"a.csv.gz", io::Codec::kGzip, "gzip"}, Case{"a.csv.zst", io::Codec::kZstd, "zstd"},
                        Case{"a.csv.snappy", io::Codec::kSnappyFramed, "snappy"},
                        Case{"no_suffix", io::Codec::kGzip, "gzip"}}) {
    write_compressed(dir.file(k.name), kCsv, k.codec);
    Classification c = classify(dir.file(k.name));
    EXPECT_EQ(c.classification, "csv") << k.name << ": " << c.reason;
    EXPECT_EQ(c.compression_type, k.glue) << k.name;
    EXPECT_EQ(schema_of(c), "struct<id:bigint,name:string,price:double>") << k.name;
  }
}

TEST(FileClassifier, ZipOfOneFile) {
  TempDir dir;
  // A zip with one deflated entry, built from a gzip member's raw deflate stream.
  auto gz = io::compress_block(io::Codec::kGzip, kCsv);
  ASSERT_TRUE(gz.ok());
  std::string deflate = gz->substr(10, gz->size() - 18);
  std::string name = "a.csv";
  std::string zip = "PK\x03\x04";
  auto le16 = [&](uint32_t v) { zip += static_cast<char>(v & 0xff); zip += static_cast<char>(v >> 8); };
  auto le32 = [&](uint32_t v) { le16(v & 0xffff); le16(v >> 16); };
  le16(20); le16(0); le16(8); le16(0); le16(0); le32(0);
  le32(static_cast<uint32_t>(deflate.size())); le32(static_cast<uint32_t>(std::string(kCsv).size()));
  le16(static_cast<uint32_t>(name.size())); le16(0);
  zip += name + deflate;
  write_text(dir.file("a.zip"), zip);
  Classification c = classify(dir.file("a.zip"));
  EXPECT_EQ(c.classification, "csv") << c.reason;
  EXPECT_EQ(c.compression_type, "zip");
  EXPECT_EQ(schema_of(c), "struct<id:bigint,name:string,price:double>");
}

TEST(FileClassifier, CorruptCompressedFileIsUnknownWithError) {
  TempDir dir;
  auto gz = io::compress_block(io::Codec::kGzip, std::string(200000, 'a'));
  ASSERT_TRUE(gz.ok());
  std::string bad = gz->substr(0, 20) + std::string(5000, '\xff');
  write_text(dir.file("bad.csv.gz"), bad);
  Classification c = classify(dir.file("bad.csv.gz"));
  EXPECT_EQ(c.classification, "UNKNOWN");
  EXPECT_NE(c.error.find(dir.file("bad.csv.gz")), std::string::npos) << c.error;
}

TEST(FileClassifier, JsonLinesAndJsonSerde) {
  TempDir dir;
  write_text(dir.file("a.json"), "{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"b\":\"y\",\"c\":true}\n");
  Classification c = classify(dir.file("a.json"));
  EXPECT_EQ(c.classification, "json") << c.reason;
  EXPECT_EQ(schema_of(c), "struct<a:bigint,b:string,c:boolean>");
  EXPECT_EQ(c.serde_info["SerializationLibrary"], "org.openx.data.jsonserde.JsonSerDe");
  EXPECT_EQ(c.serde_info["Parameters"]["paths"], "a,b,c");
  EXPECT_EQ(c.record_count, 2);
}

TEST(FileClassifier, JsonReadIsExtendedPastOneMegabyteForABigFirstRecord) {
  TempDir dir;
  std::string big = "{\"blob\":\"" + std::string(1500000, 'x') + "\",\"n\":1}\n{\"blob\":\"y\",\"n\":2}\n";
  write_text(dir.file("big.json"), big + big);
  Classification c = classify(dir.file("big.json"));
  EXPECT_EQ(c.classification, "json") << c.reason;
  EXPECT_EQ(schema_of(c), "struct<blob:string,n:bigint>");
}

TEST(FileClassifier, XmlFindsTheRepeatingElement) {
  TempDir dir;
  write_text(dir.file("a.xml"),
             "<?xml version=\"1.0\"?>\n<books><book id=\"1\"><title>A</title><pages>10</pages></book>"
             "<book id=\"2\"><title>B</title><pages>20</pages></book></books>\n");
  Classification c = classify(dir.file("a.xml"));
  EXPECT_EQ(c.classification, "xml") << c.reason;
  EXPECT_EQ(c.parameters["rowTag"], "book");
  EXPECT_EQ(schema_of(c), "struct<_id:bigint,title:string,pages:bigint>");
  EXPECT_EQ(c.serde_info["SerializationLibrary"], "com.ibm.spss.hive.serde2.xml.XmlSerDe");
  EXPECT_EQ(c.record_count, 2);
}

TEST(FileClassifier, BuiltInApacheLog) {
  TempDir dir;
  std::string log;
  for (int i = 0; i < 5; ++i)
    log += "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 "
           "\"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"\n";
  write_text(dir.file("access.log"), log);
  Classification c = classify(dir.file("access.log"));
  EXPECT_EQ(c.classification, "combined_apache") << c.reason;
  EXPECT_EQ(c.parameters["grokPattern"], "%{COMBINEDAPACHELOG}");
  EXPECT_EQ(c.serde_info["SerializationLibrary"], "com.amazonaws.glue.serde.GrokSerDe");
  ASSERT_TRUE(c.schema);
  EXPECT_GE(c.schema->field_index("clientip"), 0) << schema_of(c);
}

void write_parquet(const std::string& path, int rows) {
  auto schema = types::DataType::structure(
      {{"id", types::DataType::bigint()}, {"name", types::DataType::string()}});
  auto format = formats::format_by_name("parquet");
  ASSERT_TRUE(format.ok());
  formats::WriteOptions wo;
  wo.format_options["compression"] = "none";
  auto w = (*format)->open_writer(io::local_file_system(), path, schema, wo);
  ASSERT_TRUE(w.ok()) << w.status();
  auto batch = types::RecordBatch::make_empty(schema);
  for (int i = 0; i < rows; ++i) {
    batch->column(0).append_int(i);
    batch->column(1).append_string("name" + std::to_string(i));
  }
  batch->set_num_rows(rows);
  ASSERT_TRUE((*w)->write(*batch).ok());
  ASSERT_TRUE((*w)->close().ok());
}

TEST(FileClassifier, ParquetFromFooterOnly) {
  TempDir dir;
  write_parquet(dir.file("a.parquet"), 1000);
  Classification c = classify(dir.file("a.parquet"));
  EXPECT_EQ(c.classification, "parquet") << c.reason;
  EXPECT_EQ(schema_of(c), "struct<id:bigint,name:string>");
  EXPECT_EQ(c.record_count, 1000);
  EXPECT_EQ(c.input_format, "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat");
  EXPECT_EQ(c.serde_info["SerializationLibrary"], "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");

  // Wreck every data page: the footer alone still classifies the file.
  std::string bytes = formats::testing::read_text(dir.file("a.parquet"));
  uint32_t footer_len = 0;
  std::memcpy(&footer_len, bytes.data() + bytes.size() - 8, 4);
  size_t data_end = bytes.size() - 8 - footer_len;
  for (size_t i = 4; i < data_end; ++i) bytes[i] = '\xee';
  write_text(dir.file("pages.parquet"), bytes);
  Classification p = classify(dir.file("pages.parquet"));
  EXPECT_EQ(p.classification, "parquet") << p.reason;
  EXPECT_EQ(p.record_count, 1000);

  // A wrecked footer is reported with the path.
  std::string broken = formats::testing::read_text(dir.file("a.parquet"));
  for (size_t i = data_end; i < broken.size() - 8; ++i) broken[i] = '\xee';
  write_text(dir.file("footer.parquet"), broken);
  Classification f = classify(dir.file("footer.parquet"));
  EXPECT_EQ(f.classification, "UNKNOWN");
  EXPECT_NE(f.error.find(dir.file("footer.parquet")), std::string::npos) << f.error;
}

TEST(FileClassifier, Avro) {
  TempDir dir;
  auto schema = types::DataType::structure({{"k", types::DataType::string()}});
  auto format = formats::format_by_name("avro");
  ASSERT_TRUE(format.ok());
  auto w = (*format)->open_writer(io::local_file_system(), dir.file("a.avro"), schema, {});
  ASSERT_TRUE(w.ok());
  auto batch = types::RecordBatch::make_empty(schema);
  batch->column(0).append_string("v");
  batch->set_num_rows(1);
  ASSERT_TRUE((*w)->write(*batch).ok());
  ASSERT_TRUE((*w)->close().ok());
  Classification c = classify(dir.file("a.avro"));
  EXPECT_EQ(c.classification, "avro") << c.reason;
  EXPECT_EQ(schema_of(c), "struct<k:string>");
  EXPECT_EQ(c.serde_info["SerializationLibrary"], "org.apache.hadoop.hive.serde2.avro.AvroSerDe");
  EXPECT_FALSE(c.serde_info["Parameters"].value("avro.schema.literal", "").empty());
}

TEST(FileClassifier, BadFilesNeverFail) {
  TempDir dir;
  Classification missing = classify(dir.file("nope.csv"));
  EXPECT_EQ(missing.classification, "UNKNOWN");
  EXPECT_NE(missing.error.find("nope.csv"), std::string::npos);
  write_text(dir.file("empty.csv"), "");
  Classification empty = classify(dir.file("empty.csv"));
  EXPECT_EQ(empty.classification, "UNKNOWN");
  EXPECT_TRUE(empty.error.empty());
  std::string garbage;
  for (int i = 0; i < 5000; ++i) garbage += static_cast<char>((i * 7919) % 256);
  write_text(dir.file("garbage.bin"), garbage);
  EXPECT_EQ(classify(dir.file("garbage.bin")).classification, "UNKNOWN");
  write_text(dir.file("words.txt"), "hello world\nanother line\n");
  EXPECT_EQ(classify(dir.file("words.txt")).classification, "UNKNOWN");
  write_text(dir.file("PAR1.bin"), "PAR1 but nothing else");
  Classification par = classify(dir.file("PAR1.bin"));
  EXPECT_EQ(par.classification, "UNKNOWN");
  EXPECT_FALSE(par.error.empty());
}

TEST(FileClassifier, SmartModeFindsAllTextHeader) {
  TempDir dir;
  write_text(dir.file("t.csv"),
             "first,last,state\nann,lee,open\nbo,kim,closed\ncy,fox,open\ndi,ray,closed\ned,poe,open\n");
  EXPECT_EQ(schema_of(classify(dir.file("t.csv"))), "struct<col0:string,col1:string,col2:string>");
  Classification s = classify(dir.file("t.csv"), {}, true);
  EXPECT_EQ(schema_of(s), "struct<first:string,last:string,state:string>") << s.reason;
  EXPECT_EQ(s.parameters["skip.header.line.count"], "1");
}

TEST(FileClassifier, SmartModeSamplesMiddleAndTailOfBigFiles) {
  // 3 MB of integers whose last rows hold text and whose middle holds dates:
  // Glue's 1 MB head sees only integers; the smart sample sees all three parts.
  TempDir dir;
  std::string text = "id,v,w\n";
  int i = 0;
  while (text.size() < 3'000'000) {
    bool middle = text.size() > 1'400'000 && text.size() < 1'700'000;
    text += std::to_string(i++) + "," + std::to_string(i % 97) + "," + (middle ? "2024-01-02" : "") + "\n";
  }
  for (int k = 0; k < 50; ++k) text += std::to_string(i++) + ",n/a,\n";
  write_text(dir.file("big.csv"), text);
  Classification glue = classify(dir.file("big.csv"));
  EXPECT_EQ(schema_of(glue), "struct<id:bigint,v:bigint,w:string>");
  EXPECT_GT(glue.record_count, 200000);  // estimated from the sampled share of the file
  Classification smart = classify(dir.file("big.csv"), {}, true);
  EXPECT_EQ(schema_of(smart), "struct<id:bigint,v:string,w:date>") << smart.reason;
}

TEST(CustomClassifiers, GrokWithCustomPatterns) {
  TempDir dir;
  write_text(dir.file("app.log"), "2024-01-01 INFO started id=7\n2024-01-02 WARN slow id=8\n");
  Json grok = {{"GrokClassifier",
                {{"Name", "applog"}, {"Classification", "app_logs"},
                 {"GrokPattern", "%{DAY_:day} %{LOGLEVEL:level} %{WORD:msg} id=%{INT:id:int}"},
                 {"CustomPatterns", "DAY_ \\d{4}-\\d{2}-\\d{2}"}}}};
  Classification c = classify(dir.file("app.log"), {grok});
  EXPECT_EQ(c.classification, "app_logs") << c.reason;
  EXPECT_EQ(c.classifier_name, "applog");
  EXPECT_EQ(c.certainty, 1.0);
  EXPECT_EQ(schema_of(c), "struct<day:string,level:string,msg:string,id:int>");
  EXPECT_EQ(c.serde_info["SerializationLibrary"], "com.amazonaws.glue.serde.GrokSerDe");
  EXPECT_EQ(c.serde_info["Parameters"]["input.format"], "%{DAY_:day} %{LOGLEVEL:level} %{WORD:msg} id=%{INT:id:int}");
}

TEST(CustomClassifiers, XmlRowTagAndJsonPath) {
  TempDir dir;
  write_text(dir.file("a.xml"), "<r><meta><v>1</v></meta><item><x>1</x></item><item><x>2</x></item></r>");
  Json xml = {{"XMLClassifier", {{"Name", "items"}, {"Classification", "my_xml"}, {"RowTag", "item"}}}};
  Classification c = classify(dir.file("a.xml"), {xml});
  EXPECT_EQ(c.classification, "my_xml") << c.reason;
  EXPECT_EQ(schema_of(c), "struct<x:bigint>");
  EXPECT_EQ(c.serde_info["SerializationLibrary"], "com.ibm.spss.hive.serde2.xml.XmlSerDe");

  write_text(dir.file("a.json"), "{\"records\":[{\"a\":1},{\"a\":2}],\"n\":2}");
  Json json = {{"JsonClassifier", {{"Name", "recs"}, {"JsonPath", "$.records[*]"}}}};
  Classification j = classify(dir.file("a.json"), {json});
  EXPECT_EQ(j.classification, "json") << j.reason;
  EXPECT_EQ(j.classifier_name, "recs");
  EXPECT_EQ(schema_of(j), "struct<a:bigint>");
  EXPECT_EQ(j.record_count, 2);
}

TEST(CustomClassifiers, CsvWithItsOwnDialectAndHeader) {
  TempDir dir;
  write_text(dir.file("a.txt"), "x#y\nfoo#bar\nbaz#qux\n");
  Json csv = {{"CsvClassifier", {{"Name", "hash"}, {"Delimiter", "#"}, {"ContainsHeader", "PRESENT"},
                                 {"Header", {"First", "Second"}}, {"Serde", "OpenCSVSerDe"}}}};
  Classification c = classify(dir.file("a.txt"), {csv});
  EXPECT_EQ(c.classification, "csv") << c.reason;
  EXPECT_EQ(c.classifier_name, "hash");
  EXPECT_EQ(schema_of(c), "struct<first:string,second:string>");
  EXPECT_EQ(c.parameters["skip.header.line.count"], "1");
  EXPECT_EQ(c.serde_info["SerializationLibrary"], "org.apache.hadoop.hive.serde2.OpenCSVSerde");
  EXPECT_EQ(c.serde_info["Parameters"]["separatorChar"], "#");

  write_text(dir.file("one.txt"), "a\nb\nc\n");
  Json single = {{"CsvClassifier", {{"Name", "one"}, {"AllowSingleColumn", true}, {"ContainsHeader", "ABSENT"}}}};
  EXPECT_EQ(classify(dir.file("one.txt"), {single}).classification, "csv");
  EXPECT_EQ(classify(dir.file("one.txt")).classification, "UNKNOWN");

  Json types = {{"CsvClassifier", {{"Name", "typed"}, {"CustomDatatypeConfigured", true},
                                   {"CustomDatatypes", {"INT", "STRING"}}}}};
  write_text(dir.file("n.csv"), "a,b,c\n1,2.5,true\n2,3.5,false\n");
  EXPECT_EQ(schema_of(classify(dir.file("n.csv"), {types})), "struct<a:int,b:string,c:string>");
}

TEST(CustomClassifiers, OrderAndFallThrough) {
  TempDir dir;
  write_text(dir.file("a.csv"), kCsv);
  Json first = {{"GrokClassifier", {{"Name", "g1"}, {"Classification", "first"}, {"GrokPattern", "%{GREEDYDATA:line}"}}}};
  Json second = {{"GrokClassifier", {{"Name", "g2"}, {"Classification", "second"}, {"GrokPattern", "%{GREEDYDATA:all}"}}}};
  EXPECT_EQ(classify(dir.file("a.csv"), {first, second}).classification, "first");
  EXPECT_EQ(classify(dir.file("a.csv"), {second, first}).classification, "second");
  // A custom classifier that does not match leaves the file to the built-ins.
  Json nomatch = {{"XMLClassifier", {{"Name", "x"}, {"Classification", "x"}, {"RowTag", "row"}}}};
  EXPECT_EQ(classify(dir.file("a.csv"), {nomatch}).classification, "csv");
}

TEST(CustomClassifiers, InvalidDefinitionsNameTheClassifier) {
  auto expect_bad = [](const Json& def, const std::string& needle) {
    auto c = FileClassifier::create({def}, {});
    ASSERT_FALSE(c.ok()) << def.dump();
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(status_message(c.status())).find(needle), std::string::npos) << c.status();
  };
  expect_bad({{"GrokClassifier", {{"Name", "g"}, {"Classification", "c"}, {"GrokPattern", "%{NOPE_NOT_THERE}"}}}}, "'g'");
  expect_bad({{"GrokClassifier", {{"Name", "g2"}, {"GrokPattern", "%{WORD}"}}}}, "Classification");
  expect_bad({{"CsvClassifier", {{"Name", "c"}, {"Delimiter", ",,"}}}}, "'c'");
  expect_bad({{"CsvClassifier", {{"Name", "c2"}, {"ContainsHeader", "MAYBE"}}}}, "ContainsHeader");
  expect_bad({{"CsvClassifier", {{"Name", "c3"}, {"Delimiter", ","}, {"QuoteSymbol", ","}}}}, "QuoteSymbol");
  expect_bad({{"JsonClassifier", {{"Name", "j"}, {"JsonPath", "not a path"}}}}, "'j'");
  expect_bad({{"OtherClassifier", {{"Name", "o"}}}}, "OtherClassifier");
}

TEST(FillStorage, EveryBuiltInFormat) {
  struct Case { const char* cls; const char* input; const char* serde; };
  for (const Case& k : {Case{"csv", "org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"},
                        Case{"json", "org.apache.hadoop.mapred.TextInputFormat", "org.openx.data.jsonserde.JsonSerDe"},
                        Case{"parquet", "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
                        Case{"orc", "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat", "org.apache.hadoop.hive.ql.io.orc.OrcSerde"},
                        Case{"avro", "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat", "org.apache.hadoop.hive.serde2.avro.AvroSerDe"}}) {
    Classification c;
    fill_storage_for(k.cls, c);
    EXPECT_EQ(c.input_format, k.input) << k.cls;
    EXPECT_EQ(c.serde_info["SerializationLibrary"], k.serde) << k.cls;
    EXPECT_EQ(c.parameters["typeOfData"], "file");
  }
  Classification tsv;
  tsv.parameters["delimiter"] = "\t";
  fill_storage_for("csv", tsv);
  EXPECT_EQ(tsv.serde_info["Parameters"]["field.delim"], "\t");
}

}  // namespace
}  // namespace mortar::crawler
