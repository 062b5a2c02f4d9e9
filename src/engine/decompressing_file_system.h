// Glue's compressionType: files without a compression suffix are
// decompressed with the given codec before the readers see them. Used by the
// file source's listing (to sniff formats) and its readers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "io/compression.h"
#include "io/file_system.h"

namespace mortar::engine {

class DecompressingFileSystem : public io::FileSystem {
 public:
  DecompressingFileSystem(io::FileSystem& base, io::Codec codec) : base_(base), codec_(codec) {}
  StatusOr<io::FileInfo> stat(const std::string& p) override { return base_.stat(p); }
  StatusOr<std::vector<io::FileInfo>> list_recursive(const std::string& p) override {
    return base_.list_recursive(p);
  }
  StatusOr<std::unique_ptr<io::RandomAccessFile>> open_random_access(
      const std::string& p) override {
    return base_.open_random_access(p);
  }
  StatusOr<std::unique_ptr<io::InputStream>> open_input(const std::string& p) override {
    MORTAR_ASSIGN_OR_RETURN(auto in, base_.open_input(p));
    if (codec_ == io::Codec::kNone || io::codec_from_extension(p) != io::Codec::kNone) return in;
    return io::decompressing_stream(std::move(in), codec_);
  }
  StatusOr<std::unique_ptr<io::OutputStream>> open_output(const std::string& p) override {
    return base_.open_output(p);
  }
  Status rename(const std::string& from, const std::string& to) override {
    return base_.rename(from, to);
  }
  Status remove(const std::string& p) override { return base_.remove(p); }
  Status make_directories(const std::string& p) override { return base_.make_directories(p); }

 private:
  io::FileSystem& base_;
  io::Codec codec_;
};


}  // namespace mortar::engine
