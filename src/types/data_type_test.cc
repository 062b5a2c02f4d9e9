#include "types/data_type.h"

#include <gtest/gtest.h>

namespace mortar::types {
namespace {

TEST(DataTypeTest, PrintsHiveTypeStrings) {
  EXPECT_EQ(DataType::bigint()->to_string(), "bigint");
  EXPECT_EQ(DataType::decimal(10, 2)->to_string(), "decimal(10,2)");
  EXPECT_EQ(DataType::varchar(20)->to_string(), "varchar(20)");
  EXPECT_EQ(DataType::chr(3)->to_string(), "char(3)");
  auto t = DataType::array(DataType::structure(
      {{"a", DataType::int32()},
       {"b", DataType::map(DataType::string(), DataType::float64())}}));
  EXPECT_EQ(t->to_string(), "array<struct<a:int,b:map<string,double>>>");
  EXPECT_EQ(DataType::choice({DataType::int32(), DataType::string()})->to_string(),
            "choice<int,string>");
}

TEST(DataTypeTest, QuotesFieldNamesThatNeedIt) {
  auto t = DataType::structure({{"first name", DataType::string()}, {"a`b", DataType::int32()}});
  EXPECT_EQ(t->to_string(), "struct<`first name`:string,`a``b`:int>");
}

TEST(DataTypeTest, EqualityIsStructural) {
  auto a = DataType::map(DataType::string(), DataType::decimal(5, 1));
  auto b = DataType::map(DataType::string(), DataType::decimal(5, 1));
  auto c = DataType::map(DataType::string(), DataType::decimal(5, 2));
  EXPECT_TRUE(a->equals(*b));
  EXPECT_FALSE(a->equals(*c));
  EXPECT_FALSE(DataType::varchar(3)->equals(*DataType::chr(3)));
  auto s1 = DataType::structure({{"a", DataType::int32()}});
  auto s2 = DataType::structure({{"A", DataType::int32()}});
  EXPECT_FALSE(s1->equals(*s2));
}

TEST(DataTypeTest, FieldIndex) {
  auto t = DataType::structure({{"a", DataType::int32()}, {"b", DataType::string()}});
  EXPECT_EQ(t->field_index("b"), 1);
  EXPECT_EQ(t->field_index("B"), -1);
  EXPECT_EQ(t->field_index("zz"), -1);
}

TEST(DataTypeTest, ParsesBasicStrings) {
  auto t = DataType::parse("array<struct<a:int,b:map<string,double>>>");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->to_string(), "array<struct<a:int,b:map<string,double>>>");
  EXPECT_EQ((*t)->element()->fields()[1].type->value()->kind(), TypeKind::kDouble);
  auto d = DataType::parse("decimal");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)->precision(), 10);
  EXPECT_EQ((*d)->scale(), 0);
  EXPECT_EQ(DataType::parse(" BIGINT ").value()->kind(), TypeKind::kBigInt);
}

TEST(DataTypeTest, RejectsMalformedStringsWithOffsets) {
  auto r = DataType::parse("array<int");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("offset 9"), std::string::npos) << r.status();
  EXPECT_FALSE(DataType::parse("map<string>").ok());
  EXPECT_FALSE(DataType::parse("decimal(40,2)").ok());
  EXPECT_FALSE(DataType::parse("struct<:int>").ok());
  EXPECT_FALSE(DataType::parse("").ok());
  EXPECT_FALSE(DataType::parse("int int").ok());
}

}  // namespace
}  // namespace mortar::types
