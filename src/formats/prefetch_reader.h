// A RecordReader that decodes ahead on its own thread: while the consumer
// encodes or writes batch N, the producer decodes batch N+1, so a convert
// uses both cores. At most `depth` decoded batches wait in the queue, so
// memory stays bounded by the batch size. Errors surface from next() in
// order, after the batches decoded before them.
// Thread-safety: next() is called from one thread; the wrapped reader is only
// touched by the prefetch thread once constructed.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "formats/format.h"

namespace mortar::formats {

class PrefetchReader : public RecordReader {
 public:
  explicit PrefetchReader(std::unique_ptr<RecordReader> inner, size_t depth = 2);
  ~PrefetchReader() override;  // stops and joins the prefetch thread

  types::TypePtr schema() const override { return schema_; }
  StatusOr<std::unique_ptr<types::RecordBatch>> next() override;

 private:
  void produce();

  std::unique_ptr<RecordReader> inner_;
  types::TypePtr schema_;
  const size_t depth_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<types::RecordBatch>> queue_;  // guarded by mu_
  Status error_;                                           // guarded by mu_
  bool finished_ = false;                                  // guarded by mu_
  bool stopping_ = false;                                  // guarded by mu_
  std::thread thread_;
};

}  // namespace mortar::formats
