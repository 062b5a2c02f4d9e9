// libFuzzer target: any bytes through the CSV reader (inference, several
// dialects, tiny blocks so records cross block boundaries) must give rows or
// a clean error, never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/csv/csv_reader.h"

namespace {

class BytesStream : public mortar::io::InputStream {
 public:
  BytesStream(const uint8_t* data, size_t size) : data_(reinterpret_cast<const char*>(data)), size_(size) {}
  mortar::StatusOr<int64_t> read(char* buffer, int64_t n) override {
    int64_t k = std::min<int64_t>(n, static_cast<int64_t>(size_ - pos_));
    std::copy(data_ + pos_, data_ + pos_ + k, buffer);
    pos_ += static_cast<size_t>(k);
    return k;
  }
  const std::string& path() const override { return path_; }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
  std::string path_ = "fuzz.csv";
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the options.
  const uint8_t pick = data[0];
  mortar::formats::ReadOptions options;
  options.batch_rows = 1 + (pick & 7) * 3;
  options.format_options["withHeader"] = (pick & 8) ? "true" : "false";
  options.format_options["blockSize"] = (pick & 16) ? "64" : "4096";
  if (pick & 32) options.format_options["escaper"] = "\\";
  if (pick & 64) options.format_options["allowRaggedRows"] = "true";
  if (pick & 128) options.format_options["separator"] = ";";
  auto reader = mortar::formats::csv::CsvReader::open_stream(
      std::make_unique<BytesStream>(data + 1, size - 1), "fuzz.csv", options, (pick & 3) == 0);
  if (!reader.ok()) return 0;
  for (int i = 0; i < 100000; ++i) {
    auto batch = (*reader)->next();
    if (!batch.ok() || !*batch) break;
    if (!(*batch)->validate().ok()) __builtin_trap();
  }
  return 0;
}
