// Unbox: a string field holding JSON becomes the structured value it spells
// (objects -> structs, arrays -> arrays, integers -> bigint, other numbers ->
// double). A string that is not JSON makes its record an error record. The
// resulting type is the merge of the parsed values, so the schema takes a
// pass over the data.
#include <nlohmann/json.hpp>

#include "common/ascii.h"
#include "engine/column_ops.h"
#include "engine/conform.h"
#include "engine/record.h"
#include "engine/schema_merge.h"
#include "engine/transforms.h"

namespace mortar::engine {

using types::Column;
using types::DataType;
using types::RecordBatch;
using types::TypeKind;
using types::TypePtr;
using types::Value;

namespace {

using Json = nlohmann::json;

// A JSON value as a Value with its type.
void convert(const Json& j, Value* v, TypePtr* t, int depth) {
  if (depth > 64 || j.is_null()) {
    *v = Value();
    *t = DataType::null();
    return;
  }
  if (j.is_boolean()) {
    *v = Value::boolean(j.get<bool>());
    *t = DataType::boolean();
  } else if (j.is_number_integer() && !j.is_number_unsigned()) {
    *v = Value::integer(j.get<int64_t>());
    *t = DataType::bigint();
  } else if (j.is_number_unsigned() && j.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)) {
    *v = Value::integer(static_cast<int64_t>(j.get<uint64_t>()));
    *t = DataType::bigint();
  } else if (j.is_number()) {
    *v = Value::real(j.get<double>());
    *t = DataType::float64();
  } else if (j.is_string()) {
    *v = Value::string(j.get<std::string>());
    *t = DataType::string();
  } else if (j.is_array()) {
    std::vector<Value> items;
    std::vector<TypePtr> types;
    TypePtr element = DataType::null();
    for (const Json& item : j) {
      Value iv;
      TypePtr it;
      convert(item, &iv, &it, depth + 1);
      element = merge_types(element, it);
      items.push_back(std::move(iv));
      types.push_back(std::move(it));
    }
    // Items of differing types are reshaped through a one-column batch.
    auto col = std::make_unique<Column>(element);
    for (size_t i = 0; i < items.size(); ++i) (void)append_typed(*col, items[i], *types[i]);
    std::vector<Value> conformed;
    for (int64_t i = 0; i < col->length(); ++i) conformed.push_back(types::get_value(*col, i));
    *v = Value::list(std::move(conformed));
    *t = DataType::array(element);
  } else {
    std::vector<types::Field> fields;
    std::vector<Value> values;
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool dup = false;
      for (const auto& f : fields) dup = dup || f.name == it.key();
      if (dup) continue;  // the first of duplicate keys wins
      Value fv;
      TypePtr ft;
      convert(it.value(), &fv, &ft, depth + 1);
      fields.push_back({it.key(), ft});
      values.push_back(std::move(fv));
    }
    *v = Value::structure(std::move(values));
    *t = DataType::structure(std::move(fields));
  }
}

class UnboxNode : public BatchTransformNode {
 public:
  UnboxNode(NodePtr input, FieldPath path, TransformOptions options)
      : BatchTransformNode(std::move(input)),
        path_(std::move(path)),
        options_(std::move(options)) {}
  std::string name() const override { return "Unbox"; }
  bool schema_from_data() const override { return true; }

 protected:
  StatusOr<std::unique_ptr<RecordBatch>> transform(std::unique_ptr<RecordBatch> batch,
                                                   ExecContext& ctx) const override {
    const int64_t n = batch->num_rows();
    std::vector<bool> keep(static_cast<size_t>(n), true);
    std::vector<std::pair<std::string, std::string>> failures;  // message, record
    auto root = batch_to_struct(std::move(batch));
    MORTAR_ASSIGN_OR_RETURN(
        root, rewrite_column(
                  std::move(root), path_,
                  [&](std::unique_ptr<Column> c) -> StatusOr<std::unique_ptr<Column>> {
                    TypeKind k = c->type()->kind();
                    if (k != TypeKind::kString && k != TypeKind::kVarchar && k != TypeKind::kChar) {
                      return invalid_input("Unbox: '" + path_to_string(path_) + "' is " +
                                           c->type()->to_string() + ", not a string");
                    }
                    const bool per_row = c->length() == n;  // top-level or nested in structs
                    std::vector<Value> values;
                    std::vector<TypePtr> types;
                    TypePtr merged = DataType::null();
                    for (int64_t r = 0; r < c->length(); ++r) {
                      Value v;
                      TypePtr t = DataType::null();
                      if (c->is_valid(r)) {
                        try {
                          convert(Json::parse(c->string_at(r)), &v, &t, 0);
                        } catch (const std::exception& e) {
                          if (per_row) keep[r] = false;
                          failures.emplace_back(std::string("Unbox: not JSON: ") + e.what(),
                                                std::string(c->string_at(r)));
                        }
                      }
                      merged = merge_types(merged, t);
                      values.push_back(std::move(v));
                      types.push_back(std::move(t));
                    }
                    auto out = std::make_unique<Column>(merged);
                    for (size_t i = 0; i < values.size(); ++i)
                      MORTAR_RETURN_IF_ERROR(append_typed(*out, values[i], *types[i]));
                    return out;
                  }));
    for (const auto& [message, record] : failures) {
      MORTAR_RETURN_IF_ERROR(ctx.add_error(
          this, options_,
          {options_.transformation_ctx.empty() ? "Unbox" : options_.transformation_ctx, message,
           record}));
    }
    auto result = struct_to_batch(std::move(root));
    if (failures.empty()) return result;
    auto kept = RecordBatch::make_empty(result->schema());
    for (int64_t r = 0; r < n; ++r) {
      if (!keep[r]) continue;
      for (int c = 0; c < result->num_columns(); ++c)
        copy_row(kept->column(c), result->column(c), r);
      kept->set_num_rows(kept->num_rows() + 1);
    }
    return kept;
  }
  StatusOr<TypePtr> compute_schema() const override { return PlanNode::compute_schema(); }

 private:
  FieldPath path_;
  TransformOptions options_;
};

}  // namespace

StatusOr<NodePtr> make_unbox(NodePtr input, const std::string& path, const std::string& format,
                             const TransformOptions& options) {
  std::string f = ascii_lower(format);
  if (f != "json")
    return unimplemented("Unbox: only format \"json\" is supported, not '" + format + "'");
  MORTAR_ASSIGN_OR_RETURN(FieldPath p, parse_path(path));
  return NodePtr(std::make_shared<UnboxNode>(std::move(input), std::move(p), options));
}

}  // namespace mortar::engine
