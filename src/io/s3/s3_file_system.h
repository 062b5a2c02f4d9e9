// FileSystem for s3://bucket/key URIs against any S3-compatible endpoint.
// "Directories" are key prefixes: stat of a prefix with objects under it is
// a directory, make_directories is a no-op. Outputs buffer part_size bytes
// and switch to a multipart upload beyond that; close() completes it, and a
// stream destroyed without close() (or after an error) aborts it, so no
// partial object becomes visible.
#pragma once

#include <memory>
#include <string>

#include "io/file_system.h"
#include "io/s3/s3_client.h"
#include "io/s3/s3_options.h"

namespace mortar::io {

struct S3Location {
  std::string bucket;
  std::string key;  // without leading '/'; may be empty
};

// "s3://bucket/key" -> {bucket, key}; InvalidArgument without a bucket.
StatusOr<S3Location> parse_s3_uri(const std::string& uri);

class S3FileSystem : public FileSystem {
 public:
  explicit S3FileSystem(S3Options options);

  StatusOr<FileInfo> stat(const std::string& path) override;
  StatusOr<std::vector<FileInfo>> list_recursive(const std::string& path) override;
  StatusOr<std::unique_ptr<RandomAccessFile>> open_random_access(const std::string& path) override;
  StatusOr<std::unique_ptr<InputStream>> open_input(const std::string& path) override;
  StatusOr<std::unique_ptr<OutputStream>> open_output(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove(const std::string& path) override;
  Status make_directories(const std::string& path) override;

  // Server-side copy of an object, or of every object under a prefix, to
  // `to` (s3://, any bucket of the same endpoint). rename() is copy() and
  // then a delete of the sources. Objects larger than
  // options().multipart_copy_threshold are copied with UploadPartCopy.
  Status copy(const std::string& from, const std::string& to);

  const s3::S3Client& client() const { return client_; }

 private:
  // HEAD of one object; NotFound when absent.
  StatusOr<FileInfo> head(const S3Location& loc, const std::string& uri, std::string* etag = nullptr);
  // Every object whose key starts with prefix (all pages).
  StatusOr<std::vector<FileInfo>> list_prefix(const std::string& bucket, const std::string& prefix,
                                              const std::string& uri, int max_keys = 1000);
  Status delete_keys(const std::string& bucket, const std::vector<std::string>& keys,
                     const std::string& uri);
  // Copies like copy(); the source keys copied go to *copied_keys.
  Status copy_tree(const std::string& from, const std::string& to, std::vector<std::string>* copied_keys);

  s3::S3Client client_;
};

// The process-wide S3 file system, configured from the environment on first use.
S3FileSystem& s3_file_system();

}  // namespace mortar::io
