#include "engine/schema_merge.h"

namespace mortar::engine {

using types::DataType;
using types::Field;
using types::TypeKind;
using types::TypePtr;

namespace {

bool is_container(TypeKind k) {
  return k == TypeKind::kStruct || k == TypeKind::kArray || k == TypeKind::kMap;
}

// Same alternative of a choice: containers by kind, primitives by type.
bool same_slot(const DataType& a, const DataType& b) {
  if (is_container(a.kind()) || is_container(b.kind())) return a.kind() == b.kind();
  return a.equals(b);
}

TypePtr merge_structs(const DataType& a, const DataType& b) {
  std::vector<Field> fields = a.fields();
  for (const Field& f : b.fields()) {
    int i = a.field_index(f.name);
    if (i < 0) {
      fields.push_back(f);
    } else {
      fields[i].type = merge_types(fields[i].type, f.type);
    }
  }
  return DataType::structure(std::move(fields));
}

// Adds `t` (not a choice) to the alternatives, merging with its slot.
void add_alternative(std::vector<TypePtr>& alternatives, const TypePtr& t) {
  if (t->kind() == TypeKind::kNull) return;
  for (auto& alt : alternatives) {
    if (same_slot(*alt, *t)) {
      alt = merge_types(alt, t);
      return;
    }
  }
  alternatives.push_back(t);
}

std::vector<TypePtr> alternatives_of(const TypePtr& t) {
  std::vector<TypePtr> out;
  if (t->kind() == TypeKind::kChoice) {
    for (const Field& f : t->fields()) out.push_back(f.type);
  } else {
    out.push_back(t);
  }
  return out;
}

}  // namespace

int choice_slot(const DataType& choice, const DataType& type) {
  for (size_t i = 0; i < choice.fields().size(); ++i) {
    if (same_slot(*choice.fields()[i].type, type)) return static_cast<int>(i);
  }
  return -1;
}

TypePtr merge_types(const TypePtr& a, const TypePtr& b) {
  if (!a || a->kind() == TypeKind::kNull) return b;
  if (!b || b->kind() == TypeKind::kNull) return a;
  if (a == b || a->equals(*b)) return a;
  if (a->kind() != TypeKind::kChoice && b->kind() != TypeKind::kChoice && a->kind() == b->kind()) {
    switch (a->kind()) {
      case TypeKind::kStruct:
        return merge_structs(*a, *b);
      case TypeKind::kArray:
        return DataType::array(merge_types(a->element(), b->element()));
      case TypeKind::kMap:
        return DataType::map(merge_types(a->key(), b->key()), merge_types(a->value(), b->value()));
      default:
        break;
    }
  }
  std::vector<TypePtr> alternatives = alternatives_of(a);
  for (const TypePtr& t : alternatives_of(b)) add_alternative(alternatives, t);
  if (alternatives.size() == 1) return alternatives[0];
  return DataType::choice(std::move(alternatives));
}

}  // namespace mortar::engine
