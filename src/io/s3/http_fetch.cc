#include "io/s3/http_fetch.h"

#include "io/aws/aws_http.h"

namespace mortar::io::s3 {

StatusOr<FetchResult> http_fetch(const std::string& method, const std::string& url,
                                 const std::map<std::string, std::string>& headers,
                                 long timeout_millis) {
  aws::HttpExchange ex;
  ex.method = method;
  ex.url = url;
  ex.headers = headers;
  ex.connect_timeout_millis = timeout_millis;
  ex.timeout_millis = timeout_millis;
  ex.max_body_bytes = 1 << 20;  // credential documents and health answers are tiny
  ex.no_proxy = true;           // link-local and loopback endpoints never go through a proxy
  MORTAR_ASSIGN_OR_RETURN(aws::HttpReply reply, aws::http_exchange(ex));
  return FetchResult{reply.status, std::move(reply.body)};
}

}  // namespace mortar::io::s3
