#include "formats/avro/avro_reader.h"

#include <zlib.h>

#include <algorithm>

namespace mortar::formats::avro {

namespace {

constexpr int64_t kMaxBlockBytes = 256 << 20;   // decompressed
constexpr int64_t kMaxZeroSizeRecords = 1 << 20;  // per block, for records of no bytes
constexpr int64_t kMaxHeaderBytes = 64 << 20;

uint32_t read_be32(std::string_view b) {
  return (uint32_t(uint8_t(b[0])) << 24) | (uint32_t(uint8_t(b[1])) << 16) |
         (uint32_t(uint8_t(b[2])) << 8) | uint32_t(uint8_t(b[3]));
}

// Raw deflate. Unlike io::decompress_block this ignores bytes after the end
// of the stream: some Java writers leave some, and other readers accept them.
StatusOr<std::string> inflate_raw(std::string_view in, int64_t max_output) {
  z_stream z{};
  if (inflateInit2(&z, -15) != Z_OK) return internal_error("inflateInit2 failed");
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (static_cast<int64_t>(out.size()) >= max_output) {
      inflateEnd(&z);
      return limit_exceeded("deflate block exceeds " + std::to_string(max_output) + " bytes");
    }
    size_t at = out.size();
    size_t chunk = std::min<size_t>(std::max<size_t>(at, 64 * 1024), max_output - at);
    out.resize(at + chunk);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
    z.avail_out = static_cast<uInt>(chunk);
    rc = inflate(&z, Z_NO_FLUSH);
    out.resize(at + chunk - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) rc = Z_DATA_ERROR;  // truncated stream
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return invalid_input("corrupt deflate data");
    }
  }
  inflateEnd(&z);
  return out;
}

}  // namespace

Status AvroReader::error_at(int64_t offset, std::string_view what) const {
  return invalid_input(file_->path() + ": byte " + std::to_string(offset) + ": " + std::string(what));
}

StatusOr<std::unique_ptr<AvroReader>> AvroReader::open(std::unique_ptr<io::RandomAccessFile> file,
                                                       const ReadOptions& options) {
  std::unique_ptr<AvroReader> r(new AvroReader());
  r->file_ = std::move(file);
  r->options_ = options;
  if (r->options_.batch_rows <= 0) r->options_.batch_rows = 64 * 1024;
  MORTAR_RETURN_IF_ERROR(r->read_header());
  return r;
}

Status AvroReader::read_header() {
  int64_t size = file_->size();
  if (size < 4) return error_at(0, "too short for an Avro file");
  // The header is small; read a prefix and grow it if the metadata is longer.
  int64_t want = std::min<int64_t>(size, 64 * 1024);
  for (;;) {
    std::string head;
    MORTAR_RETURN_IF_ERROR(file_->read_at(0, want, &head));
    if (head.substr(0, 4) != std::string_view("Obj\x01", 4)) return error_at(0, "not an Avro file (bad magic)");
    Cursor in(std::string_view(head).substr(4), file_->path() + ": header at byte 4");
    Status st = [&]() -> Status {
      for (;;) {
        MORTAR_ASSIGN_OR_RETURN(int64_t n, in.read_long());
        if (n == 0) break;
        if (n < 0) {
          n = -n;
          MORTAR_RETURN_IF_ERROR(in.read_long().status());
        }
        if (n > in.remaining() / 2) return in.error("metadata entry count too large");
        for (int64_t i = 0; i < n; ++i) {
          MORTAR_ASSIGN_OR_RETURN(auto key, in.read_bytes());
          MORTAR_ASSIGN_OR_RETURN(auto value, in.read_bytes());
          if (key == "avro.schema") schema_json_ = std::string(value);
          if (key == "avro.codec") codec_name_ = std::string(value);
        }
      }
      MORTAR_ASSIGN_OR_RETURN(auto sync, in.read_fixed(16));
      sync_ = std::string(sync);
      offset_ = 4 + in.position();
      data_start_ = offset_;
      return ok_status();
    }();
    if (st.ok()) break;
    if (want >= std::min(size, kMaxHeaderBytes)) return st;
    want = std::min({size, kMaxHeaderBytes, want * 4});
  }
  if (codec_name_.empty()) codec_name_ = "null";
  if (codec_name_ != "null" && codec_name_ != "deflate" && codec_name_ != "snappy" &&
      codec_name_ != "zstandard" && codec_name_ != "zstd") {
    return error_at(4, "unsupported Avro codec '" + codec_name_ + "'");
  }
  if (schema_json_.empty()) return error_at(4, "header has no avro.schema");
  auto root = parse_schema(schema_json_);
  if (!root.ok()) return error_at(4, status_message(root.status()));
  root_ = *root;
  root_is_record_ = root_->kind == AvroKind::kRecord;
  file_schema_ = root_is_record_ ? root_->type
                                 : types::DataType::structure({{"value", root_->type}});
  if (options_.columns.empty()) {
    out_schema_ = file_schema_;
  } else {
    std::vector<types::Field> fields;
    for (const auto& name : options_.columns) {
      int i = file_schema_->field_index(name);
      if (i < 0) return not_found(file_->path() + ": no column '" + name + "' in the Avro schema");
      if (std::find(projection_.begin(), projection_.end(), i) != projection_.end()) {
        return invalid_input("column '" + name + "' requested twice");
      }
      projection_.push_back(i);
      fields.push_back(file_schema_->fields()[i]);
    }
    out_schema_ = types::DataType::structure(std::move(fields));
  }
  return ok_status();
}

StatusOr<bool> AvroReader::load_block() {
  int64_t size = file_->size();
  if (offset_ >= size) return false;
  std::string head;
  MORTAR_RETURN_IF_ERROR(file_->read_at(offset_, std::min<int64_t>(20, size - offset_), &head));
  Cursor in(head, file_->path() + ": block at byte " + std::to_string(offset_));
  MORTAR_ASSIGN_OR_RETURN(int64_t count, in.read_long());
  MORTAR_ASSIGN_OR_RETURN(int64_t bytes, in.read_long());
  int64_t data_at = offset_ + in.position();
  if (count < 0) return error_at(offset_, "negative block record count");
  if (bytes < 0 || bytes > size - data_at - 16) {
    return error_at(offset_, "block size " + std::to_string(bytes) + " runs past the end of the file");
  }
  std::string raw;
  MORTAR_RETURN_IF_ERROR(file_->read_at(data_at, bytes + 16, &raw));
  if (static_cast<int64_t>(raw.size()) != bytes + 16) return error_at(data_at, "short read");
  if (std::string_view(raw).substr(bytes) != sync_) {
    return error_at(data_at + bytes, "sync marker mismatch after the block");
  }
  raw.resize(bytes);
  std::string where;
  if (codec_name_ == "null") {
    block_ = std::move(raw);
    where = file_->path() + ": byte " + std::to_string(data_at);
  } else {
    StatusOr<std::string> data = std::string();
    if (codec_name_ == "deflate") {
      data = inflate_raw(raw, kMaxBlockBytes);
    } else if (codec_name_ == "snappy") {
      if (raw.size() < 4) return error_at(data_at, "snappy block without its CRC");
      data = io::decompress_block(io::Codec::kSnappyRaw, std::string_view(raw).substr(0, raw.size() - 4),
                                  -1, kMaxBlockBytes);
      if (data.ok()) {
        uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(data->data()), data->size());
        if (crc != read_be32(std::string_view(raw).substr(raw.size() - 4))) {
          return error_at(data_at, "snappy block CRC mismatch");
        }
      }
    } else {
      data = io::decompress_block(io::Codec::kZstd, raw, -1, kMaxBlockBytes);
    }
    if (!data.ok()) return error_at(data_at, status_message(data.status()));
    block_ = std::move(*data);
    where = file_->path() + ": block at byte " + std::to_string(data_at) + ", decompressed byte";
  }
  int64_t min = root_->min_size;
  if (min > 0 ? count > static_cast<int64_t>(block_.size()) / min : count > kMaxZeroSizeRecords) {
    return error_at(offset_, "block claims " + std::to_string(count) + " records in " +
                                 std::to_string(block_.size()) + " bytes");
  }
  cursor_ = std::make_unique<Cursor>(block_, std::move(where));
  block_left_ = count;
  offset_ = data_at + bytes + 16;
  return true;
}

StatusOr<std::unique_ptr<types::RecordBatch>> AvroReader::read_batch() {
  auto batch = types::RecordBatch::make_empty(file_schema_);
  int64_t rows = 0;
  while (rows < options_.batch_rows) {
    while (block_left_ == 0) {
      if (cursor_ && cursor_->remaining() != 0) {
        return cursor_->error(std::to_string(cursor_->remaining()) + " bytes left after the block's records");
      }
      cursor_.reset();
      MORTAR_ASSIGN_OR_RETURN(bool more, load_block());
      if (!more) break;
    }
    if (block_left_ == 0) break;
    if (root_is_record_) {
      for (size_t i = 0; i < root_->children.size(); ++i) {
        MORTAR_RETURN_IF_ERROR(decode_value(*root_->children[i], *cursor_, batch->column(static_cast<int>(i))));
      }
    } else {
      MORTAR_RETURN_IF_ERROR(decode_value(*root_, *cursor_, batch->column(0)));
    }
    --block_left_;
    ++rows;
  }
  if (rows == 0) return std::unique_ptr<types::RecordBatch>();
  batch->set_num_rows(rows);
  if (projection_.empty()) return batch;
  std::vector<std::unique_ptr<types::Column>> cols;
  for (int i : projection_) cols.push_back(std::move(batch->columns()[i]));
  return std::make_unique<types::RecordBatch>(out_schema_, std::move(cols), rows);
}

StatusOr<std::unique_ptr<types::RecordBatch>> AvroReader::next() {
  if (!failed_.ok()) return failed_;
  auto batch = read_batch();
  if (!batch.ok()) failed_ = batch.status();
  return batch;
}

}  // namespace mortar::formats::avro
