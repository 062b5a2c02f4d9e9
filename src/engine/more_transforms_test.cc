// SplitFields, SplitRows, Relationalize, Unbox, Unnest, Spigot, mergeDynamicFrame.
#include <gtest/gtest.h>

#include "engine/dynamic_frame.h"
#include "engine/test_util.h"

namespace mortar::engine {
namespace {

using testing::lines;
using testing::schema_of;
using testing::TempDir;
using types::Value;

DynamicFrame text_frame(const TempDir& dir, const std::string& name, const std::string& text) {
  testing::write_text(dir.file(name + "/a.json"), text);
  FileSourceOptions o;
  o.paths = {dir.file(name)};
  o.format = "json";
  return *DynamicFrame::from_files(o);
}

TEST(SplitFields, SelectedAndRest) {
  TempDir dir;
  auto in = text_frame(dir, "d", "{\"a\": 1, \"b\": 2, \"s\": {\"x\": 3, \"y\": 4}}\n");
  auto parts = in.split_fields({"a", "s.x"}, "left", "right");
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_EQ(lines(parts->at("left")), "{\"a\": 1, \"s\": {\"x\": 3}}\n");
  EXPECT_EQ(lines(parts->at("right")), "{\"b\": 2, \"s\": {\"y\": 4}}\n");
  EXPECT_FALSE(in.split_fields({"a"}, "same", "same").ok());
}

TEST(SplitRows, ComparisonsAndNulls) {
  TempDir dir;
  auto in = text_frame(
      dir, "d", "{\"age\": 5}\n{\"age\": 15}\n{\"age\": 25}\n{\"age\": null}\n{\"age\": 12.5}\n");
  ASSERT_EQ(schema_of(in), "struct<age:double>");
  auto parts = in.split_rows({{"age", ">", Value::integer(10)}, {"age", "<", Value::integer(20)}},
                             "teen", "other");
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_EQ(lines(parts->at("teen")), "{\"age\": 15.0}\n{\"age\": 12.5}\n");
  EXPECT_EQ(lines(parts->at("other")), "{\"age\": 5.0}\n{\"age\": 25.0}\n{\"age\": null}\n");
  EXPECT_FALSE(in.split_rows({{"age", "~", Value::integer(1)}}, "a", "b").ok());
  EXPECT_FALSE(in.split_rows({}, "a", "b").ok());
}

TEST(Relationalize, RootAndPivotedArrayTables) {
  TempDir dir;
  auto in = text_frame(
      dir, "d",
      "{\"name\": {\"first\": \"ann\"}, \"tags\": [\"x\", \"y\"], "
      "\"contacts\": [{\"type\": \"mail\", \"nums\": [1, 2]}]}\n"
      "{\"name\": null, \"tags\": null, \"contacts\": [{\"type\": \"tel\", \"nums\": []}]}\n");
  auto tables = in.relationalize("root");
  ASSERT_TRUE(tables.ok()) << tables.status();
  std::vector<std::string> names;
  for (const auto& [n, f] : *tables) names.push_back(n);
  EXPECT_EQ(names, (std::vector<std::string>{"root", "root_contacts", "root_contacts.val.nums",
                                             "root_tags"}));
  EXPECT_EQ(schema_of(tables->at("root")),
            "struct<`name.first`:string,tags:bigint,contacts:bigint>");
  EXPECT_EQ(lines(tables->at("root")),
            "{\"name.first\": \"ann\", \"tags\": 1, \"contacts\": 1}\n"
            "{\"name.first\": null, \"tags\": null, \"contacts\": 2}\n");
  EXPECT_EQ(lines(tables->at("root_tags")),
            "{\"id\": 1, \"index\": 0, \"tags.val\": \"x\"}\n{\"id\": 1, \"index\": 1, "
            "\"tags.val\": \"y\"}\n");
  EXPECT_EQ(
      lines(tables->at("root_contacts")),
      "{\"id\": 1, \"index\": 0, \"contacts.val.type\": \"mail\", \"contacts.val.nums\": 1}\n"
      "{\"id\": 2, \"index\": 0, \"contacts.val.type\": \"tel\", \"contacts.val.nums\": 2}\n");
  EXPECT_EQ(lines(tables->at("root_contacts.val.nums")),
            "{\"id\": 1, \"index\": 0, \"contacts.val.nums.val\": 1}\n"
            "{\"id\": 1, \"index\": 1, \"contacts.val.nums.val\": 2}\n");
}

TEST(Unbox, JsonStringsBecomeStructs) {
  TempDir dir;
  auto in = text_frame(dir, "d",
                     "{\"id\": 1, \"payload\": \"{\\\"a\\\": 1, \\\"b\\\": [true]}\"}\n"
                     "{\"id\": 2, \"payload\": \"{\\\"a\\\": \\\"x\\\"}\"}\n"
                     "{\"id\": 3, \"payload\": \"not json\"}\n"
                     "{\"id\": 4, \"payload\": null}\n");
  auto out = in.unbox("payload", "json");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(schema_of(*out),
            "struct<id:bigint,payload:struct<a:choice<bigint,string>,b:array<boolean>>>");
  EXPECT_EQ(lines(*out),
            "{\"id\": 1, \"payload\": {\"a\": 1, \"b\": [true]}}\n"
            "{\"id\": 2, \"payload\": {\"a\": \"x\", \"b\": null}}\n"
            "{\"id\": 4, \"payload\": null}\n");
  EXPECT_EQ(*out->errors_count(), 1);
  EXPECT_FALSE(in.unbox("payload", "xml").ok());
  auto not_string = in.unbox("id", "json");
  ASSERT_TRUE(not_string.ok());
  EXPECT_FALSE(not_string->count().ok());
}

TEST(Unnest, StructFieldsBecomeTopLevel) {
  TempDir dir;
  auto in = text_frame(
      dir, "d", "{\"a\": {\"b\": {\"c\": 1}, \"d\": [1]}, \"e\": 2}\n{\"a\": null, \"e\": 3}\n");
  auto out = in.unnest();
  EXPECT_EQ(schema_of(out), "struct<`a.b.c`:bigint,`a.d`:array<bigint>,e:bigint>");
  EXPECT_EQ(lines(out),
            "{\"a.b.c\": 1, \"a.d\": [1], \"e\": 2}\n{\"a.b.c\": null, \"a.d\": null, \"e\": 3}\n");
}

TEST(Spigot, WritesASampleAndPassesRecordsThrough) {
  TempDir dir;
  auto in = text_frame(dir, "d", "{\"n\": 1}\n{\"n\": 2}\n{\"n\": 3}\n");
  auto out = in.spigot(dir.file("spigot"), 2);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out->count(), 3);
  EXPECT_EQ(testing::read_text(dir.file("spigot/spigot-part-00000.json")),
            "{\"n\":1}\n{\"n\":2}\n");
  EXPECT_FALSE(in.spigot(dir.file("x"), 1, 1.5).ok());
}

TEST(MergeFrames, StagingRecordsReplaceMatchingKeys) {
  TempDir dir;
  auto source = text_frame(dir, "s",
                         "{\"id\": 1, \"v\": \"old1\"}\n{\"id\": 2, \"v\": \"old2\"}\n"
                         "{\"id\": 2, \"v\": \"old2b\"}\n{\"id\": null, \"v\": \"nokey\"}\n");
  auto staging = text_frame(
      dir, "t", "{\"id\": 2, \"v\": \"new2\", \"extra\": true}\n{\"id\": 3, \"v\": \"new3\"}\n");
  auto merged = source.merge_frames(staging, {"id"});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(lines(*merged),
            "{\"id\": 1, \"v\": \"old1\", \"extra\": null}\n"
            "{\"id\": null, \"v\": \"nokey\", \"extra\": null}\n"
            "{\"id\": 2, \"v\": \"new2\", \"extra\": true}\n"
            "{\"id\": 3, \"v\": \"new3\", \"extra\": null}\n");
  EXPECT_FALSE(source.merge_frames(staging, {}).ok());
}

}  // namespace
}  // namespace mortar::engine
