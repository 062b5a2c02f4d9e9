#include "io/s3/s3_file_system.h"

#include <algorithm>

#include "io/s3/s3_copy.h"
#include "io/s3/s3_streams.h"
#include "io/s3/s3_xml.h"
#include "common/aws/sigv4.h"
#include "common/crypto.h"

namespace mortar::io {

using s3::S3Client;
using s3::S3Request;

StatusOr<S3Location> parse_s3_uri(const std::string& uri) {
  if (uri.size() < 5 || (uri.compare(0, 5, "s3://") != 0 && uri.compare(0, 5, "S3://") != 0))
    return invalid_input("not an s3:// URI: " + uri);
  std::string rest = uri.substr(5);
  size_t slash = rest.find('/');
  S3Location loc;
  loc.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) loc.key = rest.substr(slash + 1);
  if (loc.bucket.empty()) return invalid_input("no bucket in " + uri + " (expected s3://bucket/key)");
  return loc;
}

namespace {
std::string uri_of(const std::string& bucket, const std::string& key) { return "s3://" + bucket + "/" + key; }
std::string dir_prefix(const std::string& key) {
  return key.empty() || key.back() == '/' ? key : key + "/";
}
}  // namespace

S3FileSystem::S3FileSystem(S3Options options) : client_(std::move(options)) {}

StatusOr<FileInfo> S3FileSystem::head(const S3Location& loc, const std::string& uri, std::string* etag) {
  MORTAR_ASSIGN_OR_RETURN(auto resp, client_.send(S3Request{"HEAD", loc.bucket, loc.key, {}, {}, ""}));
  if (resp.status == 404) return not_found("no such object: " + uri);
  if (resp.status / 100 != 2) return S3Client::error_for(resp, uri, "HeadObject");
  FileInfo info;
  info.path = uri;
  auto len = resp.headers.find("content-length");
  if (len != resp.headers.end()) info.size = std::atoll(len->second.c_str());
  if (auto it = resp.headers.find("etag"); etag && it != resp.headers.end()) *etag = it->second;
  auto lm = resp.headers.find("last-modified");
  if (lm != resp.headers.end()) {
    std::tm tm{};
    if (strptime(lm->second.c_str(), "%a, %d %b %Y %H:%M:%S", &tm))
      info.mtime_micros = static_cast<int64_t>(timegm(&tm)) * 1000000;
  }
  return info;
}

StatusOr<std::vector<FileInfo>> S3FileSystem::list_prefix(const std::string& bucket, const std::string& prefix,
                                                          const std::string& uri, int max_keys) {
  std::vector<FileInfo> out;
  std::string token;
  for (;;) {
    S3Request req{"GET", bucket, "", {{"list-type", "2"}, {"prefix", prefix}, {"max-keys", std::to_string(max_keys)}},
                  {}, ""};
    if (!token.empty()) req.query.emplace_back("continuation-token", token);
    MORTAR_ASSIGN_OR_RETURN(auto resp, client_.send(req));
    if (resp.status / 100 != 2) return S3Client::error_for(resp, uri, "ListObjectsV2");
    std::string error;
    auto page = s3::parse_list_objects(resp.body, &error);
    if (!page) return internal_error("ListObjectsV2 " + uri + ": malformed response: " + error);
    for (auto& obj : page->objects) {
      if (obj.key.ends_with('/')) continue;  // a "directory" marker object
      out.push_back(FileInfo{uri_of(bucket, obj.key), obj.size, obj.mtime_micros, false});
    }
    if (!page->truncated || max_keys < 1000) break;
    token = page->next_token;
  }
  std::sort(out.begin(), out.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

StatusOr<FileInfo> S3FileSystem::stat(const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(auto loc, parse_s3_uri(path));
  if (!loc.key.empty() && !loc.key.ends_with('/')) {
    auto info = head(loc, path);
    if (info.ok() || !absl::IsNotFound(info.status())) return info;
  }
  MORTAR_ASSIGN_OR_RETURN(auto under, list_prefix(loc.bucket, dir_prefix(loc.key), path, 1));
  if (under.empty() && !loc.key.empty()) return not_found("no such object or prefix: " + path);
  return FileInfo{path, 0, 0, true};
}

StatusOr<std::vector<FileInfo>> S3FileSystem::list_recursive(const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(auto loc, parse_s3_uri(path));
  if (!loc.key.empty() && !loc.key.ends_with('/')) {
    auto info = head(loc, path);
    if (info.ok()) return std::vector<FileInfo>{*info};
    if (!absl::IsNotFound(info.status())) return info.status();
  }
  MORTAR_ASSIGN_OR_RETURN(auto files, list_prefix(loc.bucket, dir_prefix(loc.key), path));
  if (files.empty() && !loc.key.empty()) return not_found("no such object or prefix: " + path);
  return files;
}

StatusOr<std::unique_ptr<RandomAccessFile>> S3FileSystem::open_random_access(const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(auto loc, parse_s3_uri(path));
  MORTAR_ASSIGN_OR_RETURN(auto info, head(loc, path));
  return s3::make_random_access(client_, loc.bucket, loc.key, path, info.size);
}

StatusOr<std::unique_ptr<InputStream>> S3FileSystem::open_input(const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(auto loc, parse_s3_uri(path));
  std::string etag;
  MORTAR_ASSIGN_OR_RETURN(auto info, head(loc, path, &etag));
  return s3::make_input_stream(client_, s3::ObjectRef{loc.bucket, loc.key, path, info.size, etag});
}

StatusOr<std::unique_ptr<OutputStream>> S3FileSystem::open_output(const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(auto loc, parse_s3_uri(path));
  if (loc.key.empty() || loc.key.ends_with('/'))
    return invalid_input("cannot write " + path + ": an object needs a key (s3://bucket/key)");
  return s3::make_output_stream(client_, loc.bucket, loc.key, path);
}

Status S3FileSystem::delete_keys(const std::string& bucket, const std::vector<std::string>& keys,
                                 const std::string& uri) {
  for (size_t start = 0; start < keys.size(); start += 1000) {
    std::string body = "<Delete><Quiet>true</Quiet>";
    for (size_t i = start; i < std::min(keys.size(), start + 1000); ++i)
      body += "<Object><Key>" + s3::xml_escape(keys[i]) + "</Key></Object>";
    body += "</Delete>";
    S3Request req{"POST", bucket, "", {{"delete", ""}},
                  {{"content-md5", base64_encode(md5(body))}, {"content-type", "application/xml"}}, body};
    MORTAR_ASSIGN_OR_RETURN(auto resp, client_.send(req));
    if (resp.status / 100 != 2) return S3Client::error_for(resp, uri, "DeleteObjects");
    auto errors = s3::xml_elements(resp.body, "Error");
    if (!errors.empty()) {
      return internal_error("DeleteObjects " + uri + ": " + s3::xml_text(errors[0], "Key").value_or("?") + ": " +
                            s3::xml_text(errors[0], "Code").value_or("?") + " (" +
                            std::to_string(errors.size()) + " keys not deleted)");
    }
  }
  return ok_status();
}

Status S3FileSystem::remove(const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(auto loc, parse_s3_uri(path));
  if (!loc.key.empty() && !loc.key.ends_with('/')) {
    auto info = head(loc, path);
    if (info.ok()) {
      MORTAR_ASSIGN_OR_RETURN(auto resp, client_.send(S3Request{"DELETE", loc.bucket, loc.key, {}, {}, ""}));
      if (resp.status / 100 != 2) return S3Client::error_for(resp, path, "DeleteObject");
      return ok_status();
    }
    if (!absl::IsNotFound(info.status())) return info.status();
  }
  MORTAR_ASSIGN_OR_RETURN(auto files, list_prefix(loc.bucket, dir_prefix(loc.key), path));
  if (files.empty()) return not_found("no such object or prefix: " + path);
  std::vector<std::string> keys;
  for (const auto& f : files) keys.push_back(f.path.substr(5 + loc.bucket.size() + 1));
  return delete_keys(loc.bucket, keys, path);
}

Status S3FileSystem::copy_tree(const std::string& from, const std::string& to,
                               std::vector<std::string>* copied_keys) {
  MORTAR_ASSIGN_OR_RETURN(auto src, parse_s3_uri(from));
  MORTAR_ASSIGN_OR_RETURN(auto dst, parse_s3_uri(to));
  MORTAR_ASSIGN_OR_RETURN(auto files, list_recursive(from));
  for (const auto& f : files) {
    std::string key = f.path.substr(5 + src.bucket.size() + 1);
    S3Location target = dst;
    if (f.path != from) target.key = dir_prefix(dst.key) + key.substr(dir_prefix(src.key).size());
    if (target.key.empty() || target.key.ends_with('/')) {
      return invalid_input("cannot copy " + f.path + " to " + to + ": the target needs a key");
    }
    MORTAR_RETURN_IF_ERROR(s3::copy_object(client_, src.bucket, key, f.size, target.bucket, target.key,
                                           from + " -> " + to));
    copied_keys->push_back(key);
  }
  return ok_status();
}

Status S3FileSystem::copy(const std::string& from, const std::string& to) {
  std::vector<std::string> keys;
  return copy_tree(from, to, &keys);
}

Status S3FileSystem::rename(const std::string& from, const std::string& to) {
  MORTAR_ASSIGN_OR_RETURN(auto src, parse_s3_uri(from));
  std::vector<std::string> keys;
  MORTAR_RETURN_IF_ERROR(copy_tree(from, to, &keys));
  return delete_keys(src.bucket, keys, from);
}

Status S3FileSystem::make_directories(const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(auto loc, parse_s3_uri(path));
  (void)loc;  // prefixes need no creating
  return ok_status();
}

S3FileSystem& s3_file_system() {
  static S3FileSystem* instance = new S3FileSystem(s3_options_from_environment());  // used at exit
  return *instance;
}

}  // namespace mortar::io
