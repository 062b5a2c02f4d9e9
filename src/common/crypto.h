// Small OpenSSL-backed helpers shared by the SigV4 signer (common/aws), the
// S3 client, NextToken and the account registry: SHA-256, HMAC-SHA256, MD5,
// hex/base64 codecs, random bytes, UUIDs. All functions are thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mortar {

std::string sha256(std::string_view data);  // 32 raw bytes
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string hex_encode(std::string_view bytes);  // lower-case
std::string md5(std::string_view data);  // 16 raw bytes (S3's Content-MD5)

std::string base64_encode(std::string_view bytes);
// Strict: rejects characters outside the alphabet and bad padding.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64url_encode(std::string_view bytes);  // no padding
std::optional<std::string> base64url_decode(std::string_view text);

// Cryptographically random bytes (RAND_bytes); aborts if the RNG fails.
std::string random_bytes(size_t n);
std::string new_uuid();  // random (version 4) UUID, lower-case

// Constant-time equality (CRYPTO_memcmp); lengths are not secret.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace mortar
