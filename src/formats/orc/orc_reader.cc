#include "formats/orc/orc_reader.h"

#include <strings.h>

#include "formats/orc/orc_stats.h"

namespace mortar::formats::orc {

namespace {
constexpr int64_t kTailGuess = 16 * 1024;
constexpr int64_t kMaxTailBytes = int64_t{256} << 20;
constexpr int64_t kMaxBlockSize = int64_t{64} << 20;
constexpr uint64_t kMaxStripeRows = uint64_t{1} << 40;
}  // namespace

Status OrcReader::fail_at(int64_t offset, const std::string& what) const {
  return invalid_input(file_->path() + ": " + what + " at byte " + std::to_string(offset));
}

Status OrcReader::read_tail() {
  const int64_t size = file_->size();
  if (size < 4) return fail_at(0, "not an ORC file (" + std::to_string(size) + " bytes)");
  std::string head;
  MORTAR_RETURN_IF_ERROR(file_->read_at(0, 3, &head));
  if (head != "ORC") return fail_at(0, "not an ORC file (no ORC magic)");
  int64_t tail_len = std::min(size, kTailGuess);
  int64_t tail_start = size - tail_len;
  std::string tail;
  MORTAR_RETURN_IF_ERROR(file_->read_at(tail_start, tail_len, &tail));
  if (static_cast<int64_t>(tail.size()) != tail_len)
    return fail_at(tail_start, "short read of the file tail");
  int64_t ps_len = static_cast<uint8_t>(tail.back());
  int64_t ps_start = size - 1 - ps_len;
  if (ps_len == 0 || ps_start < 3)
    return fail_at(size - 1, "bad postscript length " + std::to_string(ps_len));
  auto ps = parse_postscript(std::string_view(tail).substr(ps_start - tail_start, ps_len));
  if (!ps.ok())
    return annotate(ps.status(),
                    file_->path() + ": postscript at byte " + std::to_string(ps_start));
  postscript_ = std::move(*ps);
  if (!postscript_.magic.empty() && postscript_.magic != "ORC")
    return fail_at(ps_start, "bad postscript magic");
  uint64_t footer_len = postscript_.footer_length, meta_len = postscript_.metadata_length;
  if (footer_len > static_cast<uint64_t>(ps_start - 3) ||
      meta_len > static_cast<uint64_t>(ps_start - 3) - footer_len ||
      footer_len + meta_len > static_cast<uint64_t>(kMaxTailBytes)) {
    return fail_at(ps_start, "footer (" + std::to_string(footer_len) + " bytes) and metadata (" +
                                 std::to_string(meta_len) + " bytes) do not fit the file");
  }
  compression_.kind = postscript_.compression;
  compression_.block_size = std::clamp<int64_t>(
      static_cast<int64_t>(std::min<uint64_t>(postscript_.compression_block_size, kMaxBlockSize)),
      256 * 1024, kMaxBlockSize);
  // Decompressed streams may be far larger than the file, but not unboundedly.
  compression_.max_output =
      std::min<int64_t>(int64_t{4} << 30, std::max<int64_t>(int64_t{64} << 20, size * 1100));
  if (compression_.kind == CompressionKind::kLzo) {
    return unimplemented(file_->path() + ": ORC files compressed with LZO are not supported");
  }
  int64_t footer_start = ps_start - static_cast<int64_t>(footer_len);
  metadata_offset_ = footer_start - static_cast<int64_t>(meta_len);
  std::string footer_raw;
  if (footer_start >= tail_start) {
    footer_raw = tail.substr(footer_start - tail_start, footer_len);
  } else {
    MORTAR_RETURN_IF_ERROR(
        file_->read_at(footer_start, static_cast<int64_t>(footer_len), &footer_raw));
  }
  CompressionSettings tail_settings = compression_;
  tail_settings.max_output = std::min<int64_t>(compression_.max_output, kMaxTailBytes);
  auto footer_bytes = decompress_stream(footer_raw, tail_settings);
  if (!footer_bytes.ok())
    return annotate(footer_bytes.status(),
                    file_->path() + ": footer at byte " + std::to_string(footer_start));
  auto footer = parse_footer(*footer_bytes);
  if (!footer.ok())
    return annotate(footer.status(),
                    file_->path() + ": footer at byte " + std::to_string(footer_start));
  footer_ = std::move(*footer);
  for (size_t i = 0; i < footer_.stripes.size(); ++i) {
    const StripeInformation& s = footer_.stripes[i];
    uint64_t end = s.offset;
    bool fits = s.offset >= 3 && s.index_length <= static_cast<uint64_t>(size) &&
                s.data_length <= static_cast<uint64_t>(size) &&
                s.footer_length <= static_cast<uint64_t>(size);
    if (fits) end = s.offset + s.index_length + s.data_length + s.footer_length;
    if (!fits || end > static_cast<uint64_t>(metadata_offset_) ||
        s.number_of_rows > kMaxStripeRows) {
      return fail_at(footer_start,
                     "stripe " + std::to_string(i) + " (offset " + std::to_string(s.offset) + ", " +
                         std::to_string(s.number_of_rows) + " rows) does not fit the file");
    }
  }
  auto root = build_schema(footer_.types);
  if (!root.ok())
    return annotate(root.status(), file_->path() + ": schema in the footer at byte " +
                                       std::to_string(footer_start));
  root_ = std::move(*root);
  return ok_status();
}

StatusOr<std::unique_ptr<OrcReader>> OrcReader::open(std::unique_ptr<io::RandomAccessFile> file,
                                                     const ReadOptions& options) {
  std::unique_ptr<OrcReader> r(new OrcReader());
  r->file_ = std::move(file);
  r->options_ = options;
  if (r->options_.batch_rows <= 0) r->options_.batch_rows = 64 * 1024;
  MORTAR_RETURN_IF_ERROR(r->read_tail());
  const std::string& path = r->file_->path();
  if (options.columns.empty()) {
    for (const auto& c : r->root_->children) r->selected_.push_back(c.get());
  } else {
    for (const std::string& name : options.columns) {
      const SchemaNode* found = nullptr;
      for (const auto& c : r->root_->children) {
        if (c->name == name) found = c.get();
      }
      if (!found) {
        for (const auto& c : r->root_->children) {
          if (strcasecmp(c->name.c_str(), name.c_str()) == 0) found = c.get();
        }
      }
      if (!found) return not_found(path + ": no column '" + name + "'");
      for (const SchemaNode* s : r->selected_) {
        if (s == found) return invalid_input(path + ": column '" + name + "' selected twice");
      }
      r->selected_.push_back(found);
    }
  }
  std::vector<types::Field> fields;
  r->column_wanted_.assign(r->footer_.types.size(), false);
  for (const SchemaNode* n : r->selected_) {
    fields.push_back({n->name, n->type});
    std::vector<uint32_t> ids;
    collect_columns(*n, &ids);
    for (uint32_t id : ids) r->column_wanted_[id] = true;
  }
  r->schema_ = types::DataType::structure(std::move(fields));
  if (options.prune && r->postscript_.metadata_length > 0) {
    std::string raw;
    MORTAR_RETURN_IF_ERROR(r->file_->read_at(
        r->metadata_offset_, static_cast<int64_t>(r->postscript_.metadata_length), &raw));
    CompressionSettings settings = r->compression_;
    settings.max_output = std::min<int64_t>(settings.max_output, kMaxTailBytes);
    auto bytes = decompress_stream(raw, settings);
    StatusOr<std::vector<StripeStatistics>> stats =
        bytes.ok() ? parse_metadata(*bytes)
                   : StatusOr<std::vector<StripeStatistics>>(bytes.status());
    if (!stats.ok()) {
      return annotate(stats.status(), path + ": metadata (stripe statistics) at byte " +
                                          std::to_string(r->metadata_offset_));
    }
    r->stripe_stats_ = std::move(*stats);
  }
  return r;
}

Status OrcReader::load_stripe(int index) {
  const StripeInformation& info = footer_.stripes[index];
  const std::string& path = file_->path();
  std::string where =
      path + ": stripe " + std::to_string(index) + " at byte " + std::to_string(info.offset);
  readers_.clear();
  streams_ = StripeStreams{};
  int64_t footer_at = static_cast<int64_t>(info.offset + info.index_length + info.data_length);
  std::string raw;
  MORTAR_RETURN_IF_ERROR(file_->read_at(footer_at, static_cast<int64_t>(info.footer_length), &raw));
  CompressionSettings small = compression_;
  small.max_output = std::min<int64_t>(small.max_output, kMaxTailBytes);
  auto footer_bytes = decompress_stream(raw, small);
  if (!footer_bytes.ok())
    return annotate(footer_bytes.status(),
                    where + ", stripe footer at byte " + std::to_string(footer_at));
  auto sf = parse_stripe_footer(*footer_bytes);
  if (!sf.ok())
    return annotate(sf.status(), where + ", stripe footer at byte " + std::to_string(footer_at));
  if (sf->columns.size() < footer_.types.size()) {
    return fail_at(footer_at, "stripe " + std::to_string(index) + " footer has " +
                                  std::to_string(sf->columns.size()) + " column encodings for " +
                                  std::to_string(footer_.types.size()) + " columns");
  }
  streams_.encodings = std::move(sf->columns);
  streams_.writer_timezone = std::move(sf->writer_timezone);
  // Streams lie back to back from the stripe's start, index streams first.
  uint64_t offset = info.offset;
  uint64_t end = info.offset + info.index_length + info.data_length;
  int64_t total = 0;
  for (const StreamInfo& s : sf->streams) {
    if (s.length > end - offset) {
      return fail_at(static_cast<int64_t>(offset), "stream of column " + std::to_string(s.column) +
                                                       " (" + std::to_string(s.length) +
                                                       " bytes) runs past its stripe " +
                                                       std::to_string(index));
    }
    uint64_t at = offset;
    offset += s.length;
    bool data_kind = s.kind <= static_cast<uint64_t>(StreamKind::kSecondary) &&
                     s.kind != static_cast<uint64_t>(StreamKind::kDictionaryCount);
    if (!data_kind || s.column >= column_wanted_.size() || !column_wanted_[s.column]) continue;
    MORTAR_RETURN_IF_ERROR(
        file_->read_at(static_cast<int64_t>(at), static_cast<int64_t>(s.length), &raw));
    CompressionSettings settings = compression_;
    settings.max_output = compression_.max_output - total;
    auto bytes = decompress_stream(raw, settings);
    if (!bytes.ok()) {
      return annotate(bytes.status(), where + ", stream of column " + std::to_string(s.column) +
                                          " at byte " + std::to_string(at));
    }
    total += static_cast<int64_t>(bytes->size());
    streams_.streams[{static_cast<uint32_t>(s.column), s.kind}] = std::move(*bytes);
  }
  for (const SchemaNode* n : selected_) {
    auto reader = make_column_reader(*n, streams_);
    if (!reader.ok()) return annotate(reader.status(), where);
    readers_.push_back(std::move(*reader));
  }
  stripe_ = index;
  rows_left_ = static_cast<int64_t>(info.number_of_rows);
  return ok_status();
}

StatusOr<std::unique_ptr<types::RecordBatch>> OrcReader::next() {
  while (rows_left_ == 0) {
    readers_.clear();
    streams_ = StripeStreams{};
    if (next_stripe_ >= static_cast<int>(footer_.stripes.size())) return nullptr;
    int s = next_stripe_++;
    const StripeInformation& info = footer_.stripes[s];
    if (info.number_of_rows == 0) continue;
    if (options_.prune && static_cast<size_t>(s) < stripe_stats_.size() &&
        !options_.prune(to_column_stats(*root_, stripe_stats_[s].columns, info.number_of_rows))) {
      ++pruned_;
      continue;
    }
    MORTAR_RETURN_IF_ERROR(load_stripe(s));
  }
  int64_t rows = std::min(rows_left_, options_.batch_rows);
  auto batch = types::RecordBatch::make_empty(schema_);
  for (size_t i = 0; i < readers_.size(); ++i) {
    Status st = readers_[i]->read(rows, nullptr, batch->column(static_cast<int>(i)));
    if (!st.ok()) {
      rows_left_ = 0;
      next_stripe_ = static_cast<int>(footer_.stripes.size());  // no reading past a corrupt stripe
      return annotate(st, file_->path() + ": stripe " + std::to_string(stripe_) + " at byte " +
                              std::to_string(footer_.stripes[stripe_].offset));
    }
  }
  batch->set_num_rows(rows);
  rows_left_ -= rows;
  return batch;
}

}  // namespace mortar::formats::orc
