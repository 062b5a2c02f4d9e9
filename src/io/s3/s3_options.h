// Where and as whom the S3 file system talks: endpoint, region, addressing
// style, credentials, retry and multipart tuning. Callers (server config)
// can fill it explicitly; s3_options_from_environment() reads the usual
// AWS variables and the shared credentials file.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "io/s3/sigv4_signer.h"

namespace mortar::io {

struct S3Options {
  // "http(s)://host[:port]"; empty -> https://s3.<region>.amazonaws.com.
  std::string endpoint;
  std::string region = "us-east-1";
  // Path-style (endpoint/bucket/key) or virtual-host (bucket.endpoint/key).
  bool path_style = true;
  s3::Credentials credentials;  // empty -> unsigned (anonymous) requests
  int max_attempts = 5;          // per request, retrying 5xx/429/SlowDown/connection errors
  int64_t part_size = 8 << 20;   // multipart threshold and part size (>= 5 MiB on AWS)
  int64_t read_chunk = 8 << 20;  // ranged GET size of open_input streams
  long connect_timeout_seconds = 10;
  long request_timeout_seconds = 300;
};

// From MORTAR_S3_ENDPOINT or AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL),
// AWS_REGION / AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN, else the shared credentials file
// (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, profile AWS_PROFILE or
// "default"). MORTAR_S3_PATH_STYLE=0/1 overrides the addressing style
// (default: path-style with a custom endpoint, virtual-host on AWS).
S3Options s3_options_from_environment();

// Reads one profile of an INI credentials file; NotFound if the file or the
// profile is missing.
StatusOr<s3::Credentials> read_credentials_file(const std::string& path, const std::string& profile);

}  // namespace mortar::io
