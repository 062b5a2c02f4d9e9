#include "tools/partitioned_writer.h"

#include <fmt/format.h>

#include "formats/hive_path.h"
#include "formats/json/json_text.h"

namespace mortar::tools {

StatusOr<std::unique_ptr<PartitionedWriter>> PartitionedWriter::open(
    io::FileSystem& fs, std::string root, const formats::Format& format, std::string file_name,
    types::TypePtr schema, std::vector<std::string> partition_by, formats::WriteOptions options) {
  std::unique_ptr<PartitionedWriter> w(new PartitionedWriter());
  w->fs_ = &fs;
  w->root_ = std::move(root);
  w->format_ = &format;
  w->file_name_ = std::move(file_name);
  w->schema_ = schema;
  w->options_ = std::move(options);
  std::vector<bool> is_partition(schema->fields().size(), false);
  for (const auto& name : partition_by) {
    int i = schema->field_index(name);
    if (i < 0) return not_found(fmt::format("--partition-by: no column named '{}'", name));
    if (schema->fields()[i].type->is_nested())
      return invalid_input(fmt::format("--partition-by: column '{}' is nested", name));
    w->partition_columns_.push_back(i);
    is_partition[i] = true;
  }
  std::vector<types::Field> fields;
  for (size_t i = 0; i < schema->fields().size(); ++i) {
    if (is_partition[i]) continue;
    w->data_columns_.push_back(static_cast<int>(i));
    fields.push_back(schema->fields()[i]);
  }
  w->data_schema_ = types::DataType::structure(std::move(fields));
  return w;
}

Status PartitionedWriter::write(const types::RecordBatch& batch) {
  const int64_t n = batch.num_rows();
  auto key_of = [&](int64_t row) {
    std::string key;
    for (int c : partition_columns_) {
      const types::Column& col = batch.column(c);
      std::string value;
      if (col.is_null(row)) value = "__HIVE_DEFAULT_PARTITION__";
      else formats::json::append_text_value(value, col, row);
      if (value.empty()) value = "__HIVE_DEFAULT_PARTITION__";
      key += schema_->fields()[c].name + "=" + formats::hive_escape(value) + "/";
    }
    return key;
  };
  int64_t start = 0;
  while (start < n) {
    std::string key = key_of(start);
    int64_t end = start + 1;
    while (end < n && key_of(end) == key) ++end;
    auto it = writers_.find(key);
    if (it == writers_.end()) {
      std::string path = io::join_path(root_, key + file_name_);
      MORTAR_ASSIGN_OR_RETURN(auto w, format_->open_writer(*fs_, path, data_schema_, options_));
      it = writers_.emplace(key, std::move(w)).first;
    }
    std::vector<std::unique_ptr<types::Column>> cols;
    for (int c : data_columns_) cols.push_back(batch.column(c).slice(start, end - start));
    types::RecordBatch part(data_schema_, std::move(cols), end - start);
    MORTAR_RETURN_IF_ERROR(it->second->write(part));
    start = end;
  }
  return ok_status();
}

Status PartitionedWriter::close() {
  Status first = ok_status();
  for (auto& [key, w] : writers_) {
    Status s = w->close();
    if (!s.ok() && first.ok()) first = s;
  }
  writers_.clear();
  return first;
}

}  // namespace mortar::tools
