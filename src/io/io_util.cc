#include "io/io_util.h"

#include <algorithm>

#include "io/compression.h"

namespace mortar::io {

StatusOr<std::string> read_all(InputStream& in, int64_t max_bytes) {
  std::string out;
  size_t chunk = 64 * 1024;
  while (true) {
    size_t at = out.size();
    if (static_cast<int64_t>(at) > max_bytes) {
      return limit_exceeded(in.path() + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.resize(at + chunk);
    MORTAR_ASSIGN_OR_RETURN(int64_t n, in.read(out.data() + at, static_cast<int64_t>(chunk)));
    out.resize(at + static_cast<size_t>(n));
    if (n == 0) break;
    chunk = std::min<size_t>(chunk * 2, 16 << 20);
  }
  if (static_cast<int64_t>(out.size()) > max_bytes) {
    return limit_exceeded(in.path() + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  return out;
}

StatusOr<std::string> read_file(FileSystem& fs, const std::string& path, int64_t max_bytes,
                                bool decompress) {
  std::unique_ptr<InputStream> in;
  if (decompress) {
    MORTAR_ASSIGN_OR_RETURN(in, open_decompressed(fs, path));
  } else {
    MORTAR_ASSIGN_OR_RETURN(in, fs.open_input(path));
  }
  return read_all(*in, max_bytes);
}

StatusOr<std::string> read_head(FileSystem& fs, const std::string& path, int64_t n) {
  MORTAR_ASSIGN_OR_RETURN(auto in, open_decompressed(fs, path));
  std::string out(static_cast<size_t>(std::max<int64_t>(n, 0)), '\0');
  size_t got = 0;
  while (got < out.size()) {
    MORTAR_ASSIGN_OR_RETURN(int64_t k, in->read(out.data() + got, static_cast<int64_t>(out.size() - got)));
    if (k == 0) break;
    got += static_cast<size_t>(k);
  }
  out.resize(got);
  return out;
}

Status write_file(FileSystem& fs, const std::string& path, std::string_view data) {
  MORTAR_ASSIGN_OR_RETURN(auto out, fs.open_output(path));
  MORTAR_RETURN_IF_ERROR(out->write(data));
  return out->close();
}

Status fill_buffer(InputStream& in, std::string& buffer, size_t target, bool* eof) {
  while (buffer.size() < target && !*eof) {
    size_t have = buffer.size();
    buffer.resize(target);
    auto n = in.read(buffer.data() + have, static_cast<int64_t>(target - have));
    if (!n.ok()) {
      buffer.resize(have);
      return n.status();
    }
    buffer.resize(have + static_cast<size_t>(*n));
    if (*n == 0) *eof = true;
  }
  return ok_status();
}

}  // namespace mortar::io
