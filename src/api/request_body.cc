#include "api/request_body.h"
#include "api/strings.h"


namespace mortar::api {
namespace {

Status serialization_error(std::string_view msg) {
  return glue_error(absl::StatusCode::kInvalidArgument, "SerializationException", msg);
}

// Nesting depth of arrays/objects, ignoring brackets inside strings.
bool depth_within(std::string_view s, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

StatusOr<nlohmann::json> parse_request_body(std::string_view body) {
  if (strip_ascii_whitespace(body).empty()) return nlohmann::json::object();
  if (!is_valid_utf8(body)) return serialization_error("The request body is not valid UTF-8");
  if (!depth_within(body, kMaxJsonDepth)) {
    return serialization_error(
        str_cat("The request body nests deeper than ", kMaxJsonDepth, " levels"));
  }
  nlohmann::json input;
  try {
    input = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {  // parse_error, out_of_range (number overflow)
    return serialization_error(str_cat("The request body is not valid JSON: ", e.what()));
  }
  if (!input.is_object()) {
    return serialization_error("The request body must be a JSON object");
  }
  return input;
}

}  // namespace mortar::api
