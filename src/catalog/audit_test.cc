// Audit trail retention: prune_audit by age and by row count, driven by the
// catalog's FakeClock.
#include "catalog/audit.h"

#include "catalog/catalog_test_util.h"

namespace mortar::catalog {
namespace {

constexpr int64_t kDay = 86'400'000'000;

class AuditRetentionTest : public CatalogTest {
 protected:
  // One audited mutation (a database create) at the clock's current time.
  void mutate(const std::string& db) { make_db(db); }

  std::vector<std::string> resources_newest_first() {
    auto entries = list_audit(*store_, 1000);
    EXPECT_TRUE(entries.ok()) << entries.status();
    std::vector<std::string> out;
    for (const auto& e : *entries) out.push_back(e.resource.substr(e.resource.rfind('/') + 1));
    return out;
  }
};

TEST_P(AuditRetentionTest, KeepsTheNewestMaxRowsInSmallBatches) {
  for (int i = 0; i < 25; ++i) mutate("db" + std::to_string(i));
  AuditRetention r;
  r.max_age_days = 0;
  r.max_rows = 10;
  r.batch_rows = 4;  // 15 rows to go: four batches, the last one short
  auto deleted = prune_audit(*store_, r, clock_.now_micros());
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 15);
  auto kept = resources_newest_first();
  ASSERT_EQ(kept.size(), 10u);
  EXPECT_EQ(kept.front(), "db24");
  EXPECT_EQ(kept.back(), "db15");

  // Within the limit: nothing more goes; new rows push the oldest out.
  EXPECT_EQ(*prune_audit(*store_, r, clock_.now_micros()), 0);
  mutate("db25");
  mutate("db26");
  EXPECT_EQ(*prune_audit(*store_, r, clock_.now_micros()), 2);
  kept = resources_newest_first();
  ASSERT_EQ(kept.size(), 10u);
  EXPECT_EQ(kept.front(), "db26");
  EXPECT_EQ(kept.back(), "db17");
}

// Ids are not dense on PostgreSQL (an identity skips the values of
// rolled-back inserts): the count is of rows, not of ids.
TEST_P(AuditRetentionTest, KeepsMaxRowsWhenIdsHaveGaps) {
  for (int i = 0; i < 10; ++i) mutate("db" + std::to_string(i));
  ASSERT_TRUE(store::run_in_write_transaction(*store_, [](store::Transaction& tx) {
                return tx.exec("DELETE FROM audit_log WHERE resource LIKE '%/db1' OR resource LIKE '%/db3' "
                               "OR resource LIKE '%/db5' OR resource LIKE '%/db7' OR resource LIKE '%/db8'")
                    .status();
              }).ok());
  AuditRetention r;
  r.max_age_days = 0;
  r.max_rows = 3;
  auto deleted = prune_audit(*store_, r, clock_.now_micros());
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 2);
  EXPECT_EQ(resources_newest_first(), (std::vector<std::string>{"db9", "db6", "db4"}));
}

TEST_P(AuditRetentionTest, DropsRowsOlderThanTheWindow) {
  mutate("old1");
  mutate("old2");
  clock_.advance(10 * kDay);
  mutate("mid");
  clock_.advance(85 * kDay);
  mutate("new");
  AuditRetention r;
  r.max_age_days = 90;
  r.max_rows = 0;
  // 95 days after old1/old2, 85 after mid: only old1 and old2 are past 90 days.
  EXPECT_EQ(*prune_audit(*store_, r, clock_.now_micros()), 2);
  EXPECT_EQ(resources_newest_first(), (std::vector<std::string>{"new", "mid"}));
  clock_.advance(6 * kDay);  // mid is now 91 days old
  EXPECT_EQ(*prune_audit(*store_, r, clock_.now_micros()), 1);
  EXPECT_EQ(resources_newest_first(), (std::vector<std::string>{"new"}));
  clock_.advance(91 * kDay);  // everything is old: the log may become empty
  EXPECT_EQ(*prune_audit(*store_, r, clock_.now_micros()), 1);
  EXPECT_TRUE(resources_newest_first().empty());
  // And fills again from there.
  mutate("later");
  EXPECT_EQ(resources_newest_first(), (std::vector<std::string>{"later"}));
}

TEST_P(AuditRetentionTest, OneCallDeletesAtMostMaxBatchesAndTheNextGoesOn) {
  for (int i = 0; i < 30; ++i) mutate("db" + std::to_string(i));
  clock_.advance(100 * kDay);
  mutate("fresh");
  AuditRetention r;
  r.max_age_days = 90;
  r.max_rows = 0;
  r.batch_rows = 5;
  r.max_batches = 2;
  EXPECT_EQ(*prune_audit(*store_, r, clock_.now_micros()), 10);
  EXPECT_EQ(resources_newest_first().size(), 21u);
  int64_t total = 10;
  while (true) {
    auto n = prune_audit(*store_, r, clock_.now_micros());
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    total += *n;
  }
  EXPECT_EQ(total, 30);
  EXPECT_EQ(resources_newest_first(), (std::vector<std::string>{"fresh"}));
}

TEST_P(AuditRetentionTest, BothLimitsOffOrAnEmptyLogPruneNothing) {
  AuditRetention r;
  EXPECT_EQ(*prune_audit(*store_, r, clock_.now_micros()), 0);  // empty log
  for (int i = 0; i < 3; ++i) mutate("db" + std::to_string(i));
  r.max_age_days = 0;
  r.max_rows = 0;
  clock_.advance(1000 * kDay);
  EXPECT_EQ(*prune_audit(*store_, r, clock_.now_micros()), 0);
  EXPECT_EQ(resources_newest_first().size(), 3u);
}

MORTAR_ON_STORE_BACKENDS(AuditRetentionTest, test_support::StoreBackend::kSqliteFile);

}  // namespace
}  // namespace mortar::catalog
