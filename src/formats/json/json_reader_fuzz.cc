// libFuzzer target: any bytes through the JSON reader (inference, jsonPath,
// tiny blocks) must give rows or a clean error, never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/json/json_reader.h"

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
  std::string path_ = "fuzz.json";
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t pick = data[0];
  mortar::formats::ReadOptions options;
  options.batch_rows = 1 + (pick & 7) * 5;
  options.format_options["blockSize"] = (pick & 8) ? "64" : "65536";
  if (pick & 16) options.format_options["jsonPath"] = "$.records[*]";
  if (pick & 32) options.format_options["inferSampleRows"] = "1";
  auto reader = mortar::formats::json::JsonReader::open_stream(
      std::make_unique<BytesStream>(data + 1, size - 1), "fuzz.json", options);
  if (!reader.ok()) return 0;
  for (int i = 0; i < 100000; ++i) {
    auto batch = (*reader)->next();
    if (!batch.ok() || !*batch) break;
    if (!(*batch)->validate().ok()) __builtin_trap();
  }
  return 0;
}
