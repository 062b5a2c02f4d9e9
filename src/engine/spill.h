// Batches spilled to a local temporary file and read back, for transforms
// whose held data passes the memory budget (Join's grace partitions). The
// format is the columns' own buffers, written as they are: private to one
// execution, never read by anything else. The file is removed when the
// SpillFile is destroyed. Not thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "common/status.h"
#include "engine/plan_node.h"
#include "types/column.h"

namespace mortar::engine {

class SpillFile {
 public:
  // A new file in $TMPDIR (or /tmp).
  static StatusOr<std::unique_ptr<SpillFile>> create();
  ~SpillFile();

  Status append(const types::RecordBatch& batch);
  int64_t bytes() const { return bytes_; }
  int64_t rows() const { return rows_; }
  // Reads the batches back in order (each with `schema`, the type they were
  // written with); ends writing.
  StatusOr<std::unique_ptr<BatchStream>> read(types::TypePtr schema);

 private:
  SpillFile() = default;
  std::string path_;
  std::FILE* file_ = nullptr;
  int64_t bytes_ = 0;
  int64_t rows_ = 0;
};

}  // namespace mortar::engine
