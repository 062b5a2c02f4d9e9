// What a crawler in CRAWL_EVENT_MODE keeps between crawls (store component
// "crawl_events"), shared by every server on the store:
//   - the objects created below its targets since they were last crawled
//     ("Object Created" events: the event sources' watches of the targets,
//     or PutEvents), one row per path, newest sequence wins;
//   - whether it has a baseline: a full crawl succeeded since the crawler
//     was created or updated (Glue's first crawl, and the first after an
//     UpdateCrawler, list everything).
// A crawl reads the pending paths when it starts and deletes exactly the
// (path, seq) rows it read once it succeeded, so an object re-created while
// the crawl ran stays pending for the next one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace mortar::crawler {

struct PendingObject {
  std::string path;  // a local path or s3:// URI, as the event named it
  int64_t seq = 0;
};

class CrawlEvents {
 public:
  static Status migrate(store::Store& store);

  // Records `path` as created for the crawler; `seq` orders records (the
  // clock's microseconds).
  static Status record(store::Transaction& tx, const std::string& account,
                       const std::string& crawler, const std::string& path, int64_t seq);
  static StatusOr<std::vector<PendingObject>> pending(store::Store& store,
                                                      const std::string& account,
                                                      const std::string& crawler);
  // Deletes the rows read by pending() (unless re-recorded since).
  static Status consume(store::Store& store, const std::string& account, const std::string& crawler,
                        const std::vector<PendingObject>& read);

  static StatusOr<bool> has_baseline(store::Store& store, const std::string& account,
                                     const std::string& crawler);
  static Status set_baseline(store::Store& store, const std::string& account,
                             const std::string& crawler);
  // UpdateCrawler: the next crawl lists everything again (pending paths stay:
  // that crawl consumes them).
  static Status reset_baseline(store::Transaction& tx, const std::string& account,
                               const std::string& crawler);
  // DeleteCrawler: forgets everything.
  static Status drop(store::Transaction& tx, const std::string& account,
                     const std::string& crawler);
};

}  // namespace mortar::crawler
