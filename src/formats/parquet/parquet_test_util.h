// Helpers for the Parquet writer's unit tests (header-only, not in the
// library): a temp file path and a write of one batch.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "formats/parquet/parquet_format.h"
#include "io/file_system.h"

namespace mortar::formats::parquet::testing_util {

inline std::string temp_path(const std::string& name) {
  auto dir = std::filesystem::path(::testing::TempDir()) / "mortar_parquet_test";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

// Writes `batch` to `path`, handed to the writer whole or, with
// `slice_rows` > 0, in slices of that many rows (as a sink hands them over).
inline Status write_file(const std::string& path, const types::RecordBatch& batch,
                         Options opts = {}, int64_t slice_rows = 0) {
  WriteOptions wo;
  wo.format_options = std::move(opts);
  MORTAR_ASSIGN_OR_RETURN(
      auto w, parquet_format().open_writer(io::local_file_system(), path, batch.schema(), wo));
  if (slice_rows <= 0) {
    MORTAR_RETURN_IF_ERROR(w->write(batch));
    return w->close();
  }
  for (int64_t begin = 0; begin < batch.num_rows(); begin += slice_rows) {
    int64_t n = std::min<int64_t>(slice_rows, batch.num_rows() - begin);
    std::vector<std::unique_ptr<types::Column>> cols;
    for (int c = 0; c < batch.num_columns(); ++c) cols.push_back(batch.column(c).slice(begin, n));
    MORTAR_RETURN_IF_ERROR(w->write(types::RecordBatch(batch.schema(), std::move(cols), n)));
  }
  return w->close();
}

}  // namespace mortar::formats::parquet::testing_util
