// maxRecordSize in the JSON, grok and XML readers (the CSV reader's cases
// are in csv/csv_limits_test.cc): a record at the limit is read, one byte
// more is refused with its line and byte offset, and an endless record (what
// a small compressed file can expand to) is refused having pulled no more
// than the limit and a byte or two from the stream.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "formats/format_options.h"
#include "formats/grok/grok_reader.h"
#include "formats/json/json_reader.h"
#include "formats/testing_util.h"
#include "formats/xml/xml_reader.h"
#include "io/memory_file.h"

namespace mortar::formats {
namespace {

using testing::EndlessInput;
using ::testing::HasSubstr;

struct Drained {
  Status status = ok_status();
  int64_t rows = 0;
};

template <typename Reader>
Drained drain(StatusOr<std::unique_ptr<Reader>> reader) {
  Drained d;
  if (!reader.ok()) {
    d.status = reader.status();
    return d;
  }
  for (;;) {
    auto batch = (*reader)->next();
    if (!batch.ok()) {
      d.status = batch.status();
      return d;
    }
    if (!*batch) return d;
    d.rows += (*batch)->num_rows();
  }
}

std::string message(const Drained& d) { return std::string(status_message(d.status)); }

std::unique_ptr<io::InputStream> memory(const std::string& text, const std::string& path) {
  return std::make_unique<io::MemoryInputStream>(text, path);
}

// ---- JSON ----

Drained read_json(const std::string& text, Options options) {
  ReadOptions o;
  o.format_options = std::move(options);
  return drain(json::JsonReader::open_stream(memory(text, "t.json"), "t.json", o));
}

// {"a":"xxx"} of exactly `bytes` bytes.
std::string json_doc(size_t bytes) { return "{\"a\":\"" + std::string(bytes - 8, 'x') + "\"}"; }

TEST(JsonMaxRecordSize, DocumentAtTheLimitIsReadOneByteMoreIsRefused) {
  const std::string head = "{\"a\":\"b\"}\n";  // 10 bytes
  const std::string at = json_doc(100), over = json_doc(101);
  // Blocks smaller than a document (it grows the buffer) and larger than
  // the limit (the document is complete in the block); two threads or one.
  for (const char* block : {"64", "65536"}) {
    for (const char* parallel : {"0", "1"}) {
      const Options o = {
          {"maxRecordSize", "100"}, {"blockSize", block}, {"parallelParse", parallel}};
      auto ok = read_json(head + at + "\n" + at + "\n", o);
      ASSERT_TRUE(ok.status.ok()) << block << ": " << ok.status;
      EXPECT_EQ(ok.rows, 3);
      auto bad = read_json(head + at + "\n" + over + "\n" + at + "\n", o);
      ASSERT_TRUE(absl::IsInvalidArgument(bad.status)) << block << ": " << bad.status;
      EXPECT_THAT(message(bad), HasSubstr("t.json: line 3 (byte offset 111): JSON document"));
      EXPECT_THAT(message(bad), HasSubstr("longer than maxRecordSize (100 bytes)"));
    }
  }
  // Complete in its block, the document's length is known.
  auto bad = read_json(head + over + "\n", {{"maxRecordSize", "100"}});
  EXPECT_THAT(message(bad), HasSubstr("line 2 (byte offset 10): JSON document of 101 bytes is "
                                      "longer than maxRecordSize (100 bytes)"));
  // A scalar document counts as well.
  auto scalar = read_json("1\n\"" + std::string(99, 's') + "\"\n", {{"maxRecordSize", "100"}});
  EXPECT_THAT(message(scalar), HasSubstr("line 2 (byte offset 2): JSON document of 101 bytes"));
}

TEST(JsonMaxRecordSize, MultilineDocumentWithJsonPathIsOneDocument) {
  // Pretty-printed: the limit bounds the whole document jsonPath selects from.
  const std::string doc = "{\n  \"records\": [\n    {\"a\": 1},\n    {\"a\": 2}\n  ]\n}";
  const std::string text = "{\"records\": []}\n" + doc + "\n";  // doc at line 2, offset 16
  const std::string size = std::to_string(doc.size());
  for (const char* block : {"64", "65536"}) {
    auto ok = read_json(
        text, {{"jsonPath", "$.records[*]"}, {"maxRecordSize", size}, {"blockSize", block}});
    ASSERT_TRUE(ok.status.ok()) << ok.status;
    EXPECT_EQ(ok.rows, 2);
    auto bad = read_json(text, {{"jsonPath", "$.records[*]"},
                                {"maxRecordSize", std::to_string(doc.size() - 1)},
                                {"blockSize", block}});
    EXPECT_THAT(message(bad), HasSubstr("t.json: line 2 (byte offset 16): JSON document"));
    EXPECT_THAT(message(bad), HasSubstr("(the document jsonPath selects from is one document)"));
  }
}

TEST(JsonMaxRecordSize, TopLevelArrayIsBoundedPerElement) {
  // The elements of a top-level array are read one at a time: an array far
  // larger than the limit reads, an element over it is refused where it is.
  std::string array = "[";
  for (int i = 0; i < 200; ++i) array += (i ? ",\n" : "") + json_doc(100);
  array += "]";
  for (const char* block : {"64", "65536"}) {
    auto ok = read_json(array, {{"maxRecordSize", "100"}, {"blockSize", block}});
    ASSERT_TRUE(ok.status.ok()) << ok.status;
    EXPECT_EQ(ok.rows, 200);
    auto bad = read_json("[" + json_doc(100) + ",\n" + json_doc(101) + "]",
                         {{"maxRecordSize", "100"}, {"blockSize", block}});
    EXPECT_THAT(message(bad), HasSubstr("t.json: line 2 (byte offset 103): JSON document of 101 bytes"));
  }
}

TEST(JsonMaxRecordSize, EndlessDocumentIsRefusedAfterTheLimit) {
  for (int64_t limit : {int64_t{1} << 20, int64_t{3} << 20}) {
    int64_t produced = 0;
    ReadOptions o;
    o.format_options = {{"maxRecordSize", std::to_string(limit)}, {"blockSize", "65536"}};
    auto r = json::JsonReader::open_stream(
        std::make_unique<EndlessInput>("\n{\"a\": \"", 'x', &produced, "endless.json"),
        "endless.json", o);
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(std::string(status_message(r.status())),
                HasSubstr(fmt::format("endless.json: line 2 (byte offset 1): JSON document longer "
                                      "than maxRecordSize ({} bytes)",
                                      limit)));
    EXPECT_LE(produced, limit + 2);  // the newline before it, the limit and one byte
    EXPECT_GT(produced, limit);
  }
}

TEST(JsonMaxRecordSize, DefaultLimitIs64MiB) {
  int64_t produced = 0;
  auto r = json::JsonReader::open_stream(
      std::make_unique<EndlessInput>("[\"", 'x', &produced, "endless.json"), "endless.json", {});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(status_message(r.status())),
              HasSubstr("JSON document longer than maxRecordSize (67108864 bytes)"));
  EXPECT_EQ(produced, kDefaultMaxRecordSize + 2);  // the '[', the limit and one byte
}

// ---- grok ----

Drained read_grok(const std::string& text, Options options) {
  ReadOptions o;
  o.format_options = std::move(options);
  o.format_options["logFormat"] = "%{GREEDYDATA:msg}";
  return drain(grok::GrokReader::open_stream(memory(text, "t.log"), "t.log", o));
}

TEST(GrokMaxRecordSize, LineAtTheLimitIsReadOneByteMoreIsRefused) {
  const std::string at(20, 'a'), over(21, 'b');
  // Line endings are not counted: LF, CRLF and none at the end.
  auto ok = read_grok("short\n" + at + "\n" + at + "\r\n" + at, {{"maxRecordSize", "20"}});
  ASSERT_TRUE(ok.status.ok()) << ok.status;
  EXPECT_EQ(ok.rows, 4);
  auto bad = read_grok("short\n" + at + "\r\n" + over + "\n", {{"maxRecordSize", "20"}});
  ASSERT_TRUE(absl::IsInvalidArgument(bad.status)) << bad.status;
  EXPECT_THAT(message(bad), HasSubstr("t.log: line 3 (byte offset 28): record of 21 bytes is "
                                      "longer than maxRecordSize (20 bytes)"));
  // The last line, without a line end.
  EXPECT_THAT(message(read_grok(at + "\n" + over, {{"maxRecordSize", "20"}})),
              HasSubstr("line 2 (byte offset 21): record of 21 bytes"));
}

TEST(GrokMaxRecordSize, RecordOfSeveralLinesCountsThemJoined) {
  const std::string ten(10, 'c');
  // Two lines joined by '\n': 10 + 1 + 10 = 21 bytes.
  auto ok =
      read_grok("x\ny\n" + ten + "\n" + ten + "\n", {{"LineCount", "2"}, {"maxRecordSize", "21"}});
  ASSERT_TRUE(ok.status.ok()) << ok.status;
  EXPECT_EQ(ok.rows, 2);
  auto bad =
      read_grok("x\ny\n" + ten + "\n" + ten + "\n", {{"LineCount", "2"}, {"maxRecordSize", "20"}});
  EXPECT_THAT(message(bad), HasSubstr("t.log: line 3 (byte offset 4): record of 2 lines longer "
                                      "than maxRecordSize (20 bytes)"));
}

TEST(GrokMaxRecordSize, EndlessLineIsRefusedAfterTheLimit) {
  for (int64_t limit : {int64_t{3} << 20, kDefaultMaxRecordSize}) {
    int64_t produced = 0;
    ReadOptions o;
    o.format_options = {{"logFormat", "%{GREEDYDATA:msg}"}};
    if (limit != kDefaultMaxRecordSize) o.format_options["maxRecordSize"] = std::to_string(limit);
    auto r = drain(grok::GrokReader::open_stream(
        std::make_unique<EndlessInput>("first\n", 'x', &produced, "endless.log"), "endless.log",
        o));
    EXPECT_THAT(message(r), HasSubstr(fmt::format("endless.log: line 2 (byte offset 6): record "
                                                  "longer than maxRecordSize ({} bytes)",
                                                  limit)));
    EXPECT_LE(produced, 6 + limit + 2);  // the first line, the limit and a CR, one byte
    EXPECT_GT(produced, limit);
  }
}

// ---- XML ----

Drained read_xml(const std::string& text, Options options) {
  ReadOptions o;
  o.format_options = std::move(options);
  o.format_options["rowTag"] = "row";
  auto opener = [text]() -> StatusOr<std::unique_ptr<io::InputStream>> {
    return std::unique_ptr<io::InputStream>(std::make_unique<io::MemoryInputStream>(text, "t.xml"));
  };
  return drain(xml::XmlReader::open_stream(opener, "t.xml", o));
}

// <row><a>xxx</a></row> of exactly `bytes` bytes.
std::string xml_row(size_t bytes) {
  return "<row><a>" + std::string(bytes - 18, 'x') + "</a></row>";
}

TEST(XmlMaxRecordSize, RecordAtTheLimitIsReadOneByteMoreIsRefused) {
  const std::string head = "<rows>\n<row><a>1</a></row>\n";  // 27 bytes
  auto ok = read_xml(head + xml_row(100) + "\n" + xml_row(100) + "\n</rows>\n",
                     {{"maxRecordSize", "100"}});
  ASSERT_TRUE(ok.status.ok()) << ok.status;
  EXPECT_EQ(ok.rows, 3);
  auto bad = read_xml(head + xml_row(100) + "\n" + xml_row(101) + "\n</rows>\n",
                      {{"maxRecordSize", "100"}});
  ASSERT_TRUE(absl::IsInvalidArgument(bad.status)) << bad.status;
  EXPECT_THAT(message(bad), HasSubstr("t.xml: line 4 (byte offset 128): record of 101 bytes is "
                                      "longer than maxRecordSize (100 bytes)"));
}

TEST(XmlMaxRecordSize, EndlessRecordIsRefusedAfterTheLimit) {
  for (int64_t limit : {int64_t{1} << 20, int64_t{3} << 20}) {
    int64_t produced = 0;
    ReadOptions o;
    o.format_options = {{"rowTag", "row"}, {"maxRecordSize", std::to_string(limit)}};
    auto opener = [&]() -> StatusOr<std::unique_ptr<io::InputStream>> {
      return std::unique_ptr<io::InputStream>(
          std::make_unique<EndlessInput>("<rows>\n<row><a>", 'x', &produced, "endless.xml"));
    };
    auto r = drain(xml::XmlReader::open_stream(opener, "endless.xml", o));
    EXPECT_THAT(message(r), HasSubstr(fmt::format("endless.xml: line 2 (byte offset 7): record "
                                                  "longer than maxRecordSize ({} bytes)",
                                                  limit)));
    EXPECT_LE(produced, 7 + limit + 16);  // what precedes the record, the limit, a look-ahead
    EXPECT_GT(produced, limit);
  }
}

TEST(XmlMaxRecordSize, ConstructOutsideARecordIsBoundedToo) {
  int64_t produced = 0;
  ReadOptions o;
  o.format_options = {{"rowTag", "row"}, {"maxRecordSize", "1048576"}};
  auto opener = [&]() -> StatusOr<std::unique_ptr<io::InputStream>> {
    return std::unique_ptr<io::InputStream>(
        std::make_unique<EndlessInput>("<rows>\n<!--", '-', &produced, "endless.xml"));
  };
  auto r = drain(xml::XmlReader::open_stream(opener, "endless.xml", o));
  EXPECT_THAT(message(r), HasSubstr("endless.xml: line 2 (byte offset 7): XML construct longer "
                                    "than maxRecordSize (1048576 bytes)"));
  EXPECT_LE(produced, 7 + 1048576 + 16);
}

// ---- the option, shared ----

TEST(MaxRecordSizeOption, IsValidatedByEveryTextReader) {
  for (const char* bad : {"0", "-5", "2147483648", "big"}) {
    const Options o = {{"maxRecordSize", bad}};
    for (const Drained& d : {read_json("{}\n", o), read_grok("a\n", o), read_xml("<row/>", o)}) {
      EXPECT_TRUE(absl::IsInvalidArgument(d.status)) << bad;
      EXPECT_THAT(message(d), HasSubstr("maxRecordSize")) << bad;
    }
  }
  // The largest value is accepted; matching is case-insensitive, as for
  // every format option.
  EXPECT_TRUE(read_json("{}\n", {{"MAXRECORDSIZE", "1073741824"}}).status.ok());
}

}  // namespace
}  // namespace mortar::formats
