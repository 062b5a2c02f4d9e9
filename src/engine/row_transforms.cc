// Filter and Map: C++ callbacks over Records. A callback that throws turns
// its record into an error record (kept aside with the message); the
// thresholds of TransformOptions then decide whether the execution fails.
// A callback that throws ExecutionAborted fails the execution instead.
// Map's output schema is the merge of the records it returns, so knowing it
// takes a pass over the data (callbacks run again when the frame's schema
// is needed before its records).
#include <exception>
#include <utility>
#include <vector>

#include "engine/column_ops.h"
#include "engine/conform.h"
#include "engine/schema_merge.h"
#include "engine/transforms.h"

namespace mortar::engine {

using types::RecordBatch;
using types::TypePtr;
using types::Value;

namespace {

std::string stage_name(const TransformOptions& o, const char* fallback) {
  return o.transformation_ctx.empty() ? fallback : o.transformation_ctx;
}

// Where each output column's value sits in records of one schema (-1 =
// absent), and whether it can be copied from the input batch's column of the
// same index when the record left that field untouched (same name and type).
// Map callbacks mostly return records of one schema, so this is computed once
// per distinct schema object, not per record.
class ColumnMapping {
 public:
  ColumnMapping(const TypePtr& out_schema, const RecordBatch& input)
      : out_(out_schema), input_(input) {}
  void use(const TypePtr& rec_schema) {
    if (rec_schema.get() == last_) return;
    last_ = rec_schema.get();
    keep_ = rec_schema;  // the pointer stays valid while cached
    const auto& out_fields = out_->fields();
    const auto& in_fields = input_.schema()->fields();
    index_.assign(out_fields.size(), -1);
    copyable_.assign(out_fields.size(), false);
    for (size_t i = 0; i < index_.size(); ++i) {
      int k = rec_schema->field_index(out_fields[i].name);
      index_[i] = k;
      copyable_[i] = k >= 0 && static_cast<size_t>(k) < in_fields.size() &&
                     in_fields[k].name == out_fields[i].name &&
                     in_fields[k].type->equals(*out_fields[i].type) &&
                     rec_schema->fields()[k].type->equals(*in_fields[k].type);
    }
  }
  const RecordBatch& input() const { return input_; }
  int index(int column) const { return index_[column]; }
  bool copyable(int column) const { return copyable_[column]; }

 private:
  TypePtr out_;
  const RecordBatch& input_;
  TypePtr keep_;
  const types::DataType* last_ = nullptr;
  std::vector<int> index_;
  std::vector<bool> copyable_;
};

// Appends a record the callback returned for input row `row` to the columns
// not filled later (`skip`): fields it did not write are copied column to
// column from the input batch (no Value built or converted), the others
// appended from their values.
Status append_record(RecordBatch& out, const Record& rec, int64_t row, ColumnMapping& mapping,
                     const std::vector<int>& skip) {
  if (!rec.well_formed())
    return invalid_input("Map returned a record whose values do not match its schema");
  mapping.use(rec.schema());
  const bool lazy = rec.is_row(mapping.input(), row);
  const uint64_t written = rec.written_fields();
  for (int i = 0; i < out.num_columns(); ++i) {
    if (skip[i] >= 0) continue;
    int k = mapping.index(i);
    Status s;
    if (k < 0) {
      out.column(i).append_null();
    } else if (lazy && mapping.copyable(i) && k < 64 && !((written >> k) & 1)) {
      copy_row(out.column(i), mapping.input().column(k), row);
    } else {
      s = append_typed(out.column(i), rec.field(k), *rec.schema()->fields()[k].type);
    }
    if (!s.ok()) {
      for (int c = 0; c < i; ++c)
        if (skip[c] < 0) out.column(c).truncate(out.num_rows());
      return s;
    }
  }
  return ok_status();
}

// Per output column, the input column every record left untouched (so it
// can be taken whole), or -1. Only when every input row has its record.
std::vector<int> untouched_columns(const RecordBatch& out, const RecordBatch& input,
                                   const std::vector<Record>& results,
                                   const std::vector<int64_t>& rows, ColumnMapping& mapping) {
  const int n = out.num_columns();
  std::vector<int> whole(n, -1);
  if (results.empty() || static_cast<int64_t>(results.size()) != input.num_rows() ||
      input.num_columns() > 64)
    return whole;
  // Candidates: (output column, input column) pairs still possible, and the
  // input columns they need unwritten as a bit mask.
  std::vector<std::pair<int, int>> candidates;
  uint64_t watched = 0;
  const types::DataType* last = nullptr;
  for (size_t j = 0; j < results.size(); ++j) {
    const Record& rec = results[j];
    if (!rec.well_formed() || !rec.is_row(input, rows[j])) return whole;
    if (rec.schema().get() != last) {  // (re)check the pairs against this schema
      mapping.use(rec.schema());
      std::vector<std::pair<int, int>> kept;
      for (int i = 0; i < n; ++i) {
        int k = mapping.index(i);
        bool ok = k >= 0 && mapping.copyable(i) && input.column(k).length() == input.num_rows();
        if (last) {  // must also have been a candidate, from the same input column
          bool was = false;
          for (const auto& c : candidates) was = was || (c.first == i && c.second == k);
          ok = ok && was;
        }
        if (ok) kept.emplace_back(i, k);
      }
      candidates = std::move(kept);
      watched = 0;
      for (const auto& c : candidates) watched |= uint64_t{1} << c.second;
      last = rec.schema().get();
      if (candidates.empty()) return whole;
    }
    if (uint64_t w = rec.written_fields() & watched) {
      std::erase_if(candidates, [w](const auto& c) { return (w >> c.second) & 1; });
      watched &= ~w;
      if (candidates.empty()) return whole;
    }
  }
  for (const auto& [i, k] : candidates) whole[i] = k;
  return whole;
}

// The row as a Record sharing the batch's schema object (no per-row type).
Record row_record(const RecordBatch& batch, int64_t row) {
  std::vector<Value> fields;
  fields.reserve(batch.num_columns());
  for (int i = 0; i < batch.num_columns(); ++i)
    fields.push_back(types::get_value(batch.column(i), row));
  return Record(batch.schema(), Value::structure(std::move(fields)));
}

// Runs fn, turning exceptions into an error message; ExecutionAborted
// instead stops the execution (*abort gets the failure).
template <typename F>
bool guarded(F&& fn, std::string* error, Status* abort) {
  try {
    fn();
    return true;
  } catch (const ExecutionAborted& e) {
    *abort = absl::CancelledError(e.what());
  } catch (const std::exception& e) {
    *error = e.what();
  } catch (...) {
    *error = "unknown exception";
  }
  return false;
}

class FilterNode : public BatchTransformNode {
 public:
  FilterNode(NodePtr input, FilterFn fn, TransformOptions options)
      : BatchTransformNode(std::move(input)), fn_(std::move(fn)), options_(std::move(options)) {}
  std::string name() const override { return "Filter"; }

 protected:
  StatusOr<std::unique_ptr<RecordBatch>> transform(std::unique_ptr<RecordBatch> batch,
                                                   ExecContext& ctx) const override {
    auto out = RecordBatch::make_empty(batch->schema());
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      // Fields the predicate never reads are never built.
      Record record = Record::lazy_row(*batch, r);
      bool keep = false;
      std::string error;
      Status abort;
      if (!guarded([&] { keep = fn_(record); }, &error, &abort)) {
        MORTAR_RETURN_IF_ERROR(abort);
        MORTAR_RETURN_IF_ERROR(ctx.add_error(
            this, options_, {stage_name(options_, "Filter"), error, record.to_json()}));
        continue;
      }
      if (!keep) continue;
      for (int i = 0; i < batch->num_columns(); ++i) copy_row(out->column(i), batch->column(i), r);
      out->set_num_rows(out->num_rows() + 1);
    }
    return out;
  }

 private:
  FilterFn fn_;
  TransformOptions options_;
};

class MapNode : public BatchTransformNode {
 public:
  MapNode(NodePtr input, MapFn fn, TransformOptions options)
      : BatchTransformNode(std::move(input)), fn_(std::move(fn)), options_(std::move(options)) {}
  std::string name() const override { return "Map"; }
  bool schema_from_data() const override { return true; }

 protected:
  StatusOr<std::unique_ptr<RecordBatch>> transform(std::unique_ptr<RecordBatch> batch,
                                                   ExecContext& ctx) const override {
    // Each callback gets a lazy record over its row: fields it never reads
    // are never built, and fields it never writes are copied column to
    // column below (the batch outlives the records; the Python binding
    // detaches a record a script keeps).
    std::vector<Record> results;
    std::vector<int64_t> rows;
    results.reserve(batch->num_rows());
    rows.reserve(batch->num_rows());
    TypePtr schema = types::DataType::structure({});
    const types::DataType* merged = nullptr;  // the last record schema merged in
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      std::string error;
      Status abort;
      if (!guarded([&] { results.push_back(fn_(Record::lazy_row(*batch, r))); }, &error,
                   &abort)) {
        MORTAR_RETURN_IF_ERROR(abort);
        MORTAR_RETURN_IF_ERROR(ctx.add_error(
            this, options_, {stage_name(options_, "Map"), error, row_record(*batch, r).to_json()}));
        continue;
      }
      rows.push_back(r);
      const TypePtr& rs = results.back().schema();
      if (rs->kind() == types::TypeKind::kStruct && rs.get() != merged) {
        schema = merge_types(schema, rs);
        merged = rs.get();
      }
    }
    auto out = RecordBatch::make_empty(schema);
    ColumnMapping mapping(schema, *batch);
    // Columns no callback touched are taken whole from the input at the end
    // (after every record has read what it needs from the batch).
    std::vector<int> whole = untouched_columns(*out, *batch, results, rows, mapping);
    std::vector<int64_t> appended;  // input rows of the records appended
    appended.reserve(results.size());
    for (size_t j = 0; j < results.size(); ++j) {
      const Record& rec = results[j];
      Status s = append_record(*out, rec, rows[j], mapping, whole);
      if (!s.ok()) {  // a record that does not match its own schema
        MORTAR_RETURN_IF_ERROR(ctx.add_error(
            this, options_,
            {stage_name(options_, "Map"), std::string(status_message(s)), rec.to_json()}));
        continue;
      }
      appended.push_back(rows[j]);
      out->set_num_rows(out->num_rows() + 1);
    }
    for (int i = 0; i < out->num_columns(); ++i) {
      if (whole[i] < 0) continue;
      if (appended.size() == static_cast<size_t>(batch->num_rows())) {
        out->columns()[i] = std::move(batch->columns()[whole[i]]);
      } else {
        for (int64_t r : appended) copy_row(out->column(i), batch->column(whole[i]), r);
      }
    }
    return out;
  }
  // The records returned decide the schema: run the callbacks.
  StatusOr<TypePtr> compute_schema() const override { return PlanNode::compute_schema(); }

 private:
  MapFn fn_;
  TransformOptions options_;
};

}  // namespace

NodePtr make_filter(NodePtr input, FilterFn fn, const TransformOptions& options) {
  return std::make_shared<FilterNode>(std::move(input), std::move(fn), options);
}

NodePtr make_map(NodePtr input, MapFn fn, const TransformOptions& options) {
  return std::make_shared<MapNode>(std::move(input), std::move(fn), options);
}

}  // namespace mortar::engine
