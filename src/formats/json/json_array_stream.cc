#include "formats/json/json_array_stream.h"

namespace mortar::formats::json {
namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Characters of a number, true, false or null.
bool is_scalar_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' ||
         c == '-' || c == '.';
}

}  // namespace

bool ArrayFlattener::fail(size_t at, std::string message) {
  error_offset_ = at;
  error_ = std::move(message);
  return false;
}

void ArrayFlattener::element_done(size_t end) { safe_end_ = end; }

bool ArrayFlattener::scan(char* data, size_t len) {
  for (size_t i = scanned_; i < len; ++i) {
    const char c = data[i];
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
        if (depth_ == 0 || (flat_ && depth_ == 1)) element_done(i + 1);
      }
      continue;
    }
    if (in_scalar_) {
      if (is_scalar_char(c)) continue;
      in_scalar_ = false;
      element_done(i);
      if (flat_ && depth_ == 1 && (c == '"' || c == '{' || c == '['))
        return fail(i, "expected ',' or ']' after an array element");
      // c starts what follows the scalar: handled below.
    }
    if (flat_ && depth_ == 1) {  // between the elements of a top-level array
      if (is_space(c)) continue;
      if (c == ',') {
        if (expect_ != Expect::kCommaOrClose)
          return fail(i, expect_ == Expect::kValue ? "two commas in a row in an array"
                                                   : "a comma before an array's first element");
        data[i] = ' ';
        expect_ = Expect::kValue;
        continue;
      }
      if (c == ']') {
        if (expect_ == Expect::kValue) return fail(i, "a comma before ']' (trailing comma) in an array");
        data[i] = ' ';
        depth_ = 0;
        flat_ = false;
        element_done(i + 1);
        continue;
      }
      if (expect_ == Expect::kCommaOrClose) return fail(i, "expected ',' or ']' after an array element");
      if (c == '}') return fail(i, "'}' where an array element or ']' belongs");
      expect_ = Expect::kCommaOrClose;  // c starts an element
      if (c == '"') {
        in_string_ = true;
      } else if (c == '{' || c == '[') {
        depth_ = 2;
      } else {
        in_scalar_ = true;
      }
      continue;
    }
    if (depth_ == 0) {  // between top-level documents
      if (is_space(c)) continue;
      if (c == '[') {
        data[i] = ' ';
        depth_ = 1;
        flat_ = true;
        expect_ = Expect::kValueOrClose;
      } else if (c == '{') {
        depth_ = 1;
      } else if (c == '"') {
        in_string_ = true;
      } else {
        in_scalar_ = true;  // or a stray character, which the parser reports
      }
      continue;
    }
    // Inside a container: only nesting and strings matter here.
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if (c == '}' || c == ']') {
      --depth_;
      if (depth_ == 0 || (flat_ && depth_ == 1)) element_done(i + 1);
    }
  }
  scanned_ = len;
  return true;
}

void ArrayFlattener::consumed(size_t n) {
  scanned_ -= n;
  safe_end_ -= n;
}

}  // namespace mortar::formats::json
