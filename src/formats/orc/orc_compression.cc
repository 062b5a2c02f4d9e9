#include "formats/orc/orc_compression.h"

#include "io/compression.h"

namespace mortar::formats::orc {

StatusOr<std::string> decompress_stream(std::string_view raw, const CompressionSettings& settings) {
  if (settings.kind == CompressionKind::kNone) {
    if (static_cast<int64_t>(raw.size()) > settings.max_output) {
      return limit_exceeded("stream of " + std::to_string(raw.size()) + " bytes is over the limit");
    }
    return std::string(raw);
  }
  io::Codec codec;
  switch (settings.kind) {
    case CompressionKind::kZlib:
      codec = io::Codec::kDeflateRaw;
      break;
    case CompressionKind::kSnappy:
      codec = io::Codec::kSnappyRaw;
      break;
    case CompressionKind::kLz4:
      codec = io::Codec::kLz4Raw;
      break;
    case CompressionKind::kZstd:
      codec = io::Codec::kZstd;
      break;
    default:
      return unimplemented("ORC compression " + std::string(compression_name(settings.kind)) +
                           " is not supported");
  }
  std::string out;
  size_t pos = 0;
  while (pos < raw.size()) {
    if (raw.size() - pos < 3)
      return invalid_input("truncated compression chunk header at offset " + std::to_string(pos));
    uint32_t header = static_cast<uint8_t>(raw[pos]) | (static_cast<uint8_t>(raw[pos + 1]) << 8) |
                      (static_cast<uint32_t>(static_cast<uint8_t>(raw[pos + 2])) << 16);
    bool original = header & 1;
    size_t length = header >> 1;
    size_t at = pos;
    pos += 3;
    if (length > raw.size() - pos) {
      return invalid_input("compression chunk at offset " + std::to_string(at) + " claims " +
                           std::to_string(length) + " bytes, " + std::to_string(raw.size() - pos) +
                           " remain");
    }
    std::string_view body = raw.substr(pos, length);
    pos += length;
    int64_t room = settings.max_output - static_cast<int64_t>(out.size());
    if (original) {
      if (static_cast<int64_t>(body.size()) > room)
        return limit_exceeded("decompressed stream over the limit");
      out.append(body);
      continue;
    }
    auto chunk =
        io::decompress_block(codec, body, -1, std::min<int64_t>(settings.block_size, room));
    if (!chunk.ok()) {
      return annotate(chunk.status(), std::string(compression_name(settings.kind)) +
                                          " chunk at offset " + std::to_string(at));
    }
    out.append(*chunk);
  }
  return out;
}

}  // namespace mortar::formats::orc
