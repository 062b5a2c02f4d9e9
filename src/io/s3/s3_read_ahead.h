// Sequential reading of one S3 object as consecutive ranged GETs, several
// in flight at once: a large object streams at the speed of `parallelism`
// connections instead of one. Parts come back strictly in order; memory is
// bounded by parallelism + 1 parts (those in flight or waiting, plus the one
// the reader holds). Every part is fetched with If-Match on the ETag seen
// when the stream was opened and must have exactly its expected length, so
// an object that changes or a short response is an error, never a silently
// spliced or truncated stream. The first failed part ends the stream: parts
// before it are returned, then its error, again on every later call.
//
// Thread-safety: one consumer thread calls next(); the workers are internal.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "io/s3/s3_client.h"

namespace mortar::io::s3 {

struct ObjectRef {
  std::string bucket, key, uri;  // uri: "s3://bucket/key" for messages
  int64_t size = 0;
  std::string etag;  // from HEAD; empty -> no If-Match
};

class S3ReadAhead {
 public:
  S3ReadAhead(const S3Client& client, ObjectRef object, int64_t part_size, int parallelism);
  ~S3ReadAhead();  // stops the workers, aborting requests in flight
  S3ReadAhead(const S3ReadAhead&) = delete;
  S3ReadAhead& operator=(const S3ReadAhead&) = delete;

  // The next part in order into *out; an empty *out at the end.
  Status next(std::string* out);

 private:
  Status fetch(int64_t index, std::string* out) const;
  void work();

  const S3Client& client_;
  const ObjectRef object_;
  const int64_t part_size_;
  const int parallelism_;
  const int64_t num_parts_;

  std::mutex mu_;
  std::condition_variable work_cv_;  // workers wait for a part to claim
  std::condition_variable done_cv_;  // the consumer waits for its part
  int64_t next_to_fetch_ = 0;        // guarded by mu_
  int64_t next_to_consume_ = 0;      // guarded by mu_
  bool stop_ = false;                // guarded by mu_
  bool failed_ = false;              // guarded by mu_: no new parts after an error
  std::map<int64_t, std::pair<Status, std::string>> done_;  // guarded by mu_
  Status sticky_error_;              // consumer-only
  std::atomic<bool> cancel_{false};   // set by the destructor; aborts transfers
  std::vector<std::thread> workers_;  // started on the first next()
};

}  // namespace mortar::io::s3
