// Unix-style glob patterns as Glue's "exclusions" option uses them: `*`
// matches within one path segment, `**` across segments, `?` one character,
// `[abc]` / `[!a-z]` a class, `{a,b}` alternatives. Pure; thread-safe.
#pragma once

#include <string_view>

namespace mortar::engine {

bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace mortar::engine
