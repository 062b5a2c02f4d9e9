#include "io/glob_matcher.h"

#include <fmt/format.h>
#include <re2/re2.h>

namespace mortar::io {

namespace {

void append_literal(std::string& out, char c) {
  if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '/' ||
      static_cast<unsigned char>(c) >= 0x80) {
    out += c;
  } else {
    out += '\\';
    out += c;
  }
}

// Translates glob[i..] up to `stop` (a ',' or '}' inside a group), advancing i.
Status translate(std::string_view glob, size_t& i, bool in_group, std::string& out) {
  while (i < glob.size()) {
    char c = glob[i];
    if (in_group && (c == ',' || c == '}')) return ok_status();
    if (c == '*') {
      if (i + 1 < glob.size() && glob[i + 1] == '*') {
        out += ".*";
        i += 2;
      } else {
        out += "[^/]*";
        i += 1;
      }
    } else if (c == '?') {
      out += "[^/]";
      i += 1;
    } else if (c == '\\') {
      if (i + 1 >= glob.size()) return invalid_input("ends with an escape character '\\'");
      append_literal(out, glob[i + 1]);
      i += 2;
    } else if (c == '[') {
      size_t j = i + 1;
      bool negated = j < glob.size() && (glob[j] == '!' || glob[j] == '^');
      if (negated) ++j;
      bool first = true;
      bool closed = false;
      std::string body;
      while (j < glob.size()) {
        char d = glob[j];
        if (d == ']' && !first) {
          closed = true;
          break;
        }
        ++j;
        if (d == '/') {  // a class never matches across segments
          first = false;
          continue;
        }
        // Glue: a '-' first in the class (or first after '!') is literal.
        if (d == '\\' || d == '[' || d == ']' || d == '^' || (d == '-' && first)) body += '\\';
        first = false;
        body += d;
      }
      if (!closed) return invalid_input("has an unclosed '['");
      // A negated class must not match '/' either.
      out += negated ? "[^/" + body + "]" : "[" + body + "]";
      i = j + 1;
    } else if (c == '{') {
      if (in_group) return invalid_input("nests '{' groups, which Glue does not allow");
      ++i;
      out += "(?:";
      bool closed = false;
      while (i < glob.size()) {
        MORTAR_RETURN_IF_ERROR(translate(glob, i, /*in_group=*/true, out));
        if (i >= glob.size()) break;
        if (glob[i] == ',') {
          out += '|';
          ++i;
        } else {  // '}'
          ++i;
          closed = true;
          break;
        }
      }
      if (!closed) return invalid_input("has an unclosed '{'");
      out += ')';
    } else {
      append_literal(out, c);
      ++i;
    }
  }
  return ok_status();
}

}  // namespace

GlobMatcher::GlobMatcher() = default;
GlobMatcher::GlobMatcher(GlobMatcher&&) noexcept = default;
GlobMatcher& GlobMatcher::operator=(GlobMatcher&&) noexcept = default;
GlobMatcher::~GlobMatcher() = default;

StatusOr<std::string> GlobMatcher::to_regex(std::string_view glob) {
  std::string out;
  size_t i = 0;
  Status s = translate(glob, i, /*in_group=*/false, out);
  if (!s.ok())
    return invalid_input(fmt::format("exclude pattern '{}' {}", glob, status_message(s)));
  return out;
}

StatusOr<GlobMatcher> GlobMatcher::compile(const std::vector<std::string>& patterns,
                                           LeadingSlash leading_slash) {
  GlobMatcher m;
  for (const auto& p : patterns) {
    std::string_view glob = p;
    if (leading_slash == LeadingSlash::kIgnore) {
      while (glob.starts_with("/")) glob.remove_prefix(1);
    }
    if (glob.empty()) continue;
    MORTAR_ASSIGN_OR_RETURN(std::string regex, to_regex(glob));
    RE2::Options options;
    options.set_log_errors(false);
    options.set_dot_nl(true);
    auto re = std::make_unique<RE2>(regex, options);
    if (!re->ok())
      return invalid_input(
          fmt::format("exclude pattern '{}' is not a valid glob: {}", p, re->error()));
    m.regexes_.push_back(std::move(re));
  }
  return m;
}

bool GlobMatcher::matches(std::string_view path) const {
  re2::StringPiece piece(path.data(), path.size());
  for (const auto& re : regexes_)
    if (RE2::FullMatch(piece, *re)) return true;
  return false;
}

bool GlobMatcher::excludes(std::string_view relative_path) const {
  if (regexes_.empty()) return false;
  if (matches(relative_path)) return true;
  for (size_t pos = relative_path.find('/'); pos != std::string_view::npos;
       pos = relative_path.find('/', pos + 1)) {
    if (matches(relative_path.substr(0, pos))) return true;
  }
  return false;
}

}  // namespace mortar::io
