#include "api/sigv4.h"

#include <algorithm>
#include <ctime>
#include <utility>

#include "api/crypto.h"
#include "api/strings.h"

namespace mortar::api {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Headers a signer leaves out: proxies and clients rewrite them.
bool excluded_from_signing(const std::string& name) {
  return name == "authorization" || name == "user-agent" || name == "expect" ||
         name == "transfer-encoding" || name == "x-amzn-trace-id";
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

std::string sigv4_uri_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += char(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
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
      pairs.emplace_back(sigv4_uri_encode(sigv4_uri_decode(name), true),
                         sigv4_uri_encode(sigv4_uri_decode(value), true));
    }
    start = end + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i > 0) out += '&';
    str_append(&out, pairs[i].first, "=", pairs[i].second);
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
  std::string out = str_cat(method, "\n", canonical_uri, "\n", canonical_query, "\n");
  for (const auto& name : signed_headers) {
    auto it = headers.find(name);
    str_append(&out, name, ":",
                    it == headers.end() ? "" : sigv4_canonical_header_value(it->second), "\n");
  }
  str_append(&out, "\n", str_join(signed_headers, ";"), "\n", payload_hash);
  return out;
}

std::string sigv4_scope(std::string_view date8, std::string_view region, std::string_view service) {
  return str_cat(date8, "/", region, "/", service, "/aws4_request");
}

std::string sigv4_string_to_sign(std::string_view amz_date, std::string_view scope,
                                 std::string_view canonical_request) {
  return str_cat(kSigV4Algorithm, "\n", amz_date, "\n", scope, "\n",
                      sha256_hex(canonical_request));
}

std::string sigv4_signing_key(std::string_view secret, std::string_view date8,
                              std::string_view region, std::string_view service) {
  std::string k = hmac_sha256(str_cat("AWS4", secret), date8);
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

Status sigv4_sign_request(HttpRequest& request, const SigV4SigningParams& params) {
  if (request.headers.find("host") == request.headers.end()) {
    return invalid_input("SigV4: the request has no host header");
  }
  std::string amz_date = format_amz_date(params.epoch_seconds);
  std::string date8 = amz_date.substr(0, 8);
  request.headers["x-amz-date"] = amz_date;
  if (!params.session_token.empty()) {
    request.headers["x-amz-security-token"] = params.session_token;
  }
  std::string payload_hash = params.payload_hash ? *params.payload_hash : sha256_hex(request.body);
  if (params.add_content_sha256) request.headers["x-amz-content-sha256"] = payload_hash;

  std::vector<std::string> signed_headers;
  for (const auto& [name, value] : request.headers) {
    if (!excluded_from_signing(name)) signed_headers.push_back(name);
  }  // std::map keeps them sorted
  std::string_view target = request.target;
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  std::string creq = sigv4_canonical_request(
      request.method, sigv4_canonical_uri(path, params.normalize_path),
      sigv4_canonical_query(query), request.headers, signed_headers, payload_hash);
  std::string scope = sigv4_scope(date8, params.region, params.service);
  std::string sts = sigv4_string_to_sign(amz_date, scope, creq);
  std::string signature = sigv4_signature(
      sigv4_signing_key(params.secret_access_key, date8, params.region, params.service), sts);
  request.headers["authorization"] =
      str_cat(kSigV4Algorithm, " Credential=", params.access_key_id, "/", scope,
                   ", SignedHeaders=", str_join(signed_headers, ";"),
                   ", Signature=", signature);
  return ok_status();
}

}  // namespace mortar::api
