#include "io/s3/sigv4_signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace mortar::io::s3 {
namespace {

std::string to_hex(const unsigned char* p, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 15];
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Header values are trimmed and inner runs of spaces collapse to one.
std::string trim_value(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> sorted_headers(const SigningRequest& req) {
  std::vector<std::pair<std::string, std::string>> h;
  for (const auto& [k, v] : req.headers) h.emplace_back(lower(k), trim_value(v));
  std::sort(h.begin(), h.end());
  return h;
}

std::string signed_header_names(const std::vector<std::pair<std::string, std::string>>& h) {
  std::string out;
  for (const auto& [k, v] : h) {
    if (!out.empty()) out += ';';
    out += k;
  }
  return out;
}

}  // namespace

std::string uri_encode(std::string_view s, bool encode_slash) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || (c == '/' && !encode_slash)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return to_hex(md, len);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string base64_md5(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_md5(), nullptr);
  unsigned char b64[64];
  int n = EVP_EncodeBlock(b64, md, static_cast<int>(len));
  return std::string(reinterpret_cast<char*>(b64), n);
}

std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> q;
  for (const auto& [k, v] : query) q.emplace_back(uri_encode(k, true), uri_encode(v, true));
  std::sort(q.begin(), q.end());
  std::string out;
  for (const auto& [k, v] : q) {
    if (!out.empty()) out += '&';
    out += k + '=' + v;
  }
  return out;
}

std::string canonical_request(const SigningRequest& req) {
  auto headers = sorted_headers(req);
  std::string out = req.method + '\n' + req.canonical_uri + '\n' + canonical_query(req.query) + '\n';
  for (const auto& [k, v] : headers) out += k + ':' + v + '\n';
  out += '\n' + signed_header_names(headers) + '\n' + req.payload_hash;
  return out;
}

std::string string_to_sign(std::string_view canonical_request, std::string_view amz_date,
                           std::string_view region) {
  std::string date(amz_date.substr(0, 8));
  return "AWS4-HMAC-SHA256\n" + std::string(amz_date) + '\n' + date + '/' + std::string(region) +
         "/s3/aws4_request\n" + sha256_hex(canonical_request);
}

std::string signature(std::string_view string_to_sign, std::string_view secret,
                      std::string_view amz_date, std::string_view region) {
  std::string k = hmac_sha256("AWS4" + std::string(secret), amz_date.substr(0, 8));
  k = hmac_sha256(k, region);
  k = hmac_sha256(k, "s3");
  k = hmac_sha256(k, "aws4_request");
  std::string sig = hmac_sha256(k, string_to_sign);
  return to_hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
}

void sign_request(SigningRequest& req, const Credentials& creds, std::string_view region,
                  std::string_view amz_date) {
  req.headers.emplace_back("x-amz-date", std::string(amz_date));
  req.headers.emplace_back("x-amz-content-sha256", req.payload_hash);
  if (!creds.session_token.empty()) req.headers.emplace_back("x-amz-security-token", creds.session_token);
  std::string creq = canonical_request(req);
  std::string sts = string_to_sign(creq, amz_date, region);
  std::string sig = signature(sts, creds.secret_access_key, amz_date, region);
  std::string scope = std::string(amz_date.substr(0, 8)) + '/' + std::string(region) + "/s3/aws4_request";
  req.headers.emplace_back("authorization", "AWS4-HMAC-SHA256 Credential=" + creds.access_key_id + '/' +
                                                scope + ",SignedHeaders=" +
                                                signed_header_names(sorted_headers(req)) +
                                                ",Signature=" + sig);
}

std::string amz_date_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace mortar::io::s3
