// Dictionary or PLAIN per column chunk: unique columns are written PLAIN
// (early, without building a dictionary that is thrown away), repeating
// columns get a dictionary even when their distinct values all come first,
// and every variant reads back equal. Encodings are read from the footer.
// Also the writer's flush() and write_rows() (gathered rows), which a
// partitioned sink uses.
#include <gtest/gtest.h>

#include <filesystem>
#include <limits>

#include "formats/parquet/parquet_format.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_test_util.h"
#include "formats/parquet/parquet_writer.h"
#include "io/file_system.h"
#include "types/json_text.h"

namespace mortar::formats::parquet {
namespace {

using types::Column;
using types::DataType;
using types::RecordBatch;
using types::TypePtr;

using testing_util::temp_path;

// As a sink hands them over: in slices.
Status write_parquet(const std::string& path, const RecordBatch& batch, Options opts = {}) {
  return testing_util::write_file(path, batch, std::move(opts), 10000);
}

struct ReadBack {
  FileMetaData meta;
  std::string json;
};

StatusOr<ReadBack> read_back(const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(auto file, io::local_file_system().open_random_access(path));
  MORTAR_ASSIGN_OR_RETURN(auto reader, ParquetReader::open(std::move(file), ReadOptions{}));
  ReadBack out;
  out.meta = reader->metadata();
  for (;;) {
    MORTAR_ASSIGN_OR_RETURN(auto b, reader->next());
    if (!b) break;
    MORTAR_RETURN_IF_ERROR(b->validate());
    out.json += types::to_json_lines(*b);
  }
  return out;
}

// Whether column `col` of row group `rg` is dictionary-encoded.
bool dictionary_encoded(const FileMetaData& meta, size_t rg, size_t col) {
  const auto& encodings = meta.row_groups.at(rg).columns.at(col).meta_data->encodings;
  return std::find(encodings.begin(), encodings.end(), Encoding::kRleDictionary) != encodings.end();
}

TEST(ParquetDictionary, UniqueColumnsArePlainRepeatingOnesGetADictionary) {
  // 60,000 rows: a unique bigint's dictionary (480 KB) would fit the 1 MB
  // limit, but it would only make the chunk bigger.
  const int64_t rows = 60000;
  TypePtr schema = DataType::structure({{"id", DataType::bigint()},
                                        {"uuid", DataType::string()},
                                        {"qty", DataType::int32()},
                                        {"city", DataType::string()},
                                        {"price", DataType::float64()}});
  auto batch = RecordBatch::make_empty(schema);
  for (int64_t i = 0; i < rows; ++i) {
    batch->column(0).append_int(i * 7919);
    batch->column(1).append_string("order-" + std::to_string(i * 104729 % 1000003));
    batch->column(2).append_int(i % 100);
    if (i % 10 == 3) {
      batch->column(3).append_null();
    } else {
      batch->column(3).append_string("city-" + std::to_string(i * 31 % 250));
    }
    batch->column(4).append_double((i * 37 % 5000) / 4.0);
  }
  batch->set_num_rows(rows);
  std::string path = temp_path("unique_and_repeating.parquet");
  ASSERT_TRUE(write_parquet(path, *batch).ok());
  auto back = read_back(path);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->meta.row_groups.size(), 1u);
  EXPECT_FALSE(dictionary_encoded(back->meta, 0, 0)) << "unique bigint";
  EXPECT_FALSE(dictionary_encoded(back->meta, 0, 1)) << "unique string";
  EXPECT_TRUE(dictionary_encoded(back->meta, 0, 2)) << "100 distinct ints";
  EXPECT_TRUE(dictionary_encoded(back->meta, 0, 3)) << "250 distinct strings and nulls";
  EXPECT_TRUE(dictionary_encoded(back->meta, 0, 4)) << "5,000 distinct doubles";
  EXPECT_EQ(back->json, types::to_json_lines(*batch));
  // Statistics of a dictionary-encoded string column (taken from the distinct values).
  const auto& city = *back->meta.row_groups[0].columns[3].meta_data;
  EXPECT_EQ(city.statistics->null_count, rows / 10);
  EXPECT_EQ(city.statistics->min_value, "city-0");
  EXPECT_EQ(city.statistics->max_value, "city-99");
}

TEST(ParquetDictionary, ManyRepeatsDrawnAtRandomKeepTheirDictionary) {
  // Prices drawn at random from 100,000: among 300,000 rows about 95,000
  // distinct (760 KB), so a dictionary (plus 17-bit indices) beats PLAIN
  // (2.4 MB), although nearly every early value is new.
  const int64_t rows = 300000;
  TypePtr schema = DataType::structure({{"price", DataType::float64()}});
  auto batch = RecordBatch::make_empty(schema);
  uint64_t x = 42;
  for (int64_t i = 0; i < rows; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    batch->column(0).append_double(static_cast<double>((x >> 33) % 100000) / 100);
  }
  batch->set_num_rows(rows);
  std::string path = temp_path("random_prices.parquet");
  ASSERT_TRUE(write_parquet(path, *batch).ok());
  auto back = read_back(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(dictionary_encoded(back->meta, 0, 0));
  EXPECT_LT(back->meta.row_groups[0].columns[0].meta_data->total_uncompressed_size, rows * 8 * 2 / 3);
  EXPECT_EQ(back->json, types::to_json_lines(*batch));
}

TEST(ParquetDictionary, DistinctValuesFirstThenRepeatsStillGetADictionary) {
  // 16,000 distinct bigints (128 KB, an eighth of the limit) and 5,000
  // distinct strings, all seen before any repeats: the early check must not
  // mistake them for unique columns.
  const int64_t rows = 300000;
  TypePtr schema = DataType::structure({{"k", DataType::bigint()}, {"s", DataType::string()}});
  auto batch = RecordBatch::make_empty(schema);
  for (int64_t i = 0; i < rows; ++i) {
    batch->column(0).append_int(i % 16000);
    batch->column(1).append_string("customer-" + std::to_string(i % 5000));
  }
  batch->set_num_rows(rows);
  std::string path = temp_path("distinct_first.parquet");
  ASSERT_TRUE(write_parquet(path, *batch).ok());
  auto back = read_back(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(dictionary_encoded(back->meta, 0, 0));
  EXPECT_TRUE(dictionary_encoded(back->meta, 0, 1));
  EXPECT_EQ(back->json, types::to_json_lines(*batch));
}

TEST(ParquetDictionary, ManyDistinctFirstValuesRoundTripWhateverTheEncoding) {
  // 100,000 distinct values first (past the early check), then repeats of
  // them, and a column that changes from unique to repeating in its second
  // row group.
  const int64_t rows = 400000;
  TypePtr schema = DataType::structure({{"k", DataType::bigint()}, {"s", DataType::string()},
                                        {"phase", DataType::string()}});
  auto batch = RecordBatch::make_empty(schema);
  for (int64_t i = 0; i < rows; ++i) {
    batch->column(0).append_int(i % 100000);
    batch->column(1).append_string("ref-" + std::to_string(i % 100000));
    batch->column(2).append_string(i < 200000 ? "u" + std::to_string(i) : "r" + std::to_string(i % 20));
  }
  batch->set_num_rows(rows);
  std::string path = temp_path("distinct_then_repeat.parquet");
  ASSERT_TRUE(write_parquet(path, *batch, {{"rowGroupRows", "200000"}}).ok());
  auto back = read_back(path);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->meta.row_groups.size(), 2u);
  EXPECT_EQ(back->json, types::to_json_lines(*batch));
  // `phase` fell back in the first row group; the second, 20 values, gets
  // its dictionary again.
  EXPECT_FALSE(dictionary_encoded(back->meta, 0, 2));
  EXPECT_TRUE(dictionary_encoded(back->meta, 1, 2));
}

TEST(ParquetDictionary, IntegersInASmallRangeOrFewDistinctAnywhere) {
  // Small spans (negative ones too) take a table indexed by value; few
  // values spread over the whole range take the hash table.
  const int64_t rows = 50000;
  TypePtr schema = DataType::structure({{"small32", DataType::int32()},
                                        {"small64", DataType::bigint()},
                                        {"wide32", DataType::int32()},
                                        {"wide64", DataType::bigint()}});
  const int64_t extremes[] = {std::numeric_limits<int64_t>::min(), -1, 0, std::numeric_limits<int64_t>::max()};
  auto batch = RecordBatch::make_empty(schema);
  for (int64_t i = 0; i < rows; ++i) {
    batch->column(0).append_int(i * 13 % 1001 - 500);
    if (i % 9 == 0) {
      batch->column(1).append_null();
    } else {
      batch->column(1).append_int(18000 + i % 1461);
    }
    batch->column(2).append_int(i % 3 == 0 ? std::numeric_limits<int32_t>::min() : (i % 3) * 1000000000);
    batch->column(3).append_int(extremes[i % 4]);
  }
  batch->set_num_rows(rows);
  std::string path = temp_path("integers.parquet");
  ASSERT_TRUE(write_parquet(path, *batch).ok());
  auto back = read_back(path);
  ASSERT_TRUE(back.ok()) << back.status();
  for (size_t c = 0; c < 4; ++c) EXPECT_TRUE(dictionary_encoded(back->meta, 0, c)) << c;
  EXPECT_EQ(back->json, types::to_json_lines(*batch));
}

TEST(ParquetDictionary, ZeroDictionaryLimitAndDisabledDictionaryWritePlain) {
  TypePtr schema = DataType::structure({{"k", DataType::int32()}});
  auto batch = RecordBatch::make_empty(schema);
  for (int64_t i = 0; i < 5000; ++i) batch->column(0).append_int(i % 3);
  batch->set_num_rows(5000);
  for (const Options& o : {Options{{"dictionaryPageSize", "0"}}, Options{{"enableDictionary", "false"}}}) {
    std::string path = temp_path("plain.parquet");
    ASSERT_TRUE(write_parquet(path, *batch, o).ok());
    auto back = read_back(path);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_FALSE(dictionary_encoded(back->meta, 0, 0)) << o.begin()->first;
    EXPECT_EQ(back->json, types::to_json_lines(*batch));
  }
}

TEST(ParquetDictionary, TinyPagesWithoutNullsRoundTrip) {
  // Pages of a few entries: the levels of a page without nulls are one
  // short RLE run; lists whose elements are all present too.
  TypePtr schema = DataType::structure({{"k", DataType::bigint()}, {"l", DataType::array(DataType::int32())}});
  auto batch = RecordBatch::make_empty(schema);
  for (int64_t i = 0; i < 3000; ++i) {
    batch->column(0).append_int(i % 37);
    Column& l = batch->column(1);
    for (int64_t k = 0; k <= i % 3; ++k) l.child(0).append_int(static_cast<int32_t>(i + k));
    l.append_list_length(i % 3 + 1);
  }
  batch->set_num_rows(3000);
  for (const char* dictionary : {"true", "false"}) {
    std::string path = temp_path("tiny_pages.parquet");
    ASSERT_TRUE(write_parquet(path, *batch, {{"pageSize", "16"}, {"enableDictionary", dictionary}}).ok());
    auto back = read_back(path);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->json, types::to_json_lines(*batch)) << dictionary;
  }
}

TEST(ParquetWriterFlush, FlushEndsARowGroupAndReleasesItsMemory) {
  TypePtr schema = DataType::structure({{"id", DataType::bigint()}, {"s", DataType::string()}});
  auto batch = RecordBatch::make_empty(schema);
  for (int64_t i = 0; i < 3000; ++i) {
    batch->column(0).append_int(i);
    batch->column(1).append_string("value " + std::to_string(i % 300));
  }
  batch->set_num_rows(3000);
  std::string path = temp_path("flush.parquet");
  auto out = io::local_file_system().open_output(path);
  ASSERT_TRUE(out.ok()) << out.status();
  auto w = ParquetWriter::open(std::move(*out), path, schema, WriteOptions{});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_LT((*w)->buffered_bytes(), 1024);
  ASSERT_TRUE((*w)->write(*batch).ok());
  EXPECT_GT((*w)->buffered_bytes(), 3000 * 8);
  ASSERT_TRUE((*w)->flush().ok());
  EXPECT_LT((*w)->buffered_bytes(), 1024);
  EXPECT_EQ((*w)->row_groups(), 1);
  ASSERT_TRUE((*w)->flush().ok());  // nothing buffered: no empty row group
  EXPECT_EQ((*w)->row_groups(), 1);
  ASSERT_TRUE((*w)->write(*batch).ok());
  ASSERT_TRUE((*w)->close().ok());
  EXPECT_FALSE((*w)->flush().ok());  // after close
  auto back = read_back(path);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->meta.row_groups.size(), 2u);
  EXPECT_EQ(back->meta.num_rows, 6000);
  EXPECT_EQ(back->json, types::to_json_lines(*batch) + types::to_json_lines(*batch));
}

// Row `i` of the gather test's data.
void append_gather_row(RecordBatch& batch, int64_t i) {
  auto& c = batch.columns();
  i % 13 == 5 ? c[0]->append_null() : c[0]->append_int(i * 1000003);
  i % 7 == 2 ? c[1]->append_null() : c[1]->append_string(std::string(static_cast<size_t>(i % 41), 'a' + i % 26));
  c[2]->append_string(std::string(static_cast<size_t>(i % 19), 'k') + std::to_string(i % 5));
  c[3]->append_double(i / 8.0);
  c[4]->append_bool(i % 3 == 0);
  c[5]->append_int(static_cast<int32_t>(i % 500));
  Column& st = *c[6];
  if (i % 11 == 4) {
    st.append_null();
  } else {
    st.child(0).append_int(i);
    Column& arr = st.child(1);
    for (int64_t k = 0; k < i % 3; ++k) arr.child(0).append_string("e" + std::to_string(i + k));
    arr.append_list_length(i % 3);
    st.append_struct_row();
  }
}

TEST(ParquetWriterRows, WritingGatheredRowsEqualsWritingTheGatheredBatch) {
  TypePtr schema = DataType::structure({
      {"id", DataType::bigint()},
      {"s", DataType::string()},
      {"t", DataType::string()},
      {"d", DataType::float64()},
      {"b", DataType::boolean()},
      {"i", DataType::int32()},
      {"st", DataType::structure({{"x", DataType::bigint()}, {"arr", DataType::array(DataType::string())}})},
  });
  const int64_t rows = 5000;
  auto source = RecordBatch::make_empty(schema);
  for (int64_t i = 0; i < rows; ++i) append_gather_row(*source, i);
  source->set_num_rows(rows);
  ASSERT_TRUE(source->validate().ok());
  // Every third row, backwards, then some rows twice.
  std::vector<int64_t> picked;
  for (int64_t i = rows - 1; i >= 0; i -= 3) picked.push_back(i);
  for (int64_t i = 0; i < 100; ++i) picked.push_back(i * 7);
  auto expected = RecordBatch::make_empty(schema);
  for (int64_t r : picked) append_gather_row(*expected, r);
  expected->set_num_rows(static_cast<int64_t>(picked.size()));

  std::vector<const Column*> cols;
  for (int c = 0; c < source->num_columns(); ++c) cols.push_back(&source->column(c));
  std::string path = temp_path("gathered.parquet");
  auto out = io::local_file_system().open_output(path);
  ASSERT_TRUE(out.ok()) << out.status();
  // Small row groups, so gathers also cross row group boundaries.
  WriteOptions wo;
  wo.format_options = {{"rowGroupRows", "700"}};
  auto w = ParquetWriter::open(std::move(*out), path, schema, wo);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_TRUE((*w)->can_write_rows());
  const int64_t half = static_cast<int64_t>(picked.size()) / 2;
  ASSERT_TRUE((*w)->write_rows(cols, picked.data(), half).ok());
  ASSERT_TRUE((*w)->write_rows(cols, picked.data() + half, static_cast<int64_t>(picked.size()) - half).ok());
  const int64_t bad = rows;
  Status s = (*w)->write_rows(cols, &bad, 1);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not all in a column of 5000 rows"), std::string::npos) << s;
  std::vector<const Column*> too_few(cols.begin(), cols.end() - 1);
  EXPECT_FALSE((*w)->write_rows(too_few, picked.data(), 1).ok());
  ASSERT_TRUE((*w)->close().ok());
  auto back = read_back(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->meta.row_groups.size(), 3u);  // 1,767 rows in groups of 700
  EXPECT_EQ(back->json, types::to_json_lines(*expected));
}

}  // namespace
}  // namespace mortar::formats::parquet
