// libFuzzer target: the first line is a grok pattern (or, after a line
// "---", custom pattern definitions follow it), the rest are log lines. Any
// input must give rows or a clean error, never a crash or a hang (RE2 is
// linear-time; expansion is bounded).
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/grok/grok_reader.h"

namespace {

class BytesStream : public mortar::io::InputStream {
 public:
  explicit BytesStream(std::string data) : data_(std::move(data)) {}
  mortar::StatusOr<int64_t> read(char* buffer, int64_t n) override {
    int64_t k = std::min<int64_t>(n, static_cast<int64_t>(data_.size() - pos_));
    std::copy(data_.data() + pos_, data_.data() + pos_ + k, buffer);
    pos_ += static_cast<size_t>(k);
    return k;
  }
  const std::string& path() const override { return path_; }

 private:
  std::string data_;
  size_t pos_ = 0;
  std::string path_ = "fuzz.log";
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  if (nl == std::string::npos) return 0;
  std::string pattern = text.substr(0, nl);
  std::string rest = text.substr(nl + 1);
  mortar::formats::ReadOptions options;
  options.batch_rows = 7;
  if (rest.rfind("---\n", 0) == 0) {
    size_t end = rest.find("\n---\n", 4);
    if (end != std::string::npos) {
      options.format_options["customPatterns"] = rest.substr(4, end - 4);
      rest = rest.substr(end + 5);
    }
  }
  options.format_options["logFormat"] = pattern;
  if (!pattern.empty() && (pattern.back() & 1)) options.format_options["StrictMode"] = "true";
  if (!pattern.empty() && (pattern.back() & 2)) options.format_options["LineCount"] = "2";
  auto reader = mortar::formats::grok::GrokReader::open_stream(
      std::make_unique<BytesStream>(std::move(rest)), "fuzz.log", options);
  if (!reader.ok()) return 0;
  for (int i = 0; i < 100000; ++i) {
    auto batch = (*reader)->next();
    if (!batch.ok() || !*batch) break;
    if (!(*batch)->validate().ok()) __builtin_trap();
  }
  return 0;
}
