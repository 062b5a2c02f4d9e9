// Reads one leaf column's chunk of a row group: page headers, decompression,
// repetition/definition levels and values (all encodings), converting the
// physical values to the Mortar representation of the leaf (schema.h).
// Values come out dense (non-null values only); record_assembler.h places
// them into rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/schema.h"
#include "formats/parquet/value_conversion.h"
#include "io/file_system.h"

namespace mortar::formats::parquet {

struct LeafData {
  std::vector<int16_t> def, rep;  // one per entry (empty when the max level is 0)
  int64_t num_entries = 0;
  DenseValues values;
};

struct ChunkLimits {
  int64_t file_size = 0;
  int64_t max_entries = 0;  // cap on levels/values decoded for one chunk
};

// Reads the chunk described by `meta` for `leaf`. Errors name the file and
// byte offset.
Status read_column_chunk(const io::RandomAccessFile& file, const ColumnMetaData& meta,
                         const FieldNode& leaf, int64_t row_group_rows, const ChunkLimits& limits,
                         LeafData* out);

}  // namespace mortar::formats::parquet
