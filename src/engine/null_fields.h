// Which fields (nested struct fields too) are null in every record seen so
// far: DropNullFields' pass and the file sink's single-pass writes share it.
// Not thread-safe (one tracker per stream).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/field_path.h"
#include "types/column.h"

namespace mortar::engine {

class NullFieldTracker {
 public:
  // Notes the non-null values of a batch (its columns by field name).
  void mark(const types::RecordBatch& batch);
  // Paths of `schema`'s fields with no non-null value marked so far
  // (a struct with none is one path; otherwise its null children are).
  std::vector<FieldPath> null_paths(const types::DataType& schema) const;

 private:
  struct Seen {
    bool any = false;
    std::map<std::string, Seen> fields;
  };
  static void mark_column(const types::Column& c, Seen& seen);
  static void collect(const types::DataType& t, const Seen& seen, FieldPath& prefix,
                      std::vector<FieldPath>& out);
  Seen root_;
};

// The batch without the fields at `paths` (struct-only paths).
StatusOr<std::unique_ptr<types::RecordBatch>> drop_field_paths(
    std::unique_ptr<types::RecordBatch> batch, const std::vector<FieldPath>& paths);

}  // namespace mortar::engine
