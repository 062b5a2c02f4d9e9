#include "formats/prefetch_reader.h"

namespace mortar::formats {

PrefetchReader::PrefetchReader(std::unique_ptr<RecordReader> inner, size_t depth)
    : inner_(std::move(inner)), schema_(inner_->schema()), depth_(depth < 1 ? 1 : depth) {
  thread_ = std::thread([this] { produce(); });
}

PrefetchReader::~PrefetchReader() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void PrefetchReader::produce() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [this] { return stopping_ || queue_.size() < depth_; });
      if (stopping_) return;
    }
    StatusOr<std::unique_ptr<types::RecordBatch>> batch = inner_->next();
    std::lock_guard<std::mutex> lock(mu_);
    if (!batch.ok()) {
      error_ = batch.status();
      finished_ = true;
    } else if (!*batch) {
      finished_ = true;
    } else {
      queue_.push_back(std::move(*batch));
    }
    changed_.notify_all();
    if (finished_) return;
  }
}

StatusOr<std::unique_ptr<types::RecordBatch>> PrefetchReader::next() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return !queue_.empty() || finished_; });
  if (!queue_.empty()) {
    auto batch = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
    return batch;
  }
  if (!error_.ok()) return error_;
  return std::unique_ptr<types::RecordBatch>();
}

}  // namespace mortar::formats
