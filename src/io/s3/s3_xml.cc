#include "io/s3/s3_xml.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace mortar::io::s3 {

std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  std::string open = "<" + std::string(tag);
  std::string close = "</" + std::string(tag) + ">";
  size_t pos = 0;
  while ((pos = xml.find(open, pos)) != std::string_view::npos) {
    size_t after = pos + open.size();
    if (after >= xml.size()) break;
    char c = xml[after];
    if (c != '>' && c != ' ' && c != '/' && c != '\t' && c != '\n' && c != '\r') {
      pos = after;  // a longer tag name sharing the prefix
      continue;
    }
    size_t gt = xml.find('>', after);
    if (gt == std::string_view::npos) break;
    if (xml[gt - 1] == '/') {  // <tag/>
      out.emplace_back();
      pos = gt + 1;
      continue;
    }
    size_t end = xml.find(close, gt + 1);
    if (end == std::string_view::npos) break;
    out.push_back(xml.substr(gt + 1, end - gt - 1));
    pos = end + close.size();
  }
  return out;
}

std::optional<std::string> xml_text(std::string_view xml, std::string_view tag) {
  auto all = xml_elements(xml, tag);
  if (all.empty()) return std::nullopt;
  return xml_unescape(all.front());
}

std::string xml_unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") out += '&';
    else if (ent == "lt") out += '<';
    else if (ent == "gt") out += '>';
    else if (ent == "quot") out += '"';
    else if (ent == "apos") out += '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      unsigned cp = 0;
      bool hex = ent[1] == 'x' || ent[1] == 'X';
      std::string_view digits = ent.substr(hex ? 2 : 1);
      auto r = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (r.ec != std::errc() || r.ptr != digits.data() + digits.size() || cp > 0x10FFFF) {
        out += s.substr(i, semi - i + 1);
      } else if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
    } else {
      out += s.substr(i, semi - i + 1);
    }
    i = semi;
  }
  return out;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

int64_t parse_iso8601_micros(std::string_view s) {
  std::tm tm{};
  int year, mon, day, h, m, sec;
  std::string str(s);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &mon, &day, &h, &m, &sec) != 6) return 0;
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = sec;
  int64_t micros = static_cast<int64_t>(timegm(&tm)) * 1000000;
  size_t dot = s.find('.');
  if (dot != std::string_view::npos) {
    int64_t frac = 0;
    int digits = 0;
    for (size_t i = dot + 1; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && digits < 6; ++i, ++digits)
      frac = frac * 10 + (s[i] - '0');
    while (digits++ < 6) frac *= 10;
    micros += frac;
  }
  return micros;
}

std::optional<ListPage> parse_list_objects(std::string_view xml, std::string* error) {
  if (xml.find("<ListBucketResult") == std::string_view::npos) {
    *error = "not a ListBucketResult";
    return std::nullopt;
  }
  ListPage page;
  for (std::string_view entry : xml_elements(xml, "Contents")) {
    ListedObject obj;
    auto key = xml_text(entry, "Key");
    auto size = xml_text(entry, "Size");
    if (!key || !size) {
      *error = "a Contents entry without Key or Size";
      return std::nullopt;
    }
    obj.key = *key;
    auto r = std::from_chars(size->data(), size->data() + size->size(), obj.size);
    if (r.ec != std::errc() || obj.size < 0) {
      *error = "bad Size '" + *size + "' for key " + obj.key;
      return std::nullopt;
    }
    if (auto lm = xml_text(entry, "LastModified")) obj.mtime_micros = parse_iso8601_micros(*lm);
    page.objects.push_back(std::move(obj));
  }
  auto truncated = xml_text(xml, "IsTruncated");
  page.truncated = truncated && *truncated == "true";
  if (auto token = xml_text(xml, "NextContinuationToken")) page.next_token = *token;
  if (page.truncated && page.next_token.empty()) {
    *error = "IsTruncated without NextContinuationToken";
    return std::nullopt;
  }
  return page;
}

}  // namespace mortar::io::s3
