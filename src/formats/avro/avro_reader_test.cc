// Avro reader: the schema mapping of hand-built container files (enums,
// fixed, unions, logical types) and corrupt or truncated input, which must
// give located errors and never crash.
#include <gtest/gtest.h>

#include "formats/avro/avro_format.h"
#include "formats/testing_util.h"

namespace mortar::formats::avro {
namespace {

using formats::testing::read_all;
using formats::testing::TempDir;
using formats::testing::write_text;

void put_zlong(std::string& out, int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out.push_back(static_cast<char>((z & 0x7F) | 0x80));
    z >>= 7;
  }
  out.push_back(static_cast<char>(z));
}
void put_bytes(std::string& out, std::string_view b) {
  put_zlong(out, static_cast<int64_t>(b.size()));
  out.append(b);
}

const std::string kSyncMarker = "0123456789abcdef";

std::string header(const std::string& schema) {
  std::string f("Obj\x01", 4);
  put_zlong(f, 1);
  put_bytes(f, "avro.schema");
  put_bytes(f, schema);
  put_zlong(f, 0);
  return f + kSyncMarker;
}

// A null-codec container file with one block.
std::string container(const std::string& schema, int64_t count, const std::string& data) {
  std::string f = header(schema);
  put_zlong(f, count);
  put_zlong(f, static_cast<int64_t>(data.size()));
  f += data + kSyncMarker;
  return f;
}

formats::testing::ReadResult read_bytes(const std::string& bytes) {
  TempDir dir;
  std::string path = dir.file("t.avro");
  write_text(path, bytes);
  return read_all(avro_format(), path);
}

TEST(AvroReader, MapsEnumsFixedUnionsAndLogicalTypes) {
  std::string schema = R"({"type":"record","name":"R","namespace":"ns","fields":[
    {"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},
    {"name":"fx","type":{"type":"fixed","name":"F2","size":2}},
    {"name":"again","type":"F2"},
    {"name":"opt","type":["null","int"]},
    {"name":"any","type":["string","long","null"]},
    {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
    {"name":"fdec","type":{"type":"fixed","name":"D4","size":4,"logicalType":"decimal","precision":8,"scale":1}},
    {"name":"day","type":{"type":"int","logicalType":"date"}},
    {"name":"tms","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"tus","type":{"type":"long","logicalType":"timestamp-micros"}},
    {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
    {"name":"id","type":{"type":"string","logicalType":"uuid"}},
    {"name":"m","type":{"type":"map","values":"boolean"}}]})";
  std::string d;
  put_zlong(d, 1);                                   // GREEN
  d += "ab";                                        // fx
  d += "cd";                                        // again
  put_zlong(d, 1); put_zlong(d, -5);                  // opt = -5
  put_zlong(d, 1); put_zlong(d, 99);                  // any = long 99
  put_bytes(d, std::string("\xff\x85", 2));         // dec = -123 -> -1.23
  d += std::string("\x00\x00\x01\x00", 4);          // fdec = 256 -> 25.6
  put_zlong(d, 1);                                   // 1970-01-02
  put_zlong(d, 1500);                                // 1.5 s
  put_zlong(d, 2000001);                             // 2.000001 s
  put_zlong(d, 1000);                                // time-millis as bigint
  put_bytes(d, "123e4567-e89b-12d3-a456-426614174000");
  put_zlong(d, -1); put_zlong(d, 2); put_bytes(d, "t"); d.push_back(1);  // negative block count form
  put_zlong(d, 0);
  // Second row: opt null, any string.
  std::string d2;
  put_zlong(d2, 0); d2 += "xy"; d2 += "zw"; put_zlong(d2, 0); put_zlong(d2, 0); put_bytes(d2, "s");
  put_bytes(d2, ""); d2 += std::string(4, '\xff'); put_zlong(d2, -1); put_zlong(d2, -1); put_zlong(d2, -1);
  put_zlong(d2, 0); put_bytes(d2, ""); put_zlong(d2, 0);
  auto result = read_bytes(container(schema, 2, d + d2));
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.schema->to_string(),
            "struct<color:string,fx:binary,again:binary,opt:int,any:choice<string,bigint>,"
            "dec:decimal(9,2),fdec:decimal(8,1),day:date,tms:timestamp,tus:timestamp,tm:int,"
            "id:string,m:map<string,boolean>>");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.rows[0],
            R"({"color":"GREEN","fx":"YWI=","again":"Y2Q=","opt":-5,"any":99,"dec":"-1.23",)"
            R"("fdec":"25.6","day":"1970-01-02","tms":"1970-01-01 00:00:01.500000",)"
            R"("tus":"1970-01-01 00:00:02.000001","tm":1000,"id":"123e4567-e89b-12d3-a456-426614174000",)"
            R"("m":{"t":true}})");
  EXPECT_EQ(result.rows[1],
            R"({"color":"RED","fx":"eHk=","again":"enc=","opt":null,"any":"s","dec":"0.00",)"
            R"("fdec":"-0.1","day":"1969-12-31","tms":"1969-12-31 23:59:59.999000",)"
            R"("tus":"1969-12-31 23:59:59.999999","tm":0,"id":"","m":{}})");
}

TEST(AvroReader, NonRecordSchemaIsOneValueColumn) {
  std::string d;
  put_zlong(d, 7);
  put_zlong(d, -8);
  auto result = read_bytes(container(R"("long")", 2, d));
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.schema->to_string(), "struct<value:bigint>");
  EXPECT_EQ(result.rows, (std::vector<std::string>{R"({"value":7})", R"({"value":-8})"}));
}

TEST(AvroReader, BadSchemasAreErrors) {
  for (const char* schema : {
           R"({"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]}]})",
           R"({"type":"record","name":"R","fields":[{"name":"x","type":"Unknown"}]})",
           R"([["int"]])", "not json", R"({"type":"fixed","name":"F","size":-1})",
           R"({"type":"record","name":7,"fields":[]})",
           R"({"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":[1]}}]})"}) {
    auto result = read_bytes(container(schema, 0, ""));
    EXPECT_FALSE(result.status.ok()) << schema;
  }
}

TEST(AvroReader, CorruptInputGivesLocatedErrors) {
  std::string schema = R"({"type":"record","name":"R","fields":[{"name":"s","type":"string"}]})";
  std::string d;
  put_bytes(d, "hello");
  std::string good = container(schema, 1, d);
  ASSERT_TRUE(read_bytes(good).status.ok());

  auto bad_sync = good;
  bad_sync[bad_sync.size() - 1] ^= 1;
  auto r = read_bytes(bad_sync);
  ASSERT_FALSE(r.status.ok());
  std::string msg(status_message(r.status));
  EXPECT_NE(msg.find("sync marker"), std::string::npos) << msg;
  EXPECT_NE(msg.find("t.avro: byte "), std::string::npos) << msg;

  EXPECT_FALSE(read_bytes("PAR1xxxxxxxx").status.ok());
  // A string length far past the block.
  std::string huge;
  put_zlong(huge, int64_t{1} << 60);
  r = read_bytes(container(schema, 1, huge));
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(std::string(status_message(r.status)).find("exceeds"), std::string::npos);
  // A record count the block cannot hold.
  EXPECT_FALSE(read_bytes(container(schema, int64_t{1} << 50, d)).status.ok());
}

TEST(AvroReader, EveryTruncationAndByteFlipIsHandled) {
  std::string schema = R"({"type":"record","name":"R","fields":[
      {"name":"a","type":{"type":"array","items":["null","double"]}},
      {"name":"m","type":{"type":"map","values":"string"}},
      {"name":"u","type":["null","string","long"]}]})";
  std::string d;
  for (int i = 0; i < 3; ++i) {
    put_zlong(d, 2); put_zlong(d, 1); d += std::string(8, '\x01'); put_zlong(d, 0); put_zlong(d, 0);
    put_zlong(d, 1); put_bytes(d, "k"); put_bytes(d, "v"); put_zlong(d, 0);
    put_zlong(d, 2); put_zlong(d, 123456);
  }
  std::string good = container(schema, 3, d);
  auto full = read_bytes(good);
  ASSERT_TRUE(full.status.ok()) << full.status;
  ASSERT_EQ(full.rows.size(), 3u);
  // Cut anywhere but right after the header (a valid file without blocks).
  size_t header_size = header(schema).size();
  for (size_t n = 0; n < good.size(); ++n) {
    auto r = read_bytes(good.substr(0, n));
    if (n == header_size) {
      EXPECT_TRUE(r.status.ok() && r.rows.empty());
    } else {
      EXPECT_FALSE(r.status.ok()) << "truncated at " << n;
    }
  }
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit : {0, 3, 7}) {
      std::string bad = good;
      bad[i] ^= static_cast<char>(1 << bit);
      auto r = read_bytes(bad);  // must not crash; either outcome is fine
      if (r.status.ok()) {
        EXPECT_LE(r.rows.size(), 3u);
      }
    }
  }
}

}  // namespace
}  // namespace mortar::formats::avro
