#include "formats/avro/avro_block_count.h"

#include <algorithm>
#include <limits>

#include "formats/avro/avro_decoder.h"

namespace mortar::formats::avro {

namespace {

constexpr int64_t kMaxHeaderBytes = 20;  // two zig-zag longs of at most 10 bytes
constexpr int64_t kSyncBytes = 16;

// A window of the file, refilled by one ranged read when a wanted range
// falls outside it.
class Window {
 public:
  Window(const io::RandomAccessFile& file, const AvroCountOptions& options)
      : file_(file),
        read_size_(std::max<int64_t>(options.read_size, kMaxHeaderBytes + kSyncBytes)),
        reads_left_(options.max_reads) {}

  // Up to n bytes at offset (fewer at the end of the file); false when the
  // read budget is spent.
  StatusOr<bool> view(int64_t offset, int64_t n, std::string_view* out) {
    int64_t end = std::min(offset + n, file_.size());
    if (offset < start_ || end > start_ + static_cast<int64_t>(bytes_.size())) {
      if (reads_left_-- <= 0) return false;
      MORTAR_RETURN_IF_ERROR(file_.read_at(offset, read_size_, &bytes_));
      start_ = offset;
    }
    int64_t have = std::min<int64_t>(end, start_ + static_cast<int64_t>(bytes_.size())) - offset;
    *out = std::string_view(bytes_).substr(static_cast<size_t>(offset - start_),
                                           static_cast<size_t>(std::max<int64_t>(have, 0)));
    return true;
  }

 private:
  const io::RandomAccessFile& file_;
  int64_t read_size_;
  int64_t reads_left_;
  std::string bytes_;
  int64_t start_ = 0;
};

std::string at(int64_t offset, std::string_view what) {
  return "byte " + std::to_string(offset) + ": " + std::string(what);
}

}  // namespace

int64_t AvroRecordCount::estimate(int64_t data_start, int64_t file_size) const {
  if (complete || records == 0) return records;
  int64_t walked = end_offset - data_start;
  int64_t total = file_size - data_start;
  if (walked <= 0 || total <= walked) return records;
  double scaled =
      static_cast<double>(records) * static_cast<double>(total) / static_cast<double>(walked);
  if (scaled >= static_cast<double>(std::numeric_limits<int64_t>::max())) return records;
  return static_cast<int64_t>(scaled + 0.5);
}

StatusOr<AvroRecordCount> count_avro_records(const io::RandomAccessFile& file, int64_t data_start,
                                             std::string_view sync,
                                             const AvroCountOptions& options) {
  AvroRecordCount out;
  out.end_offset = data_start;
  const int64_t size = file.size();
  if (sync.size() != kSyncBytes) return invalid_input("an Avro sync marker has 16 bytes");
  if (data_start < 0 || data_start > size)
    return invalid_input("Avro data start past the end of the file");
  Window window(file, options);
  int64_t offset = data_start;
  std::string_view bytes;
  while (offset < size) {
    MORTAR_ASSIGN_OR_RETURN(bool got, window.view(offset, kMaxHeaderBytes, &bytes));
    if (!got) {
      out.problem = "read budget spent";
      return out;
    }
    Cursor in(bytes, "block");
    auto count = in.read_long();
    auto length = count.ok() ? in.read_long() : count;
    if (!count.ok() || !length.ok()) {
      out.problem = at(offset, "truncated or corrupt block header");
      return out;
    }
    int64_t data_at = offset + in.position();
    if (*count < 0 || *count > std::numeric_limits<int64_t>::max() - out.records) {
      out.problem = at(offset, "bad block record count");
      return out;
    }
    if (*length < 0 || *length > size - data_at - kSyncBytes) {
      out.problem = at(offset, "block runs past the end of the file");
      return out;
    }
    int64_t sync_at = data_at + *length;
    // The sync marker and the next block's header, in one read.
    MORTAR_ASSIGN_OR_RETURN(got, window.view(sync_at, kSyncBytes + kMaxHeaderBytes, &bytes));
    if (!got) {
      out.problem = "read budget spent";
      return out;
    }
    if (bytes.substr(0, kSyncBytes) != sync) {
      out.problem = at(sync_at, "sync marker mismatch after the block");
      return out;
    }
    out.records += *count;
    ++out.blocks;
    offset = sync_at + kSyncBytes;
    out.end_offset = offset;
  }
  out.complete = true;
  return out;
}

}  // namespace mortar::formats::avro
