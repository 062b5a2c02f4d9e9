// ResolveChoice cast specs as match_catalog builds them from a catalog table
// (awsglue/_catalog): nested struct paths, back-quoted names with dots, []
// into arrays (an element that is itself a choice, arrays of arrays). The
// specs carry the frame's own spelling of names (match_catalog matches the
// catalog's lower-case names itself).
#include <gtest/gtest.h>

#include "engine/test_util.h"

namespace mortar::engine {
namespace {

using testing::json_frame;
using testing::lines;
using testing::schema_of;
using testing::TempDir;

TEST(ResolveChoicePaths, CatalogCastSpecsOnNestedAndArrayPaths) {
  TempDir dir;
  auto in = json_frame(
      dir, {"{\"l\": [1, 2], \"m\": [[1]], \"s\": {\"a.b\": 1, \"t\": {\"u\": 5}}, "
            "\"items\": [{\"n\": 1}]}\n",
            "{\"l\": [\"3\", \"x\"], \"m\": [[\"2\"]], \"s\": {\"a.b\": \"7\", \"t\": {\"u\": "
            "\"6\"}}, \"items\": [{\"n\": \"8\"}]}\n"});
  EXPECT_EQ(schema_of(in),
            "struct<l:array<choice<bigint,string>>,m:array<array<choice<bigint,string>>>,"
            "s:struct<`a.b`:choice<bigint,string>,t:struct<u:choice<bigint,string>>>,"
            "items:array<struct<n:choice<bigint,string>>>>");
  auto out = in.resolve_choice({{"l[]", "cast:int"},
                                {"m[][]", "cast:bigint"},
                                {"s.`a.b`", "cast:string"},
                                {"s.t.u", "cast:smallint"},
                                {"items[].n", "cast:double"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(schema_of(*out),
            "struct<l:array<int>,m:array<array<bigint>>,s:struct<`a.b`:string,t:struct<u:smallint>>,"
            "items:array<struct<n:double>>>");
  EXPECT_EQ(lines(*out),
            "{\"l\": [1, 2], \"m\": [[1]], \"s\": {\"a.b\": \"1\", \"t\": {\"u\": 5}}, "
            "\"items\": [{\"n\": 1.0}]}\n"
            "{\"l\": [3, null], \"m\": [[2]], \"s\": {\"a.b\": \"7\", \"t\": {\"u\": 6}}, "
            "\"items\": [{\"n\": 8.0}]}\n");
}

TEST(ResolveChoicePaths, MissingPathsChangeNothing) {
  TempDir dir;
  auto in = json_frame(dir, {"{\"Price\": 1}\n", "{\"Price\": \"2.5\"}\n"});
  // A catalog column the frame lacks changes nothing.
  auto out = in.resolve_choice({{"Price", "cast:double"}, {"nosuch.x", "cast:int"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(schema_of(*out), "struct<Price:double>");
  EXPECT_EQ(lines(*out), "{\"Price\": 1.0}\n{\"Price\": 2.5}\n");
}

}  // namespace
}  // namespace mortar::engine
