// Relationalize: flattens structs into dotted columns ("name.first") and
// pivots every array into its own table. The root table is named `root`;
// the table of an array in column C of any table is "<root>_<C>", with
// columns id (the value left in C), index (the element's position) and
// "<C>.val" (scalar elements) or "<C>.val.<field>" (struct elements). Ids
// count from 1 per table. Glue stages the tables as files under a staging
// path; Mortar builds them in memory (one pass over the input).
#include <map>

#include "engine/column_ops.h"
#include "engine/conform.h"
#include "engine/transforms.h"

namespace mortar::engine {

using types::DataType;
using types::RecordBatch;
using types::TypeKind;
using types::TypePtr;
using types::Value;

namespace {

struct Table {
  std::string name;
  std::vector<types::Field> fields;
  std::map<std::string, size_t> index;  // field name -> position
  std::vector<std::vector<Value>> rows;
  int64_t next_id = 1;

  void add_field(const std::string& column, TypePtr type) {
    index[column] = fields.size();
    fields.push_back({column, std::move(type)});
  }
};

class Relationalizer {
 public:
  explicit Relationalizer(std::string root) : root_(std::move(root)) {}

  void plan(const TypePtr& schema) {
    Table& t = table(root_);
    for (const auto& f : schema->fields()) plan_column(f.name, f.type, t.name);
  }

  void add_record(const TypePtr& schema, const std::vector<Value>& values) {
    std::vector<Value> row(table(root_).fields.size());
    for (size_t i = 0; i < values.size(); ++i)
      emit(schema->fields()[i].name, values[i], schema->fields()[i].type, root_, row);
    table(root_).rows.push_back(std::move(row));
  }

  std::vector<Table*> tables() {
    std::vector<Table*> out;
    for (const auto& name : order_) out.push_back(&tables_.at(name));
    return out;
  }

 private:
  Table& table(const std::string& name) {
    auto it = tables_.find(name);
    if (it != tables_.end()) return it->second;
    order_.push_back(name);
    Table& t = tables_[name];
    t.name = name;
    return t;
  }

  static bool flattens(const TypePtr& t) {
    return t->kind() == TypeKind::kStruct && !t->fields().empty();
  }

  void plan_column(const std::string& column, const TypePtr& type, const std::string& table_name) {
    if (flattens(type)) {
      for (const auto& f : type->fields()) plan_column(column + "." + f.name, f.type, table_name);
    } else if (type->kind() == TypeKind::kArray) {
      table(table_name).add_field(column, DataType::bigint());
      const std::string child = root_ + "_" + column;
      Table& c = table(child);
      c.add_field("id", DataType::bigint());
      c.add_field("index", DataType::int32());
      plan_column(column + ".val", type->element(), child);
    } else {
      table(table_name).add_field(column, type);
    }
  }

  void emit(const std::string& column, const Value& v, const TypePtr& type,
            const std::string& table_name, std::vector<Value>& row) {
    if (flattens(type)) {
      for (size_t i = 0; i < type->fields().size(); ++i) {
        const auto& f = type->fields()[i];
        emit(column + "." + f.name, v.is_null() ? Value() : v.as_struct().fields.at(i), f.type,
             table_name, row);
      }
      return;
    }
    Table& t = table(table_name);
    size_t at = t.index.at(column);
    if (type->kind() != TypeKind::kArray || v.is_null()) {
      row[at] = type->kind() == TypeKind::kArray ? Value() : v;
      return;
    }
    const std::string child_name = root_ + "_" + column;
    Table& child = table(child_name);
    int64_t id = child.next_id++;
    row[at] = Value::integer(id);
    const auto& items = v.as_list().items;
    for (size_t i = 0; i < items.size(); ++i) {
      std::vector<Value> child_row(child.fields.size());
      child_row[0] = Value::integer(id);
      child_row[1] = Value::integer(static_cast<int64_t>(i));
      emit(column + ".val", items[i], type->element(), child_name, child_row);
      table(child_name).rows.push_back(std::move(child_row));
    }
  }

  std::string root_;
  std::map<std::string, Table> tables_;  // std::map: references stay valid
  std::vector<std::string> order_;
};

}  // namespace

StatusOr<std::map<std::string, DynamicFrame>> relationalize_frame(const DynamicFrame& frame,
                                                                  const std::string& root_name) {
  if (root_name.empty()) return invalid_input("Relationalize: empty root table name");
  MORTAR_ASSIGN_OR_RETURN(TypePtr schema, frame.schema());
  Relationalizer r(root_name);
  r.plan(schema);
  // The tables are built in memory as values: roughly three times the
  // columnar size of the input.
  MemoryBudget budget(engine_memory_limit());
  MORTAR_RETURN_IF_ERROR(frame.for_each_batch([&](const RecordBatch& b) {
    MORTAR_RETURN_IF_ERROR(
        budget.reserve("Relationalize (its tables, built in memory)", 3 * batch_bytes(b)));
    for (auto& row : types::batch_rows(b)) r.add_record(b.schema(), row);
    return ok_status();
  }));
  std::map<std::string, DynamicFrame> out;
  for (Table* t : r.tables()) {
    TypePtr type = DataType::structure(t->fields);
    auto batch = RecordBatch::make_empty(type);
    for (const auto& row : t->rows) {
      for (size_t c = 0; c < row.size(); ++c)
        MORTAR_RETURN_IF_ERROR(
            append_typed(batch->column(static_cast<int>(c)), row[c], *t->fields[c].type));
      batch->set_num_rows(batch->num_rows() + 1);
    }
    std::vector<std::shared_ptr<const RecordBatch>> batches;
    batches.push_back(std::move(batch));
    out.emplace(t->name, DynamicFrame(make_memory_source(std::move(batches))));
  }
  return out;
}

}  // namespace mortar::engine
