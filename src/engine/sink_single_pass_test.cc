// The file sink's single pass: DropNullFields and Map at the end of a plan
// are written without reading the input twice, schema changes midway are
// reconciled at commit, and partition folders group unclustered rows.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "engine/column_ops.h"
#include "engine/file_sink.h"
#include "engine/test_util.h"

namespace mortar::engine {
namespace {

using testing::lines;
using testing::schema_of;
using testing::TempDir;
using testing::write_text;

// A JSON source read in batches of `batch_rows` rows.
DynamicFrame source(const TempDir& dir, const std::string& text, int64_t batch_rows) {
  write_text(dir.file("in/data.json"), text);
  FileSourceOptions o;
  o.paths = {dir.file("in")};
  o.format = "json";
  o.batch_rows = batch_rows;
  auto frame = DynamicFrame::from_files(o);
  EXPECT_TRUE(frame.ok()) << frame.status();
  return *frame;
}

DynamicFrame read_back(const std::string& path) {
  FileSourceOptions o;
  o.paths = {path};
  auto frame = DynamicFrame::from_files(o);
  EXPECT_TRUE(frame.ok()) << frame.status();
  return *frame;
}

size_t count_files(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    n += e.is_regular_file() ? 1 : 0;
  return n;
}

TEST(SinglePassSink, DropNullFieldsKeepsAFieldThatTurnsNonNullLate) {
  TempDir dir;
  // `late` is null in the first two batches (written without it), set in
  // the third; `never` is null throughout; `s.x` is a nested null field.
  std::string text;
  for (int i = 0; i < 6; ++i) {
    text += "{\"id\": " + std::to_string(i) + ", \"late\": " + (i == 5 ? "\"v\"" : "null") +
            ", \"never\": null, \"s\": {\"x\": null, \"y\": " + std::to_string(i) + "}}\n";
  }
  auto input = source(dir, text, 2);
  int batches = 0;
  ASSERT_TRUE(input
                  .for_each_batch([&](const types::RecordBatch&) {
                    ++batches;
                    return ok_status();
                  })
                  .ok());
  ASSERT_EQ(batches, 3);  // so `late` first shows in the last batch
  auto frame = input.drop_null_fields();
  FileSinkOptions o;
  o.path = dir.file("out");
  o.format = "parquet";
  auto written = write_files(frame, o);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->rows, 6);
  ASSERT_EQ(written->files.size(), 1u);  // earlier files merged into one
  EXPECT_EQ(count_files(o.path), 1u);
  auto back = read_back(o.path);
  EXPECT_EQ(schema_of(back), "struct<id:bigint,late:string,s:struct<y:bigint>>");
  EXPECT_EQ(lines(back),
            "{\"id\": 0, \"late\": null, \"s\": {\"y\": 0}}\n"
            "{\"id\": 1, \"late\": null, \"s\": {\"y\": 1}}\n"
            "{\"id\": 2, \"late\": null, \"s\": {\"y\": 2}}\n"
            "{\"id\": 3, \"late\": null, \"s\": {\"y\": 3}}\n"
            "{\"id\": 4, \"late\": null, \"s\": {\"y\": 4}}\n"
            "{\"id\": 5, \"late\": \"v\", \"s\": {\"y\": 5}}\n");
  // The same answer as the frame's own (two-pass) DropNullFields.
  EXPECT_EQ(schema_of(frame), "struct<id:bigint,late:string,s:struct<y:bigint>>");
}

TEST(SinglePassSink, MapCallbacksRunOncePerRecordOnTheWayToTheSink) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 10; ++i)
    text += "{\"id\": " + std::to_string(i) + ", \"k\": \"" + (i % 2 ? "odd" : "even") +
            "\", \"gone\": null}\n";
  auto calls = std::make_shared<std::atomic<int>>(0);
  // Records from the fourth batch on gain a field: the schema widens midway.
  auto mapped = source(dir, text, 3).map([calls](Record r) {
    ++*calls;
    if (r.get("id").as_int() >= 9) {
      EXPECT_TRUE(r.set("extra", types::Value::string("x")).ok());
    }
    return r;
  });
  FileSinkOptions o;
  o.path = dir.file("out");
  o.format = "parquet";
  o.partition_keys = {"k"};
  auto written = write_files(mapped.drop_null_fields(), o);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(calls->load(), 10);  // no schema pass before the write
  ASSERT_TRUE(written->schema);
  EXPECT_EQ(written->schema->to_string(), "struct<id:bigint,k:string,extra:string>");
  EXPECT_EQ(written->files.size(), 2u);  // one per folder
  EXPECT_EQ(count_files(o.path), 2u);
  auto back = read_back(o.path + "/k=odd");
  EXPECT_EQ(schema_of(back), "struct<id:bigint,extra:string>");
  EXPECT_EQ(lines(back),
            "{\"id\": 1, \"extra\": null}\n{\"id\": 3, \"extra\": null}\n"
            "{\"id\": 5, \"extra\": null}\n{\"id\": 7, \"extra\": null}\n"
            "{\"id\": 9, \"extra\": \"x\"}\n");
  EXPECT_EQ(lines(read_back(o.path + "/k=even")),
            "{\"id\": 0, \"extra\": null}\n{\"id\": 2, \"extra\": null}\n"
            "{\"id\": 4, \"extra\": null}\n{\"id\": 6, \"extra\": null}\n"
            "{\"id\": 8, \"extra\": null}\n");
}

TEST(SinglePassSink, MapThatAddsThePartitionKeyLate) {
  TempDir dir;
  auto mapped = source(dir, "{\"id\": 1}\n{\"id\": 2}\n{\"id\": 3}\n", 1).map([](Record r) {
    if (r.get("id").as_int() == 3) {
      EXPECT_TRUE(r.set("k", types::Value::string("x")).ok());
    }
    return r;
  });
  FileSinkOptions o;
  o.path = dir.file("out");
  o.format = "parquet";
  o.partition_keys = {"k"};
  auto written = write_files(mapped, o);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->schema->to_string(), "struct<id:bigint,k:string>");
  EXPECT_EQ(lines(read_back(o.path + "/k=__HIVE_DEFAULT_PARTITION__")),
            "{\"id\": 1}\n{\"id\": 2}\n");
  EXPECT_EQ(lines(read_back(o.path + "/k=x")), "{\"id\": 3}\n");
}

TEST(SinglePassSink, MapThatMakesAChoiceMidwayWritesTheStructForAll) {
  TempDir dir;
  // x is a number in the first batches and text in the last: the growing
  // schema becomes choice<bigint,string> midway, written as toDF's struct;
  // the files written before are rewritten with their numbers kept.
  auto mapped = source(dir, "{\"x\": 1}\n{\"x\": 2}\n{\"x\": 3}\n", 1).map([](Record r) {
    if (r.get("x").as_int() == 3) {
      EXPECT_TRUE(r.set("x", types::Value::string("three")).ok());
    }
    return r;
  });
  for (std::string format : {"parquet", "orc", "avro"}) {
    SCOPED_TRACE(format);
    FileSinkOptions o;
    o.path = dir.file("out-" + format);
    o.format = format;
    auto written = write_files(mapped, o);
    ASSERT_TRUE(written.ok()) << written.status();
    EXPECT_EQ(written->schema->to_string(), "struct<x:struct<long:bigint,string:string>>");
    EXPECT_EQ(count_files(o.path), 1u);
    EXPECT_EQ(lines(read_back(o.path)),
              "{\"x\": {\"long\": 1, \"string\": null}}\n"
              "{\"x\": {\"long\": 2, \"string\": null}}\n"
              "{\"x\": {\"long\": null, \"string\": \"three\"}}\n");
  }
  // glueparquet refuses once the choice shows, and leaves nothing behind.
  FileSinkOptions o;
  o.path = dir.file("out-glueparquet");
  o.format = "glueparquet";
  auto refused = write_files(mapped, o);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(std::string(status_message(refused.status())).find("column 'x'"), std::string::npos)
      << refused.status();
  EXPECT_FALSE(std::filesystem::exists(o.path));
}

TEST(SinglePassSink, TextFormatsStillDropNullFields) {
  TempDir dir;
  auto frame = source(dir, "{\"a\": 1, \"b\": null}\n{\"a\": 2, \"b\": null}\n", 1);
  FileSinkOptions o;
  o.path = dir.file("out");
  o.format = "json";
  auto written = write_files(frame.drop_null_fields(), o);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(testing::read_text(written->files[0]), "{\"a\":1}\n{\"a\":2}\n");
}

TEST(SinglePassSink, UnclusteredPartitionsAndFileSlices) {
  TempDir dir;
  std::string text, even, odd, none;
  for (int i = 0; i < 40; ++i) {
    std::string k = i % 5 == 0 ? "null" : (i % 2 ? "\"o/dd\"" : "\"even\"");
    text += "{\"i\": " + std::to_string(i) + ", \"k\": " + k +
            ", \"t\": " + (i % 3 ? "\"t" + std::to_string(i) + "\"" : "null") + "}\n";
  }
  FileSinkOptions o;
  o.path = dir.file("out");
  o.format = "parquet";
  o.partition_keys = {"k"};
  o.num_files = 2;
  auto written = write_files(source(dir, text, 16), o);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->rows, 40);
  EXPECT_EQ(written->files.size(), 6u);  // 3 folders x 2 files
  for (const char* folder : {"k=even", "k=o%2Fdd", "k=__HIVE_DEFAULT_PARTITION__"}) {
    auto back = read_back(o.path + "/" + folder);
    std::string want;
    for (int i = 0; i < 40; ++i) {
      bool in = std::string(folder) == "k=__HIVE_DEFAULT_PARTITION__"
                    ? i % 5 == 0
                    : (i % 5 != 0 && (i % 2 == 1) == (std::string(folder) == "k=o%2Fdd"));
      if (!in) continue;
      want += "{\"i\": " + std::to_string(i) +
              ", \"t\": " + (i % 3 ? "\"t" + std::to_string(i) + "\"" : "null") + "}\n";
    }
    // Both files of a folder, in file order, hold the folder's rows.
    auto got = back.to_records();
    ASSERT_TRUE(got.ok());
    std::vector<std::string> got_lines, want_lines;
    for (const auto& r : *got) got_lines.push_back(r.to_json());
    std::string line;
    for (char c : want) {
      if (c == '\n') {
        want_lines.push_back(line);
        line.clear();
      } else {
        line += c;
      }
    }
    std::sort(got_lines.begin(), got_lines.end());
    std::sort(want_lines.begin(), want_lines.end());
    EXPECT_EQ(got_lines, want_lines) << folder;
  }
}

TEST(SinglePassSink, TakeRowsGathersEveryLayout) {
  auto ints = std::make_unique<types::Column>(types::DataType::int32());
  auto strs = std::make_unique<types::Column>(types::DataType::string());
  for (int i = 0; i < 10; ++i) {
    if (i == 3) {
      ints->append_null();
      strs->append_null();
    } else {
      ints->append_int(i * 10);
      strs->append_string(std::string(i, 'x'));
    }
  }
  std::vector<int64_t> rows = {9, 3, 0, 3, 1};
  auto a = take_rows(*ints, rows.data(), 5);
  auto b = take_rows(*strs, rows.data(), 5);
  ASSERT_TRUE(a->validate().ok());
  ASSERT_TRUE(b->validate().ok());
  std::vector<std::string> got;
  for (int i = 0; i < 5; ++i) got.push_back(a->debug_string(i) + "/" + b->debug_string(i));
  EXPECT_EQ(got,
            (std::vector<std::string>{"90/xxxxxxxxx", "null/null", "0/", "null/null", "10/x"}));
}

}  // namespace
}  // namespace mortar::engine

namespace mortar::engine {
namespace {

TEST(FirstPassCache, MapDeeperInThePlanRunsItsCallbackOnce) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 10; ++i) text += "{\"id\": " + std::to_string(i) + "}\n";
  auto calls = std::make_shared<std::atomic<int>>(0);
  TransformOptions strict;
  strict.stage_threshold = 1;
  auto mapped =
      source(dir, text, 4)
          .map(
              [calls](Record r) {
                ++*calls;
                if (r.get("id").as_int() == 3) throw std::runtime_error("bad record 3");
                EXPECT_TRUE(r.set("twice", types::Value::integer(2 * r.get("id").as_int())).ok());
                return r;
              },
              strict);
  // ApplyMapping needs Map's schema (a pass), then reads its records: the
  // pass's output is replayed, not recomputed.
  auto renamed = mapped.apply_mapping({{"twice", "long", "double_id", "int"}});
  ASSERT_TRUE(renamed.ok());
  auto rows = renamed->to_records();
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->size(), 9u);
  EXPECT_EQ(calls->load(), 10);
  EXPECT_EQ((*rows)[3].to_json(), "{\"double_id\": 8}");
  // The replayed error is counted once (stageThreshold 1 is not passed).
  // A second action runs the Map again: the cache is handed out once.
  EXPECT_EQ(*renamed->errors_count(), 1);
  EXPECT_EQ(calls->load(), 20);
}

TEST(FirstPassCache, SchemaAskedBeforeASinkIsNotRecomputed) {
  TempDir dir;
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto mapped = source(dir, "{\"id\": 1}\n{\"id\": 2}\n", 1).map([calls](Record r) {
    ++*calls;
    return r;
  });
  EXPECT_EQ(schema_of(mapped), "struct<id:bigint>");  // printSchema() in a script
  FileSinkOptions o;
  o.path = dir.file("out");
  o.format = "parquet";
  auto written = write_files(mapped, o);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->rows, 2);
  EXPECT_EQ(calls->load(), 2);
}

TEST(FirstPassCache, DropNullFieldsKeepsItsNullPassForTheRecords) {
  TempDir dir;
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto mapped =
      source(dir, "{\"id\": 1, \"n\": null}\n{\"id\": 2, \"n\": null}\n", 1).map([calls](Record r) {
        ++*calls;
        return r;
      });
  auto rows = mapped.drop_null_fields().to_records();
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].to_json(), "{\"id\": 2}");
  EXPECT_EQ(calls->load(), 2);  // Map's schema pass, replayed twice over
}

TEST(FirstPassCache, ReplayedErrorsStillEnforceThresholds) {
  TempDir dir;
  auto frame = source(dir, "{\"id\": 1}\n{\"id\": 2}\n{\"id\": 3}\n", 1);
  TransformOptions strict;
  strict.stage_threshold = 1;
  auto mapped = frame.map(
      [](Record r) -> Record {
        if (r.get("id").as_int() >= 2) throw std::runtime_error("no");
        return r;
      },
      strict);
  auto renamed = mapped.apply_mapping({{"id", "long", "n", "long"}});
  ASSERT_TRUE(renamed.ok());
  auto rows = renamed->to_records();  // schema pass (2 errors, not enforced), then replay
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(std::string(status_message(rows.status())).find("stageThreshold"), std::string::npos)
      << rows.status();
}

}  // namespace
}  // namespace mortar::engine

namespace mortar::engine {
namespace {

TEST(SinglePassSink, ManyPartitionValuesAcrossTwoKeys) {
  TempDir dir;
  // 600 rows, 300 values per key, ~600 folders: the hash-based grouping.
  std::string text;
  std::vector<std::string> want;
  for (int i = 0; i < 600; ++i) {
    int a = i % 300, b = (i * 7) % 300;
    text += "{\"i\": " + std::to_string(i) + ", \"a\": " + std::to_string(a) + ", \"b\": \"v" +
            std::to_string(b) + "\"}\n";
    want.push_back("{\"i\": " + std::to_string(i) + ", \"a\": \"" + std::to_string(a) +
                   "\", \"b\": \"v" + std::to_string(b) + "\"}");
  }
  FileSinkOptions o;
  o.path = dir.file("out");
  o.format = "json";
  o.partition_keys = {"a", "b"};
  auto written = write_files(source(dir, text, 1000), o);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->rows, 600);
  auto back = read_back(o.path).to_records();
  ASSERT_TRUE(back.ok()) << back.status();
  std::vector<std::string> got;
  for (const auto& r : *back) got.push_back(r.to_json());
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace mortar::engine
