#include "formats/parquet/column_writer.h"

#include <cmath>
#include <cstring>
#include <optional>
#include <utility>

#include "common/byte_gather.h"
#include "formats/parquet/encodings.h"

namespace mortar::formats::parquet {

namespace {

int physical_width_of(const FieldNode& leaf) {
  switch (leaf.physical) {
    case PhysicalType::kBoolean: return 1;
    case PhysicalType::kInt32:
    case PhysicalType::kFloat: return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: return 8;
    case PhysicalType::kInt96: return 12;
    case PhysicalType::kFixedLenByteArray: return leaf.type_length;
    default: return 0;
  }
}

io::Codec io_codec(CompressionCodec c) {
  switch (c) {
    case CompressionCodec::kSnappy: return io::Codec::kSnappyRaw;
    case CompressionCodec::kGzip: return io::Codec::kGzip;
    case CompressionCodec::kZstd: return io::Codec::kZstd;
    case CompressionCodec::kLz4Raw: return io::Codec::kLz4Raw;
    case CompressionCodec::kBrotli: return io::Codec::kBrotli;
    default: return io::Codec::kNone;
  }
}

template <typename T>
void release(std::vector<T>& v) {
  std::vector<T>().swap(v);
}

__int128 be_to_int128(const char* p) {
  unsigned __int128 v = (static_cast<uint8_t>(p[0]) & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
  for (int i = 0; i < 16; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return static_cast<__int128>(v);
}

}  // namespace

ColumnWriter::ColumnWriter(const FieldNode& leaf, std::vector<std::string> path,
                           const ColumnWriterOptions& options)
    : leaf_(leaf), path_(std::move(path)), options_(options), physical_width_(physical_width_of(leaf)) {}

void ColumnWriter::add_bytes_gather(const int64_t* offsets, const char* data, const int64_t* rows, int64_t n) {
  size_t total = 0;
  for (int64_t i = 0; i < n; ++i) total += offsets[rows[i] + 1] - offsets[rows[i]];
  size_t at = data_.size();
  data_.resize(at + total);
  const size_t first = offsets_.size();
  offsets_.resize(first + n);
  for (int64_t i = 0; i < n; ++i) {
    const char* from = data + offsets[rows[i]];
    const size_t len = offsets[rows[i] + 1] - offsets[rows[i]];
    char* to = data_.data() + at;
    copy_value_bytes(to, from, static_cast<int64_t>(len));
    at += len;
    offsets_[first + i] = static_cast<int64_t>(at);
  }
}

Statistics ColumnWriter::statistics() const {
  Statistics s;
  s.null_count = null_count_;
  int64_t n = num_values();
  if (n == 0) return s;
  std::string mn, mx;
  auto set = [&](const void* lo, const void* hi, size_t w) {
    mn.assign(static_cast<const char*>(lo), w);
    mx.assign(static_cast<const char*>(hi), w);
  };
  switch (leaf_.physical) {
    case PhysicalType::kBoolean: {
      uint8_t lo = 1, hi = 0;
      for (int64_t i = 0; i < n; ++i) {
        uint8_t v = fixed_[i] ? 1 : 0;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      set(&lo, &hi, 1);
      break;
    }
    case PhysicalType::kInt32: {
      const int32_t* v = reinterpret_cast<const int32_t*>(fixed_.data());
      int32_t lo = v[0], hi = v[0];
      for (int64_t i = 1; i < n; ++i) lo = std::min(lo, v[i]), hi = std::max(hi, v[i]);
      set(&lo, &hi, 4);
      break;
    }
    case PhysicalType::kInt64: {
      const int64_t* v = reinterpret_cast<const int64_t*>(fixed_.data());
      int64_t lo = v[0], hi = v[0];
      for (int64_t i = 1; i < n; ++i) lo = std::min(lo, v[i]), hi = std::max(hi, v[i]);
      set(&lo, &hi, 8);
      break;
    }
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: {
      double lo = INFINITY, hi = -INFINITY;
      bool any = false;
      for (int64_t i = 0; i < n; ++i) {
        double d;
        if (leaf_.physical == PhysicalType::kFloat) {
          float f;
          std::memcpy(&f, fixed_.data() + i * 4, 4);
          d = f;
        } else {
          std::memcpy(&d, fixed_.data() + i * 8, 8);
        }
        if (std::isnan(d)) continue;
        any = true;
        lo = std::min(lo, d);
        hi = std::max(hi, d);
      }
      if (!any) return s;
      if (lo == 0) lo = -0.0;
      if (hi == 0) hi = 0.0;
      if (leaf_.physical == PhysicalType::kFloat) {
        float flo = static_cast<float>(lo), fhi = static_cast<float>(hi);
        set(&flo, &fhi, 4);
      } else {
        set(&lo, &hi, 8);
      }
      break;
    }
    case PhysicalType::kFixedLenByteArray: {
      // Mortar writes FIXED_LEN_BYTE_ARRAY only for 16-byte decimals.
      int64_t lo = 0, hi = 0;
      __int128 vlo = be_to_int128(fixed_.data()), vhi = vlo;
      for (int64_t i = 1; i < n; ++i) {
        __int128 v = be_to_int128(fixed_.data() + i * 16);
        if (v < vlo) vlo = v, lo = i;
        if (v > vhi) vhi = v, hi = i;
      }
      mn.assign(fixed_.data() + lo * 16, 16);
      mx.assign(fixed_.data() + hi * 16, 16);
      break;
    }
    case PhysicalType::kByteArray: {
      std::string_view lo(data_.data() + offsets_[0], offsets_[1] - offsets_[0]), hi = lo;
      if (!dict_keys_.empty()) {
        for (std::string_view v : dict_keys_) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      } else {
        for (int64_t i = 1; i < n; ++i) {
          std::string_view v(data_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      if (lo.size() > 256 || hi.size() > 256) return s;  // keep footers small
      mn.assign(lo);
      mx.assign(hi);
      break;
    }
    default:
      return s;
  }
  s.min = s.min_value = mn;
  s.max = s.max_value = mx;
  return s;
}

Status ColumnWriter::write_page(PageHeader header, std::string_view body, int64_t file_offset,
                                std::string* out, int64_t* uncompressed_total) {
  header.uncompressed_page_size = static_cast<int32_t>(body.size());
  std::string compressed;
  if (options_.codec != CompressionCodec::kUncompressed) {
    MORTAR_ASSIGN_OR_RETURN(compressed, io::compress_block(io_codec(options_.codec), body));
    body = compressed;
  }
  if (body.size() > static_cast<size_t>(INT32_MAX)) return invalid_input("parquet page too large");
  header.compressed_page_size = static_cast<int32_t>(body.size());
  std::string h = serialize_page_header(header);
  out->append(h);
  out->append(body);
  *uncompressed_total += static_cast<int64_t>(h.size()) + header.uncompressed_page_size;
  return ok_status();
}

Status ColumnWriter::flush(int64_t file_offset, std::string* out, ColumnMetaData* meta) {
  const size_t chunk_start = out->size();
  out->reserve(chunk_start + buffered_bytes() / 2 + 1024);
  int64_t uncompressed_total = 0;
  const int64_t nvals = num_values();
  *meta = ColumnMetaData{};
  meta->type = leaf_.physical;
  meta->path_in_schema = path_;
  meta->codec = options_.codec;
  meta->num_values = num_entries_;

  std::vector<uint32_t> indices;
  std::string dict_plain;
  int64_t dict_count = 0;
  bool use_dict = false;
  if (options_.dictionary && leaf_.physical != PhysicalType::kBoolean && nvals > 0) {
    use_dict = build_dictionary(&indices, &dict_plain, &dict_count);
    fell_back_ = !use_dict;
    if (!use_dict) std::vector<uint32_t>().swap(indices);
  }
  meta->statistics = statistics();
  int dict_bw = use_dict ? std::max(1, bit_width_for(dict_count > 0 ? dict_count - 1 : 0)) : 0;
  if (use_dict) {
    meta->dictionary_page_offset = file_offset + static_cast<int64_t>(out->size() - chunk_start);
    PageHeader h;
    h.type = PageType::kDictionaryPage;
    DictionaryPageHeader d;
    d.num_values = static_cast<int32_t>(dict_count);
    d.encoding = Encoding::kPlain;
    h.dictionary_page = d;
    MORTAR_RETURN_IF_ERROR(write_page(h, dict_plain, file_offset, out, &uncompressed_total));
  }
  meta->data_page_offset = file_offset + static_cast<int64_t>(out->size() - chunk_start);

  // Entries per page from the average encoded value size.
  int64_t value_bytes = use_dict ? (nvals * dict_bw + 7) / 8
                                 : static_cast<int64_t>(fixed_.size() + data_.size() + 4 * (offsets_.size() - 1));
  int64_t level_bytes = (leaf_.max_def > 0 ? num_entries_ / 4 : 0) + (leaf_.max_rep > 0 ? num_entries_ / 4 : 0);
  int64_t per_entry = std::max<int64_t>(1, (value_bytes + level_bytes) / std::max<int64_t>(1, num_entries_));
  int64_t entries_per_page = std::max<int64_t>(1, options_.page_size / per_entry);

  std::string body;
  std::vector<uint32_t> tmp;
  int64_t entry = 0, value = 0;
  do {
    int64_t end = std::min(num_entries_, entry + entries_per_page);
    if (leaf_.max_rep > 0) {
      while (end < num_entries_ && rep_[end] != 0) ++end;  // pages hold whole records
    }
    int64_t count = end - entry;
    int64_t present = count;
    if (leaf_.max_def > 0) {
      present = 0;
      for (int64_t i = entry; i < end; ++i) present += def_[i] == leaf_.max_def;
    }
    body.clear();
    auto levels = [&](const std::vector<int16_t>& lv, int max_level) {
      tmp.assign(lv.begin() + entry, lv.begin() + end);
      std::string enc = rle_encode(tmp.data(), count, bit_width_for(max_level));
      put_u32(&body, static_cast<uint32_t>(enc.size()));
      body += enc;
    };
    if (leaf_.max_rep > 0) levels(rep_, leaf_.max_rep);
    if (leaf_.max_def > 0 && present == count) {
      // Every entry defined (the common case): one run, no copy of the levels.
      std::string enc = rle_encode_run(static_cast<uint32_t>(leaf_.max_def), count, bit_width_for(leaf_.max_def));
      put_u32(&body, static_cast<uint32_t>(enc.size()));
      body += enc;
    } else if (leaf_.max_def > 0) {
      levels(def_, leaf_.max_def);
    }
    Encoding enc = Encoding::kPlain;
    if (use_dict) {
      enc = Encoding::kRleDictionary;
      body.push_back(static_cast<char>(dict_bw));
      body += rle_encode(indices.data() + value, present, dict_bw);
    } else if (leaf_.physical == PhysicalType::kBoolean) {
      size_t base = body.size();
      body.resize(base + (present + 7) / 8, 0);
      for (int64_t i = 0; i < present; ++i) {
        if (fixed_[value + i]) body[base + (i >> 3)] |= static_cast<char>(1 << (i & 7));
      }
    } else if (physical_width_) {
      body.append(fixed_.data() + value * physical_width_, present * physical_width_);
    } else {
      for (int64_t i = value; i < value + present; ++i) {
        put_u32(&body, static_cast<uint32_t>(offsets_[i + 1] - offsets_[i]));
        body.append(data_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
      }
    }
    PageHeader h;
    h.type = PageType::kDataPage;
    DataPageHeader d;
    d.num_values = static_cast<int32_t>(count);
    d.encoding = enc;
    d.definition_level_encoding = Encoding::kRle;
    d.repetition_level_encoding = Encoding::kRle;
    h.data_page = d;
    MORTAR_RETURN_IF_ERROR(write_page(h, body, file_offset, out, &uncompressed_total));
    entry = end;
    value += present;
  } while (entry < num_entries_);

  meta->encodings = {Encoding::kRle, use_dict ? Encoding::kRleDictionary : Encoding::kPlain};
  if (use_dict) meta->encodings.push_back(Encoding::kPlain);
  meta->total_compressed_size = static_cast<int64_t>(out->size() - chunk_start);
  meta->total_uncompressed_size = uncompressed_total;

  // The buffers' memory goes back too: a writer flushed early to bound a
  // sink's memory must not keep holding it.
  release(dict_keys_);
  release(def_);
  release(rep_);
  release(fixed_);
  release(offsets_);
  offsets_.push_back(0);
  release(data_);
  num_entries_ = 0;
  null_count_ = 0;
  return ok_status();
}

}  // namespace mortar::formats::parquet
