// SinkWriter's buffer budget: with one writer per partition folder, the
// bytes they buffer together stay bounded (the writer holding the most
// flushes a row group early), files then hold several row groups, and every
// row reads back equal, in order, in its folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "engine/sink_writer.h"
#include "engine/test_util.h"
#include "formats/parquet/parquet_reader.h"

namespace mortar::engine {
namespace {

using testing::TempDir;
using types::DataType;
using types::RecordBatch;
using types::TypePtr;

constexpr int kPartitions = 24;

TypePtr row_schema() {
  return DataType::structure({{"id", DataType::bigint()},
                              {"p", DataType::string()},
                              {"name", DataType::string()},
                              {"amount", DataType::float64()}});
}

std::string partition_of(int64_t id) { return "part" + std::to_string(id * 7 % kPartitions); }
std::string name_of(int64_t id) { return "name-" + std::to_string(id % 5000); }

// Rows [first, first + n) of the test data, every partition in each batch.
std::unique_ptr<RecordBatch> make_batch(int64_t first, int64_t n) {
  auto batch = RecordBatch::make_empty(row_schema());
  for (int64_t id = first; id < first + n; ++id) {
    batch->column(0).append_int(id);
    batch->column(1).append_string(partition_of(id));
    if (id % 11 == 0) {
      batch->column(2).append_null();
    } else {
      batch->column(2).append_string(name_of(id));
    }
    batch->column(3).append_double(static_cast<double>(id) / 4);
  }
  batch->set_num_rows(n);
  return batch;
}

SinkWriterConfig config_for(const TempDir& dir, const std::string& format, int64_t budget) {
  SinkWriterConfig c;
  c.fs = &io::local_file_system();
  c.root = dir.file("out");
  auto f = formats::format_by_name(format);
  EXPECT_TRUE(f.ok()) << f.status();
  c.format = *f;
  c.suffix = "." + format;
  c.partition_keys = {"p"};
  c.buffer_budget = budget;
  c.run = "test";
  return c;
}

// Reads every written file back: each folder's ids in file order, checking
// the other columns against the id; row groups per file.
struct ReadBack {
  std::map<std::string, std::vector<int64_t>> ids;  // by folder
  std::map<std::string, int64_t> row_groups;        // by file
};

ReadBack read_back(const SinkWriter& writer, const std::string& root, const std::string& format) {
  ReadBack out;
  auto f = formats::format_by_name(format);
  EXPECT_TRUE(f.ok());
  for (const std::string& rel : writer.files()) {
    const std::string path = io::join_path(root, rel);
    const std::string folder = rel.substr(0, rel.find('/'));
    if (format == "parquet") {
      auto file = io::local_file_system().open_random_access(path);
      EXPECT_TRUE(file.ok()) << file.status();
      auto reader = formats::parquet::ParquetReader::open(std::move(*file), formats::ReadOptions{});
      EXPECT_TRUE(reader.ok()) << reader.status();
      out.row_groups[rel] = static_cast<int64_t>((*reader)->metadata().row_groups.size());
    }
    auto reader = (*f)->open_reader(io::local_file_system(), path, formats::ReadOptions{});
    EXPECT_TRUE(reader.ok()) << reader.status();
    for (;;) {
      auto batch = (*reader)->next();
      EXPECT_TRUE(batch.ok()) << batch.status();
      if (!batch.ok() || !*batch) break;
      const RecordBatch& b = **batch;
      EXPECT_TRUE(b.validate().ok());
      EXPECT_EQ(b.schema()->to_string(), "struct<id:bigint,name:string,amount:double>");
      for (int64_t r = 0; r < b.num_rows(); ++r) {
        const int64_t id = b.column(0).value<int64_t>(r);
        out.ids[folder].push_back(id);
        EXPECT_EQ("p=" + partition_of(id), folder) << id;
        if (id % 11 == 0) {
          EXPECT_TRUE(b.column(1).is_null(r)) << id;
        } else {
          EXPECT_EQ(b.column(1).string_at(r), name_of(id)) << id;
        }
        EXPECT_EQ(b.column(2).value<double>(r), static_cast<double>(id) / 4) << id;
      }
    }
  }
  return out;
}

// The ids each folder must hold, in order, for rows [0, rows).
std::map<std::string, std::vector<int64_t>> expected_ids(int64_t rows) {
  std::map<std::string, std::vector<int64_t>> out;
  for (int64_t id = 0; id < rows; ++id) out["p=" + partition_of(id)].push_back(id);
  return out;
}

TEST(SinkWriterBudget, ManyPartitionsUnderASmallBudgetFlushRowGroupsEarly) {
  TempDir dir;
  const int64_t budget = 512 << 10;
  SinkWriter writer(config_for(dir, "parquet", budget));
  const int64_t rows = 240000, batch_rows = 2000;
  for (int64_t first = 0; first < rows; first += batch_rows) {
    ASSERT_TRUE(writer.write(make_batch(first, batch_rows)).ok());
    EXPECT_LE(writer.buffered_bytes(), budget);
  }
  EXPECT_GT(writer.buffered_bytes(), 0);
  ASSERT_TRUE(writer.finish(row_schema()).ok());
  EXPECT_EQ(writer.buffered_bytes(), 0);
  EXPECT_EQ(writer.rows(), rows);

  // Right after a write, before the flushes it triggers, the total may pass
  // the budget by what that write added (a buffer doubling at most).
  EXPECT_GT(writer.peak_buffered_bytes(), budget / 2);
  EXPECT_LE(writer.peak_buffered_bytes(), budget + budget / 4);
  EXPECT_GT(writer.budget_flushes(), kPartitions);

  ReadBack back = read_back(writer, dir.file("out"), "parquet");
  ASSERT_EQ(back.row_groups.size(), static_cast<size_t>(kPartitions));
  for (const auto& [file, groups] : back.row_groups) EXPECT_GE(groups, 3) << file;
  EXPECT_EQ(back.ids, expected_ids(rows));
}

TEST(SinkWriterBudget, AGenerousBudgetWritesOneRowGroupPerFile) {
  TempDir dir;
  SinkWriter writer(config_for(dir, "parquet", int64_t{256} << 20));
  const int64_t rows = 48000;
  for (int64_t first = 0; first < rows; first += 4000)
    ASSERT_TRUE(writer.write(make_batch(first, 4000)).ok());
  ASSERT_TRUE(writer.finish(row_schema()).ok());
  EXPECT_EQ(writer.budget_flushes(), 0);
  ReadBack back = read_back(writer, dir.file("out"), "parquet");
  ASSERT_EQ(back.row_groups.size(), static_cast<size_t>(kPartitions));
  for (const auto& [file, groups] : back.row_groups) EXPECT_EQ(groups, 1) << file;
  EXPECT_EQ(back.ids, expected_ids(rows));
}

TEST(SinkWriterBudget, OrcStripesAreFlushedUnderTheBudgetToo) {
  TempDir dir;
  const int64_t budget = 256 << 10;
  SinkWriter writer(config_for(dir, "orc", budget));
  const int64_t rows = 120000;
  for (int64_t first = 0; first < rows; first += 3000) {
    ASSERT_TRUE(writer.write(make_batch(first, 3000)).ok());
    EXPECT_LE(writer.buffered_bytes(), budget);
  }
  ASSERT_TRUE(writer.finish(row_schema()).ok());
  EXPECT_GT(writer.budget_flushes(), 0);
  EXPECT_EQ(read_back(writer, dir.file("out"), "orc").ids, expected_ids(rows));
}

TEST(SinkWriterBudget, StreamingFormatsBufferNothing) {
  TempDir dir;
  SinkWriter writer(config_for(dir, "json", 1));
  for (int64_t first = 0; first < 6000; first += 2000)
    ASSERT_TRUE(writer.write(make_batch(first, 2000)).ok());
  ASSERT_TRUE(writer.finish(row_schema()).ok());
  EXPECT_EQ(writer.peak_buffered_bytes(), 0);
  EXPECT_EQ(writer.budget_flushes(), 0);
  EXPECT_EQ(writer.files().size(), static_cast<size_t>(kPartitions));
}

TEST(SinkWriterBudget, DefaultBudgetFollowsTheEngineMemoryLimit) {
  const char* old = std::getenv("MORTAR_ENGINE_MEMORY_MB");
  std::string saved = old ? old : "";
  setenv("MORTAR_ENGINE_MEMORY_MB", "2048", 1);
  EXPECT_EQ(sink_buffer_budget(), int64_t{128} << 20);
  setenv("MORTAR_ENGINE_MEMORY_MB", "64", 1);
  EXPECT_EQ(sink_buffer_budget(), int64_t{16} << 20);
  setenv("MORTAR_ENGINE_MEMORY_MB", "65536", 1);
  EXPECT_EQ(sink_buffer_budget(), int64_t{256} << 20);
  SinkWriterConfig c;
  c.buffer_budget = 0;
  EXPECT_EQ(SinkWriter(c).buffer_budget(), int64_t{256} << 20);
  if (old) {
    setenv("MORTAR_ENGINE_MEMORY_MB", saved.c_str(), 1);
  } else {
    unsetenv("MORTAR_ENGINE_MEMORY_MB");
  }
}

}  // namespace
}  // namespace mortar::engine
