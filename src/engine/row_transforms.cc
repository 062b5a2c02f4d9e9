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
// absent). Map callbacks mostly return records of the schema they got, so
// the mapping is computed once per distinct schema object, not per record.
class ColumnMapping {
 public:
  explicit ColumnMapping(const TypePtr& out_schema) : out_(out_schema) {}
  const std::vector<int>& of(const TypePtr& rec_schema) {
    if (rec_schema.get() != last_) {
      last_ = rec_schema.get();
      keep_ = rec_schema;  // the pointer stays valid while cached
      index_.assign(out_->fields().size(), -1);
      for (size_t i = 0; i < index_.size(); ++i)
        index_[i] = rec_schema->field_index(out_->fields()[i].name);
    }
    return index_;
  }

 private:
  TypePtr out_;
  TypePtr keep_;
  const types::DataType* last_ = nullptr;
  std::vector<int> index_;
};

Status append_record(RecordBatch& out, const Record& rec, ColumnMapping& mapping) {
  if (rec.value().kind() != Value::Kind::kStruct ||
      rec.value().as_struct().fields.size() != rec.schema()->fields().size())
    return invalid_input("Map returned a record whose values do not match its schema");
  const std::vector<int>& index = mapping.of(rec.schema());
  for (int i = 0; i < out.num_columns(); ++i) {
    int k = index[i];
    if (k < 0) {
      out.column(i).append_null();
    } else {
      MORTAR_RETURN_IF_ERROR(append_typed(out.column(i), rec.value().as_struct().fields[k],
                                          *rec.schema()->fields()[k].type));
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
    std::vector<Record> results;
    results.reserve(batch->num_rows());
    TypePtr schema = types::DataType::structure({});
    const types::DataType* merged = nullptr;  // the last record schema merged in
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      std::string error;
      Record result;
      // The record is moved into the callback; on failure it is rebuilt
      // from the batch for the error record.
      Status abort;
      if (!guarded([&] { result = fn_(row_record(*batch, r)); }, &error, &abort)) {
        MORTAR_RETURN_IF_ERROR(abort);
        MORTAR_RETURN_IF_ERROR(ctx.add_error(
            this, options_, {stage_name(options_, "Map"), error, row_record(*batch, r).to_json()}));
        continue;
      }
      if (result.schema()->kind() == types::TypeKind::kStruct && result.schema().get() != merged) {
        schema = merge_types(schema, result.schema());
        merged = result.schema().get();
      }
      results.push_back(std::move(result));
    }
    auto out = RecordBatch::make_empty(schema);
    ColumnMapping mapping(schema);
    for (const Record& rec : results) {
      Status s = append_record(*out, rec, mapping);
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
