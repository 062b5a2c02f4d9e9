#include "crawler/plan/schema_merge.h"

#include <algorithm>
#include <unordered_map>

namespace mortar::crawler {

using types::DataType;
using types::Field;
using types::TypeKind;
using types::TypePtr;

namespace {

int integer_rank(TypeKind k) {
  switch (k) {
    case TypeKind::kTinyInt: return 1;
    case TypeKind::kSmallInt: return 2;
    case TypeKind::kInt: return 3;
    case TypeKind::kBigInt: return 4;
    default: return 0;
  }
}

bool is_floating(TypeKind k) {
  return k == TypeKind::kFloat || k == TypeKind::kDouble || k == TypeKind::kDecimal;
}

bool is_text(TypeKind k) {
  return k == TypeKind::kString || k == TypeKind::kVarchar || k == TypeKind::kChar;
}

TypePtr merge_structs(const TypePtr& a, const TypePtr& b) {
  std::vector<Field> fields = a->fields();
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < fields.size(); ++i) index.emplace(fields[i].name, i);
  bool changed = false;
  for (const auto& f : b->fields()) {
    auto it = index.find(f.name);
    if (it == index.end()) {
      index.emplace(f.name, fields.size());
      fields.push_back(f);
      changed = true;
    } else {
      TypePtr merged = widen_types(fields[it->second].type, f.type);
      if (merged != fields[it->second].type) {
        fields[it->second].type = merged;
        changed = true;
      }
    }
  }
  return changed ? DataType::structure(std::move(fields)) : a;
}

}  // namespace

TypePtr widen_types(const TypePtr& a, const TypePtr& b) {
  if (!a) return b;
  if (!b || a == b) return a;
  TypeKind ka = a->kind(), kb = b->kind();
  if (kb == TypeKind::kNull) return a;
  if (ka == TypeKind::kNull) return b;
  if (ka == TypeKind::kStruct && kb == TypeKind::kStruct) return merge_structs(a, b);
  if (a->equals(*b)) return a;
  if (is_text(ka) || is_text(kb)) return DataType::string();
  int ra = integer_rank(ka), rb = integer_rank(kb);
  if (ra && rb) return ra >= rb ? a : b;
  if ((ra || is_floating(ka)) && (rb || is_floating(kb))) {
    if (ka == TypeKind::kFloat && (kb == TypeKind::kFloat || rb)) return a;
    if (kb == TypeKind::kFloat && ra) return b;
    return DataType::float64();
  }
  if ((ka == TypeKind::kDate && kb == TypeKind::kTimestamp) ||
      (ka == TypeKind::kTimestamp && kb == TypeKind::kDate))
    return DataType::timestamp();
  if (ka == TypeKind::kArray && kb == TypeKind::kArray)
    return DataType::array(widen_types(a->element(), b->element()));
  if (ka == TypeKind::kMap && kb == TypeKind::kMap)
    return DataType::map(widen_types(a->key(), b->key()), widen_types(a->value(), b->value()));
  return DataType::string();
}

double schema_similarity(const TypePtr& a, const TypePtr& b) {
  const std::vector<Field> none;
  const auto& fa = a ? a->fields() : none;
  const auto& fb = b ? b->fields() : none;
  if (fa.empty() && fb.empty()) return 1.0;
  if (a == b) return 1.0;
  std::unordered_map<std::string_view, const TypePtr*> in_a;
  for (const auto& f : fa) in_a.emplace(f.name, &f.type);
  double score = 0;
  size_t distinct = fa.size();
  for (const auto& f : fb) {
    auto it = in_a.find(f.name);
    if (it == in_a.end()) {
      ++distinct;
      continue;
    }
    const TypePtr& ta = *it->second;
    score += (ta == f.type || (ta && f.type && ta->equals(*f.type))) ? 1.0 : 0.5;
  }
  return distinct == 0 ? 1.0 : score / static_cast<double>(distinct);
}

void merge_classification(Classification& acc, const Classification& c) {
  merge_classification(acc, c, c.record_count, c.average_record_size);
}

void merge_classification(Classification& acc, const Classification& c, int64_t record_count,
                          int64_t average_record_size) {
  acc.schema = widen_types(acc.schema, c.schema);
  int64_t total = acc.record_count + record_count;
  if (total > 0) {
    acc.average_record_size = static_cast<int64_t>(
        (static_cast<double>(acc.average_record_size) * static_cast<double>(acc.record_count) +
         static_cast<double>(average_record_size) * static_cast<double>(record_count)) /
            static_cast<double>(total) + 0.5);
  }
  acc.record_count = total;
  acc.certainty = std::min(acc.certainty, c.certainty);
}

}  // namespace mortar::crawler
