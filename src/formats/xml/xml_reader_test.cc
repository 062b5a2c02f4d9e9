#include "formats/xml/xml_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "formats/testing_util.h"
#include "formats/xml/xml_format.h"

namespace mortar::formats::xml {
namespace {

using formats::testing::read_all;
using formats::testing::ReadResult;
using formats::testing::TempDir;
using formats::testing::write_text;
using ::testing::HasSubstr;

class XmlReaderTest : public ::testing::Test {
 protected:
  ReadResult read(const std::string& content, Options format_options = {{"rowTag", "row"}},
                  int64_t batch_rows = 65536) {
    std::string path = dir_.file("t.xml");
    write_text(path, content);
    ReadOptions o;
    o.format_options = std::move(format_options);
    o.batch_rows = batch_rows;
    return read_all(xml_format(), path, o);
  }
  std::string path() const { return dir_.file("t.xml"); }
  TempDir dir_;
};

TEST_F(XmlReaderTest, MissingRowTagIsInvalidArgumentNamingIt) {
  auto r = read("<a><row/></a>", {});
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("rowTag"));
}

TEST_F(XmlReaderTest, FlatRecordsWithTypeInference) {
  auto r = read(
      "<?xml version=\"1.0\"?>\n<rows>\n"
      "  <row><name>Ann</name><age>30</age><score>1.5</score><ok>true</ok></row>\n"
      "  <row><name>Bob</name><age>41</age><score>2</score><ok>FALSE</ok></row>\n"
      "</rows>\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<name:string,age:bigint,score:double,ok:boolean>");
  EXPECT_EQ(r.rows, (std::vector<std::string>{R"({"name":"Ann","age":30,"score":1.5,"ok":true})",
                                              R"({"name":"Bob","age":41,"score":2.0,"ok":false})"}));
}

TEST_F(XmlReaderTest, DisagreeingTypesBecomeChoice) {
  auto r = read("<r><row><v>1</v></row><row><v>abc</v></row></r>");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<v:choice<bigint,string>>");
  EXPECT_EQ(r.rows, (std::vector<std::string>{R"({"v":1})", R"({"v":"abc"})"}));
}

TEST_F(XmlReaderTest, TimestampsAreInferredWhenEveryValueIsOne) {
  auto r = read(
      "<r><row><t>2013-01-24T06:18:43Z</t><d>2000-10-01</d><m>2020-01-02 03:04:05.5</m></row>"
      "<row><t>2013-01-25T06:18:43.25+01:00</t><d>2000-10-02</d><m>soon</m></row></r>");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<t:timestamp,d:string,m:string>");
  EXPECT_EQ(r.rows, (std::vector<std::string>{
                        R"({"t":"2013-01-24 06:18:43","d":"2000-10-01","m":"2020-01-02 03:04:05.5"})",
                        R"({"t":"2013-01-25 05:18:43.250000","d":"2000-10-02","m":"soon"})"}));
}

TEST_F(XmlReaderTest, AttributesNestingRepeatsAndValueTag) {
  auto r = read(
      "<r><row id=\"7\"><a><b>x</b><c k=\"1\">t</c></a><tag>p</tag><tag>q</tag>"
      "<empty/></row></r>");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(),
            "struct<_id:bigint,a:struct<b:string,c:struct<_k:bigint,_VALUE:string>>,"
            "tag:array<string>,empty:string>");
  EXPECT_EQ(r.rows[0],
            R"({"_id":7,"a":{"b":"x","c":{"_k":1,"_VALUE":"t"}},"tag":["p","q"],"empty":null})");
}

TEST_F(XmlReaderTest, AttributePrefixValueTagAndExcludeAttribute) {
  const std::string xml = "<r><row id=\"1\"><c k=\"a\">t</c></row></r>";
  auto r = read(xml, {{"rowTag", "row"}, {"attributePrefix", "@"}, {"valueTag", "text"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows[0], R"({"@id":1,"c":{"@k":"a","text":"t"}})");
  auto ex = read(xml, {{"rowTag", "row"}, {"excludeAttribute", "true"}});
  ASSERT_TRUE(ex.status.ok()) << ex.status;
  EXPECT_EQ(ex.rows[0], R"({"c":"t"})");
}

TEST_F(XmlReaderTest, EmptyValuesAndSurroundingSpaces) {
  const std::string xml = "<r><row><a> 5 </a><b>  </b><c>\n  </c></row></r>";
  auto plain = read(xml);
  ASSERT_TRUE(plain.status.ok()) << plain.status;
  EXPECT_EQ(plain.rows[0], R"({"a":" 5 ","b":"  ","c":null})");
  auto nulls = read(xml, {{"rowTag", "row"}, {"treatEmptyValuesAsNulls", "true"}});
  ASSERT_TRUE(nulls.status.ok()) << nulls.status;
  EXPECT_EQ(nulls.rows[0], R"({"a":" 5 ","b":null,"c":null})");
  auto trimmed = read(xml, {{"rowTag", "row"}, {"ignoreSurroundingSpaces", "true"}});
  ASSERT_TRUE(trimmed.status.ok()) << trimmed.status;
  EXPECT_EQ(trimmed.schema->to_string(), "struct<a:bigint,b:string,c:string>");
  EXPECT_EQ(trimmed.rows[0], R"({"a":5,"b":null,"c":null})");
}

TEST_F(XmlReaderTest, EntitiesCdataCommentsAndProcessingInstructions) {
  auto r = read(
      "<!DOCTYPE r [ <!ELEMENT r ANY> ]>\n<r><!-- c <row> -->"
      "<row><t>a&lt;b&gt;&amp;&quot;&apos;&#65;&#x42;&#xE9;</t><?pi x?>"
      "<d><![CDATA[<not a tag> & ]]></d></row></r>");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows, (std::vector<std::string>{"{\"t\":\"a<b>&\\\"'AB\xC3\xA9\",\"d\":\"<not a tag> & \"}"}));
}

TEST_F(XmlReaderTest, RowTagAtAnyDepthAndRowTextAsValueTag) {
  auto r = read("<a><b><row x=\"1\">hi</row></b><row>there</row></a>");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows, (std::vector<std::string>{R"({"_x":1,"_VALUE":"hi"})",
                                              R"({"_x":null,"_VALUE":"there"})"}));
}

TEST_F(XmlReaderTest, MalformedXmlIsALocatedError) {
  for (const std::string bad : {"<r><row><a>1</b></row></r>", "<r><row><a>1</a>", "<r><row a=1/></r>",
                                "<r><row>&bogus;</row></r>", "<r><row><!-- x</row></r>"}) {
    auto r = read(bad);
    ASSERT_FALSE(r.status.ok()) << bad;
    EXPECT_THAT(std::string(r.status.message()), HasSubstr(path())) << bad;
    EXPECT_THAT(std::string(r.status.message()), HasSubstr("byte offset")) << bad;
  }
  auto r = read("<r>\n<row>\n<a>1</b></row></r>");
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("line 3 (byte offset 14)"));
}

TEST_F(XmlReaderTest, BatchesAndExplicitSchema) {
  std::string xml = "<r>";
  for (int i = 0; i < 10; ++i) xml += "<row><n>" + std::to_string(i) + "</n></row>";
  xml += "</r>";
  auto r = read(xml, {{"rowTag", "row"}}, 4);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.batch_sizes, (std::vector<int64_t>{4, 4, 2}));
  write_text(path(), xml);
  ReadOptions o;
  o.format_options = {{"rowTag", "row"}};
  o.schema = types::DataType::structure({{"n", types::DataType::string()}});
  auto s = read_all(xml_format(), path(), o);
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_EQ(s.rows[9], R"({"n":"9"})");
}

TEST_F(XmlReaderTest, Latin1EncodingAndBadEncoding) {
  auto r = read("<r><row><n>caf\xE9</n></row></r>", {{"rowTag", "row"}, {"encoding", "ISO-8859-1"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows[0], "{\"n\":\"caf\xC3\xA9\"}");
  auto bad = read("<r/>", {{"rowTag", "row"}, {"encoding", "EBCDIC"}});
  EXPECT_EQ(bad.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status.message()), HasSubstr("encoding"));
}

TEST_F(XmlReaderTest, FormatIsRegisteredAndSniffs) {
  auto f = format_by_name("xml");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_GT((*f)->sniff("<?xml version=\"1.0\"?><a/>"), 0.9);
  EXPECT_EQ((*f)->sniff("{\"a\":1}"), 0.0);
  EXPECT_EQ(format_for_path("x/data.xml.gz"), *f);
}

}  // namespace
}  // namespace mortar::formats::xml
