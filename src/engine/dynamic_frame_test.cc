#include "engine/dynamic_frame.h"

#include <gtest/gtest.h>

#include "engine/conform.h"
#include "engine/schema_merge.h"
#include "engine/test_util.h"

namespace mortar::engine {
namespace {

using testing::json_frame;
using testing::lines;
using testing::schema_of;
using testing::TempDir;
using types::DataType;
using types::TypePtr;
using types::Value;

TypePtr parse(const std::string& s) { return *DataType::parse(s); }

TEST(SchemaMerge, Rules) {
  EXPECT_EQ(merge_types(parse("struct<a:int>"), parse("struct<b:string,a:int>"))->to_string(),
            "struct<a:int,b:string>");
  EXPECT_EQ(merge_types(parse("int"), parse("string"))->to_string(), "choice<int,string>");
  EXPECT_EQ(merge_types(DataType::null(), parse("array<int>"))->to_string(), "array<int>");
  EXPECT_EQ(
      merge_types(parse("array<struct<x:int>>"), parse("array<struct<y:double>>"))->to_string(),
      "array<struct<x:int,y:double>>");
  // A choice keeps one struct alternative, merged in place.
  EXPECT_EQ(merge_types(parse("choice<int,struct<a:int>>"), parse("struct<b:int>"))->to_string(),
            "choice<int,struct<a:int,b:int>>");
  EXPECT_EQ(merge_types(parse("choice<int,string>"), parse("choice<string,double>"))->to_string(),
            "choice<int,string,double>");
  EXPECT_EQ(merge_types(parse("map<string,int>"), parse("map<string,bigint>"))->to_string(),
            "map<string,choice<int,bigint>>");
}

TEST(Conform, MissingFieldsBecomeNullAndTypesBecomeChoices) {
  TypePtr a = parse("struct<id:bigint,s:struct<x:bigint>>");
  auto batch = types::RecordBatch::make_empty(a);
  ASSERT_TRUE(
      types::append_row(*batch, {Value::integer(1), Value::structure({Value::integer(5)})}).ok());
  ASSERT_TRUE(types::append_row(*batch, {Value::integer(2), Value()}).ok());
  TypePtr target = merge_types(a, parse("struct<s:struct<x:string,y:boolean>,z:string>"));
  EXPECT_EQ(target->to_string(),
            "struct<id:bigint,s:struct<x:choice<bigint,string>,y:boolean>,z:string>");
  auto out = conform_batch(std::move(batch), target);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE((*out)->validate().ok()) << (*out)->validate();
  auto rows = types::batch_rows(**out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][1], Value::structure({Value::integer(5), Value()}));
  EXPECT_TRUE(rows[1][1].is_null());
  EXPECT_TRUE(rows[0][2].is_null());
}

TEST(DynamicFrame, FilesWithDifferentSchemasMerge) {
  TempDir dir;
  auto frame = json_frame(dir, {"{\"id\": 1, \"price\": 10, \"tags\": [\"a\"]}\n"
                                "{\"id\": 2, \"price\": 11}\n",
                                "{\"id\": 3, \"price\": \"n/a\", \"extra\": {\"k\": true}}\n"});
  EXPECT_EQ(
      schema_of(frame),
      "struct<id:bigint,price:choice<bigint,string>,tags:array<string>,extra:struct<k:boolean>>");
  EXPECT_EQ(lines(frame),
            "{\"id\": 1, \"price\": 10, \"tags\": [\"a\"], \"extra\": null}\n"
            "{\"id\": 2, \"price\": 11, \"tags\": null, \"extra\": null}\n"
            "{\"id\": 3, \"price\": \"n/a\", \"tags\": null, \"extra\": {\"k\": true}}\n");
  auto n = frame.count();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3);
  auto rows = frame.to_rows();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[2].as_struct().fields[1], Value::string("n/a"));
}

TEST(DynamicFrame, ShowLimitsRecords) {
  TempDir dir;
  auto frame = json_frame(dir, {"{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3}\n"});
  auto s = frame.show(2);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "{\"a\": 1}\n{\"a\": 2}\n");
}

TEST(DynamicFrame, FromRecordsMergesRecordSchemas) {
  Record a;
  ASSERT_TRUE(a.set("id", Value::integer(1)).ok());
  ASSERT_TRUE(a.set("addr.city", Value::string("Oslo")).ok());
  Record b;
  ASSERT_TRUE(b.set("id", Value::string("x")).ok());
  auto frame = DynamicFrame::from_records({a, b});
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(schema_of(*frame), "struct<id:choice<bigint,string>,addr:struct<city:string>>");
  EXPECT_EQ(lines(*frame),
            "{\"id\": 1, \"addr\": {\"city\": \"Oslo\"}}\n{\"id\": \"x\", \"addr\": null}\n");
}

TEST(DynamicFrame, ManyFilesKeepOrderAcrossReaderThreads) {
  TempDir dir;
  std::vector<std::string> files;
  std::string expected;
  for (int f = 0; f < 9; ++f) {
    std::string text;
    for (int r = 0; r < 50; ++r) {
      text += "{\"n\": " + std::to_string(f * 50 + r) + "}\n";
      expected += "{\"n\": " + std::to_string(f * 50 + r) + "}\n";
    }
    files.push_back(text);
  }
  // Names sort as part0..part8: one digit each.
  auto frame = json_frame(dir, files);
  EXPECT_EQ(lines(frame), expected);
  // Stopping early (show) cancels the readers cleanly.
  auto two = frame.show(2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two, "{\"n\": 0}\n{\"n\": 1}\n");
}

TEST(Record, PathsSetAndRemove) {
  Record r;
  ASSERT_TRUE(r.set("a.b", Value::integer(1)).ok());
  ASSERT_TRUE(r.set("`x.y`", Value::string("dotted")).ok());
  EXPECT_EQ(r.to_json(), "{\"a\": {\"b\": 1}, \"x.y\": \"dotted\"}");
  EXPECT_EQ(r.get("a.b"), Value::integer(1));
  EXPECT_TRUE(r.get("a.missing").is_null());
  EXPECT_FALSE(r.set("a.b.c", Value::integer(2)).ok());  // a.b is not a struct
  EXPECT_TRUE(r.remove("a.b"));
  EXPECT_FALSE(r.remove("a.b"));
  EXPECT_EQ(r.to_json(), "{\"a\": {}, \"x.y\": \"dotted\"}");
  // A struct Value carries no names: it needs a type.
  EXPECT_FALSE(r.set("s", Value::structure({Value::integer(1)})).ok());
  EXPECT_TRUE(
      r.set("s", Value::structure({Value::integer(1)}), *DataType::parse("struct<n:bigint>")).ok());
  Record inner;
  ASSERT_TRUE(inner.set("k", Value::list({Value::integer(1), Value::integer(2)})).ok());
  ASSERT_TRUE(r.set_record("t", inner).ok());
  EXPECT_EQ(r.to_json(),
            "{\"a\": {}, \"x.y\": \"dotted\", \"s\": {\"n\": 1}, \"t\": {\"k\": [1, 2]}}");
  EXPECT_EQ(r.type_of("t")->to_string(), "struct<k:array<bigint>>");
  // A record whose values do not match its schema answers, never throws.
  Record bad(*DataType::parse("struct<a:bigint>"), Value::integer(3));
  EXPECT_TRUE(bad.get("a").is_null());
  EXPECT_FALSE(bad.has("a"));
  EXPECT_FALSE(bad.set("a", Value::integer(1)).ok());
  EXPECT_FALSE(bad.remove("a"));
}

}  // namespace
}  // namespace mortar::engine

namespace mortar::engine {
namespace {

TEST(DynamicFrame, StructInOneFileScalarInAnotherBecomesChoice) {
  testing::TempDir dir;
  auto frame =
      testing::json_frame(dir, {"{\"v\": {\"a\": 1}, \"l\": [1, 2]}\n",
                                "{\"v\": 5, \"l\": [\"x\"]}\n", "{\"v\": {\"b\": \"z\"}}\n"});
  EXPECT_EQ(testing::schema_of(frame),
            "struct<v:choice<struct<a:bigint,b:string>,bigint>,l:array<choice<bigint,string>>>");
  EXPECT_EQ(testing::lines(frame),
            "{\"v\": {\"a\": 1, \"b\": null}, \"l\": [1, 2]}\n"
            "{\"v\": 5, \"l\": [\"x\"]}\n"
            "{\"v\": {\"a\": null, \"b\": \"z\"}, \"l\": null}\n");
  auto printed = frame.print_schema();
  ASSERT_TRUE(printed.ok());
  EXPECT_EQ(*printed,
            "root\n"
            "|-- v: choice\n"
            "|    |-- struct\n"
            "|    |    |-- a: long\n"
            "|    |    |-- b: string\n"
            "|    |-- long\n"
            "|-- l: array\n"
            "|    |-- element: choice\n"
            "|    |    |-- long\n"
            "|    |    |-- string\n");
  // ApplyMapping casts each value from its own alternative.
  auto mapped =
      frame.apply_mapping({{"v", "choice", "v", "string"}, {"l", "array", "l", "array<string>"}});
  ASSERT_TRUE(mapped.ok()) << mapped.status();
  EXPECT_EQ(testing::lines(*mapped),
            "{\"v\": \"{\\\"a\\\":1,\\\"b\\\":null}\", \"l\": [\"1\", \"2\"]}\n"
            "{\"v\": \"5\", \"l\": [\"x\"]}\n"
            "{\"v\": \"{\\\"a\\\":null,\\\"b\\\":\\\"z\\\"}\", \"l\": null}\n");
  // make_cols splits the struct and the number apart.
  auto cols = frame.resolve_choice({{"v", "make_cols"}});
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ(
      testing::schema_of(*cols),
      "struct<v_struct:struct<a:bigint,b:string>,v_long:bigint,l:array<choice<bigint,string>>>");
  auto project = frame.resolve_choice({{"l[]", "project:long"}});
  ASSERT_TRUE(project.ok());
  EXPECT_EQ(testing::lines(*project),
            "{\"v\": {\"a\": 1, \"b\": null}, \"l\": [1, 2]}\n"
            "{\"v\": 5, \"l\": [null]}\n"
            "{\"v\": {\"a\": null, \"b\": \"z\"}, \"l\": null}\n");
}

}  // namespace
}  // namespace mortar::engine
