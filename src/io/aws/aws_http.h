// One HTTP exchange over libcurl for the AWS JSON-protocol clients: a
// request given by method, URL, headers and body, the whole response back.
// No signing and no retries (JsonServiceClient adds both). A curl handle per
// thread is reused, so consecutive calls keep their connection alive.
// Thread-safe.
#pragma once

#include <map>
#include <string>

#include "common/status.h"

namespace mortar::io::aws {

struct HttpExchange {
  std::string method = "POST";
  std::string url;                             // "http://host:port/"
  std::map<std::string, std::string> headers;  // sent as given
  std::string body;
  long connect_timeout_seconds = 10;
  long timeout_seconds = 120;
};

struct HttpReply {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Transport failures (refused, reset, timeout) are Unavailable naming the
// URL; any HTTP status is returned as a reply.
StatusOr<HttpReply> http_exchange(const HttpExchange& request);

}  // namespace mortar::io::aws
