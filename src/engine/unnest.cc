// UnnestFrame: struct fields become top-level fields named by their dotted
// path ("addr.city"); a field under a null struct is null. Arrays and maps
// stay as they are (Relationalize pivots arrays).
#include "engine/column_ops.h"
#include "engine/transforms.h"

namespace mortar::engine {

using types::Column;
using types::RecordBatch;
using types::TypeKind;

namespace {

void lift(std::unique_ptr<Column> c, const std::string& name, std::vector<std::string>& names,
          std::vector<std::unique_ptr<Column>>& out) {
  if (c->type()->kind() != TypeKind::kStruct || c->type()->fields().empty()) {
    names.push_back(name);
    out.push_back(std::move(c));
    return;
  }
  const auto& fields = c->type()->fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    std::unique_ptr<Column> child = std::move(c->children()[i]);
    if (!c->validity().empty()) {
      for (int64_t r = 0; r < c->length(); ++r)
        if (c->is_null(r)) child->set_valid(r, false);
    }
    lift(std::move(child), name + "." + fields[i].name, names, out);
  }
}

class UnnestNode : public BatchTransformNode {
 public:
  explicit UnnestNode(NodePtr input) : BatchTransformNode(std::move(input)) {}
  std::string name() const override { return "Unnest"; }

 protected:
  StatusOr<std::unique_ptr<RecordBatch>> transform(std::unique_ptr<RecordBatch> batch,
                                                   ExecContext&) const override {
    const int64_t n = batch->num_rows();
    std::vector<std::string> names;
    std::vector<std::unique_ptr<Column>> columns;
    const auto fields = batch->schema()->fields();
    for (size_t i = 0; i < fields.size(); ++i)
      lift(std::move(batch->columns()[i]), fields[i].name, names, columns);
    Column shell(types::DataType::structure({}));
    shell.set_length(n);
    auto s = rebuild_struct(shell, std::move(names), std::move(columns));
    auto schema = s->type();
    return std::make_unique<RecordBatch>(schema, std::move(s->children()), n);
  }
};

}  // namespace

NodePtr make_unnest(NodePtr input) { return std::make_shared<UnnestNode>(std::move(input)); }

}  // namespace mortar::engine
