// Readers of ORC's nested columns: struct, list, map and union (read as a
// Mortar choice), and make_column_reader().
#include "formats/orc/column_reader.h"

namespace mortar::formats::orc {

using types::Column;

namespace {

// Marks the rows [start, start+rows) valid or null after children were filled.
void close_rows(Column& out, int64_t start, int64_t rows, const std::vector<uint8_t>& valid) {
  out.set_length(start + rows);
  for (int64_t r = 0; r < rows; ++r) {
    if (!valid[r]) out.set_valid(start + r, false);
  }
}

class StructReader : public ColumnReader {
 public:
  using ColumnReader::ColumnReader;
  Status init(const StripeStreams& s) {
    MORTAR_RETURN_IF_ERROR(init_present(s));
    for (const auto& c : node_.children) {
      MORTAR_ASSIGN_OR_RETURN(auto r, make_column_reader(*c, s));
      children_.push_back(std::move(r));
    }
    return ok_status();
  }

 protected:
  Status do_read(int64_t rows, const uint8_t* parent_valid, Column& out) override {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, read_validity(rows, parent_valid));
    std::vector<uint8_t> valid = valid_;  // children reuse their own valid_
    for (size_t i = 0; i < children_.size(); ++i) {
      MORTAR_RETURN_IF_ERROR(
          children_[i]->read(rows, n == rows ? nullptr : valid.data(), out.child(i)));
    }
    close_rows(out, out.length(), rows, valid);
    return ok_status();
  }

 private:
  std::vector<std::unique_ptr<ColumnReader>> children_;
};

// list and map: LENGTH holds each non-null row's element count.
class RepeatedReader : public ColumnReader {
 public:
  using ColumnReader::ColumnReader;
  Status init(const StripeStreams& s) {
    MORTAR_RETURN_IF_ERROR(init_present(s));
    MORTAR_ASSIGN_OR_RETURN(auto lengths, stream(s, StreamKind::kLength));
    lengths_ = make_int_decoder(lengths, false, rle_v2(s));
    for (const auto& c : node_.children) {
      MORTAR_ASSIGN_OR_RETURN(auto r, make_column_reader(*c, s));
      children_.push_back(std::move(r));
    }
    return ok_status();
  }

 protected:
  Status do_read(int64_t rows, const uint8_t* parent_valid, Column& out) override {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, read_validity(rows, parent_valid));
    lens_.resize(n);
    MORTAR_RETURN_IF_ERROR(lengths_->next(lens_.data(), n));
    int64_t total = 0;
    for (int64_t len : lens_) {
      if (len < 0 || len > kMaxChildValuesPerBatch - total) {
        return invalid_input("list/map lengths add up to more than " +
                             std::to_string(kMaxChildValuesPerBatch) + " values in one batch");
      }
      total += len;
    }
    for (size_t i = 0; i < children_.size(); ++i) {
      MORTAR_RETURN_IF_ERROR(children_[i]->read(total, nullptr, out.child(i)));
    }
    int64_t start = out.length();
    std::vector<int64_t>& offsets = out.offsets();
    size_t k = 0;
    for (int64_t r = 0; r < rows; ++r)
      offsets.push_back(offsets.back() + (valid_[r] ? lens_[k++] : 0));
    close_rows(out, start, rows, valid_);
    return ok_status();
  }

 private:
  std::unique_ptr<IntDecoder> lengths_;
  std::vector<int64_t> lens_;
  std::vector<std::unique_ptr<ColumnReader>> children_;
};

// DATA holds each non-null row's alternative (byte RLE); each alternative's
// column holds only the values of its rows.
class UnionReader : public ColumnReader {
 public:
  using ColumnReader::ColumnReader;
  Status init(const StripeStreams& s) {
    MORTAR_RETURN_IF_ERROR(init_present(s));
    MORTAR_ASSIGN_OR_RETURN(auto tags, stream(s, StreamKind::kData));
    tags_ = std::make_unique<ByteRleDecoder>(tags);
    for (const auto& c : node_.children) {
      MORTAR_ASSIGN_OR_RETURN(auto r, make_column_reader(*c, s));
      children_.push_back(std::move(r));
    }
    return ok_status();
  }

 protected:
  Status do_read(int64_t rows, const uint8_t* parent_valid, Column& out) override {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, read_validity(rows, parent_valid));
    tag_values_.resize(n);
    MORTAR_RETURN_IF_ERROR(tags_->next(tag_values_.data(), n));
    std::vector<int64_t> counts(children_.size(), 0), next(children_.size(), 0);
    for (uint8_t t : tag_values_) {
      if (t >= children_.size()) {
        return invalid_input("union tag " + std::to_string(t) + " but only " +
                             std::to_string(children_.size()) + " alternatives");
      }
      ++counts[t];
    }
    for (size_t i = 0; i < children_.size(); ++i) {
      next[i] = out.child(i).length();
      MORTAR_RETURN_IF_ERROR(children_[i]->read(counts[i], nullptr, out.child(i)));
    }
    int64_t start = out.length();
    size_t k = 0;
    for (int64_t r = 0; r < rows; ++r) {
      if (valid_[r]) {
        uint8_t t = tag_values_[k++];
        out.type_ids().push_back(static_cast<int8_t>(t));
        out.child_index().push_back(next[t]++);
      } else {
        // A null row points at a null value of the first alternative.
        out.child(0).append_null();
        out.type_ids().push_back(0);
        out.child_index().push_back(out.child(0).length() - 1);
      }
    }
    close_rows(out, start, rows, valid_);
    return ok_status();
  }

 private:
  std::unique_ptr<ByteRleDecoder> tags_;
  std::vector<uint8_t> tag_values_;
  std::vector<std::unique_ptr<ColumnReader>> children_;
};

template <typename R>
StatusOr<std::unique_ptr<ColumnReader>> make(const SchemaNode& node, const StripeStreams& s) {
  auto r = std::make_unique<R>(node);
  MORTAR_RETURN_IF_ERROR(r->init(s));
  return std::unique_ptr<ColumnReader>(std::move(r));
}

}  // namespace

StatusOr<std::unique_ptr<ColumnReader>> make_column_reader(const SchemaNode& node,
                                                           const StripeStreams& s) {
  if (node.column >= s.encodings.size()) {
    return invalid_input("the stripe footer has no encoding for column " +
                         std::to_string(node.column));
  }
  switch (node.kind) {
    case OrcKind::kStruct:
      return make<StructReader>(node, s);
    case OrcKind::kList:
    case OrcKind::kMap:
      return make<RepeatedReader>(node, s);
    case OrcKind::kUnion:
      return make<UnionReader>(node, s);
    default:
      return make_primitive_reader(node, s);
  }
}

}  // namespace mortar::formats::orc
