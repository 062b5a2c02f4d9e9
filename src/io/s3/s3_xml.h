// A minimal reader for S3's XML responses (ListObjectsV2, errors,
// multipart uploads): flat element lookup, entity decoding. Not a general
// XML parser: no namespaces, CDATA or comments (S3 sends none).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mortar::io::s3 {

// Inner text of every <tag>...</tag> (or empty for <tag/>) in document order.
std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag);
// Decoded text of the first <tag>, if present.
std::optional<std::string> xml_text(std::string_view xml, std::string_view tag);
std::string xml_unescape(std::string_view s);
std::string xml_escape(std::string_view s);

struct ListedObject {
  std::string key;
  int64_t size = 0;
  int64_t mtime_micros = 0;
};

struct ListPage {
  std::vector<ListedObject> objects;
  bool truncated = false;
  std::string next_token;  // NextContinuationToken
};

// Parses a ListObjectsV2 response body; malformed entries are an error
// message in *error.
std::optional<ListPage> parse_list_objects(std::string_view xml, std::string* error);

// "2013-09-17T18:07:53.000Z" -> microseconds since the epoch (0 if malformed).
int64_t parse_iso8601_micros(std::string_view s);

}  // namespace mortar::io::s3
