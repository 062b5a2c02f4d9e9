// libFuzzer target: any bytes through the XML reader (both passes, options
// varied by the first byte) must give rows or a clean error, never a crash,
// a hang or an invalid batch.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/xml/xml_reader.h"

namespace {

class BytesStream : public mortar::io::InputStream {
 public:
  BytesStream(const uint8_t* data, size_t size) : data_(reinterpret_cast<const char*>(data)), size_(size) {}
  mortar::StatusOr<int64_t> read(char* buffer, int64_t n) override {
    // Short reads exercise the tokenizer's refills.
    int64_t k = std::min<int64_t>({n, static_cast<int64_t>(size_ - pos_), 7});
    std::copy(data_ + pos_, data_ + pos_ + k, buffer);
    pos_ += static_cast<size_t>(k);
    return k;
  }
  const std::string& path() const override { return path_; }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
  std::string path_ = "fuzz.xml";
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t pick = data[0];
  mortar::formats::ReadOptions options;
  options.batch_rows = 1 + (pick & 7) * 5;
  options.format_options["rowTag"] = (pick & 8) ? "row" : "a";
  if (pick & 16) options.format_options["excludeAttribute"] = "true";
  if (pick & 32) options.format_options["ignoreSurroundingSpaces"] = "true";
  if (pick & 64) options.format_options["treatEmptyValuesAsNulls"] = "true";
  if (pick & 128) options.format_options["encoding"] = "ISO-8859-1";
  auto opener = [data, size]() -> mortar::StatusOr<std::unique_ptr<mortar::io::InputStream>> {
    return std::unique_ptr<mortar::io::InputStream>(std::make_unique<BytesStream>(data + 1, size - 1));
  };
  auto reader = mortar::formats::xml::XmlReader::open_stream(opener, "fuzz.xml", options);
  if (!reader.ok()) return 0;
  for (int i = 0; i < 100000; ++i) {
    auto batch = (*reader)->next();
    if (!batch.ok() || !*batch) break;
    if (!(*batch)->validate().ok()) __builtin_trap();
  }
  return 0;
}
