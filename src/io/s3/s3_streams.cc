#include "io/s3/s3_streams.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <future>

#include "io/s3/s3_xml.h"

namespace mortar::io::s3 {
namespace {

class S3RandomAccessFile : public RandomAccessFile {
 public:
  S3RandomAccessFile(const S3Client& client, std::string bucket, std::string key, std::string uri,
                     int64_t size)
      : client_(client), bucket_(std::move(bucket)), key_(std::move(key)), uri_(std::move(uri)), size_(size) {}
  int64_t size() const override { return size_; }
  Status read_at(int64_t offset, int64_t n, std::string* out) const override {
    return ranged_get(client_, bucket_, key_, uri_, offset, n, size_, out);
  }
  const std::string& path() const override { return uri_; }

 private:
  const S3Client& client_;
  std::string bucket_, key_, uri_;
  int64_t size_;
};

class S3InputStream : public InputStream {
 public:
  S3InputStream(const S3Client& client, ObjectRef object)
      : uri_(object.uri),
        parts_(client, std::move(object), client.options().read_chunk,
               client.options().read_parallelism) {}
  StatusOr<int64_t> read(char* buffer, int64_t n) override {
    if (pos_ == static_cast<int64_t>(chunk_.size())) {
      MORTAR_RETURN_IF_ERROR(parts_.next(&chunk_));
      pos_ = 0;
      if (chunk_.empty()) return 0;
    }
    int64_t take = std::min<int64_t>(n, static_cast<int64_t>(chunk_.size()) - pos_);
    std::memcpy(buffer, chunk_.data() + pos_, static_cast<size_t>(take));
    pos_ += take;
    return take;
  }
  const std::string& path() const override { return uri_; }

 private:
  std::string uri_;
  S3ReadAhead parts_;
  std::string chunk_;
  int64_t pos_ = 0;
};

class S3OutputStream : public OutputStream {
 public:
  S3OutputStream(const S3Client& client, std::string bucket, std::string key, std::string uri)
      : client_(client), bucket_(std::move(bucket)), key_(std::move(key)), uri_(std::move(uri)) {}
  ~S3OutputStream() override {
    if (!closed_) abort_upload();
  }

  Status write(std::string_view bytes) override {
    if (closed_) return invalid_input("writing " + uri_ + ": stream already closed");
    if (failed_) return internal_error("writing " + uri_ + ": an earlier write failed");
    buffer_.append(bytes.data(), bytes.size());
    while (static_cast<int64_t>(buffer_.size()) >= client_.options().part_size) {
      Status st = flush_part(client_.options().part_size);
      if (!st.ok()) return fail(st);
    }
    return ok_status();
  }

  Status close() override {
    if (closed_) return ok_status();
    if (failed_) return internal_error("closing " + uri_ + ": an earlier write failed");
    Status st = finish();
    if (!st.ok()) return fail(st);
    closed_ = true;
    return ok_status();
  }

 private:
  Status fail(const Status& st) {
    failed_ = true;
    abort_upload();
    return st;
  }

  Status finish() {
    if (upload_id_.empty()) {  // small object: one PutObject
      S3Request req{"PUT", bucket_, key_, {}, {}, std::move(buffer_)};
      MORTAR_ASSIGN_OR_RETURN(auto resp, client_.send(req));
      if (resp.status / 100 != 2) return S3Client::error_for(resp, uri_, "PutObject");
      return ok_status();
    }
    if (!buffer_.empty() || parts_started_ == 0) MORTAR_RETURN_IF_ERROR(flush_part(buffer_.size()));
    MORTAR_RETURN_IF_ERROR(drain());
    std::string body = "<CompleteMultipartUpload>";
    for (size_t i = 0; i < etags_.size(); ++i) {
      body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + xml_escape(etags_[i]) +
              "</ETag></Part>";
    }
    body += "</CompleteMultipartUpload>";
    S3Request req{"POST", bucket_, key_, {{"uploadId", upload_id_}}, {{"content-type", "application/xml"}},
                  std::move(body)};
    MORTAR_ASSIGN_OR_RETURN(auto resp, client_.send(req));
    // CompleteMultipartUpload can fail with 200 and an <Error> body.
    if (resp.status / 100 != 2 || resp.body.find("<Error>") != std::string::npos) {
      if (resp.status / 100 == 2) resp.status = 500;
      return S3Client::error_for(resp, uri_, "CompleteMultipartUpload");
    }
    upload_id_.clear();
    return ok_status();
  }

  // Starts UploadPart for the first n buffered bytes; with
  // write_parallelism parts already in flight, first waits for the oldest.
  Status flush_part(size_t n) {
    if (upload_id_.empty()) {
      S3Request req{"POST", bucket_, key_, {{"uploads", ""}}, {}, ""};
      MORTAR_ASSIGN_OR_RETURN(auto resp, client_.send(req));
      if (resp.status / 100 != 2) return S3Client::error_for(resp, uri_, "CreateMultipartUpload");
      auto id = xml_text(resp.body, "UploadId");
      if (!id || id->empty()) return internal_error("CreateMultipartUpload " + uri_ + ": no UploadId in response");
      upload_id_ = *id;
    }
    while (static_cast<int>(pending_.size()) >= std::max(1, client_.options().write_parallelism)) {
      MORTAR_RETURN_IF_ERROR(collect_one());
    }
    int part_number = ++parts_started_;
    std::string body = buffer_.substr(0, n);
    buffer_.erase(0, n);
    pending_.push_back(std::async(std::launch::async, [this, part_number, body = std::move(body)]() mutable
                                      -> StatusOr<std::string> {
      S3Request req{"PUT", bucket_, key_,
                    {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id_}},
                    {}, std::move(body)};
      MORTAR_ASSIGN_OR_RETURN(auto resp, client_.send(req));
      if (resp.status / 100 != 2) return S3Client::error_for(resp, uri_, "UploadPart");
      auto etag = resp.headers.find("etag");
      if (etag == resp.headers.end()) return internal_error("UploadPart " + uri_ + ": no ETag in response");
      return etag->second;
    }));
    return ok_status();
  }

  // Waits for the oldest part in flight; parts complete into etags_ in order.
  Status collect_one() {
    auto next = std::move(pending_.front());
    pending_.pop_front();
    MORTAR_ASSIGN_OR_RETURN(std::string etag, next.get());
    etags_.push_back(std::move(etag));
    return ok_status();
  }

  // Waits for every part in flight; the first error, if any.
  Status drain() {
    Status first;
    while (!pending_.empty()) {
      Status st = collect_one();
      if (first.ok() && !st.ok()) first = st;
    }
    return first;
  }

  void abort_upload() {
    (void)drain();  // parts in flight use upload_id_ and this stream
    if (upload_id_.empty()) return;
    S3Request req{"DELETE", bucket_, key_, {{"uploadId", upload_id_}}, {}, ""};
    (void)client_.send(req);  // best effort: a lifecycle rule cleans up what remains
    upload_id_.clear();
  }

  const S3Client& client_;
  std::string bucket_, key_, uri_;
  std::string buffer_;
  std::string upload_id_;
  std::vector<std::string> etags_;                      // of completed parts, in order
  std::deque<std::future<StatusOr<std::string>>> pending_;  // parts in flight, oldest first
  int parts_started_ = 0;
  bool closed_ = false;
  bool failed_ = false;
};

}  // namespace

Status ranged_get(const S3Client& client, const std::string& bucket, const std::string& key,
                  const std::string& uri, int64_t offset, int64_t n, int64_t size, std::string* out,
                  const std::string& if_match, const std::atomic<bool>* cancel) {
  out->clear();
  if (offset < 0 || n < 0) return invalid_input("reading " + uri + ": negative offset or length");
  if (offset >= size || n == 0) return ok_status();
  int64_t last = std::min(offset + n, size) - 1;
  S3Request req{"GET", bucket, key, {}, {{"range", "bytes=" + std::to_string(offset) + "-" + std::to_string(last)}}, ""};
  if (!if_match.empty()) req.headers.emplace_back("if-match", if_match);
  req.cancel = cancel;
  MORTAR_ASSIGN_OR_RETURN(auto resp, client.send(req));
  if (resp.status == 412) {
    return S3Client::error_for(resp, uri, "GetObject (the object changed while it was read)");
  }
  if (resp.status / 100 != 2) return S3Client::error_for(resp, uri, "GetObject");
  int64_t want = last - offset + 1;
  if (resp.status == 200 && static_cast<int64_t>(resp.body.size()) > want) {
    // The server ignored Range and sent the whole object.
    resp.body = offset < static_cast<int64_t>(resp.body.size())
                    ? resp.body.substr(static_cast<size_t>(offset), static_cast<size_t>(want))
                    : std::string();
  }
  *out = std::move(resp.body);
  return ok_status();
}

std::unique_ptr<RandomAccessFile> make_random_access(const S3Client& client, std::string bucket,
                                                     std::string key, std::string uri, int64_t size) {
  return std::make_unique<S3RandomAccessFile>(client, std::move(bucket), std::move(key), std::move(uri), size);
}

std::unique_ptr<InputStream> make_input_stream(const S3Client& client, ObjectRef object) {
  return std::make_unique<S3InputStream>(client, std::move(object));
}

std::unique_ptr<OutputStream> make_output_stream(const S3Client& client, std::string bucket, std::string key,
                                                 std::string uri) {
  return std::make_unique<S3OutputStream>(client, std::move(bucket), std::move(key), std::move(uri));
}

}  // namespace mortar::io::s3
