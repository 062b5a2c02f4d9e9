// The smart-sniffer fallback: a text file every built-in gives UNKNOWN is
// tried with the smart sniffer (default on), while Glue's result stands
// wherever its rules matched.
#include <gtest/gtest.h>

#include <filesystem>

#include "crawler/classify/file_classifier.h"
#include "formats/testing_util.h"

namespace mortar::crawler {
namespace {

using formats::testing::TempDir;
using formats::testing::write_text;

Classification classify_with(const std::string& path, ClassifyOptions options) {
  auto c = FileClassifier::create({}, options);
  EXPECT_TRUE(c.ok()) << c.status();
  FileEntry f;
  f.path = path;
  f.size = static_cast<int64_t>(std::filesystem::file_size(path));
  auto r = (*c)->classify(io::local_file_system(), f);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Classification{};
}

ClassifyOptions fallback(bool on) {
  ClassifyOptions o;
  o.smart_csv_fallback = on;
  return o;
}

// One quote opens a field and never closes: Glue's rules see the rest of the
// file as one field and give up.
std::string stray_quote_csv() {
  std::string text = "id,name,amount,city\n";
  for (int i = 0; i < 30; ++i)
    text += std::to_string(i) + "," + (i == 7 ? "\"Smith" : "name" + std::to_string(i)) + "," +
            std::to_string(i) + ".5,city" + std::to_string(i % 4) + "\n";
  return text;
}

TEST(CsvFallback, StrayQuoteGetsTheSmartSniffersTable) {
  TempDir dir;
  write_text(dir.file("a.csv"), stray_quote_csv());
  Classification c = classify_with(dir.file("a.csv"), ClassifyOptions{});
  ASSERT_EQ(c.classification, "csv") << c.reason;
  EXPECT_EQ(c.classifier_name, kCsvSmartFallback);
  EXPECT_EQ(c.schema->to_string(), "struct<id:bigint,name:string,amount:double,city:string>");
  EXPECT_EQ(c.parameters["skip.header.line.count"], "1");
  // Hive's delimited text, which has no quote character: the stray quote is
  // data when a reader follows the SerDe (awsglue's from_catalog does).
  EXPECT_EQ(c.serde_info["SerializationLibrary"],
            "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe");
  EXPECT_EQ(c.serde_info["Parameters"], Json({{"field.delim", ","}}));
  EXPECT_EQ(c.parameters["areColumnsQuoted"], "false");
  EXPECT_EQ(c.parameters.count("quoteChar"), 0u);
  EXPECT_NE(c.reason.find("Glue's built-in CSV rules gave UNKNOWN"), std::string::npos) << c.reason;
  EXPECT_GT(c.record_count, 0);
}

TEST(CsvFallback, AnEscapeOutsideQuotesIsTheSerDesEscape) {
  // Backslash-escaped separators and no quoted value: Glue's rules see ragged
  // rows; the sniffer's escape goes to LazySimpleSerDe as Hive's escape.delim.
  TempDir dir;
  std::string text = "id,path,size\n";
  for (int i = 0; i < 20; ++i)
    text += std::to_string(i) + (i % 3 ? ",dir" : ",a\\,b") + std::to_string(i) + "," +
            std::to_string(i * 7) + "\n";
  write_text(dir.file("e.csv"), text);
  Classification c = classify_with(dir.file("e.csv"), ClassifyOptions{});
  ASSERT_EQ(c.classification, "csv") << c.reason;
  EXPECT_EQ(c.classifier_name, kCsvSmartFallback);
  EXPECT_EQ(c.schema->to_string(), "struct<id:bigint,path:string,size:bigint>");
  EXPECT_EQ(c.serde_info["SerializationLibrary"],
            "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe");
  EXPECT_EQ(c.serde_info["Parameters"], Json({{"field.delim", ","}, {"escape.delim", "\\"}}));
}

TEST(CsvFallback, SwitchedOffTheFileStaysUnknownAsInGlue) {
  TempDir dir;
  write_text(dir.file("a.csv"), stray_quote_csv());
  Classification c = classify_with(dir.file("a.csv"), fallback(false));
  EXPECT_EQ(c.classification, "UNKNOWN");
  EXPECT_EQ(c.schema, nullptr);
  EXPECT_TRUE(c.error.empty());
  EXPECT_EQ(c.reason.find("smart"), std::string::npos) << c.reason;
}

TEST(CsvFallback, GluesResultStandsWhereItsRulesMatch) {
  TempDir dir;
  // All-text columns: Glue's rules read the header as data (its known
  // weakness); the fallback does not second-guess a match.
  write_text(dir.file("t.csv"), "name,city\nann,paris\nbob,rome\n");
  write_text(dir.file("j.json"), "{\"a\": 1}\n{\"a\": 2}\n");
  for (bool on : {true, false}) {
    Classification t = classify_with(dir.file("t.csv"), fallback(on));
    EXPECT_EQ(t.classifier_name, kCsvGlueRules);
    EXPECT_EQ(t.schema->to_string(), "struct<col0:string,col1:string>");
    Classification j = classify_with(dir.file("j.json"), fallback(on));
    EXPECT_EQ(j.classification, "json");
  }
}

TEST(CsvFallback, BinaryProseAndSingleColumnFilesStayUnknown) {
  TempDir dir;
  write_text(dir.file("b.bin"), std::string("\x01\x02\x00\x03,\x04\n\x05,\x06\x00\n", 12));
  write_text(dir.file("one.txt"), "alpha\nbeta\ngamma\n");
  // Space-separated words (the smart sniffer's opt-in space delimiter would
  // make a table of them) and prose whose commas make no steady width.
  write_text(dir.file("words.txt"), "hello world\nanother line\nthird one\n");
  write_text(dir.file("prose.txt"),
             "Dear all, thanks.\nThe meeting is on Monday, at ten, in room 4.\nBring, if you can, "
             "the notes.\nSee you there.\nRegards, Ann\n");
  for (const char* f : {"b.bin", "one.txt", "words.txt", "prose.txt"}) {
    Classification c = classify_with(dir.file(f), ClassifyOptions{});
    EXPECT_EQ(c.classification, "UNKNOWN") << f << ": " << c.reason;
  }
}

TEST(CsvFallback, SmartModeNamesItsOwnPath) {
  TempDir dir;
  write_text(dir.file("a.csv"), stray_quote_csv());
  ClassifyOptions smart;
  smart.smart_csv = true;
  EXPECT_EQ(classify_with(dir.file("a.csv"), smart).classifier_name, kCsvSmartSniffer);
}

TEST(CsvFallback, DescribeClassifier) {
  EXPECT_EQ(describe_classifier(kCsvGlueRules), "Glue's built-in CSV rules");
  EXPECT_EQ(describe_classifier(kCsvSmartFallback),
            "the smart CSV sniffer, as the fallback after Glue's built-in rules gave UNKNOWN "
            "(Mortar.SmartCsvFallback)");
  EXPECT_EQ(describe_classifier("parquet"), "the built-in parquet classifier");
  EXPECT_EQ(describe_classifier("applog"), "classifier applog");
}

}  // namespace
}  // namespace mortar::crawler
