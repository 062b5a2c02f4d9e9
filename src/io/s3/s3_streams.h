// Internal: the S3 file system's RandomAccessFile, InputStream and
// OutputStream (see s3_file_system.h for their semantics).
#pragma once

#include <memory>
#include <string>

#include "io/file_system.h"
#include "io/s3/s3_client.h"
#include "io/s3/s3_read_ahead.h"

namespace mortar::io::s3 {

// Ranged GET of [offset, offset + n) clipped to size; with if_match, S3
// refuses (412) when the object's ETag changed.
Status ranged_get(const S3Client& client, const std::string& bucket, const std::string& key,
                  const std::string& uri, int64_t offset, int64_t n, int64_t size, std::string* out,
                  const std::string& if_match = "", const std::atomic<bool>* cancel = nullptr);

std::unique_ptr<RandomAccessFile> make_random_access(const S3Client& client, std::string bucket,
                                                     std::string key, std::string uri, int64_t size);
// Reads ahead with options().read_parallelism ranged GETs of read_chunk bytes.
std::unique_ptr<InputStream> make_input_stream(const S3Client& client, ObjectRef object);
std::unique_ptr<OutputStream> make_output_stream(const S3Client& client, std::string bucket,
                                                 std::string key, std::string uri);

}  // namespace mortar::io::s3
