// libFuzzer target: the Avro reader over an in-memory file. Any input must
// give batches or an error: no crash, hang or unbounded allocation.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/avro/avro_reader.h"

namespace {

class MemoryFile : public mortar::io::RandomAccessFile {
 public:
  explicit MemoryFile(std::string data) : data_(std::move(data)) {}
  int64_t size() const override { return static_cast<int64_t>(data_.size()); }
  mortar::Status read_at(int64_t offset, int64_t n, std::string* out) const override {
    if (offset < 0 || n < 0) return mortar::invalid_input("bad range");
    if (offset >= size()) {
      out->clear();
      return mortar::ok_status();
    }
    *out = data_.substr(offset, n);
    return mortar::ok_status();
  }
  const std::string& path() const override { return path_; }

 private:
  std::string data_;
  std::string path_ = "fuzz.avro";
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = std::make_unique<MemoryFile>(std::string(reinterpret_cast<const char*>(data), size));
  mortar::formats::ReadOptions options;
  options.batch_rows = 1000;
  auto reader = mortar::formats::avro::AvroReader::open(std::move(file), options);
  if (!reader.ok()) return 0;
  for (int i = 0; i < 1000; ++i) {  // at most 1M rows: bounded time per input
    auto batch = (*reader)->next();
    if (!batch.ok() || !*batch) break;
    (void)(*batch)->validate();
  }
  return 0;
}
