#include "formats/json/json_writer.h"

#include <fmt/format.h>

#include "formats/format_options.h"
#include "formats/json/json_text.h"
#include "io/compression.h"

namespace mortar::formats::json {

StatusOr<std::unique_ptr<JsonWriter>> JsonWriter::open(io::FileSystem& fs, const std::string& path,
                                                       types::TypePtr schema,
                                                       const WriteOptions& options) {
  MORTAR_ASSIGN_OR_RETURN(auto out, fs.open_output(path));
  if (auto c = find_option(options.format_options, "compression")) {
    MORTAR_ASSIGN_OR_RETURN(io::Codec codec, io::codec_from_name(*c));
    if (codec != io::Codec::kNone) {
      MORTAR_ASSIGN_OR_RETURN(out, io::compressing_stream(std::move(out), codec));
    }
  }
  return open_stream(std::move(out), std::move(schema));
}

StatusOr<std::unique_ptr<JsonWriter>> JsonWriter::open_stream(std::unique_ptr<io::OutputStream> out,
                                                              types::TypePtr schema) {
  if (!schema || schema->kind() != types::TypeKind::kStruct)
    return invalid_input("json writer: the schema must be a struct type");
  std::unique_ptr<JsonWriter> w(new JsonWriter());
  w->out_ = std::move(out);
  w->schema_ = std::move(schema);
  for (const auto& f : w->schema_->fields()) {
    std::string k;
    append_json_string(k, f.name);
    k += ':';
    w->keys_.push_back(std::move(k));
  }
  return w;
}

Status JsonWriter::write(const types::RecordBatch& batch) {
  if (closed_) return invalid_input("json writer: write after close");
  if (batch.num_columns() != static_cast<int>(keys_.size()))
    return invalid_input(fmt::format("json writer: batch has {} columns, schema has {}",
                                     batch.num_columns(), keys_.size()));
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    buf_ += '{';
    for (int c = 0; c < batch.num_columns(); ++c) {
      if (c) buf_ += ',';
      buf_ += keys_[c];
      append_json_value(buf_, batch.column(c), r);
    }
    buf_ += "}\n";
    if (buf_.size() >= (1 << 20)) {
      MORTAR_RETURN_IF_ERROR(out_->write(buf_));
      buf_.clear();
    }
  }
  return ok_status();
}

Status JsonWriter::close() {
  if (closed_) return ok_status();
  closed_ = true;
  if (!buf_.empty()) MORTAR_RETURN_IF_ERROR(out_->write(buf_));
  buf_.clear();
  return out_->close();
}

}  // namespace mortar::formats::json
