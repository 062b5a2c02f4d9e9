// Server-side copy of one object: CopyObject up to
// options().multipart_copy_threshold (S3 allows 5 GiB), above it a
// multipart upload whose parts are UploadPartCopy ranges of
// options().copy_part_size. The bytes never pass through this process. A
// failed multipart copy is aborted, leaving no partial object.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "io/s3/s3_client.h"

namespace mortar::io::s3 {

// `size` is the source object's size; `what` names the copy in errors.
Status copy_object(const S3Client& client, const std::string& from_bucket,
                   const std::string& from_key, int64_t size, const std::string& to_bucket,
                   const std::string& to_key, const std::string& what);

}  // namespace mortar::io::s3
