#include "formats/parquet/column_reader.h"

#include <cmath>
#include <algorithm>
#include <cstring>

#include "formats/parquet/encodings.h"
#include "formats/parquet/value_conversion.h"
#include "io/compression.h"

namespace mortar::formats::parquet {

using types::TypeKind;
using int128 = __int128;

namespace {

constexpr int64_t kMaxPageBytes = int64_t{1} << 30;


io::Codec to_io_codec(CompressionCodec c) {
  switch (c) {
    case CompressionCodec::kSnappy: return io::Codec::kSnappyRaw;
    case CompressionCodec::kGzip: return io::Codec::kGzip;
    case CompressionCodec::kBrotli: return io::Codec::kBrotli;
    case CompressionCodec::kLz4: return io::Codec::kLz4Hadoop;
    case CompressionCodec::kZstd: return io::Codec::kZstd;
    case CompressionCodec::kLz4Raw: return io::Codec::kLz4Raw;
    default: return io::Codec::kNone;
  }
}

StatusOr<std::string> decompress(CompressionCodec codec, std::string_view in, int64_t size) {
  io::Codec c = to_io_codec(codec);
  auto r = io::decompress_block(c, in, size, size);
  if (!r.ok() && codec == CompressionCodec::kLz4) {
    // Old parquet-cpp wrote raw LZ4 blocks under the LZ4 codec.
    r = io::decompress_block(io::Codec::kLz4Raw, in, size, size);
  }
  if (!r.ok() && codec == CompressionCodec::kGzip) {
    r = io::decompress_block(io::Codec::kZlib, in, size, size);
  }
  if (!r.ok()) return r.status();
  if (static_cast<int64_t>(r->size()) != size) {
    return invalid_input("page decompressed to " + std::to_string(r->size()) + " bytes, header says " +
                         std::to_string(size));
  }
  return r;
}

// Legacy BIT_PACKED levels: MSB-first.
void unpack_msb(std::string_view data, int bw, int64_t n, int16_t* out) {
  uint64_t bit = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t v = 0;
    for (int b = 0; b < bw; ++b, ++bit) {
      size_t byte = bit >> 3;
      uint32_t x = byte < data.size() ? (static_cast<uint8_t>(data[byte]) >> (7 - (bit & 7))) & 1 : 0;
      v = (v << 1) | x;
    }
    out[i] = static_cast<int16_t>(v);
  }
}

class ChunkDecoder {
 public:
  ChunkDecoder(const FieldNode& leaf, const ColumnMetaData& meta, LeafData* out)
      : leaf_(leaf), meta_(meta), out_(out) {
    dict_.width = out->values.width;
  }

  Status decode_levels(std::string_view data, Encoding enc, int max_level, int64_t n, bool v1_prefix,
                       std::vector<int16_t>* levels, size_t* consumed) {
    size_t base = levels->size();
    levels->resize(base + n);
    int bw = bit_width_for(max_level);
    if (enc == Encoding::kBitPacked) {
      size_t bytes = (n * bw + 7) / 8;
      if (bytes > data.size()) return invalid_input("truncated BIT_PACKED levels");
      unpack_msb(data, bw, n, levels->data() + base);
      *consumed = bytes;
    } else {
      std::string_view rle = data;
      size_t prefix = 0;
      if (v1_prefix) {
        if (data.size() < 4) return invalid_input("truncated level length");
        uint32_t len;
        std::memcpy(&len, data.data(), 4);
        if (len > data.size() - 4) return invalid_input("level length " + std::to_string(len) + " exceeds the page");
        rle = data.substr(4, len);
        prefix = 4;
      }
      scratch_.resize(n);
      RleDecoder dec(rle, bw);
      int64_t got = dec.get_batch(scratch_.data(), n);
      MORTAR_RETURN_IF_ERROR(dec.status());
      if (got != n) return invalid_input("levels end early (" + std::to_string(got) + " of " + std::to_string(n) + ")");
      int16_t* dst = levels->data() + base;
      for (int64_t i = 0; i < n; ++i) {
        if (scratch_[i] > static_cast<uint32_t>(max_level)) return invalid_input("level above the maximum");
        dst[i] = static_cast<int16_t>(scratch_[i]);
      }
      *consumed = prefix + rle.size();
    }
    return ok_status();
  }

  Status decode_values(std::string_view data, Encoding enc, int64_t n) {
    DenseValues* out = &out_->values;
    switch (enc) {
      case Encoding::kPlain: {
        size_t consumed;
        return decode_plain(leaf_, data, n, out, &consumed);
      }
      case Encoding::kPlainDictionary:
      case Encoding::kRleDictionary: {
        if (!has_dict_) return invalid_input("dictionary-encoded page without a dictionary page");
        if (n == 0) return ok_status();
        if (data.empty()) return invalid_input("empty dictionary-encoded page");
        int bw = static_cast<uint8_t>(data[0]);
        if (bw > 32) return invalid_input("bad dictionary index bit width " + std::to_string(bw));
        scratch_.resize(n);
        RleDecoder dec(data.substr(1), bw);
        int64_t got = dec.get_batch(scratch_.data(), n);
        MORTAR_RETURN_IF_ERROR(dec.status());
        if (got != n) return invalid_input("dictionary indices end early");
        return gather_dictionary(dict_, scratch_.data(), n, out);
      }
      case Encoding::kRle: {
        if (leaf_.physical != PhysicalType::kBoolean) return invalid_input("RLE values on a non-boolean column");
        if (data.size() < 4) return invalid_input("truncated RLE boolean data");
        uint32_t len;
        std::memcpy(&len, data.data(), 4);
        if (len > data.size() - 4) return invalid_input("RLE length exceeds the page");
        scratch_.resize(n);
        RleDecoder dec(data.substr(4, len), 1);
        if (dec.get_batch(scratch_.data(), n) != n) return invalid_input("RLE booleans end early");
        MORTAR_RETURN_IF_ERROR(dec.status());
        size_t base = out->values.size();
        out->values.resize(base + n);
        for (int64_t i = 0; i < n; ++i) out->values[base + i] = static_cast<char>(scratch_[i] & 1);
        out->count += n;
        return ok_status();
      }
      case Encoding::kDeltaBinaryPacked: {
        if (leaf_.physical != PhysicalType::kInt32 && leaf_.physical != PhysicalType::kInt64) {
          return invalid_input("DELTA_BINARY_PACKED on a non-integer column");
        }
        std::vector<int64_t> vals;
        size_t consumed;
        MORTAR_RETURN_IF_ERROR(delta_binary_decode(data, n, &vals, &consumed));
        if (static_cast<int64_t>(vals.size()) != n) return invalid_input("DELTA_BINARY_PACKED value count differs from the page");
        if (leaf_.physical == PhysicalType::kInt32) {
          std::vector<int32_t> v32(vals.begin(), vals.end());
          return append_fixed(leaf_, reinterpret_cast<const char*>(v32.data()), n, out);
        }
        return append_fixed(leaf_, reinterpret_cast<const char*>(vals.data()), n, out);
      }
      case Encoding::kDeltaLengthByteArray:
      case Encoding::kDeltaByteArray: {
        if (leaf_.physical != PhysicalType::kByteArray && leaf_.physical != PhysicalType::kFixedLenByteArray) {
          return invalid_input("DELTA byte array encoding on a non-binary column");
        }
        std::vector<int64_t> offs{0};
        std::vector<char> bytes;
        MORTAR_RETURN_IF_ERROR(enc == Encoding::kDeltaByteArray
                                   ? delta_byte_array_decode(data, n, &offs, &bytes)
                                   : delta_length_byte_array_decode(data, n, &offs, &bytes));
        if (static_cast<int64_t>(offs.size()) - 1 != n) return invalid_input("DELTA byte array value count differs from the page");
        if (leaf_.physical == PhysicalType::kFixedLenByteArray) {
          for (int64_t i = 0; i < n; ++i) {
            if (offs[i + 1] - offs[i] != leaf_.type_length) return invalid_input("fixed-length value of the wrong length");
          }
          return append_fixed(leaf_, bytes.data(), n, out);
        }
        return append_byte_strings(leaf_, offs, bytes, out);
      }
      case Encoding::kByteStreamSplit: {
        int w = physical_width(leaf_);
        if (w == 0 || leaf_.physical == PhysicalType::kBoolean || leaf_.physical == PhysicalType::kInt96) {
          return invalid_input("BYTE_STREAM_SPLIT on an unsupported column type");
        }
        if (data.size() < static_cast<size_t>(n) * w) return invalid_input("truncated BYTE_STREAM_SPLIT data");
        std::vector<char> tmp(n * w);
        byte_stream_split_decode(data.substr(0, n * w), w, tmp.data());
        return append_fixed(leaf_, tmp.data(), n, out);
      }
      default:
        return unimplemented("unsupported encoding " + std::to_string(static_cast<int>(enc)));
    }
  }

  Status dictionary_page(std::string_view data, int64_t n) {
    dict_ = DenseValues{};
    dict_.width = out_->values.width;
    size_t consumed;
    MORTAR_RETURN_IF_ERROR(decode_plain(leaf_, data, n, &dict_, &consumed));
    has_dict_ = true;
    return ok_status();
  }

  int64_t count_present(int64_t first_entry, int64_t n) const {
    if (leaf_.max_def == 0) return n;
    int64_t c = 0;
    const int16_t* d = out_->def.data() + first_entry;
    for (int64_t i = 0; i < n; ++i) c += d[i] == leaf_.max_def;
    return c;
  }

 private:
  const FieldNode& leaf_;
  const ColumnMetaData& meta_;
  LeafData* out_;
  DenseValues dict_;
  bool has_dict_ = false;
  std::vector<uint32_t> scratch_;
};

}  // namespace


Status read_column_chunk(const io::RandomAccessFile& file, const ColumnMetaData& meta,
                         const FieldNode& leaf, int64_t row_group_rows, const ChunkLimits& limits,
                         LeafData* out) {
  out->values = DenseValues{};
  out->values.width = target_width(leaf);
  out->def.clear();
  out->rep.clear();
  out->num_entries = 0;
  int64_t start = meta.data_page_offset;
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
      *meta.dictionary_page_offset < start) {
    start = *meta.dictionary_page_offset;
  }
  int64_t len = meta.total_compressed_size;
  const std::string& path = file.path();
  auto located = [&](int64_t offset, const Status& s) {
    return annotate(s, path + ": column " + leaf.name + " at byte " + std::to_string(offset));
  };
  if (start < 4 || len <= 0 || start > limits.file_size || len > limits.file_size - start) {
    return located(start, invalid_input("column chunk range [" + std::to_string(start) + ", +" +
                                        std::to_string(len) + ") outside the file of " +
                                        std::to_string(limits.file_size) + " bytes"));
  }
  if (meta.type != leaf.physical) {
    return located(start, invalid_input("column chunk type differs from the schema"));
  }
  std::string buf;
  MORTAR_RETURN_IF_ERROR(file.read_at(start, len, &buf));
  if (static_cast<int64_t>(buf.size()) != len) return located(start, invalid_input("file truncated"));

  // Size the outputs once (growth would copy them page after page), within
  // what the file can justify.
  int64_t expect = std::clamp<int64_t>(meta.num_values, 0, std::min(limits.max_entries, leaf.max_rep ? limits.max_entries : row_group_rows));
  expect = std::min<int64_t>(expect, len * 32 + 4096);  // a hint only: never trust a tiny chunk's claims
  if (leaf.max_def > 0) out->def.reserve(expect);
  if (leaf.max_rep > 0) out->rep.reserve(expect);
  if (out->values.width) {
    out->values.values.reserve(expect * out->values.width);
  } else {
    out->values.offsets.reserve(expect + 1);
    out->values.data.reserve(std::clamp<int64_t>(meta.total_uncompressed_size, 0,
                                                 std::min<int64_t>(kMaxPageBytes, limits.file_size * 64)));
  }
  ChunkDecoder dec(leaf, meta, out);
  size_t pos = 0;
  int64_t values_seen = 0;
  while (pos < buf.size() && values_seen < meta.num_values) {
    int64_t page_offset = start + static_cast<int64_t>(pos);
    size_t hlen = 0;
    auto header = parse_page_header(std::string_view(buf).substr(pos), &hlen);
    if (!header.ok()) return located(page_offset, header.status());
    pos += hlen;
    const PageHeader& h = *header;
    if (h.compressed_page_size < 0 || static_cast<uint64_t>(h.compressed_page_size) > buf.size() - pos) {
      return located(page_offset, invalid_input("page size " + std::to_string(h.compressed_page_size) +
                                                " exceeds the column chunk"));
    }
    if (h.uncompressed_page_size < 0 || h.uncompressed_page_size > kMaxPageBytes) {
      return located(page_offset, invalid_input("bad uncompressed page size " + std::to_string(h.uncompressed_page_size)));
    }
    std::string_view payload(buf.data() + pos, h.compressed_page_size);
    pos += h.compressed_page_size;
    std::string decompressed;
    auto body = [&](std::string_view in, int64_t size) -> StatusOr<std::string_view> {
      if (meta.codec == CompressionCodec::kUncompressed) return in;
      auto d = decompress(meta.codec, in, size);
      if (!d.ok()) return d.status();
      decompressed = std::move(*d);
      return std::string_view(decompressed);
    };
    Status st;
    if (h.type == PageType::kDictionaryPage) {
      if (!h.dictionary_page) return located(page_offset, invalid_input("dictionary page without its header"));
      int64_t n = h.dictionary_page->num_values;
      if (n < 0 || n > h.uncompressed_page_size + 1) {
        // every dictionary value takes at least a byte (booleans: a bit)
        if (!(leaf.physical == PhysicalType::kBoolean && n <= int64_t{h.uncompressed_page_size} * 8)) {
          return located(page_offset, invalid_input("bad dictionary size " + std::to_string(n)));
        }
      }
      auto data = body(payload, h.uncompressed_page_size);
      if (!data.ok()) return located(page_offset, data.status());
      st = dec.dictionary_page(*data, n);
    } else if (h.type == PageType::kDataPage || h.type == PageType::kDataPageV2) {
      bool v2 = h.type == PageType::kDataPageV2;
      if ((!v2 && !h.data_page) || (v2 && !h.data_page_v2)) {
        return located(page_offset, invalid_input("data page without its header"));
      }
      int64_t n = v2 ? h.data_page_v2->num_values : h.data_page->num_values;
      if (n < 0 || out->num_entries + n > limits.max_entries) {
        return located(page_offset, invalid_input("page value count " + std::to_string(n) + " exceeds the limit"));
      }
      if (leaf.max_rep == 0 && out->num_entries + n > row_group_rows) {
        return located(page_offset, invalid_input("pages hold more values than the row group has rows"));
      }
      std::string_view values;
      int64_t first = out->num_entries;
      if (!v2) {
        auto data = body(payload, h.uncompressed_page_size);
        if (!data.ok()) return located(page_offset, data.status());
        std::string_view rest = *data;
        size_t used = 0;
        if (leaf.max_rep > 0) {
          st = dec.decode_levels(rest, h.data_page->repetition_level_encoding, leaf.max_rep, n, true, &out->rep, &used);
          if (!st.ok()) return located(page_offset, st);
          rest.remove_prefix(used);
        }
        if (leaf.max_def > 0) {
          st = dec.decode_levels(rest, h.data_page->definition_level_encoding, leaf.max_def, n, true, &out->def, &used);
          if (!st.ok()) return located(page_offset, st);
          rest.remove_prefix(used);
        }
        values = rest;
      } else {
        const DataPageHeaderV2& d = *h.data_page_v2;
        if (d.repetition_levels_byte_length < 0 || d.definition_levels_byte_length < 0 ||
            int64_t{d.repetition_levels_byte_length} + d.definition_levels_byte_length > h.compressed_page_size) {
          return located(page_offset, invalid_input("bad level lengths in data page v2"));
        }
        std::string_view rl = payload.substr(0, d.repetition_levels_byte_length);
        std::string_view dl = payload.substr(d.repetition_levels_byte_length, d.definition_levels_byte_length);
        size_t used;
        if (leaf.max_rep > 0) {
          st = dec.decode_levels(rl, Encoding::kRle, leaf.max_rep, n, false, &out->rep, &used);
          if (!st.ok()) return located(page_offset, st);
        }
        if (leaf.max_def > 0) {
          st = dec.decode_levels(dl, Encoding::kRle, leaf.max_def, n, false, &out->def, &used);
          if (!st.ok()) return located(page_offset, st);
        }
        std::string_view rest = payload.substr(rl.size() + dl.size());
        int64_t usize = int64_t{h.uncompressed_page_size} - rl.size() - dl.size();
        if (usize < 0) return located(page_offset, invalid_input("bad uncompressed size in data page v2"));
        if (d.is_compressed) {
          auto data = body(rest, usize);
          if (!data.ok()) return located(page_offset, data.status());
          values = *data;
        } else {
          values = rest;
        }
      }
      int64_t present = dec.count_present(first, n);
      Encoding enc = v2 ? h.data_page_v2->encoding : h.data_page->encoding;
      st = dec.decode_values(values, enc, present);
      out->num_entries += n;
      values_seen += n;
    }
    // index pages and unknown page types are skipped
    if (!st.ok()) return located(page_offset, st);
  }
  if (leaf.max_rep == 0 && out->num_entries != row_group_rows) {
    return located(start, invalid_input("column chunk holds " + std::to_string(out->num_entries) +
                                        " values, the row group has " + std::to_string(row_group_rows) + " rows"));
  }
  return ok_status();
}

}  // namespace mortar::formats::parquet
