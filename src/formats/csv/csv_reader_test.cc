#include "formats/csv/csv_reader.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "formats/csv/csv_choice.h"
#include "formats/csv/csv_format.h"
#include "formats/text_values.h"
#include "formats/testing_util.h"
#include "io/compression.h"

namespace mortar::formats::csv {
namespace {

using formats::testing::read_all;
using formats::testing::ReadResult;
using formats::testing::TempDir;
using formats::testing::write_text;
using ::testing::HasSubstr;

class CsvReaderTest : public ::testing::Test {
 protected:
  ReadResult read(const std::string& content, Options format_options = {},
                  const std::string& name = "t.csv", int64_t batch_rows = 65536) {
    std::string path = dir_.file(name);
    write_text(path, content);
    ReadOptions o;
    o.format_options = std::move(format_options);
    o.batch_rows = batch_rows;
    return read_all(csv_format(), path, o);
  }
  TempDir dir_;
};

TEST_F(CsvReaderTest, HeaderAndInferredTypes) {
  auto r = read(
      "id,price,ok,day,at,name\n"
      "1,2.5,true,2024-01-31,2024-01-31 10:00:00,ann\n"
      "2,3,false,2024-02-01,2024-02-01T11:30:00.25Z,bob\n",
      {{"withHeader", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(),
            "struct<id:bigint,price:double,ok:boolean,day:date,at:timestamp,name:string>");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0],
            R"({"id":1,"price":2.5,"ok":true,"day":"2024-01-31","at":"2024-01-31 10:00:00","name":"ann"})");
  EXPECT_EQ(r.rows[1],
            R"({"id":2,"price":3.0,"ok":false,"day":"2024-02-01","at":"2024-02-01 11:30:00.250000","name":"bob"})");
}

TEST_F(CsvReaderTest, WithoutHeaderColumnsAreNamedLikeGlue) {
  auto r = read("1,a\n2,b\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<col0:bigint,col1:string>");
  EXPECT_EQ(r.rows.size(), 2u);
}

TEST_F(CsvReaderTest, SeparatorQuoteCharAndEscaper) {
  auto r = read("a;b\n'x;y';'it''s'\n", {{"separator", ";"}, {"quoteChar", "'"}, {"withHeader", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows[0], R"({"a":"x;y","b":"it's"})");
  auto e = read("a|b\nx\\|y|\"q\\\"z\"\n", {{"separator", "|"}, {"escaper", "\\"}, {"withHeader", "true"}});
  ASSERT_TRUE(e.status.ok()) << e.status;
  EXPECT_EQ(e.rows[0], R"({"a":"x|y","b":"q\"z"})");
  auto t = read("a\tb\n1\t2\n", {{"withHeader", "true"}}, "t.tsv");
  ASSERT_TRUE(t.status.ok()) << t.status;
  EXPECT_EQ(t.rows[0], R"({"a":1,"b":2})");
}

TEST_F(CsvReaderTest, QuotingDisabled) {
  auto r = read("a,b\n\"x,y\n", {{"quoteChar", "-1"}, {"withHeader", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows[0], R"({"a":"\"x","b":"y"})");
  // A stray quote opening a field does not swallow the rows after it; an
  // escaper still escapes (Hive's LazySimpleSerDe with escape.delim).
  auto s = read("a|b\n1|\"open\n2|x\\|y\n",
                {{"quoteChar", "-1"}, {"separator", "|"}, {"escaper", "\\"}, {"withHeader", "true"}});
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_EQ(s.rows,
            (std::vector<std::string>{R"({"a":1,"b":"\"open"})", R"({"a":2,"b":"x|y"})"}));
}

TEST_F(CsvReaderTest, SkipFirstAndSkipRows) {
  auto r = read("junk line\nid\n7\n", {{"skipFirst", "true"}, {"withHeader", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows, std::vector<std::string>{R"({"id":7})"});
  auto s = read("p1\np2\nid\n8\n", {{"skipRows", "2"}, {"withHeader", "true"}});
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_EQ(s.rows, std::vector<std::string>{R"({"id":8})"});
}

TEST_F(CsvReaderTest, MultiLineQuotedFieldsCrLfAndBom) {
  auto r = read("\xEF\xBB\xBFid,text\r\n1,\"two\r\nlines\"\r\n2,plain\r\n", {{"withHeader", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0], R"({"id":1,"text":"two\r\nlines"})");
  EXPECT_EQ(r.rows[1], R"({"id":2,"text":"plain"})");
}

TEST_F(CsvReaderTest, NullsEmptyStringsAndNullValue) {
  auto r = read("a,b,c\n,\"\",x\nNA,1,\n", {{"withHeader", "true"}, {"nullValue", "NA"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<a:string,b:bigint,c:string>");
  EXPECT_EQ(r.rows[0], R"({"a":null,"b":null,"c":"x"})");
  EXPECT_EQ(r.rows[1], R"({"a":null,"b":1,"c":null})");
  auto s = read("a\n\"\"\nx\n", {{"withHeader", "true"}});
  ASSERT_TRUE(s.status.ok());
  EXPECT_EQ(s.rows[0], R"({"a":""})");
}

TEST_F(CsvReaderTest, RaggedRowsAreALocatedError) {
  auto r = read("a,b,c,d,e\n1,2,3,4,5\n1,2,3,4,5,6,7\n", {{"withHeader", "true"}}, "file.csv");
  ASSERT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()),
              HasSubstr("file.csv: line 3 (byte offset 20): expected 5 fields, found 7"));
}

TEST_F(CsvReaderTest, RaggedRowsAsNullsByOption) {
  auto r = read("a,b,c\n1,2\n1,2,3,4\n", {{"withHeader", "true"}, {"allowRaggedRows", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows[0], R"({"a":1,"b":2,"c":null})");
  EXPECT_EQ(r.rows[1], R"({"a":1,"b":2,"c":3})");
}

TEST_F(CsvReaderTest, UnterminatedQuoteIsLocated) {
  auto r = read("a,b\n1,2\n3,\"oops\n4,5\n", {{"withHeader", "true"}}, "q.csv");
  ASSERT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("q.csv: line 3 (byte offset 8): unterminated quoted field"));
}

TEST_F(CsvReaderTest, StrayQuoteIsLocated) {
  auto r = read("a,b\nx,\"y\"z\"\n", {{"withHeader", "true"}}, "s.csv");
  ASSERT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("s.csv: line 2 (byte offset 6): column 'b': malformed quoted field"));
  // A quote inside an unquoted field is an ordinary character.
  auto ok = read("a,b\nMen's,'x,y'\n", {{"withHeader", "true"}, {"quoteChar", "'"}});
  ASSERT_TRUE(ok.status.ok()) << ok.status;
  EXPECT_EQ(ok.rows[0], R"({"a":"Men's","b":"x,y"})");
}

TEST_F(CsvReaderTest, ValueNotMatchingInferredTypeIsLocated) {
  auto r = read("n\n1\n2\nx\n", {{"withHeader", "true"}, {"inferSampleRows", "2"}}, "v.csv");
  ASSERT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()),
              HasSubstr("v.csv: line 4 (byte offset 6): column 'n': cannot parse 'x' as bigint"));
}

TEST_F(CsvReaderTest, ExplicitSchemaAndProjection) {
  ReadOptions o;
  o.format_options = {{"withHeader", "true"}};
  o.schema = types::DataType::parse("struct<x:int,y:decimal(10,2),z:string>").value();
  o.columns = {"z", "y"};
  std::string path = dir_.file("p.csv");
  write_text(path, "a,b,c\n1,2.5,hi\n-3,0.125,yo\n");
  auto r = read_all(csv_format(), path, o);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<z:string,y:decimal(10,2)>");
  EXPECT_EQ(r.rows[0], R"({"z":"hi","y":"2.50"})");
  EXPECT_EQ(r.rows[1], R"({"z":"yo","y":"0.13"})");
}

TEST_F(CsvReaderTest, EmptyFileAndHeaderOnly) {
  auto e = read("");
  ASSERT_TRUE(e.status.ok()) << e.status;
  EXPECT_TRUE(e.rows.empty());
  EXPECT_EQ(e.schema->fields().size(), 0u);
  auto h = read("a,b\n", {{"withHeader", "true"}});
  ASSERT_TRUE(h.status.ok()) << h.status;
  EXPECT_TRUE(h.rows.empty());
  EXPECT_EQ(h.schema->to_string(), "struct<a:string,b:string>");
}

TEST_F(CsvReaderTest, DuplicateAndEmptyHeaderNames) {
  auto r = read("a,a,\n1,2,3\n", {{"withHeader", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<a:bigint,a_1:bigint,col2:bigint>");
}

TEST_F(CsvReaderTest, StreamsInBatchesAcrossSmallBlocks) {
  std::string data = "id,s\n";
  for (int i = 0; i < 5000; ++i) data += std::to_string(i) + ",\"v" + std::to_string(i) + "\nx\"\n";
  auto r = read(data, {{"withHeader", "true"}, {"blockSize", "100"}}, "b.csv", 300);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.rows.size(), 5000u);
  for (int64_t n : r.batch_sizes) EXPECT_LE(n, 300);
  EXPECT_EQ(r.rows[4999], R"({"id":4999,"s":"v4999\nx"})");
}

TEST_F(CsvReaderTest, RecordLargerThanBlockGrowsIt) {
  std::string big(10000, 'z');
  auto r = read("a,b\n1,\"" + big + "\"\n2,x\n", {{"withHeader", "true"}, {"blockSize", "64"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].size(), big.size() + 16);
}

TEST_F(CsvReaderTest, TwoThreadsMatchOneThread) {
  // Quoted newlines land on both sides of the split point.
  std::string data = "id,a,b\n";
  for (int i = 0; i < 60000; ++i) {
    data += std::to_string(i) + ",";
    data += (i % 7 == 0) ? "\"multi\nline, " + std::to_string(i) + "\"" : "plain" + std::to_string(i);
    data += "," + std::to_string(i * 0.5) + "\n";
  }
  auto one = read(data, {{"withHeader", "true"}, {"threads", "1"}}, "one.csv");
  auto two = read(data, {{"withHeader", "true"}, {"threads", "2"}}, "two.csv");
  ASSERT_TRUE(one.status.ok()) << one.status;
  ASSERT_TRUE(two.status.ok()) << two.status;
  ASSERT_EQ(one.rows.size(), 60000u);
  EXPECT_EQ(one.rows, two.rows);
}

TEST_F(CsvReaderTest, TenThousandColumns) {
  std::string header, row;
  for (int i = 0; i < 10000; ++i) {
    header += (i ? "," : "") + std::string("c") + std::to_string(i);
    row += (i ? "," : "") + std::to_string(i);
  }
  auto r = read(header + "\n" + row + "\n" + row + "\n", {{"withHeader", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->fields().size(), 10000u);
  EXPECT_EQ(r.rows.size(), 2u);
}

TEST_F(CsvReaderTest, UnicodeAndSpecialNumbers) {
  auto r = read("s,d,n\nΓειά σου 🌍,NaN,-9223372036854775808\n\"漢字,\",-Infinity,9223372036854775807\n",
                {{"withHeader", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<s:string,d:double,n:bigint>");
  EXPECT_EQ(r.rows[0], R"({"s":"Γειά σου 🌍","d":"NaN","n":-9223372036854775808})");
  EXPECT_EQ(r.rows[1], R"({"s":"漢字,","d":"-Infinity","n":9223372036854775807})");
}

TEST_F(CsvReaderTest, IntegerOverflowInfersDouble) {
  auto r = read("n\n9223372036854775808\n1\n", {{"withHeader", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<n:double>");
}

TEST_F(CsvReaderTest, GzipInput) {
  // Written through the writer path of the io module.
  std::string path = dir_.file("z.csv.gz");
  {
    auto out = io::local_file_system().open_output(path);
    ASSERT_TRUE(out.ok());
    auto gz = io::compressing_stream(std::move(*out), io::Codec::kGzip);
    ASSERT_TRUE(gz.ok());
    ASSERT_TRUE((*gz)->write("a,b\n1,2\n3,4\n").ok());
    ASSERT_TRUE((*gz)->close().ok());
  }
  ReadOptions o;
  o.format_options = {{"withHeader", "true"}};
  auto r = read_all(csv_format(), path, o);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.rows, (std::vector<std::string>{R"({"a":1,"b":2})", R"({"a":3,"b":4})"}));
}

TEST_F(CsvReaderTest, Utf16IsRejectedClearly) {
  auto r = read(std::string("\xFF\xFE" "a\0,\0", 6));
  ASSERT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("UTF-16"));
}

TEST_F(CsvReaderTest, BadOptionsAreErrors) {
  EXPECT_FALSE(read("a\n", {{"withHeader", "maybe"}}).status.ok());
  EXPECT_FALSE(read("a\n", {{"separator", "ab"}}).status.ok());
}

}  // namespace
}  // namespace mortar::formats::csv

namespace mortar::formats::csv {
namespace {

TEST(CsvDetectSeparator, PicksTheConsistentOne) {
  EXPECT_EQ(detect_separator("a;b;c\n1;2,5;3\n4;5;6\n"), ';');
  EXPECT_EQ(detect_separator("a,b\n1,2\n"), ',');
  EXPECT_EQ(detect_separator("a\tb\tc\n1\t2\t3\n"), '\t');
  EXPECT_EQ(detect_separator("x|\"y|z\"\n1|2\n"), '|');
  EXPECT_EQ(detect_separator("justone\nline\n"), '\0');
}


// --- choiceTypes: per-value typing, as DynamicFrame reads CSV ---------------

TEST_F(CsvReaderTest, ChoiceTypesOffMixedColumnIsString) {
  auto r = read("id,zip\n1,12345\n2,abc12\n", {{"withHeader", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<id:bigint,zip:string>");
  EXPECT_EQ(r.rows[0], R"({"id":1,"zip":"12345"})");
}

TEST_F(CsvReaderTest, ChoiceTypesMixedColumnInTheSample) {
  auto r = read("id,zip,city\n1,12345,Paris\n2,abc12,Lyon\n3,,Nice\n4,\"98765\",Metz\n5,n/a,\n",
                {{"withHeader", "true"}, {"choiceTypes", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  // Numbers-only and text-only columns keep their one type.
  EXPECT_EQ(r.schema->to_string(), "struct<id:bigint,zip:choice<bigint,string>,city:string>");
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_EQ(r.rows[0], R"({"id":1,"zip":12345,"city":"Paris"})");
  EXPECT_EQ(r.rows[1], R"({"id":2,"zip":"abc12","city":"Lyon"})");
  EXPECT_EQ(r.rows[2], R"({"id":3,"zip":null,"city":"Nice"})");  // empty: null, as before
  EXPECT_EQ(r.rows[3], R"({"id":4,"zip":98765,"city":"Metz"})");  // quotes are CSV syntax
  EXPECT_EQ(r.rows[4], R"({"id":5,"zip":"n/a","city":null})");
}

TEST_F(CsvReaderTest, ChoiceTypesAlternativesHoldTheValues) {
  ReadOptions o;
  o.format_options = {{"withHeader", "true"}, {"choiceTypes", "true"}};
  std::string path = dir_.file("alt.csv");
  write_text(path, "v\n7\nx\n\n8\n");
  auto reader = csv_format().open_reader(io::local_file_system(), path, o);
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto batch = (*reader)->next();
  ASSERT_TRUE(batch.ok() && *batch) << batch.status();
  ASSERT_TRUE((*batch)->validate().ok());
  const types::Column& c = (*batch)->column(0);
  ASSERT_EQ(c.length(), 3);  // the blank line is no record
  EXPECT_EQ(c.type_ids(), (std::vector<int8_t>{0, 1, 0}));
  EXPECT_EQ(c.child(0).value<int64_t>(c.child_index()[2]), 8);
  EXPECT_EQ(c.child(1).string_at(c.child_index()[1]), "x");
}

TEST_F(CsvReaderTest, ChoiceTypesFractionsMakeADoubleAlternative) {
  auto r = read("p\n2.5\n3\nfree\n", {{"withHeader", "true"}, {"choiceTypes", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<p:choice<double,string>>");
  EXPECT_EQ(r.rows[1], R"({"p":3.0})");
  EXPECT_EQ(r.rows[2], R"({"p":"free"})");
}

TEST_F(CsvReaderTest, ChoiceTypesNullValueIsNullNotText) {
  // nullValue marks nulls, so it neither makes a numeric column mixed nor
  // lands in the string alternative of a mixed one.
  auto r = read("a,b\n1,1\nNA,x\n3,NA\n",
                {{"withHeader", "true"}, {"choiceTypes", "true"}, {"nullValue", "NA"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<a:bigint,b:choice<bigint,string>>");
  EXPECT_EQ(r.rows[1], R"({"a":null,"b":"x"})");
  EXPECT_EQ(r.rows[2], R"({"a":3,"b":null})");
}

TEST_F(CsvReaderTest, ChoiceTypesLeaveOtherMixesAsString) {
  // Only numbers against text make a choice (dates or booleans mixed with
  // text stay string), and a column of numbers stays bigint.
  auto r = read("d,b,n\n2024-01-01,true,1\nsoon,maybe,2\n",
                {{"withHeader", "true"}, {"choiceTypes", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<d:string,b:string,n:bigint>");
}

TEST_F(CsvReaderTest, ChoiceTypesValuesAfterTheSampleTurnTheirBatchIntoAChoice) {
  ReadOptions o;
  o.format_options = {{"withHeader", "true"}, {"choiceTypes", "true"}, {"inferSampleRows", "2"}};
  o.batch_rows = 2;
  std::string path = dir_.file("late.csv");
  write_text(path, "n,d\n1,2024-01-01\n2,2024-01-02\n3,2024-01-03\nx,later\n5,2024-01-05\n");
  auto reader = csv_format().open_reader(io::local_file_system(), path, o);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->schema()->to_string(), "struct<n:bigint,d:date>");
  std::vector<std::string> schemas, rows;
  for (;;) {
    auto batch = (*reader)->next();
    ASSERT_TRUE(batch.ok()) << batch.status();
    if (!*batch) break;
    ASSERT_TRUE((*batch)->validate().ok());
    schemas.push_back((*batch)->schema()->to_string());
    for (int64_t i = 0; i < (*batch)->num_rows(); ++i) {
      std::string line;
      types::append_json_line(line, **batch, i);
      rows.push_back(line.substr(0, line.size() - 1));
    }
  }
  // Nothing lost or nulled: the batch holding the text has choice columns.
  EXPECT_EQ(schemas, (std::vector<std::string>{"struct<n:bigint,d:date>",
                                               "struct<n:choice<bigint,string>,d:choice<date,string>>",
                                               "struct<n:bigint,d:date>"}));
  EXPECT_EQ(rows[3], R"({"n":"x","d":"later"})");
  EXPECT_EQ(rows[2], R"({"n":3,"d":"2024-01-03"})");
  EXPECT_EQ(rows[4], R"({"n":5,"d":"2024-01-05"})");
}

TEST_F(CsvReaderTest, WholeFileSchemaCoversValuesPastTheSample) {
  // 3000 rows past a 10-row sample, in 64-byte blocks: one late text value
  // in n, none in d; the schema-only reader sees it, a plain one does not.
  std::string text = "n,d,s\n";
  for (int i = 0; i < 3000; ++i)
    text += (i == 2500 ? std::string("late") : std::to_string(i)) + ",2024-01-02,x\n";
  std::string path = dir_.file("whole.csv");
  write_text(path, text);
  ReadOptions o;
  o.format_options = {{"withHeader", "true"},  {"choiceTypes", "true"},
                      {"inferSampleRows", "10"}, {"blockSize", "64"},
                      {"wholeFileSchema", "true"}};
  auto schema_reader = csv_format().open_reader(io::local_file_system(), path, o);
  ASSERT_TRUE(schema_reader.ok()) << schema_reader.status();
  EXPECT_EQ((*schema_reader)->schema()->to_string(),
            "struct<n:choice<bigint,string>,d:date,s:string>");
  auto next = (*schema_reader)->next();
  EXPECT_FALSE(next.ok());  // its stream went into the schema
  o.format_options.erase("wholeFileSchema");
  auto r = read_all(csv_format(), path, o);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.schema->to_string(), "struct<n:bigint,d:date,s:string>");
  ASSERT_EQ(r.rows.size(), 3000u);
  EXPECT_EQ(r.rows[2500], R"({"n":"late","d":"2024-01-02","s":"x"})");
  EXPECT_EQ(r.rows[2999], R"({"n":2999,"d":"2024-01-02","s":"x"})");
  // A file the sample covers whole is read as usual.
  o.format_options["wholeFileSchema"] = "true";
  o.format_options["inferSampleRows"] = "20000";
  o.format_options.erase("blockSize");
  auto whole = read_all(csv_format(), path, o);
  ASSERT_TRUE(whole.status.ok()) << whole.status;
  EXPECT_EQ(whole.schema->to_string(), "struct<n:choice<bigint,string>,d:date,s:string>");
  EXPECT_EQ(whole.rows.size(), 3000u);
}

TEST(CsvChoice, DoubleCheckAgreesWithTheParser) {
  // The whole-file check's fast path must say exactly what parse_double says.
  std::vector<std::string> cases = {"1", "-1", "+2.5", "1e5", "1E-5", "2.5e+10", "1e400",
                                    "1e-400", ".5", "5.", "-.5", "nan", "-inf", "Infinity",
                                    "1.2.3", "1e", "e5", "--1", "+-1", "1,5", "0x10", " 1", "",
                                    "-", "+", "1e+", "12345678901234567890123"};
  uint32_t seed = 7;
  const std::string alphabet = "0123456789.eE+-nai ";
  for (int n = 0; n < 20000; ++n) {
    std::string v;
    for (int k = static_cast<int>(seed % 7); k >= 0; --k) {
      seed = seed * 1103515245u + 12345u;
      v += alphabet[(seed >> 16) % alphabet.size()];
    }
    cases.push_back(v);
  }
  for (const auto& v : cases) {
    double x;
    EXPECT_EQ(parses_as_double(v), parse_double(v, &x)) << "'" << v << "'";
  }
}

TEST_F(CsvReaderTest, ChoiceTypesNeverApplyToAGivenSchema) {
  // A caller's schema is a contract: text in a bigint column stays an error.
  ReadOptions o;
  o.format_options = {{"withHeader", "true"}, {"choiceTypes", "true"}};
  o.schema = types::DataType::parse("struct<n:bigint>").value();
  std::string path = dir_.file("given.csv");
  write_text(path, "n\n1\nx\n");
  auto r = read_all(csv_format(), path, o);
  ASSERT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("cannot parse 'x' as bigint"));
  // A choice in the given schema is read per value.
  o.schema = types::DataType::parse("struct<n:choice<int,string>>").value();
  auto c = read_all(csv_format(), path, o);
  ASSERT_TRUE(c.status.ok()) << c.status;
  EXPECT_EQ(c.rows, (std::vector<std::string>{R"({"n":1})", R"({"n":"x"})"}));
}

TEST_F(CsvReaderTest, ChoiceTypesOptionIsValidated) {
  auto r = read("a\n1\n", {{"choiceTypes", "perhaps"}});
  ASSERT_FALSE(r.status.ok());
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("choiceTypes"));
}

}  // namespace
}  // namespace mortar::formats::csv
