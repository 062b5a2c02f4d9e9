// DirectoryWatcher: files that appear in local directories, for the
// "mortar.files" event source (event_sources.h). A file is reported once it
// is complete: with inotify when it is closed after writing (IN_CLOSE_WRITE)
// or moved in (IN_MOVED_TO, the usual write-then-rename); where inotify is
// unavailable (no instance, a directory that does not exist yet, a file
// system without it) the directory is polled, and a file is reported when two
// scans in a row see the same size and modification time. Files present when
// a directory starts being watched are never reported; names starting with
// "." (temporary files) are skipped; directories are not recursed into.
//
// Thread-safety: wake() may be called from any thread; everything else from
// one thread (the event sources' loop).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace mortar::events {

struct FileEvent {
  std::string directory;  // as watched
  std::string name;       // the file's name within it
  int64_t size = 0;
};

class DirectoryWatcher {
 public:
  // use_inotify false: every directory is polled (tests, and the fallback).
  // Polled directories are scanned at most every `poll_interval_millis`.
  explicit DirectoryWatcher(bool use_inotify = true, int poll_interval_millis = 1000);
  ~DirectoryWatcher();
  DirectoryWatcher(const DirectoryWatcher&) = delete;
  DirectoryWatcher& operator=(const DirectoryWatcher&) = delete;

  // Starts watching `dir` (an absolute path); files already there do not
  // count. Watching a watched directory changes nothing.
  void watch(const std::string& dir);
  void unwatch(const std::string& dir);
  std::set<std::string> watched() const;
  // Whether `dir` is watched with inotify (false: polled).
  bool uses_inotify(const std::string& dir) const;

  // Waits up to `timeout_millis` for inotify events (or wake()), then
  // rescans the polled directories if a poll interval has passed; returns
  // the files completed since.
  std::vector<FileEvent> wait(int timeout_millis);
  void wake();

 private:
  struct Seen {
    int64_t size = 0;
    int64_t mtime = 0;
    bool reported = false;
  };
  struct Dir {
    int wd = -1;                        // inotify watch, -1: polled
    std::map<std::string, Seen> files;  // polled: what the last scan saw
  };
  void scan(const std::string& path, Dir& dir, bool initial, std::vector<FileEvent>& out);
  void read_inotify(std::vector<FileEvent>& out);

  const int poll_interval_millis_;
  int64_t last_scan_millis_ = 0;  // steady clock
  int inotify_fd_ = -1;
  int wake_fd_ = -1;  // eventfd
  std::map<std::string, Dir> dirs_;
  std::map<int, std::string> by_wd_;
};

}  // namespace mortar::events
