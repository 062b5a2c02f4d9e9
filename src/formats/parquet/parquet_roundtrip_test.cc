// Mortar writer -> Mortar reader round trips: every type with nulls, empty
// strings and extreme values, nesting, 0 rows, 10,000 columns, codecs,
// row groups with small batches, projection and pruning, corrupt files.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "formats/parquet/parquet_format.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_test_util.h"
#include "io/file_system.h"
#include "types/json_text.h"

namespace mortar::formats::parquet {
namespace {

using types::Column;
using types::DataType;
using types::RecordBatch;
using types::TypePtr;

using testing_util::temp_path;
using testing_util::write_file;

// Reads the whole file as JSON lines (and checks every batch validates).
StatusOr<std::string> read_json(const std::string& path, ReadOptions ro = {}, int* batches = nullptr) {
  MORTAR_ASSIGN_OR_RETURN(auto r, parquet_format().open_reader(io::local_file_system(), path, ro));
  std::string out;
  int n = 0;
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(auto b, r->next());
    if (!b) break;
    MORTAR_RETURN_IF_ERROR(b->validate());
    out += types::to_json_lines(*b);
    ++n;
  }
  if (batches) *batches = n;
  return out;
}

std::unique_ptr<RecordBatch> primitives_batch(int64_t rows) {
  TypePtr schema = DataType::structure({
      {"b", DataType::boolean()},      {"i8", DataType::tinyint()},  {"i16", DataType::smallint()},
      {"i32", DataType::int32()},      {"i64", DataType::bigint()},  {"f", DataType::float32()},
      {"d", DataType::float64()},      {"dec5", DataType::decimal(5, 2)},
      {"dec18", DataType::decimal(18, 3)}, {"dec38", DataType::decimal(38, 0)},
      {"s", DataType::string()},       {"vc", DataType::varchar(10)}, {"bin", DataType::binary()},
      {"date", DataType::date()},      {"ts", DataType::timestamp()},
  });
  auto batch = RecordBatch::make_empty(schema);
  const types::int128 big = types::int128{99999999999999999LL} * 1000000000000000000LL + 999999999999999999LL;
  for (int64_t i = 0; i < rows; ++i) {
    auto& c = batch->columns();
    bool null = i % 7 == 3;
    auto add = [&](int col, auto fn) { null ? c[col]->append_null() : fn(*c[col]); };
    add(0, [&](Column& x) { x.append_bool(i % 2); });
    add(1, [&](Column& x) { x.append_int(i % 3 == 0 ? -128 : i % 127); });
    add(2, [&](Column& x) { x.append_int(i % 3 == 0 ? 32767 : -i); });
    add(3, [&](Column& x) { x.append_int(i % 5 == 0 ? std::numeric_limits<int32_t>::min() : i * 1000); });
    add(4, [&](Column& x) { x.append_int(i % 5 == 0 ? std::numeric_limits<int64_t>::max() : -i * 1000000007LL); });
    add(5, [&](Column& x) { x.append_double(i % 11 == 0 ? INFINITY : i * 0.25); });
    add(6, [&](Column& x) { x.append_double(i % 13 == 0 ? NAN : (i % 4 == 0 ? -0.0 : i / 3.0)); });
    add(7, [&](Column& x) { x.append_decimal(i % 2 ? 99999 : -i); });
    add(8, [&](Column& x) { x.append_decimal(i * 123456789LL - 5); });
    add(9, [&](Column& x) { x.append_decimal(i % 2 ? big : -big + i); });
    add(10, [&](Column& x) { x.append_string(i % 4 == 0 ? "" : "héllo " + std::to_string(i % 50)); });
    add(11, [&](Column& x) { x.append_string(std::to_string(i)); });
    add(12, [&](Column& x) { x.append_string(std::string("\0\xff", 2) + std::to_string(i)); });
    add(13, [&](Column& x) { x.append_int(i - 719528); });  // around year 0
    add(14, [&](Column& x) { x.append_timestamp(i * 86400000000LL * 37 - 62135596800000000LL); });
  }
  batch->set_num_rows(rows);
  return batch;
}

TEST(ParquetRoundTrip, EveryPrimitiveTypeWithNullsAndExtremes) {
  auto batch = primitives_batch(500);
  ASSERT_TRUE(batch->validate().ok());
  for (const char* codec : {"snappy", "none", "gzip", "zstd"}) {
    std::string path = temp_path(std::string("prims_") + codec + ".parquet");
    ASSERT_TRUE(write_file(path, *batch, {{"compression", codec}}).ok()) << codec;
    auto json = read_json(path);
    ASSERT_TRUE(json.ok()) << json.status();
    EXPECT_EQ(*json, types::to_json_lines(*batch)) << codec;
  }
}

TEST(ParquetRoundTrip, PlainEncodingAndTinyPages) {
  auto batch = primitives_batch(2000);
  std::string path = temp_path("plain.parquet");
  ASSERT_TRUE(write_file(path, *batch, {{"enableDictionary", "false"}, {"pageSize", "512"}}).ok());
  auto json = read_json(path);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, types::to_json_lines(*batch));
}

TEST(ParquetRoundTrip, NestedTypes) {
  TypePtr inner = DataType::structure({{"a", DataType::int32()}, {"b", DataType::array(DataType::string())}});
  TypePtr schema = DataType::structure({
      {"arr", DataType::array(inner)},
      {"m", DataType::map(DataType::string(), DataType::array(DataType::bigint()))},
      {"st", DataType::structure({{"x", DataType::float64()}, {"y", inner}})},
      {"aa", DataType::array(DataType::array(DataType::int32()))},
  });
  auto batch = RecordBatch::make_empty(schema);
  auto& c = batch->columns();
  const int64_t rows = 300;
  for (int64_t i = 0; i < rows; ++i) {
    // arr: null, empty, or i%4 structs (some null, some with empty/null b)
    if (i % 9 == 0) {
      c[0]->append_null();
    } else {
      Column& elems = c[0]->child(0);
      int n = i % 4;
      for (int k = 0; k < n; ++k) {
        if (k == 2) {
          elems.append_null();
          continue;
        }
        elems.child(0).append_int(i * 10 + k);
        Column& b = elems.child(1);
        if (k == 1) {
          b.append_null();
        } else {
          for (int j = 0; j < k + 1; ++j) b.child(0).append_string(j == 0 ? "" : "s" + std::to_string(j));
          b.append_list_length(k + 1);
        }
        elems.append_struct_row();
      }
      c[0]->append_list_length(n);
    }
    // m: map with null values and empty value lists
    if (i % 5 == 1) {
      c[1]->append_null();
    } else {
      int n = i % 3;
      for (int k = 0; k < n; ++k) {
        c[1]->child(0).append_string("k" + std::to_string(k));
        Column& v = c[1]->child(1);
        if (k == 1) {
          v.append_null();
        } else {
          for (int j = 0; j < k; ++j) v.child(0).append_int(i * j);
          v.append_list_length(k);
        }
      }
      c[1]->append_list_length(n);
    }
    // st: null struct, or struct with a null inner struct
    if (i % 6 == 2) {
      c[2]->append_null();
    } else {
      c[2]->child(0).append_double(i / 2.0);
      Column& y = c[2]->child(1);
      if (i % 2) {
        y.append_null();
      } else {
        y.child(0).append_int(i);
        y.child(1).append_list_length(0);
        y.append_struct_row();
      }
      c[2]->append_struct_row();
    }
    // aa: [[...], [], null]
    Column& outer = *c[3];
    Column& mid = outer.child(0);
    for (int j = 0; j < i % 3; ++j) mid.child(0).append_int(j);
    mid.append_list_length(i % 3);
    mid.append_list_length(0);
    mid.append_null();
    outer.append_list_length(3);
  }
  batch->set_num_rows(rows);
  ASSERT_TRUE(batch->validate().ok()) << batch->validate();
  std::string path = temp_path("nested.parquet");
  ASSERT_TRUE(write_file(path, *batch, {{"pageSize", "300"}}).ok());
  auto json = read_json(path);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, types::to_json_lines(*batch));
}

TEST(ParquetRoundTrip, ZeroRowsKeepTheSchema) {
  auto batch = primitives_batch(0);
  std::string path = temp_path("zero.parquet");
  ASSERT_TRUE(write_file(path, *batch).ok());
  auto r = parquet_format().open_reader(io::local_file_system(), path, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE((*r)->schema()->equals(*DataType::structure({
      {"b", DataType::boolean()}, {"i8", DataType::tinyint()}, {"i16", DataType::smallint()},
      {"i32", DataType::int32()}, {"i64", DataType::bigint()}, {"f", DataType::float32()},
      {"d", DataType::float64()}, {"dec5", DataType::decimal(5, 2)}, {"dec18", DataType::decimal(18, 3)},
      {"dec38", DataType::decimal(38, 0)}, {"s", DataType::string()}, {"vc", DataType::string()},
      {"bin", DataType::binary()}, {"date", DataType::date()}, {"ts", DataType::timestamp()}})))
      << (*r)->schema()->to_string();
  auto b = (*r)->next();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, nullptr);
}

TEST(ParquetRoundTrip, TenThousandColumns) {
  std::vector<types::Field> fields;
  for (int i = 0; i < 10000; ++i) fields.push_back({"c" + std::to_string(i), i % 2 ? DataType::string() : DataType::bigint()});
  auto batch = RecordBatch::make_empty(DataType::structure(fields));
  for (int r = 0; r < 3; ++r) {
    for (int i = 0; i < 10000; ++i) {
      Column& c = batch->column(i);
      if (r == 1 && i % 3 == 0) c.append_null();
      else if (i % 2) c.append_string("v" + std::to_string(i * r));
      else c.append_int(i * 1000 + r);
    }
  }
  batch->set_num_rows(3);
  std::string path = temp_path("wide.parquet");
  ASSERT_TRUE(write_file(path, *batch).ok());
  auto json = read_json(path);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, types::to_json_lines(*batch));
}

TEST(ParquetRoundTrip, RowGroupsBatchesProjectionAndPruning) {
  TypePtr schema = DataType::structure({{"id", DataType::bigint()}, {"name", DataType::string()}});
  auto batch = RecordBatch::make_empty(schema);
  for (int64_t i = 0; i < 10000; ++i) {
    batch->column(0).append_int(i);
    batch->column(1).append_string("n" + std::to_string(i % 100));
  }
  batch->set_num_rows(10000);
  std::string path = temp_path("groups.parquet");
  ASSERT_TRUE(write_file(path, *batch, {{"rowGroupRows", "1000"}}).ok());

  ReadOptions ro;
  ro.batch_rows = 300;
  int batches = 0;
  auto json = read_json(path, ro, &batches);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, types::to_json_lines(*batch));
  EXPECT_EQ(batches, 10 * 4);  // 1000-row groups in 300-row batches

  // Only row groups that can hold id 4321..4400 are read.
  ReadOptions pr;
  pr.columns = {"id"};
  std::vector<std::map<std::string, ColumnStats>> seen;
  pr.prune = [&](const std::map<std::string, ColumnStats>& stats) {
    seen.push_back(stats);
    const ColumnStats& s = stats.at("id");
    return std::stoll(*s.max) >= 4321 && std::stoll(*s.min) <= 4400;
  };
  auto file = io::local_file_system().open_random_access(path);
  ASSERT_TRUE(file.ok());
  auto reader = ParquetReader::open(std::move(*file), pr);
  ASSERT_TRUE(reader.ok()) << reader.status();
  int64_t rows = 0;
  while (true) {
    auto b = (*reader)->next();
    ASSERT_TRUE(b.ok());
    if (!*b) break;
    ASSERT_EQ((*b)->num_columns(), 1);
    EXPECT_EQ((*b)->column(0).value<int64_t>(0), 4000);
    rows += (*b)->num_rows();
  }
  EXPECT_EQ(rows, 1000);
  EXPECT_EQ((*reader)->row_groups_pruned(), 9);
  ASSERT_EQ(seen.size(), 10u);
  EXPECT_EQ(*seen[0].at("name").min, "n0");
  EXPECT_EQ(*seen[0].at("name").max, "n99");
  EXPECT_EQ(*seen[0].at("id").null_count, 0);

  // blockSize bounds a row group's buffered bytes too.
  std::string small = temp_path("small_groups.parquet");
  ASSERT_TRUE(write_file(small, *batch, {{"blockSize", "20000"}, {"compression", "none"}}).ok());
  auto sf = io::local_file_system().open_random_access(small);
  ASSERT_TRUE(sf.ok());
  auto sr = ParquetReader::open(std::move(*sf), {});
  ASSERT_TRUE(sr.ok());
  EXPECT_GT((*sr)->metadata().row_groups.size(), 3u);
  EXPECT_EQ((*sr)->metadata().num_rows, 10000);
  EXPECT_EQ(*read_json(small), types::to_json_lines(*batch));

  ReadOptions missing;
  missing.columns = {"nope"};
  EXPECT_FALSE(parquet_format().open_reader(io::local_file_system(), path, missing).ok());
}

TEST(ParquetRoundTrip, CorruptFilesGiveLocatedErrors) {
  auto batch = primitives_batch(200);
  std::string path = temp_path("corrupt_src.parquet");
  ASSERT_TRUE(write_file(path, *batch).ok());
  std::string bytes;
  {
    auto f = io::local_file_system().open_random_access(path);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->read_at(0, (*f)->size(), &bytes).ok());
  }
  auto write_bytes = [&](const std::string& p, const std::string& b) {
    auto out = io::local_file_system().open_output(p);
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->write(b).ok());
    ASSERT_TRUE((*out)->close().ok());
  };
  std::string bad = temp_path("truncated.parquet");
  write_bytes(bad, bytes.substr(0, bytes.size() / 2));
  auto r = read_json(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(bad), std::string::npos) << r.status();
  EXPECT_NE(r.status().message().find("byte"), std::string::npos) << r.status();

  // Damage the first data page's bytes: decoding must fail (or produce
  // something), never crash; errors name the file.
  for (size_t pos = 4; pos < bytes.size() / 2; pos += 37) {
    std::string b = bytes;
    b[pos] = static_cast<char>(b[pos] ^ 0x5a);
    std::string p = temp_path("flipped.parquet");
    write_bytes(p, b);
    auto res = read_json(p);
    if (!res.ok()) {
      EXPECT_NE(res.status().message().find(p), std::string::npos) << res.status();
    }
  }
}

TEST(ParquetRoundTrip, WriterRejectsMismatchedBatches) {
  auto batch = primitives_batch(3);
  WriteOptions wo;
  auto w = parquet_format().open_writer(io::local_file_system(), temp_path("mismatch.parquet"),
                                        DataType::structure({{"x", DataType::int32()}}), wo);
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE((*w)->write(*batch).ok());
  wo.format_options["compression"] = "lzo";
  EXPECT_FALSE(parquet_format()
                   .open_writer(io::local_file_system(), temp_path("bad.parquet"), batch->schema(), wo)
                   .ok());
}

}  // namespace
}  // namespace mortar::formats::parquet
