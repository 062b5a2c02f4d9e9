// Filter and Map: C++ callbacks over Records. A callback that throws turns
// its record into an error record (kept aside with the message); the
// thresholds of TransformOptions then decide whether the execution fails.
// A callback that throws ExecutionAborted fails the execution instead.
// Map's output schema is the merge of the records it returns, so knowing it
// takes a pass over the data (callbacks run again when the frame's schema
// is needed before its records).
#include <exception>

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

// Appends a record the callback returned for input row `row`: fields it did
// not write are copied column to column from the input batch (no Value built
// or converted), the others appended from their values.
Status append_record(RecordBatch& out, const Record& rec, int64_t row, ColumnMapping& mapping) {
  if (!rec.well_formed())
    return invalid_input("Map returned a record whose values do not match its schema");
  mapping.use(rec.schema());
  for (int i = 0; i < out.num_columns(); ++i) {
    int k = mapping.index(i);
    if (k < 0) {
      out.column(i).append_null();
    } else if (mapping.copyable(i) && rec.unchanged_from(mapping.input(), row, k)) {
      copy_row(out.column(i), mapping.input().column(k), row);
    } else {
      MORTAR_RETURN_IF_ERROR(
          append_typed(out.column(i), rec.field(k), *rec.schema()->fields()[k].type));
    }
  }
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
      Record record = row_record(*batch, r);
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
    for (size_t j = 0; j < results.size(); ++j) {
      const Record& rec = results[j];
      Status s = append_record(*out, rec, rows[j], mapping);
      if (!s.ok()) {  // a record that does not match its own schema
        for (int i = 0; i < out->num_columns(); ++i) out->column(i).truncate(out->num_rows());
        MORTAR_RETURN_IF_ERROR(ctx.add_error(
            this, options_,
            {stage_name(options_, "Map"), std::string(status_message(s)), rec.to_json()}));
        continue;
      }
      out->set_num_rows(out->num_rows() + 1);
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
