// TagResource/UntagResource/GetTags routing by the ARN's resource type: a
// module's tagger plugs into the registry's TagRouter whatever the order of
// registration, and the catalog's ARNs keep working beside it.
#include "api/ops/tag_operations.h"

#include <gtest/gtest.h>

#include "api/ops/catalog_operations.h"

namespace mortar::api {
namespace {

// A tagger for "job/<name>" ARNs keeping tags in memory, as a later module would.
class MemoryTagger : public ops::ResourceTagger {
 public:
  Status tag(const CallContext&, const TagArn& arn, const Json& tags) override {
    for (auto it = tags.begin(); it != tags.end(); ++it) tags_[arn.path][it.key()] = it.value();
    return ok_status();
  }
  Status untag(const CallContext&, const TagArn& arn,
               const std::vector<std::string>& keys) override {
    for (const auto& k : keys) tags_[arn.path].erase(k);
    return ok_status();
  }
  StatusOr<Json> get_tags(const CallContext&, const TagArn& arn) override {
    auto it = tags_.find(arn.path);
    if (it == tags_.end()) return not_found("Job " + arn.path + " not found.");
    return it->second;
  }
  std::map<std::string, Json> tags_;
};

class TagOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::open_sqlite_store(":memory:")).value();
    ASSERT_TRUE(catalog::Catalog::migrate(*store_).ok());
    catalog_ = std::make_unique<catalog::Catalog>(*store_, clock_);
  }
  StatusOr<Json> call(const std::string& op, const Json& input) {
    const OpHandler* h = registry_.find(op);
    if (h == nullptr) return unimplemented(op);
    RequestContext ctx;
    ctx.operation = op;
    ctx.account_id = "123456789012";
    return (*h)(ctx, input);
  }
  static std::string arn(const std::string& resource) {
    return "arn:aws:glue:us-east-1:123456789012:" + resource;
  }

  FakeClock clock_;
  NextTokenCodec codec_{"secret"};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<catalog::Catalog> catalog_;
  OperationRegistry registry_;
};

TEST_F(TagOpsTest, ModuleTaggerBesideTheCatalogInEitherOrder) {
  auto jobs = std::make_shared<MemoryTagger>();
  jobs->tags_["etl"] = Json::object();
  // The module registers first here; the catalog's registration must not drop it.
  ops::tag_router(registry_).add("job", jobs);
  register_catalog_operations(registry_, *catalog_, codec_);
  EXPECT_TRUE(ops::tag_router(registry_).handles("job"));
  EXPECT_TRUE(ops::tag_router(registry_).handles("database"));

  ASSERT_TRUE(
      call("TagResource", {{"ResourceArn", arn("job/etl")}, {"TagsToAdd", {{"a", "1"}}}}).ok());
  EXPECT_EQ(*call("GetTags", {{"ResourceArn", arn("job/etl")}}), Json({{"Tags", {{"a", "1"}}}}));
  ASSERT_TRUE(
      call("UntagResource", {{"ResourceArn", arn("job/etl")}, {"TagsToRemove", {"a"}}}).ok());
  EXPECT_EQ(*call("GetTags", {{"ResourceArn", arn("job/etl")}}), Json({{"Tags", Json::object()}}));
  EXPECT_EQ(call("GetTags", {{"ResourceArn", arn("job/other")}}).status().code(),
            absl::StatusCode::kNotFound);

  ASSERT_TRUE(
      catalog_->create_database({"123456789012", "123456789012"}, {{"Name", "d"}}, Json()).ok());
  ASSERT_TRUE(
      call("TagResource", {{"ResourceArn", arn("database/d")}, {"TagsToAdd", {{"k", "v"}}}}).ok());
  EXPECT_EQ(*call("GetTags", {{"ResourceArn", arn("database/d")}}), Json({{"Tags", {{"k", "v"}}}}));
}

TEST_F(TagOpsTest, RefusesWhatCannotBeTagged) {
  register_catalog_operations(registry_, *catalog_, codec_);
  auto code = [&](const std::string& a) {
    return call("GetTags", {{"ResourceArn", a}}).status().code();
  };
  EXPECT_EQ(code(arn("crawler/c")),
            absl::StatusCode::kInvalidArgument);  // no crawler tagger registered
  EXPECT_EQ(code("arn:aws:glue:us-east-1:999999999999:database/d"),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(code("not-an-arn"), absl::StatusCode::kInvalidArgument);
  auto s = call("TagResource", {{"ResourceArn", arn("classifier/c")}, {"TagsToAdd", {{"a", "b"}}}})
               .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(s.message()).find("Classifiers cannot be tagged"), std::string::npos) << s;
}

}  // namespace
}  // namespace mortar::api
