#include "formats/parquet/parquet_reader.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <strings.h>

#include "formats/parquet/column_reader.h"
#include "formats/parquet/record_assembler.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace mortar::formats::parquet {

using types::TypeKind;

namespace {
constexpr int64_t kMaxFooterBytes = int64_t{256} << 20;

std::string format_double(double d) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.17g", d);
  return buf;
}
}  // namespace

std::optional<std::string> stat_to_string(const FieldNode& leaf, const std::string& bytes) {
  DenseValues v;
  v.width = target_width(leaf);
  std::string plain;
  if (leaf.physical == PhysicalType::kByteArray) {
    uint32_t len = static_cast<uint32_t>(bytes.size());
    plain.append(reinterpret_cast<const char*>(&len), 4);
  } else if (leaf.physical == PhysicalType::kBoolean) {
    if (bytes.size() != 1) return std::nullopt;
  }
  plain += bytes;
  size_t consumed;
  if (!decode_plain(leaf, plain, 1, &v, &consumed).ok() || v.count != 1) return std::nullopt;
  const char* p = v.values.data();
  switch (leaf.type->kind()) {
    case TypeKind::kBoolean: return p[0] ? "true" : "false";
    case TypeKind::kTinyInt: { int8_t x; std::memcpy(&x, p, 1); return std::to_string(x); }
    case TypeKind::kSmallInt: { int16_t x; std::memcpy(&x, p, 2); return std::to_string(x); }
    case TypeKind::kInt: { int32_t x; std::memcpy(&x, p, 4); return std::to_string(x); }
    case TypeKind::kBigInt: { int64_t x; std::memcpy(&x, p, 8); return std::to_string(x); }
    case TypeKind::kFloat: { float x; std::memcpy(&x, p, 4); if (std::isnan(x)) return std::nullopt; return format_double(x); }
    case TypeKind::kDouble: { double x; std::memcpy(&x, p, 8); if (std::isnan(x)) return std::nullopt; return format_double(x); }
    case TypeKind::kDecimal: { __int128 x; std::memcpy(&x, p, 16); return types::format_decimal(x, leaf.type->scale()); }
    case TypeKind::kDate: { int32_t x; std::memcpy(&x, p, 4); return types::format_date(x); }
    case TypeKind::kTimestamp: { int64_t x; std::memcpy(&x, p, 8); return types::format_timestamp(x); }
    case TypeKind::kString:
    case TypeKind::kBinary: return std::string(v.data.data(), v.data.size());
    default: return std::nullopt;
  }
}

StatusOr<std::unique_ptr<ParquetReader>> ParquetReader::open(std::unique_ptr<io::RandomAccessFile> file,
                                                             const ReadOptions& options) {
  const std::string path = file->path();
  int64_t size = file->size();
  auto fail = [&](int64_t offset, const std::string& msg) {
    return invalid_input(path + ": " + msg + " at byte " + std::to_string(offset));
  };
  if (size < 12) return fail(0, "not a parquet file (" + std::to_string(size) + " bytes)");
  std::string head, tail;
  MORTAR_RETURN_IF_ERROR(file->read_at(0, 4, &head));
  MORTAR_RETURN_IF_ERROR(file->read_at(size - 8, 8, &tail));
  if (head != "PAR1") return fail(0, "not a parquet file (no PAR1 magic)");
  if (tail.size() != 8) return fail(size - 8, "file truncated");
  if (tail.substr(4) == "PARE") return unimplemented(path + ": encrypted parquet files are not supported");
  if (tail.substr(4) != "PAR1") return fail(size - 4, "no PAR1 magic at the end (truncated file?)");
  uint32_t footer_len;
  std::memcpy(&footer_len, tail.data(), 4);
  if (footer_len == 0 || footer_len > size - 12 || footer_len > kMaxFooterBytes) {
    return fail(size - 8, "bad footer length " + std::to_string(footer_len));
  }
  int64_t footer_start = size - 8 - footer_len;
  std::string footer;
  MORTAR_RETURN_IF_ERROR(file->read_at(footer_start, footer_len, &footer));
  auto md = parse_file_metadata(footer);
  if (!md.ok()) return annotate(md.status(), path + ": footer at byte " + std::to_string(footer_start));
  if (md->encrypted) return unimplemented(path + ": encrypted parquet files are not supported");

  std::unique_ptr<ParquetReader> r(new ParquetReader());
  r->metadata_ = std::move(*md);
  auto schema = build_file_schema(r->metadata_.schema);
  if (!schema.ok()) return annotate(schema.status(), path + ": schema in the footer at byte " + std::to_string(footer_start));
  r->file_schema_ = std::move(*schema);
  for (size_t g = 0; g < r->metadata_.row_groups.size(); ++g) {
    const RowGroup& rg = r->metadata_.row_groups[g];
    if (rg.num_rows < 0) return fail(footer_start, "row group " + std::to_string(g) + " has a negative row count");
    if (rg.columns.size() != static_cast<size_t>(r->file_schema_.num_leaves)) {
      return fail(footer_start, "row group " + std::to_string(g) + " has " + std::to_string(rg.columns.size()) +
                                    " column chunks, the schema " + std::to_string(r->file_schema_.num_leaves) + " leaves");
    }
  }
  // Projection.
  std::vector<types::Field> fields;
  if (options.columns.empty()) {
    for (const auto& f : r->file_schema_.fields) r->selected_.push_back(f.get());
  } else {
    for (const std::string& name : options.columns) {
      const FieldNode* found = nullptr;
      for (const auto& f : r->file_schema_.fields) {
        if (f->name == name) found = f.get();
      }
      if (!found) {
        for (const auto& f : r->file_schema_.fields) {
          if (strcasecmp(f->name.c_str(), name.c_str()) == 0) found = f.get();
        }
      }
      if (!found) return not_found(path + ": no column '" + name + "'");
      r->selected_.push_back(found);
    }
  }
  for (const FieldNode* f : r->selected_) fields.push_back({f->name, f->type});
  r->schema_ = types::DataType::structure(std::move(fields));
  r->file_ = std::move(file);
  r->options_ = options;
  if (r->options_.batch_rows <= 0) r->options_.batch_rows = 64 * 1024;
  return r;
}

std::map<std::string, ColumnStats> ParquetReader::row_group_stats(const RowGroup& rg) const {
  std::map<std::string, ColumnStats> out;
  for (const FieldNode* leaf : file_schema_.leaves) {
    const ColumnChunk& cc = rg.columns[leaf->leaf_index];
    if (!cc.meta_data || !cc.meta_data->statistics) continue;
    const ColumnMetaData& m = *cc.meta_data;
    const Statistics& s = *m.statistics;
    std::string key;
    for (size_t i = 0; i < m.path_in_schema.size(); ++i) key += (i ? "." : "") + m.path_in_schema[i];
    ColumnStats cs;
    cs.null_count = s.null_count;
    bool unsigned_order = leaf->conversion == LeafConversion::kUint8ToInt16 ||
                          leaf->conversion == LeafConversion::kUint16ToInt32 ||
                          leaf->conversion == LeafConversion::kUint32ToInt64 ||
                          leaf->conversion == LeafConversion::kUint64ToDecimal;
    bool legacy_ok = leaf->physical != PhysicalType::kByteArray &&
                     leaf->physical != PhysicalType::kFixedLenByteArray &&
                     leaf->physical != PhysicalType::kInt96 && !unsigned_order;
    const std::optional<std::string>* mn = s.min_value ? &s.min_value : legacy_ok ? &s.min : nullptr;
    const std::optional<std::string>* mx = s.max_value ? &s.max_value : legacy_ok ? &s.max : nullptr;
    if (leaf->physical == PhysicalType::kInt96) mn = mx = nullptr;
    if (mn && *mn && mx && *mx) {
      cs.min = stat_to_string(*leaf, **mn);
      cs.max = stat_to_string(*leaf, **mx);
      if (!cs.min || !cs.max) cs.min = cs.max = std::nullopt;
    }
    out[key] = cs;
  }
  return out;
}

Status ParquetReader::read_row_group(int index) {
  const RowGroup& rg = metadata_.row_groups[index];
  ChunkLimits limits;
  limits.file_size = file_->size();
  limits.max_entries = std::max<int64_t>(int64_t{1} << 22, limits.file_size * 64);
  if (rg.num_rows > limits.max_entries) {
    return invalid_input(file_->path() + ": row group " + std::to_string(index) + " claims " +
                         std::to_string(rg.num_rows) + " rows, more than the file can hold");
  }
  std::vector<LeafData> leaves(file_schema_.num_leaves);
  std::vector<std::unique_ptr<types::Column>> columns;
  for (const FieldNode* field : selected_) {
    std::vector<const FieldNode*> under;
    std::vector<const FieldNode*> stack{field};
    while (!stack.empty()) {
      const FieldNode* n = stack.back();
      stack.pop_back();
      if (n->kind == FieldNode::kLeaf) under.push_back(n);
      for (const auto& c : n->children) stack.push_back(c.get());
    }
    for (const FieldNode* leaf : under) {
      const ColumnChunk& cc = rg.columns[leaf->leaf_index];
      if (cc.file_path) return unimplemented(file_->path() + ": column chunks in other files are not supported");
      if (!cc.meta_data) return invalid_input(file_->path() + ": column chunk without metadata");
      MORTAR_RETURN_IF_ERROR(read_column_chunk(*file_, *cc.meta_data, *leaf, rg.num_rows, limits,
                                               &leaves[leaf->leaf_index]));
    }
    auto col = assemble_column(*field, leaves, rg.num_rows);
    if (!col.ok()) {
      int64_t at = rg.columns[under.empty() ? 0 : under.back()->leaf_index].meta_data->data_page_offset;
      return annotate(col.status(), file_->path() + ": row group " + std::to_string(index) +
                                        ", column chunk at byte " + std::to_string(at));
    }
    columns.push_back(std::move(*col));
    for (const FieldNode* leaf : under) leaves[leaf->leaf_index] = LeafData{};
  }
  current_ = std::make_unique<types::RecordBatch>(schema_, std::move(columns), rg.num_rows);
  current_offset_ = 0;
  return ok_status();
}

StatusOr<std::unique_ptr<types::RecordBatch>> ParquetReader::next() {
  while (true) {
    if (current_ && current_offset_ < current_->num_rows()) {
      int64_t n = current_->num_rows();
      if (current_offset_ == 0 && n <= options_.batch_rows) {
        current_offset_ = n;
        return std::move(current_);
      }
      int64_t count = std::min(options_.batch_rows, n - current_offset_);
      std::vector<std::unique_ptr<types::Column>> cols;
      for (int i = 0; i < current_->num_columns(); ++i) {
        cols.push_back(current_->column(i).slice(current_offset_, count));
      }
      current_offset_ += count;
      return std::make_unique<types::RecordBatch>(schema_, std::move(cols), count);
    }
    current_.reset();
    if (next_row_group_ >= static_cast<int>(metadata_.row_groups.size())) return nullptr;
    int g = next_row_group_++;
    const RowGroup& rg = metadata_.row_groups[g];
    if (rg.num_rows == 0) continue;
    if (options_.prune && !options_.prune(row_group_stats(rg))) {
      ++pruned_;
      continue;
    }
    MORTAR_RETURN_IF_ERROR(read_row_group(g));
  }
}

}  // namespace mortar::formats::parquet
