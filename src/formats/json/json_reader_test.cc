#include "formats/json/json_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "formats/json/json_format.h"
#include "formats/testing_util.h"

namespace mortar::formats::json {
namespace {

using formats::testing::read_all;
using formats::testing::ReadResult;
using formats::testing::TempDir;
using formats::testing::write_text;
using ::testing::HasSubstr;

class JsonReaderTest : public ::testing::Test {
 protected:
  ReadResult read(const std::string& content, Options format_options = {},
                  const std::string& name = "t.json", int64_t batch_rows = 65536) {
    std::string path = dir_.file(name);
    write_text(path, content);
    ReadOptions o;
    o.format_options = std::move(format_options);
    o.batch_rows = batch_rows;
    return read_all(json_format(), path, o);
  }
  TempDir dir_;
};

TEST_F(JsonReaderTest, JsonLinesWithMissingFields) {
  auto r = read("{\"name\":\"Michael\"}\n{\"name\":\"Andy\", \"age\":30}\r\n\n{\"age\":19,\"name\":\"Justin\"}\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<name:string,age:bigint>");
  EXPECT_EQ(r.rows, (std::vector<std::string>{R"({"name":"Michael","age":null})",
                                              R"({"name":"Andy","age":30})",
                                              R"({"name":"Justin","age":19})"}));
}

TEST_F(JsonReaderTest, TopLevelArrayAndConcatenatedDocuments) {
  auto a = read("[\n {\"a\": 1},\n {\"a\": 2}\n]\n");
  ASSERT_TRUE(a.status.ok()) << a.status;
  EXPECT_EQ(a.rows, (std::vector<std::string>{R"({"a":1})", R"({"a":2})"}));
  auto c = read("{\n  \"a\": 1\n}\n{\n  \"a\": 2.5\n}{\"a\":3}");
  ASSERT_TRUE(c.status.ok()) << c.status;
  EXPECT_EQ(c.schema->to_string(), "struct<a:double>");
  EXPECT_EQ(c.rows.size(), 3u);
}

TEST_F(JsonReaderTest, JsonPathPicksRecords) {
  auto r = read(R"({"meta":{"n":2},"records":[{"id":1},{"id":2}]})", {{"jsonPath", "$.records[*]"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows, (std::vector<std::string>{R"({"id":1})", R"({"id":2})"}));
  auto one = read(R"({"meta":{"n":2}})", {{"jsonPath", "$['meta']"}});
  ASSERT_TRUE(one.status.ok()) << one.status;
  EXPECT_EQ(one.rows, std::vector<std::string>{R"({"n":2})"});
  EXPECT_FALSE(read("{}", {{"jsonPath", "records"}}).status.ok());
}

TEST_F(JsonReaderTest, NestedObjectsAndArrays) {
  auto r = read(
      R"({"id":1,"user":{"name":"a","tags":["x","y"]},"pts":[{"x":1},{"x":2,"y":3}]})" "\n"
      R"({"id":2,"user":{"name":"b","tags":[]},"pts":null})" "\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(),
            "struct<id:bigint,user:struct<name:string,tags:array<string>>,pts:array<struct<x:bigint,y:bigint>>>");
  EXPECT_EQ(r.rows[0], R"({"id":1,"user":{"name":"a","tags":["x","y"]},"pts":[{"x":1,"y":null},{"x":2,"y":3}]})");
  EXPECT_EQ(r.rows[1], R"({"id":2,"user":{"name":"b","tags":[]},"pts":null})");
}

TEST_F(JsonReaderTest, DisagreeingTypesMergeIntoChoice) {
  auto r = read("{\"v\":1,\"w\":1}\n{\"v\":\"one\",\"w\":1.5}\n{\"v\":null,\"w\":2}\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<v:choice<bigint,string>,w:double>");
  EXPECT_EQ(r.rows, (std::vector<std::string>{R"({"v":1,"w":1.0})", R"({"v":"one","w":1.5})",
                                              R"({"v":null,"w":2.0})"}));
}

TEST_F(JsonReaderTest, ScalarRecordsReadAsValue) {
  auto r = read("1\n2\n3\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<value:bigint>");
  EXPECT_EQ(r.rows.size(), 3u);
}

TEST_F(JsonReaderTest, DeepNestingBeyondTheLimitIsKeptAsText) {
  std::string open, close;
  for (int i = 0; i < 100; ++i) {
    open += "{\"a\":";
    close += "}";
  }
  auto r = read(open + "1" + close + "\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows.size(), 1u);
  EXPECT_THAT(r.schema->to_string(), HasSubstr("string"));
  // Beyond simdjson's depth limit: an error, not a crash.
  std::string deep_open(5000, '['), deep_close(5000, ']');
  auto d = read(deep_open + deep_close);
  EXPECT_FALSE(d.status.ok());
}

TEST_F(JsonReaderTest, InvalidJsonIsLocated) {
  auto r = read("{\"a\":1}\n{\"a\":2}\n{\"a\":tru}\n", {}, "bad.json");
  ASSERT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("bad.json: line 3 (byte offset 16)"));
}

TEST_F(JsonReaderTest, TruncatedInputIsLocated) {
  auto r = read("{\"a\":1}\n{\"a\":[1,2", {}, "cut.json");
  ASSERT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("cut.json"));
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("byte offset 8"));
}

TEST_F(JsonReaderTest, NonObjectAmongObjectsIsLocated) {
  auto r = read("{\"a\":1}\n[1]\n", {}, "mix.json");
  ASSERT_FALSE(r.status.ok());
}

TEST_F(JsonReaderTest, ValueMismatchAfterSampleIsLocated) {
  auto r = read("{\"a\":1}\n{\"a\":2}\n{\"a\":\"x\"}\n", {{"inferSampleRows", "2"}}, "m.json");
  ASSERT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()),
              HasSubstr("m.json: line 3 (byte offset 16): field 'a': expected bigint, got string"));
}

TEST_F(JsonReaderTest, SmallBlocksCarryDocumentsOver) {
  std::string data;
  for (int i = 0; i < 3000; ++i) data += "{\"i\":" + std::to_string(i) + ",\"s\":\"" + std::string(i % 50, 'q') + "\"}\n";
  auto r = read(data, {{"blockSize", "256"}}, "blocks.json", 1000);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.rows.size(), 3000u);
  for (int64_t n : r.batch_sizes) EXPECT_LE(n, 1000);
  EXPECT_EQ(r.rows[2999], "{\"i\":2999,\"s\":\"" + std::string(2999 % 50, 'q') + "\"}");
  // One array bigger than the block: the block grows.
  std::string arr = "[";
  for (int i = 0; i < 500; ++i) arr += (i ? "," : "") + std::string("{\"i\":") + std::to_string(i) + "}";
  arr += "]";
  auto a = read(arr, {{"blockSize", "64"}}, "arr.json");
  ASSERT_TRUE(a.status.ok()) << a.status;
  EXPECT_EQ(a.rows.size(), 500u);
}

TEST_F(JsonReaderTest, ExplicitSchemaConvertsValues) {
  ReadOptions o;
  o.schema = types::DataType::parse(
                 "struct<d:date,t:timestamp,n:decimal(6,2),m:map<string,int>,i:int,s:string>")
                 .value();
  std::string path = dir_.file("s.json");
  write_text(path, R"({"d":"2024-01-31","t":"2024-01-31T10:00:00Z","n":12.345,"m":{"a":1},"i":"42","s":{"x":[1]}})");
  auto r = read_all(json_format(), path, o);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows[0],
            R"({"d":"2024-01-31","t":"2024-01-31 10:00:00","n":"12.35","m":{"a":1},"i":42,"s":"{\"x\":[1]}"})");
}

TEST_F(JsonReaderTest, ProjectionUnicodeBomAndEmpty) {
  ReadOptions o;
  o.columns = {"b"};
  std::string path = dir_.file("p.json");
  write_text(path, "\xEF\xBB\xBF{\"a\":1,\"b\":\"Γειά 🌍\\u00e9\"}\n");
  auto r = read_all(json_format(), path, o);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows, std::vector<std::string>{R"({"b":"Γειά 🌍é"})"});
  auto e = read("");
  ASSERT_TRUE(e.status.ok()) << e.status;
  EXPECT_TRUE(e.rows.empty());
  auto ea = read("[]");
  ASSERT_TRUE(ea.status.ok()) << ea.status;
  EXPECT_TRUE(ea.rows.empty());
}

TEST_F(JsonReaderTest, DuplicateKeysFirstWins) {
  auto r = read("{\"a\":1,\"a\":2}\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows, std::vector<std::string>{R"({"a":1})"});
}

// Blocks of 1 MB and more are parsed as two halves on two threads: the rows
// must come out complete and in order, whatever the layout.
TEST_F(JsonReaderTest, LargeInputsReadTheSameInParallelAndSequentially) {
  std::string lines, pretty;
  for (int i = 0; i < 60000; ++i) {
    lines += "{\"id\": " + std::to_string(i) + ", \"name\": \"n" + std::to_string(i) + "\"}\n";
    pretty += "{\n  \"id\": " + std::to_string(i) + ",\n  \"name\": \"n" + std::to_string(i) + "\"\n}\n";
  }
  for (const std::string* content : {&lines, &pretty}) {
    auto parallel = read(*content, {}, "p.json", 4096);
    auto sequential = read(*content, {{"parallelParse", "0"}}, "s.json", 4096);
    ASSERT_TRUE(parallel.status.ok()) << parallel.status;
    ASSERT_TRUE(sequential.status.ok()) << sequential.status;
    ASSERT_EQ(parallel.rows.size(), 60000u);
    EXPECT_EQ(parallel.rows, sequential.rows);
    EXPECT_EQ(parallel.rows[59999], R"({"id":59999,"name":"n59999"})");
  }
}

TEST_F(JsonReaderTest, AnErrorDeepInALargeInputNamesItsLine) {
  std::string content;
  for (int i = 0; i < 100000; ++i) content += "{\"a\": " + std::to_string(i) + "}\n";
  content += "{\"a\": oops}\n";
  for (int i = 0; i < 10; ++i) content += "{\"a\": 1}\n";
  auto r = read(content, {}, "bad.json");
  ASSERT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("bad.json: line 100001 "));
}


TEST_F(JsonReaderTest, TopLevelArrayStreamsElementByElement) {
  // Numbers, strings holding the punctuation that is rewritten, nested
  // arrays as records, and a second array after the first, across block
  // boundaries of every size.
  const std::string text =
      "[12345, \"a,]\\\"[b\", [1, 2], [3, {\"x\": \"]\"}], -0.5e3, true, null]\n[7]";
  for (const char* block : {"64", "65", "100", "65536"}) {
    auto r = read(text, {{"blockSize", block}, {"maxRecordSize", "20"}}, "a.json");
    ASSERT_TRUE(r.status.ok()) << block << ": " << r.status;
    ASSERT_EQ(r.rows.size(), 8u) << block;
    EXPECT_THAT(r.rows[0], HasSubstr("12345"));
    EXPECT_THAT(r.rows[1], HasSubstr("a,]\\\"[b"));
    EXPECT_THAT(r.rows[7], HasSubstr("7"));
  }
  std::string many = "[";
  for (int i = 0; i < 5000; ++i) many += (i ? "," : "") + std::to_string(i * 7919);
  many += "]";
  auto m = read(many, {{"blockSize", "64"}}, "m.json", 1000);
  ASSERT_TRUE(m.status.ok()) << m.status;
  ASSERT_EQ(m.rows.size(), 5000u);
  EXPECT_EQ(m.rows[4999], "{\"value\":" + std::to_string(4999 * 7919) + "}");
}

TEST_F(JsonReaderTest, MalformedTopLevelArrayIsLocated) {
  // Arrays larger than the block are read element by element and their
  // punctuation checked here (smaller ones are parsed whole by simdjson,
  // which reports the error at the array's start). 80 blanks after '['.
  const std::string pad(80, ' ');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1,,2]", "line 1 (byte offset 83): invalid JSON: two commas in a row"},
      {",1]", "line 1 (byte offset 81): invalid JSON: a comma before an array's first element"},
      {"1,\n2,]", "line 2 (byte offset 86): invalid JSON: a comma before ']'"},
      {"1 2]", "line 1 (byte offset 83): invalid JSON: expected ',' or ']'"},
      {"{\"a\":1} {\"a\":2}]", "line 1 (byte offset 89): invalid JSON: expected ',' or ']'"},
      {"{\"a\":1},\n{\"a\":2}", "truncated JSON array"},
      {"{\"a\":1}}", "line 1 (byte offset 88)"},
  };
  for (const auto& [tail, want] : cases) {
    const std::string text = "[" + pad + tail;
    auto r = read(text, {{"blockSize", "64"}}, "bad.json");
    EXPECT_FALSE(r.status.ok()) << text;
    EXPECT_THAT(std::string(r.status.message()), HasSubstr(want)) << text;
  }
}

}  // namespace
}  // namespace mortar::formats::json
