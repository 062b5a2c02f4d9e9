#include "io/s3/s3_read_ahead.h"

#include <algorithm>

#include "io/s3/s3_streams.h"

namespace mortar::io::s3 {

S3ReadAhead::S3ReadAhead(const S3Client& client, ObjectRef object, int64_t part_size,
                         int parallelism)
    : client_(client),
      object_(std::move(object)),
      part_size_(std::max<int64_t>(1, part_size)),
      parallelism_(std::max(1, parallelism)),
      num_parts_((object_.size + part_size_ - 1) / part_size_) {}

S3ReadAhead::~S3ReadAhead() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cancel_ = true;
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

Status S3ReadAhead::fetch(int64_t index, std::string* out) const {
  int64_t offset = index * part_size_;
  int64_t want = std::min(part_size_, object_.size - offset);
  MORTAR_RETURN_IF_ERROR(ranged_get(client_, object_.bucket, object_.key, object_.uri, offset, want,
                                    object_.size, out, object_.etag, &cancel_));
  if (static_cast<int64_t>(out->size()) != want) {
    return internal_error("reading " + object_.uri + ": bytes " + std::to_string(offset) + "-" +
                          std::to_string(offset + want - 1) + " came back with " +
                          std::to_string(out->size()) + " bytes (object changed while reading?)");
  }
  return ok_status();
}

void S3ReadAhead::work() {
  for (;;) {
    int64_t index;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] {
        return stop_ || failed_ || next_to_fetch_ >= num_parts_ ||
               next_to_fetch_ < next_to_consume_ + parallelism_;
      });
      if (stop_ || failed_ || next_to_fetch_ >= num_parts_) return;
      index = next_to_fetch_++;
    }
    std::string data;
    Status st = fetch(index, &data);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!st.ok()) failed_ = true;
      done_[index] = {std::move(st), std::move(data)};
    }
    done_cv_.notify_all();
    if (!st.ok()) work_cv_.notify_all();
  }
}

Status S3ReadAhead::next(std::string* out) {
  out->clear();
  if (!sticky_error_.ok()) return sticky_error_;
  if (next_to_consume_ >= num_parts_) return ok_status();
  // Small objects or no parallelism: one request at a time, no threads.
  if (parallelism_ == 1 || num_parts_ == 1) {
    Status st = fetch(next_to_consume_, out);
    if (!st.ok()) sticky_error_ = st;
    ++next_to_consume_;
    return st;
  }
  if (workers_.empty()) {
    int n = static_cast<int>(std::min<int64_t>(parallelism_, num_parts_));
    for (int i = 0; i < n; ++i) workers_.emplace_back([this] { work(); });
  }
  std::pair<Status, std::string> part;
  {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return done_.count(next_to_consume_) > 0; });
    auto it = done_.find(next_to_consume_);
    part = std::move(it->second);
    done_.erase(it);
    ++next_to_consume_;
  }
  work_cv_.notify_all();
  if (!part.first.ok()) {
    sticky_error_ = part.first;
    return sticky_error_;
  }
  *out = std::move(part.second);
  return ok_status();
}

}  // namespace mortar::io::s3
