// Filter and Map: C++ callbacks over Records. A callback that throws turns
// its record into an error record (kept aside with the message); the
// thresholds of TransformOptions then decide whether the execution fails.
// A callback that throws ExecutionAborted fails the execution instead.
// Map's output schema is the merge of the records it returns, so knowing it
// takes a pass over the data (callbacks run again when the frame's schema
// is needed before its records).
#include <algorithm>
#include <exception>
#include <optional>
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

// Rows whose Map records are alive at once (see MapNode::transform).
constexpr int64_t kMapChunk = 1024;

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

// Output columns taken from the input batch's columns at the end instead of
// row by row, while every record leaves them untouched: per output column
// the input column, or -1. A record that writes one (or a record schema
// change) makes it an ordinary column: the rows so far are copied in first.
class DeferredColumns {
 public:
  DeferredColumns(const RecordBatch& out, const RecordBatch& input) : input_(input) {
    from_.assign(out.num_columns(), -1);
    if (input.num_columns() > 64) return;  // lazy records track 64 fields
    for (int i = 0; i < out.num_columns(); ++i) {
      const types::Field& f = out.schema()->fields()[i];
      int k = input.column_index(f.name);
      if (k >= 0 && input.column(k).length() == input.num_rows() &&
          input.schema()->fields()[k].type->equals(*f.type))
        from_[i] = k;
    }
  }
  int from(int column) const { return from_[column]; }
  void note_appended(int64_t row) { appended_.push_back(row); }
  // Copies the rows appended so far into the column; it is ordinary from now on.
  void fill(RecordBatch& out, int column) {
    if (from_[column] < 0) return;
    for (int64_t r : appended_) copy_row(out.column(column), input_.column(from_[column]), r);
    from_[column] = -1;
  }
  // Before the output is reshaped to a wider schema: every column ordinary,
  // and as many as the new schema has.
  void fill_all(RecordBatch& out, int new_width) {
    for (int i = 0; i < out.num_columns(); ++i) fill(out, i);
    from_.assign(new_width, -1);
  }
  // At the end: every input row appended, in order -> the columns move whole.
  void finish(RecordBatch& out, RecordBatch& input) {
    const bool all = static_cast<int64_t>(appended_.size()) == input.num_rows();
    for (int i = 0; i < out.num_columns(); ++i) {
      if (from_[i] < 0) continue;
      if (all) {
        out.columns()[i] = std::move(input.columns()[from_[i]]);
        from_[i] = -1;
      } else {
        fill(out, i);
      }
    }
  }

 private:
  const RecordBatch& input_;
  std::vector<int> from_;
  std::vector<int64_t> appended_;
};

// Appends a record the callback returned for input row `row`: fields it did
// not write are copied column to column from the input batch (or left to
// the deferred columns), the others appended from their values.
Status append_record(RecordBatch& out, const Record& rec, int64_t row, ColumnMapping& mapping,
                     DeferredColumns& deferred) {
  if (!rec.well_formed())
    return invalid_input("Map returned a record whose values do not match its schema");
  mapping.use(rec.schema());
  const bool lazy = rec.is_row(mapping.input(), row);
  const uint64_t written = rec.written_fields();
  for (int i = 0; i < out.num_columns(); ++i) {
    int k = mapping.index(i);
    const bool untouched = lazy && k >= 0 && k < 64 && mapping.copyable(i) && !((written >> k) & 1);
    if (deferred.from(i) >= 0) {
      if (untouched && k == deferred.from(i)) continue;
      deferred.fill(out, i);
    }
    Status s;
    if (k < 0) {
      out.column(i).append_null();
    } else if (untouched) {
      copy_row(out.column(i), mapping.input().column(k), row);
    } else {
      s = append_typed(out.column(i), rec.field(k), *rec.schema()->fields()[k].type);
    }
    if (!s.ok()) {
      for (int c = 0; c < i; ++c)
        if (deferred.from(c) < 0) out.column(c).truncate(out.num_rows());
      return s;
    }
  }
  deferred.note_appended(row);
  return ok_status();
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
    // column (the batch outlives the records; the Python binding detaches a
    // record a script keeps). Rows run in chunks, each chunk's records
    // appended before the next runs: a whole batch of records alive at once
    // (~1 KB each) costs more in fresh pages than the callbacks themselves.
    const int64_t n = batch->num_rows();
    std::vector<Record> results;
    std::vector<int64_t> rows;
    results.reserve(std::min(n, kMapChunk));
    rows.reserve(std::min(n, kMapChunk));
    TypePtr schema = types::DataType::structure({});
    const types::DataType* merged = nullptr;  // the last record schema merged in
    std::unique_ptr<RecordBatch> out;
    TypePtr out_schema;
    std::optional<ColumnMapping> mapping;
    std::optional<DeferredColumns> deferred;
    for (int64_t begin = 0; begin < n; begin += kMapChunk) {
      const int64_t end = std::min(n, begin + kMapChunk);
      results.clear();
      rows.clear();
      for (int64_t r = begin; r < end; ++r) {
        std::string error;
        Status abort;
        if (!guarded([&] { results.push_back(fn_(Record::lazy_row(*batch, r))); }, &error,
                     &abort)) {
          MORTAR_RETURN_IF_ERROR(abort);
          MORTAR_RETURN_IF_ERROR(
              ctx.add_error(this, options_,
                            {stage_name(options_, "Map"), error, row_record(*batch, r).to_json()}));
          continue;
        }
        rows.push_back(r);
        const TypePtr& rs = results.back().schema();
        if (rs->kind() == types::TypeKind::kStruct && rs.get() != merged) {
          schema = merge_types(schema, rs);
          merged = rs.get();
        }
      }
      if (results.empty()) continue;
      if (!out) {
        out = RecordBatch::make_empty(schema);
        deferred.emplace(*out, *batch);
      } else if (out_schema != schema) {  // a record widened the schema
        deferred->fill_all(*out, static_cast<int>(schema->fields().size()));
        MORTAR_ASSIGN_OR_RETURN(out, conform_batch(std::move(out), schema));
      }
      if (out_schema != schema) {
        out_schema = schema;
        mapping.emplace(schema, *batch);
      }
      for (size_t j = 0; j < results.size(); ++j) {
        const Record& rec = results[j];
        Status s = append_record(*out, rec, rows[j], *mapping, *deferred);
        if (!s.ok()) {  // a record that does not match its own schema
          MORTAR_RETURN_IF_ERROR(ctx.add_error(
              this, options_,
              {stage_name(options_, "Map"), std::string(status_message(s)), rec.to_json()}));
          continue;
        }
        out->set_num_rows(out->num_rows() + 1);
      }
    }
    if (!out) return RecordBatch::make_empty(schema);
    results.clear();  // nothing reads the batch after this
    deferred->finish(*out, *batch);
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
