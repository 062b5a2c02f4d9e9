#include "api/sigv4_verifier.h"

#include <algorithm>

#include "common/crypto.h"
#include "common/aws/sigv4.h"
#include "api/strings.h"

namespace mortar::api {
namespace {

Status incomplete(std::string_view msg) {
  return glue_error(absl::StatusCode::kInvalidArgument, "IncompleteSignatureException", msg);
}
Status invalid_signature(std::string_view msg) {
  return glue_error(absl::StatusCode::kUnauthenticated, "InvalidSignatureException", msg);
}

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

StatusOr<ParsedAuthorization> parse_sigv4_authorization(const std::string& header) {
  std::string_view h = strip_ascii_whitespace(header);
  if (!h.starts_with(kSigV4Algorithm) ||
      (h.size() > kSigV4Algorithm.size() && h[kSigV4Algorithm.size()] != ' ')) {
    return incomplete(str_cat("Authorization header must use the ", kSigV4Algorithm,
                                   " algorithm"));
  }
  h.remove_prefix(kSigV4Algorithm.size());
  ParsedAuthorization out;
  std::string credential, signed_headers;
  bool have_cred = false, have_signed = false, have_sig = false;
  for (const std::string& piece : str_split(h, ',')) {
    std::string_view part = piece;
    part = strip_ascii_whitespace(part);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return incomplete(str_cat("Authorization header component '", part,
                                     "' is not of the form key=value"));
    }
    std::string_view key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "Credential") {
      credential = std::string(value);
      have_cred = true;
    } else if (key == "SignedHeaders") {
      signed_headers = std::string(value);
      have_signed = true;
    } else if (key == "Signature") {
      out.signature = std::string(value);
      have_sig = true;
    }
  }
  if (!have_cred || !have_signed || !have_sig) {
    std::vector<std::string> missing;
    if (!have_cred) missing.push_back("'Credential'");
    if (!have_signed) missing.push_back("'SignedHeaders'");
    if (!have_sig) missing.push_back("'Signature'");
    return incomplete(str_cat("Authorization header requires ", str_join(missing, ", "),
                                   " parameter(s). Authorization=", header.substr(0, 200)));
  }
  std::vector<std::string> scope = str_split(credential, '/');
  if (scope.size() != 5 || scope[0].empty()) {
    return incomplete(str_cat("Credential must have the form "
                                   "<access key id>/<date>/<region>/<service>/aws4_request, got '",
                                   credential.substr(0, 200), "'"));
  }
  out.access_key_id = scope[0];
  out.date8 = scope[1];
  out.region = scope[2];
  out.service = scope[3];
  out.terminal = scope[4];
  out.signed_headers = str_split(signed_headers, ';', true);
  if (out.signed_headers.empty()) return incomplete("SignedHeaders must not be empty");
  for (const auto& name : out.signed_headers) {
    if (name != ascii_lower(name)) {
      return incomplete(str_cat("SignedHeaders must be lower-case, got '", name, "'"));
    }
  }
  if (!std::is_sorted(out.signed_headers.begin(), out.signed_headers.end())) {
    return incomplete("SignedHeaders must be sorted");
  }
  if (out.signature.size() != 64 || !is_lower_hex(out.signature)) {
    return incomplete("Signature must be 64 lower-case hex characters");
  }
  return out;
}

StatusOr<SigV4Identity> SigV4Verifier::verify(const HttpRequest& request,
                                              const SecretLookup& lookup) const {
  const std::string* auth = request.header("authorization");
  if (auth == nullptr || auth->empty()) {
    return glue_error(absl::StatusCode::kUnauthenticated, "MissingAuthenticationTokenException",
                      "Missing Authentication Token");
  }
  MORTAR_ASSIGN_OR_RETURN(ParsedAuthorization parsed, parse_sigv4_authorization(*auth));

  const std::string* amz_date = request.header("x-amz-date");
  if (amz_date == nullptr) {
    return incomplete("Authorization header requires existence of a 'X-Amz-Date' header");
  }
  std::optional<int64_t> signed_at = parse_amz_date(*amz_date);
  if (!signed_at) {
    return incomplete(str_cat("X-Amz-Date must be in ISO-8601 basic format "
                                   "(YYYYMMDD'T'HHMMSS'Z'), got '", amz_date->substr(0, 64), "'"));
  }
  if (parsed.terminal != "aws4_request") {
    return invalid_signature("Credential should be scoped with a valid terminator: 'aws4_request'");
  }
  if (parsed.service != service_) {
    return invalid_signature(
        str_cat("Credential should be scoped to correct service: '", service_, "'. "));
  }
  if (parsed.date8 != amz_date->substr(0, 8)) {
    return invalid_signature(str_cat(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '", parsed.date8, "' != '", amz_date->substr(0, 8), "'"));
  }
  if (parsed.region.empty()) return invalid_signature("Credential scope names no region");
  if (!regions_.empty() &&
      std::find(regions_.begin(), regions_.end(), parsed.region) == regions_.end()) {
    return invalid_signature(str_cat("Credential should be scoped to a valid region, not '",
                                     parsed.region.substr(0, 64), "'. This endpoint serves ",
                                     str_join(regions_, ", "), "."));
  }
  if (std::find(parsed.signed_headers.begin(), parsed.signed_headers.end(), "host") ==
      parsed.signed_headers.end()) {
    return invalid_signature("'Host' must be a signed header");
  }

  int64_t now = clock_.now_seconds();
  if (*signed_at < now - max_skew_seconds_) {
    return invalid_signature(str_cat(
        "Signature expired: ", *amz_date, " is now earlier than ",
        format_amz_date(now - max_skew_seconds_), " (", format_amz_date(now), " - ",
        max_skew_seconds_ / 60, " min.)"));
  }
  if (*signed_at > now + max_skew_seconds_) {
    return invalid_signature(str_cat(
        "Signature not yet current: ", *amz_date, " is still later than ",
        format_amz_date(now + max_skew_seconds_), " (", format_amz_date(now), " + ",
        max_skew_seconds_ / 60, " min.)"));
  }

  const std::string* token = request.header("x-amz-security-token");
  StatusOr<std::string> secret = lookup(parsed.access_key_id, token ? *token : std::string());
  if (!secret.ok()) {
    if (absl::IsNotFound(secret.status())) {
      return glue_error(absl::StatusCode::kUnauthenticated, "UnrecognizedClientException",
                        "The security token included in the request is invalid.");
    }
    return secret.status();
  }

  std::string payload_hash = sha256_hex(request.body);
  if (const std::string* claimed = request.header("x-amz-content-sha256")) {
    if (*claimed != payload_hash) {
      return invalid_signature(
          "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  }
  std::string_view target = request.target;
  size_t q = target.find('?');
  std::string creq = sigv4_canonical_request(
      request.method, sigv4_canonical_uri(target.substr(0, q), service_ != "s3"),
      sigv4_canonical_query(q == std::string_view::npos ? "" : target.substr(q + 1)),
      request.headers, parsed.signed_headers, payload_hash);
  std::string scope = sigv4_scope(parsed.date8, parsed.region, parsed.service);
  std::string expected = sigv4_signature(
      sigv4_signing_key(*secret, parsed.date8, parsed.region, parsed.service),
      sigv4_string_to_sign(*amz_date, scope, creq));
  if (!constant_time_equals(expected, parsed.signature)) {
    return invalid_signature(
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method. Consult the service documentation for "
        "details.");
  }
  return SigV4Identity{parsed.access_key_id, parsed.region, parsed.date8};
}

}  // namespace mortar::api
