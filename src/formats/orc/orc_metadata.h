// ORC's file tail and stripe footer (orc_proto.proto), decoded by
// protobuf_reader.h. Only the fields Mortar uses are kept; unknown fields are
// skipped, as protobuf requires.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mortar::formats::orc {

enum class CompressionKind : uint8_t {
  kNone = 0,
  kZlib = 1,
  kSnappy = 2,
  kLzo = 3,
  kLz4 = 4,
  kZstd = 5
};
std::string_view compression_name(CompressionKind kind);

struct PostScript {
  uint64_t footer_length = 0;
  CompressionKind compression = CompressionKind::kNone;
  uint64_t compression_block_size = 256 * 1024;
  std::vector<uint64_t> version;
  uint64_t metadata_length = 0;
  uint64_t writer_version = 0;
  std::string magic;
};

struct StripeInformation {
  uint64_t offset = 0, index_length = 0, data_length = 0, footer_length = 0, number_of_rows = 0;
};

enum class OrcKind : uint8_t {
  kBoolean = 0,
  kByte = 1,
  kShort = 2,
  kInt = 3,
  kLong = 4,
  kFloat = 5,
  kDouble = 6,
  kString = 7,
  kBinary = 8,
  kTimestamp = 9,
  kList = 10,
  kMap = 11,
  kStruct = 12,
  kUnion = 13,
  kDecimal = 14,
  kDate = 15,
  kVarchar = 16,
  kChar = 17,
  kTimestampInstant = 18,
};

struct OrcType {
  OrcKind kind = OrcKind::kStruct;
  std::vector<uint64_t> subtypes;
  std::vector<std::string> field_names;
  uint64_t maximum_length = 0, precision = 0, scale = 0;
};

// Column statistics; each typed part is present only when the writer wrote it.
struct ColumnStatistics {
  std::optional<uint64_t> number_of_values;
  std::optional<bool> has_null;
  std::optional<int64_t> int_min, int_max;
  std::optional<double> double_min, double_max;
  std::optional<std::string> string_min, string_max;
  std::optional<std::string> decimal_min, decimal_max;
  std::optional<int64_t> date_min, date_max;
  std::optional<uint64_t> true_count;                 // bucket statistics
  std::optional<int64_t> ts_min_utc, ts_max_utc;      // milliseconds
  std::optional<int64_t> ts_min_nanos, ts_max_nanos;  // sub-millisecond nanos + 1
  bool has_ts_local = false;                          // only the (writer-local) minimum/maximum
};

struct Footer {
  uint64_t header_length = 0, content_length = 0;
  std::vector<StripeInformation> stripes;
  std::vector<OrcType> types;
  uint64_t number_of_rows = 0;
  std::vector<ColumnStatistics> statistics;
  uint64_t row_index_stride = 0;
  std::vector<std::pair<std::string, std::string>> user_metadata;
};

// Per-stripe column statistics (the file's Metadata section).
struct StripeStatistics {
  std::vector<ColumnStatistics> columns;
};

enum class StreamKind : uint8_t {
  kPresent = 0,
  kData = 1,
  kLength = 2,
  kDictionaryData = 3,
  kDictionaryCount = 4,
  kSecondary = 5,
  kRowIndex = 6,
  kBloomFilter = 7,
  kBloomFilterUtf8 = 8,
};

struct StreamInfo {
  uint64_t kind = 0;
  uint64_t column = 0;
  uint64_t length = 0;
};

enum class EncodingKind : uint8_t {
  kDirect = 0,
  kDictionary = 1,
  kDirectV2 = 2,
  kDictionaryV2 = 3
};

struct ColumnEncoding {
  EncodingKind kind = EncodingKind::kDirect;
  uint64_t dictionary_size = 0;
};

struct StripeFooter {
  std::vector<StreamInfo> streams;
  std::vector<ColumnEncoding> columns;
  std::string writer_timezone;
};

StatusOr<PostScript> parse_postscript(std::string_view bytes);
StatusOr<Footer> parse_footer(std::string_view bytes);
StatusOr<std::vector<StripeStatistics>> parse_metadata(std::string_view bytes);
StatusOr<StripeFooter> parse_stripe_footer(std::string_view bytes);
StatusOr<ColumnStatistics> parse_column_statistics(std::string_view bytes);

}  // namespace mortar::formats::orc
