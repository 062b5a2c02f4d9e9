#include "types/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "types/json_text.h"

namespace mortar::types {
namespace {

TypePtr T(std::string_view s) { return DataType::parse(s).value(); }

void expect_round_trip(const TypePtr& type, const std::vector<Value>& values) {
  Column c(type);
  for (const Value& v : values) ASSERT_TRUE(append_value(c, v).ok()) << type->to_string() << " " << v.to_string();
  ASSERT_TRUE(c.validate().ok()) << c.validate();
  ASSERT_EQ(c.length(), static_cast<int64_t>(values.size()));
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(get_value(c, i), values[i]) << type->to_string() << " row " << i << ": "
                                           << get_value(c, i).to_string() << " vs " << values[i].to_string();
  }
  // Slices see the same values.
  if (values.size() > 2) {
    auto s = c.slice(1, static_cast<int64_t>(values.size()) - 2);
    for (size_t i = 1; i + 1 < values.size(); ++i) EXPECT_EQ(get_value(*s, i - 1), values[i]);
  }
}

TEST(ValueTest, ScalarsRoundTripThroughColumns) {
  using V = Value;
  expect_round_trip(DataType::boolean(), {V::boolean(true), V::null(), V::boolean(false)});
  expect_round_trip(DataType::tinyint(), {V::integer(-128), V::integer(127), V::null(), V::integer(0)});
  expect_round_trip(DataType::smallint(), {V::integer(-32768), V::integer(32767), V::null()});
  expect_round_trip(DataType::int32(), {V::integer(INT32_MIN), V::integer(INT32_MAX), V::null()});
  expect_round_trip(DataType::bigint(), {V::integer(INT64_MIN), V::null(), V::integer(INT64_MAX)});
  expect_round_trip(DataType::float32(), {V::real(1.5), V::real(-0.0), V::null(),
                                          V::real(std::numeric_limits<double>::infinity())});
  expect_round_trip(DataType::float64(), {V::real(0.1), V::real(std::nan("")), V::null(),
                                          V::real(-1e308), V::real(4.9e-324)});
  int128 max38 = 1;
  for (int i = 0; i < 38; ++i) max38 *= 10;
  max38 -= 1;
  expect_round_trip(DataType::decimal(38, 10), {V::decimal(max38, 10), V::decimal(-max38, 10), V::null(),
                                                V::decimal(5, 10)});
  expect_round_trip(DataType::string(), {V::string(""), V::string("héllo"), V::null(), V::string(std::string(1, '\0'))});
  expect_round_trip(DataType::varchar(5), {V::string("abc"), V::null(), V::string("")});
  expect_round_trip(DataType::binary(), {V::string(std::string("\x00\xff\x10", 3)), V::null(), V::string("")});
  expect_round_trip(DataType::date(), {V::date(0), V::date(-719162), V::null(), V::date(2932896)});
  expect_round_trip(DataType::timestamp(), {V::timestamp(0), V::timestamp(-1), V::null(), V::timestamp(INT64_MAX)});
  expect_round_trip(DataType::null(), {V::null(), V::null(), V::null()});
}

TEST(ValueTest, NestedRoundTrip) {
  using V = Value;
  expect_round_trip(T("array<struct<a:int,b:map<string,double>>>"),
                    {V::list({V::structure({V::integer(1), V::map({V::string("x")}, {V::real(2.5)})}),
                              V::null(), V::structure({V::null(), V::null()})}),
                     V::null(), V::list({}),
                     V::list({V::structure({V::integer(3), V::map({}, {})})})});
  expect_round_trip(T("map<int,array<string>>"),
                    {V::map({V::integer(1), V::integer(2)}, {V::list({V::string("a")}), V::null()}),
                     V::map({}, {}), V::null(), V::map({V::integer(9)}, {V::list({})})});
  expect_round_trip(T("struct<s:struct<t:array<array<bigint>>>>"),
                    {V::structure({V::structure({V::list({V::list({V::integer(1)}), V::list({})})})}),
                     V::null(), V::structure({V::null()}), V::structure({V::structure({V::null()})})});
}

TEST(ValueTest, ChoicePicksTheAlternativeThatFits) {
  using V = Value;
  TypePtr t = DataType::choice({DataType::bigint(), DataType::string(), T("struct<a:int>")});
  expect_round_trip(t, {V::integer(1), V::string("x"), V::null(), V::structure({V::integer(2)}), V::integer(3)});
  Column c(t);
  ASSERT_TRUE(append_value(c, V::string("s")).ok());
  EXPECT_EQ(c.type_ids()[0], 1);
  EXPECT_FALSE(append_value(c, V::real(1.5)).ok());
  EXPECT_EQ(c.length(), 1);
}

TEST(ValueTest, ConversionsAndMismatches) {
  using V = Value;
  Column d(DataType::float64());
  ASSERT_TRUE(append_value(d, V::integer(3)).ok());
  EXPECT_EQ(get_value(d, 0), V::real(3.0));
  Column dec(DataType::decimal(6, 2));
  ASSERT_TRUE(append_value(dec, V::integer(12)).ok());
  ASSERT_TRUE(append_value(dec, V::decimal(15, 1)).ok());
  EXPECT_EQ(dec.value<int128>(0), 1200);
  EXPECT_EQ(dec.value<int128>(1), 150);
  EXPECT_FALSE(append_value(dec, V::decimal(1234567, 0)).ok());  // too many digits
  EXPECT_FALSE(append_value(dec, V::decimal(1, 3)).ok());        // would lose a digit
  Column ti(DataType::tinyint());
  EXPECT_FALSE(append_value(ti, V::integer(200)).ok());
  EXPECT_FALSE(append_value(ti, V::string("1")).ok());
  EXPECT_EQ(ti.length(), 0);
  Column ts(DataType::timestamp());
  ASSERT_TRUE(append_value(ts, V::date(1)).ok());
  EXPECT_EQ(ts.value<int64_t>(0), 86400000000LL);
}

TEST(ValueTest, FailedNestedAppendLeavesColumnUnchanged) {
  using V = Value;
  Column c(T("array<struct<a:int,b:string>>"));
  ASSERT_TRUE(append_value(c, V::list({V::structure({V::integer(1), V::string("ok")})})).ok());
  // Second element's b is not a string: the whole row is rolled back.
  Status s = append_value(c, V::list({V::structure({V::integer(2), V::string("x")}),
                                      V::structure({V::integer(3), V::integer(4)})}));
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(c.length(), 1);
  EXPECT_EQ(c.child(0).length(), 1);
  EXPECT_EQ(c.child(0).child(0).length(), 1);
  EXPECT_EQ(c.child(0).child(1).length(), 1);
  EXPECT_TRUE(c.validate().ok());
}

TEST(ValueTest, AppendRowIsAllOrNothing) {
  using V = Value;
  auto batch = RecordBatch::make_empty(T("struct<id:bigint,name:string,score:double>"));
  ASSERT_TRUE(append_row(*batch, {V::integer(1), V::string("a"), V::real(0.5)}).ok());
  Status s = append_row(*batch, {V::integer(2), V::string("b"), V::string("bad")});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("score"), std::string::npos) << s;
  EXPECT_EQ(batch->num_rows(), 1);
  EXPECT_TRUE(batch->validate().ok()) << batch->validate();
  EXPECT_FALSE(append_row(*batch, {V::integer(1)}).ok());
  auto rows = batch_rows(*batch);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][1], V::string("a"));
}

TEST(JsonTextTest, JsonLinesForEveryType) {
  using V = Value;
  auto batch = RecordBatch::make_empty(
      T("struct<b:boolean,i:int,f:float,d:double,dec:decimal(5,2),s:string,bin:binary,dt:date,"
        "ts:timestamp,a:array<int>,m:map<int,string>,st:struct<`x y`:string>,c:choice<int,string>>"));
  ASSERT_TRUE(append_row(*batch, {V::boolean(true), V::integer(-5), V::real(0.1), V::real(1.0),
                                  V::decimal(-5, 2), V::string("q\"\\\n\x01é"),
                                  V::string("\x01\x02\x03\xff"), V::date(18263),
                                  V::timestamp(1577934245123456LL), V::list({V::integer(1), V::null()}),
                                  V::map({V::integer(7)}, {V::string("seven")}),
                                  V::structure({V::string("v")}), V::string("alt")})
                  .ok());
  ASSERT_TRUE(append_row(*batch, std::vector<Value>(13)).ok());
  ASSERT_TRUE(append_row(*batch, {V::null(), V::null(), V::real(std::nan("")),
                                  V::real(-std::numeric_limits<double>::infinity()), V::decimal(12345, 2),
                                  V::string("bad \xff utf8"), V::string(""), V::date(-1),
                                  V::timestamp(-1), V::list({}), V::map({}, {}), V::null(), V::integer(3)})
                  .ok());
  std::string out = to_json_lines(*batch);
  EXPECT_EQ(out,
            R"({"b":true,"i":-5,"f":0.1,"d":1.0,"dec":"-0.05","s":"q\"\\\n\u0001é","bin":"AQID/w==",)"
            R"("dt":"2020-01-02","ts":"2020-01-02 03:04:05.123456","a":[1,null],"m":{"7":"seven"},)"
            R"("st":{"x y":"v"},"c":"alt"})"
            "\n"
            R"({"b":null,"i":null,"f":null,"d":null,"dec":null,"s":null,"bin":null,"dt":null,"ts":null,)"
            R"("a":null,"m":null,"st":null,"c":null})"
            "\n"
            R"({"b":null,"i":null,"f":"NaN","d":"-Infinity","dec":"123.45","s":"bad )" "\xEF\xBF\xBD" R"( utf8",)"
            R"("bin":"","dt":"1969-12-31","ts":"1969-12-31 23:59:59.999999","a":[],"m":{},"st":null,"c":3})"
            "\n");
}

}  // namespace
}  // namespace mortar::types
