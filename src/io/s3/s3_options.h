// Where and as whom the S3 file system talks: endpoint, region, addressing
// style, credentials, retry, multipart and read-ahead tuning. Callers
// (server config) can fill it explicitly; s3_options_from_environment()
// reads the usual AWS variables and ~/.aws files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "io/s3/aws_config.h"
#include "io/s3/credentials.h"

namespace mortar::io {

struct S3Options {
  // "http(s)://host[:port]"; empty -> https://s3.<region>.amazonaws.com.
  std::string endpoint;
  std::string region = "us-east-1";
  // Path-style (endpoint/bucket/key) or virtual-host (bucket.endpoint/key).
  // Buckets whose names are not DNS labels (dots, upper case, '_') always
  // go path-style.
  bool path_style = true;
  // Null or empty credentials -> unsigned (anonymous) requests.
  std::shared_ptr<s3::CredentialsProvider> credentials;
  // Sign "UNSIGNED-PAYLOAD" instead of hashing bodies (saves a SHA-256 pass
  // over every upload; only sensible over https).
  bool unsigned_payload = false;
  int max_attempts = 5;          // per request, retrying 5xx/429/SlowDown/connection errors
  int64_t part_size = 8 << 20;   // multipart threshold and part size (>= 5 MiB on AWS)
  int write_parallelism = 4;     // UploadParts in flight per output stream (memory: this + 1 parts)
  int64_t read_chunk = 8 << 20;  // ranged GET size of open_input streams
  int read_parallelism = 4;      // ranged GETs in flight per open_input stream (memory: this x read_chunk)
  // Copies of objects larger than this use UploadPartCopy (S3's CopyObject
  // stops at 5 GiB), in parts of copy_part_size.
  int64_t multipart_copy_threshold = int64_t(5) << 30;
  int64_t copy_part_size = int64_t(512) << 20;
  long connect_timeout_seconds = 10;
  long request_timeout_seconds = 300;
};

// Endpoint: MORTAR_S3_ENDPOINT, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL.
// Region: AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, us-east-1.
// Credentials: the default chain (s3/credentials.h), resolved on first use.
// Addressing: MORTAR_S3_PATH_STYLE=0|1, else the profile's
// s3.addressing_style (path|virtual), else path-style with a custom endpoint
// and virtual-host on AWS. Tuning: MORTAR_S3_READ_PARALLELISM, MORTAR_S3_WRITE_PARALLELISM,
// MORTAR_S3_READ_CHUNK, MORTAR_S3_PART_SIZE, MORTAR_S3_MULTIPART_COPY_THRESHOLD,
// MORTAR_S3_COPY_PART_SIZE (bytes), MORTAR_S3_UNSIGNED_PAYLOAD=1.
S3Options s3_options_from_environment(const s3::EnvLookup& env = s3::process_environment());

}  // namespace mortar::io
