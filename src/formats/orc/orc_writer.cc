#include "formats/orc/orc_writer.h"

#include <algorithm>
#include <cctype>

#include "common/ascii.h"
#include "formats/orc/protobuf_writer.h"
#include "io/compression.h"

namespace mortar::formats::orc {

namespace {

StatusOr<int64_t> size_option(const Options& o, const std::string& key, int64_t fallback,
                              int64_t min, int64_t max) {
  auto it = o.find(key);
  if (it == o.end()) return fallback;
  try {
    size_t used = 0;
    long long v = std::stoll(it->second, &used);
    if (used == it->second.size() && v >= min && v <= max) return static_cast<int64_t>(v);
  } catch (...) {
  }
  return invalid_input("orc option " + key + ": bad value '" + it->second + "' (" +
                       std::to_string(min) + ".." + std::to_string(max) + ")");
}

}  // namespace

StatusOr<std::unique_ptr<OrcWriter>> OrcWriter::open(std::unique_ptr<io::OutputStream> out,
                                                     types::TypePtr schema,
                                                     const WriteOptions& options) {
  if (!schema || schema->kind() != types::TypeKind::kStruct)
    return invalid_input("orc: the schema must be a struct");
  std::unique_ptr<OrcWriter> w(new OrcWriter());
  const Options& o = options.format_options;
  if (auto it = o.find("compression"); it != o.end()) {
    std::string c = ascii_lower(it->second);
    if (c == "zlib" || c == "gzip" || c == "deflate")
      w->compression_ = CompressionKind::kZlib;
    else if (c == "snappy")
      w->compression_ = CompressionKind::kSnappy;
    else if (c == "zstd")
      w->compression_ = CompressionKind::kZstd;
    else if (c == "lz4")
      w->compression_ = CompressionKind::kLz4;
    else if (c == "none" || c == "uncompressed" || c.empty())
      w->compression_ = CompressionKind::kNone;
    else
      return invalid_input("orc: compression must be zlib, snappy, zstd, lz4 or none, not '" +
                           it->second + "'");
  }
  MORTAR_ASSIGN_OR_RETURN(w->stripe_size_,
                          size_option(o, "stripeSize", w->stripe_size_, 1, int64_t{1} << 32));
  // Chunk lengths must fit the 23-bit header.
  MORTAR_ASSIGN_OR_RETURN(
      w->block_size_, size_option(o, "compressionBlockSize", w->block_size_, 1024, (1 << 23) - 1));
  uint32_t next_id = 0;
  MORTAR_ASSIGN_OR_RETURN(w->root_, make_column_writer(schema, &next_id));
  w->root_->collect(&w->columns_);
  w->schema_ = std::move(schema);
  w->out_ = std::move(out);
  MORTAR_RETURN_IF_ERROR(w->emit("ORC"));
  return w;
}

Status OrcWriter::emit(std::string_view bytes) {
  MORTAR_RETURN_IF_ERROR(out_->write(bytes));
  offset_ += static_cast<int64_t>(bytes.size());
  return ok_status();
}

StatusOr<std::string> OrcWriter::compress(std::string_view bytes) const {
  if (compression_ == CompressionKind::kNone) return std::string(bytes);
  io::Codec codec = compression_ == CompressionKind::kZlib     ? io::Codec::kDeflateRaw
                    : compression_ == CompressionKind::kSnappy ? io::Codec::kSnappyRaw
                    : compression_ == CompressionKind::kZstd   ? io::Codec::kZstd
                                                               : io::Codec::kLz4Raw;
  std::string out;
  for (size_t pos = 0; pos < bytes.size(); pos += static_cast<size_t>(block_size_)) {
    std::string_view chunk = bytes.substr(pos, static_cast<size_t>(block_size_));
    MORTAR_ASSIGN_OR_RETURN(std::string packed, io::compress_block(codec, chunk));
    bool original = packed.size() >= chunk.size();
    std::string_view body = original ? chunk : std::string_view(packed);
    uint32_t header = static_cast<uint32_t>(body.size()) << 1 | (original ? 1 : 0);
    out.push_back(static_cast<char>(header & 0xFF));
    out.push_back(static_cast<char>((header >> 8) & 0xFF));
    out.push_back(static_cast<char>((header >> 16) & 0xFF));
    out.append(body);
  }
  return out;
}

Status OrcWriter::write(const types::RecordBatch& batch) {
  if (closed_) return invalid_input("orc: write after close");
  if (!batch.schema()->equals(*schema_)) {
    return invalid_input("orc: batch schema " + batch.schema()->to_string() +
                         " differs from the file's " + schema_->to_string());
  }
  // The root struct has no nulls: every row is written, in slices so a
  // stripe can end inside a large batch.
  constexpr int64_t kSlice = 4096;
  const auto& top = root_->children();
  std::vector<int64_t> rows;
  for (int64_t start = 0; start < batch.num_rows(); start += kSlice) {
    int64_t n = std::min(kSlice, batch.num_rows() - start);
    rows.resize(static_cast<size_t>(n));
    for (int64_t r = 0; r < n; ++r) rows[r] = start + r;
    for (size_t i = 0; i < top.size(); ++i) top[i]->add(batch.column(static_cast<int>(i)), rows);
    stripe_rows_ += n;
    total_rows_ += static_cast<uint64_t>(n);
    buffered_ = 0;
    for (ColumnWriter* c : columns_) buffered_ += c->buffered_bytes();
    if (buffered_ >= stripe_size_) MORTAR_RETURN_IF_ERROR(flush_stripe());
  }
  return ok_status();
}

Status OrcWriter::flush() {
  if (closed_) return invalid_input("orc: flush after close");
  return flush_stripe();
}

Status OrcWriter::flush_stripe() {
  if (stripe_rows_ == 0) return ok_status();
  StripeInformation info;
  info.offset = static_cast<uint64_t>(offset_);
  info.number_of_rows = static_cast<uint64_t>(stripe_rows_);
  std::vector<OutStream> streams;
  for (size_t i = 1; i < columns_.size(); ++i) columns_[i]->flush(&streams);
  ProtoWriter footer;
  uint64_t data_length = 0;
  for (const OutStream& s : streams) {
    MORTAR_ASSIGN_OR_RETURN(std::string bytes, compress(s.bytes));
    MORTAR_RETURN_IF_ERROR(emit(bytes));
    ProtoWriter sw;
    sw.varint_field(1, static_cast<uint64_t>(s.kind));
    sw.varint_field(2, s.column);
    sw.varint_field(3, bytes.size());
    footer.bytes_field(1, sw.buffer());
    data_length += bytes.size();
  }
  for (ColumnWriter* c : columns_) {
    ProtoWriter ew;
    ew.varint_field(1, static_cast<uint64_t>(c->encoding()));
    if (c->encoding() == EncodingKind::kDictionaryV2) ew.varint_field(2, c->dictionary_size());
    footer.bytes_field(2, ew.buffer());
  }
  footer.bytes_field(3, "UTC");
  MORTAR_ASSIGN_OR_RETURN(std::string footer_bytes, compress(footer.buffer()));
  MORTAR_RETURN_IF_ERROR(emit(footer_bytes));
  info.data_length = data_length;
  info.footer_length = footer_bytes.size();
  stripes_.push_back(info);
  // Stripe statistics (the root counts the stripe's rows).
  ProtoWriter ss;
  StatsBuilder root;
  root.values = static_cast<uint64_t>(stripe_rows_);
  ss.bytes_field(1, root.serialize(OrcKind::kStruct, 0));
  for (size_t i = 1; i < columns_.size(); ++i) {
    ss.bytes_field(
        1, columns_[i]->stripe_stats().serialize(columns_[i]->kind(), columns_[i]->scale()));
    columns_[i]->end_stripe_stats();
  }
  stripe_stats_.push_back(ss.buffer());
  stripe_rows_ = 0;
  buffered_ = 0;
  return ok_status();
}

Status OrcWriter::close() {
  if (closed_) return ok_status();
  closed_ = true;
  MORTAR_RETURN_IF_ERROR(flush_stripe());
  // Metadata: the stripe statistics.
  ProtoWriter metadata;
  for (const std::string& s : stripe_stats_) metadata.bytes_field(1, s);
  MORTAR_ASSIGN_OR_RETURN(std::string metadata_bytes, compress(metadata.buffer()));
  MORTAR_RETURN_IF_ERROR(emit(metadata_bytes));
  ProtoWriter footer;
  footer.varint_field(1, 3);
  footer.varint_field(2,
                      static_cast<uint64_t>(offset_ - static_cast<int64_t>(metadata_bytes.size())));
  for (const StripeInformation& s : stripes_) {
    ProtoWriter sw;
    sw.varint_field(1, s.offset);
    sw.varint_field(2, 0);
    sw.varint_field(3, s.data_length);
    sw.varint_field(4, s.footer_length);
    sw.varint_field(5, s.number_of_rows);
    footer.bytes_field(3, sw.buffer());
  }
  std::vector<std::string> types;
  root_->append_types(&types);
  for (const std::string& t : types) footer.bytes_field(4, t);
  footer.varint_field(6, total_rows_);
  StatsBuilder root;
  root.values = total_rows_;
  footer.bytes_field(7, root.serialize(OrcKind::kStruct, 0));
  for (size_t i = 1; i < columns_.size(); ++i) {
    footer.bytes_field(
        7, columns_[i]->file_stats().serialize(columns_[i]->kind(), columns_[i]->scale()));
  }
  footer.varint_field(8, 0);  // no row index
  MORTAR_ASSIGN_OR_RETURN(std::string footer_bytes, compress(footer.buffer()));
  MORTAR_RETURN_IF_ERROR(emit(footer_bytes));
  ProtoWriter ps;
  ps.varint_field(1, footer_bytes.size());
  ps.varint_field(2, static_cast<uint64_t>(compression_));
  if (compression_ != CompressionKind::kNone)
    ps.varint_field(3, static_cast<uint64_t>(block_size_));
  ps.packed_varints(4, {0, 12});
  ps.varint_field(5, metadata_bytes.size());
  ps.varint_field(6, 6);  // writer version ORC-135: timestamp statistics in UTC
  ps.bytes_field(8000, "ORC");
  MORTAR_RETURN_IF_ERROR(emit(ps.buffer()));
  std::string len(1, static_cast<char>(ps.buffer().size()));
  MORTAR_RETURN_IF_ERROR(emit(len));
  return out_->close();
}

}  // namespace mortar::formats::orc
