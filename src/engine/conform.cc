#include "engine/conform.h"

#include "engine/schema_merge.h"

namespace mortar::engine {

using types::Column;
using types::DataType;
using types::TypeKind;
using types::TypePtr;
using types::Value;

std::unique_ptr<Column> null_column(const TypePtr& type, int64_t rows) {
  auto c = std::make_unique<Column>(type);
  if (type->kind() == TypeKind::kNull) {
    c->set_length(rows);
  } else {
    c->append_nulls(rows);
  }
  return c;
}

std::unique_ptr<Column> retyped(const TypePtr& type, Column& from,
                                std::vector<std::unique_ptr<Column>> children) {
  auto out = std::make_unique<Column>(type);
  out->validity() = std::move(from.validity());
  out->values_buffer() = std::move(from.values_buffer());
  out->offsets() = std::move(from.offsets());
  out->data() = std::move(from.data());
  out->type_ids() = std::move(from.type_ids());
  out->child_index() = std::move(from.child_index());
  out->children() = std::move(children);
  out->set_length(from.length());
  return out;
}

std::unique_ptr<Column> batch_to_struct(std::unique_ptr<types::RecordBatch> batch) {
  int64_t n = batch->num_rows();
  TypePtr schema = batch->schema();
  Column empty(DataType::null());
  auto out = retyped(schema, empty, std::move(batch->columns()));
  out->set_length(n);
  return out;
}

std::unique_ptr<types::RecordBatch> struct_to_batch(std::unique_ptr<Column> column) {
  int64_t n = column->length();
  TypePtr schema = column->type();
  return std::make_unique<types::RecordBatch>(schema, std::move(column->children()), n);
}

StatusOr<std::unique_ptr<Column>> conform_column(std::unique_ptr<Column> column,
                                                 const TypePtr& target) {
  const TypePtr src = column->type();
  const int64_t n = column->length();
  if (src == target || src->equals(*target)) return column;
  if (src->kind() == TypeKind::kNull) return null_column(target, n);
  if (target->kind() == TypeKind::kChoice) {
    std::vector<std::unique_ptr<Column>> children;
    for (const auto& f : target->fields()) children.push_back(std::make_unique<Column>(f.type));
    if (src->kind() == TypeKind::kChoice) {
      std::vector<int8_t> remap(src->fields().size(), -1);
      for (size_t i = 0; i < src->fields().size(); ++i) {
        int j = choice_slot(*target, *src->fields()[i].type);
        if (j < 0)
          return internal_error("conform: " + src->to_string() + " is not in " +
                                target->to_string());
        remap[i] = static_cast<int8_t>(j);
        MORTAR_ASSIGN_OR_RETURN(children[j], conform_column(std::move(column->children()[i]),
                                                            target->fields()[j].type));
      }
      for (auto& id : column->type_ids()) {
        if (id >= 0) id = remap[id];
      }
      return retyped(target, *column, std::move(children));
    }
    int j = choice_slot(*target, *src);
    if (j < 0)
      return internal_error("conform: " + src->to_string() + " is not in " + target->to_string());
    auto out = std::make_unique<Column>(target);
    out->validity() = column->validity();
    out->type_ids().assign(static_cast<size_t>(n), static_cast<int8_t>(j));
    out->child_index().resize(static_cast<size_t>(n));
    for (int64_t r = 0; r < n; ++r) out->child_index()[r] = r;
    MORTAR_ASSIGN_OR_RETURN(children[j],
                            conform_column(std::move(column), target->fields()[j].type));
    out->children() = std::move(children);
    out->set_length(n);
    return out;
  }
  if (src->kind() != target->kind()) {
    return internal_error("conform: cannot reshape " + src->to_string() + " to " +
                          target->to_string());
  }
  std::vector<std::unique_ptr<Column>> children;
  switch (target->kind()) {
    case TypeKind::kStruct:
      for (const auto& f : target->fields()) {
        int i = src->field_index(f.name);
        if (i < 0) {
          children.push_back(null_column(f.type, n));
        } else {
          MORTAR_ASSIGN_OR_RETURN(auto c, conform_column(std::move(column->children()[i]), f.type));
          children.push_back(std::move(c));
        }
      }
      break;
    case TypeKind::kArray:
    case TypeKind::kMap:
      for (size_t i = 0; i < target->fields().size(); ++i) {
        MORTAR_ASSIGN_OR_RETURN(
            auto c, conform_column(std::move(column->children()[i]), target->fields()[i].type));
        children.push_back(std::move(c));
      }
      break;
    default:
      return internal_error("conform: cannot reshape " + src->to_string() + " to " +
                            target->to_string());
  }
  return retyped(target, *column, std::move(children));
}

StatusOr<std::unique_ptr<types::RecordBatch>> conform_batch(
    std::unique_ptr<types::RecordBatch> batch, const TypePtr& schema) {
  if (batch->schema() == schema || batch->schema()->equals(*schema)) return batch;
  MORTAR_ASSIGN_OR_RETURN(auto c, conform_column(batch_to_struct(std::move(batch)), schema));
  return struct_to_batch(std::move(c));
}

int alternative_for_value(const DataType& choice, const Value& v) {
  using K = Value::Kind;
  int fallback = -1;
  for (size_t i = 0; i < choice.fields().size(); ++i) {
    TypeKind k = choice.fields()[i].type->kind();
    bool match = false;
    switch (v.kind()) {
      case K::kNull:
        return -1;
      case K::kBool:
        match = k == TypeKind::kBoolean;
        break;
      case K::kInt:
        match = k == TypeKind::kTinyInt || k == TypeKind::kSmallInt || k == TypeKind::kInt ||
                k == TypeKind::kBigInt;
        break;
      case K::kDouble:
        match = k == TypeKind::kFloat || k == TypeKind::kDouble;
        break;
      case K::kDecimal:
        match = k == TypeKind::kDecimal;
        if (match && choice.fields()[i].type->scale() != v.as_decimal().scale) {
          if (fallback < 0) fallback = static_cast<int>(i);
          match = false;
        }
        break;
      case K::kString:
        match = k == TypeKind::kString || k == TypeKind::kVarchar || k == TypeKind::kChar ||
                k == TypeKind::kBinary;
        break;
      case K::kDate:
        match = k == TypeKind::kDate;
        break;
      case K::kTimestamp:
        match = k == TypeKind::kTimestamp;
        break;
      case K::kList:
        match = k == TypeKind::kArray;
        break;
      case K::kMap:
        match = k == TypeKind::kMap;
        break;
      case K::kStruct:
        match = k == TypeKind::kStruct;
        break;
    }
    if (match) return static_cast<int>(i);
  }
  return fallback;
}

namespace {

Status append_unchecked(Column& c, const Value& v, const DataType& vt) {
  const DataType& t = *c.type();
  if (v.is_null() || vt.kind() == TypeKind::kNull) {
    c.append_null();
    return ok_status();
  }
  if (vt.kind() == TypeKind::kChoice) {
    int a = alternative_for_value(vt, v);
    if (a < 0)
      return invalid_input("value " + v.to_string() + " fits no alternative of " + vt.to_string());
    return append_unchecked(c, v, *vt.fields()[a].type);
  }
  if (t.kind() == TypeKind::kChoice) {
    int j = choice_slot(t, vt);
    if (j < 0) return invalid_input(vt.to_string() + " is not an alternative of " + t.to_string());
    MORTAR_RETURN_IF_ERROR(append_unchecked(c.child(j), v, vt));
    c.append_choice_row(j);
    return ok_status();
  }
  switch (t.kind()) {
    case TypeKind::kStruct: {
      if (v.kind() != Value::Kind::kStruct || vt.kind() != TypeKind::kStruct)
        return invalid_input("expected a struct value for " + t.to_string());
      const auto& fields = v.as_struct().fields;
      for (size_t i = 0; i < t.fields().size(); ++i) {
        int k = vt.field_index(t.fields()[i].name);
        if (k < 0 || static_cast<size_t>(k) >= fields.size()) {
          c.child(i).append_null();
        } else {
          MORTAR_RETURN_IF_ERROR(append_unchecked(c.child(i), fields[k], *vt.fields()[k].type));
        }
      }
      c.append_struct_row();
      return ok_status();
    }
    case TypeKind::kArray: {
      if (v.kind() != Value::Kind::kList || vt.kind() != TypeKind::kArray)
        return invalid_input("expected a list value for " + t.to_string());
      for (const Value& item : v.as_list().items)
        MORTAR_RETURN_IF_ERROR(append_unchecked(c.child(0), item, *vt.element()));
      c.append_list_length(static_cast<int64_t>(v.as_list().items.size()));
      return ok_status();
    }
    case TypeKind::kMap: {
      if (v.kind() != Value::Kind::kMap || vt.kind() != TypeKind::kMap)
        return invalid_input("expected a map value for " + t.to_string());
      const auto& m = v.as_map();
      for (size_t i = 0; i < m.keys.size() && i < m.values.size(); ++i) {
        MORTAR_RETURN_IF_ERROR(append_unchecked(c.child(0), m.keys[i], *vt.key()));
        MORTAR_RETURN_IF_ERROR(append_unchecked(c.child(1), m.values[i], *vt.value()));
      }
      c.append_list_length(static_cast<int64_t>(std::min(m.keys.size(), m.values.size())));
      return ok_status();
    }
    default:
      return types::append_value(c, v);
  }
}

}  // namespace

Status append_typed(Column& column, const Value& value, const DataType& value_type) {
  int64_t before = column.length();
  Status s = append_unchecked(column, value, value_type);
  if (!s.ok()) column.truncate(before);
  return s;
}

}  // namespace mortar::engine
