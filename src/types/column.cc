#include "types/column.h"

#include <algorithm>
#include <bit>

#include "types/json_text.h"

namespace mortar::types {

int fixed_width(TypeKind kind) {
  switch (kind) {
    case TypeKind::kBoolean:
    case TypeKind::kTinyInt: return 1;
    case TypeKind::kSmallInt: return 2;
    case TypeKind::kInt:
    case TypeKind::kDate:
    case TypeKind::kFloat: return 4;
    case TypeKind::kBigInt:
    case TypeKind::kTimestamp:
    case TypeKind::kDouble: return 8;
    case TypeKind::kDecimal: return 16;
    default: return 0;
  }
}

namespace {

bool has_offsets(TypeKind kind) {
  switch (kind) {
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
    case TypeKind::kBinary:
    case TypeKind::kArray:
    case TypeKind::kMap: return true;
    default: return false;
  }
}

bool is_bytes(TypeKind kind) {
  return kind == TypeKind::kString || kind == TypeKind::kVarchar || kind == TypeKind::kChar ||
         kind == TypeKind::kBinary;
}

}  // namespace

Column::Column(TypePtr type) : type_(std::move(type)) {
  TypeKind kind = type_->kind();
  width_ = fixed_width(kind);
  if (has_offsets(kind)) offsets_.push_back(0);
  if (type_->is_nested()) {
    children_.reserve(type_->fields().size());
    for (const Field& f : type_->fields()) children_.push_back(std::make_unique<Column>(f.type));
  }
}

void Column::reserve(int64_t rows) {
  if (rows <= 0) return;
  TypeKind kind = type_->kind();
  if (width_) values_.reserve(static_cast<size_t>(rows) * width_);
  if (has_offsets(kind)) offsets_.reserve(static_cast<size_t>(rows) + 1);
  if (kind == TypeKind::kStruct) {
    for (auto& c : children_) c->reserve(rows);
  } else if (kind == TypeKind::kChoice) {
    type_ids_.reserve(rows);
    child_index_.reserve(rows);
  }
}

void Column::append_null() {
  TypeKind kind = type_->kind();
  if (width_) {
    values_.resize(values_.size() + width_);
  } else if (has_offsets(kind)) {
    offsets_.push_back(offsets_.back());
  } else if (kind == TypeKind::kStruct) {
    for (auto& c : children_) c->append_null();
  } else if (kind == TypeKind::kChoice) {
    if (children_.empty()) {
      type_ids_.push_back(-1);
      child_index_.push_back(-1);
    } else {
      children_[0]->append_null();
      type_ids_.push_back(0);
      child_index_.push_back(children_[0]->length() - 1);
    }
  }
  push_validity(false);
  ++length_;
}

void Column::append_fixed(const void* bytes, int64_t rows) {
  if (rows <= 0 || width_ == 0) return;
  size_t at = values_.size();
  values_.resize(at + static_cast<size_t>(rows) * width_);
  std::memcpy(values_.data() + at, bytes, static_cast<size_t>(rows) * width_);
  if (!validity_.empty()) {
    for (int64_t r = 0; r < rows; ++r) set_valid(length_ + r, true);
  }
  length_ += rows;
}

void Column::append_nulls(int64_t rows) {
  if (rows <= 0) return;
  if (width_ == 0) {
    for (int64_t r = 0; r < rows; ++r) append_null();
    return;
  }
  values_.resize(values_.size() + static_cast<size_t>(rows) * width_);
  if (validity_.empty()) materialize_validity(length_);
  for (int64_t r = 0; r < rows; ++r) set_valid(length_ + r, false);
  length_ += rows;
}

void Column::materialize_validity(int64_t rows) {
  validity_.assign(static_cast<size_t>((rows + 7) / 8), 0xFF);
}

void Column::set_valid(int64_t row, bool valid) {
  if (validity_.empty()) {
    if (valid) return;
    materialize_validity(std::max(length_, row + 1));
  }
  size_t byte = static_cast<size_t>(row >> 3);
  if (byte >= validity_.size()) validity_.resize(byte + 1, 0xFF);
  uint8_t bit = static_cast<uint8_t>(1u << (row & 7));
  if (valid) {
    validity_[byte] |= bit;
  } else {
    validity_[byte] &= static_cast<uint8_t>(~bit);
  }
}

void Column::set_length(int64_t rows) {
  length_ = rows;
  if (type_->kind() == TypeKind::kNull) validity_.assign(static_cast<size_t>((rows + 7) / 8), 0);
}

int64_t Column::null_count() const {
  if (validity_.empty()) return 0;
  int64_t covered = std::min<int64_t>(length_, static_cast<int64_t>(validity_.size()) * 8);
  int64_t valid = 0;
  int64_t full = covered / 8;
  for (int64_t i = 0; i < full; ++i) valid += std::popcount(validity_[i]);
  for (int64_t r = full * 8; r < covered; ++r) valid += (validity_[r >> 3] >> (r & 7)) & 1;
  return covered - valid;
}

void Column::clear() {
  length_ = 0;
  validity_.clear();
  values_.clear();
  data_.clear();
  type_ids_.clear();
  child_index_.clear();
  if (has_offsets(type_->kind())) {
    offsets_.assign(1, 0);
  } else {
    offsets_.clear();
  }
  for (auto& c : children_) c->clear();
}

void Column::truncate(int64_t rows) {
  rows = std::clamp<int64_t>(rows, 0, length_);
  TypeKind kind = type_->kind();
  length_ = rows;
  size_t bitmap_bytes = static_cast<size_t>((rows + 7) / 8);
  if (validity_.size() > bitmap_bytes) validity_.resize(bitmap_bytes);
  if (width_) values_.resize(static_cast<size_t>(rows) * width_);
  if (has_offsets(kind)) {
    offsets_.resize(static_cast<size_t>(rows) + 1);
    int64_t end = offsets_.back();
    if (is_bytes(kind)) {
      data_.resize(static_cast<size_t>(end));
    } else {
      for (auto& c : children_) c->truncate(end);
    }
  } else if (kind == TypeKind::kStruct) {
    for (auto& c : children_) c->truncate(rows);
  } else if (kind == TypeKind::kChoice) {
    type_ids_.resize(static_cast<size_t>(rows));
    child_index_.resize(static_cast<size_t>(rows));
    std::vector<int64_t> used(children_.size(), 0);
    for (int64_t r = 0; r < rows; ++r) {
      int id = type_ids_[r];
      if (id >= 0 && static_cast<size_t>(id) < used.size()) {
        used[id] = std::max(used[id], child_index_[r] + 1);
      }
    }
    for (size_t i = 0; i < children_.size(); ++i) children_[i]->truncate(used[i]);
  }
}

std::unique_ptr<Column> Column::slice(int64_t offset, int64_t count) const {
  offset = std::clamp<int64_t>(offset, 0, length_);
  count = std::clamp<int64_t>(count, 0, length_ - offset);
  auto out = std::make_unique<Column>(type_);
  out->length_ = count;
  if (type_->kind() == TypeKind::kNull) {
    out->set_length(count);
  } else if (!validity_.empty()) {
    for (int64_t r = 0; r < count; ++r) {
      if (is_null(offset + r)) out->set_valid(r, false);
    }
  }
  TypeKind kind = type_->kind();
  if (width_) {
    auto begin = values_.begin() + offset * width_;
    out->values_.assign(begin, begin + count * width_);
  } else if (has_offsets(kind)) {
    int64_t base = offsets_[offset];
    int64_t end = offsets_[offset + count];
    out->offsets_.resize(count + 1);
    for (int64_t i = 0; i <= count; ++i) out->offsets_[i] = offsets_[offset + i] - base;
    if (is_bytes(kind)) {
      out->data_.assign(data_.begin() + base, data_.begin() + end);
    } else {
      for (size_t i = 0; i < children_.size(); ++i) {
        out->children_[i] = children_[i]->slice(base, end - base);
      }
    }
  } else if (kind == TypeKind::kStruct) {
    for (size_t i = 0; i < children_.size(); ++i) {
      out->children_[i] = children_[i]->slice(offset, count);
    }
  } else if (kind == TypeKind::kChoice) {
    out->type_ids_.assign(type_ids_.begin() + offset, type_ids_.begin() + offset + count);
    out->child_index_.resize(count);
    // Each alternative keeps the span of its child rows the slice refers to.
    for (size_t alt = 0; alt < children_.size(); ++alt) {
      int64_t lo = INT64_MAX, hi = -1;
      for (int64_t r = 0; r < count; ++r) {
        if (type_ids_[offset + r] != static_cast<int8_t>(alt)) continue;
        lo = std::min(lo, child_index_[offset + r]);
        hi = std::max(hi, child_index_[offset + r]);
      }
      if (hi < 0) continue;
      out->children_[alt] = children_[alt]->slice(lo, hi - lo + 1);
      for (int64_t r = 0; r < count; ++r) {
        if (type_ids_[offset + r] == static_cast<int8_t>(alt)) {
          out->child_index_[r] = child_index_[offset + r] - lo;
        }
      }
    }
    for (int64_t r = 0; r < count; ++r) {
      if (out->type_ids_[r] < 0) out->child_index_[r] = -1;
    }
  }
  return out;
}

std::string Column::debug_string(int64_t row) const {
  if (row < 0 || row >= length_) return "<out of range>";
  if (type_->kind() == TypeKind::kChoice && is_valid(row) && type_ids_[row] >= 0) {
    return children_[type_ids_[row]]->debug_string(child_index_[row]);
  }
  std::string out;
  if (is_valid(row) && is_bytes(type_->kind()) && type_->kind() != TypeKind::kBinary) {
    out.assign(string_at(row));
  } else {
    append_json_value(out, *this, row);
    // Top-level scalars print bare: 12.30, 2020-01-02 rather than quoted.
    if (out.size() >= 2 && out.front() == '"' && !type_->is_nested()) {
      out = out.substr(1, out.size() - 2);
    }
  }
  return out;
}

Status Column::validate() const {
  auto fail = [&](const std::string& what) {
    return invalid_input("column of type " + type_->to_string() + " with " +
                         std::to_string(length_) + " rows: " + what);
  };
  if (length_ < 0) return fail("negative length");
  if (!validity_.empty() && validity_.size() < static_cast<size_t>((length_ + 7) / 8)) {
    // A short bitmap is legal (missing rows are valid); nothing to check.
  }
  TypeKind kind = type_->kind();
  if (width_ && values_.size() < static_cast<size_t>(length_) * width_) {
    return fail("values buffer holds " + std::to_string(values_.size()) + " bytes");
  }
  if (has_offsets(kind)) {
    if (offsets_.size() < static_cast<size_t>(length_) + 1) return fail("too few offsets");
    if (offsets_[0] < 0) return fail("negative offset");
    for (int64_t i = 0; i < length_; ++i) {
      if (offsets_[i + 1] < offsets_[i]) return fail("offsets decrease at row " + std::to_string(i));
    }
    int64_t end = offsets_[length_];
    if (is_bytes(kind)) {
      if (static_cast<size_t>(end) > data_.size()) return fail("offsets run past the data");
    } else {
      for (const auto& c : children_) {
        if (c->length() < end) return fail("child shorter than the offsets say");
      }
    }
  }
  if (type_->is_nested() && children_.size() != type_->fields().size()) {
    return fail("has " + std::to_string(children_.size()) + " children");
  }
  if (kind == TypeKind::kStruct) {
    for (const auto& c : children_) {
      if (c->length() != length_) return fail("struct child has " + std::to_string(c->length()) + " rows");
    }
  }
  if (kind == TypeKind::kChoice) {
    if (type_ids_.size() < static_cast<size_t>(length_) ||
        child_index_.size() < static_cast<size_t>(length_)) {
      return fail("too few type ids");
    }
    for (int64_t r = 0; r < length_; ++r) {
      int id = type_ids_[r];
      if (id < 0 && is_null(r)) continue;
      if (id < 0 || static_cast<size_t>(id) >= children_.size()) return fail("bad type id at row " + std::to_string(r));
      if (child_index_[r] < 0 || child_index_[r] >= children_[id]->length()) {
        return fail("bad child index at row " + std::to_string(r));
      }
    }
  }
  for (size_t i = 0; i < children_.size(); ++i) {
    if (!children_[i]->type()->equals(*type_->fields()[i].type)) return fail("child type mismatch");
    MORTAR_RETURN_IF_ERROR(children_[i]->validate());
  }
  return ok_status();
}

RecordBatch::RecordBatch(TypePtr schema, std::vector<std::unique_ptr<Column>> columns,
                         int64_t num_rows)
    : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(num_rows) {}

std::unique_ptr<RecordBatch> RecordBatch::make_empty(TypePtr schema) {
  std::vector<std::unique_ptr<Column>> columns;
  columns.reserve(schema->fields().size());
  for (const Field& f : schema->fields()) columns.push_back(std::make_unique<Column>(f.type));
  return std::make_unique<RecordBatch>(std::move(schema), std::move(columns), 0);
}

std::unique_ptr<RecordBatch> RecordBatch::slice(int64_t offset, int64_t count) const {
  offset = std::clamp<int64_t>(offset, 0, num_rows_);
  count = std::clamp<int64_t>(count, 0, num_rows_ - offset);
  std::vector<std::unique_ptr<Column>> columns;
  columns.reserve(columns_.size());
  for (const auto& c : columns_) columns.push_back(c->slice(offset, count));
  return std::make_unique<RecordBatch>(schema_, std::move(columns), count);
}

Status RecordBatch::validate() const {
  if (!schema_ || schema_->kind() != TypeKind::kStruct) {
    return invalid_input("record batch schema must be a struct type");
  }
  const auto& fields = schema_->fields();
  if (fields.size() != columns_.size()) {
    return invalid_input("record batch has " + std::to_string(columns_.size()) +
                         " columns but its schema " + std::to_string(fields.size()) + " fields");
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    const Column& c = *columns_[i];
    if (c.length() != num_rows_) {
      return invalid_input("column '" + fields[i].name + "' has " + std::to_string(c.length()) +
                           " rows, the batch " + std::to_string(num_rows_));
    }
    if (!c.type()->equals(*fields[i].type)) {
      return invalid_input("column '" + fields[i].name + "' is " + c.type()->to_string() +
                           " but the schema says " + fields[i].type->to_string());
    }
    Status s = c.validate();
    if (!s.ok()) return annotate(s, "column '" + fields[i].name + "'");
  }
  return ok_status();
}

}  // namespace mortar::types
