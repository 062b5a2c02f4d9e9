// EventPattern: EventBridge's content filtering over source, detail-type and
// nested detail, and the errors for patterns it refuses.
#include "events/event_pattern.h"

#include <gtest/gtest.h>

#include <string>

#include "common/glue_errors.h"

namespace mortar::events {
namespace {

using Json = nlohmann::json;

Json s3_event(const std::string& bucket, const std::string& key, int64_t size = 10) {
  return {{"source", "aws.s3"},
          {"detail-type", "Object Created"},
          {"detail", {{"bucket", {{"name", bucket}}}, {"object", {{"key", key}, {"size", size}}}}}};
}

bool match(const std::string& pattern, const Json& event) {
  auto p = EventPattern::parse(pattern);
  EXPECT_TRUE(p.ok()) << pattern << ": " << p.status();
  return p.ok() && p->matches(event);
}

std::string error_of(const std::string& pattern) {
  auto p = EventPattern::parse(pattern);
  if (p.ok()) return "OK";
  return glue_exception_name(p.status()) + ": " + std::string(status_message(p.status()));
}

TEST(EventPattern, ExactValuesOverSourceDetailTypeAndNestedDetail) {
  const std::string p = R"({"source":["aws.s3"],"detail-type":["Object Created"],
                            "detail":{"bucket":{"name":["in","other"]}}})";
  EXPECT_TRUE(match(p, s3_event("in", "a.csv")));
  EXPECT_TRUE(match(p, s3_event("other", "a.csv")));
  EXPECT_FALSE(match(p, s3_event("out", "a.csv")));
  Json wrong_type = s3_event("in", "a.csv");
  wrong_type["detail-type"] = "Object Deleted";
  EXPECT_FALSE(match(p, wrong_type));
  // A missing field never matches a value; an empty pattern matches all.
  EXPECT_FALSE(match(p, Json{{"source", "aws.s3"}}));
  EXPECT_TRUE(match("{}", s3_event("x", "y")));
  // Numbers compare as numbers; strings never equal numbers.
  EXPECT_TRUE(match(R"({"detail":{"object":{"size":[10.0]}}})", s3_event("b", "k", 10)));
  EXPECT_FALSE(match(R"({"detail":{"object":{"size":["10"]}}})", s3_event("b", "k", 10)));
  // null and booleans.
  EXPECT_TRUE(match(R"({"detail":{"x":[null]}})", Json{{"detail", {{"x", nullptr}}}}));
  EXPECT_TRUE(match(R"({"detail":{"x":[true]}})", Json{{"detail", {{"x", true}}}}));
  EXPECT_FALSE(match(R"({"detail":{"x":[true]}})", Json{{"detail", {{"x", "true"}}}}));
}

TEST(EventPattern, ArraysInTheEventMatchWhenAnyElementDoes) {
  Json e = {{"resources", {"arn:a", "arn:b"}}, {"detail", {{"tags", Json::array()}}}};
  EXPECT_TRUE(match(R"({"resources":["arn:b"]})", e));
  EXPECT_FALSE(match(R"({"resources":["arn:c"]})", e));
  // An empty array is as good as absent.
  EXPECT_TRUE(match(R"({"detail":{"tags":[{"exists":false}]}})", e));
  Json objects = {{"detail", {{"items", {{{"k", "a"}}, {{"k", "b"}}}}}}};
  EXPECT_TRUE(match(R"({"detail":{"items":{"k":["b"]}}})", objects));
}

TEST(EventPattern, PrefixSuffixAndIgnoreCase) {
  const std::string p = R"({"detail":{"object":{"key":[{"prefix":"in/"},{"suffix":".json"}]}}})";
  EXPECT_TRUE(match(p, s3_event("b", "in/a.csv")));
  EXPECT_TRUE(match(p, s3_event("b", "x/a.json")));
  EXPECT_FALSE(match(p, s3_event("b", "x/a.csv")));
  EXPECT_FALSE(match(R"({"detail":{"object":{"size":[{"prefix":"1"}]}}})", s3_event("b", "k", 10)));
  EXPECT_TRUE(
      match(R"({"detail-type":[{"equals-ignore-case":"object CREATED"}]})", s3_event("b", "k")));
}

TEST(EventPattern, AnythingBut) {
  EXPECT_TRUE(
      match(R"({"detail":{"bucket":{"name":[{"anything-but":["a","b"]}]}}})", s3_event("c", "k")));
  EXPECT_FALSE(
      match(R"({"detail":{"bucket":{"name":[{"anything-but":["a","b"]}]}}})", s3_event("b", "k")));
  EXPECT_FALSE(
      match(R"({"detail":{"bucket":{"name":[{"anything-but":"b"}]}}})", s3_event("b", "k")));
  EXPECT_TRUE(match(R"({"detail":{"object":{"key":[{"anything-but":{"prefix":"tmp/"}}]}}})",
                    s3_event("b", "in/k")));
  EXPECT_FALSE(match(R"({"detail":{"object":{"key":[{"anything-but":{"prefix":"tmp/"}}]}}})",
                     s3_event("b", "tmp/k")));
  EXPECT_FALSE(match(R"({"detail":{"object":{"key":[{"anything-but":{"suffix":".tmp"}}]}}})",
                     s3_event("b", "a.tmp")));
  // anything-but does not match an absent field.
  EXPECT_FALSE(match(R"({"detail":{"missing":[{"anything-but":"x"}]}})", s3_event("b", "k")));
}

TEST(EventPattern, ExistsMatchesLeavesOnly) {
  EXPECT_TRUE(match(R"({"detail":{"object":{"key":[{"exists":true}]}}})", s3_event("b", "k")));
  EXPECT_FALSE(match(R"({"detail":{"object":{"etag":[{"exists":true}]}}})", s3_event("b", "k")));
  EXPECT_TRUE(match(R"({"detail":{"object":{"etag":[{"exists":false}]}}})", s3_event("b", "k")));
  EXPECT_FALSE(match(R"({"detail":{"object":{"key":[{"exists":false}]}}})", s3_event("b", "k")));
  // "object" is an object, not a leaf.
  EXPECT_FALSE(match(R"({"detail":{"object":[{"exists":true}]}})", s3_event("b", "k")));
  // Absent all the way up.
  EXPECT_TRUE(match(R"({"detail":{"a":{"b":[{"exists":false}]}}})", s3_event("b", "k")));
}

TEST(EventPattern, NumericRanges) {
  const std::string p = R"({"detail":{"object":{"size":[{"numeric":[">",0,"<=",100]}]}}})";
  EXPECT_TRUE(match(p, s3_event("b", "k", 100)));
  EXPECT_TRUE(match(p, s3_event("b", "k", 1)));
  EXPECT_FALSE(match(p, s3_event("b", "k", 0)));
  EXPECT_FALSE(match(p, s3_event("b", "k", 101)));
  EXPECT_TRUE(
      match(R"({"detail":{"object":{"size":[{"numeric":["=",10]}]}}})", s3_event("b", "k", 10)));
  EXPECT_FALSE(
      match(R"({"detail":{"object":{"key":[{"numeric":[">",0]}]}}})", s3_event("b", "k", 10)));
}

TEST(EventPattern, RefusedPatternsNameTheReasonAndField) {
  EXPECT_EQ(error_of("not json"),
            "InvalidEventPatternException: Event pattern is not valid. Reason: the pattern is not "
            "valid JSON");
  EXPECT_EQ(error_of("[1]"),
            "InvalidEventPatternException: Event pattern is not valid. Reason: the pattern must "
            "be a JSON object");
  EXPECT_EQ(error_of(R"({"source":"aws.s3"})"),
            "InvalidEventPatternException: Event pattern is not valid. Reason: \"source\" must be "
            "an object or an array");
  EXPECT_EQ(error_of(R"({"detail":{"x":[]}})"),
            "InvalidEventPatternException: Event pattern is not valid. Reason: Empty arrays are "
            "not allowed (\"detail.x\")");
  EXPECT_TRUE(error_of(R"({"detail":{"x":[{"wildcard":"a*"}]}})")
                  .starts_with("InvalidEventPatternException: Event pattern is not valid. Reason: "
                               "Unrecognized match type wildcard (of \"detail.x\";"));
  EXPECT_NE(error_of(R"({"x":[{"numeric":[">"]}]})"), "OK");
  EXPECT_NE(error_of(R"({"x":[{"numeric":["!",1]}]})"), "OK");
  EXPECT_NE(error_of(R"({"x":[{"prefix":1}]})"), "OK");
  EXPECT_NE(error_of(R"({"x":[{"exists":"yes"}]})"), "OK");
  EXPECT_NE(error_of(R"({"x":[{"prefix":"a","suffix":"b"}]})"), "OK");
  EXPECT_NE(error_of(R"({"x":[[1]]})"), "OK");
  EXPECT_NE(error_of(R"({"$or":[{"a":[1]}]})"), "OK");
  EXPECT_NE(error_of(R"({"x":{}})"), "OK");
  // Depth is bounded.
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "{\"a\":";
  deep += "[1]";
  for (int i = 0; i < 40; ++i) deep += "}";
  EXPECT_NE(error_of(deep), "OK");
  std::string very_deep(100000, '[');
  EXPECT_NE(error_of(very_deep), "OK");
}

TEST(EventPattern, WhatTheSourcesRead) {
  auto p = EventPattern::parse(
      R"({"source":["aws.s3"],"detail":{"bucket":{"name":["a","b"]},
          "object":{"key":[{"prefix":"in/"},{"prefix":"raw/"}]}}})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->exact_strings({"source"}), std::vector<std::string>({"aws.s3"}));
  EXPECT_EQ(p->exact_strings({"detail", "bucket", "name"}), std::vector<std::string>({"a", "b"}));
  EXPECT_EQ(p->prefixes({"detail", "object", "key"}), std::vector<std::string>({"in/", "raw/"}));
  EXPECT_TRUE(p->exact_strings({"detail", "object", "key"}).empty());
  EXPECT_TRUE(p->exact_strings({"detail", "nothing"}).empty());
}

}  // namespace
}  // namespace mortar::events
