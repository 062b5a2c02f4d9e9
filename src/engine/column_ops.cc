#include "engine/column_ops.h"

#include <cstring>

#include "common/byte_gather.h"
#include "engine/conform.h"

namespace mortar::engine {

using types::Column;
using types::DataType;
using types::Field;
using types::TypeKind;
using types::TypePtr;

void copy_row(Column& out, const Column& src, int64_t row) {
  if (src.is_null(row)) {
    out.append_null();
    return;
  }
  const DataType& t = *src.type();
  switch (t.kind()) {
    case TypeKind::kNull:
      out.append_null();
      return;
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
    case TypeKind::kBinary:
      out.append_string(src.string_at(row));
      return;
    case TypeKind::kArray:
    case TypeKind::kMap: {
      int64_t begin = src.offsets()[row], end = src.offsets()[row + 1];
      for (size_t c = 0; c < src.children().size(); ++c)
        for (int64_t i = begin; i < end; ++i) copy_row(out.child(c), src.child(c), i);
      out.append_list_length(end - begin);
      return;
    }
    case TypeKind::kStruct:
      for (size_t c = 0; c < src.children().size(); ++c) copy_row(out.child(c), src.child(c), row);
      out.append_struct_row();
      return;
    case TypeKind::kChoice: {
      int id = src.type_ids()[row];
      if (id < 0) {
        out.append_null();
        return;
      }
      copy_row(out.child(id), src.child(id), src.child_index()[row]);
      out.append_choice_row(id);
      return;
    }
    default:
      out.append_fixed(src.values_buffer().data() + row * src.value_width(), 1);
      return;
  }
}

int64_t column_bytes(const Column& c) {
  int64_t n = static_cast<int64_t>(c.validity().capacity() + c.values_buffer().capacity() +
                                   c.data().capacity() + c.type_ids().capacity()) +
              static_cast<int64_t>((c.offsets().capacity() + c.child_index().capacity()) * 8) +
              static_cast<int64_t>(sizeof(Column));
  for (const auto& child : c.children()) n += column_bytes(*child);
  return n;
}

int64_t batch_bytes(const types::RecordBatch& batch) {
  int64_t n = 0;
  for (int i = 0; i < batch.num_columns(); ++i) n += column_bytes(batch.column(i));
  return n;
}

namespace {

void gather_any_width(char* dst, const char* from, const int64_t* rows, int64_t n, int w) {
  switch (w) {
    case 1: return gather_fixed<1>(dst, from, rows, n);
    case 2: return gather_fixed<2>(dst, from, rows, n);
    case 4: return gather_fixed<4>(dst, from, rows, n);
    case 8: return gather_fixed<8>(dst, from, rows, n);
    case 16: return gather_fixed<16>(dst, from, rows, n);
    default:
      for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * w, from + rows[i] * w, w);
  }
}

}  // namespace

std::unique_ptr<Column> take_rows(const Column& src, const int64_t* rows, int64_t n) {
  auto out = std::make_unique<Column>(src.type());
  const TypeKind kind = src.type()->kind();
  const bool fixed = src.value_width() > 0 && !src.type()->is_nested();
  const bool text = kind == TypeKind::kString || kind == TypeKind::kVarchar ||
                    kind == TypeKind::kChar || kind == TypeKind::kBinary;
  if (!fixed && !text) {
    out->reserve(n);
    for (int64_t i = 0; i < n; ++i) copy_row(*out, src, rows[i]);
    return out;
  }
  if (fixed) {
    const int w = src.value_width();
    out->values_buffer().resize(static_cast<size_t>(n) * w);
    char* dst = out->values_buffer().data();
    gather_any_width(dst, src.values_buffer().data(), rows, n, w);
  } else {
    std::vector<int64_t>& offsets = out->offsets();
    offsets.resize(static_cast<size_t>(n) + 1);
    const std::vector<int64_t>& so = src.offsets();
    int64_t bytes = 0;
    for (int64_t i = 0; i < n; ++i) {
      bytes += so[rows[i] + 1] - so[rows[i]];
      offsets[i + 1] = bytes;
    }
    std::vector<char>& data = out->data();
    data.resize(static_cast<size_t>(bytes));
    const char* from = src.data().data();
    char* dst = data.data();
    for (int64_t i = 0; i < n; ++i) {
      const int64_t len = offsets[i + 1] - offsets[i];
      copy_value_bytes(dst + offsets[i], from + so[rows[i]], len);
    }
  }
  if (!src.validity().empty()) {
    std::vector<uint8_t>& v = out->validity();
    v.assign(static_cast<size_t>((n + 7) / 8), 0);
    for (int64_t i = 0; i < n; ++i)
      if (src.is_valid(rows[i])) v[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
  }
  out->set_length(n);
  return out;
}

std::unique_ptr<Column> extract_column(const Column& root, const FieldPath& path,
                                       bool case_insensitive) {
  const Column* c = &root;
  std::vector<const Column*> parents;
  for (const PathStep& step : path) {
    if (step.array_depth > 0 || c->type()->kind() != TypeKind::kStruct) return nullptr;
    int i = find_field(*c->type(), step.name, case_insensitive);
    if (i < 0) return nullptr;
    parents.push_back(c);
    c = &c->child(i);
  }
  auto out = c->slice(0, c->length());
  for (const Column* p : parents) {
    if (p->validity().empty()) continue;
    for (int64_t r = 0; r < p->length(); ++r)
      if (p->is_null(r)) out->set_valid(r, false);
  }
  return out;
}

std::unique_ptr<Column> rebuild_struct(Column& parent, std::vector<std::string> names,
                                       std::vector<std::unique_ptr<Column>> children) {
  std::vector<Field> fields;
  for (size_t i = 0; i < children.size(); ++i) fields.push_back({names[i], children[i]->type()});
  int64_t n = parent.length();
  auto out = retyped(DataType::structure(std::move(fields)), parent, std::move(children));
  out->set_length(n);
  return out;
}

namespace {

std::vector<std::string> names_of(const Column& s) {
  std::vector<std::string> names;
  for (const Field& f : s.type()->fields()) names.push_back(f.name);
  return names;
}

// Applies fn to the elements `depth` arrays down; non-arrays are left alone.
StatusOr<std::unique_ptr<Column>> through_arrays(std::unique_ptr<Column> c, int depth,
                                                 const ColumnFn& fn) {
  if (depth == 0) return fn(std::move(c));
  if (c->type()->kind() != TypeKind::kArray) return c;
  MORTAR_ASSIGN_OR_RETURN(auto element, through_arrays(std::move(c->children()[0]), depth - 1, fn));
  TypePtr type = DataType::array(element->type());
  std::vector<std::unique_ptr<Column>> children;
  children.push_back(std::move(element));
  return retyped(type, *c, std::move(children));
}

StatusOr<std::unique_ptr<Column>> rewrite_from(std::unique_ptr<Column> c, const FieldPath& path,
                                               size_t depth, const ParentFn& fn) {
  if (c->type()->kind() != TypeKind::kStruct) return c;
  if (depth + 1 == path.size()) return fn(std::move(c), path[depth]);
  int i = c->type()->field_index(path[depth].name);
  if (i < 0) return c;
  MORTAR_ASSIGN_OR_RETURN(
      auto child, through_arrays(std::move(c->children()[i]), path[depth].array_depth,
                                 [&](std::unique_ptr<Column> inner) {
                                   return rewrite_from(std::move(inner), path, depth + 1, fn);
                                 }));
  std::vector<std::string> names = names_of(*c);
  std::vector<std::unique_ptr<Column>> children = std::move(c->children());
  children[i] = std::move(child);
  return rebuild_struct(*c, std::move(names), std::move(children));
}

}  // namespace

StatusOr<std::unique_ptr<Column>> rewrite_parent(std::unique_ptr<Column> root,
                                                 const FieldPath& path, const ParentFn& fn) {
  if (path.empty()) return root;
  return rewrite_from(std::move(root), path, 0, fn);
}

StatusOr<std::unique_ptr<Column>> rewrite_column(std::unique_ptr<Column> root,
                                                 const FieldPath& path, const ColumnFn& fn) {
  return rewrite_parent(
      std::move(root), path,
      [&](std::unique_ptr<Column> parent,
          const PathStep& last) -> StatusOr<std::unique_ptr<Column>> {
        int i = parent->type()->field_index(last.name);
        if (i < 0) return parent;
        MORTAR_ASSIGN_OR_RETURN(
            auto child, through_arrays(std::move(parent->children()[i]), last.array_depth, fn));
        std::vector<std::string> names = names_of(*parent);
        std::vector<std::unique_ptr<Column>> children = std::move(parent->children());
        children[i] = std::move(child);
        return rebuild_struct(*parent, std::move(names), std::move(children));
      });
}

namespace {

StatusOr<std::unique_ptr<Column>> insert_from(std::unique_ptr<Column> c, const FieldPath& path,
                                              size_t depth, std::unique_ptr<Column>& column) {
  const std::string& name = path[depth].name;
  if (path[depth].array_depth > 0) return invalid_input("cannot insert a field through []");
  int i = c->type()->field_index(name);
  std::vector<std::string> names = names_of(*c);
  std::vector<std::unique_ptr<Column>> children = std::move(c->children());
  if (depth + 1 == path.size()) {
    if (i >= 0) return already_exists("field '" + path_to_string(path) + "' already exists");
    names.push_back(name);
    children.push_back(std::move(column));
  } else {
    if (i < 0) {
      Column empty(DataType::structure({}));
      empty.set_length(c->length());
      names.push_back(name);
      children.push_back(rebuild_struct(empty, {}, {}));
      i = static_cast<int>(children.size()) - 1;
    }
    if (children[i]->type()->kind() != TypeKind::kStruct)
      return invalid_input("field '" + name + "' is not a struct");
    MORTAR_ASSIGN_OR_RETURN(children[i],
                            insert_from(std::move(children[i]), path, depth + 1, column));
  }
  return rebuild_struct(*c, std::move(names), std::move(children));
}

}  // namespace

StatusOr<std::unique_ptr<Column>> insert_column(std::unique_ptr<Column> root, const FieldPath& path,
                                                std::unique_ptr<Column> column) {
  if (path.empty()) return invalid_input("empty path");
  return insert_from(std::move(root), path, 0, column);
}

std::unique_ptr<Column> choice_alternative(const Column& choice, int alt) {
  const Column& child = choice.child(alt);
  auto out = std::make_unique<Column>(child.type());
  out->reserve(choice.length());
  for (int64_t r = 0; r < choice.length(); ++r) {
    if (choice.is_valid(r) && choice.type_ids()[r] == alt) {
      copy_row(*out, child, choice.child_index()[r]);
    } else {
      out->append_null();
    }
  }
  return out;
}

}  // namespace mortar::engine
