#include "api/accounts.h"

#include <gtest/gtest.h>

#include <re2/re2.h>

namespace mortar::api {
namespace {

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::open_sqlite_store(":memory:");
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
    ASSERT_TRUE(AccountRegistry::migrate(*store_).ok());
    ASSERT_TRUE(AccountRegistry::migrate(*store_).ok()) << "migrations are idempotent";
    registry_ = std::make_unique<AccountRegistry>(*store_, clock_);
  }
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AccountRegistry> registry_;
};

TEST_F(AccountsTest, CreatesAccountsWithGivenOrRandomIds) {
  auto a = registry_->create_account("default", "123456789012");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->account_id, "123456789012");
  EXPECT_EQ(a->created_at, clock_.now_seconds());
  auto b = registry_->create_account("other");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(RE2::FullMatch(b->account_id, "[1-9][0-9]{11}")) << b->account_id;
  auto dup = registry_->create_account("again", "123456789012");
  EXPECT_TRUE(absl::IsAlreadyExists(dup.status())) << dup.status();
  EXPECT_TRUE(absl::IsInvalidArgument(registry_->create_account("x", "12345").status()));
  auto all = registry_->list_accounts();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

TEST_F(AccountsTest, AccessKeysLookLikeAwsKeysAndCanBeRevoked) {
  ASSERT_TRUE(registry_->create_account("default", "123456789012").ok());
  auto key = registry_->create_access_key("123456789012", "admin");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_TRUE(RE2::FullMatch(key->access_key_id, "AKIA[A-Z0-9]{16}")) << key->access_key_id;
  EXPECT_EQ(key->secret_access_key.size(), 40u);
  EXPECT_TRUE(RE2::FullMatch(key->secret_access_key, "[A-Za-z0-9+/]{40}"));
  auto other = registry_->create_access_key("123456789012", "bob");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->access_key_id, key->access_key_id);
  EXPECT_NE(other->secret_access_key, key->secret_access_key);

  auto found = registry_->find_active_key(key->access_key_id);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->secret_access_key, key->secret_access_key);
  EXPECT_EQ(found->user_name, "admin");

  ASSERT_TRUE(registry_->revoke_access_key(key->access_key_id).ok());
  EXPECT_TRUE(absl::IsNotFound(registry_->find_active_key(key->access_key_id).status()));
  EXPECT_TRUE(absl::IsNotFound(registry_->revoke_access_key("AKIANOSUCHKEY0000000")));
  auto listed = registry_->list_access_keys("123456789012");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  int active = 0;
  for (const auto& k : *listed) active += k.active;
  EXPECT_EQ(active, 1);
}

TEST_F(AccountsTest, KeyForUnknownAccountIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(registry_->create_access_key("999999999999", "x").status()));
  ASSERT_TRUE(registry_->create_account("default", "123456789012").ok());
  EXPECT_TRUE(absl::IsInvalidArgument(
      registry_->create_access_key("123456789012", "bad name!").status()));
}

}  // namespace
}  // namespace mortar::api
