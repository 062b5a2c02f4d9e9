// Filter, Map and the error model (error records, thresholds, errors_as_frame).
#include <gtest/gtest.h>

#include <stdexcept>

#include "engine/dynamic_frame.h"
#include "engine/test_util.h"

namespace mortar::engine {
namespace {

using testing::json_frame;
using testing::lines;
using testing::schema_of;
using testing::TempDir;
using types::Value;

constexpr const char* kPeopleRows =
    "{\"name\": \"ann\", \"age\": 31, \"addr\": {\"city\": \"Oslo\"}}\n"
    "{\"name\": \"bob\", \"age\": null, \"addr\": null}\n"
    "{\"name\": \"cy\", \"age\": 17, \"addr\": {\"city\": \"Rome\"}}\n";

TEST(Filter, KeepsMatchingRecords) {
  TempDir dir;
  auto in = json_frame(dir, {kPeopleRows});
  auto adults = in.filter([](const Record& r) {
    Value age = r.get("age");
    return !age.is_null() && age.as_int() >= 18;
  });
  EXPECT_EQ(lines(adults), "{\"name\": \"ann\", \"age\": 31, \"addr\": {\"city\": \"Oslo\"}}\n");
  EXPECT_EQ(schema_of(adults), schema_of(in));
}

TEST(Map, AddsChangesAndRemovesFields) {
  TempDir dir;
  auto in = json_frame(dir, {kPeopleRows});
  auto out = in.map([](Record r) {
    Value city = r.get("addr.city");
    (void)r.set("city_upper", city.is_null() ? Value() : Value::string(city.as_string() + "!"));
    r.remove("addr");
    if (r.get("name").as_string() == "cy") (void)r.set("age", Value::string("minor"));
    return r;
  });
  EXPECT_EQ(schema_of(out), "struct<name:string,age:choice<bigint,string>,city_upper:string>");
  EXPECT_EQ(lines(out),
            "{\"name\": \"ann\", \"age\": 31, \"city_upper\": \"Oslo!\"}\n"
            "{\"name\": \"bob\", \"age\": null, \"city_upper\": null}\n"
            "{\"name\": \"cy\", \"age\": \"minor\", \"city_upper\": \"Rome!\"}\n");
}

MapFn failing_on_bob() {
  return [](Record r) {
    if (r.get("name").as_string() == "bob") throw std::runtime_error("bob has no age");
    return r;
  };
}

TEST(Errors, ThrowingCallbackMakesAnErrorRecord) {
  TempDir dir;
  auto in = json_frame(dir, {kPeopleRows});
  auto out = in.map(failing_on_bob());
  auto n = out.count();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 2);
  auto errors = out.errors_as_frame();
  EXPECT_EQ(schema_of(errors), "struct<stage:string,message:string,record:string>");
  EXPECT_EQ(lines(errors),
            "{\"stage\": \"Map\", \"message\": \"bob has no age\", \"record\": "
            "\"{\\\"name\\\": \\\"bob\\\", \\\"age\\\": null, \\\"addr\\\": null}\"}\n");
  auto count = out.errors_count();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1);
  // Errors of upstream steps stay visible downstream.
  auto downstream = out.filter([](const Record&) { return true; });
  EXPECT_EQ(*downstream.errors_count(), 1);
}

TEST(Errors, StageThresholdFailsTheExecution) {
  TempDir dir;
  auto in = json_frame(dir, {kPeopleRows});
  TransformOptions strict;
  strict.transformation_ctx = "to_adults";
  strict.stage_threshold = 0;  // 0 = unlimited, as in Glue
  EXPECT_TRUE(in.map(failing_on_bob(), strict).count().ok());

  strict.stage_threshold = 1;  // one error allowed
  EXPECT_TRUE(in.map(failing_on_bob(), strict).count().ok());

  auto filter_all = [](const Record&) -> bool { throw std::runtime_error("boom"); };
  TransformOptions one;
  one.transformation_ctx = "checks";
  one.stage_threshold = 1;
  auto n = in.filter(filter_all, one).count();
  ASSERT_FALSE(n.ok());
  EXPECT_NE(std::string(status_message(n.status()))
                .find("checks: 2 error records exceed stageThreshold 1"),
            std::string::npos)
      << n.status();
  // errors_as_frame still reports them all.
  EXPECT_EQ(*in.filter(filter_all, one).errors_count(), 3);
}

TEST(Errors, TotalThresholdCountsUpstreamErrors) {
  TempDir dir;
  auto in = json_frame(dir, {kPeopleRows});
  auto first = in.map(failing_on_bob());  // 1 error
  TransformOptions total;
  total.total_threshold = 1;
  auto second = first.filter(
      [](const Record& r) -> bool {
        if (r.get("name").as_string() == "cy") throw std::runtime_error("no cy");
        return true;
      },
      total);
  auto n = second.count();
  ASSERT_FALSE(n.ok());
  EXPECT_NE(std::string(status_message(n.status())).find("totalThreshold 1"), std::string::npos);
}

TEST(Errors, MalformedRecordFromMapIsAnErrorRecord) {
  TempDir dir;
  auto in = json_frame(dir, {kPeopleRows});
  auto out = in.map([](Record r) {
    return Record(r.schema(), Value::integer(1));  // not a struct
  });
  EXPECT_EQ(*out.count(), 0);
  EXPECT_EQ(*out.errors_count(), 3);
}

}  // namespace
}  // namespace mortar::engine
