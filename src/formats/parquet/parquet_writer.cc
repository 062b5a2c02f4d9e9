#include "formats/parquet/parquet_writer.h"

#include <atomic>
#include <thread>

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "common/byte_gather.h"

namespace mortar::formats::parquet {

using types::Column;
using types::TypeKind;

namespace {

StatusOr<int64_t> int_option(const Options& o, const std::string& key, int64_t def, int64_t min) {
  auto it = o.find(key);
  if (it == o.end()) return def;
  try {
    size_t used;
    long long v = std::stoll(it->second, &used);
    if (used != it->second.size() || v < min) throw std::invalid_argument("");
    return static_cast<int64_t>(v);
  } catch (...) {
    return invalid_input("parquet option " + key + ": bad value '" + it->second + "'");
  }
}

StatusOr<CompressionCodec> codec_option(const Options& o) {
  auto it = o.find("compression");
  if (it == o.end()) return CompressionCodec::kSnappy;
  std::string c = absl::AsciiStrToLower(it->second);
  if (c == "snappy") return CompressionCodec::kSnappy;
  if (c == "none" || c == "uncompressed" || c.empty()) return CompressionCodec::kUncompressed;
  if (c == "gzip") return CompressionCodec::kGzip;
  if (c == "zstd") return CompressionCodec::kZstd;
  if (c == "lz4" || c == "lz4_raw") return CompressionCodec::kLz4Raw;
  if (c == "brotli") return CompressionCodec::kBrotli;
  return invalid_input("parquet: unsupported compression '" + it->second + "'");
}

// Writes one leaf's levels and values for rows [begin, end) of a top-level
// column, following the FieldNode path from the field to the leaf.
class Shredder {
 public:
  Shredder(const std::vector<const FieldNode*>& path, const std::vector<int>& child_pos, ColumnWriter& w)
      : path_(path), child_pos_(child_pos), w_(w) {}

  // Rows [begin, end), or rows[begin, end) when `rows` is set.
  void run(const Column& col, const int64_t* rows, int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) shred(0, col, rows ? rows[i] : i, 0, 0);
  }

 private:
  void shred(size_t depth, const Column& col, int64_t row, int16_t def, int16_t rep) {
    const FieldNode& n = *path_[depth];
    // Required nodes (map keys) cannot be null; a null there writes its zero value.
    if (n.def_present > def && col.is_null(row)) {
      w_.add_level(def, rep);
      return;
    }
    def = n.def_present;
    switch (n.kind) {
      case FieldNode::kLeaf:
        w_.add_level(def, rep);
        append_value(n, col, row);
        return;
      case FieldNode::kStruct:
        shred(depth + 1, col.child(child_pos_[depth + 1]), row, def, rep);
        return;
      case FieldNode::kList:
      case FieldNode::kMap: {
        int64_t b = col.offsets()[row], e = col.offsets()[row + 1];
        if (b == e) {
          w_.add_level(def, rep);
          return;
        }
        const Column& child = col.child(child_pos_[depth + 1]);
        for (int64_t i = b; i < e; ++i) shred(depth + 1, child, i, n.elem_def, i == b ? rep : n.elem_rep);
        return;
      }
    }
  }

  void append_value(const FieldNode& n, const Column& col, int64_t row) {
    std::vector<char>& f = w_.fixed();
    switch (col.type()->kind()) {
      case TypeKind::kBoolean: f.push_back(col.value<uint8_t>(row) ? 1 : 0); return;
      case TypeKind::kTinyInt: push<int32_t>(f, col.value<int8_t>(row)); return;
      case TypeKind::kSmallInt: push<int32_t>(f, col.value<int16_t>(row)); return;
      case TypeKind::kInt:
      case TypeKind::kDate: push<int32_t>(f, col.value<int32_t>(row)); return;
      case TypeKind::kBigInt:
      case TypeKind::kTimestamp: push<int64_t>(f, col.value<int64_t>(row)); return;
      case TypeKind::kFloat: push<float>(f, col.value<float>(row)); return;
      case TypeKind::kDouble: push<double>(f, col.value<double>(row)); return;
      case TypeKind::kDecimal: push_decimal(n, f, col.value<__int128>(row)); return;
      case TypeKind::kString:
      case TypeKind::kVarchar:
      case TypeKind::kChar:
      case TypeKind::kBinary: w_.add_bytes(col.string_at(row)); return;
      default: return;
    }
  }

 public:
  template <typename T>
  static void push(std::vector<char>& f, T v) {
    size_t s = f.size();
    f.resize(s + sizeof(T));
    std::memcpy(f.data() + s, &v, sizeof(T));
  }
  static void push_decimal(const FieldNode& n, std::vector<char>& f, __int128 v) {
    if (n.physical == PhysicalType::kInt32) {
      push<int32_t>(f, static_cast<int32_t>(v));
    } else if (n.physical == PhysicalType::kInt64) {
      push<int64_t>(f, static_cast<int64_t>(v));
    } else {
      unsigned __int128 u = static_cast<unsigned __int128>(v);
      char be[16];
      for (int i = 15; i >= 0; --i, u >>= 8) be[i] = static_cast<char>(u & 0xff);
      f.insert(f.end(), be, be + 16);
    }
  }

 private:
  const std::vector<const FieldNode*>& path_;
  const std::vector<int>& child_pos_;
  ColumnWriter& w_;
};

// Appends the W-byte values at `rows` to `f`.
template <int W>
void append_gathered(std::vector<char>& f, const char* from, const int64_t* rows, int64_t n) {
  size_t base = f.size();
  f.resize(base + n * W);
  gather_fixed<W>(f.data() + base, from, rows, n);
}

// Top-level primitive column: levels straight from the validity bitmap,
// values in bulk; rows [begin, end), or rows[begin, end) when `rows` is set
// (gathered straight into the column writer).
void write_flat(const FieldNode& leaf, const Column& col, const int64_t* rows, int64_t begin, int64_t end,
                ColumnWriter& w) {
  int64_t n = end - begin;
  std::vector<int16_t>& def = w.def_levels();
  size_t base = def.size();
  int64_t nulls = 0;
  if (col.validity().empty()) {  // no nulls
    def.resize(base + n, 1);
  } else {
    def.resize(base + n);
    for (int64_t i = 0; i < n; ++i) {
      bool v = col.is_valid(rows ? rows[begin + i] : begin + i);
      def[base + i] = v ? 1 : 0;
      nulls += !v;
    }
  }
  w.add_entries(n, nulls);
  TypeKind kind = col.type()->kind();
  if (kind == TypeKind::kNull) return;
  std::vector<char>& f = w.fixed();
  bool same_width = kind == TypeKind::kInt || kind == TypeKind::kDate || kind == TypeKind::kBigInt ||
                    kind == TypeKind::kTimestamp || kind == TypeKind::kFloat || kind == TypeKind::kDouble;
  if (same_width && nulls == 0) {
    int width = (kind == TypeKind::kBigInt || kind == TypeKind::kTimestamp || kind == TypeKind::kDouble) ? 8 : 4;
    const char* from = col.values_buffer().data();
    if (!rows) {
      f.insert(f.end(), from + begin * width, from + end * width);
    } else if (width == 8) {
      append_gathered<8>(f, from, rows + begin, n);
    } else {
      append_gathered<4>(f, from, rows + begin, n);
    }
    return;
  }
  bool bytes = kind == TypeKind::kString || kind == TypeKind::kVarchar || kind == TypeKind::kChar ||
               kind == TypeKind::kBinary;
  if (bytes && nulls == 0) {
    if (rows) {
      w.add_bytes_gather(col.offsets().data(), col.data().data(), rows + begin, n);
    } else {
      w.add_bytes_bulk(col.offsets().data(), col.data().data(), begin, end);
    }
    return;
  }
  for (int64_t i = begin; i < end; ++i) {
    const int64_t r = rows ? rows[i] : i;
    if (!col.is_valid(r)) continue;
    switch (kind) {
      case TypeKind::kBoolean: f.push_back(col.value<uint8_t>(r) ? 1 : 0); break;
      case TypeKind::kTinyInt: Shredder::push<int32_t>(f, col.value<int8_t>(r)); break;
      case TypeKind::kSmallInt: Shredder::push<int32_t>(f, col.value<int16_t>(r)); break;
      case TypeKind::kInt:
      case TypeKind::kDate: Shredder::push<int32_t>(f, col.value<int32_t>(r)); break;
      case TypeKind::kBigInt:
      case TypeKind::kTimestamp: Shredder::push<int64_t>(f, col.value<int64_t>(r)); break;
      case TypeKind::kFloat: Shredder::push<float>(f, col.value<float>(r)); break;
      case TypeKind::kDouble: Shredder::push<double>(f, col.value<double>(r)); break;
      case TypeKind::kDecimal: Shredder::push_decimal(leaf, f, col.value<__int128>(r)); break;
      default: w.add_bytes(col.string_at(r)); break;
    }
  }
}

void leaf_paths(const FieldNode* node, std::vector<const FieldNode*>& path, std::vector<int>& pos,
                std::vector<std::string>& names,
                std::vector<std::tuple<std::vector<const FieldNode*>, std::vector<int>, std::vector<std::string>>>* out) {
  if (node->kind == FieldNode::kLeaf) {
    out->emplace_back(path, pos, names);
    return;
  }
  for (size_t i = 0; i < node->children.size(); ++i) {
    const FieldNode* c = node->children[i].get();
    path.push_back(c);
    pos.push_back(static_cast<int>(i));
    if (node->kind == FieldNode::kList) {
      names.push_back("list");
      names.push_back("element");
    } else if (node->kind == FieldNode::kMap) {
      names.push_back("key_value");
      names.push_back(i == 0 ? "key" : "value");
    } else {
      names.push_back(c->name);
    }
    leaf_paths(c, path, pos, names, out);
    path.pop_back();
    pos.pop_back();
    names.pop_back();
    if (node->kind != FieldNode::kStruct) names.pop_back();
  }
}

}  // namespace

StatusOr<std::unique_ptr<ParquetWriter>> ParquetWriter::open(std::unique_ptr<io::OutputStream> out,
                                                             const std::string& path,
                                                             types::TypePtr schema,
                                                             const WriteOptions& options) {
  std::unique_ptr<ParquetWriter> w(new ParquetWriter());
  w->out_ = std::move(out);
  w->path_ = path;
  w->schema_ = schema;
  const Options& o = options.format_options;
  ColumnWriterOptions cw;
  MORTAR_ASSIGN_OR_RETURN(cw.codec, codec_option(o));
  MORTAR_ASSIGN_OR_RETURN(cw.page_size, int_option(o, "pageSize", 1 << 20, 1));
  MORTAR_ASSIGN_OR_RETURN(cw.dictionary_page_size, int_option(o, "dictionaryPageSize", 1 << 20, 0));
  MORTAR_ASSIGN_OR_RETURN(w->row_group_rows_, int_option(o, "rowGroupRows", 1 << 20, 1));
  MORTAR_ASSIGN_OR_RETURN(w->block_size_, int_option(o, "blockSize", int64_t{128} << 20, 1));
  MORTAR_ASSIGN_OR_RETURN(w->encode_threads_, int_option(o, "encodeThreads", 2, 1));
  if (auto it = o.find("enableDictionary"); it != o.end()) {
    cw.dictionary = absl::AsciiStrToLower(it->second) != "false";
  }
  for (const auto& [k, v] : o) {
    if (k.rfind("metadata.", 0) == 0) w->metadata_.key_value_metadata.push_back({k.substr(9), v});
  }
  MORTAR_ASSIGN_OR_RETURN(w->metadata_.schema, to_parquet_schema(*schema));
  MORTAR_ASSIGN_OR_RETURN(w->file_schema_, build_file_schema(w->metadata_.schema));
  w->metadata_.created_by = "mortar version 0.1.0";
  w->metadata_.has_column_orders = true;
  std::vector<std::tuple<std::vector<const FieldNode*>, std::vector<int>, std::vector<std::string>>> paths;
  for (const auto& f : w->file_schema_.fields) {
    std::vector<const FieldNode*> p{f.get()};
    std::vector<int> pos{0};
    std::vector<std::string> names{f->name};
    leaf_paths(f.get(), p, pos, names, &paths);
  }
  for (size_t i = 0; i < paths.size(); ++i) {
    w->columns_.push_back(std::make_unique<ColumnWriter>(*w->file_schema_.leaves[i], std::get<2>(paths[i]), cw));
  }
  MORTAR_RETURN_IF_ERROR(w->emit("PAR1"));
  return w;
}

Status ParquetWriter::emit(std::string_view bytes) {
  Status s = out_->write(bytes);
  if (!s.ok()) return annotate(s, path_);
  offset_ += static_cast<int64_t>(bytes.size());
  return ok_status();
}

Status ParquetWriter::check_columns(const std::vector<const Column*>& columns) const {
  if (closed_) return invalid_input(path_ + ": write after close");
  if (columns.size() != file_schema_.fields.size()) {
    return invalid_input(path_ + ": batch has " + std::to_string(columns.size()) +
                         " columns, the writer's schema " + std::to_string(file_schema_.fields.size()));
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!columns[i]->type()->equals(*file_schema_.fields[i]->type) &&
        !columns[i]->type()->equals(*schema_->fields()[i].type)) {
      return invalid_input(path_ + ": column " + file_schema_.fields[i]->name + " has type " +
                           columns[i]->type()->to_string() + ", expected " +
                           schema_->fields()[i].type->to_string());
    }
  }
  return ok_status();
}

Status ParquetWriter::write(const types::RecordBatch& batch) {
  std::vector<const Column*> columns;
  for (int i = 0; i < batch.num_columns(); ++i) columns.push_back(&batch.column(i));
  MORTAR_RETURN_IF_ERROR(check_columns(columns));
  return append(columns, nullptr, batch.num_rows());
}

Status ParquetWriter::write_rows(const std::vector<const Column*>& columns, const int64_t* rows, int64_t n) {
  MORTAR_RETURN_IF_ERROR(check_columns(columns));
  if (n == 0) return ok_status();
  int64_t lo = rows[0], hi = rows[0];
  for (int64_t i = 1; i < n; ++i) lo = std::min(lo, rows[i]), hi = std::max(hi, rows[i]);
  for (const Column* c : columns) {
    if (lo < 0 || hi >= c->length()) {
      return invalid_input(path_ + ": rows " + std::to_string(lo) + ".." + std::to_string(hi) +
                           " are not all in a column of " + std::to_string(c->length()) + " rows");
    }
  }
  return append(columns, rows, n);
}

Status ParquetWriter::append(const std::vector<const Column*>& columns, const int64_t* rows, int64_t n) {
  int64_t begin = 0;
  while (begin < n) {
    int64_t end = std::min(n, begin + (row_group_rows_ - buffered_rows_));
    // Bound the bytes of one step too, so blockSize is respected: steps are
    // sized from the bytes per row seen so far.
    int64_t step = 65536;
    if (buffered_rows_ > 0 && buffered_bytes_ > 0) {
      int64_t per_row = std::max<int64_t>(1, buffered_bytes_ / buffered_rows_);
      step = std::clamp<int64_t>((block_size_ - buffered_bytes_) / per_row, 256, 65536);
    } else if (block_size_ < (int64_t{64} << 20)) {
      step = 1024;
    }
    end = std::min(end, begin + step);
    shred(columns, rows, begin, end);
    buffered_rows_ += end - begin;
    begin = end;
    buffered_bytes_ = 0;
    for (const auto& c : columns_) buffered_bytes_ += c->buffered_bytes();
    if (buffered_rows_ >= row_group_rows_ || buffered_bytes_ >= block_size_) {
      MORTAR_RETURN_IF_ERROR(flush_row_group());
      buffered_bytes_ = 0;
    }
  }
  return ok_status();
}

void ParquetWriter::shred(const std::vector<const Column*>& columns, const int64_t* rows, int64_t begin,
                          int64_t end) {
  for (size_t f = 0; f < file_schema_.fields.size(); ++f) {
    const FieldNode* field = file_schema_.fields[f].get();
    const Column& col = *columns[f];
    if (field->kind == FieldNode::kLeaf) {
      write_flat(*field, col, rows, begin, end, *columns_[field->leaf_index]);
      continue;
    }
    std::vector<std::tuple<std::vector<const FieldNode*>, std::vector<int>, std::vector<std::string>>> paths;
    std::vector<const FieldNode*> p{field};
    std::vector<int> pos{0};
    std::vector<std::string> names{field->name};
    leaf_paths(field, p, pos, names, &paths);
    for (auto& [path, child_pos, unused] : paths) {
      Shredder s(path, child_pos, *columns_[path.back()->leaf_index]);
      s.run(col, rows, begin, end);
    }
  }
}

Status ParquetWriter::flush_row_group() {
  if (buffered_rows_ == 0) return ok_status();
  // Encoding and compressing the column chunks dominates a write: they are
  // independent, so several threads encode them (each chunk as if it started
  // at offset 0), then they are emitted in order and their offsets shifted.
  const size_t n = columns_.size();
  std::vector<std::string> chunks(n);
  std::vector<ColumnMetaData> metas(n);
  std::vector<Status> results(n);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) results[i] = columns_[i]->flush(0, &chunks[i], &metas[i]);
  };
  const size_t helpers = std::min<size_t>(n, static_cast<size_t>(encode_threads_)) - 1;
  std::vector<std::thread> threads;
  for (size_t t = 0; t < helpers; ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();

  RowGroup rg;
  rg.num_rows = buffered_rows_;
  rg.file_offset = offset_;
  int64_t compressed = 0;
  for (size_t i = 0; i < n; ++i) {
    MORTAR_RETURN_IF_ERROR(results[i]);
    ColumnChunk cc;
    cc.file_offset = offset_;
    ColumnMetaData& meta = metas[i];
    meta.data_page_offset += offset_;
    if (meta.dictionary_page_offset) *meta.dictionary_page_offset += offset_;
    cc.meta_data = std::move(meta);
    rg.total_byte_size += cc.meta_data->total_uncompressed_size;
    compressed += cc.meta_data->total_compressed_size;
    MORTAR_RETURN_IF_ERROR(emit(chunks[i]));
    std::string().swap(chunks[i]);
    rg.columns.push_back(std::move(cc));
  }
  rg.total_compressed_size = compressed;
  metadata_.num_rows += buffered_rows_;
  metadata_.row_groups.push_back(std::move(rg));
  buffered_rows_ = 0;
  return ok_status();
}

int64_t ParquetWriter::buffered_bytes() const {
  int64_t total = 0;
  for (const auto& c : columns_) total += c->memory_bytes();
  return total;
}

Status ParquetWriter::flush() {
  if (closed_) return invalid_input(path_ + ": flush after close");
  MORTAR_RETURN_IF_ERROR(flush_row_group());
  buffered_bytes_ = 0;
  return ok_status();
}

Status ParquetWriter::close() {
  if (closed_) return ok_status();
  MORTAR_RETURN_IF_ERROR(flush_row_group());
  closed_ = true;
  std::string footer = serialize_file_metadata(metadata_);
  uint32_t len = static_cast<uint32_t>(footer.size());
  footer.append(reinterpret_cast<const char*>(&len), 4);
  footer += "PAR1";
  MORTAR_RETURN_IF_ERROR(emit(footer));
  Status s = out_->close();
  if (!s.ok()) return annotate(s, path_);
  return ok_status();
}

}  // namespace mortar::formats::parquet
