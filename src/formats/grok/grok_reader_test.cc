#include "formats/grok/grok_reader.h"

#include <gtest/gtest.h>

#include "formats/format.h"
#include "formats/grok/grok_format.h"
#include "formats/testing_util.h"

namespace mortar::formats::grok {
namespace {

using testing::opts;
using testing::read_all;
using testing::TempDir;
using testing::write_text;

TEST(GrokReader, TypedColumnsNullsForMissingAndSkipsUnmatchedLines) {
  TempDir dir;
  std::string path = dir.file("app.log");
  write_text(path,
             "2024-01-02 INFO 200 1.5 true\n"
             "garbage line\n"
             "\n"
             "2024-01-03 WARN - 2.0 false\r\n"
             "2024-01-04 ERROR 99999999999 x yes\n");
  ReadOptions o;
  o.format_options = opts({{"logFormat",
                            "%{DATA:day} %{LOGLEVEL:level} %{NOTSPACE:code:int} "
                            "%{NOTSPACE:took:double} %{WORD:ok:boolean}"}});
  auto r = read_all(grok_format(), path, o);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(),
            "struct<day:string,level:string,code:int,took:double,ok:boolean>");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0], R"({"day":"2024-01-02","level":"INFO","code":200,"took":1.5,"ok":true})");
  EXPECT_EQ(r.rows[1], R"({"day":"2024-01-03","level":"WARN","code":null,"took":2.0,"ok":false})");
  // Out of range for int / not a number / not a boolean: null outside strict mode.
  EXPECT_EQ(r.rows[2], R"({"day":"2024-01-04","level":"ERROR","code":null,"took":null,"ok":null})");
}

TEST(GrokReader, StrictModeFailsOnUnmatchedLineNamingIt) {
  TempDir dir;
  std::string path = dir.file("app.log");
  write_text(path, "a 1\nb 2\nnope\n");
  ReadOptions o;
  o.format_options = opts({{"logFormat", "^%{WORD:w} %{INT:n:long}$"}, {"StrictMode", "true"}});
  auto r = read_all(grok_format(), path, o);
  EXPECT_FALSE(r.status.ok());
  EXPECT_NE(std::string(r.status.message()).find("line 3"), std::string::npos) << r.status;
  o.format_options["StrictMode"] = "false";
  r = read_all(grok_format(), path, o);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.rows.size(), 2u);
}

TEST(GrokReader, StrictModeFailsOnUnconvertibleValue) {
  TempDir dir;
  std::string path = dir.file("app.log");
  write_text(path, "a 1\nb x\n");
  ReadOptions o;
  o.format_options = opts({{"logFormat", "%{WORD:w} %{WORD:n:int}"}, {"strictmode", "true"}});
  auto r = read_all(grok_format(), path, o);
  EXPECT_FALSE(r.status.ok());
  EXPECT_NE(std::string(r.status.message()).find("line 2: field 'n': 'x' is not a valid int"),
            std::string::npos)
      << r.status;
}

TEST(GrokReader, CustomPatternsMissingAndProjection) {
  TempDir dir;
  std::string path = dir.file("q.log");
  write_text(path, "id=Q-1 user=NONE\nid=Q-2 user=ann\n");
  ReadOptions o;
  o.format_options = opts({{"logFormat", "id=%{QID:id} user=%{WORD:user}"},
                           {"customPatterns", "QID Q-%{INT}"},
                           {"MISSING", "NONE"}});
  o.columns = {"user"};
  auto r = read_all(grok_format(), path, o);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows, (std::vector<std::string>{R"({"user":null})", R"({"user":"ann"})"}));
  o.columns = {"nope"};
  EXPECT_FALSE(read_all(grok_format(), path, o).status.ok());
}

TEST(GrokReader, LineCountJoinsLinesIntoOneRecord) {
  TempDir dir;
  std::string path = dir.file("m.log");
  write_text(path, "BEGIN 1\nbody one\nBEGIN 2\nbody two\n");
  ReadOptions o;
  o.format_options = opts({{"logFormat", "BEGIN %{INT:n:int}\\n%{GREEDYDATA:body}"}, {"LineCount", "2"}});
  auto r = read_all(grok_format(), path, o);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows, (std::vector<std::string>{R"({"n":1,"body":"body one"})",
                                              R"({"n":2,"body":"body two"})"}));
}

TEST(GrokReader, ReadSchemaOverridesTypesAndBatchesAreBounded) {
  TempDir dir;
  std::string path = dir.file("n.log");
  std::string text;
  for (int i = 0; i < 25; ++i) text += std::to_string(i) + "\n";
  write_text(path, text);
  ReadOptions o;
  o.format_options = opts({{"logFormat", "%{INT:n}"}});
  o.schema = types::DataType::structure({{"n", types::DataType::bigint()}});
  o.batch_rows = 10;
  auto r = read_all(grok_format(), path, o);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.batch_sizes, (std::vector<int64_t>{10, 10, 5}));
  EXPECT_EQ(r.rows[24], R"({"n":24})");
}

TEST(GrokReader, ClearErrorsForBadOptions) {
  TempDir dir;
  std::string path = dir.file("x.log");
  write_text(path, "x\n");
  ReadOptions o;
  EXPECT_NE(std::string(read_all(grok_format(), path, o).status.message()).find("logFormat"),
            std::string::npos);
  o.format_options = opts({{"logFormat", "%{NOPE:x}"}});
  EXPECT_NE(std::string(read_all(grok_format(), path, o).status.message()).find("x.log"),
            std::string::npos);
  o.format_options = opts({{"logFormat", "%{WORD:x}"}, {"LineCount", "0"}});
  EXPECT_FALSE(read_all(grok_format(), path, o).status.ok());
  EXPECT_FALSE(grok_format().open_writer(io::local_file_system(), dir.file("o.log"),
                                         types::DataType::structure({}), {})
                   .ok());
}

TEST(GrokReader, RegisteredByName) {
  auto f = format_by_name("grok");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->name(), "grok");
}

}  // namespace
}  // namespace mortar::formats::grok
