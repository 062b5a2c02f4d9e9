// The reader end to end over a small file pyarrow wrote (uncompressed, one
// stripe: a bigint column [1, 2, null] and a string column ["x", null, "zz"]),
// and over every truncation and many corruptions of it.
#include "formats/orc/orc_reader.h"

#include <gtest/gtest.h>

#include "formats/format.h"
#include "io/memory_file.h"

namespace mortar::formats::orc {
namespace {

std::string unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

const std::string kSmall = unhex(
    "4f52430a061204080350000a150a050000000000120c0802120608021004180650010a190a06000000000000120f08"
    "0222090a017812027a7a18065001ffc0460124ffa0420160787a7a0a060806100018080a060806100118170a060806"
    "1002181b0a060800100118020a060801100118030a060800100218020a060802100218030a06080110021803120408"
    "0010001204080210001204080210001a03474d540a250a04080350000a0c0802120608021004180650010a0f080222"
    "090a017812027a7a180650010803109e011a0a0803103a180d205728032212080c120201021a01611a017320002800"
    "3000220808042000280030002208080720002800300030033a04080350003a0c0802120608021004180650013a0f08"
    "0222090a017812027a7a1806500140904e48016205322e322e32086c1000188080042202000c2827300682f403034f"
    "524317");

StatusOr<std::unique_ptr<OrcReader>> open_bytes(const std::string& data, ReadOptions options = {}) {
  return OrcReader::open(std::make_unique<io::MemoryRandomAccessFile>(data, "small.orc"), options);
}

TEST(OrcReaderTest, ReadsPyarrowFile) {
  auto r = open_bytes(kSmall);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)->schema()->to_string(), "struct<a:bigint,s:string>");
  auto batch = (*r)->next();
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_NE(*batch, nullptr);
  ASSERT_TRUE((*batch)->validate().ok());
  ASSERT_EQ((*batch)->num_rows(), 3);
  const types::Column& a = (*batch)->column(0);
  const types::Column& s = (*batch)->column(1);
  EXPECT_EQ(a.value<int64_t>(0), 1);
  EXPECT_EQ(a.value<int64_t>(1), 2);
  EXPECT_TRUE(a.is_null(2));
  EXPECT_EQ(s.string_at(0), "x");
  EXPECT_TRUE(s.is_null(1));
  EXPECT_EQ(s.string_at(2), "zz");
  auto end = (*r)->next();
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, nullptr);
}

TEST(OrcReaderTest, ProjectionAndSmallBatches) {
  ReadOptions options;
  options.columns = {"S"};  // case-insensitive fallback, as Parquet
  options.batch_rows = 2;
  auto r = open_bytes(kSmall, options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)->schema()->to_string(), "struct<s:string>");
  auto b1 = (*r)->next();
  ASSERT_TRUE(b1.ok() && *b1);
  EXPECT_EQ((*b1)->num_rows(), 2);
  auto b2 = (*r)->next();
  ASSERT_TRUE(b2.ok() && *b2);
  EXPECT_EQ((*b2)->num_rows(), 1);
  EXPECT_EQ((*b2)->column(0).string_at(0), "zz");
  options.columns = {"nope"};
  auto missing = open_bytes(kSmall, options);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST(OrcReaderTest, PruningSkipsStripes) {
  ReadOptions options;
  std::map<std::string, ColumnStats> seen;
  options.prune = [&](const std::map<std::string, ColumnStats>& stats) {
    seen = stats;
    return false;
  };
  auto r = open_bytes(kSmall, options);
  ASSERT_TRUE(r.ok()) << r.status();
  auto b = (*r)->next();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, nullptr);
  EXPECT_EQ((*r)->stripes_pruned(), 1);
  EXPECT_EQ(seen["a"].min, "1");
  EXPECT_EQ(seen["a"].max, "2");
  EXPECT_EQ(seen["a"].null_count, 1);
  EXPECT_EQ(seen["s"].min, "x");
  EXPECT_EQ(seen["s"].max, "zz");
}

TEST(OrcReaderTest, NotOrcAndTruncatedFilesAreErrorsNamingTheFile) {
  auto r = open_bytes("PAR1 not orc at all");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(status_message(r.status())).find("small.orc"), std::string::npos);
  for (size_t n = 0; n < kSmall.size(); ++n) {
    auto t = open_bytes(kSmall.substr(0, n));
    if (!t.ok()) {
      EXPECT_NE(std::string(status_message(t.status())).find("small.orc"), std::string::npos) << n;
      continue;
    }
    while (true) {  // a truncation that still opens must read or fail, not crash
      auto b = (*t)->next();
      if (!b.ok() || !*b) break;
      EXPECT_TRUE((*b)->validate().ok());
    }
  }
}

TEST(OrcReaderTest, FlippedBytesNeverCrash) {
  for (size_t i = 0; i < kSmall.size(); ++i) {
    for (int bit : {0, 3, 7}) {
      std::string data = kSmall;
      data[i] = static_cast<char>(data[i] ^ (1 << bit));
      auto r = open_bytes(data);
      if (!r.ok()) continue;
      for (int k = 0; k < 10; ++k) {
        auto b = (*r)->next();
        if (!b.ok() || !*b) break;
        ASSERT_TRUE((*b)->validate().ok()) << i;
      }
    }
  }
}

TEST(OrcFormatTest, RegisteredBetweenAvroAndParquet) {
  auto f = format_by_name("orc");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->sniff(kSmall.substr(0, 16)), 1.0);
  EXPECT_EQ((*f)->sniff("PAR1"), 0.0);
  EXPECT_EQ(format_for_path("x/y.orc"), *f);
  std::vector<std::string> names;
  for (const Format* g : all_formats()) names.push_back(g->name());
  auto at = [&](const std::string& n) {
    return std::find(names.begin(), names.end(), n) - names.begin();
  };
  EXPECT_LT(at("avro"), at("orc"));
  EXPECT_LT(at("orc"), at("parquet"));
}

}  // namespace
}  // namespace mortar::formats::orc
