// The catalog handlers called through the registry, on an in-memory store.
#include "api/ops/catalog_operations.h"

#include <gtest/gtest.h>

#include <set>

namespace mortar::api {
namespace {

class CatalogOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::open_sqlite_store(":memory:");
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    ASSERT_TRUE(catalog::Catalog::migrate(*store_).ok());
    catalog_ = std::make_unique<catalog::Catalog>(*store_, clock_);
    register_catalog_operations(registry_, *catalog_, codec_);
  }

  StatusOr<Json> call(const std::string& op, const Json& input) {
    const OpHandler* h = registry_.find(op);
    if (h == nullptr) return unimplemented(op);
    RequestContext ctx;
    ctx.request_id = "r";
    ctx.operation = op;
    ctx.account_id = "123456789012";
    ctx.principal = "arn:aws:iam::123456789012:user/t";
    ctx.region = "us-east-1";
    return (*h)(ctx, input);
  }

  FakeClock clock_;
  NextTokenCodec codec_{"secret"};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<catalog::Catalog> catalog_;
  OperationRegistry registry_;
};

TEST_F(CatalogOpsTest, RegistersEveryCatalogOperation) {
  for (const char* op :
       {"CreateDatabase", "GetDatabase", "GetDatabases", "UpdateDatabase", "DeleteDatabase",
        "CreateTable", "GetTable", "GetTables", "UpdateTable", "DeleteTable", "BatchDeleteTable",
        "GetTableVersion", "GetTableVersions", "DeleteTableVersion", "BatchDeleteTableVersion",
        "SearchTables", "CreateConnection", "GetConnection", "GetConnections", "UpdateConnection",
        "DeleteConnection", "BatchDeleteConnection", "CreateUserDefinedFunction",
        "GetUserDefinedFunction", "GetUserDefinedFunctions", "UpdateUserDefinedFunction",
        "DeleteUserDefinedFunction", "TagResource", "UntagResource", "GetTags"}) {
    EXPECT_NE(registry_.find(op), nullptr) << op;
  }
}

TEST_F(CatalogOpsTest, GetTablesPagesWithDistinctTokensAndNoTokenOnLastPage) {
  ASSERT_TRUE(call("CreateDatabase", {{"DatabaseInput", {{"Name", "db"}}}}).ok());
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(call("CreateTable", {{"DatabaseName", "db"}, {"TableInput", {{"Name", "t" + std::to_string(100 + i)}}}}).ok());
  }
  std::set<std::string> tokens, names;
  Json in = {{"DatabaseName", "db"}, {"MaxResults", 10}};
  int pages = 0;
  while (true) {
    auto out = call("GetTables", in);
    ASSERT_TRUE(out.ok()) << out.status();
    ++pages;
    for (auto& t : (*out)["TableList"]) names.insert(t["Name"]);
    if (!out->contains("NextToken")) break;
    std::string token = (*out)["NextToken"];
    EXPECT_TRUE(tokens.insert(token).second) << "token repeated";
    in["NextToken"] = token;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(names.size(), 25u);

  auto names_only = call("GetTables", {{"DatabaseName", "db"}, {"MaxResults", 1}, {"AttributesToGet", {"NAME"}}});
  ASSERT_TRUE(names_only.ok());
  EXPECT_EQ((*names_only)["TableList"][0], (Json{{"Name", "t100"}}));

  // A token is bound to its query: replaying it with another Expression fails.
  auto first = call("GetTables", {{"DatabaseName", "db"}, {"MaxResults", 10}});
  auto replay = call("GetTables", {{"DatabaseName", "db"}, {"Expression", "t1*"},
                                   {"NextToken", (*first)["NextToken"]}});
  EXPECT_TRUE(absl::IsInvalidArgument(replay.status())) << replay.status();
}

TEST_F(CatalogOpsTest, ResponsesAreShapedAsTheModel) {
  ASSERT_TRUE(call("CreateDatabase", {{"DatabaseInput", {{"Name", "Db"}}}}).ok());
  auto db = call("GetDatabase", {{"Name", "db"}});
  ASSERT_TRUE(db.ok());
  EXPECT_EQ((*db)["Database"]["Name"], "db");
  EXPECT_TRUE((*db)["Database"]["CreateTime"].is_number());

  EXPECT_TRUE(absl::IsInvalidArgument(call("CreateTable", {{"DatabaseName", "db"}}).status()));
  ASSERT_TRUE(call("CreateTable", {{"DatabaseName", "db"}, {"TableInput", {{"Name", "T"}}}}).ok());
  auto t = call("GetTable", {{"DatabaseName", "db"}, {"Name", "t"}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)["Table"]["VersionId"], "0");

  // UpdateTable with a stale VersionId.
  Json upd = {{"DatabaseName", "db"}, {"TableInput", {{"Name", "t"}}}, {"VersionId", "0"}};
  ASSERT_TRUE(call("UpdateTable", upd).ok());
  EXPECT_TRUE(absl::IsAborted(call("UpdateTable", upd).status()));
  auto v = call("GetTableVersions", {{"DatabaseName", "db"}, {"TableName", "t"}});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ((*v)["TableVersions"].size(), 2u);
  EXPECT_FALSE(v->contains("NextToken"));

  // Batch errors: per item, not a failure of the whole call.
  auto batch = call("BatchDeleteTable", {{"DatabaseName", "db"}, {"TablesToDelete", {"t", "missing"}}});
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ((*batch)["Errors"].size(), 1u);
  EXPECT_EQ((*batch)["Errors"][0]["ErrorDetail"]["ErrorCode"], "EntityNotFoundException");
  auto clean = call("BatchDeleteTable", {{"DatabaseName", "db"}, {"TablesToDelete", Json::array()}});
  EXPECT_FALSE(clean->contains("Errors"));

  ASSERT_TRUE(call("CreateConnection", {{"ConnectionInput", {{"Name", "c"}, {"ConnectionType", "JDBC"},
                                                             {"ConnectionProperties", {{"PASSWORD", "p"}}}}}})
                  .ok());
  auto conns = call("GetConnections", {{"HidePassword", true}});
  ASSERT_TRUE(conns.ok());
  EXPECT_FALSE((*conns)["ConnectionList"][0]["ConnectionProperties"].contains("PASSWORD"));
  auto bdc = call("BatchDeleteConnection", {{"ConnectionNameList", {"c", "x"}}});
  EXPECT_EQ((*bdc)["Succeeded"], Json::array({"c"}));
  EXPECT_EQ((*bdc)["Errors"]["x"]["ErrorCode"], "EntityNotFoundException");

  auto tags = call("GetTags", {{"ResourceArn", "arn:aws:glue:us-east-1:123456789012:database/db"}});
  ASSERT_TRUE(tags.ok());
  EXPECT_TRUE((*tags)["Tags"].is_object());
}

}  // namespace
}  // namespace mortar::api
