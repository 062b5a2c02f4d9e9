#include "engine/dynamic_frame.h"

#include "engine/cast.h"
#include "engine/conform.h"
#include "engine/file_source.h"
#include "engine/schema_guess.h"
#include "engine/schema_merge.h"
#include "engine/transforms.h"

namespace mortar::engine {

using types::RecordBatch;
using types::TypePtr;
using types::Value;

DynamicFrame::DynamicFrame(NodePtr node, int num_partitions)
    : node_(std::move(node)), num_partitions_(num_partitions) {}

StatusOr<DynamicFrame> DynamicFrame::from_files(const FileSourceOptions& options) {
  MORTAR_ASSIGN_OR_RETURN(NodePtr node, make_file_source(options));
  return DynamicFrame(std::move(node));
}

DynamicFrame DynamicFrame::from_batches(std::vector<std::shared_ptr<const RecordBatch>> batches) {
  return DynamicFrame(make_memory_source(std::move(batches)));
}

StatusOr<DynamicFrame> DynamicFrame::from_records(const std::vector<Record>& records) {
  constexpr size_t kBatchRows = 64 * 1024;
  std::vector<std::shared_ptr<const RecordBatch>> batches;
  for (size_t start = 0; start < records.size(); start += kBatchRows) {
    size_t end = std::min(records.size(), start + kBatchRows);
    TypePtr schema = types::DataType::structure({});
    for (size_t i = start; i < end; ++i) schema = merge_types(schema, records[i].schema());
    auto batch = RecordBatch::make_empty(schema);
    for (size_t i = start; i < end; ++i) {
      const Record& rec = records[i];
      if (rec.value().kind() != Value::Kind::kStruct ||
          rec.value().as_struct().fields.size() != rec.schema()->fields().size())
        return invalid_input("record " + std::to_string(i) + ": values do not match its schema");
      for (int c = 0; c < batch->num_columns(); ++c) {
        int k = rec.schema()->field_index(schema->fields()[c].name);
        Status s = k < 0 ? (batch->column(c).append_null(), ok_status())
                         : append_typed(batch->column(c), rec.value().as_struct().fields[k],
                                        *rec.schema()->fields()[k].type);
        if (!s.ok()) return annotate(s, "record " + std::to_string(i));
      }
      batch->set_num_rows(batch->num_rows() + 1);
    }
    batches.push_back(std::move(batch));
  }
  return from_batches(std::move(batches));
}

StatusOr<TypePtr> DynamicFrame::schema() const {
  return rerun_if_widened([&] {
    ExactSchemaScope exact;  // what the user is shown is not a guess
    return node_->schema();
  });
}

Status DynamicFrame::for_each_batch(const std::function<Status(const RecordBatch&)>& fn) const {
  // fn may not see batches twice, so no guessed schema that could rerun.
  ExactSchemaScope exact;
  return stream_batches(fn);
}

Status DynamicFrame::stream_batches(const std::function<Status(const RecordBatch&)>& fn) const {
  ExecContext ctx;
  MORTAR_ASSIGN_OR_RETURN(auto stream, open_conformed(*node_, ctx));
  for (;;) {
    MORTAR_ASSIGN_OR_RETURN(auto batch, stream->next());
    if (!batch) return ok_status();
    MORTAR_RETURN_IF_ERROR(fn(*batch));
  }
}

StatusOr<int64_t> DynamicFrame::count() const {
  return rerun_if_widened([&]() -> StatusOr<int64_t> {
    // Rows do not need the merged schema: count the raw batches.
    ExecContext ctx;
    MORTAR_ASSIGN_OR_RETURN(auto stream, node_->open(ctx));
    int64_t n = 0;
    for (;;) {
      MORTAR_ASSIGN_OR_RETURN(auto batch, stream->next());
      if (!batch) return n;
      n += batch->num_rows();
    }
  });
}

StatusOr<std::vector<Record>> DynamicFrame::to_records() const {
  return rerun_if_widened([&]() -> StatusOr<std::vector<Record>> {
    std::vector<Record> out;
    MORTAR_RETURN_IF_ERROR(stream_batches([&](const RecordBatch& b) {
      for (auto& row : types::batch_rows(b))
        out.emplace_back(b.schema(), Value::structure(std::move(row)));
      return ok_status();
    }));
    return out;
  });
}

StatusOr<std::vector<Value>> DynamicFrame::to_rows() const {
  return rerun_if_widened([&]() -> StatusOr<std::vector<Value>> {
    std::vector<Value> out;
    MORTAR_RETURN_IF_ERROR(stream_batches([&](const RecordBatch& b) {
      for (auto& row : types::batch_rows(b)) out.push_back(Value::structure(std::move(row)));
      return ok_status();
    }));
    return out;
  });
}

namespace {

void print_type(std::string& out, const std::string& indent, const types::DataType& t) {
  const std::string child = indent + "|    ";
  switch (t.kind()) {
    case types::TypeKind::kStruct:
      for (const auto& f : t.fields()) {
        out += child + "|-- " + f.name + ": " + glue_type_name(*f.type) + "\n";
        print_type(out, child, *f.type);
      }
      return;
    case types::TypeKind::kArray:
      out += child + "|-- element: " + glue_type_name(*t.element()) + "\n";
      print_type(out, child, *t.element());
      return;
    case types::TypeKind::kMap:
      out += child + "|-- keyType: " + glue_type_name(*t.key()) + "\n";
      out += child + "|-- valueType: " + glue_type_name(*t.value()) + "\n";
      print_type(out, child, *t.value());
      return;
    case types::TypeKind::kChoice:
      for (const auto& f : t.fields()) {
        out += child + "|-- " + glue_type_name(*f.type) + "\n";
        print_type(out, child, *f.type);
      }
      return;
    default:
      return;
  }
}

}  // namespace

StatusOr<std::string> DynamicFrame::print_schema() const {
  MORTAR_ASSIGN_OR_RETURN(TypePtr s, schema());
  std::string out = "root\n";
  for (const auto& f : s->fields()) {
    out += "|-- " + f.name + ": " + glue_type_name(*f.type) + "\n";
    print_type(out, "", *f.type);
  }
  return out;
}

StatusOr<std::string> DynamicFrame::show(int64_t n) const {
  return rerun_if_widened([&]() -> StatusOr<std::string> {
    std::string out;
    int64_t shown = 0;
    ExecContext ctx;
    MORTAR_ASSIGN_OR_RETURN(auto stream, open_conformed(*node_, ctx));
    while (shown < n) {
      MORTAR_ASSIGN_OR_RETURN(auto batch, stream->next());
      if (!batch) break;
      for (int64_t r = 0; r < batch->num_rows() && shown < n; ++r, ++shown) {
        std::vector<Value> fields;
        for (int c = 0; c < batch->num_columns(); ++c)
          fields.push_back(types::get_value(batch->column(c), r));
        out += Record(batch->schema(), Value::structure(std::move(fields))).to_json();
        out += '\n';
      }
    }
    return out;
  });
}

DynamicFrame DynamicFrame::errors_as_frame() const { return DynamicFrame(make_errors_node(node_)); }

StatusOr<int64_t> DynamicFrame::errors_count() const { return errors_as_frame().count(); }

StatusOr<DynamicFrame> DynamicFrame::apply_mapping(const std::vector<Mapping>& mappings,
                                                   bool case_sensitive,
                                                   const TransformOptions& options) const {
  MORTAR_ASSIGN_OR_RETURN(auto node, make_apply_mapping(node_, mappings, case_sensitive, options));
  return DynamicFrame(std::move(node), num_partitions_);
}

StatusOr<DynamicFrame> DynamicFrame::resolve_choice(const std::vector<ResolveSpec>& specs,
                                                    const std::string& choice,
                                                    const TransformOptions& options) const {
  MORTAR_ASSIGN_OR_RETURN(auto node, make_resolve_choice(node_, specs, choice, options));
  return DynamicFrame(std::move(node), num_partitions_);
}

StatusOr<DynamicFrame> DynamicFrame::select_fields(const std::vector<std::string>& paths,
                                                   const TransformOptions&) const {
  MORTAR_ASSIGN_OR_RETURN(auto node, make_select_fields(node_, paths));
  return DynamicFrame(std::move(node), num_partitions_);
}

StatusOr<DynamicFrame> DynamicFrame::drop_fields(const std::vector<std::string>& paths,
                                                 const TransformOptions&) const {
  MORTAR_ASSIGN_OR_RETURN(auto node, make_drop_fields(node_, paths));
  return DynamicFrame(std::move(node), num_partitions_);
}

StatusOr<DynamicFrame> DynamicFrame::rename_field(const std::string& old_path,
                                                  const std::string& new_path,
                                                  const TransformOptions&) const {
  MORTAR_ASSIGN_OR_RETURN(auto node, make_rename_field(node_, old_path, new_path));
  return DynamicFrame(std::move(node), num_partitions_);
}

DynamicFrame DynamicFrame::drop_null_fields(const TransformOptions&) const {
  return DynamicFrame(make_drop_null_fields(node_), num_partitions_);
}

DynamicFrame DynamicFrame::filter(FilterFn fn, const TransformOptions& options) const {
  return DynamicFrame(make_filter(node_, std::move(fn), options), num_partitions_);
}

DynamicFrame DynamicFrame::map(MapFn fn, const TransformOptions& options) const {
  return DynamicFrame(make_map(node_, std::move(fn), options), num_partitions_);
}

DynamicFrame DynamicFrame::union_with(const DynamicFrame& other) const {
  return DynamicFrame(make_union(node_, other.node_), num_partitions_);
}

StatusOr<DynamicFrame> DynamicFrame::join(const std::vector<std::string>& keys1,
                                          const DynamicFrame& other,
                                          const std::vector<std::string>& keys2,
                                          const TransformOptions& options) const {
  MORTAR_ASSIGN_OR_RETURN(auto node, make_join(node_, keys1, other.node_, keys2, options));
  return DynamicFrame(std::move(node), num_partitions_);
}

StatusOr<DynamicFrame> DynamicFrame::drop_duplicates(const std::vector<std::string>& paths) const {
  MORTAR_ASSIGN_OR_RETURN(auto node, make_drop_duplicates(node_, paths));
  return DynamicFrame(std::move(node), num_partitions_);
}

StatusOr<DynamicFrameCollection> DynamicFrame::split_fields(const std::vector<std::string>& paths,
                                                            const std::string& name1,
                                                            const std::string& name2) const {
  if (name1 == name2) return invalid_input("SplitFields: the two frames need different names");
  MORTAR_ASSIGN_OR_RETURN(auto selected, make_select_fields(node_, paths));
  MORTAR_ASSIGN_OR_RETURN(auto rest, make_drop_fields(node_, paths));
  DynamicFrameCollection out;
  out.emplace(name1, DynamicFrame(std::move(selected), num_partitions_));
  out.emplace(name2, DynamicFrame(std::move(rest), num_partitions_));
  return out;
}

StatusOr<DynamicFrameCollection> DynamicFrame::split_rows(
    const std::vector<Comparison>& comparisons, const std::string& name1, const std::string& name2,
    const TransformOptions& options) const {
  if (name1 == name2) return invalid_input("SplitRows: the two frames need different names");
  MORTAR_ASSIGN_OR_RETURN(auto nodes, make_split_rows(node_, comparisons, options));
  DynamicFrameCollection out;
  out.emplace(name1, DynamicFrame(std::move(nodes.first), num_partitions_));
  out.emplace(name2, DynamicFrame(std::move(nodes.second), num_partitions_));
  return out;
}

StatusOr<DynamicFrameCollection> DynamicFrame::relationalize(
    const std::string& root_table_name) const {
  return relationalize_frame(*this, root_table_name);
}

StatusOr<DynamicFrame> DynamicFrame::unbox(const std::string& path, const std::string& format,
                                           const TransformOptions& options) const {
  MORTAR_ASSIGN_OR_RETURN(auto node, make_unbox(node_, path, format, options));
  return DynamicFrame(std::move(node), num_partitions_);
}

DynamicFrame DynamicFrame::unnest() const {
  return DynamicFrame(make_unnest(node_), num_partitions_);
}

StatusOr<DynamicFrame> DynamicFrame::spigot(const std::string& path, int64_t topk,
                                            double prob) const {
  MORTAR_ASSIGN_OR_RETURN(auto node, make_spigot(node_, path, topk, prob));
  return DynamicFrame(std::move(node), num_partitions_);
}

StatusOr<DynamicFrame> DynamicFrame::merge_frames(
    const DynamicFrame& staging, const std::vector<std::string>& primary_keys) const {
  MORTAR_ASSIGN_OR_RETURN(auto node, make_merge_frames(node_, staging.node_, primary_keys));
  return DynamicFrame(std::move(node), num_partitions_);
}

DynamicFrame DynamicFrame::repartition(int num_partitions) const {
  return DynamicFrame(node_, std::max(1, num_partitions));
}

DynamicFrame DynamicFrame::coalesce(int num_partitions) const {
  int n = std::max(1, num_partitions);
  if (num_partitions_ > 0) n = std::min(n, num_partitions_);  // coalesce never adds files
  return DynamicFrame(node_, n);
}

}  // namespace mortar::engine
