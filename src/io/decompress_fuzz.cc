// libFuzzer target: arbitrary bytes through every codec's block and stream
// decoder never crash and never exceed the output cap.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "io/compression.h"
#include "io/memory_file.h"

using mortar::io::Codec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const Codec kCodecs[] = {Codec::kGzip, Codec::kBzip2, Codec::kZstd, Codec::kSnappyFramed,
                                  Codec::kSnappyRaw, Codec::kLz4Frame, Codec::kLz4Raw,
                                  Codec::kLz4Hadoop, Codec::kXz, Codec::kBrotli,
                                  Codec::kDeflateRaw, Codec::kZlib};
  Codec codec = kCodecs[data[0] % (sizeof(kCodecs) / sizeof(kCodecs[0]))];
  std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  constexpr int64_t kCap = 1 << 20;
  auto block = mortar::io::decompress_block(codec, input, -1, kCap);
  if (block.ok() && static_cast<int64_t>(block->size()) > kCap) std::abort();
  if (codec != Codec::kSnappyRaw && codec != Codec::kLz4Raw) {
    auto stream = mortar::io::decompressing_stream(// Short reads exercise the decoders' resumption.
        std::make_unique<mortar::io::MemoryInputStream>(input, "fuzz", 777), codec);
    if (stream.ok()) {
      char buf[4096];
      int64_t total = 0;
      while (total < 8 * kCap) {
        auto n = (*stream)->read(buf, sizeof(buf));
        if (!n.ok() || *n == 0) break;
        total += *n;
      }
    }
  }
  return 0;
}
