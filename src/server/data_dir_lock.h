// One `mortar serve` per data dir: the server holds <data_dir>/server.lock
// with flock(LOCK_EX | LOCK_NB) for its whole life, and writes its PID into
// it. A second server on the same dir is refused before it touches any of
// the first one's files (server.addr, the store, crawl logs), whichever port
// it asks for. The kernel drops the lock when the process dies, so a crash
// leaves nothing to clean up; the file itself stays.
// Kept on PostgreSQL too (several servers share the store, but each has its
// own data dir for local files).
#pragma once

#include <memory>
#include <string>

#include "common/status.h"

namespace mortar::server {

class DataDirLock {
 public:
  // FailedPrecondition "data dir D is in use by mortar serve pid N" when
  // another process (or another lock object in this one) holds it. With
  // `create` the lock file is created if missing (`data_dir` must exist);
  // without, a missing data dir or lock file gives nullptr and nothing is
  // written (a server checks before binding its port, so a start that
  // cannot bind leaves a fresh data dir untouched).
  static StatusOr<std::unique_ptr<DataDirLock>> acquire(const std::string& data_dir,
                                                        bool create = true);
  ~DataDirLock();  // releases the lock
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace mortar::server
