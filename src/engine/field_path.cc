#include "engine/field_path.h"

#include <cctype>

namespace mortar::engine {

StatusOr<FieldPath> parse_path(std::string_view text) {
  FieldPath out;
  size_t i = 0;
  auto bad = [&](std::string_view why) {
    return invalid_input("field path '" + std::string(text) + "': " + std::string(why));
  };
  if (text.empty()) return bad("empty");
  for (;;) {
    PathStep step;
    if (i < text.size() && text[i] == '`') {
      ++i;
      for (;;) {
        if (i >= text.size()) return bad("unbalanced back-quote");
        if (text[i] == '`') {
          if (i + 1 < text.size() && text[i + 1] == '`') {  // doubled quote
            step.name += '`';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        step.name += text[i++];
      }
    } else {
      while (i < text.size() && text[i] != '.' && text[i] != '[') step.name += text[i++];
    }
    if (step.name.empty()) return bad("empty field name");
    while (i < text.size() && text[i] == '[') {
      if (i + 1 >= text.size() || text[i + 1] != ']') return bad("expected []");
      ++step.array_depth;
      i += 2;
    }
    out.push_back(std::move(step));
    if (i == text.size()) break;
    if (text[i] != '.') return bad("expected '.' after []");
    ++i;
    if (i == text.size()) return bad("ends with '.'");
  }
  return out;
}

std::string path_to_string(const FieldPath& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (i) out += '.';
    const std::string& n = path[i].name;
    if (n.find_first_of(".`[]") != std::string::npos) {
      out += '`';
      for (char c : n) {
        if (c == '`') out += '`';
        out += c;
      }
      out += '`';
    } else {
      out += n;
    }
    for (int d = 0; d < path[i].array_depth; ++d) out += "[]";
  }
  return out;
}

int find_field(const types::DataType& s, std::string_view name, bool case_insensitive) {
  int exact = s.field_index(name);
  if (exact >= 0 || !case_insensitive) return exact;
  for (size_t i = 0; i < s.fields().size(); ++i) {
    const std::string& f = s.fields()[i].name;
    if (f.size() != name.size()) continue;
    bool same = true;
    for (size_t k = 0; k < f.size() && same; ++k)
      same = std::tolower(static_cast<unsigned char>(f[k])) ==
             std::tolower(static_cast<unsigned char>(name[k]));
    if (same) return static_cast<int>(i);
  }
  return -1;
}

types::TypePtr type_at(const types::TypePtr& schema, const FieldPath& path, bool case_insensitive) {
  types::TypePtr t = schema;
  for (const PathStep& step : path) {
    if (!t || t->kind() != types::TypeKind::kStruct) return nullptr;
    int i = find_field(*t, step.name, case_insensitive);
    if (i < 0) return nullptr;
    t = t->fields()[i].type;
    for (int d = 0; d < step.array_depth; ++d) {
      if (t->kind() != types::TypeKind::kArray) return nullptr;
      t = t->element();
    }
  }
  return t;
}

}  // namespace mortar::engine
