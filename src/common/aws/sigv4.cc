#include "common/aws/sigv4.h"
#include "common/percent_encoding.h"

#include <algorithm>
#include <ctime>
#include <utility>

#include "common/crypto.h"

namespace mortar {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

// Headers a signer leaves out: proxies and clients rewrite them.
bool excluded_from_signing(const std::string& name) {
  return name == "authorization" || name == "user-agent" || name == "expect" ||
         name == "transfer-encoding" || name == "x-amzn-trace-id";
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ';';
    out += n;
  }
  return out;
}

}  // namespace

std::string sigv4_uri_encode(std::string_view s, bool encode_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (is_unreserved(c) || (c == '/' && !encode_slash)) {
      out += char(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string sigv4_canonical_uri(std::string_view wire_path, bool normalize) {
  if (wire_path.empty()) return "/";
  if (!normalize) return std::string(wire_path);
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= wire_path.size()) {
    size_t end = wire_path.find('/', start);
    if (end == std::string_view::npos) end = wire_path.size();
    std::string_view seg = wire_path.substr(start, end - start);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    start = end + 1;
  }
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += sigv4_uri_encode(segments[i], true);
  }
  bool trailing = wire_path.back() == '/' || wire_path.ends_with("/.") || wire_path.ends_with("/..");
  if (trailing && !segments.empty()) out += '/';
  return out;
}

std::string sigv4_canonical_query(std::string_view wire_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (start < wire_query.size()) {
    size_t end = wire_query.find('&', start);
    if (end == std::string_view::npos) end = wire_query.size();
    std::string_view piece = wire_query.substr(start, end - start);
    if (!piece.empty()) {
      size_t eq = piece.find('=');
      std::string_view name = piece.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? "" : piece.substr(eq + 1);
      pairs.emplace_back(percent_decode(name), percent_decode(value));
    }
    start = end + 1;
  }
  return sigv4_query_string(std::move(pairs));
}

std::string sigv4_query_string(std::vector<std::pair<std::string, std::string>> raw_pairs) {
  for (auto& [name, value] : raw_pairs) {
    name = sigv4_uri_encode(name, true);
    value = sigv4_uri_encode(value, true);
  }
  std::sort(raw_pairs.begin(), raw_pairs.end());
  std::string out;
  for (const auto& [name, value] : raw_pairs) {
    if (!out.empty()) out += '&';
    out.append(name).append("=").append(value);
  }
  return out;
}

std::string sigv4_canonical_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool in_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      in_space = true;
      continue;
    }
    if (in_space && !out.empty()) out += ' ';
    in_space = false;
    out += c;
  }
  return out;
}

std::string sigv4_canonical_request(std::string_view method, std::string_view canonical_uri,
                                    std::string_view canonical_query,
                                    const std::map<std::string, std::string>& headers,
                                    const std::vector<std::string>& signed_headers,
                                    std::string_view payload_hash) {
  std::string out;
  out.append(method).append("\n").append(canonical_uri).append("\n");
  out.append(canonical_query).append("\n");
  for (const auto& name : signed_headers) {
    auto it = headers.find(name);
    out.append(name).append(":");
    if (it != headers.end()) out.append(sigv4_canonical_header_value(it->second));
    out.append("\n");
  }
  out.append("\n").append(join_names(signed_headers)).append("\n").append(payload_hash);
  return out;
}

std::string sigv4_scope(std::string_view date8, std::string_view region, std::string_view service) {
  std::string out(date8);
  out.append("/").append(region).append("/").append(service).append("/aws4_request");
  return out;
}

std::string sigv4_string_to_sign(std::string_view amz_date, std::string_view scope,
                                 std::string_view canonical_request) {
  std::string out(kSigV4Algorithm);
  out.append("\n").append(amz_date).append("\n").append(scope).append("\n");
  out.append(sha256_hex(canonical_request));
  return out;
}

std::string sigv4_signing_key(std::string_view secret, std::string_view date8,
                              std::string_view region, std::string_view service) {
  std::string k = hmac_sha256("AWS4" + std::string(secret), date8);
  k = hmac_sha256(k, region);
  k = hmac_sha256(k, service);
  return hmac_sha256(k, "aws4_request");
}

std::string sigv4_signature(std::string_view signing_key, std::string_view string_to_sign) {
  return hex_encode(hmac_sha256(signing_key, string_to_sign));
}

std::string format_amz_date(int64_t epoch_seconds) {
  time_t t = time_t(epoch_seconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::optional<int64_t> parse_amz_date(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  int v[6];
  const int pos[6] = {0, 4, 6, 9, 11, 13};
  const int len[6] = {4, 2, 2, 2, 2, 2};
  for (int f = 0; f < 6; ++f) {
    int x = 0;
    for (int i = 0; i < len[f]; ++i) {
      char c = s[pos[f] + i];
      if (c < '0' || c > '9') return std::nullopt;
      x = x * 10 + (c - '0');
    }
    v[f] = x;
  }
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60) {
    return std::nullopt;
  }
  struct tm tm {};
  tm.tm_year = v[0] - 1900;
  tm.tm_mon = v[1] - 1;
  tm.tm_mday = v[2];
  tm.tm_hour = v[3];
  tm.tm_min = v[4];
  tm.tm_sec = v[5];
  return int64_t(timegm(&tm));
}

Status sigv4_sign(std::string_view method, std::string_view target,
                  std::map<std::string, std::string>& headers, std::string_view body,
                  const SigV4SigningParams& params) {
  if (headers.find("host") == headers.end()) {
    return invalid_input("SigV4: the request has no host header");
  }
  std::string amz_date = format_amz_date(params.epoch_seconds);
  std::string date8 = amz_date.substr(0, 8);
  headers["x-amz-date"] = amz_date;
  if (!params.session_token.empty()) headers["x-amz-security-token"] = params.session_token;
  std::string payload_hash = params.payload_hash ? *params.payload_hash : sha256_hex(body);
  if (params.add_content_sha256) headers["x-amz-content-sha256"] = payload_hash;

  std::vector<std::string> signed_headers;
  for (const auto& [name, value] : headers) {
    if (!excluded_from_signing(name)) signed_headers.push_back(name);
  }  // std::map keeps them sorted
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  std::string creq = sigv4_canonical_request(method, sigv4_canonical_uri(path, params.normalize_path),
                                             sigv4_canonical_query(query), headers, signed_headers,
                                             payload_hash);
  std::string scope = sigv4_scope(date8, params.region, params.service);
  std::string sts = sigv4_string_to_sign(amz_date, scope, creq);
  std::string signature = sigv4_signature(
      sigv4_signing_key(params.secret_access_key, date8, params.region, params.service), sts);
  std::string auth(kSigV4Algorithm);
  auth.append(" Credential=").append(params.access_key_id).append("/").append(scope);
  auth.append(", SignedHeaders=").append(join_names(signed_headers));
  auth.append(", Signature=").append(signature);
  headers["authorization"] = std::move(auth);
  return ok_status();
}

Status sigv4_sign_request(HttpRequest& request, const SigV4SigningParams& params) {
  return sigv4_sign(request.method, request.target, request.headers, request.body, params);
}

}  // namespace mortar
