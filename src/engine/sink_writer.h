// The file sink's writer: routes each batch's rows to Hive partition folders
// (`key=value/`, grouped per batch with a gather, not row by row) and into
// `num_files` files per folder under a temp root.
//
// The written schema may change between batches (a single-pass sink drops
// fields that have been null so far, or widens the schema a Map callback
// produces): each new schema starts a new generation of files. finish()
// then brings every (folder, file slot) to one file of the final schema,
// reading back and rewriting only the files written with another schema
// (none in the common case). The open writers' buffered bytes together are
// bounded (SinkWriterConfig::buffer_budget): with one writer per folder, each
// holding a row group, memory would otherwise grow with the folder count and
// all the encoding would happen at the end. Not thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/status.h"
#include "formats/format.h"
#include "io/file_system.h"
#include "types/column.h"

namespace mortar::engine {

struct SinkWriterConfig {
  io::FileSystem* fs = nullptr;
  std::string root;  // the temp folder files go to
  const formats::Format* format = nullptr;
  std::string suffix;  // ".parquet", ".json.gz" ...
  std::vector<std::string> partition_keys;
  int num_files = 1;  // per folder
  formats::WriteOptions options;
  std::string run;  // in file names
  // Bytes the open writers may buffer together (Parquet row groups, ORC
  // stripes not yet encoded); past it the writer holding the most flushes.
  // 0: the default, sink_buffer_budget().
  int64_t buffer_budget = 0;
  // Unresolved choices are written as the struct Glue's toDF() makes of them
  // (choices_to_structs); schemas given to write()/finish() keep the choices.
  bool choices_as_structs = false;
};

// The default buffer budget of a sink: 1/16 of the engine's memory limit
// (MORTAR_ENGINE_MEMORY_MB), at least 16 MB and at most 256 MB.
int64_t sink_buffer_budget();

class SinkWriter {
 public:
  explicit SinkWriter(SinkWriterConfig config);
  ~SinkWriter();

  // `batch` holds every field, partition keys included.
  Status write(std::unique_ptr<types::RecordBatch> batch);
  // Closes every file and rewrites those not written with `final_schema`
  // (partition keys included) so each (folder, slot) is one such file.
  Status finish(const types::TypePtr& final_schema);

  // Written files relative to the root (after finish: the final ones).
  std::vector<std::string> files() const;
  int64_t rows() const { return rows_; }
  const std::vector<std::string>& partition_keys() const { return config_.partition_keys; }
  int64_t rewritten_files() const { return rewritten_; }
  int64_t buffer_budget() const { return config_.buffer_budget; }
  // What the open writers buffer together now (at most the budget between writes).
  int64_t buffered_bytes() const { return buffered_; }
  // The most the open writers buffered together, measured after each write
  // to one of them and before any flush it triggered; the flushes made to
  // stay within the budget.
  int64_t peak_buffered_bytes() const { return peak_buffered_; }
  int64_t budget_flushes() const { return budget_flushes_; }

 private:
  struct Generation {
    types::TypePtr schema;       // with keys
    types::TypePtr data_schema;  // without
    types::TypePtr file_schema;  // data_schema as the files hold it
    std::vector<int> key_columns, data_columns;
  };
  struct FileEntry {
    std::string rel;
    std::string slot;  // folder + slot number: files finish() merges
    types::TypePtr data_schema;
  };
  // data_schema as the files hold it (choices as structs when configured).
  StatusOr<types::TypePtr> file_schema(const types::TypePtr& data_schema) const;
  // A batch read back from a file written with `written` (a data schema),
  // fitted to the files' form of `data_schema`.
  StatusOr<std::unique_ptr<types::RecordBatch>> refit(std::unique_ptr<types::RecordBatch> batch,
                                                      const types::TypePtr& written,
                                                      const types::TypePtr& data_schema) const;
  Status start_generation(const types::TypePtr& schema);
  // rows == nullptr: all rows in order (columns may then be moved out).
  Status write_rows(types::RecordBatch& batch, const std::string& dir, const int64_t* rows,
                    int64_t n);
  std::string folder_text(const types::RecordBatch& batch, int64_t row) const;
  Status merge_slot(const std::vector<size_t>& entries, const types::TypePtr& data_schema);
  // Flushes the writers holding the most until the total fits the budget.
  Status enforce_budget();
  Status close_open();

  struct OpenWriter {
    std::unique_ptr<formats::RecordWriter> writer;
    int64_t buffered = 0;  // its buffered_bytes() when last asked
  };
  // The writer of the folder's next file slot (round robin), opened if new.
  StatusOr<OpenWriter*> next_writer(const std::string& dir);
  // Counts `rows` written to `w` and keeps the buffers within the budget.
  Status wrote(OpenWriter& w, int64_t rows);

  SinkWriterConfig config_;
  Generation gen_;
  int generation_ = -1;
  std::map<std::string, OpenWriter> open_;  // by slot
  int64_t buffered_ = 0;                    // sum of open_'s `buffered`
  int64_t peak_buffered_ = 0;
  int64_t budget_flushes_ = 0;
  std::map<std::string, int> next_slot_;  // by folder
  std::vector<FileEntry> entries_;
  int64_t rows_ = 0;
  int64_t rewritten_ = 0;
};

// Runs a SinkWriter's write() on a thread of its own, up to `depth` batches
// behind the caller, so partitioning and encoding overlap with reading and
// the transforms. The plan keeps running on the calling thread: callbacks
// (Python's Map/Filter) stay on the thread that called the action.
class AsyncSinkWriter {
 public:
  AsyncSinkWriter(SinkWriter& writer, size_t depth);
  ~AsyncSinkWriter();  // stops the thread (queued batches are dropped)
  // Queues a batch; returns the writer's first failure once known.
  Status push(std::unique_ptr<types::RecordBatch> batch);
  // Waits for the queue to drain; the writer's first failure, if any.
  Status drain();

 private:
  void run();
  SinkWriter& writer_;
  const size_t depth_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<types::RecordBatch>> queue_ ABSL_GUARDED_BY(mu_);
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  Status status_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// A copy of `batch` with `schema`'s fields in its order: fields matched by
// name, converted when the types differ (conform, else cast), missing ones
// null. Used when rewriting files read back with another schema.
StatusOr<std::unique_ptr<types::RecordBatch>> fit_batch(std::unique_ptr<types::RecordBatch> batch,
                                                        const types::TypePtr& schema);

}  // namespace mortar::engine
