#include "formats/avro/avro_writer.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <random>

#include "common/ascii.h"
#include "io/compression.h"

namespace mortar::formats::avro {

namespace {

constexpr int64_t kBlockRows = 64 * 1024;
constexpr size_t kBlockBytes = 1 << 20;

using types::Column;
using types::TypeKind;

void put_long(std::string& out, int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out.push_back(static_cast<char>((z & 0x7F) | 0x80));
    z >>= 7;
  }
  out.push_back(static_cast<char>(z));
}

void put_bytes(std::string& out, std::string_view b) {
  put_long(out, static_cast<int64_t>(b.size()));
  out.append(b);
}

int64_t int_at(const Column& c, int64_t row) {
  switch (c.value_width()) {
    case 1: return c.value<int8_t>(row);
    case 2: return c.value<int16_t>(row);
    case 4: return c.value<int32_t>(row);
    default: return c.value<int64_t>(row);
  }
}

// Minimal big-endian two's complement bytes of an unscaled decimal.
std::string decimal_bytes(types::int128 v) {
  std::string b(16, '\0');
  auto u = static_cast<unsigned __int128>(v);
  for (int i = 15; i >= 0; --i) {
    b[i] = static_cast<char>(u & 0xFF);
    u >>= 8;
  }
  size_t start = 0;
  while (start < 15) {
    uint8_t cur = static_cast<uint8_t>(b[start]);
    uint8_t nxt = static_cast<uint8_t>(b[start + 1]);
    if ((cur == 0x00 && !(nxt & 0x80)) || (cur == 0xFF && (nxt & 0x80))) {
      ++start;
    } else {
      break;
    }
  }
  return b.substr(start);
}

Status encode(const AvroNode& node, const Column& col, int64_t row, std::string& out);

// A non-union node: the value at `row` is known to be valid.
Status encode_plain(const AvroNode& node, const Column& col, int64_t row, std::string& out) {
  switch (node.kind) {
    case AvroKind::kNull: return ok_status();
    case AvroKind::kBoolean: out.push_back(col.value<uint8_t>(row) ? 1 : 0); return ok_status();
    case AvroKind::kInt:
    case AvroKind::kLong: put_long(out, int_at(col, row)); return ok_status();
    case AvroKind::kFloat: {
      float f = col.value<float>(row);
      out.append(reinterpret_cast<const char*>(&f), 4);
      return ok_status();
    }
    case AvroKind::kDouble: {
      double d = col.value<double>(row);
      out.append(reinterpret_cast<const char*>(&d), 8);
      return ok_status();
    }
    case AvroKind::kBytes:
      if (node.logical == Logical::kDecimal) {
        put_bytes(out, decimal_bytes(col.value<types::int128>(row)));
      } else {
        put_bytes(out, col.string_at(row));
      }
      return ok_status();
    case AvroKind::kString: put_bytes(out, col.string_at(row)); return ok_status();
    case AvroKind::kArray: {
      int64_t begin = col.offsets()[row], end = col.offsets()[row + 1];
      if (end > begin) {
        put_long(out, end - begin);
        for (int64_t i = begin; i < end; ++i) {
          MORTAR_RETURN_IF_ERROR(encode(*node.children[0], col.child(0), i, out));
        }
      }
      put_long(out, 0);
      return ok_status();
    }
    case AvroKind::kMap: {
      int64_t begin = col.offsets()[row], end = col.offsets()[row + 1];
      if (end > begin) {
        put_long(out, end - begin);
        for (int64_t i = begin; i < end; ++i) {
          if (col.child(0).is_null(i)) return invalid_input("Avro map keys cannot be null");
          put_bytes(out, col.child(0).string_at(i));
          MORTAR_RETURN_IF_ERROR(encode(*node.children[0], col.child(1), i, out));
        }
      }
      put_long(out, 0);
      return ok_status();
    }
    case AvroKind::kRecord:
      for (size_t i = 0; i < node.children.size(); ++i) {
        MORTAR_RETURN_IF_ERROR(encode(*node.children[i], col.child(i), row, out));
      }
      return ok_status();
    default: return internal_error("Avro writer: unexpected schema node");
  }
}

Status encode(const AvroNode& node, const Column& col, int64_t row, std::string& out) {
  if (node.kind != AvroKind::kUnion) {
    if (col.is_null(row) && node.kind != AvroKind::kNull) {
      return invalid_input("null in a non-nullable Avro value");
    }
    return encode_plain(node, col, row, out);
  }
  if (col.is_null(row) || col.type()->kind() == TypeKind::kNull) {
    put_long(out, node.null_branch);
    return ok_status();
  }
  if (!node.union_is_choice) {
    int branch = node.null_branch == 0 ? 1 : 0;
    put_long(out, branch);
    return encode_plain(*node.children[branch], col, row, out);
  }
  int alt = col.type_ids()[row];
  int64_t at = col.child_index()[row];
  for (size_t b = 0; b < node.children.size(); ++b) {
    if (node.branch_alternative[b] == alt) {
      put_long(out, static_cast<int64_t>(b));
      const Column& child = col.child(alt);
      if (child.is_null(at)) return invalid_input("null inside a choice alternative");
      return encode_plain(*node.children[b], child, at, out);
    }
  }
  return internal_error("choice alternative without an Avro branch");
}

}  // namespace

StatusOr<std::unique_ptr<AvroWriter>> AvroWriter::open(std::unique_ptr<io::OutputStream> out,
                                                       types::TypePtr schema,
                                                       const WriteOptions& options) {
  std::unique_ptr<AvroWriter> w(new AvroWriter());
  w->out_ = std::move(out);
  w->schema_ = schema;
  MORTAR_ASSIGN_OR_RETURN(w->avro_, schema_for_type(schema));
  std::string codec = "null";
  auto it = options.format_options.find("compression");
  if (it != options.format_options.end()) {
    std::string c = ascii_lower(it->second);
    if (c.empty() || c == "none" || c == "null" || c == "uncompressed") {
      codec = "null";
    } else if (c == "deflate") {
      codec = "deflate";
    } else if (c == "snappy") {
      codec = "snappy";
    } else if (c == "zstd" || c == "zstandard") {
      codec = "zstandard";
    } else {
      return invalid_input("Avro compression must be none, deflate, snappy or zstd, not '" + it->second + "'");
    }
  }
  w->codec_ = codec;
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  for (int i = 0; i < 2; ++i) {
    uint64_t r = gen();
    w->sync_.append(reinterpret_cast<const char*>(&r), 8);
  }
  std::string header("Obj\x01", 4);
  put_long(header, 2);
  put_bytes(header, "avro.schema");
  put_bytes(header, w->avro_.json);
  put_bytes(header, "avro.codec");
  put_bytes(header, codec);
  put_long(header, 0);
  header += w->sync_;
  MORTAR_RETURN_IF_ERROR(w->out_->write(header));
  return w;
}

Status AvroWriter::write(const types::RecordBatch& batch) {
  if (closed_) return invalid_input("Avro writer already closed");
  if (!batch.schema()->equals(*schema_)) {
    return invalid_input("batch schema " + batch.schema()->to_string() + " differs from the writer's " +
                         schema_->to_string());
  }
  const AvroNode& root = *avro_.root;
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    for (int c = 0; c < batch.num_columns(); ++c) {
      MORTAR_RETURN_IF_ERROR(encode(*root.children[c], batch.column(c), r, block_));
    }
    ++block_rows_;
    if (block_rows_ >= kBlockRows || block_.size() >= kBlockBytes) MORTAR_RETURN_IF_ERROR(flush_block());
  }
  return ok_status();
}

Status AvroWriter::flush_block() {
  if (block_rows_ == 0) return ok_status();
  std::string data;
  if (codec_ == "null") {
    data = std::move(block_);
  } else if (codec_ == "deflate") {
    MORTAR_ASSIGN_OR_RETURN(data, io::compress_block(io::Codec::kDeflateRaw, block_));
  } else if (codec_ == "snappy") {
    MORTAR_ASSIGN_OR_RETURN(data, io::compress_block(io::Codec::kSnappyRaw, block_));
    uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(block_.data()), block_.size());
    for (int shift = 24; shift >= 0; shift -= 8) data.push_back(static_cast<char>((crc >> shift) & 0xFF));
  } else {
    MORTAR_ASSIGN_OR_RETURN(data, io::compress_block(io::Codec::kZstd, block_));
  }
  std::string head;
  put_long(head, block_rows_);
  put_long(head, static_cast<int64_t>(data.size()));
  MORTAR_RETURN_IF_ERROR(out_->write(head));
  MORTAR_RETURN_IF_ERROR(out_->write(data));
  MORTAR_RETURN_IF_ERROR(out_->write(sync_));
  block_.clear();
  block_rows_ = 0;
  return ok_status();
}

Status AvroWriter::close() {
  if (closed_) return ok_status();
  closed_ = true;
  MORTAR_RETURN_IF_ERROR(flush_block());
  return out_->close();
}

}  // namespace mortar::formats::avro
