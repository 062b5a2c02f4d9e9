#include "formats/csv/csv_writer.h"

#include <fmt/format.h>

#include "formats/format_options.h"
#include "formats/json/json_text.h"
#include "io/compression.h"

namespace mortar::formats::csv {

namespace {
constexpr size_t kFlushBytes = 1 << 20;
}

StatusOr<std::unique_ptr<CsvWriter>> CsvWriter::open(io::FileSystem& fs, const std::string& path,
                                                     types::TypePtr schema,
                                                     const WriteOptions& options) {
  MORTAR_ASSIGN_OR_RETURN(auto out, fs.open_output(path));
  io::Codec codec = io::Codec::kNone;
  if (auto c = find_option(options.format_options, "compression")) {
    MORTAR_ASSIGN_OR_RETURN(codec, io::codec_from_name(*c));
  }
  if (codec != io::Codec::kNone) {
    MORTAR_ASSIGN_OR_RETURN(out, io::compressing_stream(std::move(out), codec));
  }
  return open_stream(std::move(out), std::move(schema), options);
}

StatusOr<std::unique_ptr<CsvWriter>> CsvWriter::open_stream(std::unique_ptr<io::OutputStream> out,
                                                            types::TypePtr schema,
                                                            const WriteOptions& options) {
  if (!schema || schema->kind() != types::TypeKind::kStruct)
    return invalid_input("csv writer: the schema must be a struct type");
  std::unique_ptr<CsvWriter> w(new CsvWriter());
  w->out_ = std::move(out);
  w->schema_ = std::move(schema);
  MORTAR_ASSIGN_OR_RETURN(w->options_, CsvOptions::parse(options.format_options));
  if (w->options_.write_header && !w->schema_->fields().empty()) {
    for (size_t i = 0; i < w->schema_->fields().size(); ++i) {
      if (i) w->buf_ += w->options_.dialect.separator;
      w->append_field(w->schema_->fields()[i].name);
    }
    w->buf_ += '\n';
  }
  return w;
}

void CsvWriter::append_field(std::string_view s) {
  const Dialect& d = options_.dialect;
  bool quote = s.empty() || s.front() == ' ' || s.back() == ' ' || s.front() == '\t' ||
               s.back() == '\t' || (options_.null_value && s == *options_.null_value);
  if (!quote) {
    for (char c : s) {
      if (c == d.separator || c == '\n' || c == '\r' || (d.quote && c == d.quote) ||
          (d.escape && c == d.escape)) {
        quote = true;
        break;
      }
    }
  }
  if (!quote) {
    buf_ += s;
    return;
  }
  if (!d.quote) {
    // No quoting: escape the specials with the escaper when there is one.
    for (char c : s) {
      if (d.escape && (c == d.separator || c == '\n' || c == '\r' || c == d.escape))
        buf_ += d.escape;
      buf_ += c;
    }
    return;
  }
  buf_ += d.quote;
  for (char c : s) {
    if (c == d.quote) buf_ += d.escape ? d.escape : d.quote;
    else if (d.escape && c == d.escape) buf_ += d.escape;
    buf_ += c;
  }
  buf_ += d.quote;
}

Status CsvWriter::write(const types::RecordBatch& batch) {
  if (closed_) return invalid_input("csv writer: write after close");
  const int ncols = batch.num_columns();
  if (ncols != static_cast<int>(schema_->fields().size()))
    return invalid_input(fmt::format("csv writer: batch has {} columns, schema has {}", ncols,
                                     schema_->fields().size()));
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    for (int c = 0; c < ncols; ++c) {
      if (c) buf_ += options_.dialect.separator;
      const types::Column& col = batch.column(c);
      if (col.is_null(r) || col.type()->kind() == types::TypeKind::kNull) {
        if (options_.null_value) buf_ += *options_.null_value;
        continue;
      }
      scratch_.clear();
      json::append_text_value(scratch_, col, r);
      append_field(scratch_);
    }
    if (ncols == 0) continue;
    buf_ += '\n';
    if (buf_.size() >= kFlushBytes) MORTAR_RETURN_IF_ERROR(flush());
  }
  return ok_status();
}

Status CsvWriter::flush() {
  if (buf_.empty()) return ok_status();
  MORTAR_RETURN_IF_ERROR(out_->write(buf_));
  buf_.clear();
  return ok_status();
}

Status CsvWriter::close() {
  if (closed_) return ok_status();
  closed_ = true;
  MORTAR_RETURN_IF_ERROR(flush());
  return out_->close();
}

}  // namespace mortar::formats::csv
