// Request validation against botocore's Glue model as embedded at build time.
#include <gtest/gtest.h>

#include <re2/re2.h>

#include "api/glue_model.h"
#include "api/validator.h"

namespace mortar::api {
namespace {

using nlohmann::json;

const GlueModel& model() { return GlueModel::embedded(); }

// The validation message, or "" when the input is valid.
std::string check(const std::string& op, json input) {
  const Operation* o = model().find_operation(op);
  EXPECT_NE(o, nullptr) << op;
  if (o == nullptr) return "no such op";
  Status s = validate_input(*o->input, input);
  if (s.ok()) return "";
  EXPECT_EQ(glue_error_name(s).value_or(""), "InvalidInputException");
  return std::string(status_message(s));
}

TEST(GlueModel, HasTheCatalogOperations) {
  for (const char* op : {"CreateDatabase", "GetTable", "GetPartitions", "BatchCreatePartition",
                         "SearchTables", "TagResource", "StartCrawler"}) {
    EXPECT_NE(model().find_operation(op), nullptr) << op;
  }
  EXPECT_GT(model().operation_names().size(), 250u);
  EXPECT_EQ(model().target_prefix(), "AWSGlue");
  const Operation* get_table = model().find_operation("GetTable");
  EXPECT_EQ(get_table->input->name, "GetTableRequest");
  EXPECT_EQ(get_table->output->name, "GetTableResponse");
  EXPECT_NE(std::find(get_table->errors.begin(), get_table->errors.end(), "EntityNotFoundException"),
            get_table->errors.end());
}

TEST(GlueModel, NamePatternCompilesInRe2) {
  const Shape* name = model().find_shape("NameString");
  ASSERT_NE(name, nullptr);
  ASSERT_NE(name->regex, nullptr) << "pattern " << name->pattern << " should be usable";
  EXPECT_TRUE(RE2::FullMatch("sales_2024 ü 日本", *name->regex));
  EXPECT_TRUE(RE2::FullMatch("tab\there", *name->regex));
  EXPECT_TRUE(RE2::FullMatch("emoji \xF0\x9F\x98\x80", *name->regex));  // supplementary plane
  EXPECT_FALSE(RE2::FullMatch("two\nlines", *name->regex));
}

TEST(GlueModel, CommonStringPatternsAreUsable) {
  size_t with_pattern = 0, usable = 0;
  for (const char* name : {"NameString", "CatalogIdString", "ColumnTypeString", "CommentString",
                           "KeyString", "ParametersMapValue", "ValueString", "LocationString"}) {
    const Shape* s = model().find_shape(name);
    ASSERT_NE(s, nullptr) << name;
    if (s->pattern.empty()) continue;
    ++with_pattern;
    usable += s->regex != nullptr;
    EXPECT_NE(s->regex, nullptr) << name << ": " << s->pattern;
  }
  EXPECT_GT(with_pattern, 4u);
  EXPECT_EQ(usable, with_pattern);
}

TEST(GlueModel, JavaPatternTranslation) {
  EXPECT_EQ(java_pattern_to_re2("[\\u0020-\\uD7FF]*"), "[\\x{20}-\\x{D7FF}]*");
  EXPECT_EQ(java_pattern_to_re2("[\\uD800\\uDC00-\\uDBFF\\uDFFF]"), "[\\x{10000}-\\x{10FFFF}]");
  EXPECT_FALSE(java_pattern_to_re2("[\\uDC00]"));  // a lone low surrogate
  EXPECT_EQ(java_pattern_to_re2("^[a-z]\\w*$"), "^[a-z]\\w*$");
}

TEST(Validator, AcceptsAWellFormedCreateTable) {
  json input = {{"DatabaseName", "sales"},
                {"TableInput",
                 {{"Name", "orders"},
                  {"TableType", "EXTERNAL_TABLE"},
                  {"Parameters", {{"classification", "parquet"}}},
                  {"LastAccessTime", 1700000000},
                  {"StorageDescriptor",
                   {{"Columns", json::array({{{"Name", "id"}, {"Type", "bigint"}}})},
                    {"Location", "s3://bucket/orders/"},
                    {"NumberOfBuckets", -1},
                    {"Compressed", false}}},
                  {"PartitionKeys", json::array({{{"Name", "day"}, {"Type", "string"}}})}}}};
  EXPECT_EQ(check("CreateTable", input), "");
}

TEST(Validator, MissingRequiredMemberIsNamed) {
  EXPECT_EQ(check("GetTable", {{"Name", "t"}}),
            "1 validation error detected: Value null at 'databaseName' failed to satisfy "
            "constraint: Member must not be null");
  EXPECT_EQ(check("CreateDatabase", {{"DatabaseInput", json::object()}}),
            "1 validation error detected: Value null at 'databaseInput.name' failed to satisfy "
            "constraint: Member must not be null");
}

TEST(Validator, StringLengthNamesNestedMember) {
  std::string msg = check("CreateTable", {{"DatabaseName", "db"},
                                          {"TableInput", {{"Name", std::string(256, 'x')}}}});
  EXPECT_NE(msg.find("1 validation error detected: Value at 'tableInput.name' failed to satisfy "
                     "constraint: Member must have length less than or equal to 255"),
            std::string::npos)
      << msg;
  EXPECT_NE(check("GetDatabase", {{"Name", ""}}).find(
                "at 'name' failed to satisfy constraint: Member must have length greater than or "
                "equal to 1"),
            std::string::npos);
}

TEST(Validator, PatternViolationIsReported) {
  std::string msg = check("GetDatabase", {{"Name", "bad\nname"}});
  EXPECT_NE(msg.find("Value 'bad\nname' at 'name' failed to satisfy constraint: Member must "
                     "satisfy regular expression pattern: [\\u0020-"),
            std::string::npos)
      << msg;
}

TEST(Validator, EnumValuesAreChecked) {
  std::string msg = check("GetDatabases", {{"ResourceShareType", "EVERYTHING"}});
  EXPECT_NE(msg.find("Value 'EVERYTHING' at 'resourceShareType' failed to satisfy constraint: "
                     "Member must satisfy enum value set: [FOREIGN, ALL, FEDERATED]"),
            std::string::npos)
      << msg;
  EXPECT_EQ(check("GetDatabases", {{"ResourceShareType", "ALL"}}), "");
}

TEST(Validator, MaxResultsRange) {
  EXPECT_EQ(check("GetDatabases", {{"MaxResults", 100}}), "");
  std::string msg = check("GetDatabases", {{"MaxResults", 5000}});
  EXPECT_NE(msg.find("Value '5000' at 'maxResults' failed to satisfy constraint: Member must have "
                     "value less than or equal to"),
            std::string::npos)
      << msg;
  EXPECT_NE(check("GetDatabases", {{"MaxResults", 0}}).find("greater than or equal to 1"),
            std::string::npos);
}

TEST(Validator, TypesAreChecked) {
  EXPECT_NE(check("GetDatabases", {{"MaxResults", "10"}}).find("'maxResults'"), std::string::npos);
  EXPECT_NE(check("GetDatabases", {{"MaxResults", 1.5}}).find("Member must be an integer"),
            std::string::npos);
  EXPECT_NE(check("GetDatabase", {{"Name", 7}}).find("Member must be a string"), std::string::npos);
  EXPECT_NE(check("CreateDatabase", {{"DatabaseInput", "x"}}).find("Member must be a structure"),
            std::string::npos);
  EXPECT_NE(check("CreateDatabase", {{"DatabaseInput", {{"Name", "d"}, {"Parameters", {{"k", 1}}}}}})
                .find("'databaseInput.parameters.k'"),
            std::string::npos);
  EXPECT_NE(check("BatchDeleteTable", {{"DatabaseName", "d"}, {"TablesToDelete", "t"}})
                .find("Member must be a list"),
            std::string::npos);
}

TEST(Validator, ListBoundsAndItemPaths) {
  json many = json::array();
  for (int i = 0; i < 101; ++i) many.push_back({{"Values", json::array({std::to_string(i)})}});
  std::string msg = check("BatchCreatePartition",
                          {{"DatabaseName", "d"}, {"TableName", "t"}, {"PartitionInputList", many}});
  EXPECT_NE(msg.find("'partitionInputList' failed to satisfy constraint: Member must have length "
                     "less than or equal to 100"),
            std::string::npos)
      << msg;
  msg = check("BatchDeleteTable",
              {{"DatabaseName", "d"}, {"TablesToDelete", json::array({"ok", std::string(300, 'y')})}});
  EXPECT_NE(msg.find("'tablesToDelete.2.member'"), std::string::npos) << msg;
}

TEST(Validator, UnknownMembersAreErrors) {
  std::string msg = check("GetDatabase", {{"Name", "d"}, {"Nmae", "typo"}});
  EXPECT_NE(msg.find("'nmae'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown member 'Nmae'"), std::string::npos) << msg;
}

TEST(Validator, NullMeansAbsentAndIsRemoved) {
  json input = {{"Name", "d"}, {"CatalogId", nullptr}};
  Status s = validate_input(*model().find_operation("GetDatabase")->input, input);
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_FALSE(input.contains("CatalogId"));
  EXPECT_NE(check("GetDatabase", {{"Name", nullptr}}).find("Value null at 'name'"),
            std::string::npos);
}

TEST(Validator, SeveralErrorsAreCounted) {
  std::string msg = check("GetTable", {{"Name", ""}, {"MaxResults", 1}});
  EXPECT_EQ(msg.rfind("3 validation errors detected: ", 0), 0u) << msg;
}

TEST(Validator, TimestampsAreEpochNumbers) {
  json base = {{"DatabaseName", "d"}, {"TableInput", {{"Name", "t"}, {"LastAccessTime", 1.7e9}}}};
  EXPECT_EQ(check("CreateTable", base), "");
  base["TableInput"]["LastAccessTime"] = "2024-01-01T00:00:00Z";
  EXPECT_NE(check("CreateTable", base).find("epoch seconds"), std::string::npos);
}

TEST(Validator, UnionNeedsExactlyOneMember) {
  const Shape* shape = model().find_shape("SearchFilterValue");
  ASSERT_NE(shape, nullptr);
  ASSERT_TRUE(shape->is_union);
  json none = json::object();
  EXPECT_FALSE(validate_input(*shape, none).ok());
}

}  // namespace
}  // namespace mortar::api
