// Glue's built-in CSV rules and the smart sniffer, on in-memory text.
#include "crawler/classify/csv_classifier.h"

#include <gtest/gtest.h>

#include "crawler/classify/csv_values.h"

namespace mortar::crawler {
namespace {

CsvResult glue(const std::string& text, CsvSettings s = {}) { return classify_csv_glue(text, true, s); }
CsvResult smart(const std::string& text, CsvSettings s = {}) {
  return classify_csv_smart({CsvChunk{text, true, true}}, s);
}
std::vector<std::string> type_names(const CsvResult& r) {
  std::vector<std::string> out;
  for (const auto& t : r.types) out.push_back(t->to_string());
  return out;
}

TEST(GlueCsvRules, HeaderOverTypedColumnsIsDetected) {
  CsvResult r = glue("Id,Name,Price,Active\n1,apple,1.5,true\n2,pear,2,false\n");
  ASSERT_TRUE(r.matched) << r.reason;
  EXPECT_TRUE(r.has_header);
  EXPECT_EQ(r.dialect.delimiter, ',');
  EXPECT_EQ(r.names, (std::vector<std::string>{"id", "name", "price", "active"}));  // lower-cased
  EXPECT_EQ(type_names(r), (std::vector<std::string>{"bigint", "string", "double", "boolean"}));
  EXPECT_EQ(r.records, 2);
}

TEST(GlueCsvRules, AllTextFileIsHeaderless) {
  // Every column a string: the first row is not "sufficiently different".
  CsvResult r = glue("city,country\nParis,France\nLima,Peru\n");
  ASSERT_TRUE(r.matched);
  EXPECT_FALSE(r.has_header);
  EXPECT_EQ(r.names, (std::vector<std::string>{"col0", "col1"}));
  EXPECT_EQ(r.records, 3);
}

TEST(GlueCsvRules, NumericFirstRowIsData) {
  CsvResult r = glue("1,2\n3,4\n");
  ASSERT_TRUE(r.matched);
  EXPECT_FALSE(r.has_header);
  EXPECT_EQ(type_names(r), (std::vector<std::string>{"bigint", "bigint"}));
}

TEST(GlueCsvRules, HeaderFieldOf150CharactersIsNotAHeader) {
  std::string longname(150, 'x');
  CsvResult r = glue(longname + ",b\n1,2\n3,4\n");
  ASSERT_TRUE(r.matched);
  EXPECT_FALSE(r.has_header);
  CsvResult ok = glue(std::string(149, 'x') + ",b\n1,2\n3,4\n");
  EXPECT_TRUE(ok.has_header);
}

TEST(GlueCsvRules, EmptyHeaderFieldIsNotAHeaderUnlessTrailingColumnEmpty) {
  EXPECT_FALSE(glue("a,,c\n1,2,3\n4,5,6\n").has_header);
  // A trailing delimiter: the last column is empty throughout.
  CsvResult r = glue("a,b,\n1,2,\n4,5,\n");
  ASSERT_TRUE(r.matched);
  EXPECT_TRUE(r.has_header);
  EXPECT_EQ(r.names, (std::vector<std::string>{"a", "b", "col2"}));
}

TEST(GlueCsvRules, EachBuiltInDelimiter) {
  for (char d : {',', '|', '\t', ';', '\x01'}) {
    std::string text = std::string("a") + d + "b" + d + "c\n1" + d + "x" + d + "2.5\n2" + d + "y" + d + "3\n";
    CsvResult r = glue(text);
    ASSERT_TRUE(r.matched) << printable_char(d);
    EXPECT_EQ(r.dialect.delimiter, d);
    EXPECT_EQ(r.names.size(), 3u);
    EXPECT_TRUE(r.has_header);
  }
}

TEST(GlueCsvRules, RaggedRowsSingleColumnAndOneRowAreNotCsv) {
  EXPECT_FALSE(glue("a,b\n1,2,3\n4,5\n").matched);
  EXPECT_FALSE(glue("just\nwords\nhere\n").matched);
  EXPECT_FALSE(glue("a,b\n").matched);
  CsvSettings single;
  single.allow_single_column = true;
  single.dialect = CsvDialect{',', '"', '\0'};
  EXPECT_TRUE(glue("just\nwords\nhere\n", single).matched);
}

TEST(GlueCsvRules, QuotedValuesAreReportedAndKeepDelimiters) {
  CsvResult r = glue("name,qty\n\"Smith, J\",1\n\"Doe \"\"JD\"\"\",2\n");
  ASSERT_TRUE(r.matched) << r.reason;
  EXPECT_TRUE(r.quoted);
  EXPECT_EQ(r.names.size(), 2u);
  EXPECT_TRUE(r.has_header);
}

TEST(GlueCsvRules, NoDatesInGlueMode) {
  CsvResult r = glue("id,day\n1,2024-01-31\n2,2024-02-01\n");
  ASSERT_TRUE(r.matched);
  EXPECT_EQ(type_names(r), (std::vector<std::string>{"bigint", "string"}));
}

TEST(GlueCsvRules, DuplicateAndMixedCaseNames) {
  CsvResult r = glue("A,a,B\n1,2,3\n4,5,6\n");
  EXPECT_EQ(r.names, (std::vector<std::string>{"a", "a_1", "b"}));
}

TEST(GlueCsvRules, CutLastRecordIsIgnored) {
  CsvResult r = classify_csv_glue("a,b\n1,2\n3,4\n5", false, {});
  ASSERT_TRUE(r.matched);
  EXPECT_EQ(r.records, 2);
}

TEST(SmartCsv, RecognisesAllTextHeader) {
  std::string text = "Name,City,Status\n";
  const char* names[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
  const char* cities[] = {"Paris", "Lima", "Oslo", "Rome"};
  for (int i = 0; i < 8; ++i)
    text += std::string(names[i]) + "," + cities[i % 4] + "," + (i % 2 ? "active" : "closed") + "\n";
  EXPECT_FALSE(glue(text).has_header);
  CsvResult r = smart(text);
  ASSERT_TRUE(r.matched) << r.reason;
  EXPECT_TRUE(r.has_header) << r.reason;
  EXPECT_EQ(r.names, (std::vector<std::string>{"name", "city", "status"}));
}

TEST(SmartCsv, AllTextWithoutHeaderStaysHeaderless) {
  std::string text = "alice,Paris\nbob,Lima\ncarol,Oslo\ndave,Rome\nerin,Bern\n";
  CsvResult r = smart(text);
  ASSERT_TRUE(r.matched);
  EXPECT_FALSE(r.has_header) << r.reason;
}

TEST(SmartCsv, DatesAndTimestamps) {
  CsvResult r = smart(
      "id,day,at,us_day\n1,2024-01-31,2024-01-31T10:00:00Z,01/31/2024\n2,2024-02-01,2024-02-01 11:30:00,02/01/2024\n");
  ASSERT_TRUE(r.matched);
  EXPECT_TRUE(r.has_header);
  EXPECT_EQ(type_names(r), (std::vector<std::string>{"bigint", "date", "timestamp", "date"}));
}

TEST(SmartCsv, FindsQuoteAndEscape) {
  CsvResult r = smart("id|text\n1|'a|b'\n2|'c'\n3|'d|e|f'\n");
  ASSERT_TRUE(r.matched);
  EXPECT_EQ(r.dialect.delimiter, '|');
  EXPECT_EQ(r.dialect.quote, '\'');
  CsvResult e = smart("id,text\n1,\"say \\\"hi\\\", then go\"\n2,\"x\"\n3,\"y, z\"\n");
  ASSERT_TRUE(e.matched);
  EXPECT_EQ(e.dialect.escape, '\\') << e.reason;
  EXPECT_EQ(e.names.size(), 2u);
}

TEST(SmartCsv, SkipsPreambleAndToleratesARaggedRow) {
  CsvResult r = smart("Report of sales\nGenerated today\nid,amount\n1,2.5\n2,3\n3,4,extra\n4,5\n");
  ASSERT_TRUE(r.matched) << r.reason;
  EXPECT_EQ(r.skip_rows, 2);
  EXPECT_TRUE(r.has_header);
  EXPECT_EQ(r.names, (std::vector<std::string>{"id", "amount"}));
  EXPECT_LT(r.certainty, 1.0);
}

TEST(SmartCsv, SpaceDelimiterOnlyWhenNothingElse) {
  CsvResult r = smart("a b c\n1 2 3\n4 5 6\n");
  ASSERT_TRUE(r.matched);
  EXPECT_EQ(r.dialect.delimiter, ' ');
  CsvResult c = smart("id,note\n1,hello world\n2,good day\n");
  EXPECT_EQ(c.dialect.delimiter, ',');
}

TEST(SmartCsv, TypesUseLaterChunks) {
  std::vector<CsvChunk> chunks{{"id,v\n1,2\n2,3\n", true, false}, {"partial\n3,x\n", false, true}};
  CsvResult r = classify_csv_smart(chunks, {});
  ASSERT_TRUE(r.matched);
  EXPECT_EQ(type_names(r), (std::vector<std::string>{"bigint", "string"}));
}

TEST(SmartCsv, QuotedValuesInLaterChunksMakeTheTableQuoted) {
  // The head quotes nothing; a quoted value further on still needs a quoting SerDe.
  std::vector<CsvChunk> chunks{{"id,v\n1,a\n2,b\n", true, false},
                               {"partial\n3,\"c,d\"\n", false, true}};
  CsvResult r = classify_csv_smart(chunks, {});
  ASSERT_TRUE(r.matched);
  EXPECT_TRUE(r.quoted);
  EXPECT_FALSE(classify_csv_smart({chunks[0], {"partial\n3,c\n", false, true}}, {}).quoted);
}

TEST(CsvValues, Typing) {
  EXPECT_TRUE(csv_is_bigint("-12"));
  EXPECT_FALSE(csv_is_bigint("1.5"));
  EXPECT_TRUE(csv_is_double("1.5e3"));
  EXPECT_FALSE(csv_is_double("NaN"));
  EXPECT_FALSE(csv_is_double("1.2.3"));
  EXPECT_TRUE(csv_is_boolean("TRUE"));
  EXPECT_TRUE(csv_is_date("2024-02-29"));
  EXPECT_FALSE(csv_is_date("2024-02-30"));
  EXPECT_TRUE(csv_is_date("31.12.2023"));
  EXPECT_TRUE(csv_is_timestamp("2024-01-31T10:00:00.123+01:00"));
  EXPECT_FALSE(csv_is_timestamp("2024-01-31T25:00:00"));
}

}  // namespace
}  // namespace mortar::crawler
