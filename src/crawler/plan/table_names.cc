#include "crawler/plan/table_names.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "common/crypto.h"

namespace mortar::crawler {

std::string sanitize_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) && u < 0x80) {
      out += static_cast<char>(std::tolower(u));
    } else {
      out += '_';
    }
  }
  if (out.empty()) out = "_";
  return out;
}

std::string last_segment(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (auto scheme = path.find("://"); scheme != std::string_view::npos) path.remove_prefix(scheme + 3);
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

void resolve_name_clashes(std::vector<PlannedTable>& tables) {
  std::map<std::string, std::vector<size_t>> by_name;
  for (size_t i = 0; i < tables.size(); ++i) by_name[tables[i].name].push_back(i);
  for (auto& [name, indices] : by_name) {
    if (indices.size() < 2) continue;
    std::sort(indices.begin(), indices.end(), [&](size_t a, size_t b) {
      return tables[a].location < tables[b].location;
    });
    for (size_t k = 1; k < indices.size(); ++k) {
      PlannedTable& t = tables[indices[k]];
      t.name = name + "_" + hex_encode(md5(t.location));
      t.reasons.push_back(fmt::format(
          "named {}: {} tables would be named {}; {} keeps the plain name, this one gets the md5 of "
          "its location as suffix",
          t.name, indices.size(), name, tables[indices[0]].location));
    }
  }
}

}  // namespace mortar::crawler
