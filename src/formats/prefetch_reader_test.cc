#include "formats/prefetch_reader.h"

#include <atomic>

#include <gtest/gtest.h>

namespace mortar::formats {
namespace {

// Yields `batches` one-row batches whose value is the batch number, then
// either ends or fails; counts how far it was asked to read.
class CountingReader : public RecordReader {
 public:
  CountingReader(int batches, bool fail_at_end, std::atomic<int>* produced)
      : batches_(batches), fail_at_end_(fail_at_end), produced_(produced) {}
  types::TypePtr schema() const override { return schema_; }
  StatusOr<std::unique_ptr<types::RecordBatch>> next() override {
    if (next_ == batches_) {
      if (fail_at_end_) return invalid_input("data.json:3 (byte 40): invalid JSON");
      return std::unique_ptr<types::RecordBatch>();
    }
    auto col = std::make_unique<types::Column>(types::DataType::bigint());
    col->append_int(next_++);
    ++*produced_;
    std::vector<std::unique_ptr<types::Column>> cols;
    cols.push_back(std::move(col));
    return std::make_unique<types::RecordBatch>(schema_, std::move(cols), 1);
  }

 private:
  types::TypePtr schema_ = types::DataType::structure({{"n", types::DataType::bigint()}});
  int batches_;
  bool fail_at_end_;
  std::atomic<int>* produced_;
  int next_ = 0;
};

TEST(PrefetchReader, DeliversEveryBatchInOrderThenTheEnd) {
  std::atomic<int> produced{0};
  PrefetchReader reader(std::make_unique<CountingReader>(100, false, &produced));
  EXPECT_EQ(reader.schema()->to_string(), "struct<n:bigint>");
  for (int i = 0; i < 100; ++i) {
    auto batch = reader.next();
    ASSERT_TRUE(batch.ok());
    ASSERT_NE(*batch, nullptr);
    EXPECT_EQ((*batch)->column(0).values<int64_t>()[0], i);
  }
  auto end = reader.next();
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, nullptr);
}

TEST(PrefetchReader, ErrorComesAfterTheBatchesBeforeIt) {
  std::atomic<int> produced{0};
  PrefetchReader reader(std::make_unique<CountingReader>(3, true, &produced));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(reader.next().ok());
  auto failed = reader.next();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(std::string(failed.status().message()).find("data.json:3"), std::string::npos);
}

TEST(PrefetchReader, ReadsAheadOnlyAsFarAsItsDepth) {
  std::atomic<int> produced{0};
  auto reader = std::make_unique<PrefetchReader>(
      std::make_unique<CountingReader>(1000, false, &produced), 2);
  ASSERT_TRUE(reader->next().ok());
  // One batch consumed; at most `depth` more decoded plus one in flight.
  for (int spin = 0; spin < 200 && produced.load() < 3; ++spin)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_LE(produced.load(), 4);
  reader.reset();  // stops the producer without draining the 1000 batches
  EXPECT_LE(produced.load(), 4);
}

}  // namespace
}  // namespace mortar::formats
