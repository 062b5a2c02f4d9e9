#include "server/readiness.h"

#include <gtest/gtest.h>

#include "server/parts.h"

namespace mortar::server {
namespace {

class ReadinessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::open_sqlite_store(":memory:")).value();
    auto versions = migrate_components(*store_);
    ASSERT_TRUE(versions.ok()) << versions.status();
    versions_ = *versions;
  }
  std::string reason(const Status& s) { return std::string(s.message()); }

  std::unique_ptr<store::Store> store_;
  SchemaVersions versions_;
};

TEST_F(ReadinessTest, KnowsEveryComponentTheServerMigrates) {
  for (const char* component : {"auth", "catalog", "partitions", "crawlers"}) {
    ASSERT_TRUE(versions_.contains(component)) << component;
    EXPECT_GE(versions_.at(component), 1) << component;
  }
}

TEST_F(ReadinessTest, ReadyWhenTheStoreHoldsTheKnownVersions) {
  EXPECT_TRUE(Readiness(*store_, versions_).check().ok());
}

TEST_F(ReadinessTest, NotReadyWhenTheStoreIsBehindThisBinary) {
  SchemaVersions newer = versions_;
  newer["catalog"] += 1;
  Status s = Readiness(*store_, newer).check();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(reason(s), "the store's schema of component 'catalog' is at version " +
                           std::to_string(versions_["catalog"]) + ", this server needs " +
                           std::to_string(newer["catalog"]));
  newer = versions_;
  newer["not_yet_a_component"] = 1;  // a component the store never saw
  EXPECT_NE(reason(Readiness(*store_, newer).check()).find("'not_yet_a_component' is at version 0"),
            std::string::npos);
}

TEST_F(ReadinessTest, NotReadyWhenTheStoreDoesNotAnswer) {
  Readiness readiness(*store_, versions_);
  ASSERT_TRUE(store_->close().ok());
  Status s = readiness.check();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(reason(s).rfind("the store does not answer: ", 0), 0u) << s;
}

}  // namespace
}  // namespace mortar::server
