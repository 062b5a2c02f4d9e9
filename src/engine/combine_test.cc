// Union, Join and DropDuplicates.
#include <gtest/gtest.h>

#include "engine/dynamic_frame.h"
#include "engine/test_util.h"

namespace mortar::engine {
namespace {

using testing::lines;
using testing::schema_of;
using testing::TempDir;

DynamicFrame frame_of(const TempDir& dir, const std::string& name, const std::string& text) {
  testing::write_text(dir.file(name + "/a.json"), text);
  FileSourceOptions o;
  o.paths = {dir.file(name)};
  o.format = "json";
  return *DynamicFrame::from_files(o);
}

TEST(Union, MergesSchemas) {
  TempDir dir;
  auto a = frame_of(dir, "a", "{\"id\": 1}\n");
  auto b = frame_of(dir, "b", "{\"id\": \"two\", \"x\": true}\n");
  auto u = a.union_with(b);
  EXPECT_EQ(schema_of(u), "struct<id:choice<bigint,string>,x:boolean>");
  EXPECT_EQ(lines(u), "{\"id\": 1, \"x\": null}\n{\"id\": \"two\", \"x\": true}\n");
}

TEST(Join, EqualityKeysAndDotPrefixedDuplicates) {
  TempDir dir;
  auto persons = frame_of(dir, "p",
                          "{\"id\": 1, \"name\": \"ann\"}\n{\"id\": 2, \"name\": \"bob\"}\n"
                          "{\"id\": null, \"name\": \"nobody\"}\n");
  auto memberships = frame_of(dir, "m",
                              "{\"person_id\": 1, \"name\": \"club\"}\n"
                              "{\"person_id\": 1, \"name\": \"gym\"}\n"
                              "{\"person_id\": 3, \"name\": \"none\"}\n");
  auto j = persons.join({"id"}, memberships, {"person_id"});
  ASSERT_TRUE(j.ok()) << j.status();
  EXPECT_EQ(schema_of(*j), "struct<id:bigint,name:string,person_id:bigint,`.name`:string>");
  EXPECT_EQ(lines(*j),
            "{\"id\": 1, \"name\": \"ann\", \"person_id\": 1, \".name\": \"club\"}\n"
            "{\"id\": 1, \"name\": \"ann\", \"person_id\": 1, \".name\": \"gym\"}\n");
  EXPECT_FALSE(persons.join({"id"}, memberships, {}).ok());
}

TEST(DropDuplicates, ByPathsOrWholeRecords) {
  TempDir dir;
  auto in =
      frame_of(dir, "d",
               "{\"k\": 1, \"v\": \"a\"}\n{\"k\": 1, \"v\": \"b\"}\n{\"k\": 2, \"v\": \"a\"}\n"
               "{\"k\": 1, \"v\": \"a\"}\n");
  auto by_k = in.drop_duplicates({"k"});
  ASSERT_TRUE(by_k.ok());
  EXPECT_EQ(lines(*by_k), "{\"k\": 1, \"v\": \"a\"}\n{\"k\": 2, \"v\": \"a\"}\n");
  auto whole = in.drop_duplicates();
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole->count(), 3);
  EXPECT_EQ(lines(*whole),
            "{\"k\": 1, \"v\": \"a\"}\n{\"k\": 1, \"v\": \"b\"}\n{\"k\": 2, \"v\": \"a\"}\n");
}

}  // namespace
}  // namespace mortar::engine
