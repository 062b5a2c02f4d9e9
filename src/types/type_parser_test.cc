// DataType::parse: every type, nesting, aliases, quoting, round trips, errors.
#include <gtest/gtest.h>

#include <random>

#include "types/data_type.h"

namespace mortar::types {
namespace {

TypePtr parse_ok(std::string_view s) {
  auto t = DataType::parse(s);
  EXPECT_TRUE(t.ok()) << s << ": " << t.status();
  return t.ok() ? *t : DataType::null();
}

std::string error_of(std::string_view s) {
  auto t = DataType::parse(s);
  EXPECT_FALSE(t.ok()) << s << " parsed as " << (t.ok() ? (*t)->to_string() : "");
  if (t.ok()) return "";
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(t.status().message());
}

TEST(TypeParserTest, EveryPrimitive) {
  const std::pair<const char*, TypeKind> cases[] = {
      {"boolean", TypeKind::kBoolean}, {"tinyint", TypeKind::kTinyInt},
      {"smallint", TypeKind::kSmallInt}, {"int", TypeKind::kInt},
      {"bigint", TypeKind::kBigInt},   {"float", TypeKind::kFloat},
      {"double", TypeKind::kDouble},   {"string", TypeKind::kString},
      {"binary", TypeKind::kBinary},   {"date", TypeKind::kDate},
      {"timestamp", TypeKind::kTimestamp}, {"null", TypeKind::kNull},
  };
  for (auto [text, kind] : cases) {
    TypePtr t = parse_ok(text);
    EXPECT_EQ(t->kind(), kind) << text;
    EXPECT_EQ(t->to_string(), text);
  }
}

TEST(TypeParserTest, ParameterisedTypes) {
  TypePtr d = parse_ok("decimal(38, 10)");
  EXPECT_EQ(d->precision(), 38);
  EXPECT_EQ(d->scale(), 10);
  EXPECT_EQ(d->to_string(), "decimal(38,10)");
  EXPECT_EQ(parse_ok("decimal")->to_string(), "decimal(10,0)");  // Hive's default
  EXPECT_EQ(parse_ok("decimal(7)")->to_string(), "decimal(7,0)");
  EXPECT_EQ(parse_ok("decimal(1,1)")->to_string(), "decimal(1,1)");
  EXPECT_EQ(parse_ok("varchar(65535)")->length(), 65535);
  EXPECT_EQ(parse_ok("char(1)")->to_string(), "char(1)");
  EXPECT_EQ(parse_ok("VARCHAR( 20 )")->to_string(), "varchar(20)");
}

TEST(TypeParserTest, CaseInsensitiveKeywordsAndAliases) {
  EXPECT_EQ(parse_ok("BIGINT")->kind(), TypeKind::kBigInt);
  EXPECT_EQ(parse_ok("Integer")->to_string(), "int");
  EXPECT_EQ(parse_ok("ARRAY<STRING>")->to_string(), "array<string>");
  EXPECT_EQ(parse_ok("Map<String,Int>")->to_string(), "map<string,int>");
  EXPECT_EQ(parse_ok("numeric(5,2)")->to_string(), "decimal(5,2)");
  EXPECT_EQ(parse_ok("dec(5,2)")->to_string(), "decimal(5,2)");
  EXPECT_EQ(parse_ok("void")->kind(), TypeKind::kNull);
  EXPECT_EQ(parse_ok("double precision")->kind(), TypeKind::kDouble);
  EXPECT_EQ(parse_ok("timestamp_ntz")->kind(), TypeKind::kTimestamp);
  EXPECT_EQ(parse_ok("uniontype<int,string>")->to_string(), "choice<int,string>");
  // Field names keep their case.
  EXPECT_EQ(parse_ok("STRUCT<UserId:BIGINT>")->to_string(), "struct<UserId:bigint>");
  // "long" is not a Hive/Glue type.
  error_of("long");
}

TEST(TypeParserTest, DeepNesting) {
  const char* s = "array<struct<a:int,b:map<string,double>>>";
  TypePtr t = parse_ok(s);
  EXPECT_EQ(t->to_string(), s);
  ASSERT_EQ(t->kind(), TypeKind::kArray);
  const DataType& st = *t->element();
  ASSERT_EQ(st.kind(), TypeKind::kStruct);
  EXPECT_EQ(st.fields()[0].name, "a");
  EXPECT_EQ(st.fields()[1].type->key()->kind(), TypeKind::kString);
  EXPECT_EQ(st.fields()[1].type->value()->kind(), TypeKind::kDouble);

  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "array<";
  deep += "map<int,struct<x:decimal(20,4),y:array<varchar(3)>>>";
  for (int i = 0; i < 40; ++i) deep += ">";
  EXPECT_EQ(parse_ok(deep)->to_string(), deep);
  EXPECT_EQ(parse_ok(" struct < a : int , b : array < string > > ")->to_string(),
            "struct<a:int,b:array<string>>");
  EXPECT_EQ(parse_ok("struct<>")->fields().size(), 0u);
}

TEST(TypeParserTest, FieldNamesWithSpacesAndBackQuotes) {
  TypePtr t = parse_ok("struct<`first name`:string,`a``b`:int,`x:y`:int,`ünï`:date>");
  ASSERT_EQ(t->fields().size(), 4u);
  EXPECT_EQ(t->fields()[0].name, "first name");
  EXPECT_EQ(t->fields()[1].name, "a`b");
  EXPECT_EQ(t->fields()[2].name, "x:y");
  EXPECT_EQ(t->fields()[3].name, "ünï");
  EXPECT_TRUE(parse_ok(t->to_string())->equals(*t));
  // Spark prints names bare: a bare name may hold spaces and other characters.
  TypePtr bare = parse_ok("struct<first name:string,col.with.dots:int,$x-y:int>");
  EXPECT_EQ(bare->fields()[0].name, "first name");
  EXPECT_EQ(bare->fields()[1].name, "col.with.dots");
  EXPECT_EQ(bare->fields()[2].name, "$x-y");
  EXPECT_TRUE(parse_ok(bare->to_string())->equals(*bare));
}

TEST(TypeParserTest, ErrorsNameTheOffset) {
  std::string e = error_of("array<int");
  EXPECT_NE(e.find("offset 9"), std::string::npos) << e;
  EXPECT_NE(e.find("'>'"), std::string::npos) << e;
  e = error_of("map<string>");
  EXPECT_NE(e.find("offset 10"), std::string::npos) << e;
  EXPECT_NE(e.find("','"), std::string::npos) << e;
  e = error_of("decimal(40,2)");
  EXPECT_NE(e.find("offset 8"), std::string::npos) << e;
  EXPECT_NE(e.find("38"), std::string::npos) << e;
  e = error_of("struct<:int>");
  EXPECT_NE(e.find("offset 7"), std::string::npos) << e;
  EXPECT_NE(e.find("field name"), std::string::npos) << e;
  e = error_of("strin");
  EXPECT_NE(e.find("unknown type 'strin'"), std::string::npos) << e;
  error_of("decimal(5,6)");      // scale > precision
  error_of("decimal(0)");
  error_of("decimal(10,)");
  error_of("decimal(99999999999)");
  error_of("varchar");           // needs a length
  error_of("varchar(0)");
  error_of("varchar(65536)");
  error_of("char(256)");
  error_of("array<>");
  error_of("array<int,int>");
  error_of("map<int,int,int>");
  error_of("struct<a int>");
  error_of("struct<a:int,>");
  error_of("struct<`a:int>");    // unterminated quote
  error_of("choice<>");
  error_of("int>");
  error_of("");
  error_of("   ");
  error_of("<int>");
}

TEST(TypeParserTest, NestingDepthIsBounded) {
  std::string s;
  for (int i = 0; i < 100000; ++i) s += "array<";
  std::string e = error_of(s);
  EXPECT_NE(e.find("nested too deeply"), std::string::npos);
}

// Random types print and parse back to themselves.
TypePtr random_type(std::mt19937& rng, int depth) {
  int pick = static_cast<int>(rng() % (depth > 3 ? 15 : 20));
  switch (pick) {
    case 0: return DataType::boolean();
    case 1: return DataType::tinyint();
    case 2: return DataType::smallint();
    case 3: return DataType::int32();
    case 4: return DataType::bigint();
    case 5: return DataType::float32();
    case 6: return DataType::float64();
    case 7: {
      int p = 1 + static_cast<int>(rng() % 38);
      return DataType::decimal(p, static_cast<int>(rng() % (p + 1)));
    }
    case 8: return DataType::string();
    case 9: return DataType::varchar(1 + static_cast<int>(rng() % 65535));
    case 10: return DataType::chr(1 + static_cast<int>(rng() % 255));
    case 11: return DataType::binary();
    case 12: return DataType::date();
    case 13: return DataType::timestamp();
    case 14: return DataType::null();
    case 15: return DataType::array(random_type(rng, depth + 1));
    case 16: return DataType::map(random_type(rng, depth + 1), random_type(rng, depth + 1));
    case 17:
    case 18: {
      static const char* kNames[] = {"a", "B_c", "with space", "x`y", "", "δ", "1st", "a:b", "c,d"};
      std::vector<Field> fields;
      int n = static_cast<int>(rng() % 4);
      for (int i = 0; i < n; ++i) {
        std::string name = kNames[rng() % 9];
        if (name.empty()) name = "f" + std::to_string(i);
        fields.push_back({name, random_type(rng, depth + 1)});
      }
      return DataType::structure(std::move(fields));
    }
    default: {
      std::vector<TypePtr> alts;
      int n = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < n; ++i) alts.push_back(random_type(rng, depth + 1));
      return DataType::choice(std::move(alts));
    }
  }
}

TEST(TypeParserTest, RandomRoundTrips) {
  std::mt19937 rng(2024);
  for (int i = 0; i < 3000; ++i) {
    TypePtr t = random_type(rng, 0);
    std::string s = t->to_string();
    auto back = DataType::parse(s);
    ASSERT_TRUE(back.ok()) << s << ": " << back.status();
    EXPECT_TRUE((*back)->equals(*t)) << s << " -> " << (*back)->to_string();
    EXPECT_EQ((*back)->to_string(), s);
  }
}

}  // namespace
}  // namespace mortar::types
