#include "logs/filter_pattern.h"

#include <utility>

namespace mortar::logs {
namespace {

Status bad_pattern(std::string_view why) {
  return invalid_input(std::string("Invalid filter pattern: ") + std::string(why));
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

FilterPattern::Term FilterPattern::make_term(std::string text) {
  Term t;
  t.failure.assign(text.size(), 0);
  for (size_t i = 1, k = 0; i < text.size(); ++i) {
    while (k > 0 && text[i] != text[k]) k = static_cast<size_t>(t.failure[k - 1]);
    if (text[i] == text[k]) ++k;
    t.failure[i] = static_cast<int>(k);
  }
  t.text = std::move(text);
  return t;
}

bool FilterPattern::Term::occurs_in(std::string_view message) const {
  if (text.empty()) return true;
  size_t k = 0;
  for (char c : message) {
    while (k > 0 && c != text[k]) k = static_cast<size_t>(failure[k - 1]);
    if (c == text[k] && ++k == text.size()) return true;
  }
  return false;
}

StatusOr<FilterPattern> FilterPattern::parse(std::string_view p) {
  FilterPattern out;
  size_t i = 0;
  while (i < p.size() && is_space(p[i])) ++i;
  if (i < p.size()) {
    char first = p[i];
    if (first == '{')
      return bad_pattern("JSON filter patterns ({ $.field ... }) are not supported by Mortar");
    if (first == '[')
      return bad_pattern(
          "space-delimited filter patterns ([field, ...]) are not supported by Mortar");
    if (first == '%')
      return bad_pattern("regular-expression filter patterns (%...%) are not supported by Mortar");
  }
  while (i < p.size()) {
    if (is_space(p[i])) {
      ++i;
      continue;
    }
    std::vector<Term>* into = &out.required_;
    const size_t term_start = i;
    if (p[i] == '?' || p[i] == '-') {
      into = p[i] == '?' ? &out.any_ : &out.excluded_;
      ++i;
      if (i >= p.size() || is_space(p[i])) {
        return bad_pattern("'" + std::string(1, p[term_start]) + "' at offset " +
                           std::to_string(term_start) + " must be followed by a term");
      }
    }
    std::string text;
    if (p[i] == '"') {
      const size_t open = i++;
      bool closed = false;
      while (i < p.size()) {
        char c = p[i++];
        if (c == '\\' && i < p.size()) {
          text.push_back(p[i++]);
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          text.push_back(c);
        }
      }
      if (!closed) return bad_pattern("unterminated quote at offset " + std::to_string(open));
      if (i < p.size() && !is_space(p[i])) {
        return bad_pattern("a quoted phrase must be followed by a space (offset " +
                           std::to_string(i) + ")");
      }
    } else {
      while (i < p.size() && !is_space(p[i])) text.push_back(p[i++]);
    }
    into->push_back(make_term(std::move(text)));
  }
  return out;
}

bool FilterPattern::matches(std::string_view message) const {
  for (const Term& t : required_) {
    if (!t.occurs_in(message)) return false;
  }
  for (const Term& t : excluded_) {
    if (t.occurs_in(message)) return false;
  }
  if (any_.empty()) return true;
  for (const Term& t : any_) {
    if (t.occurs_in(message)) return true;
  }
  return false;
}

}  // namespace mortar::logs
