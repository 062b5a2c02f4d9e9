// ApplyMapping, ResolveChoice, SelectFields, DropFields, RenameField,
// DropNullFields against hand-computed frames.
#include <gtest/gtest.h>

#include "engine/dynamic_frame.h"
#include "engine/test_util.h"

namespace mortar::engine {
namespace {

using testing::json_frame;
using testing::lines;
using testing::schema_of;
using testing::TempDir;

TEST(ApplyMapping, CastsRenamesNestsAndDropsUnmapped) {
  TempDir dir;
  auto in = json_frame(dir, {"{\"Id\": \"7\", \"name\": \"ann\", \"addr\": {\"zip\": \"0150\", "
                             "\"city\": \"Oslo\"}, \"junk\": 1}\n"
                             "{\"Id\": \"x8\", \"name\": null, \"addr\": null, \"junk\": 2}\n"});
  auto out = in.apply_mapping({{"id", "string", "id", "long"},  // case-insensitive source
                               {"name", "string", "person.name", "string"},
                               {"addr.zip", "string", "person.zip", "int"},
                               {"addr.city", "string", "`city.name`", "string"},
                               {"nope", "string", "nope", "string"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(schema_of(*out),
            "struct<id:bigint,person:struct<name:string,zip:int>,`city.name`:string>");
  // "x8" does not parse as a long: null, not an error; a null parent struct
  // makes its fields null.
  EXPECT_EQ(lines(*out),
            "{\"id\": 7, \"person\": {\"name\": \"ann\", \"zip\": 150}, \"city.name\": \"Oslo\"}\n"
            "{\"id\": null, \"person\": {\"name\": null, \"zip\": null}, \"city.name\": null}\n");
}

TEST(ApplyMapping, CaseSensitiveAndBadSpecs) {
  TempDir dir;
  auto in = json_frame(dir, {"{\"Id\": 1}\n"});
  auto out = in.apply_mapping({{"id", "long", "id", "long"}}, /*case_sensitive=*/true);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(schema_of(*out), "struct<>");
  EXPECT_FALSE(in.apply_mapping({{"Id", "long", "id", "notatype<"}}).ok());
  EXPECT_FALSE(in.apply_mapping({{"Id", "long", "a", "long"}, {"Id", "long", "a.b", "long"}}).ok());
  EXPECT_FALSE(in.apply_mapping({}).ok());
}

TEST(ApplyMapping, CastRules) {
  TempDir dir;
  auto in = json_frame(dir, {"{\"d\": 3.99, \"s\": \" 12 \", \"b\": \"yes\", \"t\": \"2024-01-31 "
                             "12:00:00\", \"big\": 99999999999}\n"});
  auto out = in.apply_mapping({{"d", "double", "d_int", "int"},
                               {"d", "double", "d_str", "string"},
                               {"s", "string", "s_int", "int"},
                               {"b", "string", "b", "boolean"},
                               {"t", "string", "t", "timestamp"},
                               {"t", "string", "day", "date"},
                               {"big", "long", "big_int", "int"},
                               {"d", "double", "dec", "decimal"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(lines(*out),
            "{\"d_int\": 3, \"d_str\": \"3.99\", \"s_int\": 12, \"b\": true, "
            "\"t\": \"2024-01-31 12:00:00\", \"day\": \"2024-01-31\", \"big_int\": null, \"dec\": "
            "3.99}\n");
}

TEST(ResolveChoice, CastProjectMakeColsMakeStruct) {
  TempDir dir;
  auto in = json_frame(dir, {"{\"p\": 10}\n{\"p\": \"12\"}\n{\"p\": \"n/a\"}\n{\"p\": null}\n"});
  ASSERT_EQ(schema_of(in), "struct<p:choice<bigint,string>>");

  auto cast = in.resolve_choice({{"p", "cast:int"}});
  ASSERT_TRUE(cast.ok()) << cast.status();
  EXPECT_EQ(schema_of(*cast), "struct<p:int>");
  EXPECT_EQ(lines(*cast), "{\"p\": 10}\n{\"p\": 12}\n{\"p\": null}\n{\"p\": null}\n");

  auto project = in.resolve_choice({{"p", "project:string"}});
  ASSERT_TRUE(project.ok());
  EXPECT_EQ(lines(*project), "{\"p\": null}\n{\"p\": \"12\"}\n{\"p\": \"n/a\"}\n{\"p\": null}\n");

  auto cols = in.resolve_choice({{"p", "make_cols"}});
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ(schema_of(*cols), "struct<p_long:bigint,p_string:string>");
  EXPECT_EQ(lines(*cols),
            "{\"p_long\": 10, \"p_string\": null}\n{\"p_long\": null, \"p_string\": \"12\"}\n"
            "{\"p_long\": null, \"p_string\": \"n/a\"}\n{\"p_long\": null, \"p_string\": null}\n");

  auto st = in.resolve_choice({}, "make_struct");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(schema_of(*st), "struct<p:struct<long:bigint,string:string>>");
  EXPECT_EQ(lines(*st).substr(0, 40), "{\"p\": {\"long\": 10, \"string\": null}}\n{\"p\"");
}

TEST(ResolveChoice, PathsIntoArraysAndNestedStructs) {
  TempDir dir;
  // (The JSON reader types an empty array as array<string>: avoid one here.)
  auto in = json_frame(
      dir, {"{\"myList\": [{\"price\": 100.5}, {\"price\": \"$100.00\"}], \"s\": {\"v\": 1}}\n",
            "{\"myList\": [{\"price\": 7}], \"s\": {\"v\": \"2\"}}\n"});
  EXPECT_EQ(schema_of(in),
            "struct<myList:array<struct<price:choice<double,string,bigint>>>,s:struct<v:choice<"
            "bigint,string>>>");
  auto out = in.resolve_choice({{"myList[].price", "cast:double"}, {"s.v", "cast:long"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(schema_of(*out), "struct<myList:array<struct<price:double>>,s:struct<v:bigint>>");
  EXPECT_EQ(lines(*out),
            "{\"myList\": [{\"price\": 100.5}, {\"price\": null}], \"s\": {\"v\": 1}}\n"
            "{\"myList\": [{\"price\": 7.0}], \"s\": {\"v\": 2}}\n");
  // choice= resolves every choice at once.
  auto all = in.resolve_choice({}, "cast:string");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(schema_of(*all), "struct<myList:array<struct<price:string>>,s:struct<v:string>>");
}

TEST(ResolveChoice, BadArguments) {
  TempDir dir;
  auto in = json_frame(dir, {"{\"p\": 1}\n"});
  EXPECT_FALSE(in.resolve_choice({{"p", "cast:int"}}, "make_cols").ok());
  EXPECT_FALSE(in.resolve_choice({}, "").ok());
  EXPECT_FALSE(in.resolve_choice({{"p", "explode"}}).ok());
  EXPECT_FALSE(in.resolve_choice({{"p[", "cast:int"}}).ok());
  EXPECT_FALSE(in.resolve_choice({{"p", "cast:array"}}).ok());
}

TEST(FieldTransforms, SelectDropRename) {
  TempDir dir;
  auto in =
      json_frame(dir, {"{\"a\": 1, \"s\": {\"x\": 2, \"y\": 3}, \"odd.name\": 0, \"c\": \"z\"}\n"
                       "{\"a\": 4, \"s\": null, \"c\": \"w\"}\n"});
  auto sel = in.select_fields({"s.y", "a", "`odd.name`"});
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(schema_of(*sel), "struct<a:bigint,s:struct<y:bigint>,`odd.name`:bigint>");
  EXPECT_EQ(lines(*sel),
            "{\"a\": 1, \"s\": {\"y\": 3}, \"odd.name\": 0}\n"
            "{\"a\": 4, \"s\": null, \"odd.name\": null}\n");

  auto drop = in.drop_fields({"s.x", "c", "`odd.name`", "missing"});
  ASSERT_TRUE(drop.ok());
  EXPECT_EQ(schema_of(*drop), "struct<a:bigint,s:struct<y:bigint>>");
  EXPECT_EQ(lines(*drop), "{\"a\": 1, \"s\": {\"y\": 3}}\n{\"a\": 4, \"s\": null}\n");

  // Renaming within a struct keeps the field's position.
  auto ren = in.rename_field("s.x", "s.renamed");
  ASSERT_TRUE(ren.ok());
  EXPECT_EQ(schema_of(*ren),
            "struct<a:bigint,s:struct<renamed:bigint,y:bigint>,`odd.name`:bigint,c:string>");

  // Renaming to another parent moves the field to the end of its new parent.
  auto moved = in.rename_field("s.x", "t.x2");
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(schema_of(*moved),
            "struct<a:bigint,s:struct<y:bigint>,`odd.name`:bigint,c:string,t:struct<x2:bigint>>");
  EXPECT_EQ(lines(*moved),
            "{\"a\": 1, \"s\": {\"y\": 3}, \"odd.name\": 0, \"c\": \"z\", \"t\": {\"x2\": 2}}\n"
            "{\"a\": 4, \"s\": null, \"odd.name\": null, \"c\": \"w\", \"t\": {\"x2\": null}}\n");

  // Renaming onto an existing field is an error when the frame runs.
  auto clash = in.rename_field("a", "c");
  ASSERT_TRUE(clash.ok());
  auto n = clash->schema();
  ASSERT_FALSE(n.ok());
  EXPECT_NE(std::string(status_message(n.status())).find("'c' already exists"), std::string::npos);
  EXPECT_FALSE(in.select_fields({}).ok());
  EXPECT_FALSE(in.rename_field("a..b", "c").ok());
}

TEST(FieldTransforms, DropAndRenameInsideArrays) {
  TempDir dir;
  auto in =
      json_frame(dir, {"{\"items\": [{\"sku\": \"a\", \"qty\": 1}, {\"sku\": \"b\", \"qty\": 2}]}\n"
                       "{\"items\": null}\n"});
  auto dropped = in.drop_fields({"items[].qty"});
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(schema_of(*dropped), "struct<items:array<struct<sku:string>>>");
  EXPECT_EQ(lines(*dropped),
            "{\"items\": [{\"sku\": \"a\"}, {\"sku\": \"b\"}]}\n{\"items\": null}\n");
  auto renamed = in.rename_field("items[].sku", "items[].id");
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(schema_of(*renamed), "struct<items:array<struct<id:string,qty:bigint>>>");
}

TEST(DropNullFields, DropsFieldsNullInEveryRecord) {
  TempDir dir;
  auto in = json_frame(dir, {"{\"a\": 1, \"n\": null, \"s\": {\"x\": null, \"y\": 2}}\n"
                             "{\"a\": null, \"n\": null, \"s\": {\"x\": null, \"y\": null}}\n"});
  auto out = in.drop_null_fields();
  EXPECT_EQ(schema_of(out), "struct<a:bigint,s:struct<y:bigint>>");
  EXPECT_EQ(lines(out), "{\"a\": 1, \"s\": {\"y\": 2}}\n{\"a\": null, \"s\": {\"y\": null}}\n");
}

}  // namespace
}  // namespace mortar::engine
