// Grok patterns compiled to RE2. A grok pattern is a regex with references
// %{NAME}, %{NAME:field} and %{NAME:field:type} (type int, long, float,
// double, boolean or string, as in Glue) to named patterns, expanded
// recursively (cycles and unknown names are errors). Oniguruma named groups
// (?<field>...) are captures too; atomic groups (?>...) are read as (?:...).
// RE2 runs in linear time, so no pattern or line can hang a reader; the price
// is that lookaround and backreferences are refused, naming the pattern.
// A CompiledGrok is immutable and thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "types/data_type.h"

namespace re2 {
class RE2;
}

namespace mortar::formats::grok {

// Named patterns: the built-in library plus custom definitions.
class GrokLibrary {
 public:
  // The built-in library.
  GrokLibrary();
  // Custom patterns, one "NAME regex" per line (blank lines and # comments
  // skipped); a custom name overrides a built-in one.
  Status add_definitions(std::string_view text);
  void add(std::string name, std::string regex) { patterns_[std::move(name)] = std::move(regex); }
  const std::string* find(std::string_view name) const;

 private:
  std::map<std::string, std::string, std::less<>> patterns_;
};

struct GrokField {
  std::string name;
  types::TypePtr type;
};

class CompiledGrok {
 public:
  ~CompiledGrok();
  // One per distinct field name, in order of first appearance.
  const std::vector<GrokField>& fields() const { return fields_; }
  // The RE2 syntax the pattern expanded to.
  const std::string& regex() const { return regex_; }
  // Matches `line` (anywhere in it, as grok does). On a match, values[i] is
  // field i's text, or nullopt-like (data()==nullptr) when its group did not
  // take part.
  bool match(std::string_view line, std::vector<std::string_view>* values) const;

 private:
  friend StatusOr<std::unique_ptr<CompiledGrok>> compile_grok(const GrokLibrary&, std::string_view);
  CompiledGrok() = default;
  std::vector<GrokField> fields_;
  std::vector<int> group_field_;  // capture group k+1 -> field index
  std::string regex_;
  std::unique_ptr<re2::RE2> re_;
};

StatusOr<std::unique_ptr<CompiledGrok>> compile_grok(const GrokLibrary& library,
                                                     std::string_view pattern);

// The type a suffix names ("int" -> int32 ...), nullptr when unknown.
types::TypePtr grok_type(std::string_view suffix);

}  // namespace mortar::formats::grok
