// ORC writer -> reader round trips (every type with nulls, nesting, choice,
// every codec, zero rows, many stripes with pruning on the writer's
// statistics) and the RLE encoders against the decoders.
#include <gtest/gtest.h>

#include <random>

#include "formats/orc/orc_format.h"
#include "formats/orc/orc_reader.h"
#include "formats/orc/rle_decoders.h"
#include "formats/orc/rle_encoders.h"
#include "formats/testing_util.h"
#include "types/json_text.h"

namespace mortar::formats::orc {
namespace {

using formats::testing::read_all;
using formats::testing::TempDir;
using types::Column;
using types::DataType;
using types::RecordBatch;
using types::TypePtr;

Status write_file(const std::string& path, const RecordBatch& batch, Options opts = {}) {
  WriteOptions wo;
  wo.format_options = std::move(opts);
  MORTAR_ASSIGN_OR_RETURN(
      auto w, orc_format().open_writer(io::local_file_system(), path, batch.schema(), wo));
  MORTAR_RETURN_IF_ERROR(w->write(batch));
  return w->close();
}

std::string joined(const std::vector<std::string>& rows) {
  std::string out;
  for (const auto& r : rows) out += r + "\n";
  return out;
}

std::unique_ptr<RecordBatch> primitives(int64_t rows) {
  TypePtr schema = DataType::structure({{"b", DataType::boolean()},
                                        {"i8", DataType::tinyint()},
                                        {"i16", DataType::smallint()},
                                        {"i32", DataType::int32()},
                                        {"i64", DataType::bigint()},
                                        {"f", DataType::float32()},
                                        {"d", DataType::float64()},
                                        {"dec", DataType::decimal(38, 4)},
                                        {"s", DataType::string()},
                                        {"vc", DataType::varchar(10)},
                                        {"ch", DataType::chr(3)},
                                        {"bin", DataType::binary()},
                                        {"date", DataType::date()},
                                        {"ts", DataType::timestamp()}});
  auto batch = RecordBatch::make_empty(schema);
  for (int64_t r = 0; r < rows; ++r) {
    bool null = r % 3 == 2;
    auto add = [&](int c, auto fn) {
      if (null) {
        batch->column(c).append_null();
      } else {
        fn(batch->column(c));
      }
    };
    add(0, [&](Column& c) { c.append_bool(r % 2); });
    add(1, [&](Column& c) { c.append_int(r % 256 - 128); });
    add(2, [&](Column& c) { c.append_int(r * 311 % 65536 - 32768); });
    add(3, [&](Column& c) { c.append_int(r == 0 ? INT32_MIN : r * 7); });
    add(4,
        [&](Column& c) { c.append_int(r == 0 ? INT64_MIN : (r == 1 ? INT64_MAX : -r * 1000003)); });
    add(5, [&](Column& c) { c.append_double(r * 0.5f); });
    add(6, [&](Column& c) { c.append_double(r == 1 ? -1e300 : r / 3.0); });
    add(7, [&](Column& c) {
      types::int128 v = r == 0 ? -(static_cast<types::int128>(1) << 120)
                               : static_cast<types::int128>(r) * 12345 - 99999;
      c.append_decimal(v);
    });
    add(8, [&](Column& c) { c.append_string(r == 0 ? "" : "héllo " + std::to_string(r)); });
    add(9, [&](Column& c) { c.append_string("v" + std::to_string(r % 100)); });
    add(10, [&](Column& c) { c.append_string(r % 2 ? "ab " : "xyz"); });
    add(11, [&](Column& c) { c.append_string(std::string("\0\xff", 2) + std::to_string(r)); });
    add(12, [&](Column& c) { c.append_int(r - 20000); });
    // Pre-1970 values with fractions too (but not inside the second before
    // the epoch, which ORC's convention cannot tell from the one after).
    add(13, [&](Column& c) {
      c.append_timestamp(r * 1234567890123LL - 86400LL * 1000000 * 365 * 50 - 5);
    });
  }
  batch->set_num_rows(rows);
  return batch;
}

class OrcCodecTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OrcCodecTest, PrimitivesWithNullsRoundTrip) {
  TempDir dir;
  auto batch = primitives(2000);
  std::string path = dir.file("p.orc");
  Status s = write_file(path, *batch, {{"compression", GetParam()}});
  ASSERT_TRUE(s.ok()) << s;
  auto result = read_all(orc_format(), path);
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.schema->to_string(), batch->schema()->to_string());
  EXPECT_EQ(joined(result.rows), types::to_json_lines(*batch));
}

INSTANTIATE_TEST_SUITE_P(Codecs, OrcCodecTest,
                         ::testing::Values("none", "zlib", "snappy", "zstd", "lz4"));

TEST(OrcRoundTrip, NestedChoiceAndNullTypes) {
  TypePtr inner = DataType::structure(
      {{"a", DataType::int32()}, {"m", DataType::map(DataType::string(), DataType::float64())}});
  TypePtr schema =
      DataType::structure({{"items", DataType::array(inner)},
                           {"c", DataType::choice({DataType::bigint(), DataType::string()})},
                           {"n", DataType::null()}});
  auto batch = RecordBatch::make_empty(schema);
  Column& items = batch->column(0);
  Column& c = batch->column(1);
  // row 0: two structs, the second null; choice 42
  Column& st = items.child(0);
  st.child(0).append_int(1);
  st.child(1).child(0).append_string("k");
  st.child(1).child(1).append_double(2.5);
  st.child(1).child(0).append_string("z");
  st.child(1).child(1).append_null();
  st.child(1).append_list_length(2);
  st.append_struct_row();
  st.append_null();
  items.append_list_length(2);
  c.child(0).append_int(42);
  c.append_choice_row(0);
  batch->column(2).append_null();
  // row 1: null array, choice "x"; row 2: empty array, null choice
  items.append_null();
  c.child(1).append_string("x");
  c.append_choice_row(1);
  batch->column(2).append_null();
  items.append_list_length(0);
  c.append_null();
  batch->column(2).append_null();
  batch->set_num_rows(3);
  ASSERT_TRUE(batch->validate().ok());
  TempDir dir;
  std::string path = dir.file("n.orc");
  Status s = write_file(path, *batch, {{"compression", "zstd"}});
  ASSERT_TRUE(s.ok()) << s;
  auto result = read_all(orc_format(), path);
  ASSERT_TRUE(result.status.ok()) << result.status;
  // ORC has no null type: such columns are written as strings.
  EXPECT_EQ(
      result.schema->to_string(),
      "struct<items:array<struct<a:int,m:map<string,double>>>,c:choice<bigint,string>,n:string>");
  EXPECT_EQ(joined(result.rows), types::to_json_lines(*batch));
  EXPECT_EQ(result.rows[0], R"({"items":[{"a":1,"m":{"k":2.5,"z":null}},null],"c":42,"n":null})");
}

TEST(OrcRoundTrip, ZeroRowsKeepsTheSchema) {
  auto batch = primitives(0);
  TempDir dir;
  std::string path = dir.file("z.orc");
  ASSERT_TRUE(write_file(path, *batch).ok());
  auto result = read_all(orc_format(), path);
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.schema->to_string(), batch->schema()->to_string());
  EXPECT_TRUE(result.rows.empty());
}

TEST(OrcRoundTrip, ManyStripesPruneOnWrittenStatistics) {
  TypePtr schema = DataType::structure({{"id", DataType::bigint()}, {"s", DataType::string()}});
  TempDir dir;
  std::string path = dir.file("m.orc");
  WriteOptions wo;
  wo.format_options = {{"stripeSize", "100000"}, {"compression", "snappy"}};
  auto w = orc_format().open_writer(io::local_file_system(), path, schema, wo);
  ASSERT_TRUE(w.ok()) << w.status();
  for (int b = 0; b < 10; ++b) {  // 10 batches of 10k rows, ~100 KB each
    auto batch = RecordBatch::make_empty(schema);
    for (int64_t r = b * 10000; r < (b + 1) * 10000; ++r) {
      batch->column(0).append_int(r);
      batch->column(1).append_string("v" + std::to_string(r));
    }
    batch->set_num_rows(10000);
    ASSERT_TRUE((*w)->write(*batch).ok());
  }
  ASSERT_TRUE((*w)->close().ok());
  ReadOptions ro;
  ro.batch_rows = 4000;
  ro.columns = {"id"};
  // Keep only stripes that may hold id 42424.
  ro.prune = [](const std::map<std::string, ColumnStats>& stats) {
    auto it = stats.find("id");
    if (it == stats.end() || !it->second.min || !it->second.max) return true;
    return std::stoll(*it->second.min) <= 42424 && 42424 <= std::stoll(*it->second.max);
  };
  auto file = io::local_file_system().open_random_access(path);
  ASSERT_TRUE(file.ok());
  auto reader = OrcReader::open(std::move(*file), ro);
  ASSERT_TRUE(reader.ok()) << reader.status();
  size_t stripes = (*reader)->footer().stripes.size();
  EXPECT_GE(stripes, 8u);
  std::vector<int64_t> ids;
  while (true) {
    auto b = (*reader)->next();
    ASSERT_TRUE(b.ok()) << b.status();
    if (!*b) break;
    for (int64_t r = 0; r < (*b)->num_rows(); ++r) ids.push_back((*b)->column(0).value<int64_t>(r));
  }
  // Stripes hold disjoint id ranges: exactly one is read, whole.
  EXPECT_EQ((*reader)->stripes_pruned(), static_cast<int>(stripes) - 1);
  ASSERT_FALSE(ids.empty());
  EXPECT_LT(ids.size(), 20000u);
  EXPECT_LE(ids.front(), 42424);
  EXPECT_GE(ids.back(), 42424);
  for (size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i], ids.front() + static_cast<int64_t>(i));
}

// Plain timestamps are wall clock in the stripe footer's writer zone: a
// file written with zone UTC, its zone patched to CET (same length, no
// compression), reads July values one hour later (CEST is an hour ahead of
// CET, the zone's offset at ORC's 2015-01-01 epoch) and January ones as
// they were. A zone name that looks like a path is ignored (UTC).
TEST(OrcReader, WriterTimeZoneAppliesDaylightSaving) {
  TypePtr schema = DataType::structure({{"ts", DataType::timestamp()}});
  auto batch = RecordBatch::make_empty(schema);
  int64_t january = int64_t{1610000000} * 1000000;  // 2021-01-07 06:13:20
  int64_t july = int64_t{1626000000} * 1000000;     // 2021-07-11 10:40:00
  batch->column(0).append_timestamp(january);
  batch->column(0).append_timestamp(july);
  batch->set_num_rows(2);
  TempDir dir;
  std::string path = dir.file("tz.orc");
  ASSERT_TRUE(write_file(path, *batch, {{"compression", "none"}}).ok());
  std::string data = formats::testing::read_text(path);
  size_t at = data.find("UTC");
  ASSERT_NE(at, std::string::npos);
  auto read_with_zone = [&](const std::string& zone) {
    std::string patched = data;
    patched.replace(at, 3, zone);
    formats::testing::write_text(path, patched);
    auto result = read_all(orc_format(), path);
    EXPECT_TRUE(result.status.ok()) << result.status;
    return result.rows;
  };
  std::vector<std::string> utc = read_with_zone("UTC");
  ASSERT_EQ(utc.size(), 2u);
  EXPECT_EQ(utc[1], R"({"ts":"2021-07-11 10:40:00"})");
  std::vector<std::string> cet = read_with_zone("CET");
  ASSERT_EQ(cet.size(), 2u);
  EXPECT_EQ(cet[0], utc[0]);
  EXPECT_EQ(cet[1], R"({"ts":"2021-07-11 11:40:00"})");
  EXPECT_EQ(read_with_zone("/de"), utc);
}

// Strings that repeat get a sorted dictionary; mostly distinct ones stay direct.
TEST(OrcWriter, DictionaryForRepeatedStrings) {
  TypePtr schema = DataType::structure({{"rep", DataType::string()}, {"uniq", DataType::string()}});
  auto batch = RecordBatch::make_empty(schema);
  for (int r = 0; r < 1000; ++r) {
    if (r % 10 == 0) {
      batch->column(0).append_null();
    } else {
      batch->column(0).append_string("k" + std::to_string(r % 7));
    }
    batch->column(1).append_string("u" + std::to_string(r));
  }
  batch->set_num_rows(1000);
  TempDir dir;
  std::string path = dir.file("d.orc");
  ASSERT_TRUE(write_file(path, *batch, {{"compression", "none"}}).ok());
  auto result = read_all(orc_format(), path);
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(joined(result.rows), types::to_json_lines(*batch));
  auto file = io::local_file_system().open_random_access(path);
  ASSERT_TRUE(file.ok());
  auto reader = OrcReader::open(std::move(*file), {});
  ASSERT_TRUE(reader.ok());
  const StripeInformation& info = (*reader)->footer().stripes.at(0);
  std::string data = formats::testing::read_text(path);
  auto footer = parse_stripe_footer(
      std::string_view(data).substr(info.offset + info.index_length + info.data_length, info.footer_length));
  ASSERT_TRUE(footer.ok()) << footer.status();
  ASSERT_EQ(footer->columns.size(), 3u);
  EXPECT_EQ(footer->columns[1].kind, EncodingKind::kDictionaryV2);
  EXPECT_EQ(footer->columns[1].dictionary_size, 7u);
  EXPECT_EQ(footer->columns[2].kind, EncodingKind::kDirectV2);
}

TEST(OrcWriter, RejectsBadOptions) {
  TempDir dir;
  WriteOptions wo;
  wo.format_options["compression"] = "lzma";
  EXPECT_FALSE(
      orc_format()
          .open_writer(io::local_file_system(), dir.file("a.orc"), primitives(0)->schema(), wo)
          .ok());
  wo.format_options = {{"stripeSize", "-1"}};
  EXPECT_FALSE(
      orc_format()
          .open_writer(io::local_file_system(), dir.file("b.orc"), primitives(0)->schema(), wo)
          .ok());
}

// Encoder -> decoder on patterns that exercise every run kind.
TEST(RleEncoders, IntegerRleV2RoundTrips) {
  std::mt19937_64 rng(5);
  std::vector<std::vector<int64_t>> cases;
  cases.push_back({});
  cases.push_back({7});
  cases.push_back({INT64_MIN, INT64_MAX, 0, -1, 1});
  std::vector<int64_t> v;
  for (int i = 0; i < 3000; ++i) v.push_back(i % 700 < 600 ? i * 3 : 5);  // deltas and repeats
  cases.push_back(v);
  v.clear();
  for (int i = 0; i < 3000; ++i)
    v.push_back(static_cast<int64_t>(rng()) >> (i % 64));  // random widths
  cases.push_back(v);
  v.clear();
  for (int i = 0; i < 3000; ++i)
    v.push_back(i % 11 == 0 ? 1000000 : i % 4);  // short repeats, outliers
  cases.push_back(v);
  for (bool is_signed : {true, false}) {
    for (auto values : cases) {
      if (!is_signed) {
        for (auto& x : values) x = x == INT64_MIN ? 0 : std::abs(x);
      }
      std::string encoded;
      encode_int_rle_v2(values.data(), values.size(), is_signed, &encoded);
      std::vector<int64_t> decoded(values.size());
      auto d = make_int_decoder(encoded, is_signed, true);
      ASSERT_TRUE(d->next(decoded.data(), static_cast<int64_t>(decoded.size())).ok());
      EXPECT_EQ(decoded, values);
      int64_t extra;
      EXPECT_FALSE(d->next(&extra, 1).ok());  // nothing past the values
    }
  }
}

TEST(RleEncoders, ByteAndBooleanRleRoundTrip) {
  std::vector<uint8_t> v;
  for (int i = 0; i < 5000; ++i) v.push_back(i % 300 < 200 ? 9 : static_cast<uint8_t>(i * 7));
  std::string encoded;
  encode_byte_rle(v.data(), v.size(), &encoded);
  ByteRleDecoder d(encoded);
  std::vector<uint8_t> out(v.size());
  ASSERT_TRUE(d.next(out.data(), static_cast<int64_t>(out.size())).ok());
  EXPECT_EQ(out, v);
  std::vector<uint8_t> bits;
  for (int i = 0; i < 1001; ++i) bits.push_back(i % 13 < 9 ? 1 : 0);
  std::string eb;
  encode_boolean_rle(bits.data(), bits.size(), &eb);
  BooleanDecoder bd(eb);
  std::vector<uint8_t> bout(bits.size());
  ASSERT_TRUE(bd.next(bout.data(), static_cast<int64_t>(bout.size())).ok());
  EXPECT_EQ(bout, bits);
}

}  // namespace
}  // namespace mortar::formats::orc
