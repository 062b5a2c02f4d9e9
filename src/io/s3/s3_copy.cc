#include "io/s3/s3_copy.h"

#include <algorithm>

#include "common/aws/sigv4.h"
#include "io/s3/s3_xml.h"

namespace mortar::io::s3 {
namespace {

// Copy responses can be 200 with an <Error> body (the copy failed midway).
Status check(S3Response& resp, const std::string& what, std::string_view op) {
  if (resp.status / 100 != 2 || resp.body.find("<Error>") != std::string::npos) {
    if (resp.status / 100 == 2) resp.status = 500;
    return S3Client::error_for(resp, what, op);
  }
  return ok_status();
}

Status multipart_copy(const S3Client& client, const std::string& source, int64_t size,
                      const std::string& to_bucket, const std::string& to_key,
                      const std::string& what) {
  MORTAR_ASSIGN_OR_RETURN(auto created,
                          client.send(S3Request{"POST", to_bucket, to_key, {{"uploads", ""}}, {}, ""}));
  MORTAR_RETURN_IF_ERROR(check(created, what, "CreateMultipartUpload"));
  auto upload_id = xml_text(created.body, "UploadId");
  if (!upload_id || upload_id->empty()) {
    return internal_error("CreateMultipartUpload " + what + ": no UploadId in response");
  }
  auto abort = [&] {  // best effort: a lifecycle rule cleans up what remains
    (void)client.send(S3Request{"DELETE", to_bucket, to_key, {{"uploadId", *upload_id}}, {}, ""});
  };
  int64_t part_size = std::max<int64_t>(1, client.options().copy_part_size);
  std::string complete = "<CompleteMultipartUpload>";
  int part = 0;
  for (int64_t offset = 0; offset < size; offset += part_size) {
    ++part;
    int64_t last = std::min(size, offset + part_size) - 1;
    S3Request req{"PUT", to_bucket, to_key,
                  {{"partNumber", std::to_string(part)}, {"uploadId", *upload_id}},
                  {{"x-amz-copy-source", source},
                   {"x-amz-copy-source-range",
                    "bytes=" + std::to_string(offset) + "-" + std::to_string(last)}},
                  ""};
    auto resp = client.send(req);
    Status st = resp.ok() ? check(*resp, what, "UploadPartCopy") : resp.status();
    std::optional<std::string> etag;
    if (st.ok()) {
      etag = xml_text(resp->body, "ETag");
      if (!etag) st = internal_error("UploadPartCopy " + what + ": no ETag in response");
    }
    if (!st.ok()) {
      abort();
      return st;
    }
    complete += "<Part><PartNumber>" + std::to_string(part) + "</PartNumber><ETag>" +
                xml_escape(*etag) + "</ETag></Part>";
  }
  complete += "</CompleteMultipartUpload>";
  auto done = client.send(S3Request{"POST", to_bucket, to_key, {{"uploadId", *upload_id}},
                                    {{"content-type", "application/xml"}}, complete});
  Status st = done.ok() ? check(*done, what, "CompleteMultipartUpload") : done.status();
  if (!st.ok()) abort();
  return st;
}

}  // namespace

Status copy_object(const S3Client& client, const std::string& from_bucket,
                   const std::string& from_key, int64_t size, const std::string& to_bucket,
                   const std::string& to_key, const std::string& what) {
  std::string source = "/" + from_bucket + "/" + sigv4_uri_encode(from_key, false);
  // A zero-byte object cannot be copied in parts (S3 needs at least one).
  if (size > client.options().multipart_copy_threshold && size > 0) {
    return multipart_copy(client, source, size, to_bucket, to_key, what);
  }
  S3Request req{"PUT", to_bucket, to_key, {}, {{"x-amz-copy-source", source}}, ""};
  MORTAR_ASSIGN_OR_RETURN(auto resp, client.send(req));
  return check(resp, what, "CopyObject");
}

}  // namespace mortar::io::s3
